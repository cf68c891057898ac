use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::ast::RuleKind;
use crate::sigma::lint::{missing_key_span, LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a rule without an `author`.
    ///
    /// ## Why it matters
    /// The Detection Rule License that most public Sigma rules use requires keeping the author's attribution, also in alerts; a rule without one cannot be attributed when shared.
    ///
    /// ## Example
    /// ```yaml
    /// title: Whoami Execution
    /// id: 929a690e-bef0-4204-a928-ef5e620d6fcc
    /// logsource: {category: process_creation, product: windows}
    /// ```
    /// Add `author:` to the rule.
    ///
    /// ## Fix
    /// None: only the author knows the value.
    pub MissingAuthor {
        code: "SIG315",
        slug: "missing-author",
        language: Sigma,
        severity: Hint,
        category: Style,
        fix: None,
        summary: "the rule has no `author`",
    }
}

impl SigmaLintRule for MissingAuthor {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            if !matches!(
                rule.kind,
                RuleKind::Detection | RuleKind::Correlation | RuleKind::Filter
            ) || rule.author.is_some()
            {
                continue;
            }
            let span = missing_key_span(rule);
            cx.report(Self::META.diagnostic("the rule has no `author`", span));
        }
    }
}
