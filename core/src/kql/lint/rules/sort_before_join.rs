use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{KqlRule, LintContext};
use crate::lint::RuleMeta;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags `sort`/`order` directly before a `join` or `lookup`, and at the end of a join's
    /// right side.
    ///
    /// ## Why it matters
    /// Joins do not keep row order, so the sort costs time and orders nothing. When it was
    /// meant to pick "the latest row per key" before an `innerunique` join, it does not:
    /// use `summarize arg_max(...)` instead.
    ///
    /// ## Example
    /// ```kql
    /// T | sort by Timestamp desc | join kind=inner (U) on Id
    /// ```
    /// Use instead: sort after the join, or `summarize arg_max(Timestamp, *) by Id` before it.
    ///
    /// ## Fix
    /// None.
    pub SortBeforeJoin {
        code: "KQL309",
        slug: "sort-before-join",
        language: Kql,
        severity: Warning,
        category: Performance,
        fix: None,
        summary: "`sort` before `join` is wasted: joins do not keep order",
    }
}

fn is_sort(op: &Operator) -> bool {
    matches!(op.kind, OperatorKind::Sort { .. })
}

fn keyword_span(op: &Operator) -> Span {
    Span::new(
        op.span.start as usize,
        op.span.start as usize + op.kind.keyword().len(),
    )
}

/// The last operator of a join's right side, when it is a parenthesized pipeline.
fn right_side_last(right: &Expr) -> Option<&Operator> {
    let ExprKind::Paren(inner) = &right.kind else {
        return None;
    };
    match &inner.kind {
        ExprKind::Pipeline { operators, .. } => operators.last(),
        _ => None,
    }
}

impl KqlRule for SortBeforeJoin {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for chain in cx.chains() {
            for pair in chain.operators.windows(2) {
                let [first, second] = pair else { continue };
                if let OperatorKind::Join { right, .. } | OperatorKind::Lookup { right, .. } =
                    &second.kind
                {
                    if is_sort(first) {
                        found.push(
                            Self::META
                                .diagnostic(format!("`{}` right before `{}`: the join does not keep this order", first.kind.keyword(), second.kind.keyword()), keyword_span(first))
                                .with_help("sort after the join; to keep the latest row per key use `summarize arg_max(...) by key`"),
                        );
                    }
                    if let Some(last) = right_side_last(right).filter(|op| is_sort(op)) {
                        found.push(
                            Self::META
                                .diagnostic(format!("`{}` at the end of the join's right side: the join does not keep this order", last.kind.keyword()), keyword_span(last))
                                .with_help("drop it, or sort after the join"),
                        );
                    }
                }
            }
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
