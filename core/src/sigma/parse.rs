//! Sigma YAML → [`SigmaRule`]s. Reads every document of a file (detection, correlation and
//! filter rules), Sigma 1.0 `action: global/reset/repeat` collections (merged, and
//! reported), and YAML that lost its indentation (repaired, and reported). The shape of
//! every key is checked here, where the YAML nodes are at hand; value formats and
//! references are checked in `checks.rs`.

use crate::container::scalar_map::scalar_offsets;
use crate::container::yaml::{self, Node, Style, Value};
use crate::diagnostic::{Diagnostic, Fix};
use crate::sigma::ast::*;
use crate::sigma::codes;
use crate::sigma::condition;
use crate::sigma::flattened;
use crate::source::Span;

/// A Sigma file parsed: its rules and every diagnostic, spans relative to the text given.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Parsed {
    pub rules: Vec<SigmaRule>,
    pub diagnostics: Vec<Diagnostic>,
    /// Set when the YAML lost its indentation: the repaired text the rules were read from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repaired_text: Option<String>,
}

impl Parsed {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses a Sigma file. Never fails: problems are diagnostics, and the rules keep what read.
pub fn parse_yaml(text: &str) -> Parsed {
    let loaded = yaml::load(text);
    let looks_flattened = match &loaded {
        Err(_) => true,
        Ok(documents) => documents.iter().any(looks_flattened),
    };
    if looks_flattened {
        if let Some(parsed) = parse_flattened(text) {
            return parsed;
        }
    }
    match loaded {
        Ok(documents) => parse_documents(text, documents),
        Err(error) => Parsed {
            rules: Vec::new(),
            diagnostics: vec![invalid_yaml(text, &error)],
            repaired_text: None,
        },
    }
}

/// Keys a rule only has nested, seen at the top level; or sections without content.
fn looks_flattened(document: &Node) -> bool {
    let entries = document.entries();
    let has = |key: &str| entries.iter().any(|(k, _)| k.as_str() == Some(key));
    let is_null = |key: &str| {
        document
            .get(key)
            .is_some_and(|v| v.as_str().is_none() && matches!(v.value, Value::Scalar { .. }))
    };
    has("condition")
        || (is_null("detection") && entries.len() > 1)
        || (is_null("logsource") && (has("product") || has("category") || has("service")))
}

fn parse_flattened(text: &str) -> Option<Parsed> {
    let repair = flattened::repair(text)?;
    let mut documents = yaml::load(&repair.text).ok()?;
    if documents.iter().any(looks_flattened) {
        return None;
    }
    for document in &mut documents {
        remap(document, &|span| snap(repair.offsets.span(span), text));
    }
    let mut parsed = parse_documents(text, documents);
    parsed.diagnostics.push(
        codes::FLATTENED_YAML
            .at(
                "the YAML lost its indentation (as when copied from a web page) and was \
                 repaired from the structure of a Sigma rule",
                repair.first_line,
            )
            .with_help(
                "apply the fix to restore the indentation, or copy the rule from its source \
                 file; the rule was read from the repaired text",
            )
            .with_fix(Fix {
                title: "Restore the YAML indentation".to_string(),
                edits: repair.edits,
                is_safe: false,
            }),
    );
    parsed.repaired_text = Some(repair.text);
    Some(parsed)
}

/// A span moved onto character boundaries of `text` (a span mapped back from repaired text
/// can end one byte into a multi-byte character that follows inserted indentation).
pub(crate) fn snap(span: Span, text: &str) -> Span {
    let down = |mut at: usize| {
        at = at.min(text.len());
        while at > 0 && !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let start = down(span.start as usize);
    let end = down(span.end as usize).max(start);
    Span::new(start, end)
}

/// Moves every span of a YAML tree.
fn remap(node: &mut Node, map: &impl Fn(Span) -> Span) {
    node.span = map(node.span);
    match &mut node.value {
        Value::Sequence(items) => {
            for item in items {
                remap(item, map);
            }
        }
        Value::Mapping(entries) => {
            for (key, value) in entries {
                remap(key, map);
                remap(value, map);
            }
        }
        Value::Scalar { .. } | Value::Alias => {}
    }
}

/// Collections end where the next token starts; end them at their last character instead,
/// so that diagnostics do not run into the following lines.
fn trim_spans(node: &mut Node, text: &str) {
    let covered = node.span.text(text);
    let trimmed = covered.trim_end().len();
    if trimmed < covered.len() {
        node.span = Span::new(node.span.start as usize, node.span.start as usize + trimmed);
    }
    match &mut node.value {
        Value::Sequence(items) => {
            for item in items {
                trim_spans(item, text);
            }
        }
        Value::Mapping(entries) => {
            for (key, value) in entries {
                trim_spans(key, text);
                trim_spans(value, text);
            }
        }
        Value::Scalar { .. } | Value::Alias => {}
    }
}

fn invalid_yaml(text: &str, error: &yaml::YamlError) -> Diagnostic {
    let start = error.span.start as usize;
    let line_end = text
        .get(start..)
        .and_then(|rest| rest.find(['\n', '\r']))
        .map_or(text.len(), |i| start + i);
    codes::INVALID_YAML
        .at(
            format!("invalid YAML: {}", error.message),
            Span::new(start, line_end.max(error.span.end as usize)),
        )
        .with_help("check the indentation and quoting of this line and the lines above it")
}

fn parse_documents(text: &str, mut documents: Vec<Node>) -> Parsed {
    for document in &mut documents {
        trim_spans(document, text);
    }
    let mut parsed = Parsed::default();
    let is_collection = documents
        .iter()
        .any(|d| d.get("action").and_then(Node::as_str).is_some());
    if is_collection {
        parse_collection(text, documents, &mut parsed);
        return parsed;
    }
    let count = documents.len();
    for (index, document) in documents.iter().enumerate() {
        if is_empty_document(document) {
            if count == 1 {
                parsed
                    .diagnostics
                    .push(codes::EMPTY_DOCUMENT.at("the file holds no rule", document.span));
            }
            continue;
        }
        let mut parser = RuleParser {
            text,
            diagnostics: &mut parsed.diagnostics,
        };
        parsed.rules.push(parser.rule(document, index));
    }
    parsed
}

fn is_empty_document(document: &Node) -> bool {
    matches!(&document.value, Value::Scalar { text, style: Style::Plain } if text.is_empty() || text == "~" || text == "null")
}

/// Sigma 1.0 collections: `action: global` documents are merged into every document after
/// them, `reset` forgets the global one, `repeat` repeats the previous rule with changes.
fn parse_collection(text: &str, documents: Vec<Node>, parsed: &mut Parsed) {
    let mut global: Option<Node> = None;
    let mut previous: Option<Node> = None;
    let mut reported = false;
    for (index, document) in documents.into_iter().enumerate() {
        let action = document
            .entry("action")
            .and_then(|(k, v)| Some((k.span.cover(v.span), v.as_str()?.to_string())));
        if let Some((span, action)) = &action {
            if !reported {
                reported = true;
                parsed.diagnostics.push(
                    codes::LEGACY_COLLECTION
                        .at(
                            format!(
                                "`action: {action}` is a Sigma 1.0 rule collection, which \
                                 current Sigma tools do not read"
                            ),
                            *span,
                        )
                        .with_help(
                            "write each rule with all its keys (title, logsource, detection) \
                             in its own file, or in its own `---` document; relate events of \
                             several rules with a correlation rule. Here, each document was \
                             merged with the `global` one to read it",
                        ),
                );
            }
        }
        let body = without_key(&document, "action");
        let merged = match action.as_ref().map(|(_, a)| a.as_str()) {
            Some("global") => {
                global = Some(body);
                continue;
            }
            Some("reset") => {
                global = None;
                continue;
            }
            Some("repeat") => match &previous {
                Some(previous) => merge(previous, &body),
                None => body,
            },
            _ => match &global {
                Some(global) => merge(global, &body),
                None => body,
            },
        };
        previous = Some(merged.clone());
        let mut parser = RuleParser {
            text,
            diagnostics: &mut parsed.diagnostics,
        };
        parsed.rules.push(parser.rule(&merged, index));
    }
}

fn without_key(node: &Node, key: &str) -> Node {
    match &node.value {
        Value::Mapping(entries) => Node {
            value: Value::Mapping(
                entries
                    .iter()
                    .filter(|(k, _)| k.as_str() != Some(key))
                    .cloned()
                    .collect(),
            ),
            span: node.span,
        },
        _ => node.clone(),
    }
}

/// Deep merge of two mappings: `over` wins, nested mappings merge.
fn merge(base: &Node, over: &Node) -> Node {
    let (Value::Mapping(base_entries), Value::Mapping(over_entries)) = (&base.value, &over.value)
    else {
        return over.clone();
    };
    let mut entries = base_entries.clone();
    for (key, value) in over_entries {
        match entries
            .iter_mut()
            .find(|(k, _)| k.as_str().is_some() && k.as_str() == key.as_str())
        {
            Some((_, existing)) => *existing = merge(existing, value),
            None => entries.push((key.clone(), value.clone())),
        }
    }
    Node {
        value: Value::Mapping(entries),
        span: over.span,
    }
}

/// Reads one document; shape problems become diagnostics.
struct RuleParser<'a> {
    text: &'a str,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl RuleParser<'_> {
    fn rule(&mut self, document: &Node, index: usize) -> SigmaRule {
        let mut rule = SigmaRule::empty(index, document.span);
        if !document.is_mapping() {
            self.diagnostics.push(
                codes::NOT_A_MAPPING
                    .at(
                        "a Sigma rule must be a mapping of keys (`title: ...`)",
                        document.span,
                    )
                    .with_help("start with `title:`, then `logsource:` and `detection:`"),
            );
            return rule;
        }
        self.check_duplicates(document, 0);
        let mut generate_top = None;
        for (key, value) in document.entries() {
            let Some(name) = key.as_str() else {
                self.diagnostics
                    .push(codes::WRONG_TYPE.at("a key must be a string", key.span));
                continue;
            };
            match name {
                "title" => rule.title = self.string(name, value),
                "id" => rule.id = self.string(name, value),
                "name" => rule.name = self.string(name, value),
                "taxonomy" => rule.taxonomy = self.string(name, value),
                "status" => rule.status = self.string(name, value),
                "description" => rule.description = self.string(name, value),
                "license" => rule.license = self.string(name, value),
                "author" => rule.author = self.string(name, value),
                "date" => rule.date = self.string(name, value),
                "modified" => rule.modified = self.string(name, value),
                "level" => rule.level = self.string(name, value),
                "references" => rule.references = self.string_list(name, value),
                "tags" => rule.tags = self.string_list(name, value),
                "fields" => rule.fields = self.string_list(name, value),
                "falsepositives" => rule.falsepositives = self.string_list(name, value),
                "scope" => rule.scope = self.string_list(name, value),
                "related" => rule.related = self.related(value),
                "logsource" => rule.logsource = Some(self.logsource(value)),
                "detection" => rule.detection = Some(self.detection(key, value, false)),
                "correlation" => rule.correlation = Some(self.correlation(value)),
                "filter" => rule.filter = Some(self.filter(key, value)),
                "generate" => generate_top = self.boolean(name, value),
                _ => rule
                    .custom_keys
                    .push(Spanned::new(name.to_string(), key.span)),
            }
        }
        rule.kind = if rule.correlation.is_some() {
            RuleKind::Correlation
        } else if rule.filter.is_some() {
            RuleKind::Filter
        } else if rule.detection.is_some() || rule.logsource.is_some() {
            RuleKind::Detection
        } else {
            RuleKind::Unknown
        };
        if let (Some(correlation), Some(generate)) = (&mut rule.correlation, generate_top) {
            correlation.generate.get_or_insert(generate);
        }
        self.required(document, &rule);
        rule
    }

    /// Required keys per kind (JSON schemas: detection `title, logsource, detection`;
    /// correlation `title, correlation`; filter `title, logsource, filter`).
    fn required(&mut self, document: &Node, rule: &SigmaRule) {
        let anchor = document
            .entries()
            .first()
            .map_or(document.span, |(k, _)| k.span);
        let missing = |what: &str, help: &str| {
            codes::MISSING_FIELD
                .at(format!("the rule has no `{what}`"), anchor)
                .with_help(help.to_string())
        };
        match rule.kind {
            RuleKind::Unknown => self.diagnostics.push(
                codes::UNKNOWN_DOCUMENT
                    .at(
                        "this document is not a Sigma rule: it has no `detection`, \
                         `correlation` or `filter`",
                        anchor,
                    )
                    .with_help("a detection rule needs `title`, `logsource` and `detection` with a `condition`"),
            ),
            RuleKind::Detection | RuleKind::Filter | RuleKind::Correlation => {
                if rule.title.is_none() {
                    self.diagnostics.push(missing(
                        "title",
                        "add a short `title:` that says what the rule detects",
                    ));
                }
            }
        }
        match rule.kind {
            RuleKind::Detection => {
                if rule.logsource.is_none() {
                    self.diagnostics.push(missing(
                        "logsource",
                        "say which events the rule reads, e.g. `logsource: {product: windows, category: process_creation}`",
                    ));
                }
                if rule.detection.is_none() {
                    self.diagnostics.push(missing(
                        "detection",
                        "add `detection:` with at least one selection and a `condition`",
                    ));
                }
            }
            RuleKind::Filter if rule.logsource.is_none() => {
                self.diagnostics.push(missing(
                    "logsource",
                    "a filter applies to the rules of its logsource; add `logsource:`",
                ));
            }
            _ => {}
        }
    }

    fn check_duplicates(&mut self, node: &Node, depth: usize) {
        if depth > yaml::MAX_DEPTH {
            return;
        }
        match &node.value {
            Value::Mapping(entries) => {
                for (i, (key, _)) in entries.iter().enumerate() {
                    let Some(name) = key.as_str() else { continue };
                    if let Some((first, _)) = entries
                        .get(..i)
                        .unwrap_or(&[])
                        .iter()
                        .find(|(k, _)| k.as_str() == Some(name))
                    {
                        self.diagnostics.push(
                            codes::DUPLICATE_KEY
                                .at(format!("`{name}` appears twice in this mapping"), key.span)
                                .with_help(format!(
                                    "YAML keys must be unique; tools keep only one of them (the first is at line {})",
                                    line_of(self.text, first.span.start as usize) + 1
                                )),
                        );
                    }
                }
                for (_, value) in entries {
                    self.check_duplicates(value, depth + 1);
                }
            }
            Value::Sequence(items) => {
                for item in items {
                    self.check_duplicates(item, depth + 1);
                }
            }
            _ => {}
        }
    }

    fn wrong_type(&mut self, what: &str, expected: &str, node: &Node) {
        self.diagnostics.push(codes::WRONG_TYPE.at(
            format!("`{what}` must be {expected}, not {}", describe(node)),
            node.span,
        ));
    }

    /// A string attribute: any scalar reads as its text; null is absent.
    fn string(&mut self, name: &str, value: &Node) -> Option<Spanned<String>> {
        match &value.value {
            Value::Scalar { .. } => value
                .as_str()
                .map(|text| Spanned::new(text.to_string(), value.span)),
            _ => {
                self.wrong_type(name, "a string", value);
                None
            }
        }
    }

    fn boolean(&mut self, name: &str, value: &Node) -> Option<Spanned<bool>> {
        match value.as_str() {
            Some("true" | "True" | "TRUE") => Some(Spanned::new(true, value.span)),
            Some("false" | "False" | "FALSE") => Some(Spanned::new(false, value.span)),
            _ => {
                self.wrong_type(name, "`true` or `false`", value);
                None
            }
        }
    }

    /// A list of strings; a single string is accepted with a warning.
    fn string_list(&mut self, name: &str, value: &Node) -> Vec<Spanned<String>> {
        match &value.value {
            Value::Sequence(items) => items
                .iter()
                .filter_map(|item| match &item.value {
                    Value::Scalar { .. } => item
                        .as_str()
                        .map(|t| Spanned::new(t.to_string(), item.span)),
                    _ => {
                        self.wrong_type(&format!("{name}` item `"), "a string", item);
                        None
                    }
                })
                .collect(),
            Value::Scalar { .. } => match value.as_str() {
                Some(text) => {
                    self.diagnostics.push(
                        codes::WRONG_TYPE
                            .with_severity(
                                crate::diagnostic::Severity::Warning,
                                format!("`{name}` should be a list"),
                                value.span,
                            )
                            .with_help(format!(
                                "write it as a list: `{name}:` then `    - {text}`"
                            )),
                    );
                    vec![Spanned::new(text.to_string(), value.span)]
                }
                None => Vec::new(),
            },
            _ => {
                self.wrong_type(name, "a list of strings", value);
                Vec::new()
            }
        }
    }

    fn related(&mut self, value: &Node) -> Vec<Related> {
        let Value::Sequence(items) = &value.value else {
            if value.as_str().is_some() || !matches!(value.value, Value::Scalar { .. }) {
                self.wrong_type("related", "a list of `{id, type}` mappings", value);
            }
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            if !item.is_mapping() {
                self.wrong_type("related` item `", "a mapping with `id` and `type`", item);
                continue;
            }
            let id = item.get("id").and_then(|v| self.string("id", v));
            let kind = item.get("type").and_then(|v| self.string("type", v));
            for (missing, present) in [("id", id.is_some()), ("type", kind.is_some())] {
                if !present {
                    self.diagnostics.push(
                        codes::MISSING_FIELD
                            .at(format!("a `related` entry needs `{missing}`"), item.span),
                    );
                }
            }
            out.push(Related {
                span: item.span,
                id,
                kind,
            });
        }
        out
    }

    fn logsource(&mut self, value: &Node) -> Logsource {
        let mut logsource = Logsource {
            span: value.span,
            ..Logsource::default()
        };
        if !value.is_mapping() {
            self.wrong_type(
                "logsource",
                "a mapping (`product:`, `category:`, `service:`)",
                value,
            );
            return logsource;
        }
        for (key, item) in value.entries() {
            let Some(name) = key.as_str() else { continue };
            let values = match &item.value {
                Value::Scalar { .. } => item
                    .as_str()
                    .map(|t| vec![Spanned::new(t.to_string(), item.span)])
                    .unwrap_or_default(),
                Value::Sequence(items) => {
                    let values: Vec<_> = items
                        .iter()
                        .filter_map(|i| i.as_str().map(|t| Spanned::new(t.to_string(), i.span)))
                        .collect();
                    let listed = values
                        .iter()
                        .map(|v| v.value.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    self.diagnostics.push(
                        codes::LOGSOURCE_NOT_STRING
                            .at(
                                format!(
                                    "logsource `{name}` must be a single string, not a list \
                                     ({listed})"
                                ),
                                item.span,
                            )
                            .with_help(format!(
                                "a rule reads one log source: write one rule per {name} \
                                 (each with its own id), or keep the {name} its selections \
                                 are written for"
                            )),
                    );
                    values
                }
                _ => {
                    self.wrong_type(&format!("logsource.{name}"), "a string", item);
                    Vec::new()
                }
            };
            match name {
                "category" => logsource.category = values,
                "product" => logsource.product = values,
                "service" => logsource.service = values,
                "definition" => logsource.definition = values,
                _ => {
                    if let Some(first) = values.into_iter().next() {
                        logsource
                            .custom
                            .push((Spanned::new(name.to_string(), key.span), first));
                    }
                }
            }
        }
        logsource
    }

    fn detection(&mut self, key: &Node, value: &Node, is_filter: bool) -> Detection {
        let mut detection = Detection {
            span: value.span,
            ..Detection::default()
        };
        if !value.is_mapping() {
            self.wrong_type(
                if is_filter { "filter" } else { "detection" },
                "a mapping of search identifiers and a `condition`",
                value,
            );
            return detection;
        }
        let mut has_condition = false;
        for (item_key, item) in value.entries() {
            let Some(name) = item_key.as_str() else {
                self.diagnostics.push(
                    codes::WRONG_TYPE.at("a search identifier must be a string", item_key.span),
                );
                continue;
            };
            match name {
                "condition" => {
                    has_condition = true;
                    self.conditions(item_key, item, &mut detection.conditions);
                }
                "timeframe" if !is_filter => {
                    if let Some(timeframe) = self.string(name, item) {
                        self.diagnostics.push(
                            codes::LEGACY_TIMEFRAME
                                .at(
                                    "`timeframe` is Sigma 1.0 and is ignored",
                                    item_key.span.cover(item.span),
                                )
                                .with_help(
                                    "time windows belong to correlation rules: give this rule a \
                                     `name` and add a correlation rule with `timespan`",
                                ),
                        );
                        detection.timeframe = Some(timeframe);
                    }
                }
                "rules" if is_filter => {}
                _ => {
                    let body = self.selection_body(name, item);
                    detection.selections.push(Selection {
                        name: Spanned::new(name.to_string(), item_key.span),
                        span: item.span,
                        body,
                    });
                }
            }
        }
        if !has_condition {
            self.diagnostics.push(
                codes::MISSING_FIELD
                    .at(
                        format!(
                            "`{}` has no `condition`",
                            if is_filter { "filter" } else { "detection" }
                        ),
                        key.span,
                    )
                    .with_help(
                        "add `condition:` naming the selections, e.g. `condition: selection`",
                    ),
            );
        }
        detection
    }

    fn conditions(&mut self, key: &Node, value: &Node, out: &mut Vec<ConditionText>) {
        match &value.value {
            Value::Scalar { .. } => match value.as_str() {
                Some(text) => out.push(self.condition(key, value, text)),
                None => self.diagnostics.push(
                    codes::CONDITION_SYNTAX
                        .at("the condition is empty", key.span.cover(value.span))
                        .with_help(
                            "name the selections to combine, e.g. `selection and not filter`",
                        ),
                ),
            },
            Value::Sequence(items) => {
                for item in items {
                    match item.as_str() {
                        Some(text) => out.push(self.condition(item, item, text)),
                        None => self.wrong_type("condition` item `", "a string", item),
                    }
                }
            }
            _ => self.wrong_type("condition", "a string or a list of strings", value),
        }
    }

    fn condition(&mut self, key: &Node, value: &Node, text: &str) -> ConditionText {
        let offsets = scalar_offsets(self.text, key, value);
        let parsed = condition::parse(text);
        let map = |span: Span| offsets.span(span);
        let mut expr = parsed.expr;
        if let Some(expr) = &mut expr {
            condition::map_spans(expr, &map);
        }
        self.diagnostics.extend(
            parsed
                .diagnostics
                .into_iter()
                .map(|d| offsets.diagnostic(d)),
        );
        ConditionText {
            text: text.to_string(),
            span: value.span,
            expr,
            aggregation: parsed
                .aggregation
                .map(|a| Spanned::new(a.value, map(a.span))),
        }
    }

    fn selection_body(&mut self, name: &str, value: &Node) -> SelectionBody {
        match &value.value {
            Value::Mapping(entries) => {
                if entries.is_empty() {
                    self.empty_selection(name, value);
                    return SelectionBody::Invalid;
                }
                SelectionBody::Map(self.field_group(value))
            }
            Value::Sequence(items) => {
                if items.is_empty() {
                    self.empty_selection(name, value);
                    return SelectionBody::Invalid;
                }
                let mut out = Vec::new();
                for item in items {
                    match &item.value {
                        Value::Mapping(_) => out.push(ListItem::Map(self.field_group(item))),
                        Value::Scalar { .. } => out.push(ListItem::Keyword(typed_value(item))),
                        _ => self.diagnostics.push(
                            codes::INVALID_SELECTION
                                .at(
                                    format!("`{name}` holds a nested list"),
                                    item.span,
                                )
                                .with_help("a selection is a map of fields, a list of maps, or a list of keywords"),
                        ),
                    }
                }
                SelectionBody::List(out)
            }
            Value::Scalar { .. } if value.as_str().is_some() => {
                SelectionBody::List(vec![ListItem::Keyword(typed_value(value))])
            }
            _ => {
                self.empty_selection(name, value);
                SelectionBody::Invalid
            }
        }
    }

    fn empty_selection(&mut self, name: &str, value: &Node) {
        self.diagnostics.push(
            codes::EMPTY_SELECTION
                .at(format!("`{name}` has no values"), value.span)
                .with_help("give it fields (`Image|endswith: '\\cmd.exe'`) or keywords (a list of strings), or remove it"),
        );
    }

    fn field_group(&mut self, value: &Node) -> FieldGroup {
        let mut group = FieldGroup {
            span: value.span,
            items: Vec::new(),
        };
        for (key, item) in value.entries() {
            let Some(key_text) = key.as_str() else {
                // A `null` key (`~: value`) reads as a keyword search in pySigma; keep it.
                if matches!(key.value, Value::Scalar { .. }) {
                    group.items.push(self.detection_item(key, "", item));
                } else {
                    self.diagnostics
                        .push(codes::WRONG_TYPE.at("a field name must be a string", key.span));
                }
                continue;
            };
            group.items.push(self.detection_item(key, key_text, item));
        }
        group
    }

    fn detection_item(&mut self, key: &Node, key_text: &str, value: &Node) -> DetectionItem {
        // Offsets inside a quoted key start after its quote.
        let base = key.span.start as usize
            + usize::from(matches!(
                key.style(),
                Some(Style::SingleQuoted | Style::DoubleQuoted)
            ));
        let mut parts = key_text.split('|');
        let field_name = parts.next().unwrap_or("");
        let field = (!field_name.is_empty()).then(|| {
            Spanned::new(
                field_name.to_string(),
                Span::new(base, base + field_name.len()),
            )
        });
        let mut modifiers = Vec::new();
        let mut offset = field_name.len();
        for part in parts {
            offset += 1;
            modifiers.push(Spanned::new(
                part.to_string(),
                Span::new(base + offset, base + offset + part.len()),
            ));
            offset += part.len();
        }
        let (values, is_list) = match &value.value {
            Value::Sequence(items) => {
                let mut values = Vec::new();
                for item in items {
                    match &item.value {
                        Value::Scalar { .. } => values.push(typed_value(item)),
                        _ => self.diagnostics.push(
                            codes::INVALID_SELECTION
                                .at(
                                    format!(
                                        "a value of `{key_text}` is {}; values are strings, numbers, booleans or null",
                                        describe(item)
                                    ),
                                    item.span,
                                )
                                .with_help("to require several fields, write them as keys of one map"),
                        ),
                    }
                }
                if items.is_empty() {
                    self.diagnostics.push(
                        codes::EMPTY_SELECTION
                            .at(
                                format!("`{key_text}` has an empty list of values"),
                                value.span,
                            )
                            .with_help("give it at least one value, or remove it"),
                    );
                }
                (values, true)
            }
            Value::Scalar { .. } => (vec![typed_value(value)], false),
            Value::Mapping(_) => {
                self.diagnostics.push(
                    codes::INVALID_SELECTION
                        .at(
                            format!("the value of `{key_text}` is a mapping"),
                            value.span,
                        )
                        .with_help(
                            "field values are strings, numbers, booleans, null or lists of them; \
                             a nested mapping usually means the indentation is off",
                        ),
                );
                (Vec::new(), false)
            }
            Value::Alias => (Vec::new(), false),
        };
        DetectionItem {
            key: Spanned::new(key_text.to_string(), key.span),
            field,
            modifiers,
            values,
            is_list,
            value_span: value.span,
        }
    }

    fn correlation(&mut self, value: &Node) -> Correlation {
        let mut correlation = Correlation {
            span: value.span,
            ..Correlation::default()
        };
        if !value.is_mapping() {
            self.wrong_type(
                "correlation",
                "a mapping (`type`, `rules`, `group-by`, `timespan`, `condition`)",
                value,
            );
            return correlation;
        }
        for (key, item) in value.entries() {
            let Some(name) = key.as_str() else { continue };
            match name {
                "type" => {
                    if let Some(text) = self.string(name, item) {
                        match CorrelationType::parse(&text.value) {
                            Some(kind) => correlation.kind = Some(Spanned::new(kind, text.span)),
                            None => self.diagnostics.push(
                                codes::INVALID_ENUM
                                    .at(format!("unknown correlation type `{}`", text.value), text.span)
                                    .with_help("use event_count, value_count, temporal, temporal_ordered, value_sum, value_avg, value_percentile or value_median"),
                            ),
                        }
                    }
                }
                "rules" => correlation.rules = self.string_or_list(name, item),
                "group-by" => correlation.group_by = self.string_or_list(name, item),
                "timespan" => {
                    if let Some(text) = self.string(name, item) {
                        match parse_timespan(&text.value) {
                            Ok(seconds) => correlation.timespan = Some(Spanned::new(seconds, text.span)),
                            Err(message) => self.diagnostics.push(
                                codes::INVALID_TIMESPAN
                                    .at(message, text.span)
                                    .with_help("write a number and a unit: `30s`, `5m`, `1h`, `1d` (90 minutes is `90m`)"),
                            ),
                        }
                    }
                }
                "condition" => correlation.condition = Some(self.correlation_condition(key, item)),
                "aliases" => correlation.aliases = self.aliases(item),
                "generate" => correlation.generate = self.boolean(name, item),
                _ => {}
            }
        }
        let anchor = value.span;
        let Some(kind) = correlation.kind.as_ref().map(|k| k.value) else {
            if correlation.kind.is_none() && value.get("type").is_none() {
                self.diagnostics
                    .push(codes::MISSING_FIELD.at("the correlation has no `type`", anchor));
            }
            return correlation;
        };
        if correlation.rules.is_empty() && value.get("rules").is_none() {
            self.diagnostics.push(
                codes::MISSING_FIELD
                    .at("the correlation has no `rules`", anchor)
                    .with_help("list the ids or names of the rules whose events it correlates"),
            );
        }
        if correlation.timespan.is_none() && value.get("timespan").is_none() {
            self.diagnostics.push(
                codes::MISSING_FIELD
                    .at("the correlation has no `timespan`", anchor)
                    .with_help("say how close in time the events must be: `timespan: 10m`"),
            );
        }
        if correlation.group_by.is_empty() && value.get("group-by").is_none() {
            self.diagnostics.push(
                codes::MISSING_FIELD
                    .with_severity(
                        crate::diagnostic::Severity::Warning,
                        "the correlation has no `group-by`: all events form one group",
                        anchor,
                    )
                    .with_help("the specification requires `group-by`; name the fields that must be equal, e.g. the host or user"),
            );
        }
        match &correlation.condition {
            None if !kind.is_temporal() => self.diagnostics.push(
                codes::MISSING_FIELD
                    .at(
                        format!("a `{}` correlation needs a `condition`", kind.name()),
                        anchor,
                    )
                    .with_help("e.g. `condition: {gte: 10}`"),
            ),
            Some(condition) => {
                if kind.needs_field() && condition.field.is_empty() {
                    self.diagnostics.push(
                        codes::INVALID_CORRELATION_CONDITION
                            .at(
                                format!("a `{}` condition needs `field`", kind.name()),
                                condition.span,
                            )
                            .with_help("name the field to aggregate: `field: User`"),
                    );
                }
                if condition.comparisons.is_empty() && condition.expression.is_none() {
                    self.diagnostics.push(
                        codes::INVALID_CORRELATION_CONDITION
                            .at("the condition has no comparison", condition.span)
                            .with_help("use gt, gte, lt, lte, eq or neq with a number"),
                    );
                }
                if condition.expression.is_some() && !kind.is_temporal() {
                    self.diagnostics
                        .push(codes::INVALID_CORRELATION_CONDITION.at(
                            "a condition expression only applies to temporal correlations",
                            condition.span,
                        ));
                }
            }
            None => {}
        }
        correlation
    }

    fn string_or_list(&mut self, name: &str, value: &Node) -> Vec<Spanned<String>> {
        match &value.value {
            Value::Scalar { .. } => value
                .as_str()
                .map(|t| vec![Spanned::new(t.to_string(), value.span)])
                .unwrap_or_default(),
            _ => self.string_list(name, value),
        }
    }

    fn correlation_condition(&mut self, key: &Node, value: &Node) -> CorrelationCondition {
        let mut condition = CorrelationCondition {
            span: value.span,
            ..CorrelationCondition::default()
        };
        if let Some(text) = value.as_str() {
            condition.expression = Some(self.condition(key, value, text));
            return condition;
        }
        if !value.is_mapping() {
            self.wrong_type("condition", "a mapping such as `{gte: 10}`", value);
            return condition;
        }
        for (item_key, item) in value.entries() {
            let Some(name) = item_key.as_str() else {
                continue;
            };
            if let Some(op) = CompareOp::parse(name) {
                match item.as_str().and_then(|t| t.trim().parse::<f64>().ok()) {
                    Some(number) => condition
                        .comparisons
                        .push((op, Spanned::new(number, item.span))),
                    None => self.diagnostics.push(
                        codes::INVALID_CORRELATION_CONDITION
                            .at(format!("`{name}` needs a number"), item.span),
                    ),
                }
                continue;
            }
            match name {
                "field" => condition.field = self.string_or_list(name, item),
                "percentile" => match item.as_str().and_then(|t| t.trim().parse::<f64>().ok()) {
                    Some(p) if (0.0..=100.0).contains(&p) => {
                        condition.percentile = Some(Spanned::new(p, item.span))
                    }
                    _ => self.diagnostics.push(
                        codes::INVALID_CORRELATION_CONDITION
                            .at("`percentile` needs a number from 0 to 100", item.span),
                    ),
                },
                _ => self.diagnostics.push(
                    codes::INVALID_CORRELATION_CONDITION
                        .at(format!("unknown condition key `{name}`"), item_key.span)
                        .with_help("use gt, gte, lt, lte, eq, neq, and `field` for value_* types"),
                ),
            }
        }
        condition
    }

    fn aliases(&mut self, value: &Node) -> Vec<FieldAlias> {
        if !value.is_mapping() {
            self.wrong_type("aliases", "a mapping of alias → {rule: field}", value);
            return Vec::new();
        }
        let mut out = Vec::new();
        for (alias, mapping) in value.entries() {
            let Some(alias_name) = alias.as_str() else {
                continue;
            };
            if !mapping.is_mapping() {
                self.wrong_type(
                    &format!("aliases.{alias_name}"),
                    "a mapping of rule → field",
                    mapping,
                );
                continue;
            }
            let pairs = mapping
                .entries()
                .iter()
                .filter_map(|(rule, field)| {
                    Some((
                        Spanned::new(rule.as_str()?.to_string(), rule.span),
                        Spanned::new(field.as_str()?.to_string(), field.span),
                    ))
                })
                .collect();
            out.push(FieldAlias {
                alias: Spanned::new(alias_name.to_string(), alias.span),
                mapping: pairs,
            });
        }
        out
    }

    fn filter(&mut self, key: &Node, value: &Node) -> Filter {
        let mut filter = Filter {
            span: value.span,
            ..Filter::default()
        };
        if !value.is_mapping() {
            self.wrong_type(
                "filter",
                "a mapping with `rules`, selections and `condition`",
                value,
            );
            return filter;
        }
        match value.get("rules") {
            Some(rules) => match rules.as_str() {
                Some(any) if any.eq_ignore_ascii_case("any") || any.eq_ignore_ascii_case("all") => {
                    filter.applies_to_all = true
                }
                _ => {
                    filter.rules = self.string_or_list("rules", rules);
                    if filter.rules.is_empty() {
                        filter.applies_to_all = true;
                    }
                }
            },
            None => self.diagnostics.push(
                codes::MISSING_FIELD
                    .at("the filter has no `rules`", key.span)
                    .with_help("list the ids or names of the rules the filter applies to"),
            ),
        }
        filter.detection = self.detection(key, value, true);
        filter
    }
}

/// Reads a scalar the way YAML 1.2's core schema types it.
pub fn typed_value(node: &Node) -> SigmaValue {
    let value = match &node.value {
        Value::Scalar { text, style } => scalar_kind(text, *style),
        _ => ValueKind::Null,
    };
    SigmaValue {
        value,
        span: node.span,
    }
}

fn scalar_kind(text: &str, style: Style) -> ValueKind {
    if style != Style::Plain {
        return ValueKind::String(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return ValueKind::Null,
        "true" | "True" | "TRUE" => return ValueKind::Bool(true),
        "false" | "False" | "FALSE" => return ValueKind::Bool(false),
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = text.parse::<i64>() {
            return ValueKind::Int(n, text.to_string());
        }
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(n) = i64::from_str_radix(hex, 16) {
            return ValueKind::Int(n, text.to_string());
        }
    }
    if let Some(octal) = text.strip_prefix("0o") {
        if let Ok(n) = i64::from_str_radix(octal, 8) {
            return ValueKind::Int(n, text.to_string());
        }
    }
    let is_float = unsigned.bytes().any(|b| b.is_ascii_digit())
        && unsigned
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && unsigned
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'.');
    if is_float {
        if let Ok(f) = text.parse::<f64>() {
            if f.is_finite() {
                return ValueKind::Float(f, text.to_string());
            }
        }
    }
    ValueKind::String(text.to_string())
}

/// `30s`, `5m`, `1h`, `2d` (and pySigma's `w`, `M`, `y`) in seconds.
pub fn parse_timespan(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let unit = text.chars().last().unwrap_or(' ');
    let number = text
        .get(..text.len().saturating_sub(unit.len_utf8()))
        .unwrap_or("");
    let seconds_per = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        'w' => 604_800,
        'M' => 2_629_746,
        'y' => 31_556_952,
        _ => {
            return Err(format!(
                "`{text}` is not a timespan: it must end in s, m, h or d"
            ))
        }
    };
    match number.parse::<u64>() {
        Ok(n) if n > 0 => n
            .checked_mul(seconds_per)
            .ok_or_else(|| format!("`{text}` is too long a timespan")),
        _ => Err(format!(
            "`{text}` is not a timespan: it must start with a positive whole number"
        )),
    }
}

fn describe(node: &Node) -> &'static str {
    match &node.value {
        Value::Scalar { .. } if node.as_str().is_none() => "empty",
        Value::Scalar { .. } => "a single value",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Alias => "an alias",
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(0, |before| before.matches('\n').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_follow_the_yaml_core_schema() {
        assert_eq!(
            scalar_kind("4688", Style::Plain),
            ValueKind::Int(4688, "4688".into())
        );
        assert_eq!(
            scalar_kind("4688", Style::SingleQuoted),
            ValueKind::String("4688".into())
        );
        assert_eq!(
            scalar_kind("0x17", Style::Plain),
            ValueKind::Int(23, "0x17".into())
        );
        assert_eq!(
            scalar_kind("1.5", Style::Plain),
            ValueKind::Float(1.5, "1.5".into())
        );
        assert_eq!(scalar_kind("null", Style::Plain), ValueKind::Null);
        assert_eq!(scalar_kind("true", Style::Plain), ValueKind::Bool(true));
        assert_eq!(
            scalar_kind("yes", Style::Plain),
            ValueKind::String("yes".into())
        );
        assert_eq!(
            scalar_kind("1.2.3", Style::Plain),
            ValueKind::String("1.2.3".into())
        );
        assert_eq!(
            scalar_kind("-", Style::Plain),
            ValueKind::String("-".into())
        );
        assert_eq!(
            scalar_kind("2019-10-23", Style::Plain),
            ValueKind::String("2019-10-23".into())
        );
    }

    #[test]
    fn timespans() {
        assert_eq!(parse_timespan("90m"), Ok(5400));
        assert_eq!(parse_timespan("1d"), Ok(86_400));
        assert!(parse_timespan("1x").is_err());
        assert!(parse_timespan("h").is_err());
        assert!(parse_timespan("0s").is_err());
        assert!(parse_timespan("99999999999999999999d").is_err());
    }
}
