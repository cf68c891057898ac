//! Repairs Sigma YAML whose indentation was lost, as when a rule is copied from a web page:
//! every key flush left, so selections become top-level keys and `EventID` appears once per
//! selection at the top level.
//!
//! The nesting is rebuilt from Sigma's known structure: the top-level keys of a rule;
//! `logsource` children (`product`, `category`, `service`, `definition`); under `detection`,
//! every key until the next top-level key, where search identifiers (named by the condition,
//! which is read first) open a selection and other keys are its fields, with their lists;
//! `correlation` and `filter` sections likewise. The repair only inserts spaces at line
//! starts, so every byte of the pasted text keeps its place and offsets map back exactly.

use crate::container::offset_map::OffsetMap;
use crate::diagnostic::TextEdit;
use crate::sigma::condition::{self, Tok};
use crate::sigma::pattern::simple_glob;
use crate::source::Span;

/// Sigma's indentation unit (specification: "Indentation of 4 spaces").
const INDENT: usize = 4;

/// Keys of a Sigma rule document's top level.
pub const TOP_LEVEL_KEYS: &[&str] = &[
    "title",
    "id",
    "name",
    "related",
    "taxonomy",
    "status",
    "description",
    "license",
    "author",
    "references",
    "date",
    "modified",
    "logsource",
    "detection",
    "fields",
    "falsepositives",
    "level",
    "tags",
    "scope",
    "correlation",
    "filter",
    "generate",
    "action",
    "regression_tests_path",
    "simulation",
];

const LOGSOURCE_KEYS: &[&str] = &["category", "product", "service", "definition"];
const CORRELATION_KEYS: &[&str] = &[
    "type",
    "rules",
    "group-by",
    "timespan",
    "condition",
    "aliases",
    "generate",
];
const CORRELATION_CONDITION_KEYS: &[&str] =
    &["gt", "gte", "lt", "lte", "eq", "neq", "field", "percentile"];

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

/// Rebuilds the indentation of a Sigma rule. `None` when nothing needs inserting.
pub fn repair(text: &str) -> Option<Repair> {
    let names = condition_names(text);
    let mut planner = Planner::new(&names);
    let mut edits = Vec::new();
    let mut first_line = None;
    let mut line_start = 0usize;
    let (mut nested, mut flat) = (0usize, 0usize);
    for raw in text.split_inclusive('\n') {
        let content = raw.trim_end_matches(['\n', '\r']);
        let span = Span::new(line_start, line_start + content.len());
        line_start += raw.len();
        let Some(wanted) = planner.line(content) else {
            continue;
        };
        let existing = content.len() - content.trim_start_matches(' ').len();
        if wanted > 0 {
            nested += 1;
            flat += usize::from(existing == 0);
        }
        if wanted > existing {
            first_line.get_or_insert(span);
            edits.push(TextEdit {
                span: Span::empty(span.start as usize),
                text: " ".repeat(wanted - existing),
            });
        }
    }
    // Most nested lines already indented: the YAML is broken some other way, and
    // re-indenting would only hide that.
    if flat == 0 || flat * 2 < nested {
        return None;
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

/// Search identifiers and `of` patterns the conditions in the text name.
#[derive(Default, Debug)]
struct ConditionNames {
    identifiers: Vec<String>,
    patterns: Vec<String>,
    them: bool,
}

impl ConditionNames {
    fn names_selection(&self, key: &str) -> bool {
        self.identifiers.iter().any(|i| i == key)
            || self.patterns.iter().any(|p| simple_glob(p, key))
    }

    fn is_empty(&self) -> bool {
        self.identifiers.is_empty() && self.patterns.is_empty()
    }
}

fn condition_names(text: &str) -> ConditionNames {
    let mut names = ConditionNames::default();
    let mut in_list = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let value = if let Some(rest) = trimmed.strip_prefix("condition:") {
            in_list = rest.trim().is_empty();
            rest
        } else if in_list && trimmed.starts_with("- ") {
            trimmed.get(2..).unwrap_or("")
        } else {
            in_list = false;
            continue;
        };
        let value = value.split(" #").next().unwrap_or("");
        let value = value.trim().trim_matches(['\'', '"']);
        let value = value.split('|').next().unwrap_or("");
        let tokens = condition::lex(value);
        for (i, (_, tok, _)) in tokens.iter().enumerate() {
            match tok {
                Tok::Ident(word) => {
                    let after_of = i > 0 && matches!(tokens.get(i - 1), Some((_, Tok::Of, _)));
                    if after_of || word.contains('*') {
                        names.patterns.push(word.to_string());
                    } else {
                        names.identifiers.push(word.to_string());
                    }
                }
                Tok::Them => names.them = true,
                _ => {}
            }
        }
    }
    names
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    Top,
    /// A top-level key whose value is a list or scalar (`tags`, `description`, ...).
    Plain,
    Related,
    Logsource,
    /// `detection`, or the selections of `filter`.
    Detection,
    Correlation,
    CorrelationCondition,
    Aliases,
    Filter,
}

/// The selection being rebuilt under `detection`.
#[derive(Clone, Copy, Debug, Default)]
struct SelectionState {
    indent: usize,
    has_content: bool,
    /// Inside `- key: value` of a list of maps: keys continue that item.
    in_item_map: bool,
    /// A key with an empty value whose list items follow, at this indent.
    open_list: Option<usize>,
}

struct Planner<'n> {
    names: &'n ConditionNames,
    section: Section,
    selection: Option<SelectionState>,
    /// Where list items of a key with an empty value go, outside selections.
    open_list: Option<usize>,
    /// An open block scalar: the indent its content needs.
    block: Option<usize>,
    /// A multi-line plain scalar continues at this indent.
    continuation: usize,
}

