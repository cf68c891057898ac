use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a logsource attribute other than `category`, `product`, `service` and
    /// `definition`.
    ///
    /// ## Why it matters
    /// Custom attributes are allowed but only the backends that know them use them; often
    /// they are a misspelling (`categroy`), which leaves the rule without its category.
    /// pySigma's `fieldname_logsource` validator reports the same.
    ///
    /// ## Example
    /// `logsource: {categroy: process_creation, product: windows}`
    ///
    /// ## Fix
    /// Safe for a near miss of a standard attribute: renames it.
    pub UnknownLogsourceAttribute {
        code: "SIG348",
        slug: "unknown-logsource-attribute",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: Safe,
        summary: "a logsource attribute other than category, product, service, definition",
    }
}

impl SigmaLintRule for UnknownLogsourceAttribute {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        const STANDARD: [&str; 4] = ["category", "product", "service", "definition"];
        for rule in cx.rules {
            let Some(logsource) = &rule.logsource else {
                continue;
            };
            for (key, _) in &logsource.custom {
                let mut diagnostic = Self::META.diagnostic(
                    format!("`{}` is not a standard logsource attribute", key.value),
                    key.span,
                );
                if let Some(close) = crate::suggest::closest(&key.value.to_lowercase(), STANDARD) {
                    diagnostic = diagnostic
                        .with_help(format!("did you mean `{close}`?"))
                        .with_fix(crate::sigma::lint::fix(
                            format!("Rename to `{close}`"),
                            key.span,
                            close,
                            true,
                        ));
                }
                cx.report(diagnostic);
            }
        }
    }
}
