use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::logic::analyze;
use crate::sigma::lint::{detections, LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a condition that every event satisfies whatever its selections match
    /// (`selection or not selection`, `not (a and not a)`).
    ///
    /// ## Why it matters
    /// The rule fires on every event of its logsource: an alert flood.
    ///
    /// ## Example
    /// `condition: selection or not filter` where `filter` is `selection`.
    ///
    /// ## Fix
    /// None.
    pub ConditionAlwaysTrue {
        code: "SIG373",
        slug: "condition-always-true",
        language: Sigma,
        severity: Error,
        category: Correctness,
        fix: None,
        summary: "a condition every event satisfies",
    }
}

impl SigmaLintRule for ConditionAlwaysTrue {
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
                    if analysis.satisfiable && analysis.tautology {
                        cx.report(Self::META.diagnostic(
                            format!("`{}` is true for every event", condition.text.trim()),
                            condition.span,
                        ));
                    }
                }
            }
        }
    }
}
