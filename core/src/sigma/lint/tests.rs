use super::*;
use crate::diagnostic::Diagnostic;

#[test]
fn codes_are_sigma_lint_codes() {
    for rule in registry::RULES {
        assert!(rule.meta().code.starts_with("SIG3"));
        assert_eq!(rule.meta().language, crate::rule::Language::Sigma);
    }
}

/// Every span (and fix edit) lies inside `text`, on character boundaries.
fn assert_spans(text: &str, diagnostics: &[Diagnostic], what: &str) {
    for d in diagnostics {
        assert!(
            text.get(d.span.range()).is_some(),
            "{what}: {} span {:?} outside the text or inside a character",
            d.code,
            d.span
        );
        for edit in d.fixes.iter().flat_map(|f| &f.edits) {
            assert!(
                text.get(edit.span.range()).is_some(),
                "{what}: {} fix edit {:?} outside the text",
                d.code,
                edit.span
            );
        }
    }
}

/// Runs a Sigma text through every entry point: parse, lint (file and collection), compile
/// and a one-shot evaluation.
fn every_entry_point(text: &str) {
    let parsed = crate::sigma::parse(text);
    assert_spans(text, &parsed.diagnostics, "parse");
    let report = crate::lint(
        text,
        &crate::LintOptions {
            language: crate::LanguageHint::Sigma,
            path: Some("rules/windows/fuzz_input_rule.yml".to_string()),
            ..Default::default()
        },
    );
    assert_spans(text, &report.diagnostics, "lint");
    for found in lint_collection(
        &[(Some("a/x.yml"), text), (Some("b/x.yml"), text)],
        &LintConfig::default(),
    ) {
        assert_spans(text, &found, "lint_collection");
    }
    let set = crate::sigma::compile(
        &[crate::sigma::RuleSource::new(None, text)],
        &crate::sigma::CompileOptions::default(),
    );
    let events = [
        serde_json::json!({"Image": "C:\\Windows\\whoami.exe", "EventID": 4104, "ScriptBlockText": "x"}),
        serde_json::json!({"EventID": "4625", "User": "bob"}),
    ];
    let _ = set.evaluate(&events, &crate::sigma::EvalOptions::default());
    let evaluation =
        crate::sigma::evaluate(text, &events, &crate::sigma::EvaluateOptions::default());
    assert_spans(text, &evaluation.diagnostics, "evaluate");
}

/// The `sigma_parse` fuzz crash saved last session (invalid UTF-8, flattened YAML with
/// mangled keys); it did not reproduce in a debug build. The fuzz target reads it as lossy
/// UTF-8, so does this test.
#[test]
fn fuzz_crash_c852bc68_goes_through_every_entry_point() {
    let data = include_bytes!(
        "../../../tests/fixtures/sigma/regressions/crash-c852bc68ca5c2d27d0cf590c31edf5a9d11e6f66"
    );
    let text = String::from_utf8_lossy(data);
    every_entry_point(&text);
    // And its prefixes (every third byte), where span arithmetic on repaired text goes wrong.
    let mut end = 0;
    while end < text.len() {
        end += 3;
        while end < text.len() && !text.is_char_boundary(end) {
            end += 1;
        }
        every_entry_point(text.get(..end).unwrap_or(""));
    }
}

#[test]
fn lint_runs_sigma_rules_through_the_top_level_entry_point() {
    let text = "title: Whoami\nlogsource: {category: process_creation, product: windows}\ndetection:\n    selection:\n        Image|endswith: '*\\whoami.exe'\n    filter: {User: admin}\n    condition: selection\n";
    let report = crate::lint(text, &crate::LintOptions::default());
    let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code.as_str()).collect();
    for code in ["SIG301", "SIG308", "SIG360", "SIG369"] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    // Suppression comments work for Sigma lint findings too.
    let suppressed = format!("# rulelab-disable-file SIG369 redundant-wildcard\n{text}");
    let report = crate::lint(&suppressed, &crate::LintOptions::default());
    assert!(!report
        .diagnostics
        .iter()
        .any(|d| d.code == "SIG369" || d.code == "SIG360"));
    // And configuration turns rules off or changes their severity.
    let mut options = crate::LintOptions::default();
    options.config.disable.push("missing-id".to_string());
    options
        .config
        .severity
        .insert("SIG369".to_string(), crate::Severity::Error);
    let report = crate::lint(text, &options);
    assert!(!report.diagnostics.iter().any(|d| d.code == "SIG301"));
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.code == "SIG369" && d.severity == crate::Severity::Error));
}

