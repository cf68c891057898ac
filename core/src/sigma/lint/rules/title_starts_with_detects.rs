use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{fix, verbatim, LintContext, SigmaLintRule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags a title that starts with `Detects`.
    ///
    /// ## Why it matters
    /// Every rule detects something: the word adds length and hides the subject in alert
    /// lists. SigmaHQ titles name the behaviour (`Whoami Execution`); `description` starts
    /// with "Detects ...".
    ///
    /// ## Example
    /// `title: Detects Whoami Execution`
    /// Use instead: `title: Whoami Execution`.
    ///
    /// ## Fix
    /// Safe: removes the leading `Detects `.
    pub TitleStartsWithDetects {
        code: "SIG306",
        slug: "title-starts-with-detects",
        language: Sigma,
        severity: Hint,
        category: Style,
        fix: Safe,
        summary: "the title starts with `Detects`",
    }
}

impl SigmaLintRule for TitleStartsWithDetects {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            let Some(title) = &rule.title else { continue };
            let Some(rest) = title.value.strip_prefix("Detects ") else {
                continue;
            };
            let mut diagnostic =
                Self::META.diagnostic("the title starts with `Detects`", title.span);
            if let (Some(written), false) =
                (verbatim(cx.text, title.span, &title.value), rest.is_empty())
            {
                let start = written.start as usize;
                let first: String = rest.chars().take(1).flat_map(char::to_uppercase).collect();
                let first_len = rest.chars().next().map_or(0, char::len_utf8);
                diagnostic = diagnostic.with_fix(fix(
                    "Remove `Detects `",
                    Span::new(start, start + "Detects ".len() + first_len),
                    first,
                    true,
                ));
            }
            cx.report(diagnostic);
        }
    }
}
