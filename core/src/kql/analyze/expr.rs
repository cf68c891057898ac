//! Scalar expressions in a row scope: names resolve to columns, `let` values or parameters;
//! calls to the function catalog (arity checked); the result type where it is known.

use super::{Analyzer, Binding, RowSchema};
use crate::diagnostic::Diagnostic;
use crate::kql::ast::*;
use crate::kql::functions;
use crate::value::ScalarType;

/// Functions whose arguments are not ordinary expressions in the row scope.
fn is_special_function(name: &str) -> bool {
    matches!(
        name,
        "column_ifexists"
            | "columnifexists"
            | "materialize"
            | "toscalar"
            | "table"
            | "view"
            | "cluster"
            | "database"
            | "external_table"
            | "pack_all"
            | "bag_pack_columns"
    )
}

impl Analyzer<'_> {
    /// Checks an expression in a row scope and returns its type when known (and records it
    /// for the linter).
    pub(super) fn scalar(&mut self, expr: &Expr, row: &RowSchema) -> Option<ScalarType> {
        let ty = self.scalar_type(expr, row);
        if let Some(ty) = ty {
            self.types.insert(expr.span, ty);
        }
        ty
    }

    fn scalar_type(&mut self, expr: &Expr, row: &RowSchema) -> Option<ScalarType> {
        match &expr.kind {
            ExprKind::Literal(literal) => literal_type(literal),
            ExprKind::Name(ident) => self.name(ident, row),
            ExprKind::Wildcard { .. } | ExprKind::TypeOf { .. } | ExprKind::Error => None,
            ExprKind::Paren(inner) => {
                if self.is_tabular(inner) {
                    self.source(inner);
                    None
                } else {
                    self.scalar(inner, row)
                }
            }
            ExprKind::Unary { operand, .. } => self.scalar(operand, row),
            ExprKind::Binary { op, left, right } => {
                let left_type = self.scalar(left, row);
                let right_type = self.scalar(right, row);
                binary_type(*op, left_type, right_type)
            }
            ExprKind::Logical { operands, .. } => {
                for operand in operands {
                    self.scalar(operand, row);
                }
                Some(ScalarType::Bool)
            }
            ExprKind::InList { left, list, .. } => {
                self.scalar(left, row);
                for item in list {
                    self.list_item(item, row);
                }
                Some(ScalarType::Bool)
            }
            ExprKind::Between {
                left, low, high, ..
            } => {
                self.scalar(left, row);
                self.scalar(low, row);
                self.scalar(high, row);
                Some(ScalarType::Bool)
            }
            ExprKind::Call { callee, args } => self.call(expr, callee, args, row),
            ExprKind::Member { target, .. } => {
                // `$left.X` is checked by join; elsewhere a member reads a dynamic property.
                if !matches!(&target.kind, ExprKind::Name(side) if side.name.starts_with('$')) {
                    self.scalar(target, row);
                }
                Some(ScalarType::Dynamic)
            }
            ExprKind::Index { target, index } => {
                self.scalar(target, row);
                self.scalar(index, row);
                Some(ScalarType::Dynamic)
            }
            ExprKind::List(items) => {
                for item in items {
                    self.scalar(item, row);
                }
                None
            }
            ExprKind::Pipeline { .. } | ExprKind::Source(_) => {
                self.source(expr);
                None
            }
        }
    }

    /// An `in (...)` item: a value, a `let` list, or a subquery.
    fn list_item(&mut self, item: &Expr, row: &RowSchema) {
        if self.is_tabular(item)
            && !matches!(&item.kind, ExprKind::Name(ident) if row.has(&ident.name))
        {
            self.source(item);
        } else {
            self.scalar(item, row);
        }
    }

    fn name(&mut self, ident: &Ident, row: &RowSchema) -> Option<ScalarType> {
        if let Some(column) = row.column(&ident.name) {
            return column.ty;
        }
        match self.lookup(&ident.name) {
            Some(Binding::Scalar(ty)) => return *ty,
            Some(_) => return None,
            None => {}
        }
        if row.is_open || ident.name.starts_with('$') {
            return None;
        }
        // A table or tabular function used as a value (`in (T)`, `toscalar(T)`).
        if self.schema.tabular(&ident.name).is_some() {
            return None;
        }
        self.unknown_column(ident, row);
        None
    }

    fn call(
        &mut self,
        expr: &Expr,
        callee: &Expr,
        args: &[Arg],
        row: &RowSchema,
    ) -> Option<ScalarType> {
        let ExprKind::Name(ident) = &callee.kind else {
            self.scalar(callee, row);
            for arg in args {
                self.scalar(&arg.value, row);
            }
            return None;
        };
        let name = ident.name.as_str();
        if is_special_function(name) {
            for arg in args {
                if self.is_tabular(&arg.value) {
                    self.source(&arg.value);
                }
            }
            return None;
        }
        if let Some(Binding::Function {
            parameter_count: (required, total),
        }) = self.lookup(name).cloned()
        {
            self.check_arity(ident, args.len(), required, Some(total), expr);
            for arg in args {
                self.list_item(&arg.value, row);
            }
            return None;
        }
        if self.schema.function(name).is_some() {
            for arg in args {
                self.scalar(&arg.value, row);
            }
            return None;
        }
        let Some(info) = functions::lookup(name) else {
            let mut diagnostic = Diagnostic::error(
                "KQL204",
                "unknown-function",
                format!("unknown function `{name}`"),
                ident.span,
            );
            if let Some(suggestion) = functions::closest(name) {
                diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
            }
            self.report(diagnostic);
            for arg in args {
                self.scalar(&arg.value, row);
            }
            return None;
        };
        let (min, max) = info.arity();
        self.check_arity(ident, args.len(), min, max, expr);
        let mut types = Vec::with_capacity(args.len());
        for arg in args {
            // `arg_max(t, *)`, `count(*)`: `*` stands for every column.
            types.push(self.list_item_type(&arg.value, row));
        }
        info.return_type(&types)
    }

    fn list_item_type(&mut self, value: &Expr, row: &RowSchema) -> Option<ScalarType> {
        if matches!(value.kind, ExprKind::Pipeline { .. } | ExprKind::Source(_)) {
            self.source(value);
            return None;
        }
        self.scalar(value, row)
    }

    fn check_arity(
        &mut self,
        ident: &Ident,
        count: usize,
        min: usize,
        max: Option<usize>,
        expr: &Expr,
    ) {
        let too_few = count < min;
        let too_many = max.is_some_and(|max| count > max);
        if !too_few && !too_many {
            return;
        }
        let expected = match max {
            Some(max) if max == min => format!("{min}"),
            Some(max) => format!("{min} to {max}"),
            None => format!("at least {min}"),
        };
        self.report(Diagnostic::error(
            "KQL205",
            "wrong-argument-count",
            format!(
                "`{}` takes {expected} argument{}, not {count}",
                ident.name,
                if expected == "1" { "" } else { "s" }
            ),
            expr.span,
        ));
    }
}

