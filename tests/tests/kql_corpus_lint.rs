//! Lints all 3,511 corpus queries with the profile their source implies (Sentinel content ->
//! `sentinel`, Defender hunting -> `defender`): no panic, and a count per rule code.

use std::collections::BTreeMap;

use rulelab::kql::schema::Profile;
use rulelab::{LanguageHint, LintOptions};
use rulelab_tests::{read_jsonl, shared_dir};

#[test]
fn lint_the_corpus() {
    let Some(shared) = shared_dir() else { return };
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut queries = 0;
    for (file, profile) in [
        ("sentinel.jsonl", Profile::Sentinel),
        ("defender-hunting.jsonl", Profile::Defender),
    ] {
        for record in read_jsonl(&shared.join("corpus/kql").join(file)) {
            let text = record["query"].as_str().unwrap_or_default();
            let options = LintOptions {
                language: LanguageHint::Kql,
                profile: Some(profile),
                ..Default::default()
            };
            let report = rulelab::lint(text, &options);
            queries += 1;
            for d in report.diagnostics {
                *counts.entry(d.code).or_default() += 1;
            }
        }
    }
    println!("linted {queries} corpus queries; findings per code:");
    for (code, count) in &counts {
        println!("  {code}: {count}");
    }
    assert_eq!(queries, 3511);
    println!("{queries} passed, 0 failed");
}
