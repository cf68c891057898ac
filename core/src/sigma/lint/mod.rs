//! The Sigma linter: `SIG3xx` rules over parsed Sigma files, in the framework the KQL
//! linter uses (`crate::lint`: metadata, configuration, suppressions, `docs/rules.md`).
//!
//! Rules live one per file in `rules/`, named by their slug; `registry.rs` lists them all.
//! A rule sees one file through [`LintContext`] (its text, path and every YAML document);
//! rules about a whole rule library (duplicate titles, ids, file names) also implement
//! [`SigmaLintRule::check_collection`], which [`lint_collection`] runs over many files.

pub mod data;
pub mod logic;
pub mod registry;
pub mod rules;

use crate::diagnostic::{Diagnostic, Fix, TextEdit};
use crate::lint::{LintConfig, RuleMeta};
use crate::sigma::ast::*;
use crate::sigma::modifiers::{self, Chain, Modifier};
use crate::source::Span;

/// A Sigma lint rule.
pub trait SigmaLintRule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    /// Findings within one file.
    fn check(&self, cx: &mut LintContext<'_>);
    /// Findings that need several files (a rule library); `out[i]` belongs to `files[i]`.
    fn check_collection(&self, _files: &[FileView<'_>], _out: &mut [Vec<Diagnostic>]) {}
}

/// What a rule sees of one file.
pub struct LintContext<'a> {
    pub text: &'a str,
    /// The file's path as given (for file-name conventions); `None` for unsaved text.
    pub path: Option<&'a str>,
    /// Every YAML document of the file.
    pub rules: &'a [SigmaRule],
    diagnostics: Vec<Diagnostic>,
}

impl<'a> LintContext<'a> {
    pub fn new(text: &'a str, path: Option<&'a str>, rules: &'a [SigmaRule]) -> LintContext<'a> {
        LintContext {
            text,
            path,
            rules,
            diagnostics: Vec::new(),
        }
    }

    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// The text under a span (empty when the span does not fit).
    pub fn slice(&self, span: Span) -> &'a str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// Every keyword value (plain values searched in the whole event), with its rule.
    pub fn keywords(&self) -> Vec<(&'a SigmaRule, &'a SigmaValue)> {
        let mut out = Vec::new();
        for rule in self.rules {
            for detection in detections(rule) {
                for selection in &detection.selections {
                    if let SelectionBody::List(items) = &selection.body {
                        for item in items {
                            if let ListItem::Keyword(value) = item {
                                out.push((rule, value));
                            }
                        }
                    }
                }
            }
        }
        out
    }

    /// Every `re` value: its item, its text and where it is.
    pub fn regexes(&self) -> Vec<(ItemRef<'a>, &'a str, &'a SigmaValue)> {
        let mut out = Vec::new();
        for item in self.items() {
            if !matches!(chain(item.item).value_type, modifiers::ValueType::Regex(_)) {
                continue;
            }
            for (text, value) in item.strings() {
                out.push((item, text, value));
            }
        }
        out
    }

    /// Every field item of every detection (rule detections and filter detections).
    pub fn items(&self) -> Vec<ItemRef<'a>> {
        let mut out = Vec::new();
        for rule in self.rules {
            for detection in detections(rule) {
                for selection in &detection.selections {
                    for item in selection_items(selection) {
                        out.push(ItemRef {
                            rule,
                            selection,
                            item,
                        });
                    }
                }
            }
        }
        out
    }
}

/// One file of a collection.
#[derive(Clone, Copy)]
pub struct FileView<'a> {
    pub path: Option<&'a str>,
    pub text: &'a str,
    pub rules: &'a [SigmaRule],
}

/// A detection item with the selection and rule it belongs to.
#[derive(Clone, Copy)]
pub struct ItemRef<'a> {
    pub rule: &'a SigmaRule,
    pub selection: &'a Selection,
    pub item: &'a DetectionItem,
}

impl<'a> ItemRef<'a> {
    pub fn field(&self) -> Option<&'a str> {
        self.item.field.as_ref().map(|f| f.value.as_str())
    }

    pub fn has(&self, modifier: Modifier) -> bool {
        has_modifier(self.item, modifier)
    }

    /// The string values (numbers and booleans count as their text).
    pub fn strings(&self) -> impl Iterator<Item = (&'a str, &'a SigmaValue)> {
        self.item.values.iter().filter_map(|v| match &v.value {
            ValueKind::String(s) => Some((s.as_str(), v)),
            _ => None,
        })
    }
}

/// The detections of a rule: its own and a filter rule's.
pub fn detections(rule: &SigmaRule) -> Vec<&Detection> {
    rule.detection
        .iter()
        .chain(rule.filter.as_ref().map(|f| &f.detection))
        .collect()
}

