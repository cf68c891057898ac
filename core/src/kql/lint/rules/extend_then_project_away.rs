use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{KqlRule, LintContext};
use crate::kql::visit;
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags a column computed by `extend` and removed by a later `project-away` of the
    /// same pipeline without being used in between.
    ///
    /// ## Why it matters
    /// The value is computed for every row and thrown away: wasted work, and a sign that a
    /// condition meant to use it (a `where` on the parsed field) was lost in an edit.
    ///
    /// ## Example
    /// ```kql
    /// DeviceProcessEvents
    /// | extend Parent = tolower(InitiatingProcessFileName)
    /// | where FileName =~ "cmd.exe"
    /// | project-away Parent
    /// ```
    /// Use instead: drop the `extend`, or use `Parent` where it was meant.
    ///
    /// ## Fix
    /// None: whether the column was meant to be used needs the author.
    pub ExtendThenProjectAway {
        code: "KQL343",
        slug: "extend-then-project-away",
        language: Kql,
        severity: Warning,
        category: Performance,
        fix: None,
        summary: "Column computed by `extend` and dropped by `project-away` unused",
    }
}

/// Whether any expression of `ops` mentions `name` (as a column or in `$left.name`).
fn mentions(ops: &[Operator], name: &str) -> bool {
    let mut found = false;
    for op in ops {
        visit::for_each_operator_expr(op, &mut |e| {
            visit::walk_expr(e, &mut |inner| match &inner.kind {
                ExprKind::Name(ident) if ident.name == name => found = true,
                ExprKind::Member { name: member, .. } if member.name == name => found = true,
                ExprKind::Wildcard { .. } => found = true,
                _ => {}
            });
        });
        // Operators that carry names outside expressions.
        if matches!(
            op.kind,
            OperatorKind::Raw { .. }
                | OperatorKind::Evaluate { .. }
                | OperatorKind::Invoke { .. }
                | OperatorKind::Fork { .. }
                | OperatorKind::Facet { .. }
                | OperatorKind::Scan { .. }
        ) {
            found = true;
        }
    }
    found
}

impl KqlRule for ExtendThenProjectAway {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for chain in cx.chains() {
            for (i, op) in chain.operators.iter().enumerate() {
                let OperatorKind::Extend { columns } = &op.kind else {
                    continue;
                };
                for (k, assignment) in columns.iter().enumerate() {
                    let [name] = assignment.names.as_slice() else {
                        continue;
                    };
                    // Used by a later assignment of the same `extend`.
                    let later = columns.iter().skip(k + 1).any(|a| {
                        let mut used = false;
                        visit::walk_expr(&a.value, &mut |e| {
                            if matches!(&e.kind, ExprKind::Name(id) if id.name == name.name) {
                                used = true;
                            }
                        });
                        used
                    });
                    if later {
                        continue;
                    }
                    let rest = chain.operators.get(i + 1..).unwrap_or(&[]);
                    let Some(offset) = rest.iter().position(|o| match &o.kind {
                        OperatorKind::ProjectAway { columns } => columns
                            .iter()
                            .any(|c| matches!(&c.kind, ExprKind::Name(id) if id.name == name.name)),
                        _ => false,
                    }) else {
                        continue;
                    };
                    let between = rest.get(..offset).unwrap_or(&[]);
                    if mentions(between, &name.name) {
                        continue;
                    }
                    found.push(
                        Self::META
                            .diagnostic(
                                format!("`{}` is computed by `extend` and dropped by `project-away` without being used", name.name),
                                name.span,
                            )
                            .with_help("remove the assignment, or use the column where it was meant"),
                    );
                }
            }
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
