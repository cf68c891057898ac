//! Tells what a text is by its content, never by its label: pages call KQL bodies "yaml"
//! and files keep whatever extension they were saved with.
//!
//! Only the keys at the start of lines are read, so the detection also works on YAML that
//! lost its indentation or does not parse at all.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentKind {
    /// A bare KQL query (`.kql`, `.csl`, `.kusto`, or pasted text).
    RawKql,
    /// A Sentinel analytics rule or hunting query in YAML: a `query` key beside its metadata.
    SentinelYaml,
    /// A Sigma rule: `detection` beside `logsource` or `condition`.
    SigmaYaml,
}

/// Keys that sit beside `query` in Sentinel analytics rules and hunting queries.
const SENTINEL_KEYS: &[&str] = &[
    "id",
    "name",
    "description",
    "severity",
    "status",
    "kind",
    "version",
    "tactics",
    "relevantTechniques",
    "requiredDataConnectors",
    "queryFrequency",
    "queryPeriod",
    "triggerOperator",
    "triggerThreshold",
    "entityMappings",
];

pub fn detect(text: &str) -> ContentKind {
    let mut has_query = false;
    let mut has_sentinel_key = false;
    let mut has_detection = false;
    let mut has_logsource_or_condition = false;
    for key in line_keys(text) {
        match key {
            "query" => has_query = true,
            "detection" => has_detection = true,
            "logsource" | "condition" => has_logsource_or_condition = true,
            _ if SENTINEL_KEYS.contains(&key) => has_sentinel_key = true,
            _ => {}
        }
    }
    if has_detection && has_logsource_or_condition {
        ContentKind::SigmaYaml
    } else if has_query && has_sentinel_key {
        ContentKind::SentinelYaml
    } else {
        ContentKind::RawKql
    }
}

/// Whether the text looks like a Sentinel rule, for `--lang kql` where Sigma is ruled out.
pub fn is_sentinel_yaml(text: &str) -> bool {
    let mut has_query = false;
    let mut has_sentinel_key = false;
    for key in line_keys(text) {
        has_query |= key == "query";
        has_sentinel_key |= SENTINEL_KEYS.contains(&key);
    }
    has_query && has_sentinel_key
}

/// The mapping keys that start lines (`key:` followed by a space or the line end), after
/// indentation or a list dash. KQL never starts a line like that: its `name:` forms sit
/// inside parentheses after other tokens.
fn line_keys(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter_map(|line| {
        let line = line.trim_start_matches([' ', '\t', '\u{feff}']);
        let line = line.strip_prefix("- ").unwrap_or(line);
        yaml_key(line)
    })
}

/// `key` of a line `key: value` or `key:`, when the key is a plain identifier.
pub(crate) fn yaml_key(line: &str) -> Option<&str> {
    let colon = line.find(':')?;
    let key = line.get(..colon)?;
    let after = line.get(colon + 1..)?;
    let is_identifier = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
        && key
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    let ends_key = after.is_empty() || after.starts_with([' ', '\t', '\r']);
    (is_identifier && ends_key).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_are_detected_by_content() {
        let cases = [
            (
                include_str!("fixtures/000_msi_odbc_dcom.kql"),
                ContentKind::RawKql,
            ),
            (
                include_str!("fixtures/001_dcom_lateral_movement.yaml"),
                ContentKind::SentinelYaml,
            ),
            (
                include_str!("fixtures/002_msiexec_dll_network.kql"),
                ContentKind::RawKql,
            ),
            (
                include_str!("fixtures/003_dcom_server_child_process.kql"),
                ContentKind::RawKql,
            ),
            (
                include_str!("fixtures/004_dcom_mmc20_powershell.yml"),
                ContentKind::SigmaYaml,
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(detect(text), expected, "{}", &text[..40]);
        }
    }

    #[test]
    fn indented_sigma_and_hunting_queries() {
        let sigma = "title: t\nlogsource:\n  product: windows\ndetection:\n  sel:\n    a: 1\n  condition: sel\n";
        assert_eq!(detect(sigma), ContentKind::SigmaYaml);
        let hunting = "id: 1\nname: n\nquery: |\n  T | take 1\n";
        assert_eq!(detect(hunting), ContentKind::SentinelYaml);
        assert!(is_sentinel_yaml(hunting));
    }

    #[test]
    fn kql_with_colons_stays_kql() {
        let kql = "// Description: x\nT\n| where url has \"http://a\"\n| extend d = dynamic({\"name\": 1})\n";
        assert_eq!(detect(kql), ContentKind::RawKql);
        // A lone `query:` without any rule metadata is not enough.
        assert_eq!(detect("query: x"), ContentKind::RawKql);
    }

    #[test]
    fn keys_need_a_space_or_line_end_after_the_colon() {
        assert_eq!(yaml_key("query: |"), Some("query"));
        assert_eq!(yaml_key("tactics:"), Some("tactics"));
        assert_eq!(yaml_key("http://x"), None);
        assert_eq!(yaml_key("| where a: 1"), None);
    }
}
