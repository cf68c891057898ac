//! Bad input ends in diagnostics, never a panic, stack overflow or hang.

use proptest::prelude::*;
use rulelab::kql;

fn codes(text: &str) -> Vec<String> {
    kql::parse(text)
        .diagnostics
        .into_iter()
        .map(|d| d.code)
        .collect()
}

#[test]
fn ten_thousand_nested_parentheses() {
    let text = format!("print {}1{}", "(".repeat(10_000), ")".repeat(10_000));
    assert!(codes(&text).contains(&"KQL105".to_string()));
}

#[test]
fn deeply_nested_dynamic_and_calls() {
    let text = format!("print dynamic({}1{})", "[".repeat(5_000), "]".repeat(5_000));
    assert!(codes(&text).contains(&"KQL105".to_string()));
    let text = format!("print {}x{}", "f(".repeat(5_000), ")".repeat(5_000));
    assert!(codes(&text).contains(&"KQL105".to_string()));
}

#[test]
fn long_operator_chains_are_cut_not_overflowed() {
    let text = format!("T | where {}", vec!["a"; 200_000].join(" + "));
    assert!(codes(&text).contains(&"KQL105".to_string()));
    let text = format!("print {}1", "-".repeat(100_000));
    assert!(codes(&text).contains(&"KQL105".to_string()));
    let text = format!("print x{}", ".y".repeat(100_000));
    assert!(codes(&text).contains(&"KQL105".to_string()));
}

#[test]
fn long_and_or_chains_stay_flat() {
    let terms: Vec<String> = (0..20_000)
        .map(|i| format!("Url == \"ioc{i}.example\""))
        .collect();
    let text = format!("T | where {}", terms.join(" or "));
    let parsed = kql::parse(&text);
    assert!(!parsed.has_errors(), "{:?}", parsed.diagnostics.first());
    let text = format!(
        "T | where {}",
        vec!["a > 1 and b < 2 or c"; 10_000].join(" or ")
    );
    assert!(!kql::parse(&text).has_errors());
}

#[test]
fn a_long_in_list_stays_flat() {
    // Generated IOC queries: `in (...)` lists with thousands of values stay flat.
    let list: Vec<String> = (0..50_000).map(|i| format!("\"ioc{i}.example\"")).collect();
    let text = format!("T | where Url in ({})", list.join(", "));
    let parsed = kql::parse(&text);
    assert!(!parsed.has_errors(), "{:?}", parsed.diagnostics.first());
}

#[test]
fn five_megabyte_query() {
    let clause = "| where ProcessCommandLine has \"mimikatz\" and FileName =~ \"cmd.exe\"\n";
    let text = format!(
        "DeviceProcessEvents\n{}",
        clause.repeat(5_000_000 / clause.len())
    );
    assert!(text.len() >= 4_900_000);
    let parsed = kql::parse(&text);
    assert!(!parsed.has_errors());
}

#[test]
fn unterminated_strings_and_literals() {
    assert!(codes("T | where a == 'abc").contains(&"KQL102".to_string()));
    assert!(codes("T | where a == \"abc\\\"").contains(&"KQL102".to_string()));
    assert!(codes("print ```never closed").contains(&"KQL102".to_string()));
    assert!(codes("print datetime(2020-01-01")
        .iter()
        .any(|c| c.starts_with("KQL1")));
}

#[test]
fn one_bad_operator_keeps_the_rest_of_the_pipeline() {
    let parsed = kql::parse("T | where (a == | project b | take 10");
    assert!(parsed.has_errors());
    let Some(kql::ast::Statement {
        kind: kql::ast::StatementKind::Expr(expr),
        ..
    }) = parsed.query.statements.first()
    else {
        panic!(
            "expected an expression statement, got {:?}",
            parsed.query.statements
        );
    };
    let kql::ast::ExprKind::Pipeline { operators, .. } = &expr.kind else {
        panic!("expected a pipeline");
    };
    let keywords: Vec<&str> = operators.iter().map(|op| op.kind.keyword()).collect();
    assert_eq!(keywords.last(), Some(&"take"), "{keywords:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = kql::parse(&text);
    }

    #[test]
    fn random_token_soup_never_panics(words in proptest::collection::vec(prop::sample::select(vec![
        "T", "|", "where", "project", "(", ")", "[", "]", "{", "}", ",", ";", "let", "=", "==", "x", "1", "'s'",
        "join", "on", "$left.a", "summarize", "by", "count()", "dynamic(", "datetime(2020-01-01)", "in", "has_any",
        "between", "..", "mv-expand", "parse", "with", "*", "extend", "union", "range", "from", "to", "step", ":",
    ]), 0..60)) {
        let text = words.join(" ");
        let parsed = kql::parse(&text);
        // Whatever parsed must format and reparse without panicking.
        let formatted = kql::format::format_query(&parsed.query);
        let _ = kql::parse(&formatted);
    }
}
