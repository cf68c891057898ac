use crate::declare_rule;
use crate::diagnostic::{Fix, TextEdit};
use crate::kql::lint::{call_name, KqlRule, LintContext};
use crate::lint::RuleMeta;
use crate::value::ScalarType;

declare_rule! {
    /// ## What it does
    /// Flags `isnull(x)` and `isnotnull(x)` where `x` is a string (a string column of the
    /// profile's schema, or a function that returns a string such as `tostring()`).
    ///
    /// ## Why it matters
    /// Kusto strings are never null: a missing value is the empty string. `isnull(s)` is
    /// always false and `isnotnull(s)` always true, so the filter does nothing (an exclusion
    /// that never excludes, a condition that never holds). Kusto's analyzer reports the
    /// same as KS501 and KS502.
    ///
    /// ## Example
    /// ```kql
    /// SigninLogs | where isnotnull(UserPrincipalName)
    /// ```
    /// Use instead: `where isnotempty(UserPrincipalName)`.
    ///
    /// ## Fix
    /// Unsafe: `isempty`/`isnotempty` change which rows match (that is the point); offered
    /// for the author to confirm. Needs the schema: silent under the `none` profile.
    pub IsnullOnString {
        code: "KQL328",
        slug: "isnull-on-string",
        language: Kql,
        severity: Warning,
        category: Correctness,
        fix: Unsafe,
        summary: "`isnull()`/`isnotnull()` on a string is constant: strings are never null",
    }
}

impl KqlRule for IsnullOnString {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let Some((callee, [arg])) = call_name(expr) else {
                continue;
            };
            let (replacement, constant) = match callee.name.as_str() {
                "isnull" => ("isempty", "false"),
                "isnotnull" => ("isnotempty", "true"),
                _ => continue,
            };
            if cx.type_of(&arg.value) != Some(ScalarType::String) {
                continue;
            }
            let argument = arg.value.span.text(cx.text);
            found.push(
                Self::META
                    .diagnostic(
                        format!("`{}({argument})` is always {constant}: `{argument}` is a string, and Kusto strings are never null", callee.name),
                        expr.span,
                    )
                    .with_help(format!("a missing string is \"\": use `{replacement}({argument})`"))
                    .with_fix(Fix {
                        title: format!("Use `{replacement}({argument})`"),
                        edits: vec![TextEdit {
                            span: callee.span,
                            text: replacement.to_string(),
                        }],
                        is_safe: false,
                    }),
            );
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
