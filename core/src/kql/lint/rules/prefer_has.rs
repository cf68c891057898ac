use crate::declare_rule;
use crate::diagnostic::{Fix, TextEdit};
use crate::kql::ast::*;
use crate::kql::lint::{string_literal, KqlRule, LintContext};
use crate::lint::RuleMeta;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags `contains` (and `!contains`, `contains_cs`) with a string literal that is a
    /// single whole term, where `has` would use the term index.
    ///
    /// ## Why it matters
    /// `has` looks the term up in the index; `contains` scans every value. On a busy table
    /// that is the difference between seconds and minutes. But `has` matches whole terms
    /// only: `has "mimikatz"` misses `xmimikatz2` where `contains` finds it, so the change
    /// can lose detections. Kusto's analyzer reports the same advice as KS503.
    ///
    /// ## Example
    /// ```kql
    /// DeviceProcessEvents | where ProcessCommandLine contains "mimikatz"
    /// ```
    /// Use instead: `where ProcessCommandLine has "mimikatz"`.
    ///
    /// ## Fix
    /// Unsafe: offered for the author to confirm, never applied by `--fix` on its own.
    pub PreferHas {
        code: "KQL301",
        slug: "prefer-has",
        language: Kql,
        severity: Warning,
        category: Performance,
        fix: Unsafe,
        summary: "`contains` with a whole term: `has` uses the term index",
    }
}

/// A term as Kusto indexes it: alphanumeric, at least three characters.
fn is_indexed_term(value: &str) -> bool {
    value.chars().count() >= 3 && value.chars().all(char::is_alphanumeric)
}

impl KqlRule for PreferHas {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let ExprKind::Binary {
                op: BinaryOp::String(op),
                left,
                right,
            } = &expr.kind
            else {
                continue;
            };
            if op.kind != StringOpKind::Contains {
                continue;
            }
            let Some(value) = string_literal(right) else {
                continue;
            };
            if !is_indexed_term(value) {
                continue;
            }
            let between = Span::new(left.span.end as usize, right.span.start as usize);
            let written = op.text();
            let Some(offset) = between.text(cx.text).find(&written) else {
                continue;
            };
            let op_span = Span::new(
                between.start as usize + offset,
                between.start as usize + offset + written.len(),
            );
            let replacement = StringOp {
                kind: StringOpKind::Has,
                ..*op
            }
            .text();
            found.push(
                Self::META
                    .diagnostic(format!("`{written} \"{value}\"` scans every value; `{replacement}` uses the term index"), op_span)
                    .with_help(format!("`{replacement}` matches whole terms only: it will not match \"{value}\" inside a longer word"))
                    .with_fix(Fix {
                        title: format!("Replace `{written}` with `{replacement}`"),
                        edits: vec![TextEdit { span: op_span, text: replacement }],
                        is_safe: false,
                    }),
            );
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
