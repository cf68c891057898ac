//! `make-series`: per group, one array per aggregate with one element per step of the axis
//! (`from`/`to`/`step`, or `in range(start, stop, step)`), plus the axis itself as an array.
//! Steps with no rows hold the aggregate's `default` (0 unless given). Columns: the `by`
//! keys, the aggregates, then the axis.

use std::collections::HashMap;
use std::sync::Arc;

use crate::kql::ast::*;
use crate::kql::eval::aggregate::{is_aggregate, Accumulator};
use crate::kql::eval::scalar::{arithmetic, as_f64, compare};
use crate::kql::eval::{Column, EvalError, Evaluator, Result, Table};
use crate::value::{ScalarType, Value};

/// One series: an aggregate call, or any other expression (its value on some row of the step).
struct SeriesSpec<'a> {
    name: String,
    aggregate: Option<String>,
    args: &'a [Arg],
    expr: &'a Expr,
    default: Value,
}

impl Evaluator<'_> {
    pub(super) fn make_series(
        &mut self,
        aggregates: &[MakeSeriesAggregate],
        on: &Expr,
        range: &MakeSeriesRange,
        by: &[Assignment],
        input: &Table,
    ) -> Result<Table> {
        let mut specs = Vec::with_capacity(aggregates.len());
        for (i, item) in aggregates.iter().enumerate() {
            let default = match &item.default {
                Some(expr) => self.constant(expr)?,
                None => Value::Long(0),
            };
            let (aggregate, args) = match &item.assignment.value.kind {
                ExprKind::Call { callee, args } => {
                    let written = callee.as_name().map(|n| n.name.clone()).unwrap_or_default();
                    let canonical = crate::kql::functions::lookup(&written)
                        .map_or(written.clone(), |info| info.name.to_string());
                    if is_aggregate(&canonical) {
                        (Some(canonical), args.as_slice())
                    } else {
                        (None, [].as_slice())
                    }
                }
                _ => (None, [].as_slice()),
            };
            let name = match item.assignment.names.first() {
                Some(n) => n.name.clone(),
                None => {
                    let first = args
                        .first()
                        .and_then(|a| a.value.as_name())
                        .map(|n| n.name.as_str());
                    aggregate
                        .as_deref()
                        .and_then(crate::kql::functions::lookup)
                        .and_then(|info| info.default_column_name(first, args.len()))
                        .unwrap_or_else(|| format!("Column{}", i + 1))
                }
            };
            specs.push(SeriesSpec {
                name,
                aggregate,
                args,
                expr: &item.assignment.value,
                default,
            });
        }
        let (from, to, step) = match range {
            MakeSeriesRange::FromTo { from, to, step } => (
                match from {
                    Some(e) => Some(self.constant(e)?),
                    None => None,
                },
                match to {
                    Some(e) => Some(self.constant(e)?),
                    None => None,
                },
                self.constant(step)?,
            ),
            MakeSeriesRange::InRange { args } => match args.as_slice() {
                [start, stop, step] => {
                    let step = self.constant(step)?;
                    // `in range(start, stop, step)` includes the step that starts at stop.
                    let stop = arithmetic(BinaryOp::Add, &self.constant(stop)?, &step);
                    (Some(self.constant(start)?), Some(stop), step)
                }
                _ => {
                    return Err(EvalError::new(
                        "make-series: range() needs start, stop and step",
                    ))
                }
            },
        };
        // The axis value of every row.
        let mut axis = Vec::with_capacity(input.rows.len());
        for row in &input.rows {
            axis.push(self.scalar(on, input, row)?);
        }
        let bin = |value: &Value| {
            crate::kql::eval::functions::call("bin", &[value.clone(), step.clone()])
        };
        let start = match from {
            Some(start) => start,
            None => match axis
                .iter()
                .filter(|v| !v.is_null())
                .min_by(|a, b| compare(a, b).unwrap_or(std::cmp::Ordering::Equal))
            {
                Some(min) => bin(min)?,
                None => Value::Null,
            },
        };
        let end = match to {
            Some(end) => end,
            None => match axis
                .iter()
                .filter(|v| !v.is_null())
                .max_by(|a, b| compare(a, b).unwrap_or(std::cmp::Ordering::Equal))
            {
                Some(max) => arithmetic(BinaryOp::Add, &bin(max)?, &step),
                None => Value::Null,
            },
        };
        if !compare(&step, &zero_like(&step)).is_some_and(|o| o.is_gt()) {
            return Err(EvalError::new("make-series: the step must be positive"));
        }
        // Each step is a value in the axis and in every series of every group: checked
        // before the axis is made, so a tiny step stops at once.
        let cell_bytes = std::mem::size_of::<serde_json::Value>();
        let series_width = specs.len() + 1;
        if let Some(count) = step_ratio(&arithmetic(BinaryOp::Sub, &end, &start), &step)
            .filter(|n| n.is_finite() && *n > 0.0)
        {
            self.reserve_steps(count.ceil() as u128, series_width, cell_bytes)?;
        }
        let mut steps: Vec<Value> = Vec::new();
        if !start.is_null() {
            let mut current = start.clone();
            while compare(&current, &end).is_some_and(|o| o.is_lt()) {
                steps.push(current.clone());
                self.reserve_steps(steps.len() as u128, series_width, cell_bytes)?;
                self.check_time()?;
                current = arithmetic(BinaryOp::Add, &current, &step);
            }
        }

        let mut groups: HashMap<Vec<String>, usize> = HashMap::new();
        let mut keys: Vec<Vec<Value>> = Vec::new();
        // Per group, per series, per step: the running aggregate.
        let mut cells: Vec<Vec<Vec<Option<Accumulator>>>> = Vec::new();
        for (row, axis_value) in input.rows.iter().zip(&axis) {
            let Some(position) = step_ratio(&arithmetic(BinaryOp::Sub, axis_value, &start), &step)
                .filter(|p| *p >= 0.0)
                .map(|p| p.floor() as usize)
                .filter(|p| *p < steps.len())
            else {
                continue;
            };
            let mut key = Vec::with_capacity(by.len());
            for item in by {
                key.push(self.scalar(&item.value, input, row)?);
            }
            let fingerprint: Vec<String> = key.iter().map(|v| v.to_json().to_string()).collect();
            let group = match groups.get(&fingerprint) {
                Some(&g) => g,
                None => {
                    self.reserve_steps(
                        (keys.len() as u128 + 1) * steps.len().max(1) as u128,
                        series_width,
                        cell_bytes,
                    )?;
                    groups.insert(fingerprint, keys.len());
                    keys.push(key);
                    cells.push(specs.iter().map(|_| vec![None; steps.len()]).collect());
                    keys.len() - 1
                }
            };
            for (s, spec) in specs.iter().enumerate() {
                let (value, include) = self.series_input(spec, input, row)?;
                let Some(cell) = cells
                    .get_mut(group)
                    .and_then(|g| g.get_mut(s))
                    .and_then(|series| series.get_mut(position))
                else {
                    continue;
                };
                let accumulator = match cell {
                    Some(accumulator) => accumulator,
                    None => cell.insert(Accumulator::new(
                        spec.aggregate.as_deref().unwrap_or("take_any"),
                        1,
                        0,
                    )?),
                };
                if include {
                    accumulator.add(std::slice::from_ref(&value), &[]);
                }
            }
        }
        let mut columns: Vec<Column> = by
            .iter()
            .enumerate()
            .map(|(i, key)| Column {
                name: match key.names.first() {
                    Some(n) => n.name.clone(),
                    None => match &key.value.kind {
                        ExprKind::Name(n) => n.name.clone(),
                        _ => format!("Column{}", i + 1),
                    },
                },
                ty: None,
            })
            .collect();
        for spec in &specs {
            columns.push(Column {
                name: spec.name.clone(),
                ty: Some(ScalarType::Dynamic),
            });
        }
        columns.push(Column {
            name: on
                .as_name()
                .map_or("Column".to_string(), |n| n.name.clone()),
            ty: Some(ScalarType::Dynamic),
        });
        let axis_json = Value::Dynamic(Arc::new(serde_json::Value::Array(
            steps.iter().map(Value::to_json).collect(),
        )));
        let mut out = Table::new(columns);
        for (key, series) in keys.into_iter().zip(cells) {
            let mut row = key;
            for (spec, cells) in specs.iter().zip(series) {
                let values: Vec<serde_json::Value> = cells
                    .into_iter()
                    .map(|cell| match cell {
                        Some(accumulator) => accumulator
                            .finish()
                            .into_iter()
                            .next()
                            .unwrap_or(Value::Null)
                            .to_json(),
                        None => spec.default.to_json(),
                    })
                    .collect();
                row.push(Value::Dynamic(Arc::new(serde_json::Value::Array(values))));
            }
            row.push(axis_json.clone());
            out.rows.push(row);
        }
        out.infer_types();
        Ok(out)
    }

    /// Checks `cells` steps over all groups (each a value in `series_width` arrays of
    /// `cell_bytes` each) against the row limit (one cell counts as a row, as a
    /// `mv-expand` of the series would make it) and the memory limit.
    fn reserve_steps(&self, cells: u128, series_width: usize, cell_bytes: usize) -> Result<()> {
        self.reserve(
            "make-series",
            cells,
            series_width.saturating_mul(cell_bytes),
        )
    }

    /// The value a series sees for a row, and whether the row counts (`*if` forms).
    fn series_input(
        &mut self,
        spec: &SeriesSpec<'_>,
        input: &Table,
        row: &[Value],
    ) -> Result<(Value, bool)> {
        let Some(aggregate) = &spec.aggregate else {
            return Ok((self.scalar(spec.expr, input, row)?, true));
        };
        let value = match spec.args.first() {
            Some(arg)
                if !matches!(arg.value.kind, ExprKind::Wildcard { .. })
                    && aggregate != "countif" =>
            {
                self.scalar(&arg.value, input, row)?
            }
            _ => Value::Bool(true),
        };
        let include = if aggregate.ends_with("if") {
            match spec.args.last() {
                Some(arg) => matches!(self.scalar(&arg.value, input, row)?, Value::Bool(true)),
                None => true,
            }
        } else {
            true
        };
        Ok((value, include))
    }
}

