//! `scan`: matches sequences of rows against ordered steps, following the Kusto docs'
//! matching logic. Each step keeps a state (the records of the steps before it and its
//! own); each row is checked against the steps from last to first:
//!
//! 1. if the previous step has a state and the row meets this step's condition (seen with
//!    that state), the previous state is promoted to this step, extended with the row;
//! 2. otherwise, if this step has an active state (or is the first step) and the row meets
//!    its condition, the row replaces this step's record; on the first step with no active
//!    state, a new sequence (match id) begins.
//!
//! `sN.Column` in a condition or assignment reads the state's record of step `sN` (a
//! declared column's default while that step has no record).

use std::collections::HashMap;

use crate::kql::ast::*;
use crate::kql::eval::scalar::convert;
use crate::kql::eval::{Column, EvalError, Evaluator, Result, Table};
use crate::value::{ScalarType, Value};

/// How a step reports its matches.
#[derive(Clone, Copy, PartialEq)]
enum StepOutput {
    All,
    Last,
    None,
}

/// The state of one step: a record per step up to it, and the sequence's match id.
#[derive(Clone)]
struct StepState {
    records: Vec<Option<Vec<Value>>>,
    match_id: i64,
}

impl Evaluator<'_> {
    pub(super) fn scan(
        &mut self,
        params: &[Param],
        order_by: &[SortKey],
        partition_by: &[Expr],
        declare: &[Parameter],
        steps: &[ScanStep],
        input: Table,
    ) -> Result<Table> {
        let input = if order_by.is_empty() {
            input
        } else {
            self.sort(order_by, input)?
        };
        let match_id_column = params
            .iter()
            .find(|p| p.name.name == "with_match_id")
            .and_then(|p| p.value.as_name())
            .map(|n| n.name.clone());
        let mut columns = input.columns.clone();
        let mut defaults = Vec::new();
        for parameter in declare {
            let ty = match &parameter.ty {
                ParameterType::Scalar { name } => ScalarType::parse(&name.name),
                ParameterType::Tabular { .. } => {
                    return Err(EvalError::new("scan declares scalar columns only"))
                }
            };
            let default = match &parameter.default {
                Some(expr) => self.constant(expr)?,
                None => Value::Null,
            };
            defaults.push(match ty {
                Some(ty) => convert(default, ty),
                None => default,
            });
            columns.push(Column {
                name: parameter.name.name.clone(),
                ty,
            });
        }
        let extended = Table::new(columns.clone());
        let mut out_columns = columns;
        if let Some(name) = &match_id_column {
            out_columns.push(Column {
                name: name.clone(),
                ty: Some(ScalarType::Long),
            });
        }
        // Partitions (`partition by`) are scanned apart, in first-seen order.
        let mut partitions: Vec<(Vec<Value>, Vec<usize>)> = Vec::new();
        for (i, row) in input.rows.iter().enumerate() {
            let mut key = Vec::with_capacity(partition_by.len());
            for expr in partition_by {
                key.push(self.scalar(expr, &input, row)?);
            }
            match partitions.iter_mut().find(|(k, _)| *k == key) {
                Some((_, rows)) => rows.push(i),
                None => partitions.push((key, vec![i])),
            }
        }
        let mut out = Table::new(out_columns);
        let mut next_match_id = 0;
        for (_, rows) in partitions {
            let mut rows_out: Vec<Option<Vec<Value>>> = Vec::new();
            let mut states: Vec<Option<StepState>> = vec![None; steps.len()];
            // Per step, the output slot of its last match (for `output=last`).
            let mut last_output: Vec<Option<usize>> = vec![None; steps.len()];
            for &i in &rows {
                let Some(row) = input.rows.get(i) else {
                    continue;
                };
                let mut record = row.clone();
                record.extend(defaults.iter().cloned());
                for (k, step) in steps.iter().enumerate().rev() {
                    let output = step_output(step);
                    // Check 1: promote the previous step's state.
                    if k > 0 {
                        if let Some(previous) = states.get(k - 1).cloned().flatten() {
                            if let Some(extended_row) = self
                                .scan_step(step, steps, &previous, &extended, &record, &defaults)?
                            {
                                let mut state = previous;
                                state.records.truncate(k);
                                state.records.resize(k, None);
                                state.records.push(Some(extended_row.clone()));
                                let match_id = state.match_id;
                                if let Some(slot) = states.get_mut(k - 1) {
                                    *slot = None;
                                }
                                if let Some(slot) = states.get_mut(k) {
                                    *slot = Some(state);
                                }
                                let slot = emit(
                                    &mut rows_out,
                                    output,
                                    extended_row,
                                    match_id,
                                    match_id_column.is_some(),
                                );
                                if let Some(last) = last_output.get_mut(k) {
                                    *last = slot;
                                }
                                continue;
                            }
                        }
                    }
                    // Check 2: the step's own active state, or a new sequence on the first step.
                    let current = states.get(k).cloned().flatten();
                    if current.is_none() && k > 0 {
                        continue;
                    }
                    let state = current.clone().unwrap_or(StepState {
                        records: vec![None; k + 1],
                        match_id: next_match_id,
                    });
                    if let Some(extended_row) =
                        self.scan_step(step, steps, &state, &extended, &record, &defaults)?
                    {
                        let mut state = state;
                        if current.is_none() {
                            // A new sequence on the first step.
                            state.match_id = next_match_id;
                            next_match_id += 1;
                        }
                        state.records.resize(k + 1, None);
                        if let Some(slot) = state.records.get_mut(k) {
                            *slot = Some(extended_row.clone());
                        }
                        let match_id = state.match_id;
                        if let Some(slot) = states.get_mut(k) {
                            *slot = Some(state);
                        }
                        if output == StepOutput::Last {
                            // A repeated match replaces the step's previous output.
                            if let Some(previous) = last_output.get(k).copied().flatten() {
                                if let Some(slot) = rows_out.get_mut(previous) {
                                    *slot = None;
                                }
                            }
                        }
                        let slot = emit(
                            &mut rows_out,
                            output,
                            extended_row,
                            match_id,
                            match_id_column.is_some(),
                        );
                        if let Some(last) = last_output.get_mut(k) {
                            *last = slot;
                        }
                    }
                }
                if rows_out.len() > self.options.max_rows {
                    return Err(EvalError::new(format!(
                        "row limit reached: scan produces more than {} rows (raise max_rows to allow more)",
                        self.options.max_rows
                    )));
                }
            }
            out.rows.extend(rows_out.into_iter().flatten());
        }
        Ok(out)
    }

    /// Evaluates a step on `record` with `state`'s records visible as `sN.Column`: the
    /// extended record when the condition holds.
    fn scan_step(
        &mut self,
        step: &ScanStep,
        steps: &[ScanStep],
        state: &StepState,
        extended: &Table,
        record: &[Value],
        defaults: &[Value],
    ) -> Result<Option<Vec<Value>>> {
        let declared_from = extended.columns.len() - defaults.len();
        let mut refs: HashMap<String, HashMap<String, Value>> = HashMap::new();
        for (j, named) in steps.iter().enumerate() {
            let values: HashMap<String, Value> = extended
                .columns
                .iter()
                .enumerate()
                .map(|(c, column)| {
                    let value = match state.records.get(j).cloned().flatten() {
                        Some(found) => found.get(c).cloned().unwrap_or(Value::Null),
                        None if c >= declared_from => defaults
                            .get(c - declared_from)
                            .cloned()
                            .unwrap_or(Value::Null),
                        None => Value::Null,
                    };
                    (column.name.clone(), value)
                })
                .collect();
            refs.insert(named.name.name.clone(), values);
        }
        let saved = self.scan_refs.replace(refs);
        let result = self.scan_step_with_refs(step, extended, record);
        self.scan_refs = saved;
        result
    }

    fn scan_step_with_refs(
        &mut self,
        step: &ScanStep,
        extended: &Table,
        record: &[Value],
    ) -> Result<Option<Vec<Value>>> {
        if !matches!(
            self.scalar(&step.condition, extended, record)?,
            Value::Bool(true)
        ) {
            return Ok(None);
        }
        let mut row = record.to_vec();
        for assignment in &step.assignments {
            let value = self.scalar(&assignment.value, extended, record)?;
            let Some(name) = assignment.names.first() else {
                continue;
            };
            let Some(index) = extended.column_index(&name.name) else {
                return Err(EvalError::new(format!(
                    "scan assigns `{}`, which is not a declared column",
                    name.name
                )));
            };
            let ty = extended.columns.get(index).and_then(|c| c.ty);
            if let Some(slot) = row.get_mut(index) {
                *slot = match ty {
                    Some(ty) => convert(value, ty),
                    None => value,
                };
            }
        }
        Ok(Some(row))
    }
}

