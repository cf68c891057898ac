use crate::declare_rule;
use crate::diagnostic::Fix;
use crate::kql::ast::*;
use crate::kql::lint::{string_literal, KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags `in`/`!in`/`in~`/`!in~` with a single literal value.
    ///
    /// ## Why it matters
    /// A one-value list reads like an unfinished edit; `==`/`=~` says what is meant.
    ///
    /// ## Example
    /// ```kql
    /// T | where ActionType in ("ProcessCreated")
    /// ```
    /// Use instead: `where ActionType == "ProcessCreated"`.
    ///
    /// ## Fix
    /// Safe: the same comparison.
    pub SingleValueIn {
        code: "KQL320",
        slug: "single-value-in",
        language: Kql,
        severity: Hint,
        category: Style,
        fix: Safe,
        summary: "`in` with a single value: use `==`",
    }
}

impl KqlRule for SingleValueIn {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let ExprKind::InList { op, left, list } = &expr.kind else {
                continue;
            };
            let replacement_op = match op {
                ListOp::In => "==",
                ListOp::NotIn => "!=",
                ListOp::InCi => "=~",
                ListOp::NotInCi => "!~",
                _ => continue,
            };
            let [only] = list.as_slice() else { continue };
            if string_literal(only).is_none()
                && !matches!(
                    only.kind,
                    ExprKind::Literal(Literal::Long(_) | Literal::Real(_))
                )
            {
                continue;
            }
            let replacement = format!(
                "{} {replacement_op} {}",
                left.span.text(cx.text),
                only.span.text(cx.text)
            );
            found.push(
                Self::META
                    .diagnostic(
                        format!("`{}` with one value is `{replacement_op}`", op.text()),
                        expr.span,
                    )
                    .with_fix(Fix::replace_with(expr.span, replacement, true)),
            );
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
