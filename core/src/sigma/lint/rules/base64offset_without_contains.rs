use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};
use crate::sigma::modifiers::Modifier;

declare_rule! {
    /// ## What it does
    /// Flags `base64offset` without `contains`.
    ///
    /// ## Why it matters
    /// `base64offset` produces the three encodings of a value at each byte offset, which
    /// are only ever found *inside* a longer base64 string; compared for equality they match
    /// nothing. pySigma's `invalid_modifier_combinations` validator reports the same.
    ///
    /// ## Example
    /// `selection: {CommandLine|base64offset: 'IEX'}`
    /// Use instead: `CommandLine|base64offset|contains: 'IEX'`.
    ///
    /// ## Fix
    /// Unsafe: appends `|contains`.
    pub Base64offsetWithoutContains {
        code: "SIG352",
        slug: "base64offset-without-contains",
        language: Sigma,
        severity: Error,
        category: Correctness,
        fix: Unsafe,
        summary: "`|base64offset` without `|contains`",
    }
}

impl SigmaLintRule for Base64offsetWithoutContains {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for item in cx.items() {
            if !item.has(Modifier::Base64Offset) || item.has(Modifier::Contains) {
                continue;
            }
            let mut diagnostic = Self::META.diagnostic(
                "`|base64offset` values only occur inside longer strings: add `|contains`",
                item.item.key.span,
            );
            if let Some(end) = crate::sigma::lint::key_end(item.item) {
                diagnostic = diagnostic.with_fix(crate::sigma::lint::fix(
                    "Add `|contains`",
                    crate::source::Span::empty(end),
                    "|contains",
                    false,
                ));
            }
            cx.report(diagnostic);
        }
    }
}
