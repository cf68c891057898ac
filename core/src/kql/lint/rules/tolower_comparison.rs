use crate::declare_rule;
use crate::diagnostic::{Fix, TextEdit};
use crate::kql::ast::*;
use crate::kql::lint::{call_name, string_literal, KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags `tolower(x) == "value"` and `toupper(x) == "VALUE"`.
    ///
    /// ## Why it matters
    /// Converting every value before comparing costs a string allocation per row and
    /// prevents index use; `=~` compares case-insensitively at no extra cost (Kusto's
    /// analyzer suggests the same).
    ///
    /// ## Example
    /// ```kql
    /// T | where tolower(FileName) == "cmd.exe"
    /// ```
    /// Use instead: `where FileName =~ "cmd.exe"`.
    ///
    /// ## Fix
    /// Safe when the literal is already in the converted case.
    pub TolowerComparison {
        code: "KQL319",
        slug: "tolower-comparison",
        language: Kql,
        severity: Info,
        category: Performance,
        fix: Safe,
        summary: "`tolower(x) == \"v\"`: use `x =~ \"v\"`",
    }
}

impl KqlRule for TolowerComparison {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let ExprKind::Binary { op, left, right } = &expr.kind else {
                continue;
            };
            let replacement_op = match op {
                BinaryOp::Eq => "=~",
                BinaryOp::NotEq => "!~",
                _ => continue,
            };
            let Some((callee, [arg])) = call_name(left) else {
                continue;
            };
            let is_lower = match callee.name.as_str() {
                "tolower" => true,
                "toupper" => false,
                _ => continue,
            };
            let Some(value) = string_literal(right) else {
                continue;
            };
            let already_converted = if is_lower {
                value == value.to_lowercase()
            } else {
                value == value.to_uppercase()
            };
            let replacement = format!(
                "{} {replacement_op} {}",
                arg.value.span.text(cx.text),
                right.span.text(cx.text)
            );
            found.push(
                Self::META
                    .diagnostic(format!("`{}(...)` converts every value; `{replacement_op}` compares case-insensitively", callee.name), expr.span)
                    .with_fix(Fix {
                        title: format!("Use `{replacement}`"),
                        edits: vec![TextEdit { span: expr.span, text: replacement }],
                        is_safe: already_converted,
                    }),
            );
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
