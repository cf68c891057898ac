//! Snapshot of the tree (without spans) and the diagnostics for each parse fixture.

use rulelab::kql;
use serde_json::Value;

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
fn parse_fixtures() {
    insta::glob!("fixtures/kql/parse/*.kql", |path| {
        let text = std::fs::read_to_string(path).expect("fixture is readable");
        let parsed = kql::parse(&text);
        let mut tree = serde_json::to_value(&parsed.query).expect("tree serializes");
        strip_spans(&mut tree);
        let diagnostics: Vec<String> = parsed
            .diagnostics
            .iter()
            .map(|d| {
                let help = d.help.as_deref().map(|h| format!(" (help: {h})"));
                format!(
                    "{} {:?} `{}`: {}{}",
                    d.code,
                    d.severity,
                    d.span.text(&text),
                    d.message,
                    help.unwrap_or_default()
                )
            })
            .collect();
        insta::assert_yaml_snapshot!(serde_json::json!({
            "diagnostics": diagnostics,
            "formatted": kql::format::format_query(&parsed.query),
            "tree": tree,
        }));
    });
}
