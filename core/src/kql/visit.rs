//! Walking the KQL tree: the direct children of each node, and depth-first walks built on
//! them. Analysis, lint rules and explain use these instead of matching every node kind.

use super::ast::*;

/// Calls `f` on each direct child expression of an expression.
pub fn for_each_child_expr<'a>(kind: &'a ExprKind, f: &mut dyn FnMut(&'a Expr)) {
    match kind {
        ExprKind::Literal(_)
        | ExprKind::Name(_)
        | ExprKind::Wildcard { .. }
        | ExprKind::TypeOf { .. }
        | ExprKind::Error => {}
        ExprKind::Paren(inner) => f(inner),
        ExprKind::Unary { operand, .. } => f(operand),
        ExprKind::Binary { left, right, .. } => {
            f(left);
            f(right);
        }
        ExprKind::Logical { operands, .. } => exprs(operands, f),
        ExprKind::InList { left, list, .. } => {
            f(left);
            exprs(list, f);
        }
        ExprKind::Between {
            left, low, high, ..
        } => {
            f(left);
            f(low);
            f(high);
        }
        ExprKind::Call { callee, args } => {
            f(callee);
            args.iter().for_each(|a| f(&a.value));
        }
        ExprKind::Member { target, .. } => f(target),
        ExprKind::Index { target, index } => {
            f(target);
            f(index);
        }
        ExprKind::List(items) => exprs(items, f),
        ExprKind::Pipeline { source, operators } => {
            f(source);
            for op in operators {
                for_each_operator_expr(op, f);
            }
        }
        ExprKind::Source(op) => for_each_operator_expr(op, f),
    }
}

/// The depth of an expression node with this kind: one more than its deepest child.
pub fn expr_kind_depth(kind: &ExprKind) -> u32 {
    let mut max = 0;
    for_each_child_expr(kind, &mut |child| max = max.max(child.depth));
    max.saturating_add(1)
}

fn exprs<'a>(items: &'a [Expr], f: &mut dyn FnMut(&'a Expr)) {
    for item in items {
        f(item);
    }
}

fn assignments<'a>(items: &'a [Assignment], f: &mut dyn FnMut(&'a Expr)) {
    items.iter().for_each(|a| f(&a.value));
}

fn params<'a>(items: &'a [Param], f: &mut dyn FnMut(&'a Expr)) {
    items.iter().for_each(|p| f(&p.value));
}

fn sort_keys<'a>(items: &'a [SortKey], f: &mut dyn FnMut(&'a Expr)) {
    items.iter().for_each(|k| f(&k.expr));
}

fn operators<'a>(items: &'a [Operator], f: &mut dyn FnMut(&'a Expr)) {
    items.iter().for_each(|op| for_each_operator_expr(op, f));
}

