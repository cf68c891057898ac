use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a rule with `status: deprecated` that names no successor in `related`.
    ///
    /// ## Why it matters
    /// Users of a deprecated rule need to know what replaces it; SigmaHQ links the new rule
    /// with `related: [{id: <new rule>, type: derived|merged|renamed}]` (and the new rule
    /// back with `obsolete`).
    ///
    /// ## Example
    /// ```yaml
    /// status: deprecated
    /// ```
    ///
    /// ## Fix
    /// None: add the successor's id to `related`.
    pub DeprecatedWithoutRelated {
        code: "SIG328",
        slug: "deprecated-without-related",
        language: Sigma,
        severity: Hint,
        category: Style,
        fix: None,
        summary: "a deprecated rule names no successor in `related`",
    }
}

impl SigmaLintRule for DeprecatedWithoutRelated {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            let Some(status) = &rule.status else { continue };
            if status.value == "deprecated" && rule.related.is_empty() {
                cx.report(
                    Self::META
                        .diagnostic(
                            "the rule is deprecated but `related` names no successor",
                            status.span,
                        )
                        .with_help("add `related: [{id: <new rule id>, type: derived}]`"),
                );
            }
        }
    }
}
