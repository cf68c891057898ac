//! `rulelab eval` on small hand-made Sigma rules and events.

use std::fs;
use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn rulelab(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rulelab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command that fails early may not read its input.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

const RULE: &str = "title: Whoami
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\whoami.exe'
    condition: selection
level: high
";

const EVENTS: &str = r#"{"EventID": 1, "Channel": "Microsoft-Windows-Sysmon/Operational", "Image": "C:\\Windows\\System32\\whoami.exe", "UtcTime": "2024-01-01 10:00:00.000"}
{"EventID": 1, "Image": "C:\\Windows\\System32\\cmd.exe"}
{"process": {"name": "x"}, "Image": "D:\\WHOAMI.EXE"}
"#;

#[test]
fn json_ndjson_and_table_from_files_and_folders() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    fs::create_dir(&rules).unwrap();
    fs::write(rules.join("whoami.yml"), RULE).unwrap();
    let events = dir.path().join("events.jsonl");
    fs::write(&events, EVENTS).unwrap();
    let rules_arg = rules.to_str().unwrap();
    let events_arg = events.to_str().unwrap();

    let output = rulelab(&["eval", "--rule", rules_arg, "--events", events_arg], "");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(result["language"], "sigma");
    assert_eq!(result["events"], 3);
    let events: Vec<u64> = result["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["event"].as_u64().unwrap())
        .collect();
    assert_eq!(events, [0, 2]);
    assert_eq!(
        result["matches"][0]["rule"],
        "929a690e-bef0-4204-a928-ef5e620d6fcc"
    );
    assert_eq!(result["matches"][0]["selections"][0], "selection");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("evaluated 3 events against 1 rules: 2 matches"),
        "{stderr}"
    );

    let output = rulelab(
        &[
            "eval", "--rule", rules_arg, "--events", "-", "--format", "ndjson",
        ],
        EVENTS,
    );
    let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["event"], 2);

    let array = format!("[{}]", EVENTS.lines().collect::<Vec<_>>().join(","));
    let output = rulelab(
        &[
            "eval", "--rule", rules_arg, "--events", "-", "--format", "table",
        ],
        &array,
    );
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(
        table.contains("Whoami") && table.contains("high"),
        "{table}"
    );
    assert!(table.contains("2024-01-01T10:00:00Z"), "{table}");
}

#[test]
fn rule_errors_exit_1_and_mixed_languages_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let rule = dir.path().join("bad.yml");
    fs::write(
        &rule,
        RULE.replace("condition: selection", "condition: selecton"),
    )
    .unwrap();
    let output = rulelab(
        &["eval", "--rule", rule.to_str().unwrap(), "--events", "-"],
        EVENTS,
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("SIG201"), "{stderr}");
    assert!(stderr.contains("1 of 1 rule files with errors"), "{stderr}");

    let kql = dir.path().join("q.kql");
    fs::write(&kql, "DeviceProcessEvents | take 1").unwrap();
    let output = rulelab(
        &[
            "eval",
            "--rule",
            kql.to_str().unwrap(),
            rule.to_str().unwrap(),
            "--events",
            "-",
        ],
        EVENTS,
    );
    assert_eq!(output.status.code(), Some(2));
}

const KQL_EVENTS: &str = r#"{"Timestamp": "2025-01-01T10:00:00Z", "FileName": "msiexec.exe", "ProcessCommandLine": "msiexec /y x.dll", "DeviceId": "a"}
{"Timestamp": "2025-01-01T10:05:00Z", "FileName": "MSIEXEC.EXE", "ProcessCommandLine": "msiexec /i p.msi", "DeviceId": "b"}
{"$table": "DeviceNetworkEvents", "Timestamp": "2025-01-01T10:06:00Z", "DeviceId": "a", "RemotePort": 443}
"#;

