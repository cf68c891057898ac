//! Snapshots of the parsed rules and the diagnostics for each Sigma fixture. Spans are
//! shown as the text they cover, so a snapshot also checks that they point at the right
//! characters.

use rulelab::sigma;
use serde_json::Value;

/// Replaces every `{"span": {start, end}}` with the text it covers.
fn spans_to_text(value: &mut Value, text: &str) {
    match value {
        Value::Object(map) => {
            if let Some(span) = map.remove("span") {
                let start = span["start"].as_u64().unwrap_or(0) as usize;
                let end = span["end"].as_u64().unwrap_or(0) as usize;
                let covered = text.get(start..end).unwrap_or("<outside the text>");
                map.insert(
                    "at".into(),
                    Value::String(covered.chars().take(60).collect()),
                );
            }
            map.values_mut().for_each(|v| spans_to_text(v, text));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| spans_to_text(v, text)),
        _ => {}
    }
}

#[test]
fn parse_fixtures() {
    insta::glob!("fixtures/sigma/*.yml", |path| {
        let text = std::fs::read_to_string(path).expect("fixture is readable");
        let parsed = sigma::parse(&text);
        let diagnostics: Vec<String> = parsed
            .diagnostics
            .iter()
            .map(|d| {
                format!(
                    "{}:{} {} {:?} `{}`: {}{}",
                    d.range.start.line + 1,
                    d.range.start.character + 1,
                    d.code,
                    d.severity,
                    d.span.text(&text).chars().take(60).collect::<String>(),
                    d.message,
                    d.help
                        .as_deref()
                        .map(|h| format!(" (help: {h})"))
                        .unwrap_or_default()
                )
            })
            .collect();
        let mut rules = serde_json::to_value(&parsed.rules).expect("rules serialize");
        spans_to_text(&mut rules, &text);
        insta::assert_yaml_snapshot!(serde_json::json!({
            "diagnostics": diagnostics,
            "rules": rules,
        }));
    });
}
