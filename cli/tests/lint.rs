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

const WHOAMI: &str = "title: Whoami
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
status: test
description: whoami run
author: rulelab
date: 2024-01-01
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\whoami.exe'
    condition: selection
level: high
";

const FILTER: &str = "title: Filter admins
id: 0a4e8b3c-1d2f-4e5a-8b6c-7d8e9f0a1b2c
logsource:
    category: process_creation
    product: windows
filter:
    rules:
        - 929a690e-bef0-4204-a928-ef5e620d6fcc
        - 6f3e2987-db24-4c78-a860-b4f4095a7095
    selection:
        User|startswith: 'adm_'
    condition: not selection
";

/// A small rule library: `a/whoami.yml`, a copy with the same id in `b/`, and a filter in
/// `filters/` naming the whoami rule and a rule no file defines. Returns (dir, [a, b, filter]).
fn sigma_library() -> (tempfile::TempDir, [String; 3]) {
    let dir = tempfile::tempdir().unwrap();
    let paths = ["a/whoami.yml", "b/whoami_copy.yml", "filters/admins.yml"].map(|p| {
        let path = dir.path().join(p);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        path.to_str().unwrap().to_string()
    });
    fs::write(&paths[0], WHOAMI).unwrap();
    fs::write(
        &paths[1],
        WHOAMI.replace("title: Whoami", "title: Whoami copy"),
    )
    .unwrap();
    fs::write(&paths[2], FILTER).unwrap();
    (dir, paths)
}

fn codes_of(line: &Value) -> Vec<String> {
    line["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn sigma_files_and_folders_are_linted_as_one_library() {
    let (dir, paths) = sigma_library();
    // Folders and a file, as given.
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    let output = rulelab(&[
        "lint",
        "--format",
        "json",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        &paths[2],
    ]);
    let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let by_path = |path: &str| {
        lines
            .iter()
            .find(|l| l["path"] == path)
            .unwrap_or_else(|| panic!("no line for {path} in {lines:?}"))
    };
    // SIG302 duplicate-id is an error: exit 1.
    assert_eq!(output.status.code(), Some(1), "{lines:?}");
    let first = by_path(&paths[0]);
    assert!(codes_of(first).contains(&"SIG302".to_string()), "{first}");
    let duplicate = first["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SIG302")
        .unwrap();
    assert!(
        duplicate["message"].as_str().unwrap().contains(&paths[1]),
        "{duplicate}"
    );
    assert_eq!(duplicate["range"]["start"]["line"], 1, "the id line");
    assert!(codes_of(by_path(&paths[1])).contains(&"SIG302".to_string()));
    // The filter names one known rule and one unknown.
    let filter = by_path(&paths[2]);
    let unknown: Vec<&Value> = filter["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "SIG211")
        .collect();
    assert_eq!(unknown.len(), 1, "{filter}");
    assert!(unknown[0]["message"]
        .as_str()
        .unwrap()
        .contains("6f3e2987-db24-4c78-a860-b4f4095a7095"));
    assert_eq!(unknown[0]["range"]["start"]["line"], 8);
}

#[test]
fn one_sigma_file_alone_has_no_library_findings() {
    let (_dir, paths) = sigma_library();
    for path in &paths {
        let output = rulelab(&["lint", "--format", "json", path]);
        let line: Value = serde_json::from_slice(&output.stdout).unwrap();
        let codes = codes_of(&line);
        assert!(
            !codes.iter().any(|c| c == "SIG302" || c == "SIG211"),
            "{path}: {codes:?}"
        );
    }
}

#[test]
fn library_findings_in_text_and_sarif_and_disabled_by_flag() {
    let (_dir, paths) = sigma_library();
    let args = |format: &'static str| -> Vec<&str> {
        let mut args = vec!["lint", "--format", format];
        args.extend(paths.iter().map(String::as_str));
        args
    };
    let text = rulelab(&args("text"));
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(stdout.contains("error[SIG302]: `id` `929a690e"), "{stdout}");
    assert!(stdout.contains(&format!("--> {}:2:", paths[0])), "{stdout}");
    assert!(stdout.contains("[SIG211]"), "{stdout}");
    assert!(stdout.contains(&format!("--> {}:9:", paths[2])), "{stdout}");

    let sarif = rulelab(&args("sarif"));
    let log: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let located = |code: &str, path: &str| {
        results.iter().any(|r| {
            r["ruleId"] == code
                && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == path
        })
    };
    assert!(located("SIG302", &paths[0]) && located("SIG302", &paths[1]));
    assert!(located("SIG211", &paths[2]));
    assert_eq!(sarif.status.code(), Some(1));

    let mut disabled = args("json");
    disabled.extend(["--disable", "duplicate-id"]);
    let output = rulelab(&disabled);
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let line: Value = serde_json::from_str(line).unwrap();
        assert!(!codes_of(&line).contains(&"SIG302".to_string()), "{line}");
    }
}
