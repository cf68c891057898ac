//! `where` / `filter`: keeps the rows whose predicate is true (null counts as false).

use crate::kql::ast::Expr;
use crate::kql::eval::{Evaluator, Result, Table};
use crate::value::Value;

impl Evaluator<'_> {
    /// Keeps the rows of `input` where `predicate` is true, cloning only those; the input
    /// is borrowed so that a query's first `where` reads the event table in place.
    pub(in crate::kql::eval) fn filter(
        &mut self,
        predicate: &Expr,
        input: &Table,
    ) -> Result<Table> {
        let compiled = self.compile(predicate, input)?;
        let mut kept = Vec::with_capacity(input.rows.len() / 4);
        // Window functions (`where prev(x) != x`) see each row's position, as in `extend`.
        let saved_index = self.row_index;
        let saved_states = std::mem::take(&mut self.window_states);
        let mut result = Ok(());
        // Window functions read neighbouring rows, so the input stays whole while it runs.
        for (position, row) in input.rows.iter().enumerate() {
            self.row_index = Some(position);
            match self.run(&compiled, input, row) {
                Ok(Value::Bool(true)) => kept.push(row.clone()),
                Ok(_) => {}
                Err(error) => {
                    result = Err(error);
                    break;
                }
            }
        }
        self.row_index = saved_index;
        self.window_states = saved_states;
        result?;
        Ok(Table {
            columns: input.columns.clone(),
            rows: kept,
        })
    }

    /// Several `where`s in a row over a borrowed table: each row is tested against every
    /// predicate before it is copied, so `T | where A | where B` copies only what passes
    /// both. Returns the rows kept after each predicate, for the stage counts.
    pub(in crate::kql::eval) fn filter_all(
        &mut self,
        predicates: &[&Expr],
        input: &Table,
    ) -> Result<(Table, Vec<usize>)> {
        let compiled = predicates
            .iter()
            .map(|p| self.compile(p, input))
            .collect::<Result<Vec<_>>>()?;
        let mut passed = vec![0usize; compiled.len()];
        let mut kept = Vec::new();
        'rows: for row in &input.rows {
            for (i, predicate) in compiled.iter().enumerate() {
                if !matches!(self.run(predicate, input, row)?, Value::Bool(true)) {
                    continue 'rows;
                }
                if let Some(count) = passed.get_mut(i) {
                    *count += 1;
                }
            }
            kept.push(row.clone());
        }
        Ok((
            Table {
                columns: input.columns.clone(),
                rows: kept,
            },
            passed,
        ))
    }
}
