use crate::declare_rule;
use crate::kql::lint::{call_name, KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags `cluster(...)`, `database(...)` and `workspace(...)`/`app(...)` references.
    ///
    /// ## Why it matters
    /// Cross-cluster and cross-workspace queries move data between services: slower, billed
    /// separately, and they fail when the other side is unreachable. Sentinel analytics
    /// rules limit how many workspaces a rule may touch.
    ///
    /// ## Example
    /// ```kql
    /// cluster("other").database("db").SecurityEvent | take 10
    /// ```
    /// Use instead: query the local workspace, or make the dependency explicit in the rule
    /// description.
    ///
    /// ## Fix
    /// None.
    pub CrossCluster {
        code: "KQL315",
        slug: "cross-cluster",
        language: Kql,
        severity: Info,
        category: Performance,
        fix: None,
        summary: "Cross-cluster or cross-workspace reference",
    }
}

impl KqlRule for CrossCluster {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let Some((callee, _)) = call_name(expr) else {
                continue;
            };
            if matches!(callee.name.as_str(), "cluster" | "workspace" | "app") {
                found.push(Self::META.diagnostic(
                    format!("`{}(...)` reads data from another service", callee.name),
                    expr.span,
                ));
            }
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
