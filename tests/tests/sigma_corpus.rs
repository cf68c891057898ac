//! The SigmaHQ corpus in `../shared/corpus/sigma`: every rule under `rules*/` parses without
//! an error-severity diagnostic, and every file in `deprecated/` and `unsupported/` yields
//! diagnostics (never a panic). Prints `N passed, M failed` and the first failures.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use rulelab::diagnostic::Diagnostic;

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e == "yml" || e == "yaml")
        {
            out.push(path);
        }
    }
}

fn corpus_folders(sigma: &Path) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(sigma)
        .expect("corpus/sigma is readable")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.is_dir()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("rules"))
        })
        .collect();
    folders.sort();
    folders
}

fn describe(d: &Diagnostic, text: &str) -> String {
    format!(
        "{}:{} {} {} `{}`",
        d.range.start.line + 1,
        d.range.start.character + 1,
        d.code,
        d.message,
        d.span.text(text).chars().take(80).collect::<String>()
    )
}

#[test]
fn every_corpus_rule_parses_without_errors() {
    let Some(shared) = rulelab_tests::shared_dir() else {
        return;
    };
    let sigma = shared.join("corpus/sigma");
    let mut files = Vec::new();
    for folder in corpus_folders(&sigma) {
        yaml_files(&folder, &mut files);
    }
    let mut passed = 0usize;
    let mut failures = Vec::new();
    let mut warnings = std::collections::BTreeMap::<String, usize>::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("a readable rule");
        let parsed = rulelab::sigma::parse(&text);
        for d in &parsed.diagnostics {
            *warnings.entry(format!("{} {}", d.code, d.id)).or_default() += 1;
        }
        let errors: Vec<String> = parsed
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| describe(d, &text))
            .collect();
        if errors.is_empty() && !parsed.rules.is_empty() {
            passed += 1;
        } else {
            let relative = path.strip_prefix(&sigma).unwrap_or(path);
            failures.push(format!("{}: {}", relative.display(), errors.join("; ")));
        }
    }
    println!("sigma corpus: {passed} passed, {} failed", failures.len());
    println!("diagnostics by code (all severities): {warnings:?}");
    for failure in failures.iter().take(15) {
        println!("  {failure}");
    }
    assert_eq!(files.len(), 3780, "the corpus should hold 3,780 rule files");
    assert!(
        failures.is_empty(),
        "{} corpus rules have errors",
        failures.len()
    );
}

#[test]
fn deprecated_and_unsupported_rules_yield_diagnostics_not_panics() {
    let Some(shared) = rulelab_tests::shared_dir() else {
        return;
    };
    let sigma = shared.join("corpus/sigma");
    let mut files = Vec::new();
    yaml_files(&sigma.join("deprecated"), &mut files);
    yaml_files(&sigma.join("unsupported"), &mut files);
    let mut with_diagnostics = 0usize;
    let mut silent = Vec::new();
    let mut panics = Vec::new();
    let mut codes = std::collections::BTreeMap::<String, usize>::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("a readable rule");
        let relative = path
            .strip_prefix(&sigma)
            .unwrap_or(path)
            .display()
            .to_string();
        match catch_unwind(AssertUnwindSafe(|| rulelab::sigma::parse(&text))) {
            Ok(parsed) => {
                for d in &parsed.diagnostics {
                    *codes.entry(d.code.clone()).or_default() += 1;
                    assert!(
                        text.get(d.span.range()).is_some(),
                        "{relative}: span {:?} outside the text",
                        d.span
                    );
                }
                if parsed.diagnostics.is_empty() {
                    silent.push(relative);
                } else {
                    with_diagnostics += 1;
                }
            }
            Err(_) => panics.push(relative),
        }
    }
    println!(
        "deprecated + unsupported: {} files, {with_diagnostics} with diagnostics, {} without, {} panics",
        files.len(),
        silent.len(),
        panics.len()
    );
    println!("codes: {codes:?}");
    for file in silent.iter().take(10) {
        println!("  no diagnostics: {file}");
    }
    assert_eq!(files.len(), 259);
    assert!(panics.is_empty(), "panics: {panics:?}");
    assert!(
        silent.is_empty(),
        "{} files yield no diagnostic",
        silent.len()
    );
}

#[test]
fn specification_examples_parse() {
    let Some(shared) = rulelab_tests::shared_dir() else {
        return;
    };
    let mut files = Vec::new();
    yaml_files(&shared.join("spec/sigma/tests/schema"), &mut files);
    assert!(files.len() >= 12, "{files:?}");
    for path in &files {
        let text = std::fs::read_to_string(path).expect("a readable example");
        let parsed = rulelab::sigma::parse(&text);
        let errors: Vec<String> = parsed
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| describe(d, &text))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        assert_eq!(parsed.rules.len(), 1, "{}", path.display());
    }
}