/// Calls `f` on each expression directly inside an operator (not inside sub-operators'
/// expressions' children). Nested operator lists (mv-apply, partition, fork) are included.
pub fn for_each_operator_expr<'a>(op: &'a Operator, f: &mut dyn FnMut(&'a Expr)) {
    match &op.kind {
        OperatorKind::Where { predicate, .. } => f(predicate),
        OperatorKind::Project { columns }
        | OperatorKind::Extend { columns }
        | OperatorKind::ProjectSmart { columns }
        | OperatorKind::Serialize { columns }
        | OperatorKind::Print { columns } => assignments(columns, f),
        OperatorKind::ProjectRename { renames } => assignments(renames, f),
        OperatorKind::ProjectAway { columns }
        | OperatorKind::ProjectKeep { columns }
        | OperatorKind::ProjectByNames { columns }
        | OperatorKind::Distinct { columns } => exprs(columns, f),
        OperatorKind::ProjectReorder { columns } => sort_keys(columns, f),
        OperatorKind::Summarize {
            params: p,
            aggregates,
            by,
        } => {
            params(p, f);
            assignments(aggregates, f);
            assignments(by, f);
        }
        OperatorKind::Join {
            params: p,
            right,
            on,
        }
        | OperatorKind::Lookup {
            params: p,
            right,
            on,
        } => {
            params(p, f);
            f(right);
            exprs(on, f);
        }
        OperatorKind::Union { params: p, tables } => {
            params(p, f);
            exprs(tables, f);
        }
        OperatorKind::Sort {
            params: p, keys, ..
        } => {
            params(p, f);
            sort_keys(keys, f);
        }
        OperatorKind::Top { count, key } => {
            f(count);
            f(&key.expr);
        }
        OperatorKind::TopNested { levels } => {
            for level in levels {
                if let Some(count) = &level.count {
                    f(count);
                }
                f(&level.of.value);
                if let Some(others) = &level.others {
                    f(others);
                }
                f(&level.by.value);
            }
        }
        OperatorKind::TopHitters { count, of, by } => {
            f(count);
            f(of);
            if let Some(by) = by {
                f(by);
            }
        }
        OperatorKind::Take { count, .. } | OperatorKind::Sample { count } => f(count),
        OperatorKind::SampleDistinct { count, column } => {
            f(count);
            f(column);
        }
        OperatorKind::Count
        | OperatorKind::Getschema
        | OperatorKind::Raw { .. }
        | OperatorKind::Error => {}
        OperatorKind::MvExpand {
            params: p,
            items,
            limit,
            ..
        } => {
            params(p, f);
            items.iter().for_each(|i| f(&i.assignment.value));
            if let Some(limit) = limit {
                f(limit);
            }
        }
        OperatorKind::MvApply {
            params: p,
            items,
            limit,
            subquery,
        } => {
            params(p, f);
            items.iter().for_each(|i| f(&i.assignment.value));
            if let Some(limit) = limit {
                f(limit);
            }
            operators(subquery, f);
        }
        OperatorKind::Parse {
            params: p,
            source,
            pattern,
            ..
        } => {
            params(p, f);
            f(source);
            for part in pattern {
                if let ParsePart::Literal { value } = part {
                    f(value);
                }
            }
        }
        OperatorKind::ParseKv { source, with, .. } => {
            f(source);
            params(with, f);
        }
        OperatorKind::MakeSeries {
            params: p,
            aggregates,
            on,
            range,
            by,
        } => {
            params(p, f);
            for aggregate in aggregates {
                f(&aggregate.assignment.value);
                if let Some(default) = &aggregate.default {
                    f(default);
                }
            }
            f(on);
            match range {
                MakeSeriesRange::FromTo { from, to, step } => {
                    if let Some(from) = from {
                        f(from);
                    }
                    if let Some(to) = to {
                        f(to);
                    }
                    f(step);
                }
                MakeSeriesRange::InRange { args } => exprs(args, f),
            }
            assignments(by, f);
        }
        OperatorKind::Evaluate {
            params: p, call, ..
        } => {
            params(p, f);
            f(call);
        }
        OperatorKind::Invoke { call } => f(call),
        OperatorKind::Render { with, .. } => params(with, f),
        OperatorKind::As { params: p, .. } | OperatorKind::Consume { params: p } => params(p, f),
        OperatorKind::Range { from, to, step, .. } => {
            f(from);
            f(to);
            f(step);
        }
        OperatorKind::Datatable { values, .. } => exprs(values, f),
        OperatorKind::Externaldata { uris, with, .. } => {
            exprs(uris, f);
            params(with, f);
        }
        OperatorKind::Search {
            params: p,
            tables,
            predicate,
        } => {
            params(p, f);
            if let Some(tables) = tables {
                exprs(tables, f);
            }
            f(predicate);
        }
        OperatorKind::Find {
            params: p,
            tables,
            predicate,
            project,
        } => {
            params(p, f);
            if let Some(tables) = tables {
                exprs(tables, f);
            }
            f(predicate);
            if let Some(project) = project {
                exprs(&project.columns, f);
            }
        }
        OperatorKind::Scan {
            params: p,
            order_by,
            partition_by,
            declare,
            steps,
        } => {
            params(p, f);
            sort_keys(order_by, f);
            exprs(partition_by, f);
            for parameter in declare {
                if let Some(default) = &parameter.default {
                    f(default);
                }
            }
            for step in steps {
                f(&step.condition);
                assignments(&step.assignments, f);
            }
        }
        OperatorKind::Partition {
            params: p,
            by,
            body,
        } => {
            params(p, f);
            f(by);
            match body {
                PartitionBody::Subquery { operators: ops } => operators(ops, f),
                PartitionBody::Query { expr } => f(expr),
            }
        }
        OperatorKind::Fork { branches } => {
            for branch in branches {
                operators(&branch.operators, f);
            }
        }
        OperatorKind::Facet { columns, with } => {
            exprs(columns, f);
            if let Some(with) = with {
                operators(with, f);
            }
        }
        OperatorKind::Reduce {
            params: p,
            by,
            with,
        } => {
            params(p, f);
            f(by);
            params(with, f);
        }
    }
}

/// Depth-first walk over every expression in a statement list, parents before children.
pub fn walk_statements<'a>(statements: &'a [Statement], f: &mut dyn FnMut(&'a Expr)) {
    for statement in statements {
        walk_statement(statement, f);
    }
}

pub fn walk_statement<'a>(statement: &'a Statement, f: &mut dyn FnMut(&'a Expr)) {
    match &statement.kind {
        StatementKind::Let { value, .. } => match value {
            LetValue::Expr(expr) => walk_expr(expr, f),
            LetValue::Function(def) => {
                walk_parameters(&def.parameters, f);
                walk_statements(&def.body, f);
            }
        },
        StatementKind::Set { value, .. } => {
            if let Some(value) = value {
                walk_expr(value, f);
            }
        }
        StatementKind::DeclareQueryParameters { parameters } => walk_parameters(parameters, f),
        StatementKind::Alias { value, .. } => walk_expr(value, f),
        StatementKind::RestrictAccess { names } => names.iter().for_each(|e| walk_expr(e, f)),
        StatementKind::Expr(expr) => walk_expr(expr, f),
        StatementKind::Pattern { .. } | StatementKind::Error => {}
    }
}

fn walk_parameters<'a>(parameters: &'a [Parameter], f: &mut dyn FnMut(&'a Expr)) {
    for parameter in parameters {
        if let Some(default) = &parameter.default {
            walk_expr(default, f);
        }
    }
}

/// Visits `expr` and every expression below it. Recursion is bounded by the parser's
/// depth limit.
pub fn walk_expr<'a>(expr: &'a Expr, f: &mut dyn FnMut(&'a Expr)) {
    f(expr);
    for_each_child_expr(&expr.kind, &mut |child| walk_expr(child, f));
}
