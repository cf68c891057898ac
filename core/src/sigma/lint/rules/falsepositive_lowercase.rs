use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{fix, verbatim, LintContext, SigmaLintRule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags a `falsepositives` entry that starts with a lower-case letter.
    ///
    /// ## Why it matters
    /// SigmaHQ writes false positives as sentences (`Unknown`, `Legitimate admin activity`);
    /// catalogs and alert templates show them as such. SigmaHQ's
    /// `SigmahqFalsepositivesCapital` check reports the same.
    ///
    /// ## Example
    /// ```yaml
    /// falsepositives:
    ///     - unknown
    /// ```
    ///
    /// ## Fix
    /// Safe: capitalizes the first letter.
    pub FalsepositiveLowercase {
        code: "SIG319",
        slug: "falsepositive-lowercase",
        language: Sigma,
        severity: Hint,
        category: Style,
        fix: Safe,
        summary: "a false positive does not start with a capital letter",
    }
}

impl SigmaLintRule for FalsepositiveLowercase {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            for entry in &rule.falsepositives {
                let Some(first) = entry.value.chars().next() else {
                    continue;
                };
                if !first.is_lowercase() {
                    continue;
                }
                let mut diagnostic = Self::META.diagnostic(
                    format!(
                        "false positive `{}` starts with a lower-case letter",
                        entry.value
                    ),
                    entry.span,
                );
                if let Some(written) = verbatim(cx.text, entry.span, &entry.value) {
                    let start = written.start as usize;
                    diagnostic = diagnostic.with_fix(fix(
                        "Capitalize the first letter",
                        Span::new(start, start + first.len_utf8()),
                        first.to_uppercase().collect::<String>(),
                        true,
                    ));
                }
                cx.report(diagnostic);
            }
        }
    }
}
