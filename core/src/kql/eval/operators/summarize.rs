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

impl Evaluator<'_> {
    pub(super) fn summarize(
        &mut self,
        aggregates: &[Assignment],
        by: &[Assignment],
        input: &Table,
    ) -> Result<Table> {
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
        Ok(table)
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
