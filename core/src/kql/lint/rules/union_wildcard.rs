use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags `union *` and wildcard table patterns such as `union Device*`.
    ///
    /// ## Why it matters
    /// A wildcard reads every matching table, including ones added later; the cost and the
    /// result schema change without the rule changing.
    ///
    /// ## Example
    /// ```kql
    /// union * | where Computer == "host1"
    /// ```
    /// Use instead: list the tables, `union DeviceProcessEvents, DeviceNetworkEvents`.
    ///
    /// ## Fix
    /// None: only the author knows which tables are meant.
    pub UnionWildcard {
        code: "KQL306",
        slug: "union-wildcard",
        language: Kql,
        severity: Warning,
        category: Performance,
        fix: None,
        summary: "`union` with a wildcard reads every matching table",
    }
}

impl KqlRule for UnionWildcard {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for op in cx.operators() {
            let OperatorKind::Union { tables, .. } = &op.kind else {
                continue;
            };
            for table in tables {
                if let ExprKind::Wildcard { pattern } = &table.kind {
                    found.push(
                        Self::META
                            .diagnostic(
                                format!("`union {pattern}` reads every table whose name matches"),
                                table.span,
                            )
                            .with_help("list the tables the rule needs"),
                    );
                }
            }
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
