use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{fix, list_item_line, LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a tag listed twice.
    ///
    /// ## Why it matters
    /// The repeat adds nothing, and coverage reports that count tags count the rule twice.
    /// pySigma's `duplicate_tag` validator reports the same.
    ///
    /// ## Example
    /// ```yaml
    /// tags:
    ///     - attack.execution
    ///     - attack.execution
    /// ```
    ///
    /// ## Fix
    /// Safe: removes the repeated line.
    pub DuplicateTag {
        code: "SIG330",
        slug: "duplicate-tag",
        language: Sigma,
        severity: Warning,
        category: Style,
        fix: Safe,
        summary: "a tag is listed twice",
    }
}

impl SigmaLintRule for DuplicateTag {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            let mut seen: Vec<&str> = Vec::new();
            for tag in &rule.tags {
                if seen.contains(&tag.value.as_str()) {
                    let mut diagnostic = Self::META
                        .diagnostic(format!("tag `{}` is listed twice", tag.value), tag.span);
                    if let Some(line) = list_item_line(cx.text, tag.span) {
                        diagnostic =
                            diagnostic.with_fix(fix("Remove the repeated tag", line, "", true));
                    }
                    cx.report(diagnostic);
                }
                seen.push(&tag.value);
            }
        }
    }
}
