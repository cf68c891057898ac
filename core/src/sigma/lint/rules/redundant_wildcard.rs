use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{
    ends_with_wildcard, fix, is_pattern_item, starts_with_wildcard, verbatim, LintContext,
    SigmaLintRule,
};
use crate::sigma::modifiers::Position;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags a wildcard on the side a position modifier already opens: a trailing `*` with
    /// `startswith`, a leading `*` with `endswith`, and one-sided `*` with `contains` (both
    /// sides are `SIG354`).
    ///
    /// ## Why it matters
    /// The wildcard is redundant; and a `*` the author thought was needed is often a sign
    /// the wrong modifier was picked.
    ///
    /// ## Example
    /// `selection: {Image|endswith: '*\whoami.exe'}`
    /// Use instead: `Image|endswith: '\whoami.exe'`.
    ///
    /// ## Fix
    /// Safe: removes the wildcard.
    pub RedundantWildcard {
        code: "SIG360",
        slug: "redundant-wildcard",
        language: Sigma,
        severity: Hint,
        category: Style,
        fix: Safe,
        summary: "a wildcard on the side a position modifier already opens",
    }
}

impl SigmaLintRule for RedundantWildcard {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for item in cx.items() {
            if !is_pattern_item(item.item) {
                continue;
            }
            let position = crate::sigma::lint::chain(item.item).position();
            for (text, value) in item.strings() {
                if text.len() < 2 {
                    continue;
                }
                let (leading, trailing) = (starts_with_wildcard(text), ends_with_wildcard(text));
                let side = match position {
                    Position::StartsWith if trailing => "end",
                    Position::EndsWith if leading => "start",
                    Position::Contains if leading != trailing => {
                        if leading {
                            "start"
                        } else {
                            "end"
                        }
                    }
                    _ => continue,
                };
                let mut diagnostic = Self::META.diagnostic(
                    format!("the `*` at the {side} of `{text}` is already implied by the modifier"),
                    value.span,
                );
                if let Some(written) = verbatim(cx.text, value.span, text) {
                    let span = if side == "start" {
                        Span::new(written.start as usize, written.start as usize + 1)
                    } else {
                        Span::new(written.end as usize - 1, written.end as usize)
                    };
                    diagnostic = diagnostic.with_fix(fix("Remove the wildcard", span, "", true));
                }
                cx.report(diagnostic);
            }
        }
    }
}
