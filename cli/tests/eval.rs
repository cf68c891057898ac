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
fn rule_errors_exit_1_and_kql_is_refused() {
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
        &["eval", "--rule", kql.to_str().unwrap(), "--events", "-"],
        EVENTS,
    );
    assert_eq!(output.status.code(), Some(2));
}
