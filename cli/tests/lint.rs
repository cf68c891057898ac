//! `rulelab lint` and `rulelab rules` end to end: JSON lines, SARIF, `--fix`, exit status.

use std::fs;
use std::process::{Command, Output};

use serde_json::Value;

fn rulelab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rulelab"))
        .args(args)
        .output()
        .unwrap()
}

const RULE: &str = "DeviceProcessEvents\n| where FileName == \"msiexec.exe\"\n| join (DeviceNetworkEvents) on DeviceId\n";

#[test]
fn json_lines_carry_findings_and_exit_zero_without_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rule.kql");
    fs::write(&path, RULE).unwrap();
    let output = rulelab(&["lint", "--format", "json", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "warnings only");
    let line: Value = serde_json::from_slice(&output.stdout).unwrap();
    let codes: Vec<&str> = line["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"KQL312") && codes.contains(&"KQL302"),
        "{codes:?}"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("linted 1 inputs"));
}

#[test]
fn sarif_is_a_2_1_0_log_with_rules_and_regions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rule.kql");
    fs::write(&path, RULE).unwrap();
    let output = rulelab(&["lint", "--format", "sarif", path.to_str().unwrap()]);
    let log: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "rulelab");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert!(results.len() >= 2);
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(
            region["startLine"].as_u64().unwrap() >= 1
                && region["startColumn"].as_u64().unwrap() >= 1
        );
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap()));
    }
}

#[test]
fn fix_applies_only_safe_fixes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rule.kql");
    fs::write(&path, RULE).unwrap();
    let output = rulelab(&["lint", "--fix", "--format", "json", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    let fixed = fs::read_to_string(&path).unwrap();
    // join-without-kind's safe fix states the default; the case-sensitivity fix is unsafe.
    assert!(
        fixed.contains("join kind=innerunique (DeviceNetworkEvents)"),
        "{fixed}"
    );
    assert!(fixed.contains("FileName == \"msiexec.exe\""), "{fixed}");
}

#[test]
fn syntax_errors_exit_one_and_rules_lists_the_registry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.kql");
    fs::write(&path, "T | where a == 'x").unwrap();
    assert_eq!(
        rulelab(&["lint", path.to_str().unwrap()]).status.code(),
        Some(1)
    );
    let output = rulelab(&["rules", "--format", "json"]);
    let lines: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines
        .iter()
        .any(|r| r["code"] == "KQL302" && r["fixable"] == true));
}

#[test]
fn rulelab_toml_sets_profile_and_rules() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("rulelab.toml"), "profile = \"defender\"\n[lint]\ndisable = [\"join-without-kind\"]\n[lint.severity]\nKQL312 = \"error\"\n").unwrap();
    let path = dir.path().join("rule.kql");
    fs::write(&path, "DeviceProcessEvents\n| where FileNme == \"x\" or FileName == \"msiexec.exe\"\n| join (DeviceNetworkEvents) on DeviceId\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_rulelab"))
        .args(["lint", "--format", "json", "rule.kql"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let line: Value = serde_json::from_slice(&output.stdout).unwrap();
    let diagnostics = line["diagnostics"].as_array().unwrap();
    let codes: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"KQL203"),
        "defender profile checks columns: {codes:?}"
    );
    assert!(
        !codes.contains(&"KQL302"),
        "disabled in rulelab.toml: {codes:?}"
    );
    let severity = diagnostics.iter().find(|d| d["code"] == "KQL312").unwrap()["severity"].clone();
    assert_eq!(severity, "error");
    assert_eq!(output.status.code(), Some(1));
}
