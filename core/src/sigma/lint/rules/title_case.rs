use crate::declare_rule;
use crate::diagnostic::{Fix, TextEdit};
use crate::lint::RuleMeta;
use crate::sigma::lint::{verbatim, LintContext, SigmaLintRule};
use crate::source::Span;

/// Words SigmaHQ lets stay in lower case inside a title.
const LOWERCASE_WORDS: &[&str] = &[
    "the", "for", "in", "with", "via", "on", "to", "without", "of", "through", "from", "by", "as",
    "a", "or", "at", "and", "an", "over", "new",
];

declare_rule! {
    /// ## What it does
    /// Flags title words in lower case, SigmaHQ's title-case convention: every word starts
    /// with a capital letter except short function words (`the`, `for`, `via`, `of`, ...)
    /// and technical tokens (words with `.`, `/` or `_`, and words starting with a digit).
    ///
    /// ## Why it matters
    /// Consistent titles read as names in alert lists and make duplicates easy to spot.
    ///
    /// ## Example
    /// `title: Suspicious child process of outlook`
    /// Use instead: `Suspicious Child Process of Outlook`.
    ///
    /// ## Fix
    /// Safe: capitalizes the first letter of each flagged word.
    pub TitleCase {
        code: "SIG305",
        slug: "title-case",
        language: Sigma,
        severity: Hint,
        category: Style,
        fix: Safe,
        summary: "a title word is not capitalized",
    }
}

/// Whether SigmaHQ wants this title word capitalized. Punctuation around the word
/// (`(via`, `"cmd"`) is not part of it.
pub fn needs_capital(word: &str) -> bool {
    let core = word.trim_matches(|c: char| !c.is_alphanumeric());
    let has_lower = core.chars().any(char::is_lowercase);
    let has_upper = core.chars().any(char::is_uppercase);
    has_lower
        && !has_upper
        && !LOWERCASE_WORDS.contains(&core.to_lowercase().as_str())
        && !word.contains(['.', '/', '_'])
        && !core.starts_with(|c: char| c.is_ascii_digit())
}

impl SigmaLintRule for TitleCase {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            let Some(title) = &rule.title else { continue };
            let words: Vec<&str> = title
                .value
                .split(' ')
                .filter(|w| needs_capital(w))
                .collect();
            if words.is_empty() {
                continue;
            }
            let mut diagnostic = Self::META
                .diagnostic(
                    format!("title words in lower case: {}", words.join(", ")),
                    title.span,
                )
                .with_help("SigmaHQ titles capitalize every word except short function words");
            if let Some(written) = verbatim(cx.text, title.span, &title.value) {
                let mut edits = Vec::new();
                let mut offset = 0;
                for word in title.value.split(' ') {
                    if needs_capital(word) {
                        if let Some((at, first)) =
                            word.char_indices().find(|(_, c)| c.is_alphanumeric())
                        {
                            let start = written.start as usize + offset + at;
                            edits.push(TextEdit {
                                span: Span::new(start, start + first.len_utf8()),
                                text: first.to_uppercase().collect(),
                            });
                        }
                    }
                    offset += word.len() + 1;
                }
                diagnostic = diagnostic.with_fix(Fix {
                    title: "Capitalize the title words".to_string(),
                    edits,
                    is_safe: true,
                });
            }
            cx.report(diagnostic);
        }
    }
}
