//! Conformance with the Kusto documentation: runs the doc examples of
//! `../shared/conformance/kql-docs/cases.jsonl` and compares with their documented output,
//! following that folder's README ("How to compare"). Prints `N passed, M failed` and the
//! pass rate by page category; fails only if the pass count drops below the recorded floor
//! (raise the floor as the evaluator grows).

use std::collections::{BTreeMap, HashMap};

use rulelab::kql::eval::literal::{parse_datetime, parse_timespan};
use rulelab::kql::eval::{self, EvalOptions, Table};
use rulelab::value::Value;
use rulelab_tests::{read_jsonl, shared_dir};
use serde_json::Value as Json;

/// Cases passing when this floor was last raised; a drop below it is a regression.
const PASS_FLOOR: usize = 318;

fn category(source: &str) -> &'static str {
    if source.contains("aggregation-function") {
        "aggregation"
    } else if source.ends_with("-function.md") {
        "function"
    } else if source.ends_with("-plugin.md") {
        "plugin"
    } else if source.ends_with("-operator.md") {
        "operator"
    } else {
        "other"
    }
}

fn numbers_match(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs()) || (a.is_nan() && b.is_nan())
}

fn json_match(expected: &Json, actual: &Json, unordered: bool) -> bool {
    match (expected, actual) {
        (Json::Number(a), Json::Number(b)) => numbers_match(
            a.as_f64().unwrap_or(f64::NAN),
            b.as_f64().unwrap_or(f64::NAN),
        ),
        (Json::Array(a), Json::Array(b)) => {
            if a.len() != b.len() {
                return false;
            }
            if unordered {
                let mut used = vec![false; b.len()];
                a.iter().all(|x| {
                    let found = b
                        .iter()
                        .enumerate()
                        .position(|(i, y)| !used[i] && json_match(x, y, true));
                    found.map(|i| used[i] = true).is_some()
                })
            } else {
                a.iter().zip(b).all(|(x, y)| json_match(x, y, false))
            }
        }
        (Json::Object(a), Json::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| json_match(v, w, unordered)))
        }
        _ => expected == actual,
    }
}

/// Whether a documented cell equals one of our values.
fn cell_match(expected: &str, actual: &Value, unordered: bool) -> bool {
    let expected = expected.trim();
    if expected.is_empty() {
        return match actual {
            Value::Null => true,
            Value::String(s) => s.is_empty(),
            Value::Dynamic(d) => d.is_null() || d.as_str() == Some(""),
            _ => false,
        };
    }
    match actual {
        Value::Null => false,
        Value::Bool(b) => expected.eq_ignore_ascii_case(if *b { "true" } else { "false" }),
        Value::Int(_) | Value::Long(_) | Value::Real(_) => {
            let ours = match actual {
                Value::Int(n) => *n as f64,
                Value::Long(n) => *n as f64,
                Value::Real(r) => *r,
                _ => f64::NAN,
            };
            match expected {
                "NaN" => ours.is_nan(),
                "Infinity" | "∞" => ours == f64::INFINITY,
                "-Infinity" | "-∞" => ours == f64::NEG_INFINITY,
                text => text.parse::<f64>().is_ok_and(|e| numbers_match(e, ours)),
            }
        }
        Value::Datetime(t) => parse_datetime(expected) == Some(*t),
        Value::Timespan(t) => {
            parse_timespan(expected) == Some(*t) || docs_timespan(expected) == Some(*t)
        }
        Value::Guid(_) => actual
            .to_json()
            .as_str()
            .is_some_and(|g| g.eq_ignore_ascii_case(expected)),
        Value::String(s) => s.trim() == expected,
        Value::Dynamic(json) => match serde_json::from_str::<Json>(expected) {
            Ok(parsed) => json_match(&parsed, json, unordered),
            Err(_) => json.as_str().is_some_and(|s| s.trim() == expected),
        },
    }
}

/// The docs sometimes print timespans as `d:hh:mm:ss`.
fn docs_timespan(text: &str) -> Option<i64> {
    let parts: Vec<&str> = text.split(':').collect();
    match parts.as_slice() {
        [d, rest @ ..] if rest.len() == 3 => parse_timespan(&format!("{d}.{}", rest.join(":"))),
        _ => None,
    }
}

