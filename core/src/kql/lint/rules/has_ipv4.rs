use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{string_literal, KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags `has` and `contains` with an IPv4 address as the value.
    ///
    /// ## Why it matters
    /// Dots split terms, so `has "10.1.2.3"` is a four-term phrase match of one- to
    /// three-character terms (no index), and `contains "10.1.2.3"` also matches
    /// `110.1.2.34`. `has_ipv4()` matches the address exactly with IP-aware boundaries
    /// and uses the index (Kusto's analyzer: KS509).
    ///
    /// ## Example
    /// ```kql
    /// CommonSecurityLog | where Message has "10.1.2.3"
    /// ```
    /// Use instead: `where has_ipv4(Message, "10.1.2.3")`.
    ///
    /// ## Fix
    /// None offered: `has_ipv4` takes its arguments the other way round.
    pub HasIpv4 {
        code: "KQL318",
        slug: "has-ipv4",
        language: Kql,
        severity: Info,
        category: Correctness,
        fix: None,
        summary: "`has`/`contains` with an IPv4 address: use has_ipv4()",
    }
}

pub fn is_ipv4(value: &str) -> bool {
    let parts: Vec<&str> = value.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.chars().all(|c| c.is_ascii_digit())
                && p.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

impl KqlRule for HasIpv4 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let ExprKind::Binary {
                op: BinaryOp::String(op),
                right,
                ..
            } = &expr.kind
            else {
                continue;
            };
            if !matches!(op.kind, StringOpKind::Has | StringOpKind::Contains) {
                continue;
            }
            let Some(value) = string_literal(right).filter(|v| is_ipv4(v)) else {
                continue;
            };
            found.push(
                Self::META
                    .diagnostic(
                        format!("`{} \"{value}\"` matches IP addresses as text", op.text()),
                        expr.span,
                    )
                    .with_help(format!(
                        "use `has_ipv4(column, \"{value}\")` for an exact, indexed address match"
                    )),
            );
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
