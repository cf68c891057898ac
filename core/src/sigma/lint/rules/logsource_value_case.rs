use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{fix, LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a `category`, `product` or `service` value with capital letters.
    ///
    /// ## Why it matters
    /// The taxonomy and backend pipelines compare these values as written, in lower case:
    /// `product: Windows` matches no pipeline and the rule is not converted or routed.
    ///
    /// ## Example
    /// `logsource: {category: Process_Creation, product: Windows}`
    ///
    /// ## Fix
    /// Safe: writes the value in lower case.
    pub LogsourceValueCase {
        code: "SIG349",
        slug: "logsource-value-case",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: Safe,
        summary: "a logsource value with capital letters",
    }
}

impl SigmaLintRule for LogsourceValueCase {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            let Some(logsource) = &rule.logsource else {
                continue;
            };
            for (name, values) in [
                ("category", &logsource.category),
                ("product", &logsource.product),
                ("service", &logsource.service),
            ] {
                for value in values {
                    if !value.value.chars().any(char::is_uppercase) {
                        continue;
                    }
                    let lower = value.value.to_lowercase();
                    let mut diagnostic = Self::META.diagnostic(
                        format!("{name} `{}` should be `{lower}`", value.value),
                        value.span,
                    );
                    if let Some(written) =
                        crate::sigma::lint::verbatim(cx.text, value.span, &value.value)
                    {
                        diagnostic = diagnostic.with_fix(fix(
                            format!("Write `{lower}`"),
                            written,
                            lower,
                            true,
                        ));
                    }
                    cx.report(diagnostic);
                }
            }
        }
    }
}
