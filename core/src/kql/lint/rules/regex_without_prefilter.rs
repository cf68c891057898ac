use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{column_name, KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags `matches regex` on a column that no earlier `has`/`contains`/`startswith`
    /// filter in the same pipeline narrows.
    ///
    /// ## Why it matters
    /// A regex runs on every row it sees. A cheap, indexed `has` on a literal part of the
    /// pattern first (`where CommandLine has "vssadmin" | where CommandLine matches regex
    /// ...`) lets the regex see a fraction of the rows.
    ///
    /// ## Example
    /// ```kql
    /// T | where ProcessCommandLine matches regex @"vssadmin\s+delete\s+shadows"
    /// ```
    /// Use instead: `where ProcessCommandLine has "vssadmin" and ProcessCommandLine matches regex ...`.
    ///
    /// ## Fix
    /// None: the pre-filter term comes from the pattern.
    pub RegexWithoutPrefilter {
        code: "KQL316",
        slug: "regex-without-prefilter",
        language: Kql,
        severity: Info,
        category: Performance,
        fix: None,
        summary: "`matches regex` without a cheaper pre-filter on the same column",
    }
}

/// Columns filtered by cheap string operators anywhere inside `expr`.
fn prefiltered<'a>(expr: &'a Expr, out: &mut Vec<&'a str>) {
    crate::kql::visit::walk_expr(expr, &mut |e| {
        if let ExprKind::Binary {
            op: BinaryOp::String(_) | BinaryOp::Eq | BinaryOp::EqCi,
            left,
            ..
        }
        | ExprKind::InList { left, .. } = &e.kind
        {
            if let Some(name) = column_name(left) {
                out.push(name);
            }
        }
    });
}

impl KqlRule for RegexWithoutPrefilter {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for chain in cx.chains() {
            let mut filtered: Vec<&str> = Vec::new();
            for op in chain.operators {
                let OperatorKind::Where { predicate, .. } = &op.kind else {
                    continue;
                };
                prefiltered(predicate, &mut filtered);
                crate::kql::visit::walk_expr(predicate, &mut |e| {
                    if let ExprKind::Binary {
                        op: BinaryOp::MatchesRegex,
                        left,
                        ..
                    } = &e.kind
                    {
                        if let Some(name) = column_name(left).filter(|n| !filtered.contains(n)) {
                            found.push(
                                Self::META
                                    .diagnostic(format!("`{name} matches regex` runs on every row: no cheaper filter on `{name}` comes first"), e.span)
                                    .with_help(format!("add `{name} has \"<literal part of the pattern>\"` before the regex")),
                            );
                        }
                    }
                });
            }
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
