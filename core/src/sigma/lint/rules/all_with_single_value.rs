use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{fix, modifier_with_bar, LintContext, SigmaLintRule};
use crate::sigma::modifiers::Modifier;

declare_rule! {
    /// ## What it does
    /// Flags the `all` modifier on a single value.
    ///
    /// ## Why it matters
    /// `all` AND-s a list of values; with one value it does nothing, and some backends
    /// reject it. Often it is left over from an edit that removed the other values, or used
    /// to repeat a field in one selection (use a second selection for that). SigmaHQ's
    /// `SigmahqInvalidAllModifier` check reports the same.
    ///
    /// ## Example
    /// `selection: {CommandLine|contains|all: 'whoami'}`
    /// Use instead: `CommandLine|contains: 'whoami'`.
    ///
    /// ## Fix
    /// Safe: removes `|all`.
    pub AllWithSingleValue {
        code: "SIG350",
        slug: "all-with-single-value",
        language: Sigma,
        severity: Warning,
        category: Style,
        fix: Safe,
        summary: "`|all` with a single value",
    }
}

impl SigmaLintRule for AllWithSingleValue {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for item in cx.items() {
            if item.item.values.len() != 1 {
                continue;
            }
            let Some(all) = item
                .item
                .modifiers
                .iter()
                .find(|m| Modifier::parse(&m.value) == Some(Modifier::All))
            else {
                continue;
            };
            cx.report(
                Self::META
                    .diagnostic("`|all` with a single value does nothing", all.span)
                    .with_fix(fix(
                        "Remove `|all`",
                        modifier_with_bar(cx.text, all.span),
                        "",
                        true,
                    )),
            );
        }
    }
}
