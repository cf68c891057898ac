use std::collections::HashSet;

use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags `extend`/`project`/`summarize` columns named like a `let` variable.
    ///
    /// ## Why it matters
    /// After the operator, the name means the column, not the variable: a later
    /// `where x > threshold` compares with the column, silently. Kusto's analyzer warns
    /// about the same shadowing.
    ///
    /// ## Example
    /// ```kql
    /// let threshold = 10;
    /// T | summarize threshold = count() by Host | where threshold > 5
    /// ```
    /// Use instead: a different column name.
    ///
    /// ## Fix
    /// None.
    pub ColumnShadowsLet {
        code: "KQL327",
        slug: "column-shadows-let",
        language: Kql,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "A column takes the name of a `let` variable",
    }
}

impl KqlRule for ColumnShadowsLet {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        // Only scalar lets: a table name reused as a column name is a different kind of
        // symbol and does not change what later expressions mean.
        let scalars: HashSet<&str> = cx
            .lets()
            .into_iter()
            .filter(|(_, value, _)| matches!(value, LetValue::Expr(e) if !matches!(e.kind, ExprKind::Pipeline { .. } | ExprKind::Source(_) | ExprKind::Paren(_) | ExprKind::Name(_) | ExprKind::Call { .. })))
            .map(|(name, _, _)| name.name.as_str())
            .collect();
        let mut found = Vec::new();
        for op in cx.operators() {
            let assignments: Vec<&Assignment> = match &op.kind {
                OperatorKind::Extend { columns } | OperatorKind::Project { columns } => {
                    columns.iter().collect()
                }
                OperatorKind::Summarize { aggregates, by, .. } => {
                    aggregates.iter().chain(by).collect()
                }
                _ => continue,
            };
            for name in assignments.iter().flat_map(|a| &a.names) {
                if scalars.contains(name.name.as_str()) {
                    found.push(
                        Self::META
                            .diagnostic(
                                format!(
                                    "column `{}` shadows the `let` variable of the same name",
                                    name.name
                                ),
                                name.span,
                            )
                            .with_help(
                                "rename the column; after this operator the name refers to it",
                            ),
                    );
                }
            }
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
