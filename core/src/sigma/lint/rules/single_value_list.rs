use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{fix, LintContext, SigmaLintRule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags a field whose value is a list of one item.
    ///
    /// ## Why it matters
    /// A one-item list means the same as the item; SigmaHQ writes the scalar
    /// (`test_selection_list_one_value`), which is shorter and shows that no alternatives
    /// are meant.
    ///
    /// ## Example
    /// ```yaml
    /// Image|endswith:
    ///     - '\whoami.exe'
    /// ```
    /// Use instead: `Image|endswith: '\whoami.exe'`.
    ///
    /// ## Fix
    /// Safe: writes the scalar.
    pub SingleValueList {
        code: "SIG367",
        slug: "single-value-list",
        language: Sigma,
        severity: Hint,
        category: Style,
        fix: Safe,
        summary: "a list with a single value",
    }
}

impl SigmaLintRule for SingleValueList {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for item in cx.items() {
            let [only] = item.item.values.as_slice() else {
                continue;
            };
            if !item.item.is_list {
                continue;
            }
            let mut diagnostic = Self::META.diagnostic(
                format!("`{}` has a list of one value", item.item.key.value),
                item.item.value_span,
            );
            let value_text = cx.slice(only.span).to_string();
            let list = cx.slice(item.item.value_span);
            let key_end = item.item.key.span.end as usize;
            let between = cx.text.get(key_end..only.span.start as usize).unwrap_or("");
            if list.starts_with('[') && list.ends_with(']') && !value_text.is_empty() {
                diagnostic = diagnostic.with_fix(fix(
                    "Write the value alone",
                    item.item.value_span,
                    value_text,
                    true,
                ));
            } else if between.trim_start().starts_with(':')
                && between.trim_start().trim_start_matches(':').trim() == "-"
            {
                diagnostic = diagnostic.with_fix(fix(
                    "Write the value alone",
                    Span::new(key_end, only.span.start as usize),
                    ": ",
                    true,
                ));
            }
            cx.report(diagnostic);
        }
    }
}