#[test]
fn kql_rules_run_on_events_with_stages() {
    let dir = tempfile::tempdir().unwrap();
    let kql = dir.path().join("q.kql");
    fs::write(
        &kql,
        "DeviceProcessEvents\n| where Timestamp > ago(1h)\n| where FileName =~ \"msiexec.exe\"\n| where ProcessCommandLine has_any (\"/y\", \"-y\")\n| join kind=inner (DeviceNetworkEvents) on DeviceId\n| project DeviceId, ProcessCommandLine, RemotePort",
    )
    .unwrap();
    let path = kql.to_str().unwrap();
    let now = "2025-01-01T10:30:00Z";
    let output = rulelab(
        &["eval", "--rule", path, "--events", "-", "--now", now],
        KQL_EVENTS,
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let result: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(result["language"], "kql");
    assert_eq!(
        result["columns"],
        serde_json::json!(["DeviceId", "ProcessCommandLine", "RemotePort"])
    );
    assert_eq!(
        result["types"],
        serde_json::json!(["string", "string", "int"])
    );
    assert_eq!(
        result["rows"],
        serde_json::json!([["a", "msiexec /y x.dll", 443]])
    );
    let counts: Vec<(u64, u64)> = result["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["rows_in"].as_u64().unwrap(),
                s["rows_out"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(counts, vec![(2, 2), (2, 2), (2, 1), (1, 1), (1, 1)]);

    let output = rulelab(
        &[
            "eval", "--rule", path, "--events", "-", "--now", now, "--format", "table",
        ],
        KQL_EVENTS,
    );
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("a ") && l.contains("msiexec /y x.dll") && l.ends_with("443")),
        "{table}"
    );
    assert!(table.contains("(1 rows)"), "{table}");

    // An hour later nothing is recent enough.
    let output = rulelab(
        &[
            "eval",
            "--rule",
            path,
            "--events",
            "-",
            "--now",
            "2025-01-01T12:00:00Z",
            "--format",
            "ndjson",
        ],
        KQL_EVENTS,
    );
    assert!(output.stdout.is_empty(), "{output:?}");
}

#[test]
fn jsonl_batches_keep_order_and_report_errors() {
    let batch = [
        serde_json::json!({"id": "a", "query": "print x = 1 + 1"}),
        serde_json::json!({"id": "b", "query": "T | where n > 1 | count", "events": [{"n": 1}, {"n": 2}, {"n": 3}]}),
        serde_json::json!({"id": "c", "query": "range x from 1 to 10000000 step 1"}),
        serde_json::json!({"id": "d", "rule": RULE, "events": [{"Image": "C:\\x\\whoami.exe"}]}),
    ]
    .iter()
    .map(|v| v.to_string() + "\n")
    .collect::<String>();
    let output = rulelab(&["eval", "--jsonl", "-", "--max-rows", "1000"], &batch);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["id"], "a");
    assert_eq!(lines[0]["rows"], serde_json::json!([[2]]));
    assert_eq!(lines[1]["rows"], serde_json::json!([[2]]));
    assert!(
        lines[2]["error"].as_str().unwrap().contains("row limit"),
        "{}",
        lines[2]
    );
    assert_eq!(lines[3]["language"], "sigma");
    assert_eq!(lines[3]["matches"].as_array().unwrap().len(), 1);
    assert!(String::from_utf8_lossy(&output.stderr).contains("evaluated 3 of 4 (1 with errors)"));
}

/// `fixtures/evtx/sysmon.evtx` (made by `make_sysmon_evtx.py` beside it): three Sysmon
/// records, a certutil download (EventID 1), a network connection (3), notepad (1).
const SYSMON_EVTX: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/evtx/sysmon.evtx"
);

const CERTUTIL_RULE: &str = "title: Certutil download
id: 19b08b1c-861d-4e75-a1ef-ea0c1baf202b
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        OriginalFileName: CertUtil.exe
        CommandLine|contains: urlcache
        Provider_Name: Microsoft-Windows-Sysmon
        Computer: ws01.corp.local
    condition: selection
level: high
";

#[test]
fn evtx_records_are_flattened_for_sigma_rules() {
    let dir = tempfile::tempdir().unwrap();
    let rule = dir.path().join("certutil.yml");
    fs::write(&rule, CERTUTIL_RULE).unwrap();
    let output = rulelab(
        &[
            "eval",
            "--rule",
            rule.to_str().unwrap(),
            "--events",
            SYSMON_EVTX,
            "--format",
            "ndjson",
        ],
        "",
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["event"], 0);
    assert_eq!(lines[0]["rule"], "19b08b1c-861d-4e75-a1ef-ea0c1baf202b");
    assert!(stderr.contains("evaluated 3 events"), "{stderr}");
}

#[test]
fn evtx_detected_by_magic_without_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let rule = dir.path().join("certutil.yml");
    fs::write(&rule, CERTUTIL_RULE).unwrap();
    let events = dir.path().join("sysmon.log");
    fs::copy(SYSMON_EVTX, &events).unwrap();
    let output = rulelab(
        &[
            "eval",
            "--rule",
            rule.to_str().unwrap(),
            "--events",
            events.to_str().unwrap(),
            "--format",
            "table",
        ],
        "",
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("Certutil download"), "{stdout}");
    // The table shows the record's time (TimeCreated), not its index.
    assert!(stdout.contains("2026-01-01"), "{stdout}");
}

