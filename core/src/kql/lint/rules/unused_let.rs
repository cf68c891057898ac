use std::collections::HashSet;

use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags `let` names that the query never uses.
    ///
    /// ## Why it matters
    /// An unused `let` is usually a leftover: a filter or an allow-list the author thinks is
    /// applied but is not. In a detection rule that means exclusions or conditions that
    /// silently do nothing.
    ///
    /// ## Example
    /// ```kql
    /// let allowList = dynamic(["a.exe"]);
    /// DeviceProcessEvents | where FileName == "cmd.exe"
    /// ```
    /// Use instead: apply it (`| where InitiatingProcessFileName !in~ (allowList)`) or
    /// delete it.
    ///
    /// ## Fix
    /// None: deleting it may hide that it was meant to be used.
    pub UnusedLet {
        code: "KQL310",
        slug: "unused-let",
        language: Kql,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "`let` name is never used",
    }
}

impl KqlRule for UnusedLet {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        // Names used anywhere: plain references and calls. Shadowing is rare in rules;
        // counting by name keeps the rule simple and free of false alarms.
        let used: HashSet<&str> = cx
            .exprs()
            .iter()
            .filter_map(|e| match &e.kind {
                ExprKind::Name(ident) => Some(ident.name.as_str()),
                _ => None,
            })
            .collect();
        let found: Vec<_> = cx
            .lets()
            .into_iter()
            .filter(|(name, _, _)| !used.contains(name.name.as_str()))
            .map(|(name, _, _)| {
                Self::META
                    .diagnostic(
                        format!("`{}` is defined but never used", name.name),
                        name.span,
                    )
                    .with_help("use it, or delete it if it is a leftover")
            })
            .collect();
        found.into_iter().for_each(|d| cx.report(d));
    }
}
