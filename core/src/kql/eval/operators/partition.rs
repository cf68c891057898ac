//! `partition by Column ( operators )`: runs the operators on the rows of each distinct
//! value of the column (first-seen order) and unions the results.

use crate::kql::ast::*;
use crate::kql::eval::{EvalError, Evaluator, Result, Table};
use crate::value::Value;

/// Kusto's default cap on the number of partitions.
const MAX_PARTITIONS: usize = 64_000;

impl Evaluator<'_> {
    pub(super) fn partition(
        &mut self,
        by: &Expr,
        body: &PartitionBody,
        input: Table,
    ) -> Result<Table> {
        let PartitionBody::Subquery { operators } = body else {
            return Err(EvalError::unsupported(
                "partition with a { query } body; use partition by X ( operators )",
            ));
        };
        let mut keys: Vec<String> = Vec::new();
        let mut parts: Vec<Vec<Vec<Value>>> = Vec::new();
        for row in &input.rows {
            let key = self.scalar(by, &input, row)?.to_json().to_string();
            match keys.iter().position(|k| *k == key) {
                Some(i) => {
                    if let Some(part) = parts.get_mut(i) {
                        part.push(row.clone());
                    }
                }
                None => {
                    if keys.len() >= MAX_PARTITIONS {
                        return Err(EvalError::new(format!(
                            "partition limit reached: more than {MAX_PARTITIONS} partitions"
                        )));
                    }
                    keys.push(key);
                    parts.push(vec![row.clone()]);
                }
            }
        }
        let stage_count = self.stages.len();
        let mut out: Option<Table> = None;
        for rows in parts {
            let mut part = Table {
                columns: input.columns.clone(),
                rows,
            };
            for op in operators {
                part = self.operator(op, part)?;
            }
            self.stages.truncate(stage_count);
            out = Some(match out {
                None => part,
                Some(mut all) => {
                    // Partitions normally share a schema; align by name when they do not.
                    let positions: Vec<Option<usize>> = all
                        .columns
                        .iter()
                        .map(|c| part.column_index(&c.name))
                        .collect();
                    for row in part.rows {
                        all.rows.push(
                            positions
                                .iter()
                                .map(|p| p.and_then(|i| row.get(i).cloned()).unwrap_or(Value::Null))
                                .collect(),
                        );
                    }
                    self.check_table(&all)?;
                    all
                }
            });
        }
        match out {
            Some(table) => Ok(table),
            None => {
                // No rows: run the operators once on the empty input for the schema.
                let mut part = Table::new(input.columns.clone());
                for op in operators {
                    part = self.operator(op, part)?;
                }
                self.stages.truncate(stage_count);
                Ok(part)
            }
        }
    }
}
