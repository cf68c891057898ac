//! SigmaHQ's regression cases (`../shared/corpus/sigma/regression`): each rule matches at
//! least `expected_match_count` of its own events (all of them when null). Then every rule
//! of the corpus is evaluated against every regression event, and the cross matches (events
//! firing rules other than their own) are counted and listed by rule pair.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rulelab::sigma::{self, EvalOptions, RuleSource};
use serde_json::Value;

struct Case {
    rule_id: String,
    rule_path: PathBuf,
    expected: Option<u64>,
    events: Vec<Value>,
}

fn cases(sigma_dir: &Path) -> Vec<Case> {
    let index: Value = serde_json::from_str(
        &std::fs::read_to_string(sigma_dir.join("regression/index.json")).expect("index.json"),
    )
    .expect("index.json is JSON");
    index["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|case| {
            let rule_id = case["rule_id"].as_str().unwrap_or_default().to_string();
            let events = rulelab_tests::read_jsonl(
                &sigma_dir
                    .join("regression")
                    .join(&rule_id)
                    .join("events.jsonl"),
            );
            Case {
                rule_path: sigma_dir.join(case["rule_path"].as_str().unwrap_or_default()),
                expected: case["expected_match_count"].as_u64(),
                rule_id,
                events,
            }
        })
        .collect()
}

#[test]
fn every_case_matches_its_expected_events() {
    let Some(shared) = rulelab_tests::shared_dir() else {
        return;
    };
    let sigma_dir = shared.join("corpus/sigma");
    let cases = cases(&sigma_dir);
    assert_eq!(cases.len(), 100);
    let mut passed = 0usize;
    let mut failures = Vec::new();
    for case in &cases {
        let text = std::fs::read_to_string(&case.rule_path).expect("the case's rule");
        let set = sigma::compile(
            &[RuleSource::new(
                Some(case.rule_path.display().to_string()),
                text,
            )],
            &Default::default(),
        );
        let evaluation = set.evaluate(&case.events, &EvalOptions::default());
        let matched = evaluation
            .matches
            .iter()
            .filter(|m| m.rule == case.rule_id)
            .count() as u64;
        let wanted = case.expected.unwrap_or(case.events.len() as u64).max(1);
        if matched >= wanted {
            passed += 1;
        } else {
            failures.push(format!(
                "{} ({}): {matched} of {} events matched, expected {wanted}",
                case.rule_id,
                case.rule_path.display(),
                case.events.len()
            ));
        }
    }
    println!(
        "sigma regression: {passed} passed, {} failed",
        failures.len()
    );
    for failure in failures.iter().take(10) {
        println!("  {failure}");
    }
    assert!(failures.is_empty());
}

fn rule_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            rule_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yml") {
            out.push(path);
        }
    }
}

#[test]
fn cross_matches_over_the_whole_corpus() {
    let Some(shared) = rulelab_tests::shared_dir() else {
        return;
    };
    let sigma_dir = shared.join("corpus/sigma");
    let cases = cases(&sigma_dir);
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&sigma_dir).expect("corpus") {
        let path = entry.expect("entry").path();
        if path.is_dir()
            && path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("rules"))
        {
            rule_files(&path, &mut files);
        }
    }
    let sources: Vec<RuleSource> = files
        .iter()
        .map(|p| {
            RuleSource::new(
                Some(p.display().to_string()),
                std::fs::read_to_string(p).expect("rule"),
            )
        })
        .collect();
    let set = sigma::compile(&sources, &Default::default());
    let mut events = Vec::new();
    let mut owner = Vec::new();
    for case in &cases {
        for event in &case.events {
            events.push(event.clone());
            owner.push(case.rule_id.clone());
        }
    }
    let evaluation = set.evaluate(&events, &EvalOptions::default());
    let own = evaluation
        .matches
        .iter()
        .filter(|m| owner.get(m.event) == Some(&m.rule))
        .count();
    let mut pairs: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut cross = 0usize;
    for m in &evaluation.matches {
        let Some(own_rule) = owner.get(m.event) else {
            continue;
        };
        if *own_rule != m.rule {
            cross += 1;
            *pairs
                .entry((own_rule.clone(), format!("{} ({})", m.rule, m.title)))
                .or_default() += 1;
        }
    }
    // The prefilter only skips rules that cannot match: the same matches without it.
    let unfiltered = set.evaluate(
        &events,
        &EvalOptions {
            prefilter: false,
            ..EvalOptions::default()
        },
    );
    assert_eq!(
        unfiltered.matches, evaluation.matches,
        "the prefilter changed the matches"
    );
    let unrouted = {
        let all = set.evaluate(
            &events,
            &EvalOptions {
                route_by_logsource: false,
                ..EvalOptions::default()
            },
        );
        all.matches.len()
    };
    println!(
        "sigma cross matches: {} rules, {} events, {} matches ({own} own, {cross} cross; {unrouted} matches without logsource routing)",
        set.rules.len(),
        events.len(),
        evaluation.matches.len()
    );
    let mut top: Vec<_> = pairs.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for ((own_rule, other), count) in top.iter().take(60) {
        println!("  {count} × events of {own_rule} fire {other}");
    }
    assert!(own >= cases.len(), "own matches: {own}");
}
