use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::ast::ValueKind;
use crate::sigma::lint::{is_pattern_item, LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a value that is only `*`.
    ///
    /// ## Why it matters
    /// Backends disagree on what `Field: '*'` means (present, non-empty, or anything at
    /// all); the `exists` modifier says "the field is present" on every backend.
    ///
    /// ## Example
    /// `selection: {ParentImage: '*'}`
    /// Use instead: `ParentImage|exists: true`.
    ///
    /// ## Fix
    /// None.
    pub WildcardOnlyValue {
        code: "SIG378",
        slug: "wildcard-only-value",
        language: Sigma,
        severity: Hint,
        category: DetectionQuality,
        fix: None,
        summary: "a value that is only `*`",
    }
}

impl SigmaLintRule for WildcardOnlyValue {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for item in cx.items() {
            if !is_pattern_item(item.item) || item.field().is_none() {
                continue;
            }
            for value in &item.item.values {
                if matches!(&value.value, ValueKind::String(s) if s == "*") {
                    cx.report(
                        Self::META
                            .diagnostic(
                                "`*` alone means different things on different backends",
                                value.span,
                            )
                            .with_help(format!(
                                "write `{}|exists: true`",
                                item.field().unwrap_or("Field")
                            )),
                    );
                }
            }
        }
    }
}
