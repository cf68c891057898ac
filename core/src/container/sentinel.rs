//! Microsoft Sentinel analytics rules (and Defender hunting queries) in YAML: the metadata
//! around the KQL `query`, typed for explain and catalog views.

use serde::Serialize;

use crate::container::offset_map::OffsetMap;
use crate::container::scalar_map::{block_indent, scalar_offsets};
use crate::container::yaml::Node;
use crate::source::Span;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SentinelRule {
    pub id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub severity: Option<String>,
    pub status: Option<String>,
    pub kind: Option<String>,
    pub version: Option<String>,
    pub tactics: Vec<String>,
    pub relevant_techniques: Vec<String>,
    pub required_data_connectors: Vec<DataConnector>,
    pub query_frequency: Option<String>,
    pub query_period: Option<String>,
    pub trigger_operator: Option<String>,
    pub trigger_threshold: Option<i64>,
    pub entity_mappings: Vec<EntityMapping>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_details: Option<Vec<CustomDetail>>,
    pub query: String,
    /// Where the query text stands in the file the user gave (for a block scalar, from its
    /// first content line to the end of its last).
    pub query_span: Span,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DataConnector {
    pub connector_id: String,
    pub data_types: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EntityMapping {
    pub entity_type: String,
    pub field_mappings: Vec<FieldMapping>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FieldMapping {
    pub identifier: String,
    pub column_name: String,
}

/// A `customDetails` entry: the alert field `name` filled from the query column `column`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CustomDetail {
    pub name: String,
    pub column: String,
}

/// What a Sentinel YAML document holds.
#[derive(Clone, Debug)]
pub struct Extracted {
    pub rule: SentinelRule,
    /// Maps offsets in `rule.query` to offsets in the YAML text it came from.
    pub query_offsets: OffsetMap,
}

/// Why no query could be taken from the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MissingQuery {
    /// No `query` key; the span is the document's.
    Absent(Span),
    /// `query` is there but is not text (a list, a mapping, null); the span is the value's.
    NotText(Span),
}

/// Reads the metadata and the query of a Sentinel rule document parsed from `text`.
pub fn extract(text: &str, document: &Node) -> Result<Extracted, MissingQuery> {
    let (key, value) = document
        .entry("query")
        .ok_or(MissingQuery::Absent(document.span))?;
    let query = value.as_str().ok_or(MissingQuery::NotText(value.span))?;
    let mut query_offsets = scalar_offsets(text, key, value);
    if let Some(indent) = block_indent(text, key, value) {
        query_offsets.set_line_prefix(indent);
    }
    let query_span = query_offsets.span(Span::new(0, query.trim_end().len()));
    let rule = SentinelRule {
        id: string(document, "id"),
        name: string(document, "name"),
        description: string(document, "description"),
        severity: string(document, "severity"),
        status: string(document, "status"),
        kind: string(document, "kind"),
        version: string(document, "version"),
        tactics: strings(document.get("tactics")),
        relevant_techniques: strings(document.get("relevantTechniques")),
        required_data_connectors: document
            .get("requiredDataConnectors")
            .map(|n| n.items())
            .unwrap_or_default()
            .iter()
            .map(|item| DataConnector {
                connector_id: string(item, "connectorId").unwrap_or_default(),
                data_types: strings(item.get("dataTypes")),
            })
            .collect(),
        query_frequency: string(document, "queryFrequency"),
        query_period: string(document, "queryPeriod"),
        trigger_operator: string(document, "triggerOperator"),
        trigger_threshold: string(document, "triggerThreshold").and_then(|t| t.trim().parse().ok()),
        entity_mappings: document
            .get("entityMappings")
            .map(|n| n.items())
            .unwrap_or_default()
            .iter()
            .map(|item| EntityMapping {
                entity_type: string(item, "entityType").unwrap_or_default(),
                field_mappings: item
                    .get("fieldMappings")
                    .map(|n| n.items())
                    .unwrap_or_default()
                    .iter()
                    .map(|field| FieldMapping {
                        identifier: string(field, "identifier").unwrap_or_default(),
                        column_name: string(field, "columnName").unwrap_or_default(),
                    })
                    .collect(),
            })
            .collect(),
        custom_details: document.get("customDetails").map(|details| {
            details
                .entries()
                .iter()
                .filter_map(|(k, v)| {
                    Some(CustomDetail {
                        name: k.as_str()?.to_string(),
                        column: v.as_str()?.to_string(),
                    })
                })
                .collect()
        }),
        query: query.to_string(),
        query_span,
    };
    Ok(Extracted {
        rule,
        query_offsets,
    })
}

fn string(node: &Node, key: &str) -> Option<String> {
    node.get(key).and_then(Node::as_str).map(str::to_string)
}

/// A list of strings; a lone string counts as a list of one, as Sentinel accepts both.
fn strings(node: Option<&Node>) -> Vec<String> {
    match node {
        Some(node) => match node.as_str() {
            Some(single) => vec![single.to_string()],
            None => node
                .items()
                .iter()
                .filter_map(Node::as_str)
                .map(str::to_string)
                .collect(),
        },
        None => Vec::new(),
    }
}
