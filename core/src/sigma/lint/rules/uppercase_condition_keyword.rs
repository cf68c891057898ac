use crate::declare_rule;
use crate::diagnostic::{Fix, TextEdit};
use crate::lint::RuleMeta;
use crate::sigma::condition::{lex, Tok};
use crate::sigma::lint::{detections, verbatim, LintContext, SigmaLintRule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags condition operators written in capitals (`AND`, `Not`, `1 OF them`).
    ///
    /// ## Why it matters
    /// The specification writes them in lower case; pySigma and rulelab accept any case,
    /// but other converters and SigmaHQ's checks do not.
    ///
    /// ## Example
    /// `condition: selection AND NOT filter`
    ///
    /// ## Fix
    /// Safe: writes them in lower case.
    pub UppercaseConditionKeyword {
        code: "SIG376",
        slug: "uppercase-condition-keyword",
        language: Sigma,
        severity: Warning,
        category: Style,
        fix: Safe,
        summary: "a condition operator not in lower case",
    }
}

impl SigmaLintRule for UppercaseConditionKeyword {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            for detection in detections(rule) {
                for condition in &detection.conditions {
                    let words: Vec<(usize, usize)> = lex(&condition.text)
                        .into_iter()
                        .filter(|(_, tok, _)| {
                            matches!(
                                tok,
                                Tok::And
                                    | Tok::Or
                                    | Tok::Not
                                    | Tok::Of
                                    | Tok::Them
                                    | Tok::All
                                    | Tok::Any
                            )
                        })
                        .map(|(start, _, end)| (start, end))
                        .filter(|(start, end)| {
                            condition
                                .text
                                .get(*start..*end)
                                .is_some_and(|w| w.chars().any(char::is_uppercase))
                        })
                        .collect();
                    if words.is_empty() {
                        continue;
                    }
                    let listed: Vec<&str> = words
                        .iter()
                        .filter_map(|(s, e)| condition.text.get(*s..*e))
                        .collect();
                    let mut diagnostic = Self::META.diagnostic(
                        format!("operators in capitals: {}", listed.join(", ")),
                        condition.span,
                    );
                    if let Some(written) = verbatim(cx.text, condition.span, &condition.text) {
                        let base = written.start as usize;
                        let edits = words
                            .iter()
                            .filter_map(|(s, e)| {
                                Some(TextEdit {
                                    span: Span::new(base + s, base + e),
                                    text: condition.text.get(*s..*e)?.to_lowercase(),
                                })
                            })
                            .collect();
                        diagnostic = diagnostic.with_fix(Fix {
                            title: "Write the operators in lower case".to_string(),
                            edits,
                            is_safe: true,
                        });
                    }
                    cx.report(diagnostic);
                }
            }
        }
    }
}
