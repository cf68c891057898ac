use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::ast::{ConditionExpr, ConditionKind, OfTarget};
use crate::sigma::lint::{detections, LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags `1 of them` / `all of them` in a detection with a single search identifier.
    ///
    /// ## Why it matters
    /// With one selection `of them` just means that selection, in a roundabout way; and
    /// adding a filter later silently turns it into `1 of (selection, filter)`. pySigma's
    /// `them_condition_with_single_detection` validator reports the same.
    ///
    /// ## Example
    /// `condition: 1 of them` with only `selection` defined.
    /// Use instead: `condition: selection`.
    ///
    /// ## Fix
    /// Safe: names the selection.
    pub ThemWithSingleSelection {
        code: "SIG370",
        slug: "them-with-single-selection",
        language: Sigma,
        severity: Hint,
        category: Style,
        fix: Safe,
        summary: "`of them` with a single search identifier",
    }
}

pub fn find_them(expr: &ConditionExpr, all_only: bool, out: &mut Vec<crate::source::Span>) {
    match &expr.kind {
        ConditionKind::Or(items) | ConditionKind::And(items) => {
            items.iter().for_each(|i| find_them(i, all_only, out))
        }
        ConditionKind::Not(inner) => find_them(inner, all_only, out),
        ConditionKind::Of {
            quantifier,
            target: OfTarget::Them,
        } if !all_only || *quantifier == crate::sigma::ast::Quantifier::All => out.push(expr.span),
        _ => {}
    }
}

impl SigmaLintRule for ThemWithSingleSelection {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            for detection in detections(rule) {
                let [only] = detection.selections.as_slice() else {
                    continue;
                };
                let mut spans = Vec::new();
                for condition in &detection.conditions {
                    if let Some(expr) = &condition.expr {
                        find_them(expr, false, &mut spans);
                    }
                }
                for span in spans {
                    cx.report(
                        Self::META
                            .diagnostic(
                                format!(
                                    "`{}` with a single selection is `{}`",
                                    cx.slice(span),
                                    only.name.value
                                ),
                                span,
                            )
                            .with_fix(crate::sigma::lint::fix(
                                format!("Write `{}`", only.name.value),
                                span,
                                only.name.value.clone(),
                                true,
                            )),
                    );
                }
            }
        }
    }
}
