//! `where` / `filter`: keeps the rows whose predicate is true (null counts as false).

use crate::kql::ast::Expr;
use crate::kql::eval::{Evaluator, Result, Table};
use crate::value::Value;

impl Evaluator<'_> {
    pub(super) fn filter(&mut self, predicate: &Expr, input: Table) -> Result<Table> {
        let mut kept = Vec::with_capacity(input.rows.len());
        for row in &input.rows {
            if matches!(self.scalar(predicate, &input, row)?, Value::Bool(true)) {
                kept.push(row.clone());
            }
        }
        Ok(Table {
            columns: input.columns,
            rows: kept,
        })
    }
}
