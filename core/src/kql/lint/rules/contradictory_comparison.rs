use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{column_name, string_literal, KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags `or` chains that exclude two different values of the same column
    /// (`FileName != "a.exe" or FileName != "b.exe"`) and `and` chains that require two
    /// different values of it (`FileName == "a.exe" and FileName == "b.exe"`). Applies to
    /// `==`/`!=` and `=~`/`!~` (case ignored) with literal values.
    ///
    /// ## Why it matters
    /// Every value differs from at least one of two different values, so the `or` of the
    /// two exclusions is true for every row (the exclusion excludes nothing); no value
    /// equals two different values, so the `and` is never true (the rule never fires). Both come from writing the English "not a or b" as `!= a or != b`.
    ///
    /// ## Example
    /// ```kql
    /// DeviceProcessEvents | where InitiatingProcessFileName != "svchost.exe" or InitiatingProcessFileName != "services.exe"
    /// ```
    /// Use instead: `where InitiatingProcessFileName !in~ ("svchost.exe", "services.exe")`.
    ///
    /// ## Fix
    /// None: `and` or `in` depends on what was meant.
    pub ContradictoryComparison {
        code: "KQL348",
        slug: "contradictory-comparison",
        language: Kql,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "`!= a or != b` is always true; `== a and == b` is never true",
    }
}

/// A literal a column is compared with, and whether case is ignored.
#[derive(Debug, PartialEq)]
struct Compared {
    value: String,
    ignore_case: bool,
}

impl Compared {
    fn differs_from(&self, other: &Compared) -> bool {
        if self.ignore_case || other.ignore_case {
            self.value.to_lowercase() != other.value.to_lowercase()
        } else {
            self.value != other.value
        }
    }
}

/// (column, value, is_negated) of `col == "v"`, `col !~ "v"`, `col != 4`.
fn comparison(expr: &Expr) -> Option<(&str, Compared, bool)> {
    let ExprKind::Binary { op, left, right } = &expr.kind else {
        return None;
    };
    let (is_negated, ignore_case) = match op {
        BinaryOp::Eq => (false, false),
        BinaryOp::NotEq => (true, false),
        BinaryOp::EqCi => (false, true),
        BinaryOp::NotEqCi => (true, true),
        _ => return None,
    };
    let column = column_name(left)?;
    let value = match &right.kind {
        ExprKind::Literal(Literal::Long(n)) => format!("long:{n}"),
        _ => format!("string:{}", string_literal(right)?),
    };
    Some((column, Compared { value, ignore_case }, is_negated))
}

impl KqlRule for ContradictoryComparison {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let ExprKind::Logical { op, operands } = &expr.kind else {
                continue;
            };
            // `or` of exclusions, `and` of equalities.
            let wanted_negation = *op == LogicalOp::Or;
            let tests: Vec<(&str, Compared, &Expr)> = operands
                .iter()
                .filter_map(|o| {
                    let (column, value, is_negated) = comparison(o)?;
                    (is_negated == wanted_negation).then_some((column, value, o))
                })
                .collect();
            for (i, (column, value, operand)) in tests.iter().enumerate() {
                let earlier = tests
                    .iter()
                    .take(i)
                    .find(|(c, v, _)| c == column && v.differs_from(value));
                let Some((_, _, first)) = earlier else {
                    continue;
                };
                let message = if wanted_negation {
                    format!("`{}` or `{}` is true for every row: a value always differs from one of two different values", first.span.text(cx.text), operand.span.text(cx.text))
                } else {
                    format!(
                        "`{}` and `{}` is never true: `{column}` cannot equal two different values",
                        first.span.text(cx.text),
                        operand.span.text(cx.text)
                    )
                };
                let help = if wanted_negation {
                    format!("to exclude both, use `and`, or `{column} !in (...)`")
                } else {
                    format!("to accept either, use `or`, or `{column} in (...)`")
                };
                found.push(Self::META.diagnostic(message, operand.span).with_help(help));
                // One finding per chain and column is enough.
                break;
            }
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
