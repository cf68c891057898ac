use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags `where` predicates that are constants: `where false`, `where true`,
    /// `where 1 == 2`, `where "a" == "a"`.
    ///
    /// ## Why it matters
    /// `where false` drops every row, so the rule can never fire; `where true` filters
    /// nothing and usually marks a condition that was commented out while testing.
    ///
    /// ## Example
    /// ```kql
    /// DeviceProcessEvents | where false | project FileName
    /// ```
    /// Use instead: the intended condition, or remove the line.
    ///
    /// ## Fix
    /// None.
    pub ConstantPredicate {
        code: "KQL326",
        slug: "constant-predicate",
        language: Kql,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "`where` with a constant predicate keeps every row or none",
    }
}

/// The predicate's constant value, when it has one.
fn constant(expr: &Expr) -> Option<bool> {
    match &expr.kind {
        ExprKind::Literal(Literal::Bool(b)) => Some(*b),
        ExprKind::Paren(inner) => constant(inner),
        ExprKind::Binary {
            op: op @ (BinaryOp::Eq | BinaryOp::NotEq),
            left,
            right,
        } => match (&left.kind, &right.kind) {
            (ExprKind::Literal(a), ExprKind::Literal(b)) => Some((a == b) == (*op == BinaryOp::Eq)),
            _ => None,
        },
        _ => None,
    }
}

impl KqlRule for ConstantPredicate {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for op in cx.operators() {
            let OperatorKind::Where { predicate, .. } = &op.kind else {
                continue;
            };
            let Some(value) = constant(predicate) else {
                continue;
            };
            let message = if value {
                "this `where` is always true: it filters nothing"
            } else {
                "this `where` is always false: no row passes, so the rule can never fire"
            };
            found.push(Self::META.diagnostic(message, predicate.span));
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
