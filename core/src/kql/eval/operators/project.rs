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

/// The first item (after the first) that names a column an earlier item assigns.
fn first_dependent_item(items: &[Assignment]) -> Option<usize> {
    let mut assigned: Vec<&str> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let mut reads_assigned = false;
        crate::kql::visit::walk_expr(&item.value, &mut |e| {
            if let ExprKind::Name(ident) = &e.kind {
                if assigned.contains(&ident.name.as_str()) {
                    reads_assigned = true;
                }
            }
        });
        if reads_assigned && i > 0 {
            return Some(i);
        }
        assigned.extend(item.names.iter().map(|n| n.name.as_str()));
    }
    None
}

impl Evaluator<'_> {
    /// `project` (a new set of columns) or `extend` (added or replaced in place).
    pub(super) fn project(
        &mut self,
        items: &[Assignment],
        input: &Table,
        is_extend: bool,
    ) -> Result<Table> {
        // `extend a = ..., b = a * 2`: an item may read a column an earlier item of the same
        // `extend` made; it then runs as `extend a = ... | extend b = a * 2`.
        if is_extend {
            if let Some(split) = first_dependent_item(items) {
                let (before, after) = items.split_at(split);
                let first = self.project(before, input, true)?;
                return self.project(after, &first, true);
            }
        }
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
        // Single-column items are prepared once for all rows.
        let mut compiled = Vec::with_capacity(items.len());
        for (item, (_, is_tuple)) in items.iter().zip(&targets) {
            compiled.push(if *is_tuple {
                None
            } else {
                Some(self.compile(&item.value, input)?)
            });
        }
        let mut rows = Vec::with_capacity(input.rows.len());
        // Window functions (`prev`, `row_number`...) see the row's position and keep their
        // running state for this operator only; a nested operator saves and restores both.
        let saved_index = self.row_index;
        let saved_states = std::mem::take(&mut self.window_states);
        let mut result = Ok(());
        'rows: for (position, row) in input.rows.iter().enumerate() {
            self.row_index = Some(position);
            let mut out: Vec<Value> = if is_extend { row.clone() } else { Vec::new() };
            out.resize(columns.len(), Value::Null);
            for ((item, (indexes, _)), prepared) in items.iter().zip(&targets).zip(&compiled) {
                let values = match prepared {
                    None => self.tuple_values(&item.value, input, row),
                    Some(prepared) => self.run(prepared, input, row).map(|v| vec![v]),
                };
                match values {
                    Ok(values) => {
                        for (&index, value) in indexes.iter().zip(values) {
                            if let Some(slot) = out.get_mut(index) {
                                *slot = value;
                            }
                        }
                    }
                    Err(error) => {
                        result = Err(error);
                        break 'rows;
                    }
                }
            }
            rows.push(out);
        }
        self.row_index = saved_index;
        self.window_states = saved_states;
        result?;
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
        let mut group = Vec::new();
        for (i, column) in input.columns.iter().enumerate() {
            let hit = match &key.expr.kind {
                ExprKind::Name(ident) => ident.name == column.name,
                ExprKind::Wildcard { pattern } => wildcard_match(pattern, &column.name),
                _ => false,
            };
            if hit && !order.contains(&i) && !group.contains(&i) {
                group.push(i);
            }
        }
        // `asc`/`desc` order the matched columns by name; `granny-*` compares digit runs
        // as numbers (a2 before a10).
        let name = |i: &usize| input.columns.get(*i).map_or("", |c| c.name.as_str());
        match key.order {
            Some(SortOrder::Asc) => group.sort_by(|a, b| name(a).cmp(name(b))),
            Some(SortOrder::Desc) => group.sort_by(|a, b| name(b).cmp(name(a))),
            Some(SortOrder::GrannyAsc) => group.sort_by(|a, b| granny_cmp(name(a), name(b))),
            Some(SortOrder::GrannyDesc) => group.sort_by(|a, b| granny_cmp(name(b), name(a))),
            None => {}
        }
        order.extend(group);
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

/// Compares names with digit runs as numbers: `a2` < `a10`.
fn granny_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in s.chars() {
            let digit = c.is_ascii_digit();
            match out.last_mut() {
                Some((d, text)) if *d == digit => text.push(c),
                _ => out.push((digit, c.to_string())),
            }
        }
        out
    }
    let (x, y) = (chunks(a), chunks(b));
    for (p, q) in x.iter().zip(&y) {
        let ordering = match (p, q) {
            ((true, m), (true, n)) => {
                let (m, n) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                m.len().cmp(&n.len()).then_with(|| m.cmp(n))
            }
            ((_, m), (_, n)) => m.cmp(n),
        };
        if ordering.is_ne() {
            return ordering;
        }
    }
    x.len().cmp(&y.len())
}

impl Evaluator<'_> {
    /// `project-by-names "a", dynamic(["b*"]), column_names_of(T)`: the columns named by
    /// string expressions (wildcards allowed), in the order named; names that match no
    /// column are skipped.
    pub(super) fn project_by_names(&mut self, names: &[Expr], input: Table) -> Result<Table> {
        let mut patterns = Vec::new();
        for expr in names {
            match self.constant(expr)? {
                Value::Dynamic(json) => match &*json {
                    serde_json::Value::Array(items) => {
                        patterns.extend(items.iter().filter_map(|i| i.as_str().map(str::to_string)))
                    }
                    serde_json::Value::String(s) => patterns.push(s.clone()),
                    _ => {}
                },
                Value::String(s) => patterns.push(s.to_string()),
                Value::Null => {}
                _ => {
                    return Err(EvalError::new(
                        "project-by-names takes column names as strings",
                    ))
                }
            }
        }
        let mut order: Vec<usize> = Vec::new();
        for pattern in &patterns {
            for (i, column) in input.columns.iter().enumerate() {
                let hit = if pattern.contains('*') {
                    wildcard_match(pattern, &column.name)
                } else {
                    *pattern == column.name
                };
                if hit && !order.contains(&i) {
                    order.push(i);
                }
            }
        }
        Ok(Table {
            columns: order
                .iter()
                .filter_map(|&i| input.columns.get(i).cloned())
                .collect(),
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
        })
    }
}
