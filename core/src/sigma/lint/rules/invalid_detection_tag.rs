use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a `detection.` tag other than `detection.dfir`, `detection.emerging-threats` and `detection.threat-hunting`.
    ///
    /// ## Why it matters
    /// Tools that link or share rules by these tags skip a tag they cannot read; pySigma's
    /// `detectiontag` validator reports the same.
    ///
    /// ## Example
    /// `tags: [detection.threat_hunting]`
    /// Use instead: `detection.threat-hunting`.
    ///
    /// ## Fix
    /// None.
    pub InvalidDetectionTag {
        code: "SIG337",
        slug: "invalid-detection-tag",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "a `detection.` tag is not `dfir`, `emerging-threats` or `threat-hunting`",
    }
}

/// Whether the name after `detection.` has the right form.
pub fn is_valid(name: &str) -> bool {
    matches!(name, "dfir" | "emerging-threats" | "threat-hunting")
}

impl SigmaLintRule for InvalidDetectionTag {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            for tag in &rule.tags {
                let Some(name) = tag.value.strip_prefix("detection.") else {
                    continue;
                };
                if !is_valid(name) {
                    cx.report(Self::META.diagnostic(format!("`{}`: a `detection.` tag is not `dfir`, `emerging-threats` or `threat-hunting`", tag.value), tag.span));
                }
            }
        }
    }
}
