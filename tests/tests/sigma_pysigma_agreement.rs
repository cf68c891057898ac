//! Agreement with pySigma's validators on the same files: every issue pySigma 1.5.1 reports
//! in `corpus/sigma/pysigma-verdicts.jsonl` (SigmaHQ's `rules*`, `deprecated/` and
//! `unsupported/`) should have an equivalent rulelab finding in that file. Prints the recall
//! per validator and, per rulelab code, the findings pySigma has no issue for ("extra"), and
//! fails when a validator's recall drops below its recorded floor.
//!
//! The files are linted together as one rule library (`lint_collection`), as pySigma ran
//! its cross-rule validators (duplicate titles, ids and file names) over the whole set.

use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Each pySigma validator and the rulelab codes that report the same problem. A pySigma
/// "issue" that is really a condition parse error (the Sigma 1.0 pipe aggregations) maps to
/// rulelab's parse codes; pySigma reads a Sigma 1.0 `detection.timeframe` as an unused
/// search identifier (SIG116 here); and it reports `*x` under `contains` as "use endswith",
/// which rulelab reports as a redundant wildcard (SIG360).
const MAPPING: &[(&str, &[&str])] = &[
    ("identifier_existence", &["SIG301"]),
    ("identifier_uniqueness", &["SIG302"]),
    ("duplicate_title", &["SIG303"]),
    ("duplicate_references", &["SIG316"]),
    ("status_existence", &["SIG310"]),
    ("status_unsupported", &["SIG123"]),
    ("date_existence", &["SIG311"]),
    ("duplicate_filename", &["SIG327"]),
    ("filename_length", &["SIG324"]),
    ("custom_attributes", &["SIG321"]),
    ("description_existence", &["SIG308"]),
    ("description_length", &["SIG309"]),
    ("level_existence", &["SIG313"]),
    (
        "dangling_detection",
        &["SIG369", "SIG115", "SIG116", "SIG120"],
    ),
    (
        "dangling_condition",
        &["SIG201", "SIG202", "SIG115", "SIG120"],
    ),
    ("them_condition_with_single_detection", &["SIG370"]),
    ("all_of_them_condition", &["SIG371"]),
    ("specific_instead_of_generic_logsource", &["SIG340"]),
    ("fieldname_logsource", &["SIG348"]),
    (
        "invalid_modifier_combinations",
        &["SIG351", "SIG352", "SIG353", "SIG215", "SIG204"],
    ),
    ("tag_format", &["SIG113"]),
    ("duplicate_tag", &["SIG330"]),
    ("namespace_tag", &["SIG331"]),
    ("attacktag", &["SIG332", "SIG339"]),
    ("tlptag", &["SIG336"]),
    ("tlpv1_tag", &["SIG336"]),
    ("tlpv2_tag", &["SIG336"]),
    ("cartag", &["SIG335"]),
    ("cvetag", &["SIG334"]),
    ("detection_tag", &["SIG337"]),
    ("stptag", &["SIG338"]),
    ("double_wildcard", &["SIG356"]),
    ("number_as_string", &["SIG358"]),
    ("control_character", &["SIG359"]),
    (
        "wildcards_instead_of_modifiers",
        &["SIG355", "SIG360", "SIG354"],
    ),
    ("escaped_wildcard", &["SIG357"]),
];

/// The recall each validator must keep (recorded from the current run).
const FLOORS: &[(&str, f64)] = &[
    ("escaped_wildcard", 1.0),
    ("dangling_detection", 1.0),
    ("dangling_condition", 1.0),
    ("duplicate_title", 1.0),
    ("number_as_string", 1.0),
    ("specific_instead_of_generic_logsource", 1.0),
    ("wildcards_instead_of_modifiers", 1.0),
    ("duplicate_filename", 1.0),
    ("cvetag", 1.0),
    ("identifier_uniqueness", 1.0),
];

