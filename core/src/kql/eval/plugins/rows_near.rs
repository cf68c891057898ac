//! `rows_near(condition, before [, after])`: the rows within `before` rows before and
//! `after` rows after each row where the condition holds (on a serialized input).

use super::{EvalError, Evaluator, Result, Table};
use crate::kql::ast::*;
use crate::kql::eval::scalar::as_i64;
use crate::value::Value;

impl Evaluator<'_> {
    pub(super) fn rows_near(&mut self, args: &[Arg], input: Table) -> Result<Table> {
        let Some(condition) = args.first() else {
            return Err(EvalError::new("rows_near needs a condition"));
        };
        let count = |v: Value| as_i64(&v).and_then(|n| usize::try_from(n).ok());
        let before =
            count(self.plugin_constant(args, 1, "the number of rows")?).ok_or_else(|| {
                EvalError::new("rows_near: the row count must be a non-negative number")
            })?;
        let after = match args.get(2) {
            Some(arg) => count(self.constant(&arg.value)?).unwrap_or(before),
            None => before,
        };
        let mut keep = vec![false; input.rows.len()];
        for (i, row) in input.rows.iter().enumerate() {
            if matches!(
                self.scalar(&condition.value, &input, row)?,
                Value::Bool(true)
            ) {
                let end = i
                    .saturating_add(after)
                    .min(input.rows.len().saturating_sub(1));
                for flag in keep.iter_mut().take(end + 1).skip(i.saturating_sub(before)) {
                    *flag = true;
                }
            }
        }
        let rows = input
            .rows
            .into_iter()
            .zip(keep)
            .filter_map(|(row, keep)| keep.then_some(row))
            .collect();
        Ok(Table {
            columns: input.columns,
            rows,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::run;

    #[test]
    fn keeps_neighbours() {
        let table = run("range x from 1 to 10 step 1 | evaluate rows_near(x == 5, 1, 2)");
        assert_eq!(table.rows.len(), 4);
    }
}
