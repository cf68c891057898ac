//! A rule as the user gave it: the detected language, its container (raw KQL, a Sentinel
//! analytics rule in YAML, Sigma YAML) and the parsed form.

use serde::{Deserialize, Serialize};

use crate::container::{self, Container, ContentKind, OffsetMap};
use crate::diagnostic::Diagnostic;
use crate::kql;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Kql,
    Sigma,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LanguageHint {
    #[default]
    Auto,
    Kql,
    Sigma,
}

/// A KQL query and where it came from.
#[derive(Clone, Debug)]
pub struct KqlQuery {
    /// The query text: the whole input for raw KQL, the `query` value for Sentinel YAML.
    pub text: String,
    /// Maps offsets in `text` to offsets in the text given to [`Rule::load`].
    pub offsets: OffsetMap,
    /// The parsed query; its spans and diagnostics are relative to `text`.
    pub parsed: kql::Parsed,
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub language: Language,
    pub container: Container,
    pub kql: Option<KqlQuery>,
    /// Set when the YAML lost its indentation and was repaired: the text the container was
    /// read from. Spans everywhere still refer to the text as given.
    pub repaired_text: Option<String>,
    /// Diagnostics with spans relative to the text given to [`Rule::load`].
    pub diagnostics: Vec<Diagnostic>,
}

impl Rule {
    /// Loads a rule. With [`LanguageHint::Auto`] the language comes from the content; a
    /// Sentinel YAML rule counts as KQL, so `Kql` still unpacks it.
    pub fn load(text: &str, hint: LanguageHint) -> Rule {
        let kind = match hint {
            LanguageHint::Auto => match container::detect::detect(text) {
                // Correlation and filter rules have no `detection`.
                ContentKind::RawKql if crate::sigma::looks_like_sigma(text) => {
                    ContentKind::SigmaYaml
                }
                kind => kind,
            },
            LanguageHint::Kql if container::detect::is_sentinel_yaml(text) => {
                ContentKind::SentinelYaml
            }
            LanguageHint::Kql => ContentKind::RawKql,
            LanguageHint::Sigma => ContentKind::SigmaYaml,
        };
        let (language, unpacked) = match kind {
            ContentKind::RawKql => (Language::Kql, container::unpack_raw_kql(text)),
            ContentKind::SentinelYaml => (Language::Kql, container::unpack_sentinel(text)),
            ContentKind::SigmaYaml => (Language::Sigma, container::unpack_sigma(text)),
        };
        let mut diagnostics = unpacked.diagnostics;
        let kql = unpacked.query.map(|(text, offsets)| {
            let parsed = kql::parse(&text);
            diagnostics.extend(
                parsed
                    .diagnostics
                    .iter()
                    .map(|d| offsets.diagnostic(d.clone())),
            );
            KqlQuery {
                text,
                offsets,
                parsed,
            }
        });
        Rule {
            language,
            container: unpacked.container,
            kql,
            repaired_text: unpacked.repaired_text,
            diagnostics,
        }
    }

