//! A set of rule files compiled together: detection rules, the filter rules applied to the
//! rules they name, and correlation rules with their references resolved (by `id` or
//! `name`, across files).

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::diagnostic::{self, Diagnostic};
use crate::sigma::ast::{RuleKind, SigmaRule};
use crate::sigma::codes;
use crate::sigma::compile::{
    self, CompileOptions, CompiledFilter, CompiledRule, DetectionCompiler,
};
use crate::sigma::correlation::{CompiledCorrelation, Member, Target};
use crate::sigma::event::{FieldId, FieldTable};
use crate::sigma::taxonomy;

/// A rule file's text and where it came from.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RuleSource {
    #[serde(default)]
    pub path: Option<String>,
    pub text: String,
}

impl RuleSource {
    pub fn new(path: Option<String>, text: impl Into<String>) -> RuleSource {
        RuleSource {
            path,
            text: text.into(),
        }
    }
}

/// A diagnostic and the source it belongs to.
#[derive(Clone, Debug, Serialize)]
pub struct SourceDiagnostic {
    pub source: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(flatten)]
    pub diagnostic: Diagnostic,
}

/// Compiled rules, ready to evaluate events many times.
#[derive(Debug)]
pub struct RuleSet {
    pub(crate) fields: FieldTable,
    pub rules: Vec<CompiledRule>,
    pub correlations: Vec<CompiledCorrelation>,
    /// Parse, check and compile diagnostics of every source, located in their texts.
    pub diagnostics: Vec<SourceDiagnostic>,
    pub(crate) channel_field: FieldId,
    pub(crate) provider_field: FieldId,
    pub(crate) event_id_field: FieldId,
    pub(crate) windows_channels: HashSet<String>,
    pub(crate) prefilter: crate::sigma::prefilter::Prefilter,
    /// Per source: how many rules of each kind it held (for summaries).
    pub source_count: usize,
}

impl RuleSet {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.diagnostic.is_error())
    }
}

