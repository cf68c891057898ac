//! The committed fuzz inputs through the same checks as the fuzz targets, as a plain test:
//! CI runs it without cargo-fuzz or nightly. Inputs: the minimized seed corpus
//! `fuzz/seeds/<target>/` and the saved crash inputs `fuzz/regressions/<target>/`.
//! The checks live in `fuzz/src/checks.rs`, shared with the fuzz targets.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

#[path = "../../fuzz/src/checks.rs"]
mod checks;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// Every file of the seed and regression folders of one target, sorted.
fn inputs(target: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for kind in ["seeds", "regressions"] {
        let dir = fuzz_dir().join(kind).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("a readable folder entry").path();
            if path.is_file() {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

fn run(target: &str, check: fn(&[u8]) -> Result<(), String>) {
    let files = inputs(target);
    assert!(
        !files.is_empty(),
        "no inputs under {}/{{seeds,regressions}}/{target}",
        fuzz_dir().display()
    );
    let mut failed = Vec::new();
    for path in &files {
        let data =
            std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let outcome = match catch_unwind(AssertUnwindSafe(|| check(&data))) {
            Ok(result) => result,
            Err(payload) => Err(format!("panicked: {}", panic_message(payload.as_ref()))),
        };
        if let Err(message) = outcome {
            failed.push(format!("{}: {message}", path.display()));
        }
    }
    for failure in failed.iter().take(10) {
        println!("{failure}\n");
    }
    println!(
        "{target}: {} passed, {} failed",
        files.len() - failed.len(),
        failed.len()
    );
    assert!(
        failed.is_empty(),
        "{} of {} fuzz inputs fail {target}",
        failed.len(),
        files.len()
    );
}

#[test]
fn kql_parse_seeds_and_regressions() {
    run("kql_parse", checks::check_kql_parse);
}
