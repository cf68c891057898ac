//! The KQL linter: runs every registered rule over a parsed query.
//!
//! Rules live one per file in `rules/`, named by their slug; `registry.rs` lists them all.
//! A rule sees the query through [`LintContext`], which walks the tree once and hands out
//! the expressions, pipelines and `let` statements it found.

pub mod registry;
pub mod rules;

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::kql::ast::*;
use crate::kql::schema::{Schema, Table};
use crate::kql::visit;
use crate::lint::{LintConfig, RuleMeta};
use crate::source::Span;
use crate::value::ScalarType;

/// A KQL lint rule.
pub trait KqlRule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &mut LintContext<'_>);
}

/// A sequence of operators applied in order: the operators of a pipeline, or of an
/// `mv-apply` / `partition` / `fork` subquery.
#[derive(Clone, Copy, Debug)]
pub struct OperatorChain<'a> {
    /// The pipeline's source, when the chain has one.
    pub source: Option<&'a Expr>,
    pub operators: &'a [Operator],
}

/// What the linter knows about where the query runs, beyond its text: the schema of the
/// chosen profile and the expression types the analyzer inferred with it. Rules that need
/// them stay silent without them.
#[derive(Clone, Copy, Debug, Default)]
pub struct LintEnv<'a> {
    pub schema: Option<&'a Schema>,
    /// Expression types by span, from [`crate::kql::analyze::Analysis::types`].
    pub types: Option<&'a HashMap<Span, ScalarType>>,
    /// A Sentinel scheduled rule's `queryPeriod`, as written (`1h`, `14d`).
    pub query_period: Option<&'a str>,
}

/// What a rule sees: the query text and tree, with precomputed views of it.
pub struct LintContext<'a> {
    pub text: &'a str,
    pub query: &'a Query,
    pub env: LintEnv<'a>,
    exprs: Vec<&'a Expr>,
    chains: Vec<OperatorChain<'a>>,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> LintContext<'a> {
    pub fn new(text: &'a str, query: &'a Query) -> LintContext<'a> {
        LintContext::with_env(text, query, LintEnv::default())
    }

    pub fn with_env(text: &'a str, query: &'a Query, env: LintEnv<'a>) -> LintContext<'a> {
        let mut exprs = Vec::new();
        visit::walk_statements(&query.statements, &mut |e| exprs.push(e));
        let mut chains = Vec::new();
        for expr in &exprs {
            match &expr.kind {
                ExprKind::Pipeline { source, operators } => chains.push(OperatorChain {
                    source: Some(source),
                    operators,
                }),
                ExprKind::Source(op) => chains.push(OperatorChain {
                    source: None,
                    operators: std::slice::from_ref(op),
                }),
                _ => {}
            }
        }
        // Subqueries made of bare operators (mv-apply, partition, fork, facet).
        let mut nested = Vec::new();
        for chain in &chains {
            for op in chain.operators {
                collect_subquery_chains(op, &mut nested);
            }
        }
        chains.extend(nested);
        LintContext {
            text,
            query,
            env,
            exprs,
            chains,
            diagnostics: Vec::new(),
        }
    }

    /// Every expression of the query, parents before children.
    pub fn exprs(&self) -> &[&'a Expr] {
        &self.exprs
    }

    /// Every operator chain (pipelines and subqueries).
    pub fn chains(&self) -> &[OperatorChain<'a>] {
        &self.chains
    }

    /// Every operator of every chain.
    pub fn operators(&self) -> impl Iterator<Item = &'a Operator> + '_ {
        self.chains.iter().flat_map(|c| c.operators.iter())
    }

    /// `let` statements at any depth (top level and inside function bodies).
    pub fn lets(&self) -> Vec<(&'a Ident, &'a LetValue, &'a Statement)> {
        let mut out = Vec::new();
        collect_lets(&self.query.statements, &mut out);
        out
    }

    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// `let` names bound to a point in time: `let start = ago(1d);`.
    pub fn time_lets(&self) -> Vec<&'a str> {
        let mut out: Vec<&'a str> = Vec::new();
        for (name, value, _) in self.lets() {
            if let LetValue::Expr(expr) = value {
                if !matches!(expr.kind, ExprKind::Pipeline { .. } | ExprKind::Source(_))
                    && is_time_anchor(expr, &out)
                {
                    out.push(&name.name);
                }
            }
        }
        out
    }

    /// The type the analyzer inferred for an expression, when it knows it.
    pub fn type_of(&self, expr: &Expr) -> Option<ScalarType> {
        self.env.types?.get(&expr.span).copied()
    }

    /// Names bound by `let` anywhere in the query (they hide tables of the same name).
    fn is_let_name(&self, name: &str) -> bool {
        self.lets().iter().any(|(ident, _, _)| ident.name == name)
    }

    /// The schema table a chain reads, when its source is a plain table name of the
    /// profile's schema (not a `let` of the same name).
    pub fn source_table(&self, chain: &OperatorChain<'a>) -> Option<&'a Table> {
        let schema = self.env.schema?;
        let name = chain.source?.as_name()?;
        if self.is_let_name(&name.name) {
            return None;
        }
        schema.table(&name.name)
    }
}

