//! How each tabular operator changes the row schema, checking its expressions on the way.
//! Column naming follows Kusto: `count_`, `set_X`, `Column1`, join duplicates `X1`, `X2`.

use super::row::RowSchema;
use super::{keyword_span, Analyzer};
use crate::diagnostic::Diagnostic;
use crate::kql::ast::*;
use crate::kql::functions;
use crate::value::ScalarType;

impl Analyzer<'_> {
    pub(super) fn operator(&mut self, op: &Operator, row: RowSchema) -> RowSchema {
        match &op.kind {
            OperatorKind::Where { predicate, .. } => {
                self.scalar(predicate, &row);
                row
            }
            OperatorKind::Project { columns } => {
                let mut out = RowSchema::default();
                self.assign(columns, &row, &mut out);
                out.is_open = row.is_open && out.columns.is_empty();
                out
            }
            OperatorKind::Extend { columns } => {
                let mut out = row.clone();
                self.assign(columns, &row, &mut out);
                out
            }
            OperatorKind::ProjectAway { columns } => {
                let mut out = row.clone();
                for pattern in columns {
                    for name in self.pattern_columns(pattern, &row) {
                        out.remove(&name);
                    }
                }
                out
            }
            // project-by-names takes string expressions (possibly computed): the columns
            // it keeps are known only when evaluated.
            OperatorKind::ProjectByNames { .. } => RowSchema::open(),
            OperatorKind::ProjectKeep { columns } => {
                let mut keep = Vec::new();
                for pattern in columns {
                    keep.extend(self.pattern_columns(pattern, &row));
                }
                let mut out = row.clone();
                out.columns.retain(|c| keep.contains(&c.name));
                out
            }
            OperatorKind::ProjectRename { renames } => {
                let mut out = row.clone();
                for rename in renames {
                    let (Some(new), Some(old)) = (rename.names.first(), rename.value.as_name())
                    else {
                        continue;
                    };
                    match out.columns.iter_mut().find(|c| c.name == old.name) {
                        Some(column) => column.name = new.name.clone(),
                        None if !row.is_open => self.unknown_column(old, &row),
                        None => {}
                    }
                }
                out
            }
            OperatorKind::ProjectReorder { columns } => {
                for key in columns {
                    self.pattern_columns(&key.expr, &row);
                }
                row
            }
            OperatorKind::Summarize { aggregates, by, .. } => self.summarize(aggregates, by, &row),
            OperatorKind::Join { params, right, on } => {
                self.join(op, params, right, on, row, false)
            }
            OperatorKind::Lookup { params, right, on } => {
                self.join(op, params, right, on, row, true)
            }
            OperatorKind::Union { params, tables } => {
                let mut out = row;
                if let Some(source) = params.iter().find(|p| p.name.name == "withsource") {
                    if let Some(name) = source.value.as_name() {
                        out.set(&name.name, Some(ScalarType::String));
                    }
                }
                let is_fuzzy = params.iter().any(|p| p.name.name == "isfuzzy");
                for table in tables {
                    let other = match &table.kind {
                        ExprKind::Wildcard { .. } => RowSchema::open(),
                        ExprKind::Name(ident)
                            if is_fuzzy
                                && self.lookup(&ident.name).is_none()
                                && self.schema.tabular(&ident.name).is_none() =>
                        {
                            RowSchema::open()
                        }
                        _ => self.source(table),
                    };
                    out.is_open |= other.is_open;
                    for column in other.columns {
                        if !out.has(&column.name) {
                            out.columns.push(column);
                        }
                    }
                }
                out
            }
            OperatorKind::Distinct { columns } => {
                if columns
                    .iter()
                    .any(|c| matches!(c.kind, ExprKind::Wildcard { .. }))
                {
                    return row;
                }
                let mut out = RowSchema::default();
                for (i, column) in columns.iter().enumerate() {
                    let ty = self.scalar(column, &row);
                    out.set(&self.column_name(column, i), ty);
                }
                out
            }
            OperatorKind::Sort { keys, .. } => {
                for key in keys {
                    self.scalar(&key.expr, &row);
                }
                row
            }
            OperatorKind::Top { count, key } => {
                self.scalar(count, &RowSchema::default());
                self.scalar(&key.expr, &row);
                row
            }
            OperatorKind::Take { count, .. } | OperatorKind::Sample { count } => {
                self.scalar(count, &RowSchema::default());
                row
            }
            OperatorKind::Count => {
                RowSchema::from_columns([("Count".to_string(), Some(ScalarType::Long))])
            }
            OperatorKind::Getschema => RowSchema::from_columns([
                ("ColumnName".to_string(), Some(ScalarType::String)),
                ("ColumnOrdinal".to_string(), Some(ScalarType::Int)),
                ("DataType".to_string(), Some(ScalarType::String)),
                ("ColumnType".to_string(), Some(ScalarType::String)),
            ]),
            OperatorKind::MvExpand {
                params,
                items,
                limit,
                ..
            } => {
                if let Some(limit) = limit {
                    self.scalar(limit, &RowSchema::default());
                }
                let mut out = row.clone();
                self.mv_items(params, items, &row, &mut out);
                out
            }
            OperatorKind::MvApply {
                params,
                items,
                subquery,
                ..
            } => {
                let mut inner = row.clone();
                self.mv_items(params, items, &row, &mut inner);
                let mut out = inner;
                for op in subquery {
                    out = self.operator(op, out);
                }
                out
            }
            OperatorKind::Parse {
                source, pattern, ..
            } => {
                self.scalar(source, &row);
                let mut out = row;
                for part in pattern {
                    if let ParsePart::Column { name, ty } = part {
                        let ty = ty
                            .as_ref()
                            .map_or(Some(ScalarType::String), |t| ScalarType::parse(&t.name));
                        out.set(&name.name, ty);
                    }
                }
                out
            }
            OperatorKind::ParseKv {
                source, columns, ..
            } => {
                self.scalar(source, &row);
                let mut out = row;
                for column in columns {
                    out.set(&column.name.name, ScalarType::parse(&column.ty.name));
                }
                out
            }
            OperatorKind::Serialize { columns } | OperatorKind::ProjectSmart { columns } => {
                let mut out = row.clone();
                self.assign(columns, &row, &mut out);
                out
            }
            OperatorKind::As { .. } | OperatorKind::Render { .. } => row,
            OperatorKind::Range {
                column,
                from,
                to,
                step,
            } => {
                let empty = RowSchema::default();
                let ty = self.scalar(from, &empty);
                self.scalar(to, &empty);
                self.scalar(step, &empty);
                RowSchema::from_columns([(column.name.clone(), ty)])
            }
            OperatorKind::Print { columns } => {
                let mut out = RowSchema::default();
                for (i, column) in columns.iter().enumerate() {
                    let ty = self.scalar(&column.value, &RowSchema::default());
                    let name = match column.names.first() {
                        Some(name) => name.name.clone(),
                        None => format!("print_{i}"),
                    };
                    out.set(&name, ty);
                }
                out
            }
            OperatorKind::Datatable { columns, .. }
            | OperatorKind::Externaldata { columns, .. } => RowSchema::from_columns(
                columns
                    .iter()
                    .map(|c| (c.name.name.clone(), ScalarType::parse(&c.ty.name))),
            ),
            OperatorKind::Invoke { call } => {
                // The piped table is the function's first argument: only the rest are written.
                if let ExprKind::Call { args, .. } = &call.kind {
                    for arg in args {
                        self.scalar(&arg.value, &RowSchema::default());
                    }
                }
                RowSchema::open()
            }
            OperatorKind::Evaluate {
                call,
                output_schema,
                ..
            } => {
                if let ExprKind::Call { args, .. } = &call.kind {
                    for arg in args {
                        self.scalar(&arg.value, &row);
                    }
                }
                match output_schema {
                    Some(columns) => RowSchema::from_columns(
                        columns
                            .iter()
                            .map(|c| (c.name.name.clone(), ScalarType::parse(&c.ty.name))),
                    ),
                    None => RowSchema::open(),
                }
            }
            OperatorKind::MakeSeries { .. }
            | OperatorKind::Search { .. }
            | OperatorKind::Find { .. }
            | OperatorKind::Scan { .. }
            | OperatorKind::Partition { .. }
            | OperatorKind::Fork { .. }
            | OperatorKind::Facet { .. }
            | OperatorKind::Reduce { .. }
            | OperatorKind::TopNested { .. }
            | OperatorKind::TopHitters { .. }
            | OperatorKind::SampleDistinct { .. }
            | OperatorKind::Consume { .. }
            | OperatorKind::Raw { .. }
            | OperatorKind::Error => RowSchema::open(),
        }
    }

    /// `Name = expr`, `(A, B) = expr` and bare expressions into `out`.
    fn assign(&mut self, items: &[Assignment], row: &RowSchema, out: &mut RowSchema) {
        for (i, item) in items.iter().enumerate() {
            let ty = self.scalar(&item.value, row);
            // series_stats(x) and friends add a column per statistic: not tracked.
            if item.names.is_empty() && is_multi_column_call(&item.value) {
                out.is_open = true;
                continue;
            }
            match item.names.as_slice() {
                [] => {
                    let name = self.column_name(&item.value, i);
                    out.set(&name, ty);
                }
                [name] => out.set(&name.name, ty),
                names => {
                    for name in names {
                        out.set(&name.name, None);
                    }
                }
            }
        }
    }

    /// The name Kusto gives an unnamed expression's column.
    fn column_name(&self, expr: &Expr, index: usize) -> String {
        match &expr.kind {
            ExprKind::Name(ident) => ident.name.clone(),
            // `a.b.c` -> `a_b_c`, `a[0]` -> `a_0`, as Kusto names property paths.
            ExprKind::Member { .. } | ExprKind::Index { .. } => match path_name(expr) {
                Some(name) => name,
                None => format!("Column{}", index + 1),
            },
            ExprKind::Call { callee, args } => {
                let Some(info) = callee.as_name().and_then(|n| functions::lookup(&n.name)) else {
                    return format!("Column{}", index + 1);
                };
                let first = args.first().and_then(|a| match &a.value.kind {
                    ExprKind::Name(ident) => Some(ident.name.clone()),
                    ExprKind::Literal(Literal::String { value, .. }) => Some(value.clone()),
                    ExprKind::Call { .. } | ExprKind::Member { .. } => {
                        Some(self.column_name(&a.value, index))
                    }
                    _ => None,
                });
                info.default_column_name(first.as_deref(), args.len())
                    .unwrap_or_else(|| format!("Column{}", index + 1))
            }
            _ => format!("Column{}", index + 1),
        }
    }

    /// Columns a `project-away`/`project-keep` item names; unknown plain names are reported.
    fn pattern_columns(&mut self, pattern: &Expr, row: &RowSchema) -> Vec<String> {
        match &pattern.kind {
            ExprKind::Name(ident) => {
                if !row.has(&ident.name) && !row.is_open {
                    self.unknown_column(ident, row);
                }
                vec![ident.name.clone()]
            }
            ExprKind::Wildcard { pattern } => row.matching(pattern),
            _ => Vec::new(),
        }
    }

    fn summarize(
        &mut self,
        aggregates: &[Assignment],
        by: &[Assignment],
        row: &RowSchema,
    ) -> RowSchema {
        let mut out = RowSchema::default();
        for (i, item) in by.iter().enumerate() {
            let ty = self.scalar(&item.value, row);
            let name = match item.names.first() {
                Some(name) => name.name.clone(),
                None => self.column_name(&item.value, i),
            };
            out.set(&name, ty);
        }
        for (i, item) in aggregates.iter().enumerate() {
            let ty = self.scalar(&item.value, row);
            // arg_max(t, *) / take_any(*) bring every column along.
            if let ExprKind::Call { callee, args } = &item.value.kind {
                let name = callee.as_name().map(|n| n.name.as_str()).unwrap_or("");
                let expands = matches!(
                    name,
                    "arg_max" | "arg_min" | "take_any" | "any" | "take_anyif" | "anyif"
                );
                if expands {
                    // `Latest = arg_max(T, *)`: the names apply to the leading arguments.
                    let mut names = item.names.iter();
                    for arg in args {
                        match &arg.value.kind {
                            ExprKind::Wildcard { .. } => {
                                for column in &row.columns {
                                    if !out.has(&column.name) {
                                        out.columns.push(column.clone());
                                    }
                                }
                                out.is_open |= row.is_open;
                            }
                            _ => {
                                let column = self.column_name(&arg.value, i);
                                let ty = row.column(&column).and_then(|c| c.ty);
                                let name = names.next().map_or(column, |n| n.name.clone());
                                out.set(&name, ty);
                            }
                        }
                    }
                    continue;
                }
            }
            match item.names.as_slice() {
                [] => {
                    let name = self.column_name(&item.value, i);
                    out.set(&name, ty);
                }
                names => {
                    for name in names {
                        out.set(&name.name, if names.len() == 1 { ty } else { None });
                    }
                }
            }
        }
        out
    }

    fn mv_items(
        &mut self,
        params: &[Param],
        items: &[MvExpandItem],
        row: &RowSchema,
        out: &mut RowSchema,
    ) {
        for item in items {
            let ty = item
                .to_type
                .as_ref()
                .and_then(|t| ScalarType::parse(&t.name))
                .or(Some(ScalarType::Dynamic));
            self.scalar(&item.assignment.value, row);
            let name = match item.assignment.names.first() {
                Some(name) => name.name.clone(),
                None => self.column_name(&item.assignment.value, 0),
            };
            out.set(&name, ty);
        }
        if let Some(index) = params.iter().find(|p| p.name.name == "with_itemindex") {
            if let Some(name) = index.value.as_name() {
                out.set(&name.name, Some(ScalarType::Long));
            }
        }
    }

    /// join / lookup: keys must exist on both sides; duplicate names get `1`, `2`... suffixes.
    fn join(
        &mut self,
        op: &Operator,
        params: &[Param],
        right: &Expr,
        on: &[Expr],
        left: RowSchema,
        is_lookup: bool,
    ) -> RowSchema {
        let right_row = self.source(right);
        let mut keys = Vec::new();
        for key in on {
            match &key.kind {
                ExprKind::Name(ident) => {
                    keys.push(ident.name.clone());
                    for (side, row) in [("left", &left), ("right", &right_row)] {
                        if !row.is_open && !row.has(&ident.name) {
                            self.report(
                                Diagnostic::error("KQL206", "join-key-missing", format!("join key `{}` is not a column of the {side} side", ident.name), ident.span)
                                    .with_help("use `$left.A == $right.B` when the key has different names on each side"),
                            );
                        }
                    }
                }
                ExprKind::Binary {
                    left: l, right: r, ..
                } => {
                    for side in [l, r] {
                        let ExprKind::Member { target, name } = &side.kind else {
                            self.scalar(side, &left);
                            continue;
                        };
                        let row = match target.as_name().map(|n| n.name.as_str()) {
                            Some("$left") => &left,
                            Some("$right") => &right_row,
                            _ => continue,
                        };
                        if !row.is_open && !row.has(&name.name) {
                            let side = if std::ptr::eq(row, &left) {
                                "left"
                            } else {
                                "right"
                            };
                            self.report(Diagnostic::error(
                                "KQL206",
                                "join-key-missing",
                                format!("`{}` is not a column of the {side} side", name.name),
                                name.span,
                            ));
                        }
                    }
                }
                ExprKind::Logical { .. } => {}
                _ => {
                    self.scalar(key, &left);
                }
            }
        }
        if on.is_empty() && !is_lookup {
            self.report(Diagnostic::warning(
                "KQL207",
                "join-without-on",
                "`join` without `on`: Kusto joins on the columns both sides share",
                keyword_span(op),
            ));
        }
        let kind = params
            .iter()
            .find(|p| p.name.name == "kind")
            .and_then(|p| p.value.as_name())
            .map(|n| n.name.to_ascii_lowercase())
            .unwrap_or_default();
        let mut out = match kind.as_str() {
            "leftsemi" | "leftanti" | "leftantisemi" | "anti" => return left,
            "rightsemi" | "rightanti" | "rightantisemi" => return right_row,
            _ => left,
        };
        out.is_open |= right_row.is_open;
        for column in right_row.columns {
            if is_lookup && keys.contains(&column.name) {
                continue;
            }
            let mut name = column.name.clone();
            let mut n = 1;
            while out.has(&name) {
                name = format!("{}{n}", column.name);
                n += 1;
            }
            out.columns.push(super::RowColumn {
                name,
                ty: column.ty,
            });
        }
        out
    }
}

/// `series_stats(x)`, `series_fit_line(x)`...: one unnamed call, several result columns.
fn is_multi_column_call(expr: &Expr) -> bool {
    let ExprKind::Call { callee, .. } = &expr.kind else {
        return false;
    };
    callee
        .as_name()
        .is_some_and(|n| n.name.starts_with("series_") || n.name == "bag_unpack")
}

/// The column name of a property path: `a.b[0]` -> `a_b_0`.
fn path_name(expr: &Expr) -> Option<String> {
    match &expr.kind {
        ExprKind::Name(ident) => Some(ident.name.clone()),
        ExprKind::Member { target, name } => Some(format!("{}_{}", path_name(target)?, name.name)),
        ExprKind::Index { target, index } => {
            let key = match &index.kind {
                ExprKind::Literal(Literal::Long(n)) => n.to_string(),
                ExprKind::Literal(Literal::String { value, .. }) => value.clone(),
                _ => return None,
            };
            Some(format!("{}_{key}", path_name(target)?))
        }
        _ => None,
    }
}
