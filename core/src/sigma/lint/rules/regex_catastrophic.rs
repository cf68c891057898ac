use regex_syntax::hir::{Hir, HirKind};

use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::rules::regex_cannot_match::parse;
use crate::sigma::lint::{LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a `re` value with nested unbounded repetition where the inner repeats can
    /// split the same text in many ways: `(a+)+`, `(.*)*`, `(\w+\s*)+`.
    ///
    /// ## Why it matters
    /// rulelab's engine runs in linear time, but the SIEMs the rule is converted for
    /// (PCRE, Java, .NET and JavaScript engines) backtrack: on a long non-matching value such
    /// a pattern takes exponential time, stalling searches or tripping their limits.
    ///
    /// ## Example
    /// `selection: {CommandLine|re: '(\w+\s*)+$'}`
    ///
    /// ## Fix
    /// None: rewrite with one repetition, e.g. `[\w\s]+$`.
    pub RegexCatastrophic {
        code: "SIG362",
        slug: "regex-catastrophic",
        language: Sigma,
        severity: Warning,
        category: Performance,
        fix: None,
        summary: "a regular expression with catastrophic backtracking",
    }
}

fn is_unbounded(hir: &Hir) -> bool {
    matches!(hir.kind(), HirKind::Repetition(r) if r.max.is_none())
}

fn unwrap(hir: &Hir) -> &Hir {
    match hir.kind() {
        HirKind::Capture(capture) => unwrap(&capture.sub),
        _ => hir,
    }
}

/// Whether a repeated body can match the same text in several ways: it is itself an
/// unbounded repetition, or a sequence of nothing but unbounded or optional parts.
fn ambiguous_body(body: &Hir) -> bool {
    let body = unwrap(body);
    match body.kind() {
        HirKind::Repetition(r) => r.max.is_none() || ambiguous_body(&r.sub),
        HirKind::Concat(items) => {
            items.iter().any(|i| is_unbounded(unwrap(i)))
                && items.iter().all(|i| {
                    let i = unwrap(i);
                    is_unbounded(i) || i.properties().minimum_len() == Some(0)
                })
        }
        HirKind::Alternation(items) => items.iter().any(ambiguous_body),
        _ => false,
    }
}

/// Whether any unbounded repetition has an ambiguous body.
pub fn is_catastrophic(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Repetition(r) => {
            (r.max.is_none() && ambiguous_body(&r.sub)) || is_catastrophic(&r.sub)
        }
        HirKind::Capture(c) => is_catastrophic(&c.sub),
        HirKind::Concat(items) | HirKind::Alternation(items) => items.iter().any(is_catastrophic),
        _ => false,
    }
}

impl SigmaLintRule for RegexCatastrophic {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for (_, text, value) in cx.regexes() {
            let Some(hir) = parse(text) else { continue };
            if is_catastrophic(&hir) {
                cx.report(
                    Self::META
                        .diagnostic(format!("`{text}` nests unbounded repetitions: backtracking engines can take exponential time"), value.span)
                        .with_help("use a single repetition, e.g. `[\\w\\s]+` instead of `(\\w+\\s*)+`"),
                );
            }
        }
    }
}
