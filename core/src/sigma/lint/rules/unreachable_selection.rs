use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::logic::analyze;
use crate::sigma::lint::{detections, LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a selection that the condition names but that can never change its result:
    /// absorbed by another part (`selection or (selection and extra)`,
    /// `selection and (selection or extra)`), or a filter that cannot match together with
    /// the selection it filters (different exact values of one field).
    ///
    /// ## Why it matters
    /// The author meant the selection to narrow or widen the rule; it does neither. A
    /// filter that never applies lets its false positives through.
    ///
    /// ## Example
    /// ```yaml
    /// condition: selection or (selection and filter_admin)
    /// ```
    /// `filter_admin` changes nothing; perhaps `selection and not filter_admin` was meant.
    ///
    /// ## Fix
    /// None.
    pub UnreachableSelection {
        code: "SIG374",
        slug: "unreachable-selection",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "a selection that can never change the condition's result",
    }
}

impl SigmaLintRule for UnreachableSelection {
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
                    if !analysis.satisfiable || analysis.tautology {
                        continue;
                    }
                    for (name, span) in analysis.irrelevant {
                        cx.report(Self::META.diagnostic(
                            format!(
                                "`{name}` never changes the result of `{}`",
                                condition.text.trim()
                            ),
                            span,
                        ));
                    }
                }
            }
        }
    }
}
