//! Activity metrics over time windows: `activity_counts_metrics` (per window: rows,
//! distinct ids, ids new since the start, ids seen so far) and `sliding_window_counts`
//! (per bin: rows and distinct ids over a lookback window ending at that bin).

use std::collections::HashSet;

use super::{long_column, EvalError, Evaluator, Result, Table};
use crate::kql::ast::*;
use crate::kql::eval::scalar::{arithmetic, compare};
use crate::kql::eval::Column;
use crate::value::Value;

/// One input row's id, time and dimension values.
struct Event {
    id: String,
    time: Value,
    dims: Vec<Value>,
}

impl Evaluator<'_> {
    /// Reads (id, time, dims from `dims_from`) for every row.
    fn activity_events(
        &mut self,
        args: &[Arg],
        dims_from: usize,
        input: &Table,
    ) -> Result<Vec<Event>> {
        let (Some(id), Some(time)) = (args.first(), args.get(1)) else {
            return Err(EvalError::new(
                "the plugin needs an id column and a time column",
            ));
        };
        let mut events = Vec::with_capacity(input.rows.len());
        for row in &input.rows {
            let id_value = self.scalar(&id.value, input, row)?;
            let time_value = self.scalar(&time.value, input, row)?;
            let mut dims = Vec::new();
            for dim in args.iter().skip(dims_from) {
                dims.push(self.scalar(&dim.value, input, row)?);
            }
            if id_value.is_null() || time_value.is_null() {
                continue;
            }
            events.push(Event {
                id: id_value.to_json().to_string(),
                time: time_value,
                dims,
            });
        }
        Ok(events)
    }

    /// Fails when windows × rows is more work than an evaluation should do.
    fn check_activity_work(&self, windows: usize, events: usize) -> Result<()> {
        let budget = self.options.max_rows.saturating_mul(16);
        if windows.saturating_mul(events) > budget {
            return Err(EvalError::new(format!(
                "limit reached: {windows} windows over {events} rows is too much work (narrow the time range or raise max_rows)"
            )));
        }
        Ok(())
    }

    /// Window starts from `start` to `end` (inclusive) by `step`, bounded by max_rows.
    fn activity_windows(&self, start: &Value, end: &Value, step: &Value) -> Result<Vec<Value>> {
        let mut windows = Vec::new();
        let mut current = start.clone();
        while compare(&current, end).is_some_and(|o| o.is_le()) {
            windows.push(current.clone());
            if windows.len() > self.options.max_rows {
                return Err(EvalError::new("row limit reached: too many time windows"));
            }
            let next = arithmetic(BinaryOp::Add, &current, step);
            if compare(&next, &current).is_none_or(|o| o.is_le()) {
                return Err(EvalError::new("the window step must be positive"));
            }
            current = next;
        }
        Ok(windows)
    }

    pub(super) fn activity_counts_metrics(&mut self, args: &[Arg], input: Table) -> Result<Table> {
        let start = self.plugin_constant(args, 2, "the start")?;
        let end = self.plugin_constant(args, 3, "the end")?;
        let step = self.plugin_constant(args, 4, "the window")?;
        let events = self.activity_events(args, 5, &input)?;
        let windows = self.activity_windows(&start, &end, &step)?;
        self.check_activity_work(windows.len(), events.len())?;
        let mut out = Table::new(metric_columns(
            args,
            5,
            &input,
            &["count", "dcount", "new_dcount", "aggregated_dcount"],
        ));
        for dims in distinct_dims(&events) {
            let mut seen: HashSet<&str> = HashSet::new();
            for window in &windows {
                let window_end = arithmetic(BinaryOp::Add, window, &step);
                let in_window: Vec<&Event> = events
                    .iter()
                    .filter(|e| {
                        e.dims == dims
                            && compare(&e.time, window).is_some_and(|o| o.is_ge())
                            && compare(&e.time, &window_end).is_some_and(|o| o.is_lt())
                    })
                    .collect();
                let ids: HashSet<&str> = in_window.iter().map(|e| e.id.as_str()).collect();
                let new = ids.iter().filter(|id| !seen.contains(*id)).count();
                seen.extend(ids.iter().copied());
                let mut row = vec![window.clone()];
                row.extend(dims.iter().cloned());
                row.extend([
                    Value::Long(in_window.len() as i64),
                    Value::Long(ids.len() as i64),
                    Value::Long(new as i64),
                    Value::Long(seen.len() as i64),
                ]);
                out.rows.push(row);
            }
        }
        Ok(out)
    }

    pub(super) fn sliding_window_counts(&mut self, args: &[Arg], input: Table) -> Result<Table> {
        let start = self.plugin_constant(args, 2, "the start")?;
        let end = self.plugin_constant(args, 3, "the end")?;
        let lookback = self.plugin_constant(args, 4, "the lookback window")?;
        let bin = self.plugin_constant(args, 5, "the bin")?;
        let events = self.activity_events(args, 6, &input)?;
        let windows = self.activity_windows(&start, &end, &bin)?;
        self.check_activity_work(windows.len(), events.len())?;
        let mut out = Table::new(metric_columns(args, 6, &input, &["Count", "dcount"]));
        for dims in distinct_dims(&events) {
            for window in &windows {
                // Rows of the bins in (window - lookback, window].
                let window_end = arithmetic(BinaryOp::Add, window, &bin);
                let window_start = arithmetic(
                    BinaryOp::Add,
                    &arithmetic(BinaryOp::Sub, window, &lookback),
                    &bin,
                );
                let in_window: Vec<&Event> = events
                    .iter()
                    .filter(|e| {
                        e.dims == dims
                            && compare(&e.time, &window_start).is_some_and(|o| o.is_ge())
                            && compare(&e.time, &window_end).is_some_and(|o| o.is_lt())
                    })
                    .collect();
                let ids: HashSet<&str> = in_window.iter().map(|e| e.id.as_str()).collect();
                let mut row = vec![window.clone()];
                row.extend(dims.iter().cloned());
                row.push(Value::Long(in_window.len() as i64));
                row.push(Value::Long(ids.len() as i64));
                out.rows.push(row);
            }
        }
        Ok(out)
    }
}

/// The distinct dimension tuples, in first-seen order (one empty tuple without dims).
fn distinct_dims(events: &[Event]) -> Vec<Vec<Value>> {
    let mut out: Vec<Vec<Value>> = Vec::new();
    for event in events {
        if !out.contains(&event.dims) {
            out.push(event.dims.clone());
        }
    }
    if out.is_empty() {
        out.push(Vec::new());
    }
    out
}

/// `Timestamp`, the dimension columns, then the metric columns.
fn metric_columns(args: &[Arg], dims_from: usize, input: &Table, metrics: &[&str]) -> Vec<Column> {
    let mut columns = vec![Column {
        name: "Timestamp".to_string(),
        ty: Some(crate::value::ScalarType::Datetime),
    }];
    for dim in args.iter().skip(dims_from) {
        let name = dim
            .value
            .as_name()
            .map_or("dim".to_string(), |n| n.name.clone());
        let ty = input
            .column_index(&name)
            .and_then(|i| input.columns.get(i))
            .and_then(|c| c.ty);
        columns.push(Column { name, ty });
    }
    columns.extend(metrics.iter().map(|m| long_column(m)));
    columns
}
