use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::ast::RuleKind;
use crate::sigma::lint::{missing_key_span, LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a rule without an `id`.
    ///
    /// ## Why it matters
    /// The `id` is how correlations, filters, `related` links and SIEM alerts refer to a rule
    /// across renames; without it every copy of the rule is a new rule. pySigma's
    /// `identifier_existence` validator reports the same.
    ///
    /// ## Example
    /// ```yaml
    /// title: Whoami Execution
    /// logsource: {category: process_creation, product: windows}
    /// ```
    /// Add `id: <a random UUID v4>` below the title.
    ///
    /// ## Fix
    /// None: the id must be generated once and kept.
    pub MissingId {
        code: "SIG301",
        slug: "missing-id",
        language: Sigma,
        severity: Warning,
        category: Style,
        fix: None,
        summary: "the rule has no `id`",
    }
}

impl SigmaLintRule for MissingId {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            if rule.id.is_none() && rule.kind != RuleKind::Unknown {
                let span = missing_key_span(rule);
                cx.report(
                    Self::META
                        .diagnostic("the rule has no `id`", span)
                        .with_help("add `id:` with a random UUID (version 4), e.g. from `uuidgen`"),
                );
            }
        }
    }
}
