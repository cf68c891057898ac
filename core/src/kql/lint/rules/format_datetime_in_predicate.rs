use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{call_name, walk_scalar, KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags `format_datetime()` inside a `where` predicate.
    ///
    /// ## Why it matters
    /// Formatting turns every row's datetime into text before the comparison: the time
    /// index cannot help and the comparison is on strings (`"9:00" > "10:00"`). Datetime
    /// functions compare points in time directly. Kusto's analyzer reports the same as
    /// KS506.
    ///
    /// ## Example
    /// ```kql
    /// SigninLogs | where format_datetime(TimeGenerated, "yyyy-MM-dd") == "2024-05-01"
    /// ```
    /// Use instead: `where startofday(TimeGenerated) == datetime(2024-05-01)`, or
    /// `datetime_part("hour", TimeGenerated)` for a time of day.
    ///
    /// ## Fix
    /// None: the datetime function depends on the format.
    pub FormatDatetimeInPredicate {
        code: "KQL336",
        slug: "format-datetime-in-predicate",
        language: Kql,
        severity: Info,
        category: Performance,
        fix: None,
        summary: "`format_datetime()` in a `where`: compare datetimes, not text",
    }
}

impl KqlRule for FormatDatetimeInPredicate {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for op in cx.operators() {
            let OperatorKind::Where { predicate, .. } = &op.kind else {
                continue;
            };
            walk_scalar(predicate, &mut |e| {
                if matches!(call_name(e), Some((callee, _)) if callee.name == "format_datetime") {
                    found.push(
                        Self::META
                            .diagnostic("`format_datetime()` in a filter formats every row's time as text before comparing", e.span)
                            .with_help("compare datetimes: `startofday()`, `bin()`, `datetime_part()`, `hourofday()`"),
                    );
                }
            });
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
