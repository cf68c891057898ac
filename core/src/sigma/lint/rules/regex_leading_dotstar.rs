use crate::declare_rule;
use crate::diagnostic::{Fix, TextEdit};
use crate::lint::RuleMeta;
use crate::sigma::lint::{verbatim, LintContext, SigmaLintRule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags `.*` at the start or end of a `re` value.
    ///
    /// ## Why it matters
    /// Sigma regular expressions match anywhere in the value, so a leading or trailing
    /// `.*` changes nothing, but backends that anchor regexes (Elasticsearch) or backtrack
    /// pay for it on every event.
    ///
    /// ## Example
    /// `selection: {CommandLine|re: '.*-enc.*'}`
    /// Use instead: `'-enc'`.
    ///
    /// ## Fix
    /// Safe: removes the `.*`.
    pub RegexLeadingDotstar {
        code: "SIG365",
        slug: "regex-leading-dotstar",
        language: Sigma,
        severity: Hint,
        category: Performance,
        fix: Safe,
        summary: "`.*` at the start or end of a regular expression",
    }
}

/// Whether the pattern ends with an unescaped `.*` (not `.*?` nor `\.*`).
fn trailing(pattern: &str) -> bool {
    let Some(rest) = pattern.strip_suffix(".*") else {
        return false;
    };
    let backslashes = rest.len() - rest.trim_end_matches('\\').len();
    backslashes % 2 == 0
}

impl SigmaLintRule for RegexLeadingDotstar {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for (_, text, value) in cx.regexes() {
            let leading =
                text.starts_with(".*") && !text.starts_with(".*?") && !text.starts_with(".*+");
            let trailing = trailing(text);
            if !(leading || trailing) || text.len() <= 4 {
                continue;
            }
            let mut diagnostic = Self::META.diagnostic(
                format!(
                    "`{text}`: a {} `.*` adds nothing, regexes match anywhere in the value",
                    if leading { "leading" } else { "trailing" }
                ),
                value.span,
            );
            if let Some(written) = verbatim(cx.text, value.span, text) {
                let (start, end) = (written.start as usize, written.end as usize);
                let mut edits = Vec::new();
                if leading {
                    edits.push(TextEdit {
                        span: Span::new(start, start + 2),
                        text: String::new(),
                    });
                }
                if trailing {
                    edits.push(TextEdit {
                        span: Span::new(end - 2, end),
                        text: String::new(),
                    });
                }
                diagnostic = diagnostic.with_fix(Fix {
                    title: "Remove the `.*`".to_string(),
                    edits,
                    is_safe: true,
                });
            }
            cx.report(diagnostic);
        }
    }
}
