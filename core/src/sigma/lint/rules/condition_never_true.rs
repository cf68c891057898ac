use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::logic::analyze;
use crate::sigma::lint::{detections, LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a condition that no event can satisfy: it contradicts itself
    /// (`selection and not selection`), or needs two selections that require different
    /// exact values of one field (`EventID: 1` and `EventID: 2`).
    ///
    /// ## Why it matters
    /// The rule never fires, and nothing else says so.
    ///
    /// ## Example
    /// ```yaml
    /// detection:
    ///     sel_create: {EventID: 4698}
    ///     sel_delete: {EventID: 4699}
    ///     condition: sel_create and sel_delete
    /// ```
    /// Use `or` (or `1 of sel_*`) for either event.
    ///
    /// ## Fix
    /// None.
    pub ConditionNeverTrue {
        code: "SIG372",
        slug: "condition-never-true",
        language: Sigma,
        severity: Error,
        category: Correctness,
        fix: None,
        summary: "a condition no event can satisfy",
    }
}

impl SigmaLintRule for ConditionNeverTrue {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            for detection in detections(rule) {
                for condition in &detection.conditions {
                    let Some(expr) = &condition.expr else {
                        continue;
                    };
                    let Some(analysis) = analyze(detection, expr) else {
                        continue;
                    };
                    if !analysis.satisfiable {
                        cx.report(
                            Self::META
                                .diagnostic(
                                    format!("`{}` can never be true", condition.text.trim()),
                                    condition.span,
                                )
                                .with_help(
                                    "selections joined by `and` must all match the same event",
                                ),
                        );
                    }
                }
            }
        }
    }
}
