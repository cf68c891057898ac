use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::ast::ValueKind;
use crate::sigma::lint::{is_pattern_item, LintContext, SigmaLintRule};
use crate::sigma::modifiers::Position;

declare_rule! {
    /// ## What it does
    /// Flags an empty string with `contains`, `startswith` or `endswith`.
    ///
    /// ## Why it matters
    /// Every value contains, starts and ends with the empty string: the item matches any
    /// event that has the field, which is rarely what was meant (an empty value is tested
    /// with `Field: ''`, a missing field with `Field: null`).
    ///
    /// ## Example
    /// `selection: {CommandLine|contains: ''}`
    ///
    /// ## Fix
    /// None.
    pub ContainsEmptyString {
        code: "SIG377",
        slug: "contains-empty-string",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "an empty string with `contains`/`startswith`/`endswith` matches everything",
    }
}

impl SigmaLintRule for ContainsEmptyString {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for item in cx.items() {
            if !is_pattern_item(item.item) {
                continue;
            }
            let chain = crate::sigma::lint::chain(item.item);
            if chain.position() == Position::Exact || chain.all {
                continue;
            }
            for value in &item.item.values {
                if matches!(&value.value, ValueKind::String(s) if s.is_empty()) {
                    cx.report(Self::META.diagnostic(
                        format!(
                            "`{}` with an empty string matches every value of the field",
                            item.item.key.value
                        ),
                        value.span,
                    ));
                }
            }
        }
    }
}
