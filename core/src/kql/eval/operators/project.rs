//! `project`, `extend`, `project-away`, `project-keep`, `project-rename`, `project-reorder`.

use crate::kql::analyze::row::wildcard_match;
use crate::kql::ast::*;
use crate::kql::eval::{Column, EvalError, Evaluator, Result, Table};
use crate::value::Value;

/// The name Kusto gives an unnamed expression: the column's own name, else `Column1`...
fn column_name(expr: &Expr, index: usize) -> String {
    match &expr.kind {
        ExprKind::Name(ident) => ident.name.clone(),
        ExprKind::Call { callee, args } => {
            let first = args
                .first()
                .and_then(|a| a.value.as_name())
                .map(|n| n.name.as_str());
            callee
                .as_name()
                .and_then(|n| crate::kql::functions::lookup(&n.name))
                .and_then(|info| info.default_column_name(first, args.len()))
                .unwrap_or_else(|| format!("Column{}", index + 1))
        }
        _ => format!("Column{}", index + 1),
    }
}

impl Evaluator<'_> {
    /// `project` (a new set of columns) or `extend` (added or replaced in place).
    pub(super) fn project(
        &mut self,
        items: &[Assignment],
        input: &Table,
        is_extend: bool,
    ) -> Result<Table> {
        let mut columns: Vec<Column> = if is_extend {
            input.columns.clone()
        } else {
            Vec::new()
        };
        // Each item fills one column, or several for a function returning a tuple.
        let mut targets: Vec<(Vec<usize>, bool)> = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let tuple = self.tuple_columns(&item.value);
            let is_tuple = tuple.is_some();
            let given: Vec<String> = item.names.iter().map(|n| n.name.clone()).collect();
            let names = match tuple {
                Some(defaults) => {
                    let mut names = given;
                    names.extend(defaults.into_iter().skip(names.len()));
                    names
                }
                None => match given.as_slice() {
                    [] => vec![column_name(&item.value, i)],
                    [_] => given,
                    _ => return Err(EvalError::unsupported("tuple assignment in project/extend")),
                },
            };
            let mut indexes = Vec::with_capacity(names.len());
            for name in names {
                indexes.push(match columns.iter().position(|c| c.name == name) {
                    Some(index) => index,
                    None => {
                        columns.push(Column { name, ty: None });
                        columns.len() - 1
                    }
                });
            }
            targets.push((indexes, is_tuple));
        }
        let mut rows = Vec::with_capacity(input.rows.len());
        for row in &input.rows {
            let mut out: Vec<Value> = if is_extend { row.clone() } else { Vec::new() };
            out.resize(columns.len(), Value::Null);
            for (item, (indexes, is_tuple)) in items.iter().zip(&targets) {
                let values = if *is_tuple {
                    self.tuple_values(&item.value, input, row)?
                } else {
                    vec![self.scalar(&item.value, input, row)?]
                };
                for (&index, value) in indexes.iter().zip(values) {
                    if let Some(slot) = out.get_mut(index) {
                        *slot = value;
                    }
                }
            }
            rows.push(out);
        }
        let mut table = Table { columns, rows };
        for &index in targets.iter().flat_map(|(indexes, _)| indexes) {
            if let Some(column) = table.columns.get_mut(index) {
                column.ty = None;
            }
        }
        table.infer_types();
        Ok(table)
    }
}

/// `project-away` (drop matches) or `project-keep` (keep matches).
pub(super) fn away(patterns: &[Expr], input: Table, keep: bool) -> Table {
    let matches = |name: &str| {
        patterns.iter().any(|p| match &p.kind {
            ExprKind::Name(ident) => ident.name == name,
            ExprKind::Wildcard { pattern } => wildcard_match(pattern, name),
            _ => false,
        })
    };
    let selected: Vec<usize> = (0..input.columns.len())
        .filter(|&i| matches(&input.columns[i].name) == keep)
        .collect();
    Table {
        columns: selected.iter().map(|&i| input.columns[i].clone()).collect(),
        rows: input
            .rows
            .iter()
            .map(|r| {
                selected
                    .iter()
                    .map(|&i| r.get(i).cloned().unwrap_or(Value::Null))
                    .collect()
            })
            .collect(),
    }
}

pub(super) fn rename(renames: &[Assignment], mut input: Table) -> Result<Table> {
    for rename in renames {
        let (Some(new), Some(old)) = (rename.names.first(), rename.value.as_name()) else {
            continue;
        };
        match input.columns.iter_mut().find(|c| c.name == old.name) {
            Some(column) => column.name = new.name.clone(),
            None => {
                return Err(EvalError::new(format!(
                    "project-rename: no column `{}`",
                    old.name
                )))
            }
        }
    }
    Ok(input)
}

/// Moves the named columns first, in the order given; the rest keep their order.
pub(super) fn reorder(keys: &[SortKey], input: Table) -> Table {
    let mut order: Vec<usize> = Vec::new();
    for key in keys {
        for (i, column) in input.columns.iter().enumerate() {
            let hit = match &key.expr.kind {
                ExprKind::Name(ident) => ident.name == column.name,
                ExprKind::Wildcard { pattern } => wildcard_match(pattern, &column.name),
                _ => false,
            };
            if hit && !order.contains(&i) {
                order.push(i);
            }
        }
    }
    order.extend(
        (0..input.columns.len())
            .filter(|i| !order.contains(i))
            .collect::<Vec<_>>(),
    );
    Table {
        columns: order.iter().map(|&i| input.columns[i].clone()).collect(),
        rows: input
            .rows
            .iter()
            .map(|r| {
                order
                    .iter()
                    .map(|&i| r.get(i).cloned().unwrap_or(Value::Null))
                    .collect()
            })
            .collect(),
    }
}
