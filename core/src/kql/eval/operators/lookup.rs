//! `lookup`: extends each left row with the columns of the matching right-side row
//! (`kind=leftouter` by default keeps unmatched rows with nulls; `kind=inner` drops them).
//! The key columns appear once, from the left side.

use std::collections::HashMap;

use super::join::{join_keys, key_of};
use crate::kql::ast::*;
use crate::kql::eval::{EvalError, Evaluator, Result, Table};
use crate::value::Value;

impl Evaluator<'_> {
    pub(super) fn lookup_operator(
        &mut self,
        params: &[Param],
        right: &Expr,
        on: &[Expr],
        left: Table,
    ) -> Result<Table> {
        let right = self.table(right)?;
        let kind = params
            .iter()
            .find(|p| p.name.name == "kind")
            .and_then(|p| p.value.as_name())
            .map_or("leftouter".to_string(), |n| n.name.to_ascii_lowercase());
        if kind != "leftouter" && kind != "inner" {
            return Err(EvalError::new(format!(
                "lookup kind must be leftouter or inner, not `{kind}`"
            )));
        }
        let pairs = join_keys(on, &left, &right)?;
        let right_keys: Vec<usize> = pairs.iter().map(|p| p.1).collect();
        let extra: Vec<usize> = (0..right.columns.len())
            .filter(|i| !right_keys.contains(i))
            .collect();
        let mut columns = left.columns.clone();
        for &i in &extra {
            if let Some(column) = right.columns.get(i) {
                let mut column = column.clone();
                let base = column.name.clone();
                let mut n = 1;
                while columns.iter().any(|c| c.name == column.name) {
                    column.name = format!("{base}{n}");
                    n += 1;
                }
                columns.push(column);
            }
        }
        let mut index: HashMap<Vec<super::summarize::GroupKey>, Vec<usize>> = HashMap::new();
        for (i, row) in right.rows.iter().enumerate() {
            if let Some(key) = key_of(row, right_keys.iter().copied()) {
                index.entry(key).or_default().push(i);
            }
        }
        let mut out = Table::new(columns);
        for row in &left.rows {
            let found = key_of(row, pairs.iter().map(|p| p.0))
                .and_then(|k| index.get(&k))
                .cloned()
                .unwrap_or_default();
            if found.is_empty() {
                if kind == "leftouter" {
                    let mut values = row.clone();
                    values.resize(out.columns.len(), Value::Null);
                    out.rows.push(values);
                }
                continue;
            }
            for i in found {
                let Some(right_row) = right.rows.get(i) else {
                    continue;
                };
                let mut values = row.clone();
                values.extend(
                    extra
                        .iter()
                        .map(|&c| right_row.get(c).cloned().unwrap_or(Value::Null)),
                );
                out.rows.push(values);
            }
            self.check_table(&out)?;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::kql::eval::{evaluate, EvalOptions};
    use crate::value::Value;

    #[test]
    fn keys_once_unmatched_kept() {
        let query = "let D = datatable(k:string, v:long)['a', 1]; datatable(k:string, x:long)['a', 7, 'b', 8] | lookup D on k";
        let parsed = crate::kql::parse(query);
        let table = evaluate(&parsed.query, &Default::default(), &EvalOptions::default())
            .unwrap()
            .table
            .unwrap();
        assert_eq!(table.column_names(), vec!["k", "x", "v"]);
        assert_eq!(table.rows[1][2], Value::Null);
    }
}
