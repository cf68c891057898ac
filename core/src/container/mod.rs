//! Rule containers: what holds a rule's text. A bare KQL query, a Sentinel analytics rule in
//! YAML (metadata around a KQL `query`), or a Sigma rule in YAML.
//!
//! Unpacking a container finds the language's text inside it and an [`OffsetMap`] from that
//! text back to the file, so that every diagnostic points into what the user gave.

pub mod detect;
pub mod flattened;
pub mod offset_map;
pub mod scalar_map;
pub mod sentinel;
pub mod yaml;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Fix};
use crate::source::Span;

pub use detect::ContentKind;
pub use offset_map::OffsetMap;
pub use sentinel::SentinelRule;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "rule", rename_all = "snake_case")]
pub enum Container {
    RawKql,
    /// The metadata is empty when the YAML could not be read.
    SentinelYaml(Box<SentinelRule>),
    SigmaYaml,
}

/// A container opened up: the embedded query (if any) and the container's own diagnostics,
/// all relative to the text that was unpacked.
#[derive(Clone, Debug)]
pub struct Unpacked {
    pub container: Container,
    /// The KQL text and where its bytes are in the unpacked text.
    pub query: Option<(String, OffsetMap)>,
    /// YAML that lost its indentation, repaired; everything else was read from it.
    pub repaired_text: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A bare query is its own text.
pub fn unpack_raw_kql(text: &str) -> Unpacked {
    Unpacked {
        container: Container::RawKql,
        query: Some((text.to_string(), OffsetMap::shifted(0, text.len()))),
        repaired_text: None,
        diagnostics: Vec::new(),
    }
}

/// A Sentinel analytics rule: its metadata and its query, repairing flattened YAML first.
pub fn unpack_sentinel(text: &str) -> Unpacked {
    let original = yaml::load(text);
    let looks_broken = match &original {
        Err(_) => true,
        Ok(documents) => documents.first().is_some_and(has_nested_keys_at_top),
    };
    if looks_broken {
        if let Some(unpacked) = unpack_flattened_sentinel(text) {
            return unpacked;
        }
    }
    match original {
        Ok(documents) => unpack_sentinel_document(text, documents.first()),
        Err(error) => Unpacked {
            container: Container::SentinelYaml(Box::default()),
            query: None,
            repaired_text: None,
            diagnostics: vec![invalid_yaml("KQL121", text, &error)],
        },
    }
}

fn unpack_flattened_sentinel(text: &str) -> Option<Unpacked> {
    let repair = flattened::repair(text)?;
    let documents = yaml::load(&repair.text).ok()?;
    let document = documents
        .first()
        .filter(|d| d.get("query").is_some() && !has_nested_keys_at_top(d))?;
    let mut unpacked = unpack_sentinel_document(&repair.text, Some(document));
    // Everything was read from the repaired text; move it back to the pasted one.
    if let Some((query, offsets)) = &mut unpacked.query {
        let mut chained = offsets.then(&repair.offsets);
        if !offsets.line_prefix().is_empty() {
            chained.set_line_prefix(leading_whitespace(text, chained.offset(0)));
        }
        if let Container::SentinelYaml(rule) = &mut unpacked.container {
            rule.query_span = chained.span(Span::new(0, query.trim_end().len()));
        }
        *offsets = chained;
    }
    unpacked.diagnostics = unpacked
        .diagnostics
        .into_iter()
        .map(|d| repair.offsets.diagnostic(d))
        .collect();
    unpacked.diagnostics.push(
        Diagnostic::warning(
            "KQL120",
            "flattened-yaml",
            "the YAML lost its indentation (as when copied from a web page) and was repaired \
             from the keys of a Sentinel analytics rule",
            repair.first_line,
        )
        .with_help(
            "apply the fix to restore the indentation, or copy the rule from its source file; \
             the query and metadata were read from the repaired text",
        )
        .with_fix(Fix {
            title: "Restore the YAML indentation".to_string(),
            edits: repair.edits,
            is_safe: false,
        }),
    );
    unpacked.repaired_text = Some(repair.text);
    Some(unpacked)
}

fn unpack_sentinel_document(text: &str, document: Option<&yaml::Node>) -> Unpacked {
    let first_line = Span::new(0, text.find('\n').unwrap_or(text.len()));
    let missing = match document.map(|d| sentinel::extract(text, d)) {
        Some(Ok(extracted)) => {
            return Unpacked {
                query: Some((extracted.rule.query.clone(), extracted.query_offsets)),
                container: Container::SentinelYaml(Box::new(extracted.rule)),
                repaired_text: None,
                diagnostics: Vec::new(),
            }
        }
        Some(Err(sentinel::MissingQuery::NotText(span))) => {
            Diagnostic::error("KQL122", "missing-query", "`query` is not text", span)
        }
        Some(Err(sentinel::MissingQuery::Absent(_))) | None => Diagnostic::error(
            "KQL122",
            "missing-query",
            "the rule has no `query`",
            first_line,
        ),
    };
    Unpacked {
        container: Container::SentinelYaml(Box::default()),
        query: None,
        repaired_text: None,
        diagnostics: vec![missing.with_help(
            "a Sentinel analytics rule keeps its KQL under `query:`, usually as a block: `query: |`",
        )],
    }
}

/// A Sigma rule: parsed and checked by [`crate::sigma::parse`] (flattened YAML repaired).
pub fn unpack_sigma(text: &str) -> Unpacked {
    let parsed = crate::sigma::parse(text);
    Unpacked {
        container: Container::SigmaYaml,
        query: None,
        repaired_text: parsed.repaired_text,
        diagnostics: parsed.diagnostics,
    }
}

fn has_nested_keys_at_top(document: &yaml::Node) -> bool {
    document
        .entries()
        .iter()
        .filter_map(|(key, _)| key.as_str())
        .any(|key| flattened::NESTED_ONLY_KEYS.contains(&key))
}

/// The parser points at one character; the rest of the line reads better in an editor.
fn invalid_yaml(code: &str, text: &str, error: &yaml::YamlError) -> Diagnostic {
    let start = error.span.start as usize;
    let line_end = text
        .get(start..)
        .and_then(|rest| rest.find(['\n', '\r']))
        .map_or(text.len(), |i| start + i);
    let span = Span::new(start, line_end.max(error.span.end as usize));
    Diagnostic::error(
        code,
        "invalid-yaml",
        format!("invalid YAML: {}", error.message),
        span,
    )
    .with_help("check the indentation and quoting of this line and the lines above it")
}

fn leading_whitespace(text: &str, offset: usize) -> String {
    let line_start = text
        .get(..offset)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |i| i + 1);
    text.get(line_start..)
        .unwrap_or("")
        .chars()
        .take_while(|c| *c == ' ')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SEED_001: &str = include_str!("fixtures/001_dcom_lateral_movement.yaml");