    /// The Sentinel metadata, when the rule came in a Sentinel YAML file.
    pub fn sentinel(&self) -> Option<&container::SentinelRule> {
        match &self.container {
            Container::SentinelYaml(rule) => Some(rule),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{apply_edits, Severity};
    use crate::source::Position;
    use crate::{parse, ParseOptions, ParseReport};

    const SEED_000: &str = include_str!("container/fixtures/000_msi_odbc_dcom.kql");
    const SEED_001: &str = include_str!("container/fixtures/001_dcom_lateral_movement.yaml");
    const SEED_002: &str = include_str!("container/fixtures/002_msiexec_dll_network.kql");
    const SEED_003: &str = include_str!("container/fixtures/003_dcom_server_child_process.kql");
    const SEED_004: &str = include_str!("container/fixtures/004_dcom_mmc20_powershell.yml");

    fn report(text: &str, language: LanguageHint) -> ParseReport {
        parse(
            text,
            &ParseOptions {
                language,
                path: None,
            },
        )
    }

    fn start_of(report: &ParseReport, code: &str) -> Position {
        report
            .diagnostics
            .iter()
            .find(|d| d.code == code)
            .unwrap_or_else(|| panic!("no {code} in {:#?}", report.diagnostics))
            .range
            .start
    }

    #[test]
    fn raw_kql_seeds_are_kql_whatever_their_label() {
        for seed in [SEED_000, SEED_002, SEED_003] {
            let rule = Rule::load(seed, LanguageHint::Auto);
            assert_eq!(rule.language, Language::Kql);
            assert_eq!(rule.container, Container::RawKql);
            assert_eq!(rule.kql.as_ref().unwrap().text, seed);
        }
    }

    #[test]
    fn sigma_seed_is_repaired_and_reports_its_list_valued_category() {
        let rule = Rule::load(SEED_004, LanguageHint::Auto);
        assert_eq!(rule.language, Language::Sigma);
        assert_eq!(rule.container, Container::SigmaYaml);
        assert!(rule.kql.is_none());
        let codes: Vec<_> = rule
            .diagnostics
            .iter()
            .map(|d| (d.code.as_str(), d.severity))
            .collect();
        assert_eq!(
            codes,
            [("SIG110", Severity::Warning), ("SIG109", Severity::Error)]
        );
        assert!(rule.repaired_text.is_some());
    }

    #[test]
    fn flattened_seed_001_parses_with_one_warning() {
        let parsed = report(SEED_001, LanguageHint::Auto);
        assert_eq!(parsed.language, Language::Kql);
        assert!(parsed.ok);
        let warnings: Vec<_> = parsed
            .diagnostics
            .iter()
            .map(|d| (d.code.as_str(), d.severity))
            .collect();
        assert_eq!(warnings, [("KQL120", Severity::Warning)]);
        insta::assert_json_snapshot!(parsed);
    }

    #[test]
    fn flattened_seed_001_keeps_its_metadata_and_query() {
        let rule = Rule::load(SEED_001, LanguageHint::Auto);
        let sentinel = rule.sentinel().unwrap();
        let mut metadata = sentinel.clone();
        metadata.query = format!("[{} bytes]", metadata.query.len());
        insta::assert_json_snapshot!(metadata);
        let query = &rule.kql.as_ref().unwrap().text;
        assert!(query.starts_with("let allowListedExecs"));
        // The query span covers the pasted, unindented query.
        let span_text = sentinel.query_span.text(SEED_001);
        assert!(span_text.starts_with("let allowListedExecs"), "{span_text}");
        assert!(
            span_text.ends_with("LastBootTime, DCOMCmdLine"),
            "{span_text}"
        );
        // Applying the fix gives the repaired text that the rule was read from.
        let fix = &rule
            .diagnostics
            .iter()
            .find(|d| d.code == "KQL120")
            .unwrap()
            .fixes[0];
        assert_eq!(
            apply_edits(SEED_001, &fix.edits),
            rule.repaired_text.clone().unwrap()
        );
    }

    #[test]
    fn kql_errors_in_a_yaml_block_point_into_the_file() {
        let text = "id: 1\nname: n\nquery: |\n  T\n  | where a == 1 § b\nkind: Scheduled\n";
        let parsed = report(text, LanguageHint::Auto);
        // Line 4 (0-based) holds `  | where a == 1 § b`; `§` is its 17th character.
        assert_eq!(
            start_of(&parsed, "KQL103"),
            Position {
                line: 4,
                character: 17
            }
        );
        let rule = Rule::load(text, LanguageHint::Auto);
        assert_eq!(
            rule.sentinel().unwrap().query_span.text(text),
            "T\n  | where a == 1 § b"
        );
    }

    #[test]
    fn kql_errors_in_flattened_yaml_point_into_the_pasted_text() {
        let text = "id: 1\nname: n\ntactics:\n- Execution\nquery: |\nT\n| where a == 1 § b\nkind: Scheduled\n";
        let parsed = report(text, LanguageHint::Auto);
        assert_eq!(
            start_of(&parsed, "KQL103"),
            Position {
                line: 6,
                character: 15
            }
        );
        assert_eq!(
            start_of(&parsed, "KQL120"),
            Position {
                line: 3,
                character: 0
            }
        );
    }

    #[test]
    fn kql_errors_in_quoted_queries_point_into_the_file() {
        let text = "id: 1\nname: n\nquery: \"T | where a == \\\"x\\\" and b == 1 § c\"\n";
        let parsed = report(text, LanguageHint::Auto);
        let line = text.lines().nth(2).unwrap();
        let character = line[..line.find('§').unwrap()].chars().count() as u32;
        assert_eq!(start_of(&parsed, "KQL103"), Position { line: 2, character });
    }

    #[test]
    fn the_hint_picks_the_container_kind_only_where_content_allows() {
        let sentinel = "id: 1\nname: n\nquery: |\n  T | take 1\n";
        assert!(Rule::load(sentinel, LanguageHint::Kql).sentinel().is_some());
        assert_eq!(
            Rule::load("T | take 1", LanguageHint::Kql).container,
            Container::RawKql
        );
        let as_sigma = Rule::load(sentinel, LanguageHint::Sigma);
        assert_eq!(as_sigma.language, Language::Sigma);
        assert_eq!(
            Rule::load(SEED_004, LanguageHint::Kql).language,
            Language::Kql
        );
    }

    #[test]
    fn invalid_yaml_is_one_clear_error() {
        let text = "id: 1\nname: n\nquery: |\n  T\n  | take 1\ntactics: [Execution\n";
        let parsed = report(text, LanguageHint::Auto);
        let codes: Vec<_> = parsed.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["KQL121"]);
        assert!(parsed.diagnostics[0].message.starts_with("invalid YAML"));
        assert!(!parsed.ok);

        let sigma = "title: t\nlogsource:\n  product: windows\ndetection:\n  sel: {a: 1\n  condition: sel\n";
        let parsed = report(sigma, LanguageHint::Auto);
        assert_eq!(parsed.language, Language::Sigma);
        let codes: Vec<_> = parsed.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["SIG101"]);
    }