fn collect_lets<'a>(
    statements: &'a [Statement],
    out: &mut Vec<(&'a Ident, &'a LetValue, &'a Statement)>,
) {
    for statement in statements {
        if let StatementKind::Let { name, value } = &statement.kind {
            out.push((name, value, statement));
            if let LetValue::Function(def) = value {
                collect_lets(&def.body, out);
            }
        }
    }
}

fn collect_subquery_chains<'a>(op: &'a Operator, out: &mut Vec<OperatorChain<'a>>) {
    let push = |operators: &'a [Operator], out: &mut Vec<OperatorChain<'a>>| {
        out.push(OperatorChain {
            source: None,
            operators,
        });
        for inner in operators {
            collect_subquery_chains(inner, out);
        }
    };
    match &op.kind {
        OperatorKind::MvApply { subquery, .. } => push(subquery, out),
        OperatorKind::Partition {
            body: PartitionBody::Subquery { operators },
            ..
        } => push(operators, out),
        OperatorKind::Fork { branches } => {
            for branch in branches {
                push(&branch.operators, out);
            }
        }
        OperatorKind::Facet {
            with: Some(operators),
            ..
        } => push(operators, out),
        _ => {}
    }
}

/// Runs every enabled rule over a parsed query; spans are relative to `text`.
pub fn lint_query(text: &str, query: &Query, config: &LintConfig) -> Vec<Diagnostic> {
    lint_query_with(text, query, config, LintEnv::default())
}

/// [`lint_query`] with what is known about where the query runs (schema, types).
pub fn lint_query_with(
    text: &str,
    query: &Query,
    config: &LintConfig,
    env: LintEnv<'_>,
) -> Vec<Diagnostic> {
    let mut cx = LintContext::with_env(text, query, env);
    let mut out = Vec::new();
    for rule in registry::RULES {
        let meta = rule.meta();
        let Some(severity) = config.effective_severity(meta) else {
            continue;
        };
        rule.check(&mut cx);
        for mut diagnostic in cx.diagnostics.drain(..) {
            // A rule may report a finding below its default (e.g. an exclusion rather than
            // a match); a configured severity applies to all of its findings.
            if severity != meta.severity {
                diagnostic.severity = severity;
            }
            out.push(diagnostic);
        }
    }
    out
}

/// The text of a string literal expression, if it is one.
pub fn string_literal(expr: &Expr) -> Option<&str> {
    match &expr.kind {
        ExprKind::Literal(Literal::String { value, .. }) => Some(value),
        _ => None,
    }
}

