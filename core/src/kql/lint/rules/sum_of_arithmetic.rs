use crate::declare_rule;
use crate::diagnostic::{Fix, TextEdit};
use crate::kql::ast::*;
use crate::kql::lint::{call_name, KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags `sum(a + b)` and `sum(a - b)` where both operands are columns or expressions
    /// (not constants).
    ///
    /// ## Why it matters
    /// Arithmetic with a null gives null, and `sum` skips nulls: a row where either `a` or
    /// `b` is empty contributes nothing, not its other half. Byte counts with a missing
    /// `SentBytes` vanish from `sum(SentBytes + ReceivedBytes)`, and a volume threshold is
    /// never reached. Kusto's analyzer reports the same as KS505.
    ///
    /// ## Example
    /// ```kql
    /// CommonSecurityLog | summarize Total = sum(SentBytes + ReceivedBytes) by SourceIP
    /// ```
    /// Use instead: `Total = sum(SentBytes) + sum(ReceivedBytes)`.
    ///
    /// ## Fix
    /// Unsafe: the rewrite changes the result on rows with nulls, which is the point.
    pub SumOfArithmetic {
        code: "KQL337",
        slug: "sum-of-arithmetic",
        language: Kql,
        severity: Warning,
        category: Correctness,
        fix: Unsafe,
        summary: "`sum(a + b)` drops rows where either operand is null",
    }
}

fn is_constant(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Literal(_) => true,
        ExprKind::Paren(inner) | ExprKind::Unary { operand: inner, .. } => is_constant(inner),
        _ => false,
    }
}

impl KqlRule for SumOfArithmetic {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let Some((callee, [arg])) = call_name(expr) else {
                continue;
            };
            if callee.name != "sum" {
                continue;
            }
            let ExprKind::Binary {
                op: op @ (BinaryOp::Add | BinaryOp::Sub),
                left,
                right,
            } = &arg.value.kind
            else {
                continue;
            };
            if is_constant(left) || is_constant(right) {
                continue;
            }
            let replacement = format!(
                "sum({}) {} sum({})",
                left.span.text(cx.text),
                op.text(),
                right.span.text(cx.text)
            );
            found.push(
                Self::META
                    .diagnostic(
                        format!(
                            "`{}`: a row where either operand is null adds nothing",
                            expr.span.text(cx.text)
                        ),
                        expr.span,
                    )
                    .with_help(format!("sum each column on its own: `{replacement}`"))
                    .with_fix(Fix {
                        title: format!("Use `{replacement}`"),
                        edits: vec![TextEdit {
                            span: expr.span,
                            text: replacement,
                        }],
                        is_safe: false,
                    }),
            );
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
