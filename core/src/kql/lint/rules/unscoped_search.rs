use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{KqlRule, LintContext};
use crate::lint::RuleMeta;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags `search` without `in (Table, ...)`.
    ///
    /// ## Why it matters
    /// An unscoped `search` reads every table in the workspace: the most expensive query
    /// Kusto can run, and in Sentinel a scheduled rule that does it on every run.
    ///
    /// ## Example
    /// ```kql
    /// search "mimikatz"
    /// ```
    /// Use instead: `search in (DeviceProcessEvents, SecurityEvent) "mimikatz"`, or a
    /// `where ... has` on the tables that can hold the evidence.
    ///
    /// ## Fix
    /// None: only the author knows which tables to search.
    pub UnscopedSearch {
        code: "KQL305",
        slug: "unscoped-search",
        language: Kql,
        severity: Warning,
        category: Performance,
        fix: None,
        summary: "`search` without `in (...)` reads every table",
    }
}

impl KqlRule for UnscopedSearch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let found: Vec<_> = cx
            .operators()
            .filter(|op| matches!(&op.kind, OperatorKind::Search { tables: None, .. }))
            .map(|op| {
                let keyword = Span::new(
                    op.span.start as usize,
                    op.span.start as usize + "search".len(),
                );
                Self::META
                    .diagnostic(
                        "`search` without `in (...)` reads every table in the workspace",
                        keyword,
                    )
                    .with_help(
                        "name the tables: `search in (DeviceProcessEvents, SecurityEvent) ...`",
                    )
            })
            .collect();
        found.into_iter().for_each(|d| cx.report(d));
    }
}
