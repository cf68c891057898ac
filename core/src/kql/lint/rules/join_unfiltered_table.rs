use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags `join` / `lookup` whose right side is a bare table name, with no `where` and
    /// no `project` on it: `| join kind=inner DeviceImageLoadEvents on DeviceId`.
    ///
    /// ## Why it matters
    /// The right side of a join is read and held in memory in full: every row and every
    /// column of the table in the time range, to be matched against what is often a few
    /// rows on the left. Filtering it to the events that can match and projecting the
    /// columns the rule uses shrinks the join by orders of magnitude, and avoids the
    /// `Column1` duplicates of every shared column.
    ///
    /// ## Example
    /// ```kql
    /// DeviceProcessEvents
    /// | where FileName =~ "msiexec.exe"
    /// | join kind=inner DeviceImageLoadEvents on DeviceId
    /// ```
    /// Use instead: `join kind=inner (DeviceImageLoadEvents | where InitiatingProcessFileName
    /// =~ "msiexec.exe" | project DeviceId, FileName, FolderPath) on DeviceId`.
    ///
    /// ## Fix
    /// None: the filter and the columns come from the rule's logic.
    pub JoinUnfilteredTable {
        code: "KQL347",
        slug: "join-unfiltered-table",
        language: Kql,
        severity: Info,
        category: Performance,
        fix: None,
        summary: "`join` with a whole table on the right: filter and project it first",
    }
}

fn bare_name(expr: &Expr) -> Option<&Ident> {
    match &expr.kind {
        ExprKind::Paren(inner) => bare_name(inner),
        ExprKind::Name(ident) => Some(ident),
        _ => None,
    }
}

impl KqlRule for JoinUnfilteredTable {
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
            let (OperatorKind::Join { right, .. } | OperatorKind::Lookup { right, .. }) = &op.kind
            else {
                continue;
            };
            let Some(table) = bare_name(right) else {
                continue;
            };
            if lets.contains(&table.name) {
                continue;
            }
            // With a schema, only event tables (with a time column) are large; without
            // one, any table name may be.
            if let Some(schema) = schema {
                if schema
                    .table(&table.name)
                    .and_then(|t| t.time_column())
                    .is_none()
                {
                    continue;
                }
            }
            found.push(
                Self::META
                    .diagnostic(
                        format!("`{}` joins all of `{}`: every row and column in the time range is read and held for the join", op.kind.keyword(), table.name),
                        table.span,
                    )
                    .with_help(format!("filter and project it first: `({} | where ... | project <keys and columns used>)`", table.name)),
            );
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