impl<'n> Planner<'n> {
    fn new(names: &'n ConditionNames) -> Planner<'n> {
        Planner {
            names,
            section: Section::Top,
            selection: None,
            open_list: None,
            block: None,
            continuation: INDENT,
        }
    }

    /// The indentation one line wants, or `None` to leave it as it is.
    fn line(&mut self, content: &str) -> Option<usize> {
        let trimmed = content.trim_start_matches([' ', '\t']);
        let existing = content.len() - trimmed.len();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            return None;
        }
        if trimmed.starts_with("---") || trimmed.starts_with("...") {
            *self = Planner::new(self.names);
            return None;
        }
        let dash_item = trimmed
            .strip_prefix("- ")
            .or_else(|| (trimmed == "-").then_some(""));
        let key = if dash_item.is_some() {
            None
        } else {
            yaml_key(trimmed)
        };
        if let Some(indent) = self.block {
            let ends = key.is_some_and(|k| TOP_LEVEL_KEYS.contains(&k));
            if !ends {
                return Some(indent + existing);
            }
            self.block = None;
        }
        let (wanted, value) = match (dash_item, key) {
            (Some(item), _) => (self.dash(item), None),
            (None, Some(k)) => {
                let value = trimmed.get(k.len() + 1..).unwrap_or("").trim();
                (self.key(k, value), Some(value))
            }
            (None, None) => (self.continuation, None),
        };
        if let Some(value) = value {
            self.continuation = wanted + INDENT;
            if is_block_header(value) {
                self.block = Some(wanted + INDENT);
            }
        }
        Some(wanted)
    }

    fn key(&mut self, key: &str, value: &str) -> usize {
        let empty = value.is_empty() || value.starts_with('#');
        if TOP_LEVEL_KEYS.contains(&key) && !self.is_nested_key(key) {
            self.selection = None;
            self.open_list = empty.then_some(0);
            self.section = match key {
                "logsource" => Section::Logsource,
                "detection" => Section::Detection,
                "correlation" => Section::Correlation,
                "filter" => Section::Filter,
                "related" => Section::Related,
                _ => Section::Plain,
            };
            return 0;
        }
        match self.section {
            Section::Top | Section::Plain => {
                // An unknown key: a custom top-level attribute.
                self.section = Section::Plain;
                self.open_list = empty.then_some(0);
                0
            }
            Section::Related => INDENT / 2,
            Section::Logsource if LOGSOURCE_KEYS.contains(&key) => {
                self.open_list = empty.then_some(2 * INDENT);
                INDENT
            }
            Section::Logsource => {
                // Not a logsource attribute: a custom top-level key after it.
                self.section = Section::Plain;
                self.open_list = empty.then_some(0);
                0
            }
            Section::Correlation | Section::CorrelationCondition | Section::Aliases => {
                self.correlation_key(key, empty)
            }
            Section::Detection | Section::Filter => self.detection_key(key, value, empty),
        }
    }

    /// Keys that are top-level names but also nest in some sections (`condition` in
    /// detection, `rules` in correlation and filter, `type` in related).
    fn is_nested_key(&self, key: &str) -> bool {
        match self.section {
            Section::Detection | Section::Filter => {
                matches!(key, "condition" | "rules") || self.names.names_selection(key)
            }
            Section::Correlation | Section::CorrelationCondition | Section::Aliases => {
                CORRELATION_KEYS.contains(&key) || CORRELATION_CONDITION_KEYS.contains(&key)
            }
            _ => false,
        }
    }

    fn correlation_key(&mut self, key: &str, empty: bool) -> usize {
        if CORRELATION_KEYS.contains(&key) {
            self.section = match key {
                "condition" if empty => Section::CorrelationCondition,
                "aliases" => Section::Aliases,
                _ => Section::Correlation,
            };
            self.open_list = empty.then_some(2 * INDENT);
            return INDENT;
        }
        match self.section {
            Section::CorrelationCondition => 2 * INDENT,
            Section::Aliases if empty => 2 * INDENT,
            Section::Aliases => 3 * INDENT,
            _ => INDENT,
        }
    }

