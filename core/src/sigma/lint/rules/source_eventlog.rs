use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags `Source: Eventlog` in a detection.
    ///
    /// ## Why it matters
    /// It is an artefact of old event log exports, not a property of the event; most
    /// pipelines do not have the field and the selection matches nothing. SigmaHQ's
    /// `test_source_eventlog` reports the same.
    ///
    /// ## Example
    /// `selection: {Source: Eventlog, EventID: 104}`
    ///
    /// ## Fix
    /// None: remove it, or use `Provider_Name`.
    pub SourceEventlog {
        code: "SIG346",
        slug: "source-eventlog",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "`Source: Eventlog` in a detection",
    }
}

impl SigmaLintRule for SourceEventlog {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for item in cx.items() {
            if !item
                .field()
                .is_some_and(|f| f.eq_ignore_ascii_case("source"))
            {
                continue;
            }
            for (text, value) in item.strings() {
                if text.eq_ignore_ascii_case("eventlog") {
                    cx.report(
                        Self::META.diagnostic(
                            "`Source: Eventlog` adds nothing to a detection",
                            value.span,
                        ),
                    );
                }
            }
        }
    }
}
