//! Prints a KQL tree back to text. The output reparses to the same tree (spans aside):
//! parentheses are nodes of their own, so no precedence is re-derived here.

use std::fmt::Write as _;

use super::ast::*;

/// Formats a whole query: one statement per line group, pipes on new lines.
pub fn format_query(query: &Query) -> String {
    let mut out = String::new();
    format_statements(&mut out, &query.statements, "");
    out
}

pub fn format_expr(expr: &Expr) -> String {
    let mut out = String::new();
    expr_to(&mut out, expr, "");
    out
}

pub fn format_operator(op: &Operator) -> String {
    let mut out = String::new();
    operator_to(&mut out, op, "");
    out
}

fn format_statements(out: &mut String, statements: &[Statement], indent: &str) {
    for (i, statement) in statements.iter().enumerate() {
        if i > 0 {
            out.push_str(";\n");
            out.push_str(indent);
        }
        statement_to(out, statement, indent);
    }
}

fn statement_to(out: &mut String, statement: &Statement, indent: &str) {
    match &statement.kind {
        StatementKind::Let { name, value } => {
            out.push_str("let ");
            ident_to(out, name);
            out.push_str(" = ");
            match value {
                LetValue::Expr(expr) => expr_to(out, expr, indent),
                LetValue::Function(def) => function_to(out, def, indent),
            }
        }
        StatementKind::Set { name, value } => {
            out.push_str("set ");
            ident_to(out, name);
            if let Some(value) = value {
                out.push_str(" = ");
                expr_to(out, value, indent);
            }
        }
        StatementKind::DeclareQueryParameters { parameters } => {
            out.push_str("declare query_parameters (");
            parameters_to(out, parameters, indent);
            out.push(')');
        }
        StatementKind::Alias { name, value } => {
            out.push_str("alias database ");
            ident_to(out, name);
            out.push_str(" = ");
            expr_to(out, value, indent);
        }
        StatementKind::Pattern { text } => out.push_str(text),
        StatementKind::RestrictAccess { names } => {
            out.push_str("restrict access to (");
            list_to(out, names, indent);
            out.push(')');
        }
        StatementKind::Expr(expr) => expr_to(out, expr, indent),
        StatementKind::Error => {}
    }
}

fn function_to(out: &mut String, def: &FunctionDef, indent: &str) {
    if def.is_view {
        out.push_str("view ");
    }
    out.push('(');
    parameters_to(out, &def.parameters, indent);
    out.push_str(") {\n");
    let inner = format!("{indent}    ");
    out.push_str(&inner);
    format_statements(out, &def.body, &inner);
    out.push('\n');
    out.push_str(indent);
    out.push('}');
}

fn parameters_to(out: &mut String, parameters: &[Parameter], indent: &str) {
    for (i, parameter) in parameters.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        ident_to(out, &parameter.name);
        out.push(':');
        match &parameter.ty {
            ParameterType::Scalar { name } => ident_to(out, name),
            ParameterType::Tabular {
                columns,
                has_wildcard,
            } => {
                out.push('(');
                column_decls_to(out, columns);
                if *has_wildcard {
                    if !columns.is_empty() {
                        out.push_str(", ");
                    }
                    out.push('*');
                }
                out.push(')');
            }
        }
        if let Some(default) = &parameter.default {
            out.push_str(" = ");
            expr_to(out, default, indent);
        }
    }
}

fn column_decls_to(out: &mut String, columns: &[ColumnDecl]) {
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        // `evaluate plugin() : (*, a:string)`: the wildcard column.
        if column.name.name == "*" && !column.name.is_quoted {
            out.push('*');
            continue;
        }
        ident_to(out, &column.name);
        out.push(':');
        ident_to(out, &column.ty);
    }
}

/// Writes a name, quoting it when it was quoted or could not be read back as a name.
fn ident_to(out: &mut String, ident: &Ident) {
    if ident.is_quoted || !is_plain_name(&ident.name) {
        out.push('[');
        quote_to(out, &ident.name);
        out.push(']');
    } else {
        out.push_str(&ident.name);
    }
}

fn is_plain_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphanumeric() || c == '_' || c == '$' => {}
        _ => return false,
    }
    // Dotted names are parameter names such as `hint.strategy`.
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

/// A double-quoted KQL string literal with the escapes the lexer decodes.
pub fn quote_to(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn real_to(out: &mut String, value: f64) {
    let text = format!("{value:?}");
    out.push_str(&text);
    if !text.contains(['.', 'e', 'E', 'N', 'i']) {
        out.push_str(".0");
    }
}

fn list_to(out: &mut String, items: &[Expr], indent: &str) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        expr_to(out, item, indent);
    }
}