#[test]
fn big_conditions_skip_the_truth_table_instead_of_hanging() {
    let names: Vec<String> = (0..12).map(|i| format!("s{i}")).collect();
    let mut text = String::from("title: Big\nlogsource: {product: windows}\ndetection:\n");
    for name in &names {
        text.push_str(&format!("    {name}: {{Field: '{name}'}}\n"));
    }
    let condition: Vec<String> = (0..3000).map(|i| names[i % names.len()].clone()).collect();
    text.push_str(&format!("    condition: {}\n", condition.join(" or ")));
    let started = std::time::Instant::now();
    let parsed = crate::sigma::parse::parse_yaml(&text);
    let _ = lint_file(&text, None, &parsed.rules, &LintConfig::default());
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}

#[test]
fn truth_table_findings() {
    let lint = |condition: &str| -> Vec<String> {
        let text = format!(
            "title: T\nlogsource: {{product: windows, service: security}}\ndetection:\n    a: {{EventID: 1}}\n    b: {{EventID: 2}}\n    c: {{User: x}}\n    condition: {condition}\n"
        );
        let parsed = crate::sigma::parse::parse_yaml(&text);
        lint_file(&text, None, &parsed.rules, &LintConfig::default())
            .into_iter()
            .filter(|d| ["SIG372", "SIG373", "SIG374"].contains(&d.code.as_str()))
            .map(|d| format!("{} {}", d.code, d.span.text(&text)))
            .collect()
    };
    assert_eq!(lint("a and b and c"), vec!["SIG372 a and b and c"]);
    assert_eq!(
        lint("c or not c or a or b"),
        vec!["SIG373 c or not c or a or b"]
    );
    assert_eq!(lint("a or (a and c) or b"), vec!["SIG374 c"]);
    // `b` cannot match with `a`: excluding it from `a` changes nothing.
    assert_eq!(lint("a and not b or c"), vec!["SIG374 b"]);
    assert!(lint("(a or b) and not c").is_empty());
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

fn filter_naming(reference: &str) -> String {
    format!(
        "title: Filter admins
id: 0a4e8b3c-1d2f-4e5a-8b6c-7d8e9f0a1b2c
logsource:
    category: process_creation
    product: windows
filter:
    rules:
        - {reference}
    selection:
        User|startswith: 'adm_'
    condition: not selection
"
    )
}

fn codes(found: &[Diagnostic]) -> Vec<&str> {
    found.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn library_findings_name_the_other_file_of_a_duplicate_id() {
    let copy = WHOAMI.replace("title: Whoami", "title: Whoami again");
    let found = library_findings(
        &[(Some("a/whoami.yml"), WHOAMI), (Some("b/other.yml"), &copy)],
        &LintConfig::default(),
    );
    assert_eq!(codes(&found[0]), ["SIG302"]);
    assert!(
        found[0][0].message.contains("b/other.yml"),
        "{:?}",
        found[0]
    );
    assert_eq!(codes(&found[1]), ["SIG302"]);
    assert!(
        found[1][0].message.contains("a/whoami.yml"),
        "{:?}",
        found[1]
    );
}

#[test]
fn library_findings_leave_out_what_each_file_shows_alone() {
    // A broken file's own problems (SIG1xx) are its lint's, not the library's.
    let found = library_findings(
        &[(None, WHOAMI), (None, "title: [unclosed\n")],
        &LintConfig::default(),
    );
    assert_eq!(found, vec![Vec::new(), Vec::new()]);
}

#[test]
fn library_findings_report_a_filter_naming_a_rule_no_file_defines() {
    let unknown = filter_naming("6f3e2987-db24-4c78-a860-b4f4095a7095");
    let found = library_findings(
        &[(None, WHOAMI), (Some("filter.yml"), &unknown)],
        &LintConfig::default(),
    );
    assert_eq!(codes(&found[1]), ["SIG211"]);
    let span = found[1][0].span;
    assert_eq!(
        &unknown[span.range()],
        "6f3e2987-db24-4c78-a860-b4f4095a7095"
    );
    let known = filter_naming("929a690e-bef0-4204-a928-ef5e620d6fcc");
    let found = library_findings(&[(None, WHOAMI), (None, &known)], &LintConfig::default());
    assert_eq!(found, vec![Vec::new(), Vec::new()]);
}

#[test]
fn library_findings_follow_the_configuration() {
    let copy = WHOAMI.replace("title: Whoami", "title: Whoami again");
    let config = LintConfig {
        disable: vec!["duplicate-id".to_string()],
        ..Default::default()
    };
    let found = library_findings(&[(None, WHOAMI), (None, &copy)], &config);
    assert_eq!(found, vec![Vec::new(), Vec::new()]);
}
