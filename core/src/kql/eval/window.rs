//! Window functions over a serialized row set: `prev`, `next`, `row_number`, `row_cumsum`,
//! `row_rank_min`, `row_rank_dense`, `row_window_session`.
//!
//! They only make sense while an operator walks the rows of a table in order (`extend`,
//! `project`, `serialize`): that operator sets [`Evaluator::row_index`], and each call site
//! keeps its running state in [`Evaluator::window_states`], keyed by the call's position in
//! the query text, so two `row_cumsum` calls in one `extend` count apart.

use super::scalar::{arithmetic, compare, equals};
use super::{EvalError, Evaluator, Result, Table};
use crate::kql::ast::*;
use crate::value::Value;

/// The running state of one window-function call site.
#[derive(Clone, Debug)]
pub(super) enum WindowState {
    Number(i64),
    Cumsum(Value),
    Rank {
        /// 1-based position of the row since the last restart.
        position: i64,
        rank: i64,
        last: Value,
    },
    Session {
        start: Value,
        last: Value,
    },
}

/// Whether `name` is a window function this module evaluates.
pub(super) fn is_window_function(name: &str) -> bool {
    matches!(
        name,
        "prev"
            | "next"
            | "row_number"
            | "row_cumsum"
            | "row_rank_min"
            | "row_rank_dense"
            | "row_window_session"
    )
}

fn is_true(value: &Value) -> bool {
    matches!(value, Value::Bool(true))
}

