use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a description that holds a link (or "internal research") while the rule has no
    /// `references`.
    ///
    /// ## Why it matters
    /// Tools read sources from `references` (links, archiving, catalog pages); a URL in the
    /// prose is lost to them. SigmaHQ's `SigmahqLinkDescription` check reports the same.
    ///
    /// ## Example
    /// `description: Detects X, see https://example.org/report`
    ///
    /// ## Fix
    /// None: move the link to a `references` list.
    pub LinkInDescription {
        code: "SIG318",
        slug: "link-in-description",
        language: Sigma,
        severity: Hint,
        category: Style,
        fix: None,
        summary: "a link in the description of a rule without `references`",
    }
}

impl SigmaLintRule for LinkInDescription {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            let Some(description) = &rule.description else {
                continue;
            };
            if !rule.references.is_empty() {
                continue;
            }
            let lower = description.value.to_lowercase();
            if ["http://", "https://", "internal research"]
                .iter()
                .any(|m| lower.contains(m))
            {
                cx.report(
                    Self::META
                        .diagnostic(
                            "the description names a source but the rule has no `references`",
                            description.span,
                        )
                        .with_help("add a `references:` list with the link"),
                );
            }
        }
    }
}
