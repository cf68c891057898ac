//! `join`: all kinds, with Kusto's defaults and naming. The default kind `innerunique` keeps
//! the first left row per key before joining; duplicate column names from the right side
//! get `1`, `2`... suffixes.

use super::summarize::GroupKey;

use crate::kql::ast::*;
use crate::kql::eval::{Column, EvalError, Evaluator, Result, Table};
use crate::value::Value;

/// The join keys as (left column, right column) index pairs.
pub(super) fn join_keys(on: &[Expr], left: &Table, right: &Table) -> Result<Vec<(usize, usize)>> {
    let mut pairs = Vec::new();
    let mut pending: Vec<&Expr> = on.iter().collect();
    while let Some(expr) = pending.pop() {
        match &expr.kind {
            ExprKind::Name(ident) => {
                let l = left.column_index(&ident.name).ok_or_else(|| {
                    EvalError::new(format!(
                        "join key `{}` is not a column of the left side",
                        ident.name
                    ))
                })?;
                let r = right.column_index(&ident.name).ok_or_else(|| {
                    EvalError::new(format!(
                        "join key `{}` is not a column of the right side",
                        ident.name
                    ))
                })?;
                pairs.push((l, r));
            }
            ExprKind::Logical {
                op: LogicalOp::And,
                operands,
            } => pending.extend(operands),
            ExprKind::Binary {
                op: BinaryOp::Eq,
                left: a,
                right: b,
            } => {
                let side = |e: &Expr| match &e.kind {
                    ExprKind::Member { target, name } => target
                        .as_name()
                        .map(|t| (t.name.clone(), name.name.clone())),
                    _ => None,
                };
                let (Some((sa, ca)), Some((sb, cb))) = (side(a), side(b)) else {
                    return Err(EvalError::unsupported("this join condition"));
                };
                let (lc, rc) = match (sa.as_str(), sb.as_str()) {
                    ("$left", "$right") => (ca, cb),
                    ("$right", "$left") => (cb, ca),
                    _ => return Err(EvalError::unsupported("this join condition")),
                };
                let l = left.column_index(&lc).ok_or_else(|| {
                    EvalError::new(format!("`{lc}` is not a column of the left side"))
                })?;
                let r = right.column_index(&rc).ok_or_else(|| {
                    EvalError::new(format!("`{rc}` is not a column of the right side"))
                })?;
                pairs.push((l, r));
            }
            _ => return Err(EvalError::unsupported("this join condition")),
        }
    }
    pairs.reverse();
    Ok(pairs)
}

/// A hashable key; `None` when a key value is null (nulls never match).
pub(super) fn key_of(row: &[Value], columns: impl Iterator<Item = usize>) -> Option<Vec<GroupKey>> {
    columns
        .map(|c| match row.get(c) {
            Some(Value::Null) | None => None,
            Some(value) => Some(GroupKey::of(value)),
        })
        .collect()
}

