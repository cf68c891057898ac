use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{detections, selection_items, LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a `service: sysmon` rule that selects no `EventID`.
    ///
    /// ## Why it matters
    /// The Sysmon channel holds some 30 event types with overlapping field names
    /// (`Image` is in process, network, image-load and file events); without an event ID
    /// the rule matches all of them. SigmaHQ's `test_sysmon_rule_without_eventid` reports
    /// the same.
    ///
    /// ## Example
    /// ```yaml
    /// logsource: {product: windows, service: sysmon}
    /// detection:
    ///     selection: {Image|endswith: '\rundll32.exe'}
    /// ```
    ///
    /// ## Fix
    /// None: add the event ID, or use the generic category.
    pub SysmonWithoutEventId {
        code: "SIG343",
        slug: "sysmon-without-event-id",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "a Sysmon rule that selects no `EventID`",
    }
}

impl SigmaLintRule for SysmonWithoutEventId {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            let Some(logsource) = &rule.logsource else {
                continue;
            };
            if logsource.service().map(str::to_lowercase).as_deref() != Some("sysmon") {
                continue;
            }
            let has_event_id = detections(rule).iter().any(|d| {
                d.selections.iter().any(|s| {
                    selection_items(s)
                        .iter()
                        .any(|i| i.field.as_ref().is_some_and(|f| f.value == "EventID"))
                })
            });
            if !has_event_id {
                let span = logsource.service.first().map_or(logsource.span, |s| s.span);
                cx.report(Self::META.diagnostic(
                    "a Sysmon rule without `EventID` matches every Sysmon event type",
                    span,
                ));
            }
        }
    }
}
