use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{fix, list_item_line, LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a reference listed twice.
    ///
    /// ## Why it matters
    /// The repeat adds nothing and usually comes from merging two versions of a rule.
    /// pySigma's `duplicate_references` validator reports the same.
    ///
    /// ## Example
    /// ```yaml
    /// references:
    ///     - https://example.org/report
    ///     - https://example.org/report
    /// ```
    ///
    /// ## Fix
    /// Safe: removes the repeated line.
    pub DuplicateReference {
        code: "SIG316",
        slug: "duplicate-reference",
        language: Sigma,
        severity: Warning,
        category: Style,
        fix: Safe,
        summary: "a reference is listed twice",
    }
}

impl SigmaLintRule for DuplicateReference {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            let mut seen: Vec<&str> = Vec::new();
            for reference in &rule.references {
                if seen.contains(&reference.value.as_str()) {
                    let mut diagnostic = Self::META.diagnostic(
                        format!("`{}` is listed twice", reference.value),
                        reference.span,
                    );
                    if let Some(line) = list_item_line(cx.text, reference.span) {
                        diagnostic = diagnostic.with_fix(fix(
                            "Remove the repeated reference",
                            line,
                            "",
                            true,
                        ));
                    }
                    cx.report(diagnostic);
                }
                seen.push(&reference.value);
            }
        }
    }
}
