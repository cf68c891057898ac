use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::functions::{self, FunctionKind};
use crate::kql::lint::{call_name, walk_scalar, KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags aggregation functions (`count()`, `dcount()`, `make_set()`, `arg_max()`...)
    /// called in `where`, `extend` or `project`, outside `summarize`.
    ///
    /// ## Why it matters
    /// Aggregations combine many rows into one and only run inside `summarize` (and
    /// `make-series`, `top-nested`...). `where count() > 5` is rejected by Kusto, so the
    /// rule never runs. The threshold belongs after a `summarize`.
    ///
    /// ## Example
    /// ```kql
    /// SigninLogs | where ResultType != "0" | where count() > 10
    /// ```
    /// Use instead: `summarize Failures = count() by UserPrincipalName | where Failures > 10`.
    ///
    /// ## Fix
    /// None: the `by` keys come from the author.
    pub AggregateOutsideSummarize {
        code: "KQL335",
        slug: "aggregate-outside-summarize",
        language: Kql,
        severity: Error,
        category: Correctness,
        fix: None,
        summary: "Aggregation function outside `summarize`",
    }
}

impl KqlRule for AggregateOutsideSummarize {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let user_functions: Vec<&str> = cx
            .lets()
            .iter()
            .map(|(name, _, _)| name.name.as_str())
            .collect();
        let mut found = Vec::new();
        for op in cx.operators() {
            let exprs: Vec<&Expr> = match &op.kind {
                OperatorKind::Where { predicate, .. } => vec![predicate],
                OperatorKind::Extend { columns } | OperatorKind::Project { columns } => {
                    columns.iter().map(|a| &a.value).collect()
                }
                _ => continue,
            };
            for expr in exprs {
                walk_scalar(expr, &mut |e| {
                    let Some((callee, _)) = call_name(e) else {
                        return;
                    };
                    if user_functions.contains(&callee.name.as_str()) {
                        return;
                    }
                    let is_aggregate = functions::lookup(&callee.name)
                        .is_some_and(|f| f.kind == FunctionKind::Aggregate && !f.is_also_scalar);
                    if is_aggregate {
                        found.push(
                            Self::META
                                .diagnostic(
                                    format!("`{}()` is an aggregation: Kusto rejects it in `{}`", callee.name, op.kind.keyword()),
                                    e.span,
                                )
                                .with_help("aggregate with `summarize ... by ...` first, then filter on the result"),
                        );
                    }
                });
            }
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
