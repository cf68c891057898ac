//! Differential test of rulelab against rsigma-eval on the SigmaHQ regression events: which
//! rule matched which event on each side, and every disagreement.
//!
//! ```text
//! cargo run --release -p rulelab-bench --features rsigma --ignore-rust-version \
//!     --bin sigma-eval-diff -- [--shared DIR] [--routing on|off] [--tsv OUT] [RULE_PATH...]
//! ```
//! Events: `<shared>/corpus/sigma/regression/<rule id>/events.jsonl` — true-positive events
//! of the rule named by the folder, so a disagreement on that rule has a known answer
//! ("expected": the regression case says it must match). Rules: RULE_PATH (default
//! `rules/windows`). `--routing on` compares rulelab's logsource routing with rsigma's
//! `--logsource-routing` configuration; `off` (default) compares both without routing.
//! Prints a summary and one line per disagreement (also to `--tsv`: event, regression
//! case, rule id, rule title, side that matched, expected).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::process::ExitCode;

use rsigma_eval::event::JsonEvent;
use rulelab::sigma::{self, CompileOptions, EvalOptions, Evaluator, RuleSource};
use rulelab_bench::rsigma_support::load_rsigma;
use rulelab_bench::{shared_dir, sigma_rule_files, sigma_windows_rules};
use serde_json::Value;

fn main() -> ExitCode {
    let mut shared = None;
    let mut routing = false;
    let mut tsv = None;
    let mut paths = Vec::new();
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--shared" => shared = it.next(),
            "--routing" => routing = it.next().as_deref() == Some("on"),
            "--tsv" => tsv = it.next().map(PathBuf::from),
            other if other.starts_with('-') => {
                eprintln!(
                    "usage: sigma-eval-diff [--shared DIR] [--routing on|off] [--tsv OUT] \
                     [RULE_PATH...]"
                );
                return ExitCode::from(2);
            }
            other => paths.push(PathBuf::from(other)),
        }
    }
    let shared = shared_dir(shared.as_deref());
    if paths.is_empty() {
        paths.push(sigma_windows_rules(&shared));
    }
    let files = sigma_rule_files(&paths);

    // The regression events and the case (rule id) each belongs to.
    let root = shared.join("corpus/sigma/regression");
    let mut folders: Vec<PathBuf> = match std::fs::read_dir(&root) {
        Ok(dir) => dir.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            eprintln!("sigma-eval-diff: cannot read {}: {e}", root.display());
            return ExitCode::from(2);
        }
    };
    folders.sort();
    let mut events: Vec<Value> = Vec::new();
    let mut case_of: Vec<String> = Vec::new();
    for folder in &folders {
        let case = folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Ok(text) = std::fs::read_to_string(folder.join("events.jsonl")) else {
            continue;
        };
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            if let Ok(event @ Value::Object(_)) = serde_json::from_str::<Value>(line) {
                events.push(event);
                case_of.push(case.clone());
            }
        }
    }

    // rulelab
    let mut sources = Vec::new();
    for file in &files {
        if let Ok(text) = std::fs::read_to_string(file) {
            sources.push(RuleSource::new(Some(file.display().to_string()), text));
        }
    }
    let set = sigma::compile(&sources, &CompileOptions::default());
    let mut titles: HashMap<String, String> = set
        .rules
        .iter()
        .map(|r| (r.reference.clone(), r.title.clone()))
        .collect();
    let mut evaluator = Evaluator::new(
        &set,
        EvalOptions {
            route_by_logsource: routing,
            explain: false,
            ..EvalOptions::default()
        },
    );
    let mut rulelab_pairs = BTreeSet::new();
    for (index, event) in events.iter().enumerate() {
        for m in evaluator.push(event) {
            rulelab_pairs.insert((index, m.rule));
        }
    }

    // rsigma
    let load = load_rsigma(&files, routing);
    for rule in load.engine.rules() {
        if let Some(id) = &rule.id {
            titles
                .entry(id.clone())
                .or_insert_with(|| rule.title.clone());
        }
    }
    let mut rsigma_pairs = BTreeSet::new();
    for (index, event) in events.iter().enumerate() {
        for r in load.engine.evaluate(&JsonEvent::borrow(event)) {
            let id = r.header.rule_id.unwrap_or(r.header.rule_title);
            rsigma_pairs.insert((index, id));
        }
    }

    let both = rulelab_pairs.intersection(&rsigma_pairs).count();
    let only_rulelab: Vec<_> = rulelab_pairs.difference(&rsigma_pairs).collect();
    let only_rsigma: Vec<_> = rsigma_pairs.difference(&rulelab_pairs).collect();
    let expected_cases: BTreeSet<&String> = case_of.iter().collect();
    let hit = |pairs: &BTreeSet<(usize, String)>| {
        expected_cases
            .iter()
            .filter(|case| {
                case_of
                    .iter()
                    .enumerate()
                    .any(|(i, c)| c == **case && pairs.contains(&(i, (**case).clone())))
            })
            .count()
    };
    println!(
        "rules: {} files; rulelab {} rules ({} files with errors), rsigma {} rules ({} errors); \
         routing {}",
        files.len(),
        set.rules.len(),
        set.diagnostics
            .iter()
            .filter(|d| d.diagnostic.is_error())
            .map(|d| d.source)
            .collect::<BTreeSet<_>>()
            .len(),
        load.engine.rule_count(),
        load.errors.len(),
        if routing { "on" } else { "off" }
    );
    println!(
        "events: {} regression events of {} cases",
        events.len(),
        expected_cases.len()
    );
    println!(
        "matches (event x rule): rulelab {}, rsigma {}, both {both}, only rulelab {}, only rsigma {}",
        rulelab_pairs.len(),
        rsigma_pairs.len(),
        only_rulelab.len(),
        only_rsigma.len()
    );
    println!(
        "regression cases whose own rule fired on one of its events: rulelab {} of {n}, rsigma {} of {n}",
        hit(&rulelab_pairs),
        hit(&rsigma_pairs),
        n = expected_cases.len()
    );

    // Disagreements grouped by rule.
    let mut by_rule: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for (side, pairs) in [("rulelab", &only_rulelab), ("rsigma", &only_rsigma)] {
        for (event, rule) in pairs.iter() {
            by_rule
                .entry((rule.as_str(), side))
                .or_default()
                .push(*event);
        }
    }
    let mut lines = vec!["event\tcase\trule\ttitle\tmatched_by\texpected".to_string()];
    println!("disagreements by rule (rule id, title, only matched by, events, of them the rule's own regression events):");
    let mut grouped: Vec<_> = by_rule.into_iter().collect();
    grouped.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    for ((rule, side), event_list) in &grouped {
        let title = titles.get(*rule).map_or("?", String::as_str);
        let own = event_list
            .iter()
            .filter(|e| case_of.get(**e).map(String::as_str) == Some(*rule))
            .count();
        println!(
            "  {rule}  {title}  only {side}: {} events ({own} its own)",
            event_list.len()
        );
        for event in event_list {
            let case = case_of.get(*event).map_or("", String::as_str);
            lines.push(format!(
                "{event}\t{case}\t{rule}\t{title}\t{side}\t{}",
                if case == *rule { "match" } else { "-" }
            ));
        }
    }
    if let Some(path) = tsv {
        if let Err(e) = std::fs::write(&path, lines.join("\n") + "\n") {
            eprintln!("sigma-eval-diff: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    println!(
        "{} agreed, {} disagreed",
        both,
        only_rulelab.len() + only_rsigma.len()
    );
    ExitCode::SUCCESS
}