fn literal_to(out: &mut String, literal: &Literal) {
    match literal {
        Literal::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Literal::Long(v) => {
            let _ = write!(out, "{v}");
        }
        Literal::Real(v) => real_to(out, *v),
        Literal::String { raw, .. } => out.push_str(&raw.join(" ")),
        Literal::Timespan(text) => out.push_str(text),
        Literal::Typed { ty, text } => {
            let _ = write!(out, "{ty}({text})");
        }
        Literal::Dynamic(value) => {
            out.push_str("dynamic(");
            dynamic_to(out, value);
            out.push(')');
        }
    }
}

fn dynamic_to(out: &mut String, value: &DynamicValue) {
    match value {
        DynamicValue::Null => out.push_str("null"),
        DynamicValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        DynamicValue::Long(v) => {
            let _ = write!(out, "{v}");
        }
        DynamicValue::Real(v) => real_to(out, *v),
        DynamicValue::String(s) => quote_to(out, s),
        DynamicValue::Scalar(literal) => literal_to(out, literal),
        DynamicValue::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                dynamic_to(out, item);
            }
            out.push(']');
        }
        DynamicValue::Object(pairs) => {
            out.push('{');
            for (i, (key, item)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                quote_to(out, key);
                out.push_str(": ");
                dynamic_to(out, item);
            }
            out.push('}');
        }
    }
}

fn expr_to(out: &mut String, expr: &Expr, indent: &str) {
    match &expr.kind {
        ExprKind::Literal(literal) => literal_to(out, literal),
        ExprKind::Name(ident) => ident_to(out, ident),
        ExprKind::Wildcard { pattern } => out.push_str(pattern),
        ExprKind::Paren(inner) => {
            out.push('(');
            expr_to(out, inner, indent);
            out.push(')');
        }
        ExprKind::Unary { op, operand } => {
            out.push(match op {
                UnaryOp::Neg => '-',
                UnaryOp::Plus => '+',
            });
            expr_to(out, operand, indent);
        }
        ExprKind::Binary { op, left, right } => {
            expr_to(out, left, indent);
            if *op == BinaryOp::SearchHas {
                out.push(':');
            } else {
                out.push(' ');
                out.push_str(&op.text());
                out.push(' ');
            }
            expr_to(out, right, indent);
        }
        ExprKind::Logical { op, operands } => {
            for (i, operand) in operands.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                    out.push_str(op.text());
                    out.push(' ');
                }
                expr_to(out, operand, indent);
            }
        }
        ExprKind::InList { op, left, list } => {
            expr_to(out, left, indent);
            out.push(' ');
            out.push_str(op.text());
            out.push_str(" (");
            list_to(out, list, indent);
            out.push(')');
        }
        ExprKind::Between {
            is_negated,
            left,
            low,
            high,
        } => {
            expr_to(out, left, indent);
            out.push_str(if *is_negated {
                " !between ("
            } else {
                " between ("
            });
            expr_to(out, low, indent);
            out.push_str(" .. ");
            expr_to(out, high, indent);
            out.push(')');
        }
        ExprKind::Call { callee, args } => {
            expr_to(out, callee, indent);
            out.push('(');
            for (i, arg) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                if let Some(name) = &arg.name {
                    ident_to(out, name);
                    out.push_str(" = ");
                }
                expr_to(out, &arg.value, indent);
            }
            out.push(')');
        }
        ExprKind::Member { target, name } => {
            expr_to(out, target, indent);
            out.push('.');
            ident_to(out, name);
        }
        ExprKind::Index { target, index } => {
            expr_to(out, target, indent);
            out.push('[');
            expr_to(out, index, indent);
            out.push(']');
        }
        ExprKind::TypeOf { types } => {
            out.push_str("typeof(");
            idents_to(out, types);
            out.push(')');
        }
        ExprKind::List(items) => list_to(out, items, indent),
        ExprKind::Pipeline { source, operators } => {
            expr_to(out, source, indent);
            for op in operators {
                out.push('\n');
                out.push_str(indent);
                out.push_str("| ");
                operator_to(out, op, indent);
            }
        }
        ExprKind::Source(op) => operator_to(out, op, indent),
        ExprKind::Error => {}
    }
}

fn idents_to(out: &mut String, idents: &[Ident]) {
    for (i, ident) in idents.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        ident_to(out, ident);
    }
}

