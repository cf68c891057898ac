use crate::declare_rule;
use crate::diagnostic::{Fix, TextEdit};
use crate::kql::ast::*;
use crate::kql::lint::{keyword_span, KqlRule, LintContext};
use crate::lint::RuleMeta;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags `union` over a table that may be missing from the workspace — a custom log
    /// table (`*_CL`), or, with a schema, a table the profile does not know — without
    /// `isfuzzy=true`.
    ///
    /// ## Why it matters
    /// A `union` fails as a whole when one of its tables does not exist: the analytics
    /// rule cannot be saved, or a shared hunting query errors in every workspace that
    /// lacks the connector. `isfuzzy=true` lets the union run over the tables that exist.
    ///
    /// ## Example
    /// ```kql
    /// union SecurityEvent, WindowsEvent, Sysmon_CL | where EventID == 4688
    /// ```
    /// Use instead: `union isfuzzy=true SecurityEvent, WindowsEvent, Sysmon_CL | ...`.
    ///
    /// ## Fix
    /// Unsafe: with `isfuzzy=true` a misspelt table is skipped silently instead of failing.
    pub UnionWithoutIsfuzzy {
        code: "KQL342",
        slug: "union-without-isfuzzy",
        language: Kql,
        severity: Warning,
        category: Correctness,
        fix: Unsafe,
        summary: "`union` of tables that may not exist, without `isfuzzy=true`",
    }
}

impl KqlRule for UnionWithoutIsfuzzy {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let lets: Vec<String> = cx
            .lets()
            .iter()
            .map(|(name, _, _)| name.name.clone())
            .collect();
        let schema = cx.env.schema;
        let mut found = Vec::new();
        for op in cx.operators() {
            let OperatorKind::Union { params, tables } = &op.kind else {
                continue;
            };
            let is_fuzzy = params.iter().any(|p| {
                p.name.name.eq_ignore_ascii_case("isfuzzy")
                    && matches!(p.value.kind, ExprKind::Literal(Literal::Bool(true)))
            });
            if is_fuzzy {
                continue;
            }
            let missing: Vec<&str> = tables
                .iter()
                .filter_map(|t| t.as_name())
                .map(|n| n.name.as_str())
                .filter(|name| !lets.iter().any(|l| l == name))
                .filter(|name| {
                    name.ends_with("_CL") || schema.is_some_and(|s| s.tabular(name).is_none())
                })
                .collect();
            let Some(first) = missing.first() else {
                continue;
            };
            let keyword = keyword_span(op);
            let insert = Span::new(keyword.end as usize, keyword.end as usize);
            found.push(
                Self::META
                    .diagnostic(
                        format!("`{first}` may not exist in every workspace: without `isfuzzy=true` the whole `union` fails"),
                        keyword,
                    )
                    .with_fix(Fix {
                        title: "Add `isfuzzy=true`".to_string(),
                        edits: vec![TextEdit {
                            span: insert,
                            text: " isfuzzy=true".to_string(),
                        }],
                        is_safe: false,
                    }),
            );
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
