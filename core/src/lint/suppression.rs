//! Suppression comments: `// rulelab-disable-next-line KQL301 prefer-has`,
//! `// rulelab-disable-file KQL301`, and the YAML form `# rulelab-disable-...` for Sigma.
//! Without codes, a comment suppresses every rule.

use crate::diagnostic::Diagnostic;
use crate::source::LineIndex;

#[derive(Clone, Debug, Default)]
pub struct Suppressions {
    /// (0-based line, codes; empty means all).
    next_line: Vec<(usize, Vec<String>)>,
    file: Vec<Vec<String>>,
}

impl Suppressions {
    /// Reads every suppression comment of a text (`//` for KQL, `#` for YAML).
    pub fn parse(text: &str) -> Suppressions {
        let mut out = Suppressions::default();
        for (line, content) in text.lines().enumerate() {
            let Some(position) = content.find("rulelab-disable") else {
                continue;
            };
            let before = content.get(..position).unwrap_or("").trim_end();
            if !(before.ends_with("//") || before.ends_with('#')) {
                continue;
            }
            let directive = content.get(position..).unwrap_or("");
            let mut words = directive.split_whitespace();
            let kind = words.next().unwrap_or("");
            let codes: Vec<String> = words
                .map(|w| w.trim_matches(',').to_string())
                .filter(|w| !w.is_empty())
                .collect();
            match kind {
                "rulelab-disable-next-line" => out.next_line.push((line + 1, codes)),
                "rulelab-disable-line" => out.next_line.push((line, codes)),
                "rulelab-disable-file" => out.file.push(codes),
                _ => {}
            }
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.next_line.is_empty() && self.file.is_empty()
    }

    fn matches(codes: &[String], diagnostic: &Diagnostic) -> bool {
        codes.is_empty()
            || codes.iter().any(|c| {
                c.eq_ignore_ascii_case(&diagnostic.code) || c.eq_ignore_ascii_case(&diagnostic.id)
            })
    }

    /// Whether a diagnostic (with a span into `text`) is suppressed.
    pub fn is_suppressed(&self, diagnostic: &Diagnostic, index: &LineIndex) -> bool {
        if self
            .file
            .iter()
            .any(|codes| Self::matches(codes, diagnostic))
        {
            return true;
        }
        let line = index.line_of(diagnostic.span.start as usize);
        self.next_line
            .iter()
            .any(|(l, codes)| *l == line && Self::matches(codes, diagnostic))
    }

    /// Drops suppressed diagnostics; syntax errors are never suppressed.
    pub fn apply(&self, text: &str, diagnostics: &mut Vec<Diagnostic>) {
        if self.is_empty() {
            return;
        }
        let index = LineIndex::new(text);
        diagnostics.retain(|d| {
            let is_syntax = d.code.ends_with(char::is_numeric)
                && d.code
                    .get(d.code.len().saturating_sub(3)..)
                    .is_some_and(|n| n.starts_with('1'));
            is_syntax || !self.is_suppressed(d, &index)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn diag(code: &str, id: &str, at: usize) -> Diagnostic {
        Diagnostic::warning(code, id, "m", Span::new(at, at + 1))
    }

    #[test]
    fn next_line_and_file_suppressions() {
        let text = "// rulelab-disable-next-line KQL301\nT | where a contains 'x'\nT | where b contains 'y'\n";
        let s = Suppressions::parse(text);
        let second_line = text.find("T | where a").unwrap_or(0);
        let third_line = text.find("T | where b").unwrap_or(0);
        let mut d = vec![
            diag("KQL301", "prefer-has", second_line),
            diag("KQL301", "prefer-has", third_line),
        ];
        s.apply(text, &mut d);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].span.start as usize, third_line);

        let text = "# rulelab-disable-file prefer-has\n";
        let mut d = vec![diag("KQL301", "prefer-has", 0), diag("KQL302", "other", 0)];
        Suppressions::parse(text).apply(text, &mut d);
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn syntax_errors_stay() {
        let text = "// rulelab-disable-file\nT |";
        let mut d = vec![diag("KQL101", "syntax-error", 30)];
        Suppressions::parse(text).apply(text, &mut d);
        assert_eq!(d.len(), 1);
    }
}