    #[test]
    fn sentinel_yaml_without_query_is_reported() {
        let parsed = report("id: 1\nname: n\nseverity: High\n", LanguageHint::Kql);
        let codes: Vec<_> = parsed.diagnostics.iter().map(|d| d.code.as_str()).collect();
        // Without `query` the content is not Sentinel YAML; as KQL it is not valid either.
        assert!(!codes.contains(&"KQL122"));
        let parsed = report("id: 1\nname: n\nquery:\n  - a\n", LanguageHint::Auto);
        assert_eq!(
            start_of(&parsed, "KQL122"),
            Position {
                line: 3,
                character: 2
            }
        );
        let parsed = report("id: 1\nname: n\nquery: ~\n", LanguageHint::Auto);
        assert_eq!(parsed.diagnostics[0].code, "KQL122");
    }

    #[test]
    fn flattened_yaml_that_parses_into_the_wrong_shape_is_repaired() {
        // Valid YAML as pasted, but `dataTypes` lands at the top level.
        let text = "id: 1\nname: n\nrequiredDataConnectors:\n- connectorId: A\ndataTypes:\n- T\nquery: T | take 1\n";
        let rule = Rule::load(text, LanguageHint::Auto);
        let codes: Vec<_> = rule.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["KQL120"]);
        let sentinel = rule.sentinel().unwrap();
        assert_eq!(sentinel.required_data_connectors[0].data_types, ["T"]);
        assert_eq!(sentinel.query_span.text(text), "T | take 1");
    }

    #[test]
    fn well_indented_yaml_is_not_repaired() {
        let text = "id: 1\nname: n\ntactics:\n- Execution\nrequiredDataConnectors:\n  - connectorId: A\n    dataTypes:\n      - T\nquery: |\n  T\n  | take 1\n";
        let rule = Rule::load(text, LanguageHint::Auto);
        assert!(rule.repaired_text.is_none());
        assert!(rule.diagnostics.iter().all(|d| d.code != "KQL120"));
        let sentinel = rule.sentinel().unwrap();
        assert_eq!(sentinel.required_data_connectors[0].data_types, ["T"]);
        assert_eq!(sentinel.tactics, ["Execution"]);
    }
}