/// `a / b` as a real for numbers, timespans or a datetime distance.
fn step_ratio(a: &Value, b: &Value) -> Option<f64> {
    match (a, b) {
        (Value::Timespan(x), Value::Timespan(y)) if *y != 0 => Some(*x as f64 / *y as f64),
        _ => match (as_f64(a), as_f64(b)) {
            (Some(x), Some(y)) if y != 0.0 => Some(x / y),
            _ => None,
        },
    }
}

fn zero_like(value: &Value) -> Value {
    match value {
        Value::Timespan(_) => Value::Timespan(0),
        Value::Real(_) => Value::Real(0.0),
        _ => Value::Long(0),
    }
}

#[cfg(test)]
mod tests {
    use crate::kql::eval::{evaluate, EvalOptions};

    #[test]
    fn fills_missing_steps_with_default() {
        let query = "datatable(t:long, v:long)[0, 5, 2, 7, 2, 1] | make-series s = sum(v) default = -1 on t from 0 to 4 step 1";
        let parsed = crate::kql::parse(query);
        let table = evaluate(&parsed.query, &Default::default(), &EvalOptions::default())
            .unwrap()
            .table
            .unwrap();
        assert_eq!(table.column_names(), vec!["s", "t"]);
        assert_eq!(
            table.rows[0][0].to_json(),
            serde_json::json!([5, -1, 8, -1])
        );
        assert_eq!(table.rows[0][1].to_json(), serde_json::json!([0, 1, 2, 3]));
    }
}
