use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{fix, is_pattern_item, verbatim, LintContext, SigmaLintRule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags `**` (consecutive `*` wildcards) in a value.
    ///
    /// ## Why it matters
    /// Two wildcards match what one does; the doubling usually comes from joining two
    /// patterns, and some backends translate it into a slower query. pySigma's
    /// `double_wildcard` validator reports the same.
    ///
    /// ## Example
    /// `selection: {CommandLine: '*powershell**-enc*'}`
    ///
    /// ## Fix
    /// Safe: keeps one `*`.
    pub DoubleWildcard {
        code: "SIG356",
        slug: "double-wildcard",
        language: Sigma,
        severity: Hint,
        category: Style,
        fix: Safe,
        summary: "consecutive `*` wildcards",
    }
}

/// The byte offset of the first unescaped `**`.
fn double_star(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes.get(i) {
            Some(b'\\') => i += 2,
            Some(b'*') if bytes.get(i + 1) == Some(&b'*') => return Some(i),
            _ => i += 1,
        }
    }
    None
}

impl SigmaLintRule for DoubleWildcard {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for item in cx.items() {
            if !is_pattern_item(item.item) {
                continue;
            }
            for (text, value) in item.strings() {
                let Some(at) = double_star(text) else {
                    continue;
                };
                let mut diagnostic =
                    Self::META.diagnostic(format!("`{text}` has `**`"), value.span);
                if let Some(written) = verbatim(cx.text, value.span, text) {
                    let start = written.start as usize + at;
                    diagnostic = diagnostic.with_fix(fix(
                        "Keep one `*`",
                        Span::new(start, start + 1),
                        "",
                        true,
                    ));
                }
                cx.report(diagnostic);
            }
        }
    }
}
