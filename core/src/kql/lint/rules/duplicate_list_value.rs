use crate::declare_rule;
use crate::diagnostic::{Fix, TextEdit};
use crate::kql::ast::*;
use crate::kql::lint::{string_literal, KqlRule, LintContext};
use crate::lint::RuleMeta;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags a value listed twice in `in`, `!in`, `in~`, `!in~`, `has_any` or `has_all`
    /// (case is ignored where the operator ignores it: `in~`, `has_any`, `has_all`), and a
    /// string repeated exactly in a `dynamic([...])` array, the usual home of indicator
    /// and exclusion lists.
    ///
    /// ## Why it matters
    /// A duplicate changes nothing about what matches, which is why it is worth a look:
    /// long indicator and exclusion lists grow by copy and paste, and a repeated entry is
    /// often one that was meant to be a different value (`"powershell.exe"` twice, where
    /// `"pwsh.exe"` was meant).
    ///
    /// ## Example
    /// ```kql
    /// DeviceProcessEvents | where FileName in~ ("powershell.exe", "cmd.exe", "PowerShell.exe")
    /// ```
    /// Use instead: `where FileName in~ ("powershell.exe", "cmd.exe")`.
    ///
    /// ## Fix
    /// Safe in operator lists: removing the repeated value keeps the same matches. None for
    /// dynamic arrays, which may be used for more than membership.
    pub DuplicateListValue {
        code: "KQL338",
        slug: "duplicate-list-value",
        language: Kql,
        severity: Warning,
        category: Correctness,
        fix: Safe,
        summary: "Value listed twice in `in`/`has_any`",
    }
}

/// A literal as the list compares it.
fn key(expr: &Expr, ignore_case: bool) -> Option<String> {
    match &expr.kind {
        ExprKind::Literal(Literal::Long(n)) => Some(format!("long:{n}")),
        ExprKind::Literal(Literal::Real(n)) => Some(format!("real:{n}")),
        _ => string_literal(expr).map(|s| {
            if ignore_case {
                format!("string:{}", s.to_lowercase())
            } else {
                format!("string:{s}")
            }
        }),
    }
}

impl KqlRule for DuplicateListValue {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let ExprKind::InList { op, list, .. } = &expr.kind else {
                continue;
            };
            let ignore_case = !matches!(op, ListOp::In | ListOp::NotIn);
            let mut seen: Vec<(String, &Expr)> = Vec::new();
            for (i, item) in list.iter().enumerate() {
                let Some(k) = key(item, ignore_case) else {
                    continue;
                };
                if let Some((_, first)) = seen.iter().find(|(s, _)| *s == k) {
                    let Some(previous) = i.checked_sub(1).and_then(|p| list.get(p)) else {
                        continue;
                    };
                    // Remove `, value` (from the end of the previous item).
                    let removal = Span::new(previous.span.end as usize, item.span.end as usize);
                    found.push(
                        Self::META
                            .diagnostic(
                                format!(
                                    "{} is already in this `{}` list (as {})",
                                    item.span.text(cx.text),
                                    op.text(),
                                    first.span.text(cx.text)
                                ),
                                item.span,
                            )
                            .with_help("remove it, or replace it with the value that was meant")
                            .with_fix(Fix {
                                title: "Remove the repeated value".to_string(),
                                edits: vec![TextEdit {
                                    span: removal,
                                    text: String::new(),
                                }],
                                is_safe: true,
                            }),
                    );
                } else {
                    seen.push((k, item));
                }
            }
        }
        // `let iocs = dynamic(["a", "b", "a"]);`: exact repeats only, since the operator
        // the list meets (and so whether case matters) is not known here.
        for expr in cx.exprs() {
            let ExprKind::Literal(Literal::Dynamic(DynamicValue::Array(items))) = &expr.kind else {
                continue;
            };
            let mut seen: Vec<&str> = Vec::new();
            let mut repeated: Vec<&str> = Vec::new();
            for item in items {
                if let DynamicValue::String(value) = item {
                    if seen.contains(&value.as_str()) {
                        if !repeated.contains(&value.as_str()) {
                            repeated.push(value);
                        }
                    } else {
                        seen.push(value);
                    }
                }
            }
            if repeated.is_empty() {
                continue;
            }
            let quoted: Vec<String> = repeated.iter().map(|v| format!("\"{v}\"")).collect();
            found.push(
                Self::META
                    .diagnostic(
                        format!(
                            "{} listed more than once in this dynamic array",
                            quoted.join(", ")
                        ),
                        expr.span,
                    )
                    .with_help(
                        "remove the repeats, or replace them with the values that were meant",
                    ),
            );
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
