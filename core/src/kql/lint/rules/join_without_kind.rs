use crate::declare_rule;
use crate::diagnostic::{Fix, TextEdit};
use crate::kql::ast::*;
use crate::kql::lint::{KqlRule, LintContext};
use crate::lint::RuleMeta;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags `join` without an explicit `kind=`.
    ///
    /// ## Why it matters
    /// The default join kind is `innerunique`: Kusto first keeps one arbitrary row per join
    /// key from the left side, then joins. A detection that joins process events to network
    /// events silently drops every left row but one per key, so some alerts never fire
    /// (Kusto's analyzer: KS504).
    ///
    /// ## Example
    /// ```kql
    /// DeviceProcessEvents | join (DeviceNetworkEvents) on DeviceId
    /// ```
    /// Use instead: `join kind=inner (DeviceNetworkEvents) on DeviceId`, or write
    /// `kind=innerunique` if deduplicating the left side is intended.
    ///
    /// ## Fix
    /// Safe: `kind=innerunique` states the current behaviour. Unsafe: `kind=inner` keeps
    /// every left row and may change the results.
    pub JoinWithoutKind {
        code: "KQL302",
        slug: "join-without-kind",
        language: Kql,
        severity: Warning,
        category: Correctness,
        fix: Safe,
        summary: "`join` without `kind=` deduplicates the left side (innerunique)",
    }
}

impl KqlRule for JoinWithoutKind {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for op in cx.operators() {
            let OperatorKind::Join { params, .. } = &op.kind else {
                continue;
            };
            if params.iter().any(|p| p.name.name == "kind") {
                continue;
            }
            let keyword = Span::new(
                op.span.start as usize,
                op.span.start as usize + "join".len(),
            );
            let insert = Span::empty(keyword.end as usize);
            found.push(
                Self::META
                    .diagnostic("`join` without `kind=` is `innerunique`: only one left row per key is kept", keyword)
                    .with_help("state the kind: `kind=inner` keeps every matching row")
                    .with_fix(Fix {
                        title: "Make the default explicit: `kind=innerunique`".to_string(),
                        edits: vec![TextEdit { span: insert, text: " kind=innerunique".to_string() }],
                        is_safe: true,
                    })
                    .with_fix(Fix {
                        title: "Keep every matching row: `kind=inner`".to_string(),
                        edits: vec![TextEdit { span: insert, text: " kind=inner".to_string() }],
                        is_safe: false,
                    }),
            );
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
