use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags an `stp.` tag (Summiting the Pyramid score) that is not a level 1 to 5 with an optional `a`, `u` or `k`.
    ///
    /// ## Why it matters
    /// Tools that link or share rules by these tags skip a tag they cannot read; pySigma's
    /// `stptag` validator reports the same.
    ///
    /// ## Example
    /// `tags: [stp.6]`
    /// Use instead: `stp.3a`.
    ///
    /// ## Fix
    /// None.
    pub InvalidStpTag {
        code: "SIG338",
        slug: "invalid-stp-tag",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "an `stp.` tag is not a level 1-5 with an optional a, u or k",
    }
}

/// Whether the name after `stp.` has the right form.
pub fn is_valid(name: &str) -> bool {
    let mut c = name.chars();
    matches!(c.next(), Some('1'..='5'))
        && matches!(
            (c.next(), c.next()),
            (None, None) | (Some('a' | 'u' | 'k'), None)
        )
}

impl SigmaLintRule for InvalidStpTag {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            for tag in &rule.tags {
                let Some(name) = tag.value.strip_prefix("stp.") else {
                    continue;
                };
                if !is_valid(name) {
                    cx.report(Self::META.diagnostic(
                        format!(
                            "`{}`: an `stp.` tag is not a level 1-5 with an optional a, u or k",
                            tag.value
                        ),
                        tag.span,
                    ));
                }
            }
        }
    }
}
