//! `pivot(column [, aggregate(x)] [, by1, by2...])`: one output column per distinct value of
//! `column`, holding the aggregate of the rows with that value (`count()` by default),
//! grouped by the listed columns (all other columns when none are listed).

use std::collections::HashMap;

use super::{Column, EvalError, Evaluator, Result, Table};
use crate::kql::ast::*;
use crate::kql::eval::aggregate::{is_aggregate, Accumulator};
use crate::kql::eval::scalar::as_text;
use crate::value::Value;

impl Evaluator<'_> {
    pub(super) fn pivot(&mut self, args: &[Arg], input: Table) -> Result<Table> {
        let Some(pivot_name) = args.first().and_then(|a| a.value.as_name()) else {
            return Err(EvalError::new("pivot needs a column"));
        };
        let Some(pivot_index) = input.column_index(&pivot_name.name) else {
            return Err(EvalError::new(format!(
                "pivot: no column `{}`",
                pivot_name.name
            )));
        };
        // The aggregate: its name and argument expression (none for count()).
        let (aggregate, aggregate_arg) = match args.get(1).map(|a| &a.value.kind) {
            Some(ExprKind::Call {
                callee,
                args: inner,
            }) => {
                let name = callee.as_name().map(|n| n.name.clone()).unwrap_or_default();
                let canonical = crate::kql::functions::lookup(&name)
                    .map_or(name.clone(), |info| info.name.to_string());
                if !is_aggregate(&canonical) {
                    return Err(EvalError::unsupported(format!(
                        "pivot aggregate `{name}()`"
                    )));
                }
                (canonical, inner.first().map(|a| a.value.clone()))
            }
            _ => ("count".to_string(), None),
        };
        let aggregated_column = aggregate_arg
            .as_ref()
            .and_then(|e| e.as_name())
            .map(|n| n.name.clone());
        let by: Vec<usize> =
            if args.len() > 2 {
                let mut by = Vec::new();
                for arg in args.iter().skip(2) {
                    let Some(name) = arg.value.as_name() else {
                        return Err(EvalError::new("pivot: group columns must be column names"));
                    };
                    by.push(input.column_index(&name.name).ok_or_else(|| {
                        EvalError::new(format!("pivot: no column `{}`", name.name))
                    })?);
                }
                by
            } else {
                (0..input.columns.len())
                    .filter(|&i| {
                        i != pivot_index
                            && input.columns.get(i).map(|c| Some(&c.name))
                                != Some(aggregated_column.as_ref())
                    })
                    .collect()
            };
        let mut pivots: Vec<String> = Vec::new();
        let mut groups: HashMap<Vec<String>, usize> = HashMap::new();
        let mut keys: Vec<Vec<Value>> = Vec::new();
        let mut cells: Vec<HashMap<String, Accumulator>> = Vec::new();
        for row in &input.rows {
            let pivot = as_text(row.get(pivot_index).unwrap_or(&Value::Null)).unwrap_or_default();
            if !pivots.contains(&pivot) {
                pivots.push(pivot.clone());
            }
            let key: Vec<Value> = by
                .iter()
                .map(|&i| row.get(i).cloned().unwrap_or(Value::Null))
                .collect();
            let fingerprint: Vec<String> = key.iter().map(|v| v.to_json().to_string()).collect();
            let group = match groups.get(&fingerprint) {
                Some(&g) => g,
                None => {
                    groups.insert(fingerprint, keys.len());
                    keys.push(key);
                    cells.push(HashMap::new());
                    keys.len() - 1
                }
            };
            let value = match &aggregate_arg {
                Some(expr) => self.scalar(expr, &input, row)?,
                None => Value::Bool(true),
            };
            let Some(cell_map) = cells.get_mut(group) else {
                continue;
            };
            let cell = match cell_map.get_mut(&pivot) {
                Some(cell) => cell,
                None => {
                    cell_map.insert(pivot.clone(), Accumulator::new(&aggregate, 1, 0)?);
                    match cell_map.get_mut(&pivot) {
                        Some(cell) => cell,
                        None => continue,
                    }
                }
            };
            cell.add(std::slice::from_ref(&value), &[]);
        }
        pivots.sort();
        let mut columns: Vec<Column> = by
            .iter()
            .filter_map(|&i| input.columns.get(i).cloned())
            .collect();
        columns.extend(pivots.iter().map(|p| Column {
            name: p.clone(),
            ty: None,
        }));
        let mut out = Table::new(columns);
        for (key, mut cell_map) in keys.into_iter().zip(cells) {
            let mut row = key;
            for pivot in &pivots {
                let value = match cell_map.remove(pivot) {
                    Some(cell) => cell.finish().into_iter().next().unwrap_or(Value::Null),
                    // An empty cell is the aggregate over no rows (0 for count).
                    None => Accumulator::new(&aggregate, 1, 0)?
                        .finish()
                        .into_iter()
                        .next()
                        .unwrap_or(Value::Null),
                };
                row.push(value);
            }
            out.rows.push(row);
        }
        out.infer_types();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::run;
    use crate::value::Value;

    #[test]
    fn counts_per_value() {
        let table =
            run("datatable(k:string, s:string)['a', 'x', 'a', 'y', 'b', 'x'] | evaluate pivot(s)");
        assert_eq!(table.column_names(), vec!["k", "x", "y"]);
        assert_eq!(
            table.rows[0],
            vec![Value::string("a"), Value::Long(1), Value::Long(1)]
        );
        assert_eq!(
            table.rows[1],
            vec![Value::string("b"), Value::Long(1), Value::Long(0)]
        );
    }
}
