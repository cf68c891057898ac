use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::ast::RuleKind;
use crate::sigma::lint::{missing_key_span, LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a detection or correlation rule without a `level`.
    ///
    /// ## Why it matters
    /// The level sets the alert's severity; without it backends fall back to their own default and triage cannot rank the alert. pySigma's `level_existence` validator reports the same.
    ///
    /// ## Example
    /// ```yaml
    /// title: Whoami Execution
    /// id: 929a690e-bef0-4204-a928-ef5e620d6fcc
    /// logsource: {category: process_creation, product: windows}
    /// ```
    /// Add `level:` to the rule.
    ///
    /// ## Fix
    /// None: only the author knows the value.
    pub MissingLevel {
        code: "SIG313",
        slug: "missing-level",
        language: Sigma,
        severity: Warning,
        category: Style,
        fix: None,
        summary: "the rule has no `level`",
    }
}

impl SigmaLintRule for MissingLevel {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            if !matches!(rule.kind, RuleKind::Detection | RuleKind::Correlation)
                || rule.level.is_some()
            {
                continue;
            }
            let span = missing_key_span(rule);
            cx.report(Self::META.diagnostic("the rule has no `level`", span));
        }
    }
}
