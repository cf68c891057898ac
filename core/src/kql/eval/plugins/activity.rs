//! Activity metrics over time windows: `activity_counts_metrics` (per window: rows,
//! distinct ids, ids new since the start, ids seen so far), `sliding_window_counts`
//! (per bin: rows and distinct ids over a lookback window ending at that bin) and
//! `active_users_count` (per bin: ids with an "active" appearance, one seen in enough
//! distinct periods of the lookback window before it).

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

impl Evaluator<'_> {
    pub(super) fn active_users_count(&mut self, args: &[Arg], input: Table) -> Result<Table> {
        let start = self.plugin_constant(args, 2, "the start")?;
        let end = self.plugin_constant(args, 3, "the end")?;
        let lookback = self.plugin_constant(args, 4, "the lookback window")?;
        let period = self.plugin_constant(args, 5, "the period")?;
        let active_periods = crate::kql::eval::scalar::as_i64(&self.plugin_constant(
            args,
            6,
            "the active periods count",
        )?)
        .unwrap_or(1);
        let bin = self.plugin_constant(args, 7, "the bin")?;
        let events = self.activity_events(args, 8, &input)?;
        let windows = self.activity_windows(&start, &end, &bin)?;
        self.check_activity_work(events.len(), events.len().max(windows.len()))?;
        let mut columns = metric_columns(args, 8, &input, &["dcount"]);
        if let (Some(first), Some(time)) = (columns.first_mut(), args.get(1)) {
            if let Some(name) = time.value.as_name() {
                first.name = name.name.clone();
            }
        }
        let mut out = Table::new(columns);
        let period_of =
            |t: &Value| crate::kql::eval::functions::call("bin", &[t.clone(), period.clone()]);
        for dims in distinct_dims(&events) {
            let mine: Vec<&Event> = events.iter().filter(|e| e.dims == dims).collect();
            // Per window, the ids with an active appearance in it.
            let mut active: Vec<HashSet<&str>> = vec![HashSet::new(); windows.len()];
            for event in &mine {
                let Some(w) = windows.iter().rposition(|w| {
                    compare(&event.time, w).is_some_and(|o| o.is_ge())
                        && compare(&event.time, &arithmetic(BinaryOp::Add, w, &bin))
                            .is_some_and(|o| o.is_lt())
                }) else {
                    continue;
                };
                if compare(&event.time, &end).is_some_and(|o| o.is_gt()) {
                    continue;
                }
                // Appearances of the id in (time - lookback, time].
                let from = arithmetic(BinaryOp::Sub, &event.time, &lookback);
                let mut periods = HashSet::new();
                for other in &mine {
                    if other.id == event.id
                        && compare(&other.time, &from).is_some_and(|o| o.is_gt())
                        && compare(&other.time, &event.time).is_some_and(|o| o.is_le())
                    {
                        periods.insert(period_of(&other.time)?.to_json().to_string());
                    }
                }
                if periods.len() as i64 >= active_periods {
                    if let Some(set) = active.get_mut(w) {
                        set.insert(event.id.as_str());
                    }
                }
            }
            for (window, ids) in windows.iter().zip(&active) {
                if ids.is_empty() {
                    continue;
                }
                let mut row = vec![window.clone()];
                row.extend(dims.iter().cloned());
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

#[cfg(test)]
mod tests {
    use super::super::tests::run;
    use crate::value::Value;

    #[test]
    fn active_users_per_week() {
        // The docs' example: B is active on 7/4 (3 days in the 8 days before), A on 7/17-20.
        let table = run(r#"let T = datatable(User:string, Timestamp:datetime)[
            "B", datetime(2018-06-29), "B", datetime(2018-06-30), "A", datetime(2018-07-02),
            "B", datetime(2018-07-04), "B", datetime(2018-07-08), "A", datetime(2018-07-10),
            "A", datetime(2018-07-14), "A", datetime(2018-07-17), "A", datetime(2018-07-20),
            "B", datetime(2018-07-24)];
            T | evaluate active_users_count(User, Timestamp, datetime(2018-07-01), datetime(2018-07-31), 8d, 1d, 3, 7d)"#);
        assert_eq!(table.column_names(), vec!["Timestamp", "dcount"]);
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[0][1], Value::Long(1));
    }

    #[test]
    fn sliding_counts() {
        let table = run("datatable(u:string, t:long)['a', 1, 'b', 2, 'a', 3] | evaluate sliding_window_counts(u, t, 1, 3, 2, 1)");
        let counts: Vec<Value> = table.rows.iter().map(|r| r[1].clone()).collect();
        assert_eq!(counts, [1, 2, 2].map(Value::Long).to_vec());
    }
}
