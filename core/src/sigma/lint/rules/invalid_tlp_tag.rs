use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a `tlp.` tag that is not a Traffic Light Protocol colour: `clear`, `white`, `green`, `amber`, `amber-strict`, `red`.
    ///
    /// ## Why it matters
    /// Tools that link or share rules by these tags skip a tag they cannot read; pySigma's
    /// `tlptag` validator reports the same.
    ///
    /// ## Example
    /// `tags: [tlp.amber_strict]`
    /// Use instead: `tlp.amber-strict`.
    ///
    /// ## Fix
    /// None.
    pub InvalidTlpTag {
        code: "SIG336",
        slug: "invalid-tlp-tag",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "a `tlp.` tag is not a TLP 1.0 or 2.0 colour",
    }
}

/// Whether the name after `tlp.` has the right form.
pub fn is_valid(name: &str) -> bool {
    matches!(
        name,
        "clear" | "white" | "green" | "amber" | "amber-strict" | "red"
    )
}

impl SigmaLintRule for InvalidTlpTag {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            for tag in &rule.tags {
                let Some(name) = tag.value.strip_prefix("tlp.") else {
                    continue;
                };
                if !is_valid(name) {
                    cx.report(Self::META.diagnostic(
                        format!(
                            "`{}`: a `tlp.` tag is not a TLP 1.0 or 2.0 colour",
                            tag.value
                        ),
                        tag.span,
                    ));
                }
            }
        }
    }
}
