use crate::declare_rule;
use crate::diagnostic::{Fix, TextEdit};
use crate::kql::ast::*;
use crate::kql::lint::{string_literal, KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags `x == ""` and `x != ""`.
    ///
    /// ## Why it matters
    /// A missing value is null, not the empty string: `x == ""` is false for null and
    /// `x != ""` is true for it, so the filter keeps or drops rows the author did not
    /// think about. `isempty(x)` / `isnotempty(x)` treat both alike.
    ///
    /// ## Example
    /// ```kql
    /// SigninLogs | where UserPrincipalName != ""
    /// ```
    /// Use instead: `where isnotempty(UserPrincipalName)`.
    ///
    /// ## Fix
    /// Unsafe: null rows change sides.
    pub EmptyStringComparison {
        code: "KQL317",
        slug: "empty-string-comparison",
        language: Kql,
        severity: Info,
        category: Correctness,
        fix: Unsafe,
        summary: "Comparison with \"\" misses null values: use isempty()/isnotempty()",
    }
}

impl KqlRule for EmptyStringComparison {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let ExprKind::Binary { op, left, right } = &expr.kind else {
                continue;
            };
            let function = match op {
                BinaryOp::Eq | BinaryOp::EqCi => "isempty",
                BinaryOp::NotEq | BinaryOp::NotEqCi => "isnotempty",
                _ => continue,
            };
            if string_literal(right) != Some("") {
                continue;
            }
            let replacement = format!("{function}({})", left.span.text(cx.text));
            found.push(
                Self::META
                    .diagnostic(format!("comparing with \"\" treats null differently from empty: use `{function}()`"), expr.span)
                    .with_fix(Fix {
                        title: format!("Use `{replacement}`"),
                        edits: vec![TextEdit { span: expr.span, text: replacement }],
                        is_safe: false,
                    }),
            );
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
