use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{KqlRule, LintContext};
use crate::lint::RuleMeta;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags `mv-expand` and `mv-apply` without `limit`.
    ///
    /// ## Why it matters
    /// Each row becomes one row per array element, up to 2,147,483,647 by default. On
    /// attacker-influenced dynamic values (command-line tokens, email recipients, URLs) a
    /// single event can multiply into millions of rows and time the rule out.
    ///
    /// ## Example
    /// ```kql
    /// EmailEvents | mv-expand Recipient = parse_json(RecipientsList)
    /// ```
    /// Use instead: `mv-expand Recipient = parse_json(RecipientsList) limit 500`.
    ///
    /// ## Fix
    /// None: the right bound depends on the data.
    pub MvExpandWithoutLimit {
        code: "KQL307",
        slug: "mv-expand-without-limit",
        language: Kql,
        severity: Info,
        category: Performance,
        fix: None,
        summary: "`mv-expand` without `limit` can multiply rows without bound",
    }
}

impl KqlRule for MvExpandWithoutLimit {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for op in cx.operators() {
            let keyword = match &op.kind {
                // Legacy `mvexpand` is capped at 128 values; deprecated-function covers it.
                OperatorKind::MvExpand {
                    keyword,
                    limit: None,
                    ..
                } if keyword != "mvexpand" => keyword.as_str(),
                OperatorKind::MvApply { limit: None, .. } => "mv-apply",
                _ => continue,
            };
            let span = Span::new(
                op.span.start as usize,
                op.span.start as usize + keyword.len(),
            );
            found.push(
                Self::META
                    .diagnostic(
                        format!("`{keyword}` without `limit` expands every element of every row"),
                        span,
                    )
                    .with_help("add `limit N` to bound the rows one event can produce"),
            );
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
