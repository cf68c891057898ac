//! Scalar expressions, evaluated for one row of a table.

use std::sync::Arc;

use super::literal::literal_value;
use super::scalar::{self, as_text};
use super::{Binding, EvalError, Evaluator, Result, Table};
use crate::kql::ast::*;
use crate::value::Value;

impl Evaluator<'_> {
    /// Evaluates `expr` for `row` of `table` (an empty table and row outside any row).
    pub(super) fn scalar(&mut self, expr: &Expr, table: &Table, row: &[Value]) -> Result<Value> {
        Ok(match &expr.kind {
            ExprKind::Literal(literal) => literal_value(literal).map_err(EvalError::new)?,
            ExprKind::Name(ident) => self.name(ident, table, row)?,
            ExprKind::Paren(inner) => self.scalar(inner, table, row)?,
            ExprKind::Unary { op, operand } => {
                let value = self.scalar(operand, table, row)?;
                match op {
                    UnaryOp::Plus => value,
                    UnaryOp::Neg => match value {
                        Value::Int(n) => Value::Int(n.wrapping_neg()),
                        Value::Long(n) => Value::Long(n.wrapping_neg()),
                        Value::Real(r) => Value::Real(-r),
                        Value::Timespan(t) => Value::Timespan(-t),
                        _ => Value::Null,
                    },
                }
            }
            ExprKind::Logical { op, operands } => {
                // Kusto's three-valued logic: null is "unknown".
                let mut saw_null = false;
                for operand in operands {
                    match self.scalar(operand, table, row)? {
                        Value::Bool(b) if b == (*op == LogicalOp::Or) => return Ok(Value::Bool(b)),
                        Value::Bool(_) => {}
                        _ => saw_null = true,
                    }
                }
                if saw_null {
                    Value::Null
                } else {
                    Value::Bool(*op == LogicalOp::And)
                }
            }
            ExprKind::Binary { op, left, right } => {
                let l = self.scalar(left, table, row)?;
                let r = self.scalar(right, table, row)?;
                binary(*op, &l, &r)?
            }
            ExprKind::InList { op, left, list } => {
                let value = self.scalar(left, table, row)?;
                let items = self.list_values(list, table, row)?;
                in_list(*op, &value, &items)
            }
            ExprKind::Between {
                is_negated,
                left,
                low,
                high,
            } => {
                let value = self.scalar(left, table, row)?;
                let low = self.scalar(low, table, row)?;
                let high = self.scalar(high, table, row)?;
                match (
                    scalar::compare(&value, &low),
                    scalar::compare(&value, &high),
                ) {
                    (Some(a), Some(b)) => Value::Bool((a.is_ge() && b.is_le()) != *is_negated),
                    _ => Value::Null,
                }
            }
            ExprKind::Call { callee, args } => self.call(expr, callee, args, table, row)?,
            ExprKind::Member { target, name } => {
                if let Some(value) = self.scan_reference(target, name, table) {
                    return Ok(value);
                }
                let value = self.scalar(target, table, row)?;
                property(&value, &name.name)
            }
            ExprKind::Index { target, index } => {
                let value = self.scalar(target, table, row)?;
                let index = self.scalar(index, table, row)?;
                element(&value, &index)
            }
            ExprKind::Pipeline { .. } | ExprKind::Source(_) => {
                let result = self.table(expr)?;
                single_value(&result)?
            }
            // `typeof(long)` as a value (percentile_tdigest's result type, extract's
            // `typeof(int)`): the type's name.
            ExprKind::TypeOf { types } if types.len() == 1 => {
                Value::string(types.first().map_or("", |t| t.name.as_str()))
            }
            ExprKind::Wildcard { .. } | ExprKind::TypeOf { .. } | ExprKind::List(_) => {
                return Err(EvalError::unsupported("this expression as a value"))
            }
            ExprKind::Error => return Err(EvalError::new("the query has syntax errors")),
        })
    }

    /// When `expr` calls a built-in that returns several columns (`series_stats`...):
    /// their default names. `extend`, `project` and `print` use it to widen the table.
    pub(super) fn tuple_columns(&self, expr: &Expr) -> Option<Vec<String>> {
        let ExprKind::Call { callee, args } = &expr.kind else {
            return None;
        };
        let name = callee.as_name()?;
        if self.lookup(&name.name).is_some() {
            return None;
        }
        let names: Vec<Option<&str>> = args
            .iter()
            .map(|a| a.value.as_name().map(|n| n.name.as_str()))
            .collect();
        super::functions::tuple::column_names(&name.name, &names)
    }

    /// The values of a several-column call (see [`Self::tuple_columns`]) for one row.
    pub(super) fn tuple_values(
        &mut self,
        expr: &Expr,
        table: &Table,
        row: &[Value],
    ) -> Result<Vec<Value>> {
        let ExprKind::Call { callee, args } = &expr.kind else {
            return Ok(vec![self.scalar(expr, table, row)?]);
        };
        let name = callee.as_name().map_or("", |n| n.name.as_str());
        let mut values = Vec::with_capacity(args.len());
        for arg in args {
            values.push(self.scalar(&arg.value, table, row)?);
        }
        super::functions::tuple::call(name, &values)
    }

    /// `s1.Column` inside a `scan` step: the value in the scan state, when `s1` is a step
    /// (and not a column of the row).
    fn scan_reference(&self, target: &Expr, name: &Ident, table: &Table) -> Option<Value> {
        let step = target.as_name()?;
        if table.column_index(&step.name).is_some() {
            return None;
        }
        let refs = self.scan_refs.as_ref()?;
        Some(
            refs.get(&step.name)?
                .get(&name.name)
                .cloned()
                .unwrap_or(Value::Null),
        )
    }

    fn name(&mut self, ident: &Ident, table: &Table, row: &[Value]) -> Result<Value> {
        if let Some(index) = table.column_index(&ident.name) {
            return Ok(row.get(index).cloned().unwrap_or(Value::Null));
        }
        match self.lookup(&ident.name) {
            Some(Binding::Scalar(value)) => Ok(value.clone()),
            Some(Binding::Table(t)) => single_value(&t.clone()),
            Some(Binding::Function(_)) => Err(EvalError::new(format!(
                "`{}` is a function; call it with ()",
                ident.name
            ))),
            None => Err(EvalError::new(format!("unknown name `{}`", ident.name))),
        }
    }

    /// The values of an `in (...)` list: scalars, dynamic arrays, or a table's first column.
    fn list_values(&mut self, list: &[Expr], table: &Table, row: &[Value]) -> Result<Vec<Value>> {
        let mut out = Vec::new();
        for item in list {
            if self.is_tabular(item) {
                let result = self.table(item)?;
                out.extend(result.rows.iter().filter_map(|r| r.first().cloned()));
                continue;
            }
            match self.scalar(item, table, row)? {
                Value::Dynamic(json) => match &*json {
                    serde_json::Value::Array(items) => {
                        out.extend(items.iter().map(scalar::dynamic_scalar))
                    }
                    other => out.push(scalar::dynamic_scalar(other)),
                },
                value => out.push(value),
            }
        }
        Ok(out)
    }

    fn call(
        &mut self,
        call: &Expr,
        callee: &Expr,
        args: &[Arg],
        table: &Table,
        row: &[Value],
    ) -> Result<Value> {
        let Some(ident) = callee.as_name() else {
            return Err(EvalError::unsupported("calling this expression"));
        };
        let name = ident.name.as_str();
        if let Some(Binding::Function(def)) = self.lookup(name).cloned() {
            return match self.call_function(&def, args, None, Some((table, row)))? {
                Binding::Scalar(value) => Ok(value),
                Binding::Table(t) => single_value(&t),
                Binding::Function(_) => Err(EvalError::new("a function cannot return a function")),
            };
        }
        if let Some(result) = self.graph_function(name, args, table, row) {
            return result;
        }
        if super::window::is_window_function(name) {
            return self.window_call(name, call, args, table, row);
        }
        match name {
            "toscalar" => {
                let Some(arg) = args.first() else {
                    return Err(EvalError::new("toscalar() needs an argument"));
                };
                return if self.is_tabular(&arg.value) {
                    let result = self.table(&arg.value)?;
                    Ok(result
                        .rows
                        .first()
                        .and_then(|r| r.first())
                        .cloned()
                        .unwrap_or(Value::Null))
                } else {
                    self.scalar(&arg.value, table, row)
                };
            }
            // The column names of a table argument, as a dynamic array.
            "column_names_of" => {
                let Some(arg) = args.first() else {
                    return Err(EvalError::new("column_names_of() needs a table"));
                };
                let result = self.table(&arg.value)?;
                let names = result
                    .columns
                    .iter()
                    .map(|c| serde_json::Value::String(c.name.clone()))
                    .collect();
                return Ok(Value::Dynamic(Arc::new(serde_json::Value::Array(names))));
            }
            "now" => return Ok(Value::Datetime(self.options.now)),
            "ago" => {
                let value = match args.first() {
                    Some(arg) => self.scalar(&arg.value, table, row)?,
                    None => Value::Null,
                };
                return Ok(match value {
                    Value::Timespan(t) => Value::Datetime(self.options.now.saturating_sub(t)),
                    _ => Value::Null,
                });
            }
            "column_ifexists" | "columnifexists" => {
                let column = args.first().and_then(|a| match &a.value.kind {
                    ExprKind::Literal(Literal::String { value, .. }) => Some(value.clone()),
                    _ => None,
                });
                if let Some(index) = column.and_then(|c| table.column_index(&c)) {
                    return Ok(row.get(index).cloned().unwrap_or(Value::Null));
                }
                return match args.get(1) {
                    Some(default) => self.scalar(&default.value, table, row),
                    None => Ok(Value::Null),
                };
            }
            // Functions of the row or of a table rather than of values.
            "pack_all" => {
                let ignore_null_empty = match args.first() {
                    Some(arg) => matches!(self.scalar(&arg.value, table, row)?, Value::Bool(true)),
                    None => false,
                };
                return Ok(pack_all(table, row, ignore_null_empty));
            }
            "bag_pack_columns" => {
                let mut bag = serde_json::Map::new();
                for arg in args {
                    let Some(key) = arg.value.as_name().map(|n| n.name.clone()) else {
                        return Err(EvalError::new("bag_pack_columns() takes column names"));
                    };
                    let value = self.scalar(&arg.value, table, row)?;
                    bag.insert(key, value.to_json());
                }
                return Ok(Value::Dynamic(Arc::new(serde_json::Value::Object(bag))));
            }
            _ => {}
        }
        let mut values = Vec::with_capacity(args.len());
        for arg in args {
            values.push(self.scalar(&arg.value, table, row)?);
        }
        super::functions::call(name, &values)
    }
}