fn assignments_to(out: &mut String, items: &[Assignment], indent: &str) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        assignment_to(out, item, indent);
    }
}

fn assignment_to(out: &mut String, item: &Assignment, indent: &str) {
    match item.names.as_slice() {
        [] => {}
        [name] => {
            ident_to(out, name);
            out.push_str(" = ");
        }
        names => {
            out.push('(');
            idents_to(out, names);
            out.push_str(") = ");
        }
    }
    expr_to(out, &item.value, indent);
}

fn params_to(out: &mut String, params: &[Param], indent: &str) {
    for param in params {
        ident_to(out, &param.name);
        out.push('=');
        expr_to(out, &param.value, indent);
        out.push(' ');
    }
}

fn with_params_to(out: &mut String, params: &[Param], indent: &str) {
    out.push_str(" with (");
    for (i, param) in params.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        ident_to(out, &param.name);
        out.push('=');
        expr_to(out, &param.value, indent);
    }
    out.push(')');
}

fn sort_key_to(out: &mut String, key: &SortKey, indent: &str) {
    expr_to(out, &key.expr, indent);
    if let Some(order) = key.order {
        out.push(' ');
        out.push_str(sort_order_text(order));
    }
    match key.nulls {
        Some(NullsPlacement::First) => out.push_str(" nulls first"),
        Some(NullsPlacement::Last) => out.push_str(" nulls last"),
        None => {}
    }
}

fn sort_order_text(order: SortOrder) -> &'static str {
    match order {
        SortOrder::Asc => "asc",
        SortOrder::Desc => "desc",
        SortOrder::GrannyAsc => "granny-asc",
        SortOrder::GrannyDesc => "granny-desc",
    }
}

fn sort_keys_to(out: &mut String, keys: &[SortKey], indent: &str) {
    for (i, key) in keys.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        sort_key_to(out, key, indent);
    }
}

fn operators_to(out: &mut String, operators: &[Operator], indent: &str) {
    for (i, op) in operators.iter().enumerate() {
        if i > 0 {
            out.push_str(" | ");
        }
        operator_to(out, op, indent);
    }
}

fn mv_items_to(out: &mut String, items: &[MvExpandItem], indent: &str) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        assignment_to(out, &item.assignment, indent);
        if let Some(ty) = &item.to_type {
            out.push_str(" to typeof(");
            ident_to(out, ty);
            out.push(')');
        }
    }
}

fn tables_to(out: &mut String, tables: &Option<Vec<Expr>>, indent: &str) {
    if let Some(tables) = tables {
        out.push_str("in (");
        list_to(out, tables, indent);
        out.push_str(") ");
    }
}

