//! The Sigma linter on hostile input: the `sigma_parse` fuzz seeds and saved crash inputs
//! (lossy UTF-8), whole and cut at many points, through `rulelab::lint` and
//! `lint_collection`. No panic, and every span and fix edit inside the text on character
//! boundaries.

use std::path::PathBuf;

fn check(text: &str, diagnostics: &[rulelab::Diagnostic], what: &str) -> Result<(), String> {
    for d in diagnostics {
        let edits = d.fixes.iter().flat_map(|f| f.edits.iter().map(|e| e.span));
        for span in std::iter::once(d.span).chain(edits) {
            if text.get(span.range()).is_none() {
                return Err(format!(
                    "{what}: {} span {span:?} outside the text: {text:?}",
                    d.code
                ));
            }
        }
    }
    Ok(())
}

#[test]
fn fuzz_inputs_lint_without_panics_and_with_valid_spans() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut inputs = Vec::new();
    for dir in [
        root.join("fuzz/seeds/sigma_parse"),
        root.join("fuzz/regressions/sigma_parse"),
        root.join("core/tests/fixtures/sigma/regressions"),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            if let Ok(bytes) = std::fs::read(entry.path()) {
                inputs.push((entry.path().display().to_string(), bytes));
            }
        }
    }
    assert!(
        inputs.len() >= 10,
        "only {} fuzz inputs found",
        inputs.len()
    );
    let mut failures = Vec::new();
    let mut runs = 0;
    for (name, bytes) in &inputs {
        let text = String::from_utf8_lossy(bytes);
        let mut cuts: Vec<usize> = (0..text.len()).step_by(3).collect();
        cuts.push(text.len());
        for cut in cuts {
            let mut end = cut;
            while end < text.len() && !text.is_char_boundary(end) {
                end += 1;
            }
            let piece = text.get(..end).unwrap_or("");
            let options = rulelab::LintOptions {
                language: rulelab::LanguageHint::Sigma,
                path: Some("rules/windows/process_creation/proc_creation_win_fuzz.yml".into()),
                ..Default::default()
            };
            let report = rulelab::lint(piece, &options);
            runs += 1;
            if let Err(e) = check(piece, &report.diagnostics, name) {
                failures.push(e);
            }
        }
        let collection = rulelab::sigma::lint::lint_collection(
            &[(Some("a/x.yml"), &text), (Some("b/x.yml"), &text)],
            &rulelab::lint::LintConfig::default(),
        );
        for found in collection {
            if let Err(e) = check(&text, &found, name) {
                failures.push(e);
            }
        }
    }
    println!(
        "{} fuzz inputs, {runs} lint runs, {} failed",
        inputs.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{}",
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