/// `pack_all()`: the row as a bag of column name to value, optionally without nulls and
/// empty strings.
fn pack_all(table: &Table, row: &[Value], ignore_null_empty: bool) -> Value {
    let mut bag = serde_json::Map::new();
    for (column, value) in table.columns.iter().zip(row) {
        if ignore_null_empty && super::functions::is_empty_value(value) {
            continue;
        }
        bag.insert(column.name.clone(), value.to_json());
    }
    Value::Dynamic(Arc::new(serde_json::Value::Object(bag)))
}

/// The only value of a one-column table (a scalar subquery).
fn single_value(table: &Table) -> Result<Value> {
    Ok(table
        .rows
        .first()
        .and_then(|r| r.first())
        .cloned()
        .unwrap_or(Value::Null))
}

pub(super) fn binary(op: BinaryOp, l: &Value, r: &Value) -> Result<Value> {
    Ok(match op {
        // Per the Kusto docs: null == x is false and null != x is true when x is not null;
        // two nulls compare as null.
        BinaryOp::Eq | BinaryOp::NotEq => {
            let is_eq = op == BinaryOp::Eq;
            match (l.is_null(), r.is_null()) {
                (true, true) => Value::Null,
                (true, false) | (false, true) => Value::Bool(!is_eq),
                (false, false) => {
                    scalar::equals(l, r).map_or(Value::Null, |b| Value::Bool(b == is_eq))
                }
            }
        }
        BinaryOp::EqCi => Value::Bool(scalar::equals_ci(l, r).unwrap_or(false)),
        BinaryOp::NotEqCi => Value::Bool(!scalar::equals_ci(l, r).unwrap_or(false)),
        BinaryOp::Lt => scalar::compare(l, r).map_or(Value::Null, |o| Value::Bool(o.is_lt())),
        BinaryOp::Le => scalar::compare(l, r).map_or(Value::Null, |o| Value::Bool(o.is_le())),
        BinaryOp::Gt => scalar::compare(l, r).map_or(Value::Null, |o| Value::Bool(o.is_gt())),
        BinaryOp::Ge => scalar::compare(l, r).map_or(Value::Null, |o| Value::Bool(o.is_ge())),
        BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => {
            scalar::arithmetic(op, l, r)
        }
        BinaryOp::String(op) => scalar::string_op(op, l, r).map_or(Value::Null, Value::Bool),
        BinaryOp::SearchHas => scalar::string_op(
            StringOp {
                kind: StringOpKind::Has,
                is_negated: false,
                is_case_sensitive: false,
            },
            l,
            r,
        )
        .map_or(Value::Null, Value::Bool),
        BinaryOp::MatchesRegex => {
            let (Some(text), Some(pattern)) = (as_text(l), as_text(r)) else {
                return Ok(Value::Null);
            };
            let regex = super::functions::regex(&pattern)?;
            Value::Bool(regex.is_match(&text))
        }
        BinaryOp::Assign => return Err(EvalError::new("`=` is not a comparison; use `==`")),
    })
}

