use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};
use crate::sigma::modifiers::Modifier;

declare_rule! {
    /// ## What it does
    /// Flags a field-bound `all` modifier without `contains`.
    ///
    /// ## Why it matters
    /// Without `contains`, `Field|all: [a, b]` asks the field to *equal* every value at
    /// once, which no event does unless the values are wildcard patterns; the rule is
    /// silently dead. pySigma's `invalid_modifier_combinations` validator reports the same.
    ///
    /// ## Example
    /// `selection: {CommandLine|all: ['-enc', 'bypass']}`
    /// Use instead: `CommandLine|contains|all: ['-enc', 'bypass']`.
    ///
    /// ## Fix
    /// None: decide between `contains|all` and separate selections.
    pub AllWithoutContains {
        code: "SIG351",
        slug: "all-without-contains",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "a field-bound `|all` without `|contains`",
    }
}

impl SigmaLintRule for AllWithoutContains {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for item in cx.items() {
            if item.field().is_none() || !item.has(Modifier::All) || item.has(Modifier::Contains) {
                continue;
            }
            if item.item.values.len() < 2 {
                continue;
            }
            cx.report(
                Self::META
                    .diagnostic(
                        "`|all` without `|contains`: the field must equal every value at once",
                        item.item.key.span,
                    )
                    .with_help(
                        "write `|contains|all`, or split the values into separate selections",
                    ),
            );
        }
    }
}
