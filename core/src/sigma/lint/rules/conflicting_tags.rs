use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a rule with two different `tlp.` tags, or two different `detection.` tags.
    ///
    /// ## Why it matters
    /// A rule has one sharing level and belongs to one rule set; `tlp.clear` beside
    /// `tlp.red` leaves tools to guess, and the guess may share what must not be shared.
    /// SigmaHQ's `sigmahq_tags_unique_tlp` and `sigmahq_tags_unique_detection` report the
    /// same.
    ///
    /// ## Example
    /// `tags: [tlp.clear, tlp.amber]`
    ///
    /// ## Fix
    /// None: keep the one that applies.
    pub ConflictingTags {
        code: "SIG383",
        slug: "conflicting-tags",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "two different `tlp.` (or `detection.`) tags",
    }
}

impl SigmaLintRule for ConflictingTags {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            for namespace in ["tlp.", "detection."] {
                let mut first: Option<&str> = None;
                for tag in rule.tags.iter().filter(|t| t.value.starts_with(namespace)) {
                    match first {
                        None => first = Some(&tag.value),
                        Some(earlier) if earlier != tag.value => cx.report(Self::META.diagnostic(
                            format!("`{}` conflicts with `{earlier}`: a rule has one", tag.value),
                            tag.span,
                        )),
                        Some(_) => {}
                    }
                }
            }
        }
    }
}
