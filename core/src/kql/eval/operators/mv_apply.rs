//! `mv-apply`: for each row, expands arrays into a sub-table (as `mv-expand` would), runs
//! the subquery on it, and joins the subquery's rows back to the row. A subquery column
//! named like an input column replaces it; other subquery columns are added.

use crate::kql::ast::*;
use crate::kql::eval::{Column, Evaluator, Result, Table};
use crate::value::Value;

impl Evaluator<'_> {
    pub(super) fn mv_apply(
        &mut self,
        params: &[Param],
        items: &[MvExpandItem],
        limit: Option<&Expr>,
        subquery: &[Operator],
        input: Table,
    ) -> Result<Table> {
        let mut columns: Vec<Column> = input.columns.clone();
        let mut rows: Vec<Vec<Value>> = Vec::new();
        // The subquery's stages repeat per row; the stage list keeps only mv-apply itself.
        let stage_count = self.stages.len();
        for row in &input.rows {
            let single = Table {
                columns: input.columns.clone(),
                rows: vec![row.clone()],
            };
            let mut sub = self.mv_expand(params, items, limit, single)?;
            for op in subquery {
                sub = self.operator(op, sub)?;
            }
            self.stages.truncate(stage_count);
            let targets: Vec<usize> = sub
                .columns
                .iter()
                .map(
                    |column| match columns.iter().position(|c| c.name == column.name) {
                        Some(i) => i,
                        None => {
                            columns.push(column.clone());
                            columns.len() - 1
                        }
                    },
                )
                .collect();
            for sub_row in sub.rows {
                let mut out = row.clone();
                out.resize(columns.len(), Value::Null);
                for (&target, value) in targets.iter().zip(sub_row) {
                    if let Some(slot) = out.get_mut(target) {
                        *slot = value;
                    }
                }
                rows.push(out);
            }
            self.reserve(
                "mv-apply",
                rows.len() as u128,
                crate::kql::eval::limits::inline_row_bytes(columns.len()),
            )?;
            self.check_time()?;
        }
        for row in &mut rows {
            row.resize(columns.len(), Value::Null);
        }
        let mut table = Table { columns, rows };
        // Types of replaced columns come from the subquery's values.
        for column in &mut table.columns {
            column.ty = None;
        }
        table.infer_types();
        Ok(table)
    }
}

#[cfg(test)]
mod tests {
    use crate::kql::eval::{evaluate, EvalOptions};
    use crate::value::Value;

    #[test]
    fn applies_per_row() {
        let query = "datatable(i:long, a:dynamic)[0, dynamic([1, 5, 3]), 1, dynamic([10, 2])] | mv-apply x = a to typeof(long) on (top 1 by x)";
        let parsed = crate::kql::parse(query);
        let table = evaluate(&parsed.query, &Default::default(), &EvalOptions::default())
            .unwrap()
            .table
            .unwrap();
        assert_eq!(table.column_names(), vec!["i", "a", "x"]);
        assert_eq!(table.rows[0][2], Value::Long(5));
        assert_eq!(table.rows[1][2], Value::Long(10));
    }
}
