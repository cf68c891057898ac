//! The KQL linter: runs every registered rule over a parsed query.
//!
//! Rules live one per file in `rules/`, named by their slug; `registry.rs` lists them all.
//! A rule sees the query through [`LintContext`], which walks the tree once and hands out
//! the expressions, pipelines and `let` statements it found.

pub mod registry;
pub mod rules;

use crate::diagnostic::Diagnostic;
use crate::kql::ast::*;
use crate::kql::visit;
use crate::lint::{LintConfig, RuleMeta};

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

/// What a rule sees: the query text and tree, with precomputed views of it.
pub struct LintContext<'a> {
    pub text: &'a str,
    pub query: &'a Query,
    exprs: Vec<&'a Expr>,
    chains: Vec<OperatorChain<'a>>,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> LintContext<'a> {
    pub fn new(text: &'a str, query: &'a Query) -> LintContext<'a> {
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
    let mut cx = LintContext::new(text, query);
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
