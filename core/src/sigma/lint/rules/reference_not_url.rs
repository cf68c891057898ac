use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a `references` entry that is not a web address.
    ///
    /// ## Why it matters
    /// SigmaHQ lists sources as URLs that tools turn into links and archive; free text (a
    /// book title, a tool name) cannot be followed. Put notes in `description`. SigmaHQ's
    /// stand-ins for unpublished work (`Internal Research`, `Self Experience`) are accepted.
    ///
    /// ## Example
    /// ```yaml
    /// references:
    ///     - Internal Research
    /// ```
    ///
    /// ## Fix
    /// None.
    pub ReferenceNotUrl {
        code: "SIG317",
        slug: "reference-not-url",
        language: Sigma,
        severity: Hint,
        category: Style,
        fix: None,
        summary: "a reference is not a URL",
    }
}

impl SigmaLintRule for ReferenceNotUrl {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            for reference in &rule.references {
                let lower = reference.value.trim().to_ascii_lowercase();
                // SigmaHQ's accepted stand-ins for unpublished sources.
                let is_own_research = ["internal research", "self experience", "personal research"]
                    .iter()
                    .any(|p| lower.starts_with(p));
                if !(lower.starts_with("http://")
                    || lower.starts_with("https://")
                    || is_own_research)
                {
                    cx.report(Self::META.diagnostic(
                        format!("reference `{}` is not a URL", reference.value),
                        reference.span,
                    ));
                }
            }
        }
    }
}
