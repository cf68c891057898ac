use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a rule whose `status` and `level` disagree: `level: critical` on an
    /// `experimental` rule, or `status: stable` on an `informational` one.
    ///
    /// ## Why it matters
    /// `critical` pages someone at night; a rule nobody has run against real data yet
    /// (`experimental`) should not. An `informational` rule is context for hunting or
    /// correlation, not an alert that needs the `stable` promise of few false positives.
    ///
    /// ## Example
    /// ```yaml
    /// status: experimental
    /// level: critical
    /// ```
    /// Use `level: high` until the rule has been tested (`status: test`).
    ///
    /// ## Fix
    /// None: the author decides which one is wrong.
    pub StatusLevelMismatch {
        code: "SIG314",
        slug: "status-level-mismatch",
        language: Sigma,
        severity: Hint,
        category: DetectionQuality,
        fix: None,
        summary: "`status` and `level` disagree (critical but experimental, stable but informational)",
    }
}

impl SigmaLintRule for StatusLevelMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            let (Some(status), Some(level)) = (&rule.status, &rule.level) else {
                continue;
            };
            let message = match (status.value.as_str(), level.value.as_str()) {
                ("experimental", "critical") => "a `critical` alert from an `experimental` rule: untested rules should not page anyone",
                ("stable", "informational") => "an `informational` rule marked `stable`: informational rules are context, not alerts",
                _ => continue,
            };
            cx.report(Self::META.diagnostic(message, level.span));
        }
    }
}
