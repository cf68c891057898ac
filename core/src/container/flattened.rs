//! Repairs Sentinel rule YAML whose indentation was lost, as happens when a rule is copied
//! from a web page: every key flush left, `query: |` followed by unindented KQL, list items
//! cut off from their parents.
//!
//! The nesting is rebuilt from the keys a Sentinel analytics rule is known to have. The
//! repair only inserts spaces (and, rarely, a block indentation indicator), so every byte
//! of the pasted text keeps its place and offsets map back exactly.

use crate::container::detect::yaml_key;
use crate::container::offset_map::OffsetMap;
use crate::diagnostic::TextEdit;
use crate::source::Span;

/// How deep a key or list item goes in the rule, and what it holds.
#[derive(Clone, Copy, Debug)]
enum Shape {
    /// A scalar, possibly a block scalar (`|`, `>`) or a multi-line plain one.
    Scalar,
    /// A list of scalars.
    List,
    /// A list of mappings with these keys (scalar items are accepted too).
    Records(&'static [Field]),
    /// A mapping with these keys.
    Map(&'static [Field]),
    /// A mapping whose keys the author chose (`customDetails`): any `key: value` belongs.
    OpenMap,
    /// The value of a key we do not know: it may hold list items, nothing else is assumed.
    Unknown,
}

#[derive(Clone, Copy, Debug)]
struct Field {
    key: &'static str,
    shape: Shape,
}

const fn field(key: &'static str, shape: Shape) -> Field {
    Field { key, shape }
}

const fn scalar(key: &'static str) -> Field {
    field(key, Shape::Scalar)
}

const DATA_CONNECTOR: &[Field] = &[scalar("connectorId"), field("dataTypes", Shape::List)];
const FIELD_MAPPING: &[Field] = &[scalar("identifier"), scalar("columnName")];
const ENTITY_MAPPING: &[Field] = &[
    scalar("entityType"),
    field("fieldMappings", Shape::Records(FIELD_MAPPING)),
];
const ALERT_DYNAMIC_PROPERTY: &[Field] = &[scalar("alertProperty"), scalar("value")];
const ALERT_DETAILS_OVERRIDE: &[Field] = &[
    scalar("alertDisplayNameFormat"),
    scalar("alertDescriptionFormat"),
    scalar("alertSeverityColumnName"),
    scalar("alertTacticsColumnName"),
    scalar("alertTechniquesColumnName"),
    field(
        "alertDynamicProperties",
        Shape::Records(ALERT_DYNAMIC_PROPERTY),
    ),
];
const GROUPING_CONFIGURATION: &[Field] = &[
    scalar("enabled"),
    scalar("reopenClosedIncident"),
    scalar("lookbackDuration"),
    scalar("matchingMethod"),
    field("groupByEntities", Shape::List),
    field("groupByAlertDetails", Shape::List),
    field("groupByCustomDetails", Shape::List),
];
const INCIDENT_CONFIGURATION: &[Field] = &[
    scalar("createIncident"),
    field("groupingConfiguration", Shape::Map(GROUPING_CONFIGURATION)),
];
const EVENT_GROUPING: &[Field] = &[scalar("aggregationKind")];
const TAG: &[Field] = &[scalar("Schema"), scalar("SchemaVersion")];
const METADATA_SOURCE: &[Field] = &[scalar("kind"), scalar("name")];
const METADATA_AUTHOR: &[Field] = &[scalar("name"), scalar("email")];
const METADATA_SUPPORT: &[Field] = &[
    scalar("tier"),
    scalar("name"),
    scalar("email"),
    scalar("link"),
];
const METADATA_CATEGORIES: &[Field] = &[
    field("domains", Shape::List),
    field("verticals", Shape::List),
];
const METADATA: &[Field] = &[
    field("source", Shape::Map(METADATA_SOURCE)),
    field("author", Shape::Map(METADATA_AUTHOR)),
    field("support", Shape::Map(METADATA_SUPPORT)),
    field("categories", Shape::Map(METADATA_CATEGORIES)),
];

/// The top-level keys of a Sentinel analytics rule.
const TOP_LEVEL: &[Field] = &[
    scalar("id"),
    scalar("name"),
    scalar("description"),
    scalar("severity"),
    scalar("status"),
    field("requiredDataConnectors", Shape::Records(DATA_CONNECTOR)),
    scalar("queryFrequency"),
    scalar("queryPeriod"),
    scalar("triggerOperator"),
    scalar("triggerThreshold"),
    field("tactics", Shape::List),
    field("relevantTechniques", Shape::List),
    scalar("query"),
    field("entityMappings", Shape::Records(ENTITY_MAPPING)),
    field("customDetails", Shape::OpenMap),
    field("alertDetailsOverride", Shape::Map(ALERT_DETAILS_OVERRIDE)),
    field("incidentConfiguration", Shape::Map(INCIDENT_CONFIGURATION)),
    field("eventGroupingSettings", Shape::Map(EVENT_GROUPING)),
    scalar("suppressionDuration"),
    scalar("suppressionEnabled"),
    scalar("version"),
    scalar("kind"),
    field("tags", Shape::Records(TAG)),
    field("metadata", Shape::Map(METADATA)),
];

/// Keys that only ever appear nested; seeing one at the top level of a parsed rule means the
/// YAML parsed, but into the wrong structure.
pub const NESTED_ONLY_KEYS: &[&str] = &[
    "connectorId",
    "dataTypes",
    "entityType",
    "fieldMappings",
    "identifier",
    "columnName",
];

/// The pasted text with its structure restored.
#[derive(Clone, Debug)]
pub struct Repair {
    pub text: String,
    /// Insertions into the pasted text that turn it into `text`.
    pub edits: Vec<TextEdit>,
    /// Maps offsets in `text` back to the pasted text.
    pub offsets: OffsetMap,
    /// The first pasted line that lost its indentation, where the warning points.
    pub first_line: Span,
}

/// Rebuilds the indentation of a Sentinel rule from its keys. `None` when the text does not
/// look flattened: nothing to insert, or most nested lines already indented (then the YAML
/// is broken in some other way and repairing indentation would only hide that).
pub fn repair(text: &str) -> Option<Repair> {
    let plan = plan_indentation(text);
    let nested = plan.iter().filter(|line| line.wanted > 0).count();
    let flat = plan.iter().filter(|line| line.is_flat).count();
    if flat == 0 || flat * 2 < nested {
        return None;
    }
    let mut edits = Vec::new();
    let mut first_line = None;
    for line in &plan {
        if line
            .indicator_at
            .is_some_and(|_| line.needs_explicit_indent)
        {
            if let Some(at) = line.indicator_at {
                edits.push(TextEdit {
                    span: Span::empty(at + 1),
                    text: "2".to_string(),
                });
            }
        }
        let missing = line.wanted.saturating_sub(line.existing);
        if missing > 0 {
            first_line.get_or_insert(line.span);
            edits.push(TextEdit {
                span: Span::empty(line.span.start as usize),
                text: " ".repeat(missing),
            });
        }
    }
    let first_line = first_line?;
    let (repaired, offsets) = apply_insertions(text, &edits);
    Some(Repair {
        text: repaired,
        edits,
        offsets,
        first_line,
    })
}

/// Applies edits that only insert, in order, and maps the result back to `text`.
fn apply_insertions(text: &str, edits: &[TextEdit]) -> (String, OffsetMap) {
    let inserted: usize = edits.iter().map(|e| e.text.len()).sum();
    let mut out = String::with_capacity(text.len() + inserted);
    let mut offsets = OffsetMap::unmapped(0);
    let mut cursor = 0usize;
    for edit in edits {
        let at = (edit.span.start as usize).clamp(cursor, text.len());
        let Some(run) = text.get(cursor..at) else {
            continue;
        };
        offsets.push(out.len(), cursor, run.len());
        out.push_str(run);
        out.push_str(&edit.text);
        cursor = at;
    }
    let rest = text.get(cursor..).unwrap_or("");
    offsets.push(out.len(), cursor, rest.len());
    out.push_str(rest);
    (out, offsets)
}

/// What one pasted line needs.
#[derive(Clone, Debug)]
struct LinePlan {
    /// The line without its line break.
    span: Span,
    existing: usize,
    wanted: usize,
    /// Byte offset of a block scalar's `|` or `>` on this line.
    indicator_at: Option<usize>,
    /// The block's content is indented unevenly, so its first line cannot set the indentation.
    needs_explicit_indent: bool,
    /// The line is less indented than its place in the structure needs.
    is_flat: bool,
}

struct Frame {
    indent: usize,
    shape: Shape,
}

impl Frame {
    fn knows(&self, key: &str) -> Option<Shape> {
        match self.shape {
            Shape::Map(fields) => fields.iter().find(|f| f.key == key).map(|f| f.shape),
            Shape::OpenMap => Some(Shape::Scalar),
            _ => None,
        }
    }

    fn takes_items(&self) -> bool {
        matches!(self.shape, Shape::List | Shape::Records(_) | Shape::Unknown)
    }
}

/// An open block scalar: where its content goes and which plan line holds its header.
struct Block {
    indent: usize,
    header: usize,
    first_content_leading: Option<usize>,
}

fn plan_indentation(text: &str) -> Vec<LinePlan> {
    let mut plans: Vec<LinePlan> = Vec::new();
    let mut stack = vec![Frame {
        indent: 0,
        shape: Shape::Map(TOP_LEVEL),
    }];
    let mut block: Option<Block> = None;
    let mut continuation = 2usize;
    let mut line_start = 0usize;
    for raw in text.split_inclusive('\n') {
        let content = raw.trim_end_matches(['\n', '\r']);
        let span = Span::new(line_start, line_start + content.len());
        line_start += raw.len();
        let trimmed = content.trim_start_matches([' ', '\t']);
        let existing = content.len() - trimmed.len();
        let mut plan = LinePlan {
            span,
            existing,
            wanted: 0,
            indicator_at: None,
            needs_explicit_indent: false,
            is_flat: false,
        };
        if trimmed.is_empty() {
            plans.push(plan);
            continue;
        }
        let dash_item = trimmed
            .strip_prefix("- ")
            .or_else(|| (trimmed == "-").then_some(""));
        let key = if dash_item.is_some() {
            None
        } else {
            yaml_key(trimmed)
        };

        if let Some(open) = &mut block {
            let ends_block = key.is_some_and(|k| {
                stack
                    .iter()
                    .any(|f| f.knows(k).is_some() && !matches!(f.shape, Shape::OpenMap))
            });
            if !ends_block {
                // Block content keeps its own relative indentation under the new indent.
                plan.wanted = open.indent + existing;
                plan.is_flat = existing < open.indent;
                match open.first_content_leading {
                    None => open.first_content_leading = Some(existing),
                    Some(first) if existing < first => {
                        if let Some(header) = plans.get_mut(open.header) {
                            header.needs_explicit_indent = true;
                        }
                    }
                    Some(_) => {}
                }
                plans.push(plan);
                continue;
            }
            block = None;
        }

        if trimmed.starts_with('#') || trimmed.starts_with("---") || trimmed.starts_with("...") {
            plans.push(plan);
            continue;
        }

        let value_and_indent = if let Some(item) = dash_item {
            let item_key = yaml_key(item);
            // The innermost list that takes this item: for `- key: ...`, one whose records
            // know the key.
            let depth = stack
                .iter()
                .rposition(|f| match (f.shape, item_key) {
                    (Shape::Records(fields), Some(k)) => fields.iter().any(|x| x.key == k),
                    (_, Some(_)) => false,
                    _ => f.takes_items(),
                })
                .or_else(|| stack.iter().rposition(Frame::takes_items));
            match depth {
                Some(depth) => stack.truncate(depth + 1),
                None => stack.truncate(1),
            }
            let (list_indent, list_shape) = stack
                .last()
                .map_or((0, Shape::Unknown), |f| (f.indent, f.shape));
            plan.wanted = list_indent;
            match item_key {
                Some(k) => {
                    let fields: &'static [Field] = match list_shape {
                        Shape::Records(fields) => fields,
                        _ => &[],
                    };
                    let item_indent = list_indent + 2;
                    stack.push(Frame {
                        indent: item_indent,
                        shape: if fields.is_empty() {
                            Shape::OpenMap
                        } else {
                            Shape::Map(fields)
                        },
                    });
                    let shape = fields
                        .iter()
                        .find(|f| f.key == k)
                        .map_or(Shape::Unknown, |f| f.shape);
                    let rest = item.get(k.len() + 1..).unwrap_or("");
                    let offset_in_line = existing + (trimmed.len() - item.len()) + k.len() + 1;
                    Some((rest, shape, item_indent, offset_in_line))
                }
                None => {
                    continuation = list_indent + 2;
                    None
                }
            }
        } else if let Some(k) = key {
            // Keys a section names explicitly win over open mappings, which take any key.
            let found = stack
                .iter()
                .rposition(|f| !matches!(f.shape, Shape::OpenMap) && f.knows(k).is_some())
                .or_else(|| {
                    stack
                        .iter()
                        .rposition(|f| matches!(f.shape, Shape::OpenMap))
                });
            let (depth, shape) = match found {
                Some(depth) => (
                    depth,
                    stack
                        .get(depth)
                        .and_then(|f| f.knows(k))
                        .unwrap_or(Shape::Scalar),
                ),
                // Keys we do not know are most likely newer top-level keys.
                None => (0, Shape::Unknown),
            };
            stack.truncate(depth + 1);
            let indent = stack.last().map_or(0, |f| f.indent);
            plan.wanted = indent;
            let rest = trimmed.get(k.len() + 1..).unwrap_or("");
            Some((rest, shape, indent, existing + k.len() + 1))
        } else {
            // A continuation of a multi-line plain scalar.
            plan.wanted = continuation;
            None
        };

        plan.is_flat = existing < plan.wanted;
        if let Some((rest, shape, key_indent, rest_offset)) = value_and_indent {
            continuation = key_indent + 2;
            let value = rest.trim();
            if let Some(indicator) = block_indicator(value) {
                let at = span.start as usize + rest_offset + (rest.len() - rest.trim_start().len());
                plan.indicator_at = Some(at + indicator);
                block = Some(Block {
                    indent: key_indent + 2,
                    header: plans.len(),
                    first_content_leading: None,
                });
            } else if value.is_empty() || value.starts_with('#') {
                let child = match shape {
                    Shape::Scalar => None,
                    other => Some(other),
                };
                if let Some(shape) = child {
                    stack.push(Frame {
                        indent: key_indent + 2,
                        shape,
                    });
                }
            }
        }
        plans.push(plan);
    }
    plans
}

/// The position of `|` or `>` when a value is a block scalar header (`|`, `|-`, `>+2`, ...).
fn block_indicator(value: &str) -> Option<usize> {
    let header = value.split('#').next().unwrap_or("").trim_end();
    let mut chars = header.chars();
    let first = chars.next()?;
    let is_header = matches!(first, '|' | '>') && chars.all(|c| matches!(c, '-' | '+' | '1'..='9'));
    is_header.then_some(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::apply_edits;

    #[test]
    fn seed_001_is_rebuilt() {
        let pasted = include_str!("fixtures/001_dcom_lateral_movement.yaml");
        let repair = repair(pasted).unwrap();
        assert_eq!(apply_edits(pasted, &repair.edits), repair.text);
        insta::assert_snapshot!(repair.text);
        assert_eq!(
            repair.first_line.text(pasted),
            pasted.lines().nth(3).unwrap()
        );
    }

    #[test]
    fn offsets_map_back_to_the_pasted_text() {
        let pasted = "id: 1\nquery: |\nT\n| take 1\nkind: x\n";
        let repair = repair(pasted).unwrap();
        assert_eq!(repair.text, "id: 1\nquery: |\n  T\n  | take 1\nkind: x\n");
        let take = repair.text.find("take").unwrap();
        assert_eq!(repair.offsets.offset(take), pasted.find("take").unwrap());
    }

    #[test]
    fn uneven_block_gets_an_explicit_indent() {
        let pasted = "name: n\nquery: |\n    T\n| take 1\nkind: x\n";
        let repair = repair(pasted).unwrap();
        assert_eq!(
            repair.text,
            "name: n\nquery: |2\n      T\n  | take 1\nkind: x\n"
        );
    }

    #[test]
    fn nested_sections_and_unknown_keys() {
        let pasted = "name: n\nquery: |\nT\ncustomDetails:\nUser: AccountName\nHost: DeviceName\nincidentConfiguration:\ncreateIncident: true\ngroupingConfiguration:\nenabled: false\ngroupByEntities:\n- Host\nalertDetailsOverride:\nalertDynamicProperties:\n- alertProperty: ProductName\nvalue: Product\nnewKey: 1\nkind: Scheduled\n";
        let repair = repair(pasted).unwrap();
        insta::assert_snapshot!(repair.text);
    }

    #[test]
    fn indented_yaml_is_not_flattened() {
        let yaml = "name: n\nrequiredDataConnectors:\n  - connectorId: A\n    dataTypes:\n      - T\nquery: |\n  T\n  | take 1\n";
        assert!(repair(yaml).is_none());
    }
}