/// The column name an expression refers to directly (`Col`, `['Col']`, `$left.Col`).
pub fn column_name(expr: &Expr) -> Option<&str> {
    match &expr.kind {
        ExprKind::Name(ident) => Some(&ident.name),
        ExprKind::Member { target, name } => match &target.kind {
            ExprKind::Name(side) if side.name == "$left" || side.name == "$right" => {
                Some(&name.name)
            }
            _ => None,
        },
        _ => None,
    }
}

/// The called function's name for `f(...)`.
pub fn call_name(expr: &Expr) -> Option<(&Ident, &[Arg])> {
    match &expr.kind {
        ExprKind::Call { callee, args } => match &callee.kind {
            ExprKind::Name(ident) => Some((ident, args)),
            _ => None,
        },
        _ => None,
    }
}

/// The span of an operator's keyword, for operator-level findings.
pub fn keyword_span(op: &Operator) -> Span {
    let keyword = op.kind.keyword();
    Span::new(
        op.span.start as usize,
        op.span.start as usize + keyword.len().min(op.span.len()),
    )
}

/// Visits `expr` and every scalar expression below it, without entering subqueries
/// (`in (T | project x)`, `toscalar(...)`), whose operators are checked on their own.
pub fn walk_scalar<'a>(expr: &'a Expr, f: &mut dyn FnMut(&'a Expr)) {
    if matches!(expr.kind, ExprKind::Pipeline { .. } | ExprKind::Source(_)) {
        return;
    }
    f(expr);
    visit::for_each_child_expr(&expr.kind, &mut |child| walk_scalar(child, f));
}

/// The column a time-window predicate filters: `C > ago(1d)`, `ago(1d) <= C`,
/// `C between (ago(2d) .. now())`, `C >= datetime(2024-01-01)`, `C > startofday(now())`.
/// `time_lets` are `let` names bound to such points in time (`let start = ago(1d);`).
pub fn time_filter_column<'a>(expr: &'a Expr, time_lets: &[&str]) -> Option<&'a str> {
    match &expr.kind {
        ExprKind::Binary {
            op: BinaryOp::Gt | BinaryOp::Ge | BinaryOp::Lt | BinaryOp::Le,
            left,
            right,
        } => {
            if let Some(column) = column_name(left).filter(|_| is_time_anchor(right, time_lets)) {
                return Some(column);
            }
            column_name(right).filter(|_| is_time_anchor(left, time_lets))
        }
        ExprKind::Between {
            left, low, high, ..
        } => column_name(left)
            .filter(|_| is_time_anchor(low, time_lets) || is_time_anchor(high, time_lets)),
        _ => None,
    }
}

/// Whether an expression computes a point in time from the clock, a datetime literal or a
/// `let` bound to one.
pub fn is_time_anchor(expr: &Expr, time_lets: &[&str]) -> bool {
    let mut found = false;
    walk_scalar(expr, &mut |e| match &e.kind {
        ExprKind::Name(ident) if time_lets.contains(&ident.name.as_str()) => found = true,
        ExprKind::Literal(Literal::Typed { ty, .. }) if ty == "datetime" => found = true,
        ExprKind::Call { callee, .. } => {
            if let ExprKind::Name(ident) = &callee.kind {
                if matches!(
                    ident.name.as_str(),
                    "ago"
                        | "now"
                        | "datetime_add"
                        | "startofday"
                        | "startofweek"
                        | "startofmonth"
                        | "startofyear"
                        | "endofday"
                        | "todatetime"
                ) {
                    found = true;
                }
            }
        }
        _ => {}
    });
    found
}

/// Every time-window predicate of the `where` operators in `operators` (at any depth of
/// their `and`/`or` chains): (column, predicate).
pub fn time_filters<'a>(operators: &'a [Operator], time_lets: &[&str]) -> Vec<(&'a str, &'a Expr)> {
    let mut out = Vec::new();
    for op in operators {
        if let OperatorKind::Where { predicate, .. } = &op.kind {
            walk_scalar(predicate, &mut |e| {
                if let Some(column) = time_filter_column(e, time_lets) {
                    out.push((column, e));
                }
            });
        }
    }
    out
}
