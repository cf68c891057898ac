use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{fix, verbatim, LintContext, SigmaLintRule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags a title that ends with a period.
    ///
    /// ## Why it matters
    /// A title is a name, not a sentence (SigmaHQ convention); the period shows up in every
    /// alert subject and breaks title matching between tools.
    ///
    /// ## Example
    /// `title: Whoami Execution.`
    ///
    /// ## Fix
    /// Safe: removes the period.
    pub TitleEndsWithPeriod {
        code: "SIG307",
        slug: "title-ends-with-period",
        language: Sigma,
        severity: Hint,
        category: Style,
        fix: Safe,
        summary: "the title ends with a period",
    }
}

impl SigmaLintRule for TitleEndsWithPeriod {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            let Some(title) = &rule.title else { continue };
            if !title.value.ends_with('.') {
                continue;
            }
            let mut diagnostic = Self::META.diagnostic("the title ends with a period", title.span);
            if let Some(written) = verbatim(cx.text, title.span, &title.value) {
                let end = written.end as usize;
                diagnostic = diagnostic.with_fix(fix(
                    "Remove the period",
                    Span::new(end - 1, end),
                    "",
                    true,
                ));
            }
            cx.report(diagnostic);
        }
    }
}