impl Evaluator<'_> {
    pub(super) fn join(
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
            .map_or("innerunique".to_string(), |n| n.name.to_ascii_lowercase());
        let pairs = if on.is_empty() {
            // Without `on`, Kusto joins on the columns both sides share.
            left.columns
                .iter()
                .enumerate()
                .filter_map(|(l, c)| right.column_index(&c.name).map(|r| (l, r)))
                .collect()
        } else {
            join_keys(on, &left, &right)?
        };
        let left_row_bytes = super::super::limits::row_bytes(&left);
        let Table {
            columns: left_columns,
            rows: mut left_rows,
        } = left;
        if kind == "innerunique" {
            let mut seen = hashbrown::HashSet::new();
            left_rows.retain(|row| match key_of(row, pairs.iter().map(|p| p.0)) {
                Some(key) => seen.insert(key),
                None => true,
            });
        }
        let mut index: hashbrown::HashMap<Vec<GroupKey>, Vec<usize>> = hashbrown::HashMap::new();
        for (i, row) in right.rows.iter().enumerate() {
            if let Some(key) = key_of(row, pairs.iter().map(|p| p.1)) {
                index.entry(key).or_default().push(i);
            }
        }
        let matches = |row: &[Value]| -> &[usize] {
            key_of(row, pairs.iter().map(|p| p.0))
                .and_then(|k| index.get(&k))
                .map_or(&[], Vec::as_slice)
        };

        match kind.as_str() {
            "leftanti" | "anti" | "leftantisemi" => {
                return Ok(Table {
                    columns: left_columns,
                    rows: left_rows
                        .into_iter()
                        .filter(|r| matches(r).is_empty())
                        .collect(),
                });
            }
            "leftsemi" => {
                return Ok(Table {
                    columns: left_columns,
                    rows: left_rows
                        .into_iter()
                        .filter(|r| !matches(r).is_empty())
                        .collect(),
                })
            }
            "rightanti" | "rightantisemi" | "rightsemi" => {
                let mut matched = vec![false; right.rows.len()];
                for row in &left_rows {
                    for &i in matches(row) {
                        if let Some(m) = matched.get_mut(i) {
                            *m = true;
                        }
                    }
                }
                let keep_matched = kind == "rightsemi";
                let rows = right
                    .rows
                    .iter()
                    .zip(&matched)
                    .filter(|(_, m)| **m == keep_matched)
                    .map(|(r, _)| r.clone())
                    .collect();
                return Ok(Table {
                    columns: right.columns,
                    rows,
                });
            }
            "inner" | "innerunique" | "leftouter" | "rightouter" | "fullouter" | "outer" => {}
            other => return Err(EvalError::unsupported(format!("join kind `{other}`"))),
        }

        let mut columns = left_columns.clone();
        for column in &right.columns {
            let mut name = column.name.clone();
            let mut n = 1;
            while columns.iter().any(|c| c.name == name) {
                name = format!("{}{n}", column.name);
                n += 1;
            }
            columns.push(Column {
                name,
                ty: column.ty,
            });
        }
        let (left_width, right_width) = (left_columns.len(), right.columns.len());
        self.reserve_join(&kind, &left_rows, left_row_bytes, &right, &pairs, &index)?;
        let mut rows = Vec::new();
        let mut right_matched = vec![false; right.rows.len()];
        for row in &left_rows {
            let found = matches(row);
            if found.is_empty() && matches!(kind.as_str(), "leftouter" | "fullouter" | "outer") {
                let mut out = row.clone();
                out.resize(left_width + right_width, Value::Null);
                rows.push(out);
            }
            for &i in found {
                if let (Some(right_row), Some(flag)) = (right.rows.get(i), right_matched.get_mut(i))
                {
                    *flag = true;
                    let mut out = Vec::with_capacity(left_width + right_width);
                    out.extend(row.iter().cloned());
                    out.extend(right_row.iter().cloned());
                    rows.push(out);
                }
                if rows.len() > self.options.max_rows {
                    return Err(EvalError::new(format!(
                        "row limit reached: the join produces more than {} rows",
                        self.options.max_rows
                    )));
                }
                self.check_time()?;
            }
        }
        if matches!(kind.as_str(), "rightouter" | "fullouter" | "outer") {
            for (row, matched) in right.rows.iter().zip(&right_matched) {
                if !matched {
                    let mut out = vec![Value::Null; left_width];
                    out.extend(row.iter().cloned());
                    rows.push(out);
                }
            }
        }
        Ok(Table { columns, rows })
    }
}

impl Evaluator<'_> {
    /// Counts the rows a row-producing join will output, before it makes them, so a
    /// cartesian product (a constant key) stops at once with the row or memory limit.
    fn reserve_join(
        &self,
        kind: &str,
        left_rows: &[Vec<Value>],
        left_row_bytes: usize,
        right: &Table,
        pairs: &[(usize, usize)],
        index: &hashbrown::HashMap<Vec<GroupKey>, Vec<usize>>,
    ) -> Result<()> {
        let bytes_per_row = left_row_bytes + super::super::limits::row_bytes(right);
        let bound = (left_rows.len() as u128).saturating_mul(right.rows.len().max(1) as u128)
            + right.rows.len() as u128;
        if self.reserve("the join", bound, bytes_per_row).is_ok() {
            return Ok(());
        }
        let keeps_left = matches!(kind, "leftouter" | "fullouter" | "outer");
        let mut count: u128 = 0;
        let mut matched_keys = std::collections::HashSet::new();
        let mut matched_right = 0usize;
        for row in left_rows {
            let found =
                key_of(row, pairs.iter().map(|p| p.0)).and_then(|k| index.get_key_value(&k));
            match found {
                Some((key, rows)) => {
                    count += rows.len() as u128;
                    if matched_keys.insert(key) {
                        matched_right += rows.len();
                    }
                }
                None if keeps_left => count += 1,
                None => {}
            }
            self.check_time()?;
        }
        if matches!(kind, "rightouter" | "fullouter" | "outer") {
            count += right.rows.len().saturating_sub(matched_right) as u128;
        }
        self.reserve("the join", count, bytes_per_row)
    }
}
