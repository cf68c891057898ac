//! Aggregates inside scalar expressions: `summarize r = toupper(tohex(binary_all_xor(n)))`,
//! `Avg = sum(x) / count()`.
//!
//! `summarize` accumulates each inner aggregate call like a top-level one, then evaluates the
//! rest of the expression once per group over the results. [`extract`] finds the calls and
//! gives back the expression with each call replaced by a name that the group's results
//! are bound to.

use crate::kql::ast::{Arg, Expr, ExprKind, Ident};

use super::is_aggregate;

/// One aggregate call found in an expression.
pub struct NestedCall<'a> {
    /// The name the rewritten expression uses for the call's result.
    pub binding: String,
    /// The canonical aggregate name.
    pub name: String,
    pub args: &'a [Arg],
}

/// The expression with its outermost aggregate calls replaced by names (`prefix` + index),
/// and those calls. Calls inside another aggregate's arguments stay (they are errors).
pub fn extract<'a>(expr: &'a Expr, prefix: &str) -> (Expr, Vec<NestedCall<'a>>) {
    let mut calls = Vec::new();
    let rewritten = rewrite(expr, prefix, &mut calls);
    (rewritten, calls)
}

/// The canonical aggregate name of a call, if it is one.
pub fn aggregate_name(expr: &Expr) -> Option<(String, &[Arg])> {
    let ExprKind::Call { callee, args } = &expr.kind else {
        return None;
    };
    let written = &callee.as_name()?.name;
    let name = crate::kql::functions::lookup(written).map_or(written.as_str(), |info| info.name);
    is_aggregate(name).then(|| (name.to_string(), args.as_slice()))
}

fn rewrite<'a>(expr: &'a Expr, prefix: &str, calls: &mut Vec<NestedCall<'a>>) -> Expr {
    if let Some((name, args)) = aggregate_name(expr) {
        let binding = format!("{prefix}{}", calls.len());
        calls.push(NestedCall {
            binding: binding.clone(),
            name,
            args,
        });
        return Expr {
            kind: ExprKind::Name(Ident {
                name: binding,
                is_quoted: false,
                span: expr.span,
            }),
            span: expr.span,
            depth: 1,
        };
    }
    let mut each = |e: &'a Expr| Box::new(rewrite(e, prefix, calls));
    let kind = match &expr.kind {
        ExprKind::Paren(inner) => ExprKind::Paren(each(inner)),
        ExprKind::Unary { op, operand } => ExprKind::Unary {
            op: *op,
            operand: each(operand),
        },
        ExprKind::Binary { op, left, right } => ExprKind::Binary {
            op: *op,
            left: each(left),
            right: each(right),
        },
        ExprKind::Between {
            is_negated,
            left,
            low,
            high,
        } => ExprKind::Between {
            is_negated: *is_negated,
            left: each(left),
            low: each(low),
            high: each(high),
        },
        ExprKind::Member { target, name } => ExprKind::Member {
            target: each(target),
            name: name.clone(),
        },
        ExprKind::Index { target, index } => ExprKind::Index {
            target: each(target),
            index: each(index),
        },
        ExprKind::Logical { op, operands } => ExprKind::Logical {
            op: *op,
            operands: operands.iter().map(|e| rewrite(e, prefix, calls)).collect(),
        },
        ExprKind::InList { op, left, list } => ExprKind::InList {
            op: *op,
            left: Box::new(rewrite(left, prefix, calls)),
            list: list.iter().map(|e| rewrite(e, prefix, calls)).collect(),
        },
        ExprKind::Call { callee, args } => ExprKind::Call {
            callee: callee.clone(),
            args: args
                .iter()
                .map(|a| Arg {
                    name: a.name.clone(),
                    value: rewrite(&a.value, prefix, calls),
                })
                .collect(),
        },
        other => other.clone(),
    };
    Expr {
        kind,
        span: expr.span,
        depth: expr.depth,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use crate::kql::eval::{evaluate, EvalOptions};
    use crate::kql::parse;
    use crate::value::Value;

    fn run(query: &str) -> Vec<Vec<Value>> {
        let parsed = parse(query);
        let evaluation = evaluate(&parsed.query, &HashMap::new(), &EvalOptions::default());
        evaluation
            .ok()
            .and_then(|e| e.table)
            .map(|t| t.rows)
            .unwrap_or_default()
    }

    #[test]
    fn expressions_over_aggregates() {
        let rows = run("range x from 1 to 4 step 1 | summarize Avg = sum(x) / count(), Top = tostring(max(x)) by Even = x % 2 == 0");
        assert_eq!(
            rows,
            vec![
                vec![Value::Bool(false), Value::Long(2), Value::string("3")],
                vec![Value::Bool(true), Value::Long(3), Value::string("4")],
            ]
        );
    }
}
