//! KQL seeds 000–003 evaluated on hand-made events (`tests/fixtures/seeds/<seed>/`): each
//! has a set that fires (the attack trace the rule is written for) and a quiet set where
//! every exclusion of the rule is exercised once. The snapshots hold the result rows (their
//! non-empty cells) and the rows in and out of every stage, so a change in where rows are
//! dropped shows up in review.

use std::fmt::Write as _;
use std::path::PathBuf;

use rulelab::evaluate::{EvaluateOptions, Evaluation, KqlEvaluation};
use serde_json::Value;

/// The events are dated relative to this instant (the rules use `ago()`).
const NOW: &str = "2025-10-01T12:00:00Z";

fn seed_text(prefix: &str) -> Option<String> {
    let dir = rulelab_tests::shared_dir()?.join("seeds/rules");
    let entry = std::fs::read_dir(&dir)
        .expect("seed folder")
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with(prefix))?;
    std::fs::read_to_string(entry.path()).ok()
}

fn evaluate(seed: &str, set: &str) -> Option<KqlEvaluation> {
    let rule = seed_text(seed)?;
    let events = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/seeds")
        .join(seed)
        .join(format!("{set}.json"));
    let events = std::fs::read_to_string(&events).expect("seed events");
    let options = EvaluateOptions {
        now: Some(NOW.to_string()),
        ..EvaluateOptions::default()
    };
    match rulelab::evaluate(&rule, &events, &options) {
        Evaluation::Kql(evaluation) => Some(evaluation),
        Evaluation::Sigma(_) => panic!("seed {seed} was read as Sigma"),
    }
}

/// Rows as `column = value` lines (empty cells left out), then the stages.
fn render(evaluation: &KqlEvaluation) -> String {
    let mut out = String::new();
    for (i, row) in evaluation.rows.iter().enumerate() {
        let _ = writeln!(out, "row {i}");
        for (column, value) in evaluation.columns.iter().zip(row) {
            match value {
                Value::Null => {}
                Value::String(s) if s.is_empty() => {}
                Value::String(s) => {
                    let _ = writeln!(out, "  {column} = {s}");
                }
                other => {
                    let _ = writeln!(out, "  {column} = {other}");
                }
            }
        }
    }
    let _ = writeln!(out, "stages");
    for stage in &evaluation.stages {
        let _ = writeln!(
            out,
            "  {:>2} {:<16} {:>3} -> {}",
            stage.index, stage.operator, stage.rows_in, stage.rows_out
        );
    }
    out
}

fn check(seed: &str) {
    let (Some(fires), Some(quiet)) = (evaluate(seed, "fires"), evaluate(seed, "quiet")) else {
        return;
    };
    for (set, evaluation) in [("fires", &fires), ("quiet", &quiet)] {
        assert_eq!(evaluation.error, None, "seed {seed} {set}");
        assert!(
            !evaluation.diagnostics.iter().any(|d| d.is_error()),
            "seed {seed} {set}: {:?}",
            evaluation.diagnostics
        );
    }
    assert!(
        !fires.rows.is_empty(),
        "seed {seed}: the attack trace must fire"
    );
    assert!(
        quiet.rows.is_empty(),
        "seed {seed}: the quiet set fired:\n{}",
        render(&quiet)
    );
    insta::assert_snapshot!(format!("seed_{seed}_fires"), render(&fires));
    insta::assert_snapshot!(format!("seed_{seed}_quiet"), render(&quiet));
}

#[test]
fn seed_000_msi_odbc_dcom() {
    check("000");
}

#[test]
fn seed_001_dcom_lateral_movement() {
    check("001");
}

#[test]
fn seed_002_msiexec_dll_network() {
    check("002");
}

#[test]
fn seed_003_dcom_server_child_process() {
    check("003");
}
