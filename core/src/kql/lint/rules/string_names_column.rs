use std::collections::HashSet;

use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{column_name, string_literal, KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags a comparison of a column with a string literal that is exactly the name of a
    /// column or `let` defined in the query: `InitiatingProcessFileName =~ "DCOMFileName"`.
    ///
    /// ## Why it matters
    /// The quotes turn a column comparison into a comparison with the text `DCOMFileName`,
    /// which no event contains: the filter silently drops every row and the rule never
    /// fires. Written without quotes (`=~ DCOMFileName`) it compares two columns.
    ///
    /// ## Example
    /// ```kql
    /// T | project DCOMFileName = FileName, InitiatingProcessFileName
    ///   | where InitiatingProcessFileName =~ "DCOMFileName"
    /// ```
    /// Use instead: `where InitiatingProcessFileName =~ DCOMFileName`.
    ///
    /// ## Fix
    /// Unsafe: offered for the author to confirm.
    pub StringNamesColumn {
        code: "KQL313",
        slug: "string-names-column",
        language: Kql,
        severity: Warning,
        category: Correctness,
        fix: Unsafe,
        summary: "String literal is the name of a column: a column comparison was probably meant",
    }
}

/// Columns the query renames from another column (`New = Old` in project/extend/summarize
/// by): the names an author is most likely to compare against. `let` names and computed
/// columns are left out: their names often equal the values they stand for
/// (`let process = ... where Type =~ "process"`, `Failed = countif(State == "Failed")`).
fn renamed_columns<'a>(cx: &LintContext<'a>) -> HashSet<&'a str> {
    let mut names = HashSet::new();
    for op in cx.operators() {
        let assignments: Vec<&Assignment> = match &op.kind {
            OperatorKind::Project { columns } | OperatorKind::Extend { columns } => {
                columns.iter().collect()
            }
            OperatorKind::Summarize { by, .. } => by.iter().collect(),
            _ => continue,
        };
        for assignment in assignments {
            if let ([name], Some(_)) = (assignment.names.as_slice(), assignment.value.as_name()) {
                names.insert(name.name.as_str());
            }
        }
    }
    names
}

/// The comparisons that are a `where` predicate or one of its `and`/`or` operands; those
/// inside calls (`countif`, `case`, `iff`) compare labels, not columns.
fn where_comparisons<'a>(predicate: &'a Expr, out: &mut Vec<&'a Expr>) {
    match &predicate.kind {
        ExprKind::Logical { operands, .. } => {
            operands.iter().for_each(|o| where_comparisons(o, out))
        }
        ExprKind::Paren(inner) => where_comparisons(inner, out),
        ExprKind::Binary { .. } => out.push(predicate),
        _ => {}
    }
}

impl KqlRule for StringNamesColumn {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let names = renamed_columns(cx);
        let mut comparisons = Vec::new();
        for op in cx.operators() {
            if let OperatorKind::Where { predicate, .. } = &op.kind {
                where_comparisons(predicate, &mut comparisons);
            }
        }
        let mut found = Vec::new();
        for expr in comparisons {
            let ExprKind::Binary {
                op: BinaryOp::Eq | BinaryOp::EqCi | BinaryOp::NotEq | BinaryOp::NotEqCi,
                left,
                right,
            } = &expr.kind
            else {
                continue;
            };
            if column_name(left).is_none() {
                continue;
            }
            let Some(value) = string_literal(right) else {
                continue;
            };
            if !names.contains(value) {
                continue;
            }
            found.push(
                Self::META
                    .diagnostic(format!("\"{value}\" is a string, not the column `{value}`: this compares with the text"), right.span)
                    .with_help(format!("drop the quotes to compare with the column: `{value}`"))
                    .with_fix(crate::diagnostic::Fix {
                        title: format!("Compare with the column `{value}`"),
                        edits: vec![crate::diagnostic::TextEdit { span: right.span, text: value.to_string() }],
                        is_safe: false,
                    }),
            );
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
