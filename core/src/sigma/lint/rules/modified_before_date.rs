use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::datetime;
use crate::sigma::lint::{LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a `modified` date earlier than the creation `date`, and a `modified` without a
    /// `date`.
    ///
    /// ## Why it matters
    /// The two dates order the rule's history; a modification before the creation is a typo
    /// (often day and month swapped, or the dates exchanged) that confuses change tracking.
    ///
    /// ## Example
    /// ```yaml
    /// date: 2024-05-17
    /// modified: 2023-01-02
    /// ```
    ///
    /// ## Fix
    /// None: check which date is wrong.
    pub ModifiedBeforeDate {
        code: "SIG312",
        slug: "modified-before-date",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "`modified` is earlier than `date`",
    }
}

fn normalized(text: &str) -> Option<String> {
    let iso = text.replace('/', "-");
    datetime::is_iso_date(&iso).then_some(iso)
}

impl SigmaLintRule for ModifiedBeforeDate {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            let Some(modified) = &rule.modified else {
                continue;
            };
            let Some(date) = &rule.date else {
                cx.report(
                    Self::META
                        .diagnostic(
                            "the rule has `modified` but no creation `date`",
                            modified.span,
                        )
                        .with_help("add `date:` with the day the rule was written"),
                );
                continue;
            };
            let (Some(m), Some(d)) = (normalized(&modified.value), normalized(&date.value)) else {
                continue;
            };
            if m < d {
                cx.report(
                    Self::META
                        .diagnostic(
                            format!(
                                "`modified` {} is earlier than `date` {}",
                                modified.value, date.value
                            ),
                            modified.span,
                        )
                        .with_help(
                            "`date` is when the rule was written, `modified` its last change",
                        ),
                );
            }
        }
    }
}