fn rows_match(
    expected: &[Vec<String>],
    actual: &Table,
    ordered: bool,
    unordered_cells: bool,
) -> bool {
    if expected.len() != actual.rows.len() {
        return false;
    }
    let row_match = |e: &Vec<String>, a: &Vec<Value>| {
        e.len() == a.len()
            && e.iter()
                .zip(a)
                .all(|(x, y)| cell_match(x, y, unordered_cells))
    };
    if ordered {
        return expected
            .iter()
            .zip(&actual.rows)
            .all(|(e, a)| row_match(e, a));
    }
    let mut used = vec![false; actual.rows.len()];
    expected.iter().all(|e| {
        let found = actual
            .rows
            .iter()
            .enumerate()
            .position(|(i, a)| !used[i] && row_match(e, a));
        found.map(|i| used[i] = true).is_some()
    })
}

#[test]
fn kusto_docs_conformance() {
    let Some(shared) = shared_dir() else { return };
    let cases = read_jsonl(&shared.join("conformance/kql-docs/cases.jsonl"));
    let inputs = HashMap::new();
    let options = EvalOptions::default();
    let mut by_category: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut failures: BTreeMap<String, usize> = BTreeMap::new();
    let mut passed = 0;
    // `RULELAB_CONFORMANCE_FILTER=substring` runs only the matching case ids;
    // `RULELAB_CONFORMANCE_VERBOSE=1` prints every failure with its reason and output.
    let filter = std::env::var("RULELAB_CONFORMANCE_FILTER").unwrap_or_default();
    let verbose = std::env::var_os("RULELAB_CONFORMANCE_VERBOSE").is_some();
    for case in cases
        .iter()
        .filter(|c| c["id"].as_str().unwrap_or("").contains(filter.as_str()))
    {
        let query = case["query"].as_str().unwrap_or_default();
        let columns: Vec<String> = case["expected"]["columns"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| c.as_str().unwrap_or("").to_string())
            .collect();
        let rows: Vec<Vec<String>> = case["expected"]["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                r.as_array()
                    .into_iter()
                    .flatten()
                    .map(|c| c.as_str().unwrap_or("").to_string())
                    .collect()
            })
            .collect();
        let ordered = case["ordered"].as_bool().unwrap_or(false);
        let notes = case["notes"].as_str().unwrap_or("");
        let unordered_cells = notes.contains("set") || notes.contains("bag");
        let parsed = rulelab::kql::parse(query);
        let mut shown = String::new();
        let outcome = if parsed.has_errors() {
            Err("parse error".to_string())
        } else {
            match eval::evaluate(&parsed.query, &inputs, &options) {
                Err(error) => Err(error.message.split(':').next().unwrap_or("").to_string()
                    + ": "
                    + error.message.split(':').nth(1).unwrap_or("").trim()),
                Ok(evaluation) => match evaluation.table {
                    None => Err("no result".to_string()),
                    Some(table) => {
                        if verbose {
                            shown = format!("{:?}\n{:?}", table.column_names(), table.rows);
                        }
                        let names = table.column_names();
                        if names != columns.iter().map(String::as_str).collect::<Vec<_>>() {
                            Err("columns differ".to_string())
                        } else if rows_match(&rows, &table, ordered, unordered_cells) {
                            Ok(())
                        } else {
                            Err("rows differ".to_string())
                        }
                    }
                },
            }
        };
        let entry = by_category
            .entry(category(case["source"].as_str().unwrap_or("")))
            .or_default();
        entry.1 += 1;
        match outcome {
            Ok(()) => {
                passed += 1;
                entry.0 += 1;
            }
            Err(reason) => {
                if verbose {
                    println!(
                        "FAIL {} ({reason})\n{query}\nexpected: {columns:?}\n{rows:?}\nactual: {shown}\n",
                        case["id"].as_str().unwrap_or("")
                    );
                }
                *failures.entry(reason).or_default() += 1
            }
        }
    }
    for (name, (ok, total)) in &by_category {
        println!(
            "  {name}: {ok} of {total} ({:.0}%)",
            100.0 * *ok as f64 / (*total).max(1) as f64
        );
    }
    let mut reasons: Vec<_> = failures.into_iter().collect();
    reasons.sort_by_key(|r| std::cmp::Reverse(r.1));
    for (reason, count) in reasons.iter().take(if verbose { usize::MAX } else { 25 }) {
        println!("  failed {count}: {reason}");
    }
    let total: usize = by_category.values().map(|c| c.1).sum();
    println!("{passed} passed, {} failed", total - passed);
    assert!(
        !filter.is_empty() || passed >= PASS_FLOOR,
        "conformance regressed: {passed} passed, floor {PASS_FLOOR}"
    );
}
