//! `where` / `filter`: keeps the rows whose predicate is true (null counts as false).

use crate::kql::ast::Expr;
use crate::kql::eval::compiled::{ColumnRow, Compiled};
use crate::kql::eval::expr::binary;
use crate::kql::eval::{ColumnTable, Evaluator, Result, Table};
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
            match self.test(&compiled, input, row) {
                Ok(Some(true)) => kept.push(row.clone()),
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

    /// Several `where`s in a row over a loaded input table: each predicate narrows the
    /// list of rows still in play, reading only the columns it names, and only rows that
    /// pass all of them are assembled, so `T | where A | where B` builds just what passes
    /// both. Returns the rows kept after each predicate, for the stage counts.
    pub(in crate::kql::eval) fn filter_input(
        &mut self,
        predicates: &[&Expr],
        input: &ColumnTable,
    ) -> Result<(Table, Vec<usize>)> {
        let header = input.header();
        let compiled = predicates
            .iter()
            .map(|p| self.compile(p, &header))
            .collect::<Result<Vec<_>>>()?;
        let mut passed = Vec::with_capacity(compiled.len());
        let mut rows: Option<Vec<usize>> = None;
        for predicate in &compiled {
            let kept = self.select(predicate, &header, input, rows.as_deref())?;
            passed.push(kept.len());
            rows = Some(kept);
        }
        let kept = rows.unwrap_or_else(|| (0..input.len()).collect());
        Ok((input.take_rows(&kept), passed))
    }

    /// The rows among `rows` (all when `None`) where `predicate` is true. A conjunction
    /// narrows operand by operand; a string test on a column walks that column's values
    /// directly with its memo; anything else is tested row by row.
    fn select(
        &mut self,
        predicate: &Compiled<'_>,
        header: &Table,
        input: &ColumnTable,
        rows: Option<&[usize]>,
    ) -> Result<Vec<usize>> {
        match rows {
            Some(list) => {
                self.select_among(predicate, header, input, rows, || list.iter().copied())
            }
            None => self.select_among(predicate, header, input, rows, || 0..input.len()),
        }
    }

    fn select_among<I: Iterator<Item = usize>>(
        &mut self,
        predicate: &Compiled<'_>,
        header: &Table,
        input: &ColumnTable,
        rows: Option<&[usize]>,
        candidates: impl Fn() -> I,
    ) -> Result<Vec<usize>> {
        let mut kept = Vec::new();
        match predicate {
            Compiled::Logical {
                is_or: false,
                operands,
            } => {
                let mut narrowed: Option<Vec<usize>> = None;
                for operand in operands {
                    let current = narrowed.as_deref().or(rows);
                    narrowed = Some(self.select(operand, header, input, current)?);
                }
                return Ok(narrowed.unwrap_or_else(|| candidates().collect()));
            }
            Compiled::Memoized { column, test, memo } => {
                if let Some(values) = input.values(*column) {
                    for row in candidates() {
                        let answer = match values.get(row) {
                            Some(Value::String(text)) => match memo.get(text) {
                                Some(answer) => answer,
                                None => {
                                    let answer =
                                        self.test(test, header, &ColumnRow { table: input, row })?;
                                    memo.set(text, answer);
                                    answer
                                }
                            },
                            _ => self.test(test, header, &ColumnRow { table: input, row })?,
                        };
                        if answer == Some(true) {
                            kept.push(row);
                        }
                    }
                    return Ok(kept);
                }
            }
            Compiled::Binary { op, left, right } => {
                if let (Compiled::Column(column), Compiled::Const(constant)) = (&**left, &**right) {
                    // `Column > constant` and the like, straight over the column's values.
                    let values = input.values(*column).unwrap_or_default();
                    for row in candidates() {
                        let value = values.get(row).unwrap_or(&Value::Null);
                        if binary(*op, value, constant)? == Value::Bool(true) {
                            kept.push(row);
                        }
                    }
                    return Ok(kept);
                }
            }
            _ => {}
        }
        for row in candidates() {
            if self.test(predicate, header, &ColumnRow { table: input, row })? == Some(true) {
                kept.push(row);
            }
        }
        Ok(kept)
    }
}
