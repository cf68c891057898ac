use regex_syntax::hir::{Hir, HirKind, Look};

use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a `re` value that no text can match: a `^` after text that must be matched
    /// first (`a^b`), a `$` followed by text (`exe$\s`), or a character class that matches
    /// nothing. Anchors that can match inside the text (`(?m)`) are not flagged.
    ///
    /// ## Why it matters
    /// The selection is dead: the rule never fires, and nothing says so.
    ///
    /// ## Example
    /// `selection: {CommandLine|re: '\.exe$ -enc'}`
    ///
    /// ## Fix
    /// None: the author has to say what was meant.
    pub RegexCannotMatch {
        code: "SIG361",
        slug: "regex-cannot-match",
        language: Sigma,
        severity: Error,
        category: Correctness,
        fix: None,
        summary: "a regular expression that can never match",
    }
}

fn min_len(hir: &Hir) -> usize {
    hir.properties().minimum_len().unwrap_or(0)
}

fn unwrap(hir: &Hir) -> &Hir {
    match hir.kind() {
        HirKind::Capture(capture) => unwrap(&capture.sub),
        _ => hir,
    }
}

/// Why `hir` cannot match, if it cannot.
pub fn impossible(hir: &Hir) -> Option<&'static str> {
    if hir.properties().minimum_len().is_none() {
        return Some("part of it can match no character at all (an empty class)");
    }
    match hir.kind() {
        HirKind::Concat(items) => {
            for (i, item) in items.iter().enumerate() {
                if let HirKind::Look(look) = unwrap(item).kind() {
                    let before = items.get(..i).unwrap_or(&[]);
                    let after = items.get(i + 1..).unwrap_or(&[]);
                    match look {
                        Look::Start if before.iter().any(|h| min_len(h) > 0) => {
                            return Some(
                                "`^` (start of text) comes after text that must match first",
                            );
                        }
                        Look::End if after.iter().any(|h| min_len(h) > 0) => {
                            return Some(
                                "`$` (end of text) is followed by text that must still match",
                            );
                        }
                        _ => {}
                    }
                }
                if let Some(reason) = impossible(item) {
                    return Some(reason);
                }
            }
            None
        }
        HirKind::Alternation(items) => {
            let reasons: Vec<_> = items.iter().map(impossible).collect();
            if reasons.iter().all(Option::is_some) {
                reasons.into_iter().flatten().next()
            } else {
                None
            }
        }
        HirKind::Capture(capture) => impossible(&capture.sub),
        HirKind::Repetition(repetition) if repetition.min > 0 => impossible(&repetition.sub),
        _ => None,
    }
}

/// Parses a Sigma `re` value the way the evaluator does (None when it does not parse).
pub fn parse(pattern: &str) -> Option<Hir> {
    regex_syntax::ParserBuilder::new()
        .nest_limit(100)
        .build()
        .parse(&crate::sigma::modifiers::re::ascii_classes(pattern))
        .ok()
}

impl SigmaLintRule for RegexCannotMatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for (_, text, value) in cx.regexes() {
            let Some(hir) = parse(text) else { continue };
            if let Some(reason) = impossible(&hir) {
                cx.report(
                    Self::META
                        .diagnostic(format!("`{text}` can never match: {reason}"), value.span),
                );
            }
        }
    }
}
