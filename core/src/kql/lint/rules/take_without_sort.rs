use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{KqlRule, LintContext};
use crate::lint::RuleMeta;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags `take`/`limit` that is not preceded by `sort`/`order` in the same pipeline.
    ///
    /// ## Why it matters
    /// Without an order, `take` returns arbitrary rows. In a detection rule that means the
    /// alert shows a different, incomplete subset each run, and matching events beyond the
    /// limit are silently dropped.
    ///
    /// ## Example
    /// ```kql
    /// DeviceProcessEvents | where FileName =~ "psexec.exe" | take 100
    /// ```
    /// Use instead: `summarize` what the alert needs, or `top 100 by Timestamp desc`.
    ///
    /// ## Fix
    /// None.
    pub TakeWithoutSort {
        code: "KQL323",
        slug: "take-without-sort",
        language: Kql,
        severity: Info,
        category: DetectionQuality,
        fix: None,
        summary: "`take` without `sort`: an arbitrary subset of rows",
    }
}

impl KqlRule for TakeWithoutSort {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for chain in cx.chains() {
            for (i, op) in chain.operators.iter().enumerate() {
                let OperatorKind::Take { keyword, .. } = &op.kind else {
                    continue;
                };
                let is_sorted = chain.operators[..i].iter().any(|earlier| {
                    matches!(
                        earlier.kind,
                        OperatorKind::Sort { .. }
                            | OperatorKind::Top { .. }
                            | OperatorKind::Serialize { .. }
                    )
                });
                if is_sorted {
                    continue;
                }
                let span = Span::new(
                    op.span.start as usize,
                    op.span.start as usize + keyword.len(),
                );
                found.push(
                    Self::META
                        .diagnostic(format!("`{keyword}` without `sort` returns an arbitrary subset of rows"), span)
                        .with_help("sort first (`top N by Timestamp desc`) or summarize what the alert needs"),
                );
            }
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