fn step_output(step: &ScanStep) -> StepOutput {
    match step.output.as_ref().map(|o| o.name.to_ascii_lowercase()) {
        Some(o) if o == "none" => StepOutput::None,
        Some(o) if o == "last" => StepOutput::Last,
        _ => StepOutput::All,
    }
}

/// Adds a match to the output (unless the step outputs nothing); its slot index.
fn emit(
    rows: &mut Vec<Option<Vec<Value>>>,
    output: StepOutput,
    mut row: Vec<Value>,
    match_id: i64,
    with_match_id: bool,
) -> Option<usize> {
    if output == StepOutput::None {
        return None;
    }
    if with_match_id {
        row.push(Value::Long(match_id));
    }
    rows.push(Some(row));
    Some(rows.len() - 1)
}

#[cfg(test)]
mod tests {
    use crate::kql::eval::{evaluate, EvalOptions, Table};
    use crate::value::Value;

    fn run(query: &str) -> Table {
        let parsed = crate::kql::parse(query);
        assert!(!parsed.has_errors(), "{query}");
        evaluate(&parsed.query, &Default::default(), &EvalOptions::default())
            .unwrap()
            .table
            .unwrap()
    }

    #[test]
    fn cumulative_sum() {
        let table = run("range x from 1 to 4 step 1 | scan declare (c:long=0) with (step s1: true => c = x + s1.c;)");
        let sums: Vec<Value> = table.rows.iter().map(|r| r[1].clone()).collect();
        assert_eq!(
            sums,
            vec![
                Value::Long(1),
                Value::Long(3),
                Value::Long(6),
                Value::Long(10)
            ]
        );
    }

    #[test]
    fn sequences_get_match_ids() {
        let table = run(
            r#"datatable(e:string)["a", "x", "b", "a", "b"] | scan with_match_id=id with (step s1: e == "a"; step s2: e == "b";)"#,
        );
        assert_eq!(table.rows.len(), 4);
        assert_eq!(table.rows[3], vec![Value::string("b"), Value::Long(1)]);
    }
}
