use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a `cve.` tag that is not `cve.<year>-<number>`.
    ///
    /// ## Why it matters
    /// Tools that link or share rules by these tags skip a tag they cannot read; pySigma's
    /// `cvetag` validator reports the same.
    ///
    /// ## Example
    /// `tags: [cve.2021.3156]`
    /// Use instead: `cve.2021-3156`.
    ///
    /// ## Fix
    /// None.
    pub InvalidCveTag {
        code: "SIG334",
        slug: "invalid-cve-tag",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "a `cve.` tag is not `cve.YYYY-NNNN`",
    }
}

/// Whether the name after `cve.` has the right form.
pub fn is_valid(name: &str) -> bool {
    name.split_once('-').is_some_and(|(y, n)| {
        !y.is_empty()
            && !n.is_empty()
            && y.bytes().all(|b| b.is_ascii_digit())
            && n.bytes().all(|b| b.is_ascii_digit())
    })
}

impl SigmaLintRule for InvalidCveTag {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            for tag in &rule.tags {
                let Some(name) = tag.value.strip_prefix("cve.") else {
                    continue;
                };
                if !is_valid(name) {
                    cx.report(Self::META.diagnostic(
                        format!("`{}`: a `cve.` tag is not `cve.YYYY-NNNN`", tag.value),
                        tag.span,
                    ));
                }
            }
        }
    }
}
