//! `distinct`: unique combinations of the listed columns (or of all with `*`).

use std::collections::HashSet;

use crate::kql::ast::*;
use crate::kql::eval::{Column, Evaluator, Result, Table};

impl Evaluator<'_> {
    pub(super) fn distinct(&mut self, columns: &[Expr], input: Table) -> Result<Table> {
        let all = columns
            .iter()
            .any(|c| matches!(c.kind, ExprKind::Wildcard { .. }));
        let mut out = if all {
            Table::new(input.columns.clone())
        } else {
            Table::new(
                columns
                    .iter()
                    .enumerate()
                    .map(|(i, c)| Column {
                        name: c
                            .as_name()
                            .map_or(format!("Column{}", i + 1), |n| n.name.clone()),
                        ty: None,
                    })
                    .collect(),
            )
        };
        let mut seen = HashSet::new();
        for row in &input.rows {
            let values = if all {
                row.clone()
            } else {
                let mut values = Vec::with_capacity(columns.len());
                for column in columns {
                    values.push(self.scalar(column, &input, row)?);
                }
                values
            };
            let key: Vec<String> = values.iter().map(|v| v.to_json().to_string()).collect();
            if seen.insert(key) {
                out.rows.push(values);
            }
        }
        out.infer_types();
        Ok(out)
    }
}
