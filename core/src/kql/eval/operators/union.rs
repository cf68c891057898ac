//! `union`: rows of every table, columns merged by name (first-seen order).

use crate::kql::ast::*;
use crate::kql::eval::{Column, Evaluator, Result, Table};
use crate::value::{ScalarType, Value};

impl Evaluator<'_> {
    pub(super) fn union(
        &mut self,
        params: &[Param],
        tables: &[Expr],
        input: Table,
        has_input: bool,
    ) -> Result<Table> {
        let source_column = params
            .iter()
            .find(|p| p.name.name == "withsource")
            .and_then(|p| p.value.as_name())
            .map(|n| n.name.clone());
        let mut parts: Vec<(String, Table)> = Vec::new();
        if has_input {
            parts.push((String::new(), input));
        }
        for table in tables {
            let name = table.as_name().map(|n| n.name.clone()).unwrap_or_default();
            parts.push((name, self.table(table)?));
        }
        let mut columns: Vec<Column> = Vec::new();
        if let Some(name) = &source_column {
            columns.push(Column {
                name: name.clone(),
                ty: Some(ScalarType::String),
            });
        }
        for (_, part) in &parts {
            for column in &part.columns {
                if !columns.iter().any(|c| c.name == column.name) {
                    columns.push(column.clone());
                }
            }
        }
        let mut out = Table::new(columns);
        for (name, part) in parts {
            let positions: Vec<Option<usize>> = out
                .columns
                .iter()
                .map(|c| part.column_index(&c.name))
                .collect();
            for row in part.rows {
                let mut merged: Vec<Value> = positions
                    .iter()
                    .map(|p| p.and_then(|i| row.get(i).cloned()).unwrap_or(Value::Null))
                    .collect();
                if source_column.is_some() {
                    if let Some(first) = merged.first_mut() {
                        *first = Value::string(&name);
                    }
                }
                out.rows.push(merged);
            }
        }
        Ok(out)
    }
}
