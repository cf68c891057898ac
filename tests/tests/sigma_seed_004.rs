//! Seed 004: a Sigma rule pasted with its indentation lost. It parses (with the SIG110
//! repair warning and the SIG109 error for its list-valued `category`), and evaluates on
//! hand-made events that should and should not fire (`tests/fixtures/seeds/004/`).

use std::path::PathBuf;

use rulelab::sigma::{self, EvaluateOptions};
use rulelab::{LanguageHint, ParseOptions};
use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/seeds/004")
}

fn seed() -> String {
    let in_repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../core/src/container/fixtures/004_dcom_mmc20_powershell.yml");
    let text = std::fs::read_to_string(in_repo).expect("the in-repo copy of seed 004");
    if let Some(shared) = rulelab_tests::shared_dir() {
        let pasted =
            std::fs::read_to_string(shared.join("seeds/rules/004_dcom_mmc20_powershell.yml"))
                .expect("seed 004 in ../shared");
        assert_eq!(
            pasted, text,
            "the in-repo copy differs from ../shared/seeds/rules"
        );
    }
    text
}

#[test]
fn seed_004_parses_with_the_repair_warning_and_the_category_error() {
    let text = seed();
    let report = rulelab::parse(
        &text,
        &ParseOptions {
            language: LanguageHint::Auto,
            path: None,
        },
    );
    assert_eq!(report.language, rulelab::Language::Sigma);
    let codes: Vec<(&str, &str)> = report
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.severity.as_str()))
        .collect();
    assert_eq!(codes, [("SIG110", "warning"), ("SIG109", "error")]);
    let flattened = &report.diagnostics[0];
    assert_eq!(
        flattened.range.start.line, 15,
        "points at `product: windows`"
    );
    assert_eq!(flattened.fixes.len(), 1);
    let repaired = rulelab::diagnostic::apply_edits(&text, &flattened.fixes[0].edits);
    // The repaired text is a well-indented rule: it parses without the warning.
    let again = sigma::parse(&repaired);
    let codes: Vec<&str> = again.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["SIG109"]);
    let category = &report.diagnostics[1];
    assert!(category
        .message
        .contains("ps_module, ps_classic_script, ps_script"));

    let parsed = sigma::parse(&text);
    let rule = &parsed.rules[0];
    let detection = rule.detection.as_ref().expect("a detection");
    let names: Vec<&str> = detection
        .selections
        .iter()
        .map(|s| s.name.value.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "selection_powershell_native",
            "selection_powershell_modern",
            "selection_powershell_block"
        ]
    );
    let logsource = rule.logsource.as_ref().expect("a logsource");
    assert_eq!(logsource.product(), Some("windows"));
    assert_eq!(logsource.category.len(), 3);
}

#[test]
fn seed_004_fires_on_the_events_it_describes() {
    let text = seed();
    let events: Vec<Value> = rulelab_tests::read_jsonl(&fixtures().join("events.jsonl"));
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("expected.json")).expect("expected.json"),
    )
    .expect("expected.json is JSON");
    let evaluation = sigma::evaluate(&text, &events, &EvaluateOptions::default());
    let fired: Vec<(String, Vec<String>)> = evaluation
        .matches
        .iter()
        .map(|m| (m.event.to_string(), m.selections.clone()))
        .collect();
    let wanted: Vec<(String, Vec<String>)> = expected["fires"]
        .as_object()
        .expect("fires")
        .iter()
        .map(|(event, selections)| {
            (
                event.clone(),
                selections
                    .as_array()
                    .expect("a list")
                    .iter()
                    .map(|s| s.as_str().unwrap_or_default().to_string())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(fired, wanted, "{:#?}", evaluation.matches);
    for m in &evaluation.matches {
        assert_eq!(m.title, expected["rule"]);
        assert_eq!(m.level.as_deref(), Some("high"));
        // The reasons: the EventID and the `contains|all` field, with the event values.
        assert_eq!(m.fields.len(), 2, "{:?}", m.fields);
    }
}
