use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a `logsource` with none of `category`, `product` and `service`.
    ///
    /// ## Why it matters
    /// Backends route a rule to its data by these three; a rule with only a `definition`
    /// (or custom attributes) runs against every log, or nowhere.
    ///
    /// ## Example
    /// `logsource: {definition: 'Requires audit policy X'}`
    ///
    /// ## Fix
    /// None: name the product and category or service.
    pub EmptyLogsource {
        code: "SIG347",
        slug: "empty-logsource",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "a logsource without category, product or service",
    }
}

impl SigmaLintRule for EmptyLogsource {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            let Some(logsource) = &rule.logsource else {
                continue;
            };
            if logsource.category.is_empty()
                && logsource.product.is_empty()
                && logsource.service.is_empty()
            {
                cx.report(Self::META.diagnostic(
                    "the logsource names no category, product or service",
                    logsource.span,
                ));
            }
        }
    }
}
