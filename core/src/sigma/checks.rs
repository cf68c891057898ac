//! Checks of a parsed rule against the specification and its JSON schemas: value formats
//! (`id` UUID, dates, `level`/`status` enumerations, lengths, tag format) as `SIG1xx`, and
//! meaning (conditions that name undefined selections, modifiers, values that do not suit
//! their modifier, filters and correlations) as `SIG2xx`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::sigma::ast::*;
use crate::sigma::codes;
use crate::sigma::compile::{CompileOptions, DetectionCompiler};
use crate::sigma::condition::{references, ConditionReference};
use crate::sigma::datetime;
use crate::sigma::event::FieldTable;

pub const LEVELS: &[&str] = &["informational", "low", "medium", "high", "critical"];
pub const STATUSES: &[&str] = &[
    "stable",
    "test",
    "experimental",
    "deprecated",
    "unsupported",
];
pub const RELATION_TYPES: &[&str] = &["derived", "obsolete", "merged", "renamed", "similar"];
pub const MAX_TITLE: usize = 256;
pub const MAX_DESCRIPTION: usize = 65_535;

/// Every check of one rule.
pub fn check(rule: &SigmaRule, diagnostics: &mut Vec<Diagnostic>) {
    metadata(rule, diagnostics);
    if let Some(detection) = &rule.detection {
        detection_checks(detection, diagnostics);
        values(detection, diagnostics);
    }
    if let Some(filter) = &rule.filter {
        detection_checks(&filter.detection, diagnostics);
        values(&filter.detection, diagnostics);
        for condition in &filter.detection.conditions {
            if !mentions_not(condition.expr.as_ref()) {
                diagnostics.push(
                    codes::FILTER_WITHOUT_NOT
                        .at(
                            format!(
                                "this filter keeps only events that match `{}`: a filter's \
                                 condition is AND-ed with the rule's",
                                condition.text
                            ),
                            condition.span,
                        )
                        .with_help(format!(
                            "to suppress those events, write `condition: not {}`",
                            condition.text.trim()
                        )),
                );
            }
        }
    }
    if let Some(correlation) = &rule.correlation {
        correlation_checks(correlation, diagnostics);
    }
}

fn mentions_not(expr: Option<&ConditionExpr>) -> bool {
    let Some(expr) = expr else { return true };
    match &expr.kind {
        ConditionKind::Not(_) => true,
        ConditionKind::Or(items) | ConditionKind::And(items) => {
            items.iter().any(|i| mentions_not(Some(i)))
        }
        _ => false,
    }
}

fn metadata(rule: &SigmaRule, diagnostics: &mut Vec<Diagnostic>) {
    if let Some(title) = &rule.title {
        too_long("title", title, MAX_TITLE, diagnostics);
        if title.value.trim().is_empty() {
            diagnostics.push(codes::MISSING_FIELD.at("the title is empty", title.span));
        }
    }
    if let Some(description) = &rule.description {
        too_long("description", description, MAX_DESCRIPTION, diagnostics);
    }
    if let Some(id) = &rule.id {
        if !is_uuid(&id.value) {
            diagnostics.push(
                codes::INVALID_ID
                    .at(format!("`id` `{}` is not a UUID", id.value), id.span)
                    .with_help("use a random UUID (version 4), e.g. from `uuidgen`"),
            );
        }
    }
    enumeration("level", rule.level.as_ref(), LEVELS, diagnostics);
    enumeration("status", rule.status.as_ref(), STATUSES, diagnostics);
    for (name, date) in [("date", &rule.date), ("modified", &rule.modified)] {
        let Some(date) = date else { continue };
        if datetime::is_iso_date(&date.value) {
            continue;
        }
        if datetime::is_legacy_date(&date.value) {
            let fixed = date.value.replace('/', "-");
            diagnostics.push(
                codes::LEGACY_DATE
                    .at(
                        format!("`{name}` uses the old YYYY/MM/DD format"),
                        date.span,
                    )
                    .with_help(format!("write `{fixed}` (ISO 8601, YYYY-MM-DD)"))
                    .with_fix(crate::diagnostic::Fix {
                        title: format!("Write `{fixed}`"),
                        edits: vec![crate::diagnostic::TextEdit {
                            span: date.span,
                            text: fixed,
                        }],
                        is_safe: true,
                    }),
            );
        } else {
            diagnostics.push(
                codes::INVALID_DATE
                    .at(
                        format!("`{name}` `{}` is not a date in YYYY-MM-DD", date.value),
                        date.span,
                    )
                    .with_help("write the date as YYYY-MM-DD, e.g. 2024-05-17"),
            );
        }
    }
    for related in &rule.related {
        if let Some(kind) = &related.kind {
            enumeration("related.type", Some(kind), RELATION_TYPES, diagnostics);
        }
        if let Some(id) = &related.id {
            if !is_uuid(&id.value) {
                diagnostics.push(codes::INVALID_ID.at(
                    format!("related `id` `{}` is not a UUID", id.value),
                    id.span,
                ));
            }
        }
    }
    for tag in &rule.tags {
        if !is_tag(&tag.value) {
            diagnostics.push(
                codes::INVALID_TAG
                    .at(
                        format!("tag `{}` is not `namespace.name` in lower case", tag.value),
                        tag.span,
                    )
                    .with_help("tags use lower-case letters, digits, `_`, `-` and `.`, e.g. `attack.t1059.001`"),
            );
        }
    }
    if let Some(status) = rule
        .status
        .as_ref()
        .filter(|s| matches!(s.value.as_str(), "deprecated" | "unsupported"))
    {
        let help = if status.value == "deprecated" {
            match rule.related.iter().find_map(|r| r.id.as_ref()) {
                Some(id) => format!(
                    "use the rule it names in `related` (`{}`) instead",
                    id.value
                ),
                None => "use the rule that replaces it (name it in `related`)".to_string(),
            }
        } else {
            "SigmaHQ tooling does not run it; rewrite it with current Sigma features (correlation rules for aggregations)".to_string()
        };
        diagnostics.push(
            codes::DEPRECATED_STATUS
                .at(
                    format!("the rule's status is `{}`", status.value),
                    status.span,
                )
                .with_help(help),
        );
    }
}

