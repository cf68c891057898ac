use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::ast::RuleKind;
use crate::sigma::lint::{missing_key_span, LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a detection or correlation rule without a `status`.
    ///
    /// ## Why it matters
    /// The status (`experimental`, `test`, `stable`, ...) tells users how much the rule has been tried; deployment pipelines select rules by it. pySigma's `status_existence` validator reports the same.
    ///
    /// ## Example
    /// ```yaml
    /// title: Whoami Execution
    /// id: 929a690e-bef0-4204-a928-ef5e620d6fcc
    /// logsource: {category: process_creation, product: windows}
    /// ```
    /// Add `status:` to the rule.
    ///
    /// ## Fix
    /// None: only the author knows the value.
    pub MissingStatus {
        code: "SIG310",
        slug: "missing-status",
        language: Sigma,
        severity: Warning,
        category: Style,
        fix: None,
        summary: "the rule has no `status`",
    }
}

impl SigmaLintRule for MissingStatus {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            if !matches!(rule.kind, RuleKind::Detection | RuleKind::Correlation)
                || rule.status.is_some()
            {
                continue;
            }
            let span = missing_key_span(rule);
            cx.report(Self::META.diagnostic("the rule has no `status`", span));
        }
    }
}
