use crate::declare_rule;
use crate::kql::lint::{time_filters, KqlRule, LintContext};
use crate::kql::schema::Profile;
use crate::lint::RuleMeta;
use crate::value::ScalarType;

declare_rule! {
    /// ## What it does
    /// Flags a pipeline that limits its table's time only through another datetime column
    /// than the table's time column under the chosen profile — `TimeGenerated` in Sentinel
    /// (Log Analytics), `Timestamp` in Defender advanced hunting. Examples: `Timestamp >
    /// ago(1d)` on `DeviceProcessEvents` in Sentinel, `CreatedDateTime > ago(1d)` on
    /// `SigninLogs`. A table that lacks the column entirely is reported as an unknown
    /// column (KQL203); this rule is about a column that exists but is not the time column.
    ///
    /// ## Why it matters
    /// Kusto stores a table in extents organized by its time column and skips every
    /// extent outside a filter on that column; a filter on another datetime column has to
    /// read all of them. In Sentinel the scheduled rule's lookback also applies to
    /// `TimeGenerated`, and `Timestamp` (when the event happened on the device) can lag
    /// `TimeGenerated` (when it arrived) by minutes to hours: a late event falls between
    /// two runs of a rule that filters on `Timestamp` only. In a scheduled rule (a
    /// `queryPeriod` is known) the finding says so. In Defender advanced hunting
    /// `TimeGenerated` is accepted and not reported.
    ///
    /// ## Example
    /// ```kql
    /// DeviceProcessEvents | where Timestamp > ago(1h) | where FileName =~ "mshta.exe"
    /// ```
    /// Use instead, in Sentinel: `where TimeGenerated > ago(1h)` (keep the `Timestamp`
    /// condition too when event time matters).
    ///
    /// ## Fix
    /// None: the window on the time column is the author's choice. Needs the schema.
    pub TimeFilterNotOnTimeColumn {
        code: "KQL345",
        slug: "time-filter-not-on-time-column",
        language: Kql,
        severity: Info,
        category: Performance,
        fix: None,
        summary: "Time window on a datetime column that is not the table's time column",
    }
}

impl KqlRule for TimeFilterNotOnTimeColumn {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let Some(schema) = cx.env.schema else { return };
        let profile = schema.profile();
        let time_lets = cx.time_lets();
        let mut found = Vec::new();
        for chain in cx.chains() {
            let Some(table) = cx.source_table(chain) else {
                continue;
            };
            let Some(time_column) = table.time_column() else {
                continue;
            };
            let filters = time_filters(chain.operators, &time_lets);
            let is_accepted = |column: &str| {
                column == time_column.name
                    || (profile == Profile::Defender && column == "TimeGenerated")
            };
            if filters.is_empty() || filters.iter().any(|(column, _)| is_accepted(column)) {
                continue;
            }
            for (column, predicate) in filters {
                let is_datetime_column = table
                    .column(column)
                    .is_some_and(|c| c.ty == ScalarType::Datetime);
                if !is_datetime_column {
                    continue;
                }
                if cx.env.query_period.is_some() {
                    // A scheduled rule: Sentinel already limits the time column to the
                    // query period; the other column's window drops late arrivals.
                    found.push(
                        Self::META
                            .diagnostic(
                                format!(
                                    "`{}` is limited by `{column}` on top of the rule's window on `{}`: an event that arrives later than this `{column}` window is never seen by any run",
                                    table.name, time_column.name
                                ),
                                predicate.span,
                            )
                            .with_help(format!("let the rule's queryPeriod do the time limiting, or make the `{column}` window longer than the ingestion delay plus the query frequency")),
                    );
                    continue;
                }
                found.push(
                    Self::META
                        .diagnostic(
                            format!(
                                "`{}` is limited only by `{column}`; its time column in the {profile} profile is `{}`, the column Kusto organizes and skips data by",
                                table.name, time_column.name
                            ),
                            predicate.span,
                        )
                        .with_help(format!("add a window on `{}` (keep the `{column}` condition if event time matters)", time_column.name)),
                );
            }
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}

#[cfg(test)]
mod tests {
    use crate::kql::schema::Profile;
    use crate::{lint, LintOptions};

    fn messages(text: &str) -> Vec<String> {
        let options = LintOptions {
            profile: Some(Profile::Sentinel),
            ..Default::default()
        };
        lint(text, &options)
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "KQL345")
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn a_scheduled_rule_is_told_about_late_events() {
        let rule = "id: 1\nname: R\nkind: Scheduled\nqueryFrequency: 1h\nqueryPeriod: 1h\nquery: |\n  DeviceProcessEvents\n  | where Timestamp > ago(1h)\n";
        let found = messages(rule);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("arrives later"), "{found:?}");
        let hunting = messages("DeviceProcessEvents\n| where Timestamp > ago(1h)");
        assert!(hunting[0].contains("skips data by"), "{hunting:?}");
    }
}
