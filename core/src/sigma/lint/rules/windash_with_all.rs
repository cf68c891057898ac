use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};
use crate::sigma::modifiers::Modifier;

declare_rule! {
    /// ## What it does
    /// Flags `windash` combined with `all`.
    ///
    /// ## Why it matters
    /// `windash` turns each value into its dash variants (`-f`, `/f`, `–f`, ...), meant to
    /// be OR-ed; with `all` converters AND every variant, which no command line has.
    /// pySigma's `invalid_modifier_combinations` validator reports the same.
    ///
    /// ## Example
    /// `selection: {CommandLine|windash|contains|all: ['-s', '-f']}`
    /// Use instead: one selection per flag, each `|windash|contains`.
    ///
    /// ## Fix
    /// None.
    pub WindashWithAll {
        code: "SIG353",
        slug: "windash-with-all",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "`|windash` combined with `|all`",
    }
}

impl SigmaLintRule for WindashWithAll {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for item in cx.items() {
            if item.has(Modifier::Windash) && item.has(Modifier::All) {
                cx.report(
                    Self::META
                        .diagnostic(
                            "`|windash` with `|all`: converters AND every dash variant",
                            item.item.key.span,
                        )
                        .with_help("use one selection per value, each with `|windash`"),
                );
            }
        }
    }
}
