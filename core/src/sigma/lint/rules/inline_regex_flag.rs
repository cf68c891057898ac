use crate::declare_rule;
use crate::diagnostic::{Fix, TextEdit};
use crate::lint::RuleMeta;
use crate::sigma::lint::{key_end, verbatim, LintContext, SigmaLintRule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags an inline flag group at the start of a `re` value (`(?i)`, `(?m)`, `(?s)`)
    /// where the Sigma sub-modifier (`|re|i`, `|re|m`, `|re|s`) says the same.
    ///
    /// ## Why it matters
    /// Not every target engine accepts inline flags (some SIEM regex functions reject
    /// them); backends translate the sub-modifiers into what the target supports.
    ///
    /// ## Example
    /// `selection: {CommandLine|re: '(?i)invoke-mimikatz'}`
    /// Use instead: `CommandLine|re|i: 'invoke-mimikatz'`.
    ///
    /// ## Fix
    /// Safe: moves the flag to the key.
    pub InlineRegexFlag {
        code: "SIG380",
        slug: "inline-regex-flag",
        language: Sigma,
        severity: Hint,
        category: Style,
        fix: Safe,
        summary: "an inline `(?i)` flag where `|re|i` says the same",
    }
}

impl SigmaLintRule for InlineRegexFlag {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for (item, text, value) in cx.regexes() {
            let flag = match text.get(..4) {
                Some("(?i)") => "i",
                Some("(?m)") => "m",
                Some("(?s)") => "s",
                _ => continue,
            };
            let mut diagnostic = Self::META.diagnostic(
                format!("`(?{flag})` inside the value: use the `|{flag}` sub-modifier"),
                value.span,
            );
            let single = item.item.values.len() == 1;
            if let (Some(written), Some(end), true) = (
                verbatim(cx.text, value.span, text),
                key_end(item.item),
                single,
            ) {
                let already = item.item.modifiers.iter().any(|m| m.value == flag);
                let mut edits = vec![TextEdit {
                    span: Span::new(written.start as usize, written.start as usize + 4),
                    text: String::new(),
                }];
                if !already {
                    edits.push(TextEdit {
                        span: Span::empty(end),
                        text: format!("|{flag}"),
                    });
                }
                diagnostic = diagnostic.with_fix(Fix {
                    title: format!("Use `|{flag}`"),
                    edits,
                    is_safe: true,
                });
            }
            cx.report(diagnostic);
        }
    }
}