pub(super) fn literal_type(literal: &Literal) -> Option<ScalarType> {
    Some(match literal {
        Literal::Bool(_) => ScalarType::Bool,
        Literal::Long(_) => ScalarType::Long,
        Literal::Real(_) => ScalarType::Real,
        Literal::String { .. } => ScalarType::String,
        Literal::Timespan(_) => ScalarType::Timespan,
        Literal::Dynamic(_) => ScalarType::Dynamic,
        Literal::Typed { ty, .. } => return ScalarType::parse(ty),
    })
}

fn binary_type(
    op: BinaryOp,
    left: Option<ScalarType>,
    right: Option<ScalarType>,
) -> Option<ScalarType> {
    use ScalarType::*;
    match op {
        BinaryOp::Add | BinaryOp::Sub => match (left?, right?) {
            (Datetime, Datetime) if op == BinaryOp::Sub => Some(Timespan),
            (Datetime, _) | (_, Datetime) => Some(Datetime),
            (Timespan, Timespan) => Some(Timespan),
            (Real, _) | (_, Real) => Some(Real),
            (l, _) => Some(l),
        },
        BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => match (left?, right?) {
            (Timespan, Timespan) if op == BinaryOp::Div => Some(Real),
            (Timespan, _) | (_, Timespan) => Some(Timespan),
            (Real, _) | (_, Real) => Some(Real),
            (l, _) => Some(l),
        },
        _ => Some(Bool),
    }
}