/// The field items of a selection (a map, or the maps inside a list).
pub fn selection_items(selection: &Selection) -> Vec<&DetectionItem> {
    match &selection.body {
        SelectionBody::Map(group) => group.items.iter().collect(),
        SelectionBody::List(items) => items
            .iter()
            .flat_map(|i| match i {
                ListItem::Map(group) => group.items.iter().collect::<Vec<_>>(),
                ListItem::Keyword(_) => Vec::new(),
            })
            .collect(),
        SelectionBody::Invalid => Vec::new(),
    }
}

pub fn has_modifier(item: &DetectionItem, modifier: Modifier) -> bool {
    item.modifiers
        .iter()
        .any(|m| Modifier::parse(&m.value) == Some(modifier))
}

/// What an item's modifier chain means (problems in it are the parser's to report).
pub fn chain(item: &DetectionItem) -> Chain {
    let mut scratch = Vec::new();
    modifiers::analyze(&item.modifiers, &mut scratch)
}

/// A one-edit fix.
pub fn fix(title: impl Into<String>, span: Span, text: impl Into<String>, is_safe: bool) -> Fix {
    Fix {
        title: title.into(),
        edits: vec![TextEdit {
            span,
            text: text.into(),
        }],
        is_safe,
    }
}

/// A YAML scalar for `value`: plain when that reads back as the same string, else quoted.
pub fn yaml_string(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// The span of a whole block-sequence line holding `span` (`    - 'x'\n`), to delete an item.
pub fn list_item_line(text: &str, span: Span) -> Option<Span> {
    let start = span.start as usize;
    let line_start = text.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
    let before = text.get(line_start..start)?;
    if before.trim() != "-" {
        return None;
    }
    let end = span.end as usize;
    let rest = text.get(end..)?;
    let line_end = match rest.find('\n') {
        Some(i) if rest.get(..i)?.trim().is_empty() || rest.get(..i)?.trim().starts_with('#') => {
            end + i + 1
        }
        None if rest.trim().is_empty() => text.len(),
        _ => return None,
    };
    Some(Span::new(line_start, line_end))
}

/// Runs every enabled rule over one parsed file; spans are relative to `text`.
pub fn lint_file(
    text: &str,
    path: Option<&str>,
    rules: &[SigmaRule],
    config: &LintConfig,
) -> Vec<Diagnostic> {
    let mut cx = LintContext::new(text, path, rules);
    let mut out = Vec::new();
    for rule in registry::RULES {
        let meta = rule.meta();
        let Some(severity) = config.effective_severity(meta) else {
            continue;
        };
        rule.check(&mut cx);
        for mut diagnostic in cx.diagnostics.drain(..) {
            if severity != meta.severity {
                diagnostic.severity = severity;
            }
            out.push(diagnostic);
        }
    }
    // Editors slice by these spans: keep them on character boundaries of `text`.
    for d in &mut out {
        d.span = crate::sigma::parse::snap(d.span, text);
        for fix in &mut d.fixes {
            for edit in &mut fix.edits {
                edit.span = crate::sigma::parse::snap(edit.span, text);
            }
        }
    }
    out
}

/// Lints a rule library: every file on its own, then the rules that compare files
/// (duplicate titles, ids and file names). `files` are `(path, text)`; the result has one
/// list of diagnostics per file, spans relative to that file's text.
pub fn lint_collection(
    files: &[(Option<&str>, &str)],
    config: &LintConfig,
) -> Vec<Vec<Diagnostic>> {
    let parsed = parse_files(files);
    let views = file_views(files, &parsed);
    let mut out: Vec<Vec<Diagnostic>> = views
        .iter()
        .map(|v| lint_file(v.text, v.path, v.rules, config))
        .collect();
    for (target, found) in out.iter_mut().zip(collection_findings(&views, config)) {
        target.extend(found);
    }
    for (diagnostics, (_, text)) in out.iter_mut().zip(files) {
        crate::diagnostic::sort_and_dedup(diagnostics);
        crate::diagnostic::locate(diagnostics, text);
    }
    out
}

/// What only a rule library shows, beyond each file's own lint: ids, titles and file names
/// used in several files (the lint rules' [`SigmaLintRule::check_collection`]), filters and
/// correlations that name a rule no file defines (SIG211), and correlations that depend on
/// themselves through other files (SIG217). One list per file, spans relative to its text,
/// not yet located.
pub fn library_findings(
    files: &[(Option<&str>, &str)],
    config: &LintConfig,
) -> Vec<Vec<Diagnostic>> {
    let parsed = parse_files(files);
    let views = file_views(files, &parsed);
    let mut out = collection_findings(&views, config);
    let sources: Vec<crate::sigma::RuleSource> = files
        .iter()
        .map(|(path, text)| crate::sigma::RuleSource::new(path.map(str::to_string), *text))
        .collect();
    let set = crate::sigma::compile(&sources, &crate::sigma::CompileOptions::default());
    let references = [
        crate::sigma::codes::UNKNOWN_RULE_REFERENCE.code,
        crate::sigma::codes::CORRELATION_CYCLE.code,
    ];
    // A rule the compiler skipped (placeholders without values) is still defined.
    let defined: std::collections::HashSet<&str> = parsed
        .iter()
        .flatten()
        .flat_map(|r| [r.id.as_ref(), r.name.as_ref()])
        .flatten()
        .map(|s| s.value.as_str())
        .collect();
    for found in set.diagnostics {
        if !references.contains(&found.diagnostic.code.as_str()) {
            continue;
        }
        let reference = files
            .get(found.source)
            .and_then(|(_, text)| text.get(found.diagnostic.span.range()))
            .map(|s| s.trim_matches(['\'', '"']));
        if found.diagnostic.code == crate::sigma::codes::UNKNOWN_RULE_REFERENCE.code
            && reference.is_some_and(|r| defined.contains(r))
        {
            continue;
        }
        if let Some(target) = out.get_mut(found.source) {
            target.push(found.diagnostic);
        }
    }
    out
}

fn parse_files(files: &[(Option<&str>, &str)]) -> Vec<Vec<SigmaRule>> {
    files
        .iter()
        .map(|(_, text)| crate::sigma::parse::parse_yaml(text).rules)
        .collect()
}

fn file_views<'a>(
    files: &[(Option<&'a str>, &'a str)],
    parsed: &'a [Vec<SigmaRule>],
) -> Vec<FileView<'a>> {
    files
        .iter()
        .zip(parsed)
        .map(|((path, text), rules)| FileView {
            path: *path,
            text,
            rules,
        })
        .collect()
}