    fn detection_key(&mut self, key: &str, value: &str, empty: bool) -> usize {
        if matches!(key, "condition" | "timeframe" | "rules") {
            self.selection = None;
            self.open_list = empty.then_some(2 * INDENT);
            return INDENT;
        }
        let names_selection = self.names.names_selection(key);
        let is_selection = names_selection
            || self.selection.is_none()
            || (self.names.is_empty() && empty && !key.contains('|') && !key.contains('.'))
            || (self.names.them && empty && self.selection.is_some_and(|s| s.has_content));
        if let Some(selection) = self.selection.as_mut().filter(|_| !is_selection) {
            selection.has_content = true;
            let indent = if selection.in_item_map {
                selection.indent + INDENT + 2
            } else {
                selection.indent + INDENT
            };
            selection.open_list = empty.then_some(indent + INDENT);
            return indent;
        }
        let _ = value;
        self.selection = Some(SelectionState {
            indent: INDENT,
            ..SelectionState::default()
        });
        INDENT
    }

    fn dash(&mut self, item: &str) -> usize {
        let item_key = yaml_key(item);
        match self.section {
            Section::Detection | Section::Filter => {
                if let Some(selection) = self.selection.as_mut() {
                    if item_key.is_some() {
                        // `- key: value` starts an item of a list of maps.
                        selection.has_content = true;
                        selection.in_item_map = true;
                        let value = item.get(item_key.map_or(0, str::len) + 1..).unwrap_or("");
                        let empty = value.trim().is_empty();
                        selection.open_list = empty.then_some(selection.indent + 3 * INDENT + 2);
                        self.continuation = selection.indent + INDENT + 2 + INDENT;
                        return selection.indent + INDENT;
                    }
                    if let Some(indent) = selection.open_list {
                        return indent;
                    }
                    selection.has_content = true;
                    return selection.indent + INDENT;
                }
                self.open_list.unwrap_or(2 * INDENT)
            }
            Section::Related => {
                self.continuation = INDENT;
                0
            }
            _ => {
                self.continuation = self.open_list.unwrap_or(0) + 2;
                self.open_list.unwrap_or(0)
            }
        }
    }
}

/// The key of a `key: value` line: plain (field names with `|modifiers`, dots, spaces) or
/// quoted (`'|all':`). `None` for list items, flow collections and text without a key.
fn yaml_key(line: &str) -> Option<&str> {
    let first = line.chars().next()?;
    if let Some(quote) = ['\'', '"'].into_iter().find(|q| *q == first) {
        let close = line.get(1..)?.find(quote)? + 1;
        let after = line.get(close + 1..)?;
        let rest = after.strip_prefix(':')?;
        return (rest.is_empty() || rest.starts_with([' ', '\t']))
            .then(|| line.get(..close + 1))
            .flatten();
    }
    if matches!(
        first,
        '-' | '#' | '[' | '{' | '|' | '>' | '&' | '*' | '!' | '%' | '@' | '`'
    ) {
        // `|all` keys are always quoted; these start other YAML constructs.
        return None;
    }
    let colon = line.match_indices(':').map(|(i, _)| i).find(|&i| {
        matches!(
            line.as_bytes().get(i + 1),
            None | Some(b' ' | b'\t' | b'\r')
        )
    })?;
    let key = line.get(..colon)?.trim_end();
    (!key.is_empty()).then_some(key)
}

/// Whether a value is a block scalar header (`|`, `>-`, `|2` ...).
fn is_block_header(value: &str) -> bool {
    let header = value.split(" #").next().unwrap_or("").trim_end();
    let mut chars = header.chars();
    matches!(chars.next(), Some('|' | '>')) && chars.all(|c| matches!(c, '-' | '+' | '1'..='9'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::apply_edits;

    const SEED_004: &str = include_str!("../container/fixtures/004_dcom_mmc20_powershell.yml");

    #[test]
    fn seed_004_is_rebuilt() {
        let repair = repair(SEED_004).unwrap();
        assert_eq!(apply_edits(SEED_004, &repair.edits), repair.text);
        insta::assert_snapshot!(repair.text);
        assert_eq!(repair.first_line.text(SEED_004), "product: windows");
        let take = repair.text.find("MMC20.Application").unwrap();
        assert_eq!(
            repair.offsets.offset(take),
            SEED_004.find("MMC20.Application").unwrap()
        );
    }

    #[test]
    fn lists_of_maps_keywords_and_condition_lists() {
        let pasted = "title: t\nlogsource:\nproduct: windows\ndetection:\nselection:\n- Image|endswith: '\\a.exe'\nCommandLine: x\n- OriginalFileName: a.exe\nkeywords:\n- 'evil'\n- 'bad'\nfilter:\nUser:\n- a\n- b\ncondition:\n- selection and not filter\n- keywords\nlevel: high\n";
        let repair = repair(pasted).unwrap();
        insta::assert_snapshot!(repair.text);
    }

    #[test]
    fn correlation_sections() {
        let pasted = "title: c\ncorrelation:\ntype: event_count\nrules:\n- failed_login\ngroup-by:\n- User\ntimespan: 10m\ncondition:\ngte: 10\naliases:\nip:\nrule_a: src\nrule_b: dst\nlevel: high\n";
        let repair = repair(pasted).unwrap();
        insta::assert_snapshot!(repair.text);
    }

    #[test]
    fn indented_rules_are_left_alone() {
        let yaml = "title: t\nlogsource:\n    product: windows\ndetection:\n    sel:\n        a: 1\n    condition: sel\n";
        assert!(repair(yaml).is_none());
    }
}
