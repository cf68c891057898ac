use crate::declare_rule;
use crate::diagnostic::{Fix, TextEdit};
use crate::kql::ast::*;
use crate::kql::lint::{string_literal, KqlRule, LintContext};
use crate::lint::RuleMeta;
use crate::value::ScalarType;

declare_rule! {
    /// ## What it does
    /// Flags a datetime (a datetime column of the profile's schema, `now()`, `ago()`...)
    /// compared with a string literal: `TimeGenerated > "2024-01-01"`.
    ///
    /// ## Why it matters
    /// A string is not a point in time: the comparison depends on Kusto converting the
    /// text on every evaluation, and how a text such as `"01/02/2024"` converts depends on
    /// its format. `datetime(2024-01-01)` is read once, when the query is compiled, and
    /// is unambiguous.
    ///
    /// ## Example
    /// ```kql
    /// SigninLogs | where TimeGenerated > "2024-01-01"
    /// ```
    /// Use instead: `where TimeGenerated > datetime(2024-01-01)`.
    ///
    /// ## Fix
    /// Unsafe: wraps the text in `datetime(...)`; the author confirms the format was read
    /// as meant. Needs the schema for columns.
    pub DatetimeStringComparison {
        code: "KQL332",
        slug: "datetime-string-comparison",
        language: Kql,
        severity: Warning,
        category: Correctness,
        fix: Unsafe,
        summary: "Datetime compared with a string literal: use `datetime(...)`",
    }
}

impl KqlRule for DatetimeStringComparison {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let pairs: Vec<(&Expr, &Expr)> = match &expr.kind {
                ExprKind::Binary {
                    op:
                        BinaryOp::Eq
                        | BinaryOp::NotEq
                        | BinaryOp::Lt
                        | BinaryOp::Le
                        | BinaryOp::Gt
                        | BinaryOp::Ge,
                    left,
                    right,
                } => vec![(left, right), (right, left)],
                ExprKind::Between {
                    left, low, high, ..
                } => vec![(left, low), (left, high)],
                _ => continue,
            };
            for (time, value) in pairs {
                if cx.type_of(time) != Some(ScalarType::Datetime) {
                    continue;
                }
                let Some(text) = string_literal(value) else {
                    continue;
                };
                if text.trim().is_empty() {
                    continue;
                }
                let replacement = format!("datetime({})", text.trim());
                found.push(
                    Self::META
                        .diagnostic(
                            format!(
                                "`{}` is a datetime but is compared with the string \"{text}\"",
                                time.span.text(cx.text)
                            ),
                            value.span,
                        )
                        .with_fix(Fix {
                            title: format!("Use `{replacement}`"),
                            edits: vec![TextEdit {
                                span: value.span,
                                text: replacement,
                            }],
                            is_safe: false,
                        }),
                );
            }
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
