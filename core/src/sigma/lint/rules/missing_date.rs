use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::ast::RuleKind;
use crate::sigma::lint::{missing_key_span, LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a rule without a creation `date`.
    ///
    /// ## Why it matters
    /// The date tells users how old the rule is and orders its history with `modified`; pySigma's `date_existence` validator reports the same.
    ///
    /// ## Example
    /// ```yaml
    /// title: Whoami Execution
    /// id: 929a690e-bef0-4204-a928-ef5e620d6fcc
    /// logsource: {category: process_creation, product: windows}
    /// ```
    /// Add `date:` to the rule.
    ///
    /// ## Fix
    /// None: only the author knows the value.
    pub MissingDate {
        code: "SIG311",
        slug: "missing-date",
        language: Sigma,
        severity: Warning,
        category: Style,
        fix: None,
        summary: "the rule has no `date`",
    }
}

impl SigmaLintRule for MissingDate {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            if !matches!(
                rule.kind,
                RuleKind::Detection | RuleKind::Correlation | RuleKind::Filter
            ) || rule.date.is_some()
            {
                continue;
            }
            let span = missing_key_span(rule);
            cx.report(Self::META.diagnostic("the rule has no `date`", span));
        }
    }
}
