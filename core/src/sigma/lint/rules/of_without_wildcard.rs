use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::ast::{ConditionExpr, ConditionKind, OfTarget};
use crate::sigma::lint::{detections, LintContext, SigmaLintRule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags `1 of name` / `all of name` where `name` has no `*`: it covers exactly one
    /// search identifier.
    ///
    /// ## Why it matters
    /// `1 of selection` is `selection` written the long way; usually a `*` was forgotten
    /// (`1 of selection_*`) and the other selections are not used at all. SigmaHQ's
    /// `sigmahq_missing_asterisk_condition` reports the same.
    ///
    /// ## Example
    /// `condition: 1 of selection`
    /// Use instead: `condition: 1 of selection_*`, or `condition: selection`.
    ///
    /// ## Fix
    /// Safe: writes the identifier alone.
    pub OfWithoutWildcard {
        code: "SIG379",
        slug: "of-without-wildcard",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: Safe,
        summary: "`1 of`/`all of` a name without `*`",
    }
}

fn find(expr: &ConditionExpr, out: &mut Vec<(String, Span)>) {
    match &expr.kind {
        ConditionKind::Or(items) | ConditionKind::And(items) => {
            items.iter().for_each(|i| find(i, out))
        }
        ConditionKind::Not(inner) => find(inner, out),
        ConditionKind::Of {
            target: OfTarget::Pattern(pattern),
            ..
        } if !pattern.contains('*') => out.push((pattern.clone(), expr.span)),
        _ => {}
    }
}

impl SigmaLintRule for OfWithoutWildcard {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            for detection in detections(rule) {
                let mut found = Vec::new();
                for condition in &detection.conditions {
                    if let Some(expr) = &condition.expr {
                        find(expr, &mut found);
                    }
                }
                for (name, span) in found {
                    cx.report(
                        Self::META
                            .diagnostic(
                                format!(
                                    "`{}` covers only `{name}`: was `{name}*` meant?",
                                    cx.slice(span)
                                ),
                                span,
                            )
                            .with_fix(crate::sigma::lint::fix(
                                format!("Write `{name}`"),
                                span,
                                name.clone(),
                                true,
                            )),
                    );
                }
            }
        }
    }
}