fn in_list(op: ListOp, value: &Value, items: &[Value]) -> Value {
    let found = |ci: bool| {
        items.iter().any(|item| {
            if ci {
                scalar::equals_ci(value, item).unwrap_or(false)
            } else {
                scalar::equals(value, item).unwrap_or(false)
            }
        })
    };
    let has_term = |all: bool| {
        let text = as_text(value).unwrap_or_default().to_lowercase();
        let mut terms = items.iter().filter_map(as_text).map(|t| t.to_lowercase());
        if all {
            terms.all(|t| scalar::has(&text, &t, StringOpKind::Has))
        } else {
            terms.any(|t| scalar::has(&text, &t, StringOpKind::Has))
        }
    };
    Value::Bool(match op {
        ListOp::In => found(false),
        ListOp::NotIn => !found(false),
        ListOp::InCi => found(true),
        ListOp::NotInCi => !found(true),
        ListOp::HasAny => has_term(false),
        ListOp::HasAll => has_term(true),
    })
}

/// `value.name` on a dynamic property bag.
fn property(value: &Value, name: &str) -> Value {
    match value {
        Value::Dynamic(json) => match json.get(name) {
            Some(v) => Value::Dynamic(Arc::new(v.clone())),
            None => Value::Null,
        },
        _ => Value::Null,
    }
}

/// `value[index]`: array element (negative counts from the end) or bag property.
fn element(value: &Value, index: &Value) -> Value {
    let Value::Dynamic(json) = value else {
        return Value::Null;
    };
    let found = match (&**json, index) {
        (serde_json::Value::Array(items), i) => scalar::as_i64(i).and_then(|i| {
            let i = if i < 0 { items.len() as i64 + i } else { i };
            usize::try_from(i).ok().and_then(|i| items.get(i))
        }),
        (serde_json::Value::Object(map), key) => as_text(key).and_then(|k| map.get(&k)),
        _ => None,
    };
    found.map_or(Value::Null, |v| Value::Dynamic(Arc::new(v.clone())))
}
