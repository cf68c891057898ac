//! `union`: rows of every table, columns merged by name (first-seen order).

use crate::kql::ast::*;
use crate::kql::eval::{Column, Evaluator, Result, Table};
use crate::value::{ScalarType, Value};

impl Evaluator<'_> {
    pub(super) fn union(
        &mut self,
        params: &[Param],
        tables: &[Expr],
        input: Table,
        has_input: bool,
    ) -> Result<Table> {
        let source_column = params
            .iter()
            .find(|p| p.name.name == "withsource")
            .and_then(|p| p.value.as_name())
            .map(|n| n.name.clone());
        let mut parts: Vec<(String, Table)> = Vec::new();
        if has_input {
            parts.push((String::new(), input));
        }
        for table in tables {
            parts.push((source_name(table), self.table(table)?));
        }
        // A column whose type differs between tables splits into one column per type,
        // named `x_long`, `x_int`..., as Kusto's outer union does.
        let mut types: Vec<(String, Vec<ScalarType>)> = Vec::new();
        for (_, part) in &mut parts {
            part.infer_types();
            for column in &part.columns {
                let position = match types.iter().position(|(n, _)| *n == column.name) {
                    Some(position) => position,
                    None => {
                        types.push((column.name.clone(), Vec::new()));
                        types.len() - 1
                    }
                };
                if let (Some(ty), Some((_, seen))) = (column.ty, types.get_mut(position)) {
                    if !seen.contains(&ty) {
                        seen.push(ty);
                    }
                }
            }
        }
        let mut columns: Vec<Column> = Vec::new();
        // Per output column: the source column name and, when split, the type it takes.
        let mut sources: Vec<(String, Option<ScalarType>)> = Vec::new();
        if let Some(name) = &source_column {
            columns.push(Column {
                name: name.clone(),
                ty: Some(ScalarType::String),
            });
            sources.push((String::new(), None));
        }
        for (name, tys) in &types {
            if tys.len() > 1 {
                for ty in tys {
                    columns.push(Column {
                        name: format!("{name}_{}", ty.name()),
                        ty: Some(*ty),
                    });
                    sources.push((name.clone(), Some(*ty)));
                }
            } else {
                columns.push(Column {
                    name: name.clone(),
                    ty: tys.first().copied(),
                });
                sources.push((name.clone(), None));
            }
        }
        // `kind=inner`: only the columns every table has.
        let is_inner = params
            .iter()
            .any(|p| p.name.name == "kind" && p.value.as_name().is_some_and(|n| n.name == "inner"));
        if is_inner {
            let keep: Vec<bool> = sources
                .iter()
                .map(|(name, _)| {
                    name.is_empty()
                        || parts
                            .iter()
                            .all(|(_, part)| part.column_index(name).is_some())
                })
                .collect();
            let mut flags = keep.iter();
            columns.retain(|_| flags.next().copied().unwrap_or(true));
            let mut flags = keep.iter();
            sources.retain(|_| flags.next().copied().unwrap_or(true));
        }
        let skip = usize::from(source_column.is_some());
        let mut out = Table::new(columns);
        for (name, part) in parts {
            let positions: Vec<Option<usize>> = sources
                .iter()
                .enumerate()
                .map(|(i, (column, ty))| {
                    if i < skip {
                        return None;
                    }
                    let index = part.column_index(column)?;
                    match ty {
                        Some(ty) if part.columns.get(index).and_then(|c| c.ty) != Some(*ty) => None,
                        _ => Some(index),
                    }
                })
                .collect();
            for row in part.rows {
                let mut merged: Vec<Value> = positions
                    .iter()
                    .map(|p| p.and_then(|i| row.get(i).cloned()).unwrap_or(Value::Null))
                    .collect();
                if source_column.is_some() {
                    if let Some(first) = merged.first_mut() {
                        *first = Value::string(&name);
                    }
                }
                out.rows.push(merged);
            }
        }
        Ok(out)
    }
}

/// The name `withsource` reports for a union leg: the table's name, or the name given by a
/// trailing `as`.
fn source_name(expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::Name(ident) => ident.name.clone(),
        ExprKind::Paren(inner) => source_name(inner),
        ExprKind::Pipeline { operators, source } => operators
            .iter()
            .rev()
            .find_map(|op| match &op.kind {
                OperatorKind::As { name, .. } => Some(name.name.clone()),
                _ => None,
            })
            .unwrap_or_else(|| source_name(source)),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::kql::eval::{evaluate, EvalOptions, Table};

    fn run(query: &str) -> Table {
        let parsed = crate::kql::parse(query);
        assert!(!parsed.has_errors(), "{query}");
        evaluate(&parsed.query, &Default::default(), &EvalOptions::default())
            .unwrap()
            .table
            .unwrap()
    }

    #[test]
    fn inner_keeps_shared_columns() {
        let table = run("union kind=inner (print a = 1, b = 2), (print a = 3, c = 4)");
        assert_eq!(table.column_names(), vec!["a"]);
    }

    #[test]
    fn columns_of_different_types_split() {
        let table = run("union (print x = 1), (print x = 'one')");
        assert_eq!(table.column_names(), vec!["x_long", "x_string"]);
    }

    #[test]
    fn as_names_a_leg_and_binds_it() {
        let table = run("range x from 1 to 2 step 1 | as T | join kind=inner (T) on x");
        assert_eq!(table.rows.len(), 2);
    }
}