fn too_long(name: &str, value: &Spanned<String>, max: usize, diagnostics: &mut Vec<Diagnostic>) {
    let length = value.value.chars().count();
    if length > max {
        diagnostics.push(codes::TOO_LONG.at(
            format!("`{name}` has {length} characters; the maximum is {max}"),
            value.span,
        ));
    }
}

fn enumeration(
    name: &str,
    value: Option<&Spanned<String>>,
    allowed: &[&str],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(value) = value else { return };
    if allowed.contains(&value.value.as_str()) {
        return;
    }
    let lower = value.value.to_lowercase();
    let mut diagnostic = codes::INVALID_ENUM.at(
        format!(
            "`{name}` `{}` is not one of {}",
            value.value,
            allowed.join(", ")
        ),
        value.span,
    );
    let suggestion = if allowed.contains(&lower.as_str()) {
        Some(lower.as_str())
    } else {
        crate::suggest::closest(&value.value, allowed.iter().copied())
    };
    if let Some(suggestion) = suggestion {
        diagnostic = diagnostic
            .with_help(format!("did you mean `{suggestion}`?"))
            .with_fix(crate::diagnostic::Fix {
                title: format!("Write `{suggestion}`"),
                edits: vec![crate::diagnostic::TextEdit {
                    span: value.span,
                    text: suggestion.to_string(),
                }],
                is_safe: false,
            });
    }
    diagnostics.push(diagnostic);
}

/// 8-4-4-4-12 hexadecimal digits.
pub fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The schema's tag pattern `^[a-z0-9_-]+\.[a-z0-9._-]+$`.
pub fn is_tag(text: &str) -> bool {
    let Some((namespace, name)) = text.split_once('.') else {
        return false;
    };
    let ok = |s: &str, dots: bool| {
        !s.is_empty()
            && s.bytes().all(|b| {
                b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || b == b'_'
                    || b == b'-'
                    || (dots && b == b'.')
            })
    };
    ok(namespace, false) && ok(name, true)
}

