use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::rules::them_with_single_selection::find_them;
use crate::sigma::lint::{detections, LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags `all of them` in a detection with more than one search identifier.
    ///
    /// ## Why it matters
    /// `all of them` AND-s every selection, including any filter added later, which then
    /// has to *match* instead of excluding. `all of selection_*` keeps filters out. pySigma's
    /// `all_of_them_condition` validator reports the same.
    ///
    /// ## Example
    /// `condition: all of them`
    /// Use instead: `condition: all of selection_*`.
    ///
    /// ## Fix
    /// None.
    pub AllOfThem {
        code: "SIG371",
        slug: "all-of-them",
        language: Sigma,
        severity: Hint,
        category: Style,
        fix: None,
        summary: "the discouraged `all of them`",
    }
}

impl SigmaLintRule for AllOfThem {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            for detection in detections(rule) {
                if detection.selections.len() < 2 {
                    continue;
                }
                let mut spans = Vec::new();
                for condition in &detection.conditions {
                    if let Some(expr) = &condition.expr {
                        find_them(expr, true, &mut spans);
                    }
                }
                for span in spans {
                    cx.report(
                        Self::META
                            .diagnostic("`all of them` also AND-s any filter added later", span)
                            .with_help("name the selections with a prefix: `all of selection_*`"),
                    );
                }
            }
        }
    }
}
