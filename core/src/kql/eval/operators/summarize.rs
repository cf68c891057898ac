//! `summarize`: groups by the `by` expressions (first-seen order) and aggregates each group.
//! Columns: the group keys, then the aggregates (`count_`, `sum_X`, `set_X`...).

use std::collections::HashMap;

use crate::kql::ast::*;
use crate::kql::eval::aggregate::{is_aggregate, Accumulator};
use crate::kql::eval::{Column, EvalError, Evaluator, Result, Table};
use crate::value::Value;

/// One aggregate call: its canonical name, argument expressions, and output columns.
struct AggregateSpec<'a> {
    name: String,
    args: &'a [Arg],
    /// For arg_max/arg_min: indexes of the input columns returned with the best key.
    extra_columns: Vec<usize>,
}

/// The prefix of the hidden columns that hold aggregates wrapped in a scalar expression.
const HIDDEN: &str = "\u{0}aggregate";

impl Evaluator<'_> {
    /// `summarize`, including scalar expressions around aggregates
    /// (`summarize r = round(avg(x), 2)`): the aggregates inside are computed as hidden
    /// columns, then the expression is evaluated on each output row.
    pub(super) fn summarize(
        &mut self,
        aggregates: &[Assignment],
        by: &[Assignment],
        input: &Table,
    ) -> Result<Table> {
        if aggregates.iter().all(|a| is_plain_aggregate(&a.value)) {
            return Ok(self.summarize_plain(aggregates, by, input)?.0);
        }
        // Each wrapped item becomes its hidden aggregates, in place.
        let mut flat: Vec<Assignment> = Vec::new();
        let mut wrapped: Vec<Option<(String, Expr, usize)>> = Vec::new();
        for (i, item) in aggregates.iter().enumerate() {
            if is_plain_aggregate(&item.value) {
                flat.push(item.clone());
                wrapped.push(None);
                continue;
            }
            let mut hidden = Vec::new();
            let rewritten = hoist_aggregates(&item.value, &mut hidden, flat.len());
            if hidden.is_empty() {
                // No aggregate inside: a call is reported by name, so an aggregate rulelab
                // does not know yet reads "not supported: aggregate `x()`".
                return Err(match &item.value.kind {
                    ExprKind::Call { callee, .. } => EvalError::unsupported(format!(
                        "aggregate `{}()`",
                        callee.as_name().map_or("?", |n| n.name.as_str())
                    )),
                    _ => EvalError::new(format!(
                        "summarize: `{}` is not an aggregate; wrap it in one (e.g. take_any())",
                        item.names
                            .first()
                            .map_or("this expression", |n| n.name.as_str())
                    )),
                });
            }
            let name = match item.names.first() {
                Some(n) => n.name.clone(),
                None => format!("Column{}", i + 1),
            };
            wrapped.push(Some((name, rewritten, hidden.len())));
            flat.extend(hidden);
        }
        let (inner, widths) = self.summarize_plain(&flat, by, input)?;
        let mut flat_index = 0;
        // Rebuild the columns: keys, then each item (plain columns kept, wrapped computed).
        let mut columns: Vec<Column> = inner.columns.iter().take(by.len()).cloned().collect();
        let mut sources: Vec<Option<usize>> = (0..by.len()).map(Some).collect();
        let mut computed: Vec<(usize, Expr)> = Vec::new();
        let mut next = by.len();
        for item in &wrapped {
            match item {
                None => {
                    // A plain aggregate: its columns (arg_max has several).
                    let start = next;
                    next += widths.get(flat_index).copied().unwrap_or(1);
                    flat_index += 1;
                    for c in start..next {
                        if let Some(column) = inner.columns.get(c) {
                            columns.push(column.clone());
                            sources.push(Some(c));
                        }
                    }
                }
                Some((name, expr, count)) => {
                    next += widths
                        .get(flat_index..flat_index + count)
                        .map_or(*count, |w| w.iter().sum());
                    flat_index += count;
                    computed.push((columns.len(), expr.clone()));
                    columns.push(Column {
                        name: name.clone(),
                        ty: None,
                    });
                    sources.push(None);
                }
            }
        }
        let mut out = Table::new(columns);
        for row in &inner.rows {
            let mut values: Vec<Value> = sources
                .iter()
                .map(|s| s.and_then(|i| row.get(i).cloned()).unwrap_or(Value::Null))
                .collect();
            for (index, expr) in &computed {
                let value = self.scalar(expr, &inner, row)?;
                if let Some(slot) = values.get_mut(*index) {
                    *slot = value;
                }
            }
            out.rows.push(values);
        }
        out.infer_types();
        Ok(out)
    }

    /// Summarize with one aggregate call per item; also the number of columns of each item.
    fn summarize_plain(
        &mut self,
        aggregates: &[Assignment],
        by: &[Assignment],
        input: &Table,
    ) -> Result<(Table, Vec<usize>)> {
        let mut widths = Vec::with_capacity(aggregates.len());
        let mut columns = Vec::new();
        for (i, key) in by.iter().enumerate() {
            let name = match key.names.first() {
                Some(name) => name.name.clone(),
                None => by_name(&key.value, i),
            };
            columns.push(Column { name, ty: None });
        }
        let mut specs = Vec::new();
        for (i, item) in aggregates.iter().enumerate() {
            let width_before = columns.len();
            let ExprKind::Call { callee, args } = &item.value.kind else {
                return Err(EvalError::unsupported(
                    "an aggregate expression that is not a single aggregate call",
                ));
            };
            let written = callee.as_name().map(|n| n.name.clone()).unwrap_or_default();
            let name = crate::kql::functions::lookup(&written)
                .map_or(written.clone(), |info| info.name.to_string());
            if !is_aggregate(&name) {
                return Err(EvalError::unsupported(format!("aggregate `{written}()`")));
            }
            let mut extra_columns = Vec::new();
            if name == "arg_max" || name == "arg_min" {
                let key_name = args
                    .first()
                    .and_then(|a| a.value.as_name())
                    .map_or("max".to_string(), |n| n.name.clone());
                columns.push(Column {
                    name: item
                        .names
                        .first()
                        .map_or(key_name.clone(), |n| n.name.clone()),
                    ty: None,
                });
                for arg in args.iter().skip(1) {
                    match &arg.value.kind {
                        ExprKind::Wildcard { .. } => {
                            for (c, column) in input.columns.iter().enumerate() {
                                let is_key = column.name == key_name
                                    || columns.iter().any(|k| k.name == column.name);
                                if !is_key {
                                    extra_columns.push(c);
                                    columns.push(column.clone());
                                }
                            }
                        }
                        ExprKind::Name(ident) => {
                            let Some(c) = input.column_index(&ident.name) else {
                                return Err(EvalError::new(format!(
                                    "unknown column `{}`",
                                    ident.name
                                )));
                            };
                            extra_columns.push(c);
                            columns.push(Column {
                                name: ident.name.clone(),
                                ty: None,
                            });
                        }
                        _ => {
                            return Err(EvalError::unsupported(
                                "arg_max/arg_min with computed extra columns",
                            ))
                        }
                    }
                }
            } else {
                let name = match item.names.first() {
                    Some(n) => n.name.clone(),
                    None => {
                        let first = args
                            .first()
                            .and_then(|a| a.value.as_name())
                            .map(|n| n.name.as_str());
                        crate::kql::functions::lookup(&written)
                            .and_then(|info| info.default_column_name(first, args.len()))
                            .unwrap_or_else(|| format!("Column{}", i + 1))
                    }
                };
                columns.push(Column { name, ty: None });
            }
            specs.push(AggregateSpec {
                name,
                args,
                extra_columns,
            });
            widths.push(columns.len() - width_before);
        }

        let mut groups: HashMap<Vec<String>, usize> = HashMap::new();
        let mut keys: Vec<Vec<Value>> = Vec::new();
        let mut states: Vec<Vec<Accumulator>> = Vec::new();
        for row in &input.rows {
            let mut key = Vec::with_capacity(by.len());
            for item in by {
                key.push(self.scalar(&item.value, input, row)?);
            }
            let fingerprint: Vec<String> = key.iter().map(|v| v.to_json().to_string()).collect();
            let index = match groups.get(&fingerprint) {
                Some(&index) => index,
                None => {
                    let mut accumulators = Vec::with_capacity(specs.len());
                    for spec in &specs {
                        let limit = self.aggregate_limit(spec)?;
                        accumulators.push(Accumulator::new(&spec.name, limit)?);
                    }
                    groups.insert(fingerprint, keys.len());
                    keys.push(key);
                    states.push(accumulators);
                    keys.len() - 1
                }
            };
            for (spec, accumulator) in specs.iter().zip(states[index].iter_mut()) {
                let (value, include) = self.aggregate_input(spec, input, row)?;
                if include {
                    let extra: Vec<Value> = spec
                        .extra_columns
                        .iter()
                        .map(|&c| row.get(c).cloned().unwrap_or(Value::Null))
                        .collect();
                    accumulator.add(&value, &extra);
                }
            }
        }
        // Without `by`, an empty input still yields one row (count() = 0).
        if by.is_empty() && keys.is_empty() {
            keys.push(Vec::new());
            let mut accumulators = Vec::new();
            for spec in &specs {
                accumulators.push(Accumulator::new(&spec.name, None)?);
            }
            states.push(accumulators);
        }
        let mut table = Table::new(columns);
        for (key, accumulators) in keys.into_iter().zip(states) {
            let mut row = key;
            for accumulator in accumulators {
                row.extend(accumulator.finish());
            }
            table.rows.push(row);
        }
        table.infer_types();
        Ok((table, widths))
    }

    /// The value an aggregate sees for a row, and whether the row counts (`*if` forms).
    fn aggregate_input(
        &mut self,
        spec: &AggregateSpec<'_>,
        input: &Table,
        row: &[Value],
    ) -> Result<(Value, bool)> {
        let value_of = |this: &mut Self, i: usize| -> Result<Value> {
            match spec.args.get(i) {
                Some(arg) if !matches!(arg.value.kind, ExprKind::Wildcard { .. }) => {
                    this.scalar(&arg.value, input, row)
                }
                _ => Ok(Value::Bool(true)),
            }
        };
        Ok(match spec.name.as_str() {
            "count" => (Value::Bool(true), true),
            "countif" => (
                Value::Bool(true),
                matches!(value_of(self, 0)?, Value::Bool(true)),
            ),
            "sumif" | "avgif" | "dcountif" | "make_set_if" | "make_list_if" | "make_bag_if"
            | "varianceif" | "stdevif" => {
                let condition = matches!(value_of(self, 1)?, Value::Bool(true));
                (value_of(self, 0)?, condition)
            }
            _ => (value_of(self, 0)?, true),
        })
    }

    /// make_set(x, N) / make_list(x, N): the optional size limit.
    fn aggregate_limit(&mut self, spec: &AggregateSpec<'_>) -> Result<Option<usize>> {
        let position = match spec.name.as_str() {
            "make_set" | "make_list" => 1,
            "make_set_if" | "make_list_if" => 2,
            _ => return Ok(None),
        };
        match spec.args.get(position) {
            Some(arg) => Ok(
                crate::kql::eval::scalar::as_i64(&self.constant(&arg.value)?)
                    .and_then(|n| usize::try_from(n).ok()),
            ),
            None => Ok(None),
        }
    }
}