/// Parses, checks and compiles rule files together.
pub fn compile(sources: &[RuleSource], options: &CompileOptions) -> RuleSet {
    let mut options = options.clone();
    options.check_placeholders = true;
    let mut fields = FieldTable::default();
    let channel_field = fields.intern("Channel");
    let provider_field = fields.intern("Provider_Name");
    let event_id_field = fields.intern("EventID");
    let mut set = RuleSet {
        fields,
        rules: Vec::new(),
        correlations: Vec::new(),
        diagnostics: Vec::new(),
        channel_field,
        provider_field,
        event_id_field,
        windows_channels: taxonomy::taxonomy()
            .windows_channels()
            .into_iter()
            .collect(),
        prefilter: Default::default(),
        source_count: sources.len(),
    };
    let mut parsed_rules: Vec<(usize, SigmaRule)> = Vec::new();
    for (index, source) in sources.iter().enumerate() {
        let parsed = crate::sigma::parse(&source.text);
        set.diagnostics
            .extend(parsed.diagnostics.into_iter().map(|d| SourceDiagnostic {
                source: index,
                path: source.path.clone(),
                diagnostic: d,
            }));
        parsed_rules.extend(parsed.rules.into_iter().map(|r| (index, r)));
    }
    // Detection rules.
    let mut compile_diagnostics: Vec<(usize, Diagnostic)> = Vec::new();
    let mut rule_of: Vec<usize> = Vec::new();
    for (position, (source, rule)) in parsed_rules.iter().enumerate() {
        if rule.kind != RuleKind::Detection {
            continue;
        }
        let Some(detection) = &rule.detection else {
            continue;
        };
        let mut diagnostics = Vec::new();
        let mut compiler = DetectionCompiler {
            fields: &mut set.fields,
            options: &options,
            diagnostics: &mut diagnostics,
        };
        let selections = compiler.selections(detection);
        // Shape problems were reported by the parse; only unresolved placeholders are new.
        let unresolved: Vec<Diagnostic> = diagnostics
            .into_iter()
            .filter(|d| d.code == codes::UNRESOLVED_PLACEHOLDER.code)
            .collect();
        if let Some(first) = unresolved.first() {
            let span = first.span;
            compile_diagnostics.extend(unresolved.into_iter().map(|d| (*source, d)));
            compile_diagnostics.push((
                *source,
                codes::RULE_SKIPPED
                    .at(
                        format!(
                            "rule `{}` is not evaluated: it has placeholders without values",
                            rule.title_text()
                        ),
                        span,
                    )
                    .with_help("pass a placeholder table with a value list for each placeholder"),
            ));
            continue;
        }
        let condition = compile::condition(detection, &selections);
        set.rules.push(CompiledRule {
            source: *source,
            document: rule.document,
            id: rule.id.as_ref().map(|s| s.value.clone()),
            name: rule.name.as_ref().map(|s| s.value.clone()),
            title: rule.title_text().to_string(),
            level: rule.level.as_ref().map(|s| s.value.clone()),
            author: rule.author.as_ref().map(|s| s.value.clone()),
            reference: rule.reference(),
            selections,
            condition,
            filters: Vec::new(),
            route: compile::route(rule.logsource.as_ref()),
            prefilter: None,
            is_hidden: false,
        });
        rule_of.push(position);
    }
    // Filters, on the rules they name (or every rule of their logsource).
    for (source, rule) in &parsed_rules {
        let Some(filter) = rule
            .filter
            .as_ref()
            .filter(|_| rule.kind == RuleKind::Filter)
        else {
            continue;
        };
        for reference in &filter.rules {
            let known = set.rules.iter().any(|r| r.is_named(&reference.value));
            if !known {
                compile_diagnostics.push((
                    *source,
                    codes::UNKNOWN_RULE_REFERENCE
                        .at(
                            format!(
                                "filter names rule `{}`, which is not loaded",
                                reference.value
                            ),
                            reference.span,
                        )
                        .with_help("load the rule file too, or check the id / name"),
                ));
            }
        }
        for (index, compiled) in set.rules.iter_mut().enumerate() {
            let applies =
                filter.applies_to_all || filter.rules.iter().any(|r| compiled.is_named(&r.value));
            let target = rule_of.get(index).and_then(|p| parsed_rules.get(*p));
            let logsource = target.and_then(|(_, r)| r.logsource.as_ref());
            if !applies || !compile::logsource_covers(rule.logsource.as_ref(), logsource) {
                continue;
            }
            let mut diagnostics = Vec::new();
            let mut compiler = DetectionCompiler {
                fields: &mut set.fields,
                options: &options,
                diagnostics: &mut diagnostics,
            };
            let selections = compiler.selections(&filter.detection);
            let condition = compile::condition(&filter.detection, &selections);
            compiled.filters.push(CompiledFilter {
                selections,
                condition,
            });
        }
    }
    correlations(&mut set, &parsed_rules, &mut compile_diagnostics);
    for rule in &mut set.rules {
        rule.prefilter = crate::sigma::prefilter::rule_needles(rule);
    }
    set.prefilter = crate::sigma::prefilter::Prefilter::build(&set.rules);
    for (source, diagnostic) in compile_diagnostics {
        set.diagnostics.push(SourceDiagnostic {
            source,
            path: sources.get(source).and_then(|s| s.path.clone()),
            diagnostic,
        });
    }
    for (index, source) in sources.iter().enumerate() {
        let mut own: Vec<Diagnostic> = Vec::new();
        let mut rest = Vec::new();
        for d in set.diagnostics.drain(..) {
            if d.source == index {
                own.push(d.diagnostic);
            } else {
                rest.push(d);
            }
        }
        diagnostic::sort_and_dedup(&mut own);
        diagnostic::locate(&mut own, &source.text);
        rest.extend(own.into_iter().map(|d| SourceDiagnostic {
            source: index,
            path: source.path.clone(),
            diagnostic: d,
        }));
        set.diagnostics = rest;
    }
    set.diagnostics.sort_by_key(|d| d.source);
    set
}

