use crate::declare_rule;
use crate::diagnostic::{Fix, TextEdit};
use crate::kql::ast::*;
use crate::kql::lint::{KqlRule, LintContext};
use crate::lint::RuleMeta;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags `sort by k | take n` (or `order`/`limit`) with a single sort key, which is
    /// `top n by k`.
    ///
    /// ## Why it matters
    /// `top n by k` says in one operator what `sort | take` says in two, and tells Kusto up
    /// front that only `n` rows are wanted, so each node can keep its best `n` rows instead
    /// of sorting all of them. Both return the same rows in the same order (`desc` and
    /// nulls last by default in both).
    ///
    /// ## Example
    /// ```kql
    /// DeviceProcessEvents | sort by Timestamp desc | take 10
    /// ```
    /// Use instead: `top 10 by Timestamp desc`.
    ///
    /// ## Fix
    /// Safe: `top n by k` returns the same rows as `sort by k | take n`.
    pub TopOverSortTake {
        code: "KQL334",
        slug: "top-over-sort-take",
        language: Kql,
        severity: Hint,
        category: Performance,
        fix: Safe,
        summary: "`sort | take`: use `top`",
    }
}

impl KqlRule for TopOverSortTake {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for chain in cx.chains() {
            for pair in chain.operators.windows(2) {
                let [first, second] = pair else { continue };
                let OperatorKind::Sort {
                    keyword,
                    params,
                    keys,
                } = &first.kind
                else {
                    continue;
                };
                let OperatorKind::Take { count, .. } = &second.kind else {
                    continue;
                };
                let ([key], true) = (keys.as_slice(), params.is_empty()) else {
                    continue;
                };
                // `top` has no granny-asc/granny-desc.
                if matches!(
                    key.order,
                    Some(SortOrder::GrannyAsc | SortOrder::GrannyDesc)
                ) {
                    continue;
                }
                let replacement = format!(
                    "top {} by {}",
                    count.span.text(cx.text),
                    key.span.text(cx.text)
                );
                let span = Span::new(first.span.start as usize, second.span.end as usize);
                found.push(
                    Self::META
                        .diagnostic(
                            format!("`{keyword} | {}` keeps {} rows: `top` does it without sorting everything", second.kind.keyword(), count.span.text(cx.text)),
                            span,
                        )
                        .with_fix(Fix {
                            title: format!("Use `{replacement}`"),
                            edits: vec![TextEdit {
                                span,
                                text: replacement,
                            }],
                            is_safe: true,
                        }),
                );
            }
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
