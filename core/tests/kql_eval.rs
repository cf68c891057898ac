//! Evaluator behaviour the detection seeds depend on: join kinds and naming, has-term
//! matching, parse, summarize naming, per-stage counts.

use std::collections::HashMap;

use rulelab::kql::{self, eval};
use rulelab::value::Value;

fn run(query: &str) -> eval::Table {
    let parsed = kql::parse(query);
    assert!(!parsed.has_errors(), "{:?}", parsed.diagnostics);
    eval::evaluate(
        &parsed.query,
        &HashMap::new(),
        &eval::EvalOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{}", e.message))
    .table
    .expect("a result table")
}

fn cells(table: &eval::Table) -> Vec<Vec<serde_json::Value>> {
    table
        .rows
        .iter()
        .map(|r| r.iter().map(Value::to_json).collect())
        .collect()
}

#[test]
fn innerunique_keeps_one_left_row_per_key_and_suffixes_duplicates() {
    let query = "let L = datatable(Id:long, A:string)[1,'a',1,'b',2,'c'];
                 let R = datatable(Id:long, B:string)[1,'x',1,'y'];
                 L | join R on Id";
    let table = run(query);
    assert_eq!(table.column_names(), vec!["Id", "A", "Id1", "B"]);
    assert_eq!(
        table.rows.len(),
        2,
        "one left row for key 1, matched to both right rows"
    );
    let inner = run(&query.replace("join R", "join kind=inner R"));
    assert_eq!(inner.rows.len(), 4);
    let anti = run(&query.replace("join R", "join kind=leftanti R"));
    assert_eq!(
        cells(&anti),
        vec![vec![serde_json::json!(2), serde_json::json!("c")]]
    );
    let outer = run(&query.replace("join R", "join kind=leftouter R"));
    assert_eq!(
        outer.rows.len(),
        5,
        "every left row: 2 x 2 matches plus the unmatched one"
    );
}

#[test]
fn left_right_keys() {
    let table = run("let L = datatable(Pid:long)[4]; let R = datatable(ParentPid:long, Name:string)[4,'cmd.exe',5,'x'];
                     L | join kind=inner R on $left.Pid == $right.ParentPid | project Name");
    assert_eq!(cells(&table), vec![vec![serde_json::json!("cmd.exe")]]);
}

#[test]
fn has_matches_whole_terms_case_insensitively() {
    let table = run(
        "datatable(C:string)['msiexec /Y a.dll', 'msiexec /yes', 'xmimikatz2', 'run mimikatz now']
                     | where C has_any ('/y', 'mimikatz')",
    );
    assert_eq!(
        cells(&table),
        vec![
            vec![serde_json::json!("msiexec /Y a.dll")],
            vec![serde_json::json!("run mimikatz now")]
        ]
    );
}

#[test]
fn parse_extracts_typed_columns() {
    let table = run(
        "print s = 'user=alice id=5' | parse s with 'user=' User ' id=' Id:long | project User, Id",
    );
    assert_eq!(
        cells(&table),
        vec![vec![serde_json::json!("alice"), serde_json::json!(5)]]
    );
}

#[test]
fn summarize_names_and_stage_counts() {
    let parsed = kql::parse(
        "range x from 1 to 10 step 1 | where x > 3 | summarize count(), make_set(x) by bin(x, 5)",
    );
    let evaluation = eval::evaluate(
        &parsed.query,
        &HashMap::new(),
        &eval::EvalOptions::default(),
    )
    .unwrap();
    let table = evaluation.table.unwrap();
    assert_eq!(table.column_names(), vec!["x", "count_", "set_x"]);
    let counts: Vec<(String, usize, usize)> = evaluation
        .stages
        .iter()
        .map(|s| (s.operator.clone(), s.rows_in, s.rows_out))
        .collect();
    assert_eq!(
        counts,
        vec![
            ("range".into(), 0, 10),
            ("where".into(), 10, 7),
            ("summarize".into(), 7, 3)
        ]
    );
}

#[test]
fn runaway_range_hits_the_row_limit() {
    let parsed = kql::parse("range x from 1 to 1000000000000 step 1");
    let options = eval::EvalOptions {
        max_rows: 10_000,
        ..Default::default()
    };
    let error = eval::evaluate(&parsed.query, &HashMap::new(), &options).unwrap_err();
    assert!(error.message.contains("row limit"), "{}", error.message);
}

#[test]
fn extend_items_read_columns_made_earlier_in_the_same_extend() {
    let table = run("print x = 1 | extend a = x + 1, b = a * 10, x = b + 1, c = x");
    assert_eq!(table.column_names(), vec!["x", "a", "b", "c"]);
    assert_eq!(
        cells(&table),
        vec![vec![
            serde_json::json!(21),
            serde_json::json!(2),
            serde_json::json!(20),
            serde_json::json!(21)
        ]]
    );
}