#[test]
fn limits_stop_runaway_kql_with_the_flag_to_raise() {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("events.json");
    fs::write(&events, "[]").unwrap();
    let rule = |name: &str, query: &str| {
        let path = dir.path().join(name);
        fs::write(&path, query).unwrap();
        path.to_string_lossy().into_owned()
    };
    let events = events.to_string_lossy().into_owned();
    let error_of = |output: &Output| -> String {
        let line: Value = serde_json::from_slice(&output.stdout).unwrap();
        line["error"].as_str().unwrap_or_default().to_string()
    };

    let range = rule("range.kql", "range x from 1 to 1000000000000 step 1");
    let output = rulelab(
        &[
            "eval",
            "--rule",
            &range,
            "--events",
            &events,
            "--max-rows",
            "5000",
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let error = error_of(&output);
    assert!(
        error.starts_with("row limit reached: range would produce 1000000000000 rows"),
        "{error}"
    );
    assert!(error.contains("--max-rows"), "{error}");

    let join = rule(
        "join.kql",
        "range i from 1 to 100 step 1 | extend k = 1 | join kind=inner (range j from 1 to 100 step 1 | extend k = 1) on k",
    );
    let output = rulelab(
        &[
            "eval",
            "--rule",
            &join,
            "--events",
            &events,
            "--max-memory",
            "100KiB",
        ],
        "",
    );
    let error = error_of(&output);
    assert!(
        error.starts_with("memory limit reached: the join would hold about"),
        "{error}"
    );
    assert!(error.contains("--max-memory"), "{error}");
    // Raised, the same join runs.
    let output = rulelab(
        &[
            "eval",
            "--rule",
            &join,
            "--events",
            &events,
            "--max-memory",
            "1GB",
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(error_of(&output), "");

    let slow = rule(
        "slow.kql",
        "range x from 1 to 500000 step 1 | summarize count()",
    );
    let output = rulelab(
        &[
            "eval",
            "--rule",
            &slow,
            "--events",
            &events,
            "--timeout",
            "0ms",
        ],
        "",
    );
    let error = error_of(&output);
    assert!(error.starts_with("time limit reached"), "{error}");
    assert!(error.contains("--timeout"), "{error}");

    let output = rulelab(
        &[
            "eval",
            "--rule",
            &slow,
            "--events",
            &events,
            "--timeout",
            "soon",
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(2), "{output:?}");
}

/// The flat events of `sysmon.evtx`, one JSON line each: what the core's EVTX conversion
/// yields, shared with the WebAssembly package's test (tests/js/evtx.test.mjs).
const SYSMON_NDJSON: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/evtx/sysmon.ndjson"
);

/// Every field of every record as `rulelab eval` sees it: one rule per field of the
/// expected events (`Field|re: '^'` matches any value and reports it), no routing.
#[test]
fn evtx_events_are_the_expected_flat_events() {
    let expected: Vec<serde_json::Map<String, Value>> = fs::read_to_string(SYSMON_NDJSON)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut fields: Vec<&String> = expected.iter().flat_map(|e| e.keys()).collect();
    fields.sort();
    fields.dedup();
    let dir = tempfile::tempdir().unwrap();
    for (i, field) in fields.iter().enumerate() {
        let rule = format!(
            "title: {field}\nid: 00000000-0000-4000-8000-{i:012}\nlogsource:\n    product: windows\n\
             detection:\n    selection:\n        {field}|re: '^'\n    condition: selection\n"
        );
        fs::write(dir.path().join(format!("{field}.yml")), rule).unwrap();
    }
    let output = rulelab(
        &[
            "eval",
            "--rule",
            dir.path().to_str().unwrap(),
            "--events",
            SYSMON_EVTX,
            "--format",
            "ndjson",
            "--no-routing",
        ],
        "",
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut seen: Vec<serde_json::Map<String, Value>> = vec![Default::default(); expected.len()];
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let m: Value = serde_json::from_str(line).unwrap();
        let event = m["event"].as_u64().unwrap() as usize;
        for field in m["fields"].as_array().unwrap() {
            seen[event].insert(
                field["field"].as_str().unwrap().to_string(),
                field["value"].clone(),
            );
        }
    }
    assert_eq!(seen, expected);
}
