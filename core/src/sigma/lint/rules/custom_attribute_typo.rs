use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{fix, LintContext, SigmaLintRule};

/// The specification's top-level keys.
const KEYS: &[&str] = &[
    "title",
    "id",
    "related",
    "name",
    "taxonomy",
    "status",
    "description",
    "license",
    "author",
    "references",
    "date",
    "modified",
    "logsource",
    "detection",
    "fields",
    "falsepositives",
    "level",
    "tags",
    "scope",
    "correlation",
    "filter",
    "generate",
];

declare_rule! {
    /// ## What it does
    /// Flags a top-level key that is a misspelling of a key the specification defines
    /// (`reference`, `realted`, `falsepositive`, `descripton`).
    ///
    /// ## Why it matters
    /// Custom keys are allowed, so a misspelled key is silently kept as custom data: the
    /// rule loses its references or relations without an error. pySigma's
    /// `custom_attributes` validator reports the same.
    ///
    /// ## Example
    /// `reference: [https://example.org]`
    /// Use instead: `references:`.
    ///
    /// ## Fix
    /// Safe: renames the key.
    pub CustomAttributeTypo {
        code: "SIG321",
        slug: "custom-attribute-typo",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: Safe,
        summary: "a top-level key is a misspelling of a standard key",
    }
}

impl SigmaLintRule for CustomAttributeTypo {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            for key in &rule.custom_keys {
                let lower = key.value.to_lowercase();
                if lower.chars().count() < 4 {
                    continue;
                }
                let Some(standard) = KEYS
                    .iter()
                    .copied()
                    .find(|k| *k == lower)
                    .or_else(|| crate::suggest::closest(&lower, KEYS.iter().copied()))
                else {
                    continue;
                };
                cx.report(
                    Self::META
                        .diagnostic(
                            format!(
                                "`{}` is kept as a custom key; did you mean `{standard}`?",
                                key.value
                            ),
                            key.span,
                        )
                        .with_fix(fix(
                            format!("Rename to `{standard}`"),
                            key.span,
                            standard,
                            true,
                        )),
                );
            }
        }
    }
}