impl Evaluator<'_> {
    pub(super) fn window_call(
        &mut self,
        name: &str,
        call: &Expr,
        args: &[Arg],
        table: &Table,
        row: &[Value],
    ) -> Result<Value> {
        let Some(index) = self.row_index else {
            return Err(EvalError::new(format!(
                "{name}() needs a serialized row set: use it in extend or project after sort or serialize"
            )));
        };
        let arg_value = |this: &mut Self, i: usize| -> Result<Value> {
            match args.get(i) {
                Some(arg) => this.scalar(&arg.value, table, row),
                None => Ok(Value::Null),
            }
        };
        let key = call.span.start;
        match name {
            "prev" | "next" => {
                let Some(term) = args.first() else {
                    return Err(EvalError::new(format!("{name}() needs a column")));
                };
                let offset = match args.get(1) {
                    Some(arg) => super::scalar::as_i64(&self.scalar(&arg.value, table, row)?)
                        .ok_or_else(|| {
                            EvalError::new(format!("{name}(): the offset must be a number"))
                        })?,
                    None => 1,
                };
                let target = if name == "prev" {
                    i64::try_from(index)
                        .ok()
                        .and_then(|i| i.checked_sub(offset))
                } else {
                    i64::try_from(index)
                        .ok()
                        .and_then(|i| i.checked_add(offset))
                };
                let other = target
                    .and_then(|t| usize::try_from(t).ok())
                    .and_then(|t| table.rows.get(t));
                match other {
                    Some(other) => {
                        let other = other.clone();
                        // The term is evaluated on the other row, outside any window.
                        let saved = self.row_index.take();
                        let value = self.scalar(&term.value, table, &other);
                        self.row_index = saved;
                        value
                    }
                    None => match args.get(2) {
                        Some(default) => self.scalar(&default.value, table, row),
                        None => Ok(Value::Null),
                    },
                }
            }
            "row_number" => {
                let start = match args.first() {
                    Some(arg) => {
                        super::scalar::as_i64(&self.scalar(&arg.value, table, row)?).unwrap_or(1)
                    }
                    None => 1,
                };
                let restart = is_true(&arg_value(self, 1)?);
                let state = self.window_states.get(&key).cloned();
                let n = match state {
                    Some(WindowState::Number(n)) if !restart => n.saturating_add(1),
                    _ => start,
                };
                self.window_states.insert(key, WindowState::Number(n));
                Ok(Value::Long(n))
            }
            "row_cumsum" => {
                let term = arg_value(self, 0)?;
                let restart = is_true(&arg_value(self, 1)?);
                let total = match self.window_states.get(&key) {
                    Some(WindowState::Cumsum(total)) if !restart => {
                        if term.is_null() {
                            total.clone()
                        } else {
                            arithmetic(BinaryOp::Add, total, &term)
                        }
                    }
                    _ => term,
                };
                self.window_states
                    .insert(key, WindowState::Cumsum(total.clone()));
                Ok(total)
            }
            "row_rank_min" | "row_rank_dense" => {
                let term = arg_value(self, 0)?;
                let restart = is_true(&arg_value(self, 1)?);
                let (position, rank) = match self.window_states.get(&key) {
                    Some(WindowState::Rank {
                        position,
                        rank,
                        last,
                    }) if !restart => {
                        let position = position.saturating_add(1);
                        let same = equals(&term, last).unwrap_or(term.is_null() && last.is_null());
                        let rank = match (same, name) {
                            (true, _) => *rank,
                            (false, "row_rank_min") => position,
                            (false, _) => rank.saturating_add(1),
                        };
                        (position, rank)
                    }
                    _ => (1, 1),
                };
                self.window_states.insert(
                    key,
                    WindowState::Rank {
                        position,
                        rank,
                        last: term,
                    },
                );
                Ok(Value::Long(rank))
            }
            "row_window_session" => {
                let term = arg_value(self, 0)?;
                let max_from_first = arg_value(self, 1)?;
                let max_between = arg_value(self, 2)?;
                let restart = is_true(&arg_value(self, 3)?);
                let exceeds = |a: &Value, b: &Value, limit: &Value| {
                    let distance = arithmetic(BinaryOp::Sub, a, b);
                    compare(&distance, limit).is_some_and(|o| o.is_gt())
                };
                let start = match self.window_states.get(&key) {
                    Some(WindowState::Session { start, last })
                        if !restart
                            && !start.is_null()
                            && !exceeds(&term, start, &max_from_first)
                            && !exceeds(&term, last, &max_between) =>
                    {
                        start.clone()
                    }
                    _ => term.clone(),
                };
                self.window_states.insert(
                    key,
                    WindowState::Session {
                        start: start.clone(),
                        last: term,
                    },
                );
                Ok(start)
            }
            _ => Err(EvalError::unsupported(format!(
                "window function `{name}()`"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::kql::eval::{evaluate, EvalOptions};
    use crate::value::Value;

    fn column(query: &str, name: &str) -> Vec<Value> {
        let parsed = crate::kql::parse(query);
        assert!(!parsed.has_errors(), "{query}");
        let table = evaluate(&parsed.query, &Default::default(), &EvalOptions::default())
            .unwrap()
            .table
            .unwrap();
        let index = table.column_index(name).unwrap();
        table.rows.iter().map(|r| r[index].clone()).collect()
    }

    #[test]
    fn prev_next_and_row_number() {
        let query = "range x from 1 to 3 step 1 | serialize | extend p = prev(x), n = next(x, 1, 0), r = row_number()";
        assert_eq!(
            column(query, "p"),
            vec![Value::Null, Value::Long(1), Value::Long(2)]
        );
        assert_eq!(
            column(query, "n"),
            vec![Value::Long(2), Value::Long(3), Value::Long(0)]
        );
        assert_eq!(
            column(query, "r"),
            vec![Value::Long(1), Value::Long(2), Value::Long(3)]
        );
    }

    #[test]
    fn cumsum_restarts() {
        let query = "range x from 1 to 4 step 1 | serialize | extend s = row_cumsum(x, x == 3)";
        assert_eq!(
            column(query, "s"),
            vec![
                Value::Long(1),
                Value::Long(3),
                Value::Long(3),
                Value::Long(7)
            ]
        );
    }

    #[test]
    fn prev_in_where() {
        let query = "datatable(v:long)[1, 1, 2, 2, 3] | serialize | where v != prev(v)";
        assert_eq!(
            column(query, "v"),
            vec![Value::Long(1), Value::Long(2), Value::Long(3)]
        );
    }

    #[test]
    fn ranks() {
        let query = "datatable(v:long)[1, 2, 2, 5] | serialize | extend m = row_rank_min(v), d = row_rank_dense(v)";
        assert_eq!(
            column(query, "m"),
            vec![
                Value::Long(1),
                Value::Long(2),
                Value::Long(2),
                Value::Long(4)
            ]
        );
        assert_eq!(
            column(query, "d"),
            vec![
                Value::Long(1),
                Value::Long(2),
                Value::Long(2),
                Value::Long(3)
            ]
        );
    }
}
