use crate::declare_rule;
use crate::diagnostic::{Fix, TextEdit};
use crate::lint::RuleMeta;
use crate::sigma::lint::{
    ends_with_wildcard, is_pattern_item, starts_with_wildcard, verbatim, LintContext, SigmaLintRule,
};
use crate::sigma::modifiers::Modifier;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags a `contains` value that starts and ends with `*`.
    ///
    /// ## Why it matters
    /// `contains` already puts a wildcard on both sides; the extra ones are noise, and
    /// backends that translate them literally build slower leading-wildcard queries.
    ///
    /// ## Example
    /// `selection: {CommandLine|contains: '*whoami*'}`
    /// Use instead: `CommandLine|contains: 'whoami'`.
    ///
    /// ## Fix
    /// Safe: removes the two wildcards.
    pub ContainsWithWildcards {
        code: "SIG354",
        slug: "contains-with-wildcards",
        language: Sigma,
        severity: Hint,
        category: Style,
        fix: Safe,
        summary: "a `contains` value with wildcards at both ends",
    }
}

impl SigmaLintRule for ContainsWithWildcards {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for item in cx.items() {
            if !item.has(Modifier::Contains) || !is_pattern_item(item.item) {
                continue;
            }
            for (text, value) in item.strings() {
                if text.len() < 3 || !starts_with_wildcard(text) || !ends_with_wildcard(text) {
                    continue;
                }
                let mut diagnostic = Self::META.diagnostic(
                    format!("`{text}`: `contains` already adds the wildcards at both ends"),
                    value.span,
                );
                if let Some(written) = verbatim(cx.text, value.span, text) {
                    let (start, end) = (written.start as usize, written.end as usize);
                    diagnostic = diagnostic.with_fix(Fix {
                        title: "Remove the wildcards".to_string(),
                        edits: vec![
                            TextEdit {
                                span: Span::new(start, start + 1),
                                text: String::new(),
                            },
                            TextEdit {
                                span: Span::new(end - 1, end),
                                text: String::new(),
                            },
                        ],
                        is_safe: true,
                    });
                }
                cx.report(diagnostic);
            }
        }
    }
}
