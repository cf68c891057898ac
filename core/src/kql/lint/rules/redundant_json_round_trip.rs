use crate::declare_rule;
use crate::diagnostic::{Fix, TextEdit};
use crate::kql::lint::{call_name, KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags `tostring(parse_json(x))` and `tostring(todynamic(x))`.
    ///
    /// ## Why it matters
    /// When `x` is a string, parsing it as JSON and turning it back into a string costs a
    /// JSON parse per row and can change the text (whitespace, key order, number formats),
    /// so string comparisons on the result may stop matching.
    ///
    /// ## Example
    /// ```kql
    /// T | extend Cmd = tostring(parse_json(AdditionalFields))
    /// ```
    /// Use instead: `extend Cmd = AdditionalFields` or access a property:
    /// `tostring(parse_json(AdditionalFields).Command)`.
    ///
    /// ## Fix
    /// Unsafe: drops the round trip; only right when `x` is already a string.
    pub RedundantJsonRoundTrip {
        code: "KQL308",
        slug: "redundant-json-round-trip",
        language: Kql,
        severity: Info,
        category: Performance,
        fix: Unsafe,
        summary: "`tostring(parse_json(x))` parses and re-serializes for nothing",
    }
}

impl KqlRule for RedundantJsonRoundTrip {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let Some((outer, [arg])) = call_name(expr) else {
                continue;
            };
            if outer.name != "tostring" || arg.name.is_some() {
                continue;
            }
            let Some((inner, [inner_arg])) = call_name(&arg.value) else {
                continue;
            };
            if !matches!(
                inner.name.as_str(),
                "parse_json" | "todynamic" | "parsejson"
            ) || inner_arg.name.is_some()
            {
                continue;
            }
            let original = inner_arg.value.span.text(cx.text).to_string();
            found.push(
                Self::META
                    .diagnostic(format!("`tostring({}(...))` parses JSON and turns it back into a string", inner.name), expr.span)
                    .with_help("compare the original string, or read a property: `tostring(parse_json(x).Name)`")
                    .with_fix(Fix {
                        title: format!("Use `{original}` directly"),
                        edits: vec![TextEdit { span: expr.span, text: original }],
                        is_safe: false,
                    }),
            );
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