fn operator_to(out: &mut String, op: &Operator, indent: &str) {
    let keyword = op.kind.keyword();
    match &op.kind {
        OperatorKind::Error => {}
        OperatorKind::Count | OperatorKind::Getschema => out.push_str(keyword),
        _ => {
            out.push_str(keyword);
            out.push(' ');
        }
    }
    match &op.kind {
        OperatorKind::Where { predicate, .. } => expr_to(out, predicate, indent),
        OperatorKind::Project { columns }
        | OperatorKind::Extend { columns }
        | OperatorKind::ProjectSmart { columns }
        | OperatorKind::Serialize { columns }
        | OperatorKind::Print { columns } => assignments_to(out, columns, indent),
        OperatorKind::ProjectRename { renames } => assignments_to(out, renames, indent),
        OperatorKind::ProjectAway { columns }
        | OperatorKind::ProjectKeep { columns }
        | OperatorKind::ProjectByNames { columns }
        | OperatorKind::Distinct { columns } => list_to(out, columns, indent),
        OperatorKind::ProjectReorder { columns } => sort_keys_to(out, columns, indent),
        OperatorKind::Summarize {
            params,
            aggregates,
            by,
        } => {
            params_to(out, params, indent);
            assignments_to(out, aggregates, indent);
            if !by.is_empty() {
                out.push_str(" by ");
                assignments_to(out, by, indent);
            }
        }
        OperatorKind::Join { params, right, on } | OperatorKind::Lookup { params, right, on } => {
            params_to(out, params, indent);
            expr_to(out, right, indent);
            if !on.is_empty() {
                out.push_str(" on ");
                list_to(out, on, indent);
            }
        }
        OperatorKind::Union { params, tables } => {
            params_to(out, params, indent);
            list_to(out, tables, indent);
        }
        OperatorKind::Sort { params, keys, .. } => {
            params_to(out, params, indent);
            out.push_str("by ");
            sort_keys_to(out, keys, indent);
        }
        OperatorKind::Top { count, key } => {
            expr_to(out, count, indent);
            out.push_str(" by ");
            sort_key_to(out, key, indent);
        }
        OperatorKind::TopNested { levels } => {
            // The keyword was written above; each later level repeats it.
            for (i, level) in levels.iter().enumerate() {
                if i > 0 {
                    out.push_str(", top-nested ");
                }
                if let Some(count) = &level.count {
                    expr_to(out, count, indent);
                    out.push(' ');
                }
                out.push_str("of ");
                assignment_to(out, &level.of, indent);
                if let Some(others) = &level.others {
                    out.push_str(" with others = ");
                    expr_to(out, others, indent);
                }
                out.push_str(" by ");
                assignment_to(out, &level.by, indent);
                if let Some(order) = level.order {
                    out.push(' ');
                    out.push_str(sort_order_text(order));
                }
            }
        }
        OperatorKind::TopHitters { count, of, by } => {
            expr_to(out, count, indent);
            out.push_str(" of ");
            expr_to(out, of, indent);
            if let Some(by) = by {
                out.push_str(" by ");
                expr_to(out, by, indent);
            }
        }
        OperatorKind::Take { count, .. } | OperatorKind::Sample { count } => {
            expr_to(out, count, indent)
        }
        OperatorKind::Count | OperatorKind::Getschema | OperatorKind::Error => {}
        OperatorKind::MvExpand {
            params,
            items,
            limit,
            ..
        } => {
            params_to(out, params, indent);
            mv_items_to(out, items, indent);
            if let Some(limit) = limit {
                out.push_str(" limit ");
                expr_to(out, limit, indent);
            }
        }
        OperatorKind::MvApply {
            params,
            items,
            limit,
            subquery,
        } => {
            params_to(out, params, indent);
            mv_items_to(out, items, indent);
            if let Some(limit) = limit {
                out.push_str(" limit ");
                expr_to(out, limit, indent);
            }
            out.push_str(" on (");
            operators_to(out, subquery, indent);
            out.push(')');
        }
        OperatorKind::Parse {
            params,
            source,
            pattern,
            ..
        } => {
            params_to(out, params, indent);
            expr_to(out, source, indent);
            out.push_str(" with");
            for part in pattern {
                out.push(' ');
                match part {
                    ParsePart::Literal { value } => expr_to(out, value, indent),
                    ParsePart::Skip => out.push('*'),
                    ParsePart::Column { name, ty } => {
                        ident_to(out, name);
                        if let Some(ty) = ty {
                            out.push(':');
                            ident_to(out, ty);
                        }
                    }
                }
            }
        }
        OperatorKind::ParseKv {
            source,
            columns,
            with,
        } => {
            expr_to(out, source, indent);
            out.push_str(" as (");
            column_decls_to(out, columns);
            out.push(')');
            if !with.is_empty() {
                with_params_to(out, with, indent);
            }
        }
        OperatorKind::MakeSeries {
            params,
            aggregates,
            on,
            range,
            by,
        } => {
            params_to(out, params, indent);
            for (i, aggregate) in aggregates.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                assignment_to(out, &aggregate.assignment, indent);
                if let Some(default) = &aggregate.default {
                    out.push_str(" default = ");
                    expr_to(out, default, indent);
                }
            }
            out.push_str(" on ");
            expr_to(out, on, indent);
            match range {
                MakeSeriesRange::FromTo { from, to, step } => {
                    if let Some(from) = from {
                        out.push_str(" from ");
                        expr_to(out, from, indent);
                    }
                    if let Some(to) = to {
                        out.push_str(" to ");
                        expr_to(out, to, indent);
                    }
                    out.push_str(" step ");
                    expr_to(out, step, indent);
                }
                MakeSeriesRange::InRange { args } => {
                    out.push_str(" in range(");
                    list_to(out, args, indent);
                    out.push(')');
                }
            }
            if !by.is_empty() {
                out.push_str(" by ");
                assignments_to(out, by, indent);
            }
        }
        OperatorKind::Evaluate {
            params,
            call,
            output_schema,
        } => {
            params_to(out, params, indent);
            expr_to(out, call, indent);
            if let Some(columns) = output_schema {
                out.push_str(" : (");
                column_decls_to(out, columns);
                out.push(')');
            }
        }
        OperatorKind::Invoke { call } => expr_to(out, call, indent),
        OperatorKind::Render { chart, with } => {
            ident_to(out, chart);
            if !with.is_empty() {
                with_params_to(out, with, indent);
            }
        }
        OperatorKind::As { params, name } => {
            params_to(out, params, indent);
            ident_to(out, name);
        }
        OperatorKind::Range {
            column,
            from,
            to,
            step,
        } => {
            ident_to(out, column);
            out.push_str(" from ");
            expr_to(out, from, indent);
            out.push_str(" to ");
            expr_to(out, to, indent);
            out.push_str(" step ");
            expr_to(out, step, indent);
        }
        OperatorKind::Datatable { columns, values } => {
            out.push('(');
            column_decls_to(out, columns);
            out.push_str(") [");
            list_to(out, values, indent);
            out.push(']');
        }
        OperatorKind::Externaldata {
            columns,
            uris,
            with,
        } => {
            out.push('(');
            column_decls_to(out, columns);
            out.push_str(") [");
            list_to(out, uris, indent);
            out.push(']');
            if !with.is_empty() {
                with_params_to(out, with, indent);
            }
        }
        OperatorKind::Search {
            params,
            tables,
            predicate,
        } => {
            params_to(out, params, indent);
            tables_to(out, tables, indent);
            expr_to(out, predicate, indent);
        }
        OperatorKind::Find {
            params,
            tables,
            predicate,
            project,
        } => {
            params_to(out, params, indent);
            tables_to(out, tables, indent);
            out.push_str("where ");
            expr_to(out, predicate, indent);
            if let Some(project) = project {
                if project.is_smart {
                    out.push_str(" project-smart");
                } else {
                    out.push_str(" project ");
                    list_to(out, &project.columns, indent);
                }
            }
        }
        OperatorKind::SampleDistinct { count, column } => {
            expr_to(out, count, indent);
            out.push_str(" of ");
            expr_to(out, column, indent);
        }
        OperatorKind::Scan {
            params,
            order_by,
            partition_by,
            declare,
            steps,
        } => {
            params_to(out, params, indent);
            if !order_by.is_empty() {
                out.push_str("order by ");
                sort_keys_to(out, order_by, indent);
                out.push(' ');
            }
            if !partition_by.is_empty() {
                out.push_str("partition by ");
                list_to(out, partition_by, indent);
                out.push(' ');
            }
            if !declare.is_empty() {
                out.push_str("declare (");
                parameters_to(out, declare, indent);
                out.push_str(") ");
            }
            out.push_str("with (");
            for step in steps {
                out.push_str("step ");
                ident_to(out, &step.name);
                if step.is_optional {
                    out.push_str(" optional");
                }
                if let Some(output) = &step.output {
                    out.push_str(" output = ");
                    ident_to(out, output);
                }
                out.push_str(": ");
                expr_to(out, &step.condition, indent);
                if !step.assignments.is_empty() {
                    out.push_str(" => ");
                    assignments_to(out, &step.assignments, indent);
                }
                out.push_str("; ");
            }
            out.push(')');
        }
        OperatorKind::Partition { params, by, body } => {
            params_to(out, params, indent);
            out.push_str("by ");
            expr_to(out, by, indent);
            match body {
                PartitionBody::Subquery { operators } => {
                    out.push_str(" (");
                    operators_to(out, operators, indent);
                    out.push(')');
                }
                PartitionBody::Query { expr } => {
                    out.push_str(" { ");
                    expr_to(out, expr, indent);
                    out.push_str(" }");
                }
            }
        }
        OperatorKind::Fork { branches } => {
            for (i, branch) in branches.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                if let Some(name) = &branch.name {
                    ident_to(out, name);
                    out.push_str(" = ");
                }
                out.push('(');
                operators_to(out, &branch.operators, indent);
                out.push(')');
            }
        }
        OperatorKind::Facet { columns, with } => {
            out.push_str("by ");
            list_to(out, columns, indent);
            if let Some(with) = with {
                out.push_str(" with (");
                operators_to(out, with, indent);
                out.push(')');
            }
        }
        OperatorKind::Consume { params } => params_to(out, params, indent),
        OperatorKind::Reduce { params, by, with } => {
            params_to(out, params, indent);
            out.push_str("by ");
            expr_to(out, by, indent);
            if !with.is_empty() {
                out.push_str(" with ");
                for (i, param) in with.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    ident_to(out, &param.name);
                    out.push('=');
                    expr_to(out, &param.value, indent);
                }
            }
        }
        OperatorKind::Raw { text, .. } => out.push_str(text),
    }
}