/// Every enabled rule's [`SigmaLintRule::check_collection`] findings, at their configured
/// severity; one list per file.
fn collection_findings(views: &[FileView<'_>], config: &LintConfig) -> Vec<Vec<Diagnostic>> {
    let mut out: Vec<Vec<Diagnostic>> = vec![Vec::new(); views.len()];
    for rule in registry::RULES {
        let meta = rule.meta();
        let Some(severity) = config.effective_severity(meta) else {
            continue;
        };
        let mut found: Vec<Vec<Diagnostic>> = vec![Vec::new(); views.len()];
        rule.check_collection(views, &mut found);
        for (target, found) in out.iter_mut().zip(found) {
            for mut diagnostic in found {
                diagnostic.severity = severity;
                target.push(diagnostic);
            }
        }
    }
    out
}

/// The file name of a path (either separator).
pub fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

#[cfg(test)]
mod tests;

/// Where `value` is written inside `span` (a YAML scalar, maybe quoted), when it is written
/// verbatim there; sub-spans of it are then safe to edit.
pub fn verbatim(text: &str, span: Span, value: &str) -> Option<Span> {
    let slice = text.get(span.range())?;
    let at = slice.find(value)?;
    let start = span.start as usize + at;
    Some(Span::new(start, start + value.len()))
}

/// Where file-level findings point: the first rule's title, else the start of the file.
pub fn file_span(rules: &[SigmaRule]) -> Span {
    rules
        .first()
        .and_then(|r| r.title.as_ref().map(|t| t.span))
        .unwrap_or(Span::empty(0))
}

/// The span of `|modifier` in a key (the modifier and the `|` before it).
pub fn modifier_with_bar(text: &str, modifier: Span) -> Span {
    let start = modifier.start as usize;
    match text.get(..start) {
        Some(before) if before.ends_with('|') => Span::new(start - 1, modifier.end as usize),
        _ => modifier,
    }
}

/// Where a new modifier goes in a key: right after the last modifier (or the field name).
pub fn key_end(item: &DetectionItem) -> Option<usize> {
    item.modifiers
        .last()
        .map(|m| m.span.end as usize)
        .or_else(|| item.field.as_ref().map(|f| f.span.end as usize))
}

/// Whether an item's values are compared as wildcard patterns (no `re`, `cidr`,
/// comparisons, `exists` or `fieldref`).
pub fn is_pattern_item(item: &DetectionItem) -> bool {
    chain(item).value_type == modifiers::ValueType::Pattern
}

/// Whether a Sigma string starts with a `*` wildcard.
pub fn starts_with_wildcard(value: &str) -> bool {
    value.starts_with('*')
}

/// Whether a Sigma string ends with a `*` wildcard (not an escaped `\*`).
pub fn ends_with_wildcard(value: &str) -> bool {
    let Some(rest) = value.strip_suffix('*') else {
        return false;
    };
    let backslashes = rest.len() - rest.trim_end_matches('\\').len();
    backslashes % 2 == 0
}

/// Where a missing top-level key is reported: the rule's title, else the document's start.
pub fn missing_key_span(rule: &SigmaRule) -> crate::Span {
    rule.title
        .as_ref()
        .map_or(crate::Span::empty(rule.span.start as usize), |t| t.span)
}
