//! Round trip over the corpus: for every query that parses, `parse(format(ast)) == ast`
//! with spans ignored. This proves the tree keeps everything the query says.

use rulelab::kql;
use rulelab_tests::{kql_corpus, shared_dir};
use serde_json::Value;

/// The tree as JSON without positions.
fn shape(query: &kql::ast::Query) -> Value {
    let mut value = serde_json::to_value(query).expect("the AST serializes");
    strip_spans(&mut value);
    value
}

fn strip_spans(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove("span");
            map.values_mut().for_each(strip_spans);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_spans),
        _ => {}
    }
}

#[test]
fn formatting_the_corpus_round_trips() {
    let Some(shared) = shared_dir() else { return };
    let (mut passed, mut failed) = (0, Vec::new());
    for q in kql_corpus(&shared) {
        let parsed = kql::parse(&q.query);
        if parsed.has_errors() {
            continue;
        }
        let formatted = kql::format::format_query(&parsed.query);
        let reparsed = kql::parse(&formatted);
        if reparsed.has_errors() {
            let d = &reparsed.diagnostics[0];
            failed.push(format!(
                "{}:{} formatted text does not parse: {} at `{}`",
                q.file,
                q.line,
                d.message,
                d.span.text(&formatted)
            ));
        } else if shape(&parsed.query) != shape(&reparsed.query) {
            failed.push(format!(
                "{}:{} tree changed after formatting:\n{formatted}",
                q.file, q.line
            ));
        } else {
            passed += 1;
        }
    }
    for failure in failed.iter().take(5) {
        println!("{failure}\n");
    }
    println!("{passed} passed, {} failed", failed.len());
    assert!(
        failed.is_empty(),
        "{} corpus queries do not round-trip",
        failed.len()
    );
}
