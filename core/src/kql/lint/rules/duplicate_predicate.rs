use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{column_name, string_literal, KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags a condition repeated in the same `and`/`or` chain, and in an `or` chain a
    /// `contains`/`startswith`/`endswith` (or `has`, `==`) test that another test on the
    /// same column already covers: `CommandLine contains "vssadmin" or CommandLine
    /// contains "vssadmin delete"`.
    ///
    /// ## Why it matters
    /// The repeated or covered test changes nothing, so it hides what the author meant:
    /// usually a copy-and-paste where a different value or column was intended
    /// (`FileName` twice where `ProcessVersionInfoOriginalFileName` was meant), which
    /// leaves the evasion the rule was written against open.
    ///
    /// ## Example
    /// ```kql
    /// DeviceProcessEvents | where FileName =~ "rundll32.exe" or FileName =~ "rundll32.exe"
    /// ```
    /// Use instead: the test that was meant, e.g. `or ProcessVersionInfoOriginalFileName =~ "RUNDLL32.EXE"`.
    ///
    /// ## Fix
    /// None: the intended condition needs the author.
    pub DuplicatePredicate {
        code: "KQL339",
        slug: "duplicate-predicate",
        language: Kql,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "Condition repeated or already covered in the same `and`/`or`",
    }
}

/// The text of an expression with whitespace runs collapsed (comments are not in spans'
/// meaning, but rarely sit inside a single operand).
fn normalized(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A case-insensitive substring test: (column, kind, lower-cased value).
fn substring_test(expr: &Expr) -> Option<(&str, StringOpKind, String)> {
    let ExprKind::Binary {
        op: BinaryOp::String(op),
        left,
        right,
    } = &expr.kind
    else {
        return None;
    };
    if op.is_negated || op.is_case_sensitive {
        return None;
    }
    let kind = match op.kind {
        StringOpKind::Contains | StringOpKind::StartsWith | StringOpKind::EndsWith => op.kind,
        _ => return None,
    };
    Some((
        column_name(left)?,
        kind,
        string_literal(right)?.to_lowercase(),
    ))
}

/// What a positive test on a column requires of the value, lower-cased: it equals
/// (`==`/`=~`/`has` of the whole value are approximated as "contains the value").
fn requirement(expr: &Expr) -> Option<(&str, String, bool, bool)> {
    // (column, value, must_start, must_end)
    let ExprKind::Binary { op, left, right } = &expr.kind else {
        return None;
    };
    let column = column_name(left)?;
    let value = string_literal(right)?.to_lowercase();
    match op {
        BinaryOp::EqCi => Some((column, value, true, true)),
        BinaryOp::String(s) if !s.is_negated && !s.is_case_sensitive => match s.kind {
            StringOpKind::Contains | StringOpKind::Has => Some((column, value, false, false)),
            StringOpKind::StartsWith => Some((column, value, true, false)),
            StringOpKind::EndsWith => Some((column, value, false, true)),
            _ => None,
        },
        _ => None,
    }
}

/// Whether `broad` (a substring test) holds whenever `narrow` holds.
fn covers(broad: &Expr, narrow: &Expr) -> bool {
    let (Some((column, kind, needle)), Some((narrow_column, value, starts, ends))) =
        (substring_test(broad), requirement(narrow))
    else {
        return false;
    };
    if column != narrow_column || needle.is_empty() {
        return false;
    }
    match kind {
        StringOpKind::Contains => value.contains(&needle),
        StringOpKind::StartsWith => starts && value.starts_with(&needle),
        StringOpKind::EndsWith => ends && value.ends_with(&needle),
        _ => false,
    }
}

impl KqlRule for DuplicatePredicate {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let ExprKind::Logical { op, operands } = &expr.kind else {
                continue;
            };
            let texts: Vec<String> = operands
                .iter()
                .map(|o| normalized(o.span.text(cx.text)))
                .collect();
            for (i, operand) in operands.iter().enumerate() {
                let Some(text) = texts.get(i) else { continue };
                if texts.iter().take(i).any(|t| t == text) {
                    found.push(
                        Self::META
                            .diagnostic(
                                format!("`{text}` appears twice in this `{}` chain", op.text()),
                                operand.span,
                            )
                            .with_help("remove it, or change it to the condition that was meant"),
                    );
                    continue;
                }
                if *op != LogicalOp::Or {
                    continue;
                }
                let broader = operands.iter().enumerate().find(|(j, other)| {
                    *j != i && covers(other, operand) && !(covers(operand, other) && *j > i)
                });
                if let Some((_, broad)) = broader {
                    found.push(
                        Self::META
                            .diagnostic(
                                format!("`{text}` is already covered by `{}` in this `or`", normalized(broad.span.text(cx.text))),
                                operand.span,
                            )
                            .with_help("the narrower test adds no matches; remove it or check which value was meant"),
                    );
                }
            }
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
