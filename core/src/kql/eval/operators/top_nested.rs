//! `top-nested`: hierarchical aggregation. Each level partitions the rows (of the level
//! above) by its `of` expression, aggregates each partition with its `by` aggregation, and
//! keeps the top N partitions (all without N; descending unless `asc`), optionally adding
//! an `others` partition for the rest. A row per path through the levels, with two columns
//! per level: the value and its aggregate (`aggregated_<name>` by default).

use std::cmp::Ordering;

use crate::kql::ast::*;
use crate::kql::eval::scalar::{as_i64, compare};
use crate::kql::eval::{Column, EvalError, Evaluator, Result, Table};
use crate::value::Value;

impl Evaluator<'_> {
    pub(super) fn top_nested(&mut self, levels: &[TopNestedLevel], input: &Table) -> Result<Table> {
        let mut columns = Vec::with_capacity(levels.len() * 2);
        for (i, level) in levels.iter().enumerate() {
            let name = match level.of.names.first() {
                Some(n) => n.name.clone(),
                None => match &level.of.value.kind {
                    ExprKind::Name(n) => n.name.clone(),
                    ExprKind::Call { args, .. } => args
                        .first()
                        .and_then(|a| a.value.as_name())
                        .map_or(format!("Column{}", i + 1), |n| n.name.clone()),
                    _ => format!("Column{}", i + 1),
                },
            };
            let aggregate = match level.by.names.first() {
                Some(n) => n.name.clone(),
                None => format!("aggregated_{name}"),
            };
            columns.push(Column { name, ty: None });
            columns.push(Column {
                name: aggregate,
                ty: None,
            });
        }
        let mut out = Table::new(columns);
        let stage_count = self.stages.len();
        let rows: Vec<usize> = (0..input.rows.len()).collect();
        self.top_nested_level(levels, input, &rows, &mut Vec::new(), &mut out)?;
        self.stages.truncate(stage_count);
        out.infer_types();
        Ok(out)
    }

    /// Adds the rows for `rows` from level `levels[0]` down, after the `prefix` values.
    fn top_nested_level(
        &mut self,
        levels: &[TopNestedLevel],
        input: &Table,
        rows: &[usize],
        prefix: &mut Vec<Value>,
        out: &mut Table,
    ) -> Result<()> {
        let Some((level, deeper)) = levels.split_first() else {
            out.rows.push(prefix.clone());
            return self.check_table(out);
        };
        // Partitions by the level's value, in first-seen order.
        let mut keys: Vec<(String, Value)> = Vec::new();
        let mut parts: Vec<Vec<usize>> = Vec::new();
        for &r in rows {
            let Some(row) = input.rows.get(r) else {
                continue;
            };
            let value = self.scalar(&level.of.value, input, row)?;
            let key = value.to_json().to_string();
            match keys.iter().position(|(k, _)| *k == key) {
                Some(i) => {
                    if let Some(part) = parts.get_mut(i) {
                        part.push(r);
                    }
                }
                None => {
                    keys.push((key, value));
                    parts.push(vec![r]);
                }
            }
        }
        let mut ranked = Vec::with_capacity(parts.len());
        for ((_, value), part) in keys.into_iter().zip(parts) {
            let aggregate = self.top_nested_aggregate(level, input, &part)?;
            ranked.push((value, aggregate, part));
        }
        let is_asc = matches!(level.order, Some(SortOrder::Asc | SortOrder::GrannyAsc));
        ranked.sort_by(|a, b| {
            let o = match (a.1.is_null(), b.1.is_null()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                _ => compare(&a.1, &b.1).unwrap_or(Ordering::Equal),
            };
            if is_asc || a.1.is_null() || b.1.is_null() {
                o
            } else {
                o.reverse()
            }
        });
        let count = match &level.count {
            Some(expr) => Some(
                as_i64(&self.constant(expr)?)
                    .and_then(|n| usize::try_from(n).ok())
                    .ok_or_else(|| EvalError::new("top-nested: N must be a non-negative number"))?,
            ),
            None => None,
        };
        let rest: Vec<usize> = match count {
            Some(n) if ranked.len() > n => ranked
                .split_off(n)
                .into_iter()
                .flat_map(|(_, _, part)| part)
                .collect(),
            _ => Vec::new(),
        };
        for (value, aggregate, part) in ranked {
            prefix.push(value);
            prefix.push(aggregate);
            self.top_nested_level(deeper, input, &part, prefix, out)?;
            prefix.truncate(prefix.len() - 2);
        }
        if let Some(others) = &level.others {
            if !rest.is_empty() {
                let value = self.constant(others)?;
                let aggregate = self.top_nested_aggregate(level, input, &rest)?;
                prefix.push(value);
                prefix.push(aggregate);
                // The deeper levels of `others` hold their own `others` values only.
                for deeper_level in deeper {
                    prefix.push(match &deeper_level.others {
                        Some(expr) => self.constant(expr)?,
                        None => Value::Null,
                    });
                    prefix.push(self.top_nested_aggregate(deeper_level, input, &rest)?);
                }
                out.rows.push(prefix.clone());
                prefix.truncate(prefix.len() - 2 * (deeper.len() + 1));
            }
        }
        Ok(())
    }

    /// The level's aggregation over some rows (any expression `summarize` takes).
    fn top_nested_aggregate(
        &mut self,
        level: &TopNestedLevel,
        input: &Table,
        rows: &[usize],
    ) -> Result<Value> {
        let part = Table {
            columns: input.columns.clone(),
            rows: rows
                .iter()
                .filter_map(|&r| input.rows.get(r).cloned())
                .collect(),
        };
        let aggregate = Assignment {
            names: Vec::new(),
            value: level.by.value.clone(),
            span: level.by.span,
        };
        let result = self.summarize(std::slice::from_ref(&aggregate), &[], &part)?;
        Ok(result
            .rows
            .first()
            .and_then(|r| r.first())
            .cloned()
            .unwrap_or(Value::Null))
    }
}

#[cfg(test)]
mod tests {
    use crate::kql::eval::{evaluate, EvalOptions};
    use crate::value::Value;

    #[test]
    fn two_levels_with_others() {
        let query = "datatable(s:string, e:string, d:long)['A', 'x', 5, 'A', 'y', 1, 'B', 'x', 2, 'C', 'z', 1] | top-nested 1 of s with others = 'rest' by sum(d), top-nested 1 of e by sum(d)";
        let parsed = crate::kql::parse(query);
        let table = evaluate(&parsed.query, &Default::default(), &EvalOptions::default())
            .unwrap()
            .table
            .unwrap();
        assert_eq!(
            table.column_names(),
            vec!["s", "aggregated_s", "e", "aggregated_e"]
        );
        assert_eq!(
            table.rows[0],
            vec![
                Value::string("A"),
                Value::Long(6),
                Value::string("x"),
                Value::Long(5)
            ]
        );
        assert_eq!(table.rows[1][0], Value::string("rest"));
        assert_eq!(table.rows[1][1], Value::Long(3));
    }
}