#[test]
fn every_pysigma_issue_has_a_rulelab_finding() {
    let Some(shared) = rulelab_tests::shared_dir() else {
        return;
    };
    let corpus = shared.join("corpus/sigma");
    let verdicts = rulelab_tests::read_jsonl(&corpus.join("pysigma-verdicts.jsonl"));
    let mut paths: Vec<String> = verdicts
        .iter()
        .filter_map(|v| v["path"].as_str().map(str::to_string))
        .collect();
    paths.sort();
    paths.dedup();
    let texts: Vec<String> = paths
        .iter()
        .map(|p| std::fs::read_to_string(corpus.join(p)).unwrap_or_default())
        .collect();
    let inputs: Vec<(Option<&str>, &str)> = paths
        .iter()
        .zip(&texts)
        .map(|(p, t)| (Some(p.as_str()), t.as_str()))
        .collect();
    let linted =
        rulelab::sigma::lint::lint_collection(&inputs, &rulelab::lint::LintConfig::default());
    // Every code rulelab reports per file: parse and check diagnostics plus lint findings.
    let mut codes: HashMap<&str, BTreeMap<String, usize>> = HashMap::new();
    let mut samples: HashMap<(String, String), String> = HashMap::new();
    for ((path, text), lint) in paths.iter().zip(&texts).zip(&linted) {
        let entry = codes.entry(path.as_str()).or_default();
        for d in rulelab::sigma::parse(text).diagnostics.iter().chain(lint) {
            *entry.entry(d.code.clone()).or_default() += 1;
            samples
                .entry((path.clone(), d.code.clone()))
                .or_insert_with(|| {
                    format!(
                        "`{}` {}",
                        d.span.text(text).chars().take(50).collect::<String>(),
                        d.message
                    )
                });
        }
    }
    let mapping: HashMap<&str, &[&str]> = MAPPING.iter().copied().collect();
    let mut per_validator: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut misses: Vec<String> = Vec::new();
    // Codes that stand for a pySigma issue found in the same file.
    let mut explained: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for verdict in &verdicts {
        let path = verdict["path"].as_str().unwrap_or_default();
        let Some(issues) = verdict["validator_issues"].as_array() else {
            continue;
        };
        for issue in issues {
            let validator = issue["validator"].as_str().unwrap_or_default();
            let wanted = mapping.get(validator).copied().unwrap_or(&[]);
            let found = codes.get(path);
            let hit = wanted
                .iter()
                .any(|c| found.is_some_and(|f| f.contains_key(*c)));
            let entry = per_validator.entry(validator.to_string()).or_default();
            entry.1 += 1;
            if hit {
                entry.0 += 1;
            } else if misses.len() < 20 {
                misses.push(format!(
                    "{validator} in {path}: {} (rulelab: {:?})",
                    issue["description"].as_str().unwrap_or_default(),
                    found.map(|f| f.keys().collect::<Vec<_>>())
                ));
            }
            explained
                .entry(path)
                .or_default()
                .extend(wanted.iter().copied());
        }
    }
    println!(
        "pySigma agreement over {} files ({} documents):",
        paths.len(),
        verdicts.len()
    );
    println!(
        "  {:<40} {:>7} {:>7} {:>7}",
        "validator", "issues", "found", "recall"
    );
    for (validator, (found, total)) in &per_validator {
        println!(
            "  {validator:<40} {total:>7} {found:>7} {:>6.1}%",
            100.0 * *found as f64 / (*total).max(1) as f64
        );
    }
    let quiet: Vec<&str> = MAPPING
        .iter()
        .map(|(v, _)| *v)
        .filter(|v| !per_validator.contains_key(*v))
        .collect();
    println!(
        "  validators with no issue on these files: {}",
        quiet.join(", ")
    );
    // Extra findings: rulelab lint findings in files where pySigma reported nothing that
    // maps to the code.
    let mut extra: BTreeMap<String, usize> = BTreeMap::new();
    let mut extra_samples: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut sorted: Vec<_> = codes.iter().collect();
    sorted.sort_by_key(|(p, _)| *p);
    for (path, found) in sorted {
        for (code, n) in found {
            if !code.starts_with("SIG3") {
                continue;
            }
            if explained
                .get(path)
                .is_some_and(|e| e.contains(code.as_str()))
            {
                continue;
            }
            *extra.entry(code.clone()).or_default() += n;
            let list = extra_samples.entry(code.clone()).or_default();
            if list.len() < 2 {
                if let Some(sample) = samples.get(&(path.to_string(), code.clone())) {
                    list.push(format!("{path}: {sample}"));
                }
            }
        }
    }
    let slugs: HashMap<&str, &str> = rulelab::sigma::lint::registry::RULES
        .iter()
        .map(|r| (r.meta().code, r.meta().slug))
        .collect();
    println!("rulelab findings beyond pySigma's, per code:");
    for (code, n) in &extra {
        println!("  {n:6} {code} {}", slugs.get(code.as_str()).unwrap_or(&""));
        for sample in extra_samples.get(code).into_iter().flatten() {
            println!("           {sample}");
        }
    }
    for miss in &misses {
        println!("  missed: {miss}");
    }
    let mut failures = Vec::new();
    for (validator, floor) in FLOORS {
        let (found, total) = per_validator.get(*validator).copied().unwrap_or((0, 0));
        let recall = if total == 0 {
            1.0
        } else {
            found as f64 / total as f64
        };
        if recall < *floor {
            failures.push(format!(
                "{validator}: recall {recall:.3} below the floor {floor}"
            ));
        }
    }
    for validator in per_validator.keys() {
        if !mapping.contains_key(validator.as_str()) {
            failures.push(format!(
                "pySigma validator `{validator}` has no rulelab mapping"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