fn correlations(
    set: &mut RuleSet,
    parsed_rules: &[(usize, SigmaRule)],
    diagnostics: &mut Vec<(usize, Diagnostic)>,
) {
    let entries: Vec<(usize, &SigmaRule)> = parsed_rules
        .iter()
        .filter(|(_, r)| r.kind == RuleKind::Correlation)
        .map(|(s, r)| (*s, r))
        .collect();
    for (source, rule) in &entries {
        let kind = rule
            .correlation
            .as_ref()
            .and_then(|c| c.kind.as_ref())
            .map(|k| k.value);
        let Some(kind) = kind else { continue };
        set.correlations
            .push(CompiledCorrelation::new(rule, *source, kind));
    }
    // Resolve members: detection rules first, then correlations.
    let mut hidden_rules = HashSet::new();
    let mut hidden_correlations = HashSet::new();
    let compiled_entries: Vec<&(usize, &SigmaRule)> = entries
        .iter()
        .filter(|(_, r)| {
            r.correlation
                .as_ref()
                .and_then(|c| c.kind.as_ref())
                .is_some()
        })
        .collect();
    for (index, (source, rule)) in compiled_entries.iter().enumerate() {
        let Some(correlation) = &rule.correlation else {
            continue;
        };
        let generate = correlation.generate.as_ref().is_some_and(|g| g.value);
        let mut members = Vec::new();
        for reference in &correlation.rules {
            let target = set
                .rules
                .iter()
                .position(|r| r.is_named(&reference.value))
                .map(Target::Rule)
                .or_else(|| {
                    set.correlations
                        .iter()
                        .position(|c| c.is_named(&reference.value))
                        .map(Target::Correlation)
                });
            match target {
                Some(target) => {
                    if !generate {
                        match target {
                            Target::Rule(r) => hidden_rules.insert(r),
                            Target::Correlation(c) => hidden_correlations.insert(c),
                        };
                    }
                    members.push(Member {
                        reference: reference.value.clone(),
                        target,
                    });
                }
                None => diagnostics.push((
                    *source,
                    codes::UNKNOWN_RULE_REFERENCE
                        .at(
                            format!(
                                "the correlation names rule `{}`, which is not loaded",
                                reference.value
                            ),
                            reference.span,
                        )
                        .with_help("load the file that defines it, or check its `id` / `name`"),
                )),
            }
        }
        let mut aliases: BTreeMap<String, BTreeMap<usize, String>> = BTreeMap::new();
        for alias in &correlation.aliases {
            for (rule_name, field) in &alias.mapping {
                if let Some(member) = members.iter().position(|m| m.reference == rule_name.value) {
                    aliases
                        .entry(alias.alias.value.clone())
                        .or_default()
                        .insert(member, field.value.clone());
                }
            }
        }
        let expression = correlation
            .condition
            .as_ref()
            .and_then(|c| c.expression.as_ref())
            .and_then(|e| e.expr.as_ref())
            .map(|expr| {
                let member_names: Vec<&str> =
                    members.iter().map(|m| m.reference.as_str()).collect();
                compile::condition_expr(expr, &member_names)
            });
        if let Some(compiled) = set.correlations.get_mut(index) {
            compiled.members = members;
            compiled.aliases = aliases;
            compiled.expression = expression;
        }
    }
    for r in hidden_rules {
        if let Some(rule) = set.rules.get_mut(r) {
            rule.is_hidden = true;
        }
    }
    for c in hidden_correlations {
        if let Some(correlation) = set.correlations.get_mut(c) {
            correlation.is_hidden = true;
        }
    }
    // Cycles: a correlation that reaches itself through its members.
    for start in 0..set.correlations.len() {
        if reaches(&set.correlations, start, start, &mut HashSet::new()) {
            let Some(correlation) = set.correlations.get_mut(start) else {
                continue;
            };
            let span = entries
                .iter()
                .find(|(s, r)| *s == correlation.source && r.document == correlation.document)
                .and_then(|(_, r)| r.correlation.as_ref().map(|c| c.span))
                .unwrap_or_default();
            diagnostics.push((
                correlation.source,
                codes::CORRELATION_CYCLE
                    .at(
                        format!("correlation `{}` depends on itself", correlation.reference),
                        span,
                    )
                    .with_help("a correlation can refer to rules and to other correlations, but not in a loop"),
            ));
            correlation.members.clear();
        }
    }
}

fn reaches(
    correlations: &[CompiledCorrelation],
    from: usize,
    target: usize,
    visited: &mut HashSet<usize>,
) -> bool {
    if !visited.insert(from) {
        return false;
    }
    let Some(correlation) = correlations.get(from) else {
        return false;
    };
    correlation.members.iter().any(|m| match m.target {
        Target::Correlation(c) => c == target || reaches(correlations, c, target, visited),
        Target::Rule(_) => false,
    })
}

impl RuleSet {
    /// Correlations in an order where every correlation comes after those it refers to.
    pub(crate) fn correlation_order(&self) -> Vec<usize> {
        let mut order = Vec::new();
        let mut done = vec![false; self.correlations.len()];
        fn visit(
            set: &RuleSet,
            i: usize,
            done: &mut Vec<bool>,
            order: &mut Vec<usize>,
            depth: usize,
        ) {
            if depth > 64 || done.get(i).copied().unwrap_or(true) {
                return;
            }
            if let Some(flag) = done.get_mut(i) {
                *flag = true;
            }
            if let Some(c) = set.correlations.get(i) {
                for member in &c.members {
                    if let Target::Correlation(inner) = member.target {
                        visit(set, inner, done, order, depth + 1);
                    }
                }
            }
            order.push(i);
        }
        for i in 0..self.correlations.len() {
            visit(self, i, &mut done, &mut order, 0);
        }
        order
    }
}
