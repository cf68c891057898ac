//! Runs the `rulelab` binary on a temporary folder and on JSONL batches.

use std::fs;
use std::io::Write;
use std::path::Path;
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
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn json_lines(output: &Output) -> Vec<Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

const FLATTENED: &str = "id: 1\nname: Pasted rule\nseverity: Low\ntactics:\n- Execution\nquery: |\nDeviceProcessEvents\n| where FileName == \"cmd.exe\"\nkind: Scheduled\n";

#[test]
fn parses_a_folder_recursively_in_sorted_order() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("a.kql"), "DeviceProcessEvents | take 10\n");
    write(&root.join("sub/b.yaml"), FLATTENED);
    write(
        &root.join("sub/c.csl"),
        "DeviceProcessEvents | where FileName == \"cmd.exe\n",
    );
    write(&root.join("notes.md"), "not a rule");
    write(&root.join(".git/d.kql"), "hidden");

    let output = rulelab(&["parse", root.to_str().unwrap()], "");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let lines = json_lines(&output);
    let paths: Vec<_> = lines
        .iter()
        .map(|l| {
            l["path"]
                .as_str()
                .unwrap()
                .strip_prefix(root.to_str().unwrap())
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(paths, ["/a.kql", "/sub/b.yaml", "/sub/c.csl"]);
    assert_eq!(lines[0]["language"], "kql");
    assert_eq!(lines[0]["ok"], true);
    // The pasted Sentinel rule is repaired: one warning, no error.
    assert_eq!(lines[1]["ok"], true);
    let codes: Vec<_> = lines[1]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].clone())
        .collect();
    assert_eq!(codes, ["KQL120"]);
    assert_eq!(lines[2]["ok"], false);
    assert_eq!(lines[2]["diagnostics"][0]["severity"], "error");

    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.ends_with("parsed 2 of 3 (1 with errors)\n"),
        "{stderr}"
    );
    assert!(stderr.contains("c.csl:1:"), "{stderr}");
}

#[test]
fn clean_inputs_exit_zero_and_stdin_is_read_without_paths() {
    let output = rulelab(&["parse"], "SecurityEvent | where EventID == 4688\n");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["path"], "-");
    assert_eq!(lines[0]["diagnostics"], Value::Array(vec![]));
}

#[test]
fn jsonl_batches_keep_order_and_ids() {
    let batch = [
        r#"{"id": "first", "query": "T | take 1"}"#,
        r#"{"id": 2, "rule": "title: t\nlogsource:\n  product: windows\ndetection:\n  sel:\n    EventID: 1\n  condition: sel\n"}"#,
        "",
        r#"{"id": 3, "query": "T | where a == \"x"}"#,
    ]
    .join("\n");
    let output = rulelab(&["parse", "--jsonl", "-"], &batch);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let lines = json_lines(&output);
    let ids: Vec<_> = lines.iter().map(|l| l["id"].clone()).collect();
    assert_eq!(ids, [Value::from("first"), Value::from(2), Value::from(3)]);
    assert_eq!(lines[1]["language"], "sigma");
    assert_eq!(lines[2]["ok"], false);
}

#[test]
fn unreadable_inputs_and_bad_usage_exit_two() {
    let output = rulelab(&["parse", "/no/such/rule.kql"], "");
    assert_eq!(output.status.code(), Some(2));
    let lines = json_lines(&output);
    assert_eq!(lines[0]["path"], "/no/such/rule.kql");
    assert!(lines[0]["error"].is_string());

    let output = rulelab(
        &["parse", "--jsonl", "-"],
        "{\"id\": 1, \"query\": \"T\"}\nnot json\n",
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(json_lines(&output).len(), 2);

    let output = rulelab(&["parse", "--lang", "cobol"], "");
    assert_eq!(output.status.code(), Some(2));
}
