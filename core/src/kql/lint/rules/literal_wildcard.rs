use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{string_literal, KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags `*` or `%` inside the value of `==`, `=~`, `has`, `contains`, `startswith`,
    /// `endswith` (and `in` lists).
    ///
    /// ## Why it matters
    /// KQL string operators have no wildcards: `contains "*mimikatz*"` looks for the
    /// characters `*mimikatz*`, which command lines do not contain, so the rule never
    /// fires. The habit comes from SQL `LIKE` and Sigma.
    ///
    /// ## Example
    /// ```kql
    /// T | where ProcessCommandLine contains "*mimikatz*"
    /// ```
    /// Use instead: `where ProcessCommandLine contains "mimikatz"` (or `matches regex`).
    ///
    /// ## Fix
    /// None: the intended pattern needs the author.
    pub LiteralWildcard {
        code: "KQL322",
        slug: "literal-wildcard",
        language: Kql,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "`*`/`%` in a string comparison is a literal character, not a wildcard",
    }
}

/// `*x`, `x*`, `%x`, `x%` (SQL LIKE / Sigma habits); not `%%2089` (Windows message
/// codes), `%TEMP%` (environment variables) or `%2f%62` (URL encoding), which are text.
fn looks_like_wildcard(value: &str) -> bool {
    if value.len() < 2 {
        return false;
    }
    if value.starts_with('*') || value.ends_with('*') {
        return true;
    }
    let is_message_code = value
        .strip_prefix("%%")
        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit()));
    let is_environment_variable = value.starts_with('%') && value.ends_with('%');
    // `%2f%62...`: URL-encoded text.
    let is_url_encoded = value
        .get(1..3)
        .is_some_and(|hex| hex.chars().all(|c| c.is_ascii_hexdigit()));
    let leading = value.starts_with('%') && !is_url_encoded;
    (leading || value.ends_with('%')) && !is_message_code && !is_environment_variable
}

impl KqlRule for LiteralWildcard {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let values: Vec<&Expr> = match &expr.kind {
                ExprKind::Binary {
                    op:
                        BinaryOp::Eq
                        | BinaryOp::EqCi
                        | BinaryOp::NotEq
                        | BinaryOp::NotEqCi
                        | BinaryOp::String(_),
                    right,
                    ..
                } => vec![right],
                ExprKind::InList { list, .. } => list.iter().collect(),
                _ => continue,
            };
            for value in values {
                if let Some(text) = string_literal(value).filter(|v| looks_like_wildcard(v)) {
                    found.push(
                        Self::META
                            .diagnostic(format!("\"{text}\": KQL string operators have no wildcards; this matches the characters literally"), value.span)
                            .with_help("drop the `*`/`%` and pick the operator: contains, startswith, endswith, or matches regex"),
                    );
                }
            }
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