/// Names of `by` keys without `Name =`: the column, or `bin(X, ...)`'s X.
fn by_name(expr: &Expr, index: usize) -> String {
    match &expr.kind {
        ExprKind::Name(ident) => ident.name.clone(),
        ExprKind::Call { args, .. } => args
            .first()
            .and_then(|a| a.value.as_name())
            .map_or(format!("Column{}", index + 1), |n| n.name.clone()),
        _ => format!("Column{}", index + 1),
    }
}

/// Whether an aggregate item is a single aggregate call (the common case).
fn is_plain_aggregate(expr: &Expr) -> bool {
    aggregate_name(expr).is_some()
}

/// The canonical name of an aggregate call (one rulelab evaluates, or one the function
/// catalog knows as an aggregate, so that an unsupported one is reported by name).
fn aggregate_name(expr: &Expr) -> Option<String> {
    let ExprKind::Call { callee, .. } = &expr.kind else {
        return None;
    };
    let written = callee.as_name()?.name.clone();
    match crate::kql::functions::lookup(&written) {
        Some(info) if info.kind == crate::kql::functions::FunctionKind::Aggregate => {
            Some(info.name.to_string())
        }
        Some(info) => is_aggregate(info.name).then(|| info.name.to_string()),
        None => is_aggregate(&written).then_some(written),
    }
}

