//! `sort`/`order` (descending by default, nulls last when descending, first when ascending)
//! and `top`.

use std::cmp::Ordering;

use crate::kql::ast::*;
use crate::kql::eval::scalar::compare;
use crate::kql::eval::{Evaluator, Result, Table};
use crate::value::Value;

impl Evaluator<'_> {
    pub(super) fn sort(&mut self, keys: &[SortKey], input: Table) -> Result<Table> {
        let mut keyed = Vec::with_capacity(input.rows.len());
        for row in &input.rows {
            let mut values = Vec::with_capacity(keys.len());
            for key in keys {
                values.push(self.scalar(&key.expr, &input, row)?);
            }
            keyed.push((values, row.clone()));
        }
        keyed.sort_by(|(a, _), (b, _)| {
            for (i, key) in keys.iter().enumerate() {
                let is_desc = !matches!(key.order, Some(SortOrder::Asc | SortOrder::GrannyAsc));
                let nulls_first = match key.nulls {
                    Some(NullsPlacement::First) => true,
                    Some(NullsPlacement::Last) => false,
                    None => !is_desc,
                };
                let (x, y) = (
                    a.get(i).unwrap_or(&Value::Null),
                    b.get(i).unwrap_or(&Value::Null),
                );
                let ordering = match (x.is_null(), y.is_null()) {
                    (true, true) => Ordering::Equal,
                    (true, false) => {
                        if nulls_first {
                            Ordering::Less
                        } else {
                            Ordering::Greater
                        }
                    }
                    (false, true) => {
                        if nulls_first {
                            Ordering::Greater
                        } else {
                            Ordering::Less
                        }
                    }
                    (false, false) => {
                        let o = compare(x, y).unwrap_or(Ordering::Equal);
                        if is_desc {
                            o.reverse()
                        } else {
                            o
                        }
                    }
                };
                if ordering != Ordering::Equal {
                    return ordering;
                }
            }
            Ordering::Equal
        });
        Ok(Table {
            columns: input.columns,
            rows: keyed.into_iter().map(|(_, row)| row).collect(),
        })
    }
}
