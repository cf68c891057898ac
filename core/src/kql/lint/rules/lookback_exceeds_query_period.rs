use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::eval::literal::parse_timespan;
use crate::kql::lint::{call_name, KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// In a Sentinel scheduled analytics rule, flags `ago(x)` where `x` is longer than the
    /// rule's `queryPeriod`, e.g. `ago(14d)` in a rule with `queryPeriod: 1d`. The window
    /// may be a literal or a `let` bound to one.
    ///
    /// ## Why it matters
    /// Sentinel runs the query over the last `queryPeriod` only. A 14-day baseline in a
    /// rule that looks back one day is a one-day baseline: "new since two weeks"
    /// comparisons flag everything that was merely absent yesterday, and thresholds
    /// computed over the window are off by the same factor.
    ///
    /// ## Example
    /// ```kql
    /// // queryPeriod: 1d
    /// let known = SigninLogs | where TimeGenerated > ago(14d) | distinct IPAddress;
    /// ```
    /// Use instead: set `queryPeriod: 14d` (the maximum) and keep `ago(14d)`.
    ///
    /// ## Fix
    /// None: the rule's `queryPeriod` is set in its YAML.
    pub LookbackExceedsQueryPeriod {
        code: "KQL346",
        slug: "lookback-exceeds-query-period",
        language: Kql,
        severity: Warning,
        category: DetectionQuality,
        fix: None,
        summary: "`ago()` reaches further back than the scheduled rule's `queryPeriod`",
    }
}

impl KqlRule for LookbackExceedsQueryPeriod {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let Some(period_text) = cx.env.query_period else {
            return;
        };
        let Some(period) = parse_timespan(period_text) else {
            return;
        };
        // `let lookback = 14d;`
        let timespan_lets: Vec<(&str, &str)> = cx
            .lets()
            .into_iter()
            .filter_map(|(name, value, _)| match value {
                LetValue::Expr(Expr {
                    kind: ExprKind::Literal(Literal::Timespan(text)),
                    ..
                }) => Some((name.name.as_str(), text.as_str())),
                _ => None,
            })
            .collect();
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let Some((callee, [arg])) = call_name(expr) else {
                continue;
            };
            if callee.name != "ago" {
                continue;
            }
            let window = match &arg.value.kind {
                ExprKind::Literal(Literal::Timespan(text)) => text.as_str(),
                ExprKind::Name(ident) => match timespan_lets.iter().find(|(n, _)| *n == ident.name)
                {
                    Some((_, text)) => text,
                    None => continue,
                },
                _ => continue,
            };
            let Some(ticks) = parse_timespan(window) else {
                continue;
            };
            if ticks <= period {
                continue;
            }
            found.push(
                Self::META
                    .diagnostic(
                        format!("`{}` reaches back {window}, further than the rule's queryPeriod ({period}): Sentinel gives the query only {period} of data", expr.span.text(cx.text), period = period_text.trim()),
                        expr.span,
                    )
                    .with_help("raise `queryPeriod` (up to 14d) or shorten the window so the rule sees what it assumes"),
            );
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