    fn check_bounds(text: &str, unpacked: &Unpacked) {
        for d in &unpacked.diagnostics {
            assert!(d.span.end as usize <= text.len(), "{d:?}");
        }
        if let Some((query, offsets)) = &unpacked.query {
            let span = offsets.span(Span::new(0, query.len()));
            assert!(span.end as usize <= text.len());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_text_unpacks_without_panicking(text in "(id: 1\nname: n\n)?((query|tactics|- a|dataTypes|x): ?[|>\"'a-z \\-\n:\\[{#]{0,12}\n){0,12}") {
            let _ = detect::detect(&text);
            check_bounds(&text, &unpack_sentinel(&text));
            check_bounds(&text, &unpack_sigma(&text));
        }

        #[test]
        fn damaged_seed_unpacks_without_panicking(cut in 0usize..SEED_001.len(), len in 0usize..64, insert in "[ \n:|\"'\\-é]{0,4}") {
            let mut text = SEED_001.to_string();
            let start = (0..=cut).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
            let end = (start + len).min(text.len());
            let end = (end..=text.len()).find(|i| text.is_char_boundary(*i)).unwrap_or(text.len());
            text.replace_range(start..end, &insert);
            check_bounds(&text, &unpack_sentinel(&text));
        }
    }
}

#[cfg(test)]
mod round_trip {
    use super::*;

    const FULL_RULE: &str = include_str!("fixtures/sentinel_full_rule.yaml");

    fn flatten(text: &str) -> String {
        text.lines()
            .map(str::trim_start)
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    }

    /// Flattening a well-indented rule and repairing it gives back the same rule, except
    /// for the relative indentation inside the query, which the flattening destroyed.
    #[test]
    fn flattened_full_rule_repairs_to_the_same_rule() {
        let original = unpack_sentinel(FULL_RULE);
        assert!(
            original.diagnostics.is_empty(),
            "{:#?}",
            original.diagnostics
        );
        let flat = flatten(FULL_RULE);
        let repaired = unpack_sentinel(&flat);
        let codes: Vec<_> = repaired
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect();
        assert_eq!(codes, ["KQL120"]);
        let (Container::SentinelYaml(before), Container::SentinelYaml(after)) =
            (&original.container, &repaired.container)
        else {
            panic!("not Sentinel: {:?}", repaired.container);
        };
        let mut before = before.clone();
        let mut after = after.clone();
        assert_eq!(flatten(&before.query).trim_end(), after.query.trim_end());
        for rule in [&mut before, &mut after] {
            rule.query.clear();
            rule.query_span = Span::default();
            rule.description = rule.description.as_deref().map(flatten);
        }
        assert_eq!(before, after);
        assert_eq!(after.custom_details.as_ref().map(Vec::len), Some(2));
        assert_eq!(after.entity_mappings[1].field_mappings.len(), 2);
    }
}
