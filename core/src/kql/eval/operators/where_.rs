//! `where` / `filter`: keeps the rows whose predicate is true (null counts as false).

use crate::kql::ast::Expr;
use crate::kql::eval::{Evaluator, Result, Table};
use crate::value::Value;

impl Evaluator<'_> {
    pub(super) fn filter(&mut self, predicate: &Expr, input: Table) -> Result<Table> {
        let compiled = self.compile(predicate, &input)?;
        let Table { columns, rows } = input;
        let shape = Table::new(columns);
        let mut kept = Vec::with_capacity(rows.len() / 4);
        for row in rows {
            if matches!(self.run(&compiled, &shape, &row)?, Value::Bool(true)) {
                kept.push(row);
            }
        }
        Ok(Table {
            columns: shape.columns,
            rows: kept,
        })
    }
}
