use crate::declare_rule;
use crate::diagnostic::Fix;
use crate::kql::ast::*;
use crate::kql::lint::{string_literal, KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags `has_any` / `has_all` with a single literal value.
    ///
    /// ## Why it matters
    /// With one value both are plain `has`; the list form reads like an unfinished edit
    /// where more terms were meant to be added.
    ///
    /// ## Example
    /// ```kql
    /// T | where CommandLine has_any ("mimikatz")
    /// ```
    /// Use instead: `where CommandLine has "mimikatz"`.
    ///
    /// ## Fix
    /// Safe: the same match.
    pub SingleValueHasAny {
        code: "KQL325",
        slug: "single-value-has-any",
        language: Kql,
        severity: Hint,
        category: Style,
        fix: Safe,
        summary: "`has_any` with a single value: use `has`",
    }
}

impl KqlRule for SingleValueHasAny {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let ExprKind::InList {
                op: op @ (ListOp::HasAny | ListOp::HasAll),
                left,
                list,
            } = &expr.kind
            else {
                continue;
            };
            let [only] = list.as_slice() else { continue };
            if string_literal(only).is_none() {
                continue;
            }
            let replacement = format!(
                "{} has {}",
                left.span.text(cx.text),
                only.span.text(cx.text)
            );
            found.push(
                Self::META
                    .diagnostic(
                        format!("`{}` with one value is `has`", op.text()),
                        expr.span,
                    )
                    .with_fix(Fix::replace_with(expr.span, replacement, true)),
            );
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
