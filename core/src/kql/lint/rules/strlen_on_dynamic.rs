use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{call_name, KqlRule, LintContext};
use crate::lint::RuleMeta;
use crate::value::ScalarType;

declare_rule! {
    /// ## What it does
    /// Flags `strlen(x)` where `x` is a whole dynamic value: a dynamic column, a variable
    /// holding `split()` or `parse_json()`. Elements and properties (`parts[0]`,
    /// `AdditionalFields.Name`) are usually scalar strings and are not reported.
    ///
    /// ## Why it matters
    /// `strlen` measures text. On a dynamic value Kusto first serializes it, so an array
    /// or property bag is measured as its JSON text (`["a","b"]` is 9, not 2), and a
    /// string property depends on the conversion. Kusto's analyzer reports the same as
    /// KS516.
    ///
    /// ## Example
    /// ```kql
    /// DeviceEvents | extend Parts = split(FolderPath, "\\") | where strlen(Parts) > 100
    /// ```
    /// Use instead: `array_length(Parts)` to count the elements of an array, or
    /// `strlen(tostring(x))` when the text is really meant.
    ///
    /// ## Fix
    /// None: `tostring()` or `array_length()` depends on what is measured. Needs the
    /// schema for columns.
    pub StrlenOnDynamic {
        code: "KQL329",
        slug: "strlen-on-dynamic",
        language: Kql,
        severity: Info,
        category: Correctness,
        fix: None,
        summary: "`strlen()` on a dynamic value measures its JSON text",
    }
}

impl KqlRule for StrlenOnDynamic {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let Some((callee, [arg])) = call_name(expr) else {
                continue;
            };
            if callee.name != "strlen" || cx.type_of(&arg.value) != Some(ScalarType::Dynamic) {
                continue;
            }
            // An element or property (`parts[0]`, `x.Name`) is usually a scalar string,
            // which converts as expected.
            if matches!(
                arg.value.kind,
                ExprKind::Index { .. } | ExprKind::Member { .. }
            ) {
                continue;
            }
            let argument = arg.value.span.text(cx.text);
            found.push(
                Self::META
                    .diagnostic(
                        format!("`strlen({argument})`: `{argument}` is dynamic; if it holds an array or property bag, its JSON text is measured"),
                        expr.span,
                    )
                    .with_help(format!("use `strlen(tostring({argument}))` for a string, `array_length({argument})` for an array")),
            );
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
