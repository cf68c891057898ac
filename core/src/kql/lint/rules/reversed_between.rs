use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags `between (low .. high)` with number or timespan literals where `low > high`.
    ///
    /// ## Why it matters
    /// The range is empty: `between (5 .. 0)` is never true, so the filter drops every row
    /// and the rule cannot fire (`!between` keeps every row).
    ///
    /// ## Example
    /// ```kql
    /// T | where datetime_diff("second", Later, Earlier) between (2 .. 0)
    /// ```
    /// Use instead: `between (0 .. 2)`.
    ///
    /// ## Fix
    /// Unsafe: swapping the bounds changes which rows match.
    pub ReversedBetween {
        code: "KQL324",
        slug: "reversed-between",
        language: Kql,
        severity: Warning,
        category: Correctness,
        fix: Unsafe,
        summary: "`between` with low > high is never true",
    }
}

fn number(expr: &Expr) -> Option<f64> {
    match &expr.kind {
        ExprKind::Literal(Literal::Long(n)) => Some(*n as f64),
        ExprKind::Literal(Literal::Real(n)) => Some(*n),
        ExprKind::Unary {
            op: UnaryOp::Neg,
            operand,
        } => number(operand).map(|n| -n),
        _ => None,
    }
}

impl KqlRule for ReversedBetween {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let ExprKind::Between { low, high, .. } = &expr.kind else {
                continue;
            };
            let (Some(l), Some(h)) = (number(low), number(high)) else {
                continue;
            };
            if l <= h {
                continue;
            }
            let (low_text, high_text) = (
                low.span.text(cx.text).to_string(),
                high.span.text(cx.text).to_string(),
            );
            found.push(
                Self::META
                    .diagnostic(format!("`between ({low_text} .. {high_text})` is empty: the low bound is above the high bound"), expr.span)
                    .with_fix(crate::diagnostic::Fix {
                        title: format!("Swap to `({high_text} .. {low_text})`"),
                        edits: vec![
                            crate::diagnostic::TextEdit { span: low.span, text: high_text.clone() },
                            crate::diagnostic::TextEdit { span: high.span, text: low_text.clone() },
                        ],
                        is_safe: false,
                    }),
            );
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
