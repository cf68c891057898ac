//! Agreement with Microsoft's parser (Kusto.Language) on the 3,511 corpus queries:
//! rulelab must accept ≥ 99.5% of what Kusto accepts and reject ≥ 90% of what it rejects.

use rulelab_tests::{kql_corpus, shared_dir};

#[test]
fn syntax_verdicts_agree_with_kusto_language() {
    let Some(shared) = shared_dir() else { return };
    let corpus = kql_corpus(&shared);
    let (mut accepted_both, mut kusto_accepts, mut rejected_both, mut kusto_rejects) = (0, 0, 0, 0);
    let mut false_errors = Vec::new();
    let mut missed_errors = Vec::new();
    for q in &corpus {
        let parsed = rulelab::kql::parse(&q.query);
        // Syntax agreement: only syntax codes (KQL1xx) count; semantic errors found while
        // parsing (KQL2xx, e.g. `where A = 1`) are Kusto's semantic verdicts, not syntax.
        let first_error = parsed
            .diagnostics
            .iter()
            .find(|d| d.is_error() && d.code.starts_with("KQL1"));
        if q.kusto_syntax_ok {
            kusto_accepts += 1;
            match first_error {
                None => accepted_both += 1,
                Some(d) => false_errors.push(format!(
                    "{}:{} {} `{}`: {}",
                    q.file,
                    q.line,
                    d.code,
                    d.span.text(&q.query).chars().take(40).collect::<String>(),
                    d.message
                )),
            }
        } else {
            kusto_rejects += 1;
            match first_error {
                Some(_) => rejected_both += 1,
                None => missed_errors.push(format!(
                    "{}:{} kusto: {}",
                    q.file,
                    q.line,
                    q.kusto_errors.join("; ")
                )),
            }
        }
    }
    let accept_rate = accepted_both as f64 / kusto_accepts.max(1) as f64;
    let reject_rate = rejected_both as f64 / kusto_rejects.max(1) as f64;
    println!(
        "accepts {accepted_both} of {kusto_accepts} Kusto accepts ({:.2}%), rejects {rejected_both} of {kusto_rejects} Kusto rejects ({:.1}%)",
        accept_rate * 100.0,
        reject_rate * 100.0
    );
    for line in false_errors.iter().take(40) {
        println!("  rulelab rejects: {line}");
    }
    for line in missed_errors.iter().take(40) {
        println!("  rulelab accepts: {line}");
    }
    println!(
        "{} passed, {} failed",
        accepted_both + rejected_both,
        false_errors.len() + missed_errors.len()
    );
    assert!(
        accept_rate >= 0.995,
        "accept rate {accept_rate:.4} below 99.5%"
    );
    assert!(
        reject_rate >= 0.90,
        "reject rate {reject_rate:.4} below 90%"
    );
}
