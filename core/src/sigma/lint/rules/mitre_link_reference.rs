use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a reference to an ATT&CK technique page (`attack.mitre.org/techniques/...`).
    ///
    /// ## Why it matters
    /// The technique belongs in `tags` (`attack.t1059.001`), where coverage tools read it;
    /// a link in `references` is invisible to them and duplicates the tag. SigmaHQ's
    /// `sigmahq_mitre_link` reports the same.
    ///
    /// ## Example
    /// ```yaml
    /// references:
    ///     - https://attack.mitre.org/techniques/T1059/001/
    /// ```
    /// Use instead: `tags: [attack.t1059.001]`.
    ///
    /// ## Fix
    /// None.
    pub MitreLinkReference {
        code: "SIG381",
        slug: "mitre-link-reference",
        language: Sigma,
        severity: Hint,
        category: Style,
        fix: None,
        summary: "a reference to an ATT&CK technique page instead of a tag",
    }
}

impl SigmaLintRule for MitreLinkReference {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            for reference in &rule.references {
                let lower = reference.value.to_ascii_lowercase();
                let Some(rest) = lower.split("attack.mitre.org/techniques/").nth(1) else {
                    continue;
                };
                let tag = format!("attack.{}", rest.trim_end_matches('/').replace('/', "."));
                cx.report(
                    Self::META
                        .diagnostic(
                            "an ATT&CK technique belongs in `tags`, not `references`",
                            reference.span,
                        )
                        .with_help(format!("tag the rule with `{tag}`")),
                );
            }
        }
    }
}