/// Replaces each aggregate call inside `expr` by a hidden column name, collecting the calls.
fn hoist_aggregates(expr: &Expr, hidden: &mut Vec<Assignment>, offset: usize) -> Expr {
    if aggregate_name(expr).is_some() {
        let name = format!("{HIDDEN}{}", offset + hidden.len());
        hidden.push(Assignment {
            names: vec![Ident::new(name.clone(), expr.span)],
            value: expr.clone(),
            span: expr.span,
        });
        return Expr::new(ExprKind::Name(Ident::new(name, expr.span)), expr.span);
    }
    let mut hoist = |e: &Expr| Box::new(hoist_aggregates(e, hidden, offset));
    let kind = match &expr.kind {
        ExprKind::Paren(inner) => ExprKind::Paren(hoist(inner)),
        ExprKind::Unary { op, operand } => ExprKind::Unary {
            op: *op,
            operand: hoist(operand),
        },
        ExprKind::Binary { op, left, right } => ExprKind::Binary {
            op: *op,
            left: hoist(left),
            right: hoist(right),
        },
        ExprKind::Member { target, name } => ExprKind::Member {
            target: hoist(target),
            name: name.clone(),
        },
        ExprKind::Index { target, index } => ExprKind::Index {
            target: hoist(target),
            index: hoist(index),
        },
        ExprKind::Logical { op, operands } => ExprKind::Logical {
            op: *op,
            operands: operands
                .iter()
                .map(|o| hoist_aggregates(o, hidden, offset))
                .collect(),
        },
        ExprKind::Call { callee, args } => ExprKind::Call {
            callee: callee.clone(),
            args: args
                .iter()
                .map(|a| Arg {
                    name: a.name.clone(),
                    value: hoist_aggregates(&a.value, hidden, offset),
                })
                .collect(),
        },
        other => other.clone(),
    };
    Expr::new(kind, expr.span)
}

#[cfg(test)]
mod tests {
    use crate::kql::eval::{evaluate, EvalOptions};
    use crate::value::Value;

    #[test]
    fn scalar_around_aggregates() {
        let query = "datatable(k:string, v:long)['a', 1, 'a', 2, 'b', 5] | summarize n = count(), r = sum(v) * 10 + max(v), m = max(v) by k";
        let parsed = crate::kql::parse(query);
        let table = evaluate(&parsed.query, &Default::default(), &EvalOptions::default())
            .unwrap()
            .table
            .unwrap();
        assert_eq!(table.column_names(), vec!["k", "n", "r", "m"]);
        assert_eq!(
            table.rows[0],
            vec![
                Value::string("a"),
                Value::Long(2),
                Value::Long(32),
                Value::Long(2)
            ]
        );
    }
}
