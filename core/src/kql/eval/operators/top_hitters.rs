//! `top-hitters N of Expr [by Summing]`: the N values of Expr that occur most often (or
//! whose Summing total is highest), with `approximate_count_<name>` or
//! `approximate_sum_<name>`. rulelab counts exactly, so the "approximate" values are exact.

use std::cmp::Ordering;

use crate::kql::ast::*;
use crate::kql::eval::scalar::{arithmetic, as_i64, compare};
use crate::kql::eval::{Column, EvalError, Evaluator, Result, Table};
use crate::value::Value;

fn expr_name(expr: &Expr, fallback: &str) -> String {
    expr.as_name()
        .map_or(fallback.to_string(), |n| n.name.clone())
}

impl Evaluator<'_> {
    pub(super) fn top_hitters(
        &mut self,
        count: &Expr,
        of: &Expr,
        by: Option<&Expr>,
        input: &Table,
    ) -> Result<Table> {
        let n = as_i64(&self.constant(count)?)
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| EvalError::new("top-hitters: N must be a non-negative number"))?;
        let mut keys: Vec<(String, Value)> = Vec::new();
        let mut totals: Vec<Value> = Vec::new();
        for row in &input.rows {
            let value = self.scalar(of, input, row)?;
            let weight = match by {
                Some(expr) => self.scalar(expr, input, row)?,
                None => Value::Long(1),
            };
            let key = value.to_json().to_string();
            let index = match keys.iter().position(|(k, _)| *k == key) {
                Some(i) => i,
                None => {
                    keys.push((key, value));
                    totals.push(Value::Long(0));
                    keys.len() - 1
                }
            };
            if let Some(total) = totals.get_mut(index) {
                if !weight.is_null() {
                    *total = arithmetic(BinaryOp::Add, total, &weight);
                }
            }
        }
        let mut ranked: Vec<(Value, Value)> =
            keys.into_iter().map(|(_, v)| v).zip(totals).collect();
        ranked.sort_by(|a, b| compare(&b.1, &a.1).unwrap_or(Ordering::Equal));
        ranked.truncate(n);
        let name = expr_name(of, "Column1");
        let total_name = match by {
            Some(expr) => format!("approximate_sum_{}", expr_name(expr, "Column2")),
            None => format!("approximate_count_{name}"),
        };
        let mut out = Table::new(vec![
            Column { name, ty: None },
            Column {
                name: total_name,
                ty: None,
            },
        ]);
        out.rows = ranked.into_iter().map(|(v, t)| vec![v, t]).collect();
        out.infer_types();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::kql::eval::{evaluate, EvalOptions};
    use crate::value::Value;

    #[test]
    fn most_frequent_first() {
        let query = "datatable(x:string)['a', 'b', 'b', 'c', 'b', 'a'] | top-hitters 2 of x";
        let parsed = crate::kql::parse(query);
        let table = evaluate(&parsed.query, &Default::default(), &EvalOptions::default())
            .unwrap()
            .table
            .unwrap();
        assert_eq!(table.column_names(), vec!["x", "approximate_count_x"]);
        assert_eq!(
            table.rows,
            vec![
                vec![Value::string("b"), Value::Long(3)],
                vec![Value::string("a"), Value::Long(2)],
            ]
        );
    }
}