/// Conditions against the selections they name.
fn detection_checks(detection: &Detection, diagnostics: &mut Vec<Diagnostic>) {
    let names: Vec<&str> = detection
        .selections
        .iter()
        .map(|s| s.name.value.as_str())
        .collect();
    for condition in &detection.conditions {
        let Some(expr) = &condition.expr else {
            continue;
        };
        let mut found = Vec::new();
        references(expr, &mut found);
        for (reference, span) in found {
            match reference {
                ConditionReference::Identifier(name) if name.contains('*') => diagnostics.push(
                    codes::WILDCARD_IDENTIFIER
                        .at(
                            format!("`{name}` has a wildcard outside `1 of` / `all of`"),
                            span,
                        )
                        .with_help(format!("write `1 of {name}` or `all of {name}`")),
                ),
                ConditionReference::Identifier(name) => {
                    if !names.contains(&name.as_str()) {
                        let mut diagnostic = codes::UNKNOWN_SELECTION.at(
                            format!("the condition names `{name}`, which is not defined in this detection"),
                            span,
                        );
                        diagnostic = match crate::suggest::closest(&name, names.iter().copied()) {
                            Some(close) => diagnostic
                                .with_help(format!("did you mean `{close}`?"))
                                .with_fix(crate::diagnostic::Fix {
                                    title: format!("Replace with `{close}`"),
                                    edits: vec![crate::diagnostic::TextEdit {
                                        span,
                                        text: close.to_string(),
                                    }],
                                    is_safe: false,
                                }),
                            None => diagnostic.with_help(format!(
                                "define `{name}:` under `detection`, or use one of: {}",
                                names.join(", ")
                            )),
                        };
                        diagnostics.push(diagnostic);
                    }
                }
                ConditionReference::Pattern(pattern) => {
                    if !names
                        .iter()
                        .any(|n| crate::sigma::pattern::simple_glob(&pattern, n))
                    {
                        diagnostics.push(
                            codes::PATTERN_MATCHES_NOTHING
                                .at(format!("`{pattern}` matches no search identifier"), span)
                                .with_help(format!("the identifiers are: {}", names.join(", "))),
                        );
                    }
                }
                ConditionReference::Them => {
                    if !names.iter().any(|n| !n.starts_with('_')) {
                        diagnostics.push(codes::PATTERN_MATCHES_NOTHING.at(
                            "`them` covers no search identifier (names starting with `_` do not count)",
                            span,
                        ));
                    }
                }
            }
        }
        quantifiers(expr, diagnostics);
    }
}

fn quantifiers(expr: &ConditionExpr, diagnostics: &mut Vec<Diagnostic>) {
    match &expr.kind {
        ConditionKind::Or(items) | ConditionKind::And(items) => {
            for item in items {
                quantifiers(item, diagnostics);
            }
        }
        ConditionKind::Not(inner) => quantifiers(inner, diagnostics),
        ConditionKind::Of {
            quantifier: Quantifier::AtLeast(n),
            ..
        } => diagnostics.push(
            codes::NONSTANDARD_QUANTIFIER
                .at(
                    format!("`{n} of` is not in the specification; it is read as \"at least {n}\""),
                    expr.span,
                )
                .with_help("the specification defines `1 of` and `all of`"),
        ),
        _ => {}
    }
}

/// Modifier chains and values, by compiling the detection once (placeholders unchecked).
fn values(detection: &Detection, diagnostics: &mut Vec<Diagnostic>) {
    let mut fields = FieldTable::default();
    let options = CompileOptions::default();
    let mut compiler = DetectionCompiler {
        fields: &mut fields,
        options: &options,
        diagnostics,
    };
    let _ = compiler.selections(detection);
}

fn correlation_checks(correlation: &Correlation, diagnostics: &mut Vec<Diagnostic>) {
    let rules: Vec<&str> = correlation.rules.iter().map(|r| r.value.as_str()).collect();
    for alias in &correlation.aliases {
        for (rule, _) in &alias.mapping {
            if !rules.contains(&rule.value.as_str()) {
                diagnostics.push(
                    codes::UNKNOWN_ALIAS_RULE
                        .at(
                            format!(
                                "alias `{}` maps rule `{}`, which is not in `rules`",
                                alias.alias.value, rule.value
                            ),
                            rule.span,
                        )
                        .with_help("aliases name the rules of this correlation by their `name`"),
                );
            }
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for rule in &correlation.rules {
        if seen.contains(&rule.value.as_str()) {
            diagnostics.push(codes::DUPLICATE_KEY.with_severity(
                Severity::Warning,
                format!("rule `{}` is listed twice", rule.value),
                rule.span,
            ));
        }
        seen.push(&rule.value);
    }
    if let Some(condition) = &correlation.condition {
        if let Some(expression) = &condition.expression {
            if let Some(expr) = &expression.expr {
                let mut found = Vec::new();
                references(expr, &mut found);
                for (reference, span) in found {
                    if let ConditionReference::Identifier(name) = reference {
                        if !rules.contains(&name.as_str()) {
                            diagnostics.push(codes::UNKNOWN_SELECTION.at(
                                format!("the condition names `{name}`, which is not in `rules`"),
                                span,
                            ));
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert!(is_uuid("929a690e-bef0-4204-a928-ef5e620d6fcc"));
        assert!(!is_uuid("929a690e-bef0-4204-a928-ef5e620d6fc"));
        assert!(!is_uuid("not-a-uuid"));
        assert!(is_tag("attack.t1059.001"));
        assert!(is_tag("attack.defense-evasion"));
        assert!(!is_tag("attack.Defense_Evasion"));
        assert!(!is_tag("attack"));
        assert!(!is_tag("attack. t1"));
    }
}
