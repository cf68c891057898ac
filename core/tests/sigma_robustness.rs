//! The Sigma parser, the condition grammar and the evaluator never panic, whatever the
//! input, and every diagnostic span lies inside the text on character boundaries.

use proptest::prelude::*;
use rulelab::sigma::{self, condition, EvaluateOptions};
use serde_json::json;

const SEED_004: &str = include_str!("../src/container/fixtures/004_dcom_mmc20_powershell.yml");
const WHOAMI: &str = include_str!("fixtures/sigma/whoami_full_metadata.yml");
const CHAIN: &str = include_str!("fixtures/sigma/correlation_chain.yml");

fn check_spans(text: &str, diagnostics: &[rulelab::Diagnostic]) {
    for d in diagnostics {
        assert!(
            text.get(d.span.range()).is_some(),
            "{} span {:?} outside {} bytes or inside a character: {text:?}",
            d.code,
            d.span,
            text.len()
        );
        for fix in &d.fixes {
            for edit in &fix.edits {
                assert!(
                    text.get(edit.span.range()).is_some(),
                    "fix span {:?}",
                    edit.span
                );
            }
        }
    }
}

fn parse_and_evaluate(text: &str) {
    let parsed = sigma::parse(text);
    check_spans(text, &parsed.diagnostics);
    let events = [
        json!({"Image": "C:\\whoami.exe", "EventID": 1, "CommandLine": " /user /priv", "User": null}),
        json!({"nested": {"a": [1, "x", {"b": true}]}, "TimeCreated": "2024-01-01T00:00:00Z"}),
    ];
    let evaluation = sigma::evaluate(text, &events, &EvaluateOptions::default());
    check_spans(text, &evaluation.diagnostics);
}

/// Cuts `len` bytes at `cut` (on character boundaries) and inserts `insert`.
fn damage(text: &str, cut: usize, len: usize, insert: &str) -> String {
    let mut text = text.to_string();
    let start = (0..=cut.min(text.len()))
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    let end = (start + len).min(text.len());
    let end = (end..=text.len())
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(text.len());
    text.replace_range(start..end, insert);
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn conditions_never_panic(text in "[a-z_*?() 01|&é]{0,40}|((not |1 of |all of |any of )?(sel|filter)[a-z_*]{0,3}( and | or | )){0,6}[()]{0,3}") {
        let parsed = condition::parse(&text);
        for d in &parsed.diagnostics {
            prop_assert!(text.get(d.span.range()).is_some(), "{:?} in {text:?}", d.span);
        }
        let wrapped = format!("title: t\nlogsource:\n    product: x\ndetection:\n    sel:\n        a: 1\n    condition: '{}'\n", text.replace('\'', "''"));
        parse_and_evaluate(&wrapped);
    }

    #[test]
    fn yaml_like_text_never_panics(text in "(title: t\n)?((logsource|detection|correlation|filter|condition|sel|- a|EventID|a\\|contains|rules|type|timespan|  |    ): ?[|>\"'a-z0-9 \\-\n:\\[{}#*?\\\\%]{0,14}\n){0,14}") {
        parse_and_evaluate(&text);
    }

    #[test]
    fn damaged_rules_never_panic(which in 0usize..3, cut in 0usize..2000, len in 0usize..64, insert in "[ \n:|\"'\\-é*{}\\[\\]%\\\\]{0,4}") {
        let base = [SEED_004, WHOAMI, CHAIN][which];
        parse_and_evaluate(&damage(base, cut % (base.len() + 1), len, &insert));
    }

    #[test]
    fn flattened_rules_never_panic(which in 0usize..3, cut in 0usize..2000, len in 0usize..32) {
        let base = [SEED_004, WHOAMI, CHAIN][which];
        let flat: String = base.lines().map(str::trim_start).collect::<Vec<_>>().join("\n");
        parse_and_evaluate(&damage(&flat, cut % (flat.len() + 1), len, ""));
    }
}

#[test]
fn deep_and_large_inputs_end_in_diagnostics() {
    let deep = format!("title: t\ndetection:\n  {}", "- ".repeat(5000));
    parse_and_evaluate(&deep);
    let nested = format!("title: t\nlogsource: {}\n", "[".repeat(10_000));
    parse_and_evaluate(&nested);
    let many: String = (0..2000)
        .map(|i| format!("    sel{i}:\n        f{i}|contains: v{i}\n"))
        .collect();
    let wide = format!(
        "title: t\nlogsource:\n    product: x\ndetection:\n{many}    condition: 1 of sel*\n"
    );
    parse_and_evaluate(&wide);
    let long_condition = format!(
        "title: t\nlogsource:\n    product: x\ndetection:\n    sel:\n        a: 1\n    condition: {}\n",
        vec!["sel"; 30_000].join(" and ")
    );
    parse_and_evaluate(&long_condition);
    let regex_bomb = "title: t\nlogsource:\n    product: x\ndetection:\n    sel:\n        a|re: '(a{1000}){1000}'\n    condition: sel\n";
    let parsed = sigma::parse(regex_bomb);
    assert!(parsed.diagnostics.iter().any(|d| d.code == "SIG206"));
}

/// Inputs the fuzzers once broke (`fuzz/regressions/sigma_*`), through the same checks.
#[test]
fn fuzz_regressions() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions");
    for target in ["sigma_parse", "sigma_condition"] {
        let Ok(entries) = std::fs::read_dir(dir.join(target)) else {
            continue;
        };
        for entry in entries.flatten() {
            let data = std::fs::read(entry.path()).expect("a readable regression input");
            let text = String::from_utf8_lossy(&data);
            if target == "sigma_parse" {
                parse_and_evaluate(&text);
            } else {
                let parsed = condition::parse(&text);
                check_spans(&text, &parsed.diagnostics);
            }
        }
    }
}
