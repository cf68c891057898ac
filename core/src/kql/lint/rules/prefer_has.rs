use crate::declare_rule;
use crate::diagnostic::{Fix, TextEdit};
use crate::kql::ast::*;
use crate::kql::lint::{string_literal, KqlRule, LintContext};
use crate::lint::RuleMeta;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags `contains` (and `!contains`, `contains_cs`) with a string literal that is a
    /// single whole term, where `has` would use the term index. Values that are usually a
    /// piece of a longer term are left alone: letters mixed with digits (`frombase64`) and
    /// inner case changes (`TVqQAAMAAAAEAAA`, a base64 fragment).
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
        severity: Info,
        category: Performance,
        fix: Unsafe,
        summary: "`contains` with a whole term: `has` uses the term index",
    }
}

/// A term as Kusto indexes it: alphanumeric, at least three characters.
fn is_indexed_term(value: &str) -> bool {
    value.chars().count() >= 3 && value.chars().all(char::is_alphanumeric)
}

/// A value that is usually a piece of a longer term, where `contains` is deliberate and
/// `has` would miss: letters mixed with digits (`frombase64` inside `FromBase64String`)
/// or an inner lower-to-upper case change
/// (`TVqQAAMAAAAEAAA`, a base64 fragment; `CpuMiner` in `NsCpuCNMiner64`).
fn is_term_fragment(value: &str) -> bool {
    let has_letter = value.chars().any(char::is_alphabetic);
    let has_digit = value.chars().any(|c| c.is_ascii_digit());
    let chars: Vec<char> = value.chars().collect();
    let has_case_change = chars
        .windows(2)
        .any(|w| matches!(w, [a, b] if a.is_lowercase() && b.is_uppercase()));
    (has_letter && has_digit) || has_case_change
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
            if !is_indexed_term(value) || is_term_fragment(value) {
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
                    .diagnostic(format!("`{written} \"{value}\"` scans every value; if \"{value}\" is meant as a whole term, `{replacement}` uses the term index"), op_span)
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
