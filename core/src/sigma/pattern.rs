//! Sigma string values as patterns: `*` (any run of characters) and `?` (one character)
//! wildcards, and the backslash escapes of the specification ("Escape Character"):
//!
//! - `\*` and `\?` are a literal `*` and `?`;
//! - `\\` is one backslash (so `\\*` is a backslash followed by a wildcard, and `\\\*` a
//!   backslash followed by a literal `*`);
//! - a backslash before any other character is itself (`C:\Windows` needs no escaping).

use serde::Serialize;

/// One piece of a pattern.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Literal(String),
    /// `*`: any run of characters, possibly empty.
    Star,
    /// `?`: exactly one character.
    Question,
    /// One of `-`, `/`, `–`, `—`, `―` (from the `windash` modifier).
    Dash,
}

/// The characters `windash` makes interchangeable.
pub const DASHES: [char; 5] = ['-', '/', '\u{2013}', '\u{2014}', '\u{2015}'];

/// A parsed Sigma string: literals and wildcards, adjacent literals merged.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Pattern {
    pub parts: Vec<Part>,
}

impl Pattern {
    /// Parses a Sigma string value with its escapes.
    pub fn parse(text: &str) -> Pattern {
        let mut pattern = Pattern::default();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.peek() {
                    Some(&next @ ('*' | '?' | '\\')) => {
                        chars.next();
                        pattern.push_char(next);
                    }
                    _ => pattern.push_char('\\'),
                },
                '*' => pattern.push(Part::Star),
                '?' => pattern.push(Part::Question),
                c => pattern.push_char(c),
            }
        }
        pattern
    }

    /// A pattern that is exactly this text, no wildcards.
    pub fn literal(text: &str) -> Pattern {
        let mut pattern = Pattern::default();
        if !text.is_empty() {
            pattern.parts.push(Part::Literal(text.to_string()));
        }
        pattern
    }

    pub fn push(&mut self, part: Part) {
        match (self.parts.last_mut(), part) {
            (Some(Part::Literal(last)), Part::Literal(more)) => last.push_str(&more),
            // `**` is the same as `*`.
            (Some(Part::Star), Part::Star) => {}
            (_, part) => {
                if !matches!(&part, Part::Literal(s) if s.is_empty()) {
                    self.parts.push(part);
                }
            }
        }
    }

    fn push_char(&mut self, c: char) {
        match self.parts.last_mut() {
            Some(Part::Literal(last)) => last.push(c),
            _ => self.parts.push(Part::Literal(c.to_string())),
        }
    }

    pub fn has_wildcards(&self) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p, Part::Star | Part::Question))
    }

    /// `*` before and after (the `contains` modifier).
    pub fn contains(mut self) -> Pattern {
        if self.parts.first() != Some(&Part::Star) {
            self.parts.insert(0, Part::Star);
        }
        self.push(Part::Star);
        self
    }

    /// `*` after (the `startswith` modifier).
    pub fn startswith(mut self) -> Pattern {
        self.push(Part::Star);
        self
    }

    /// `*` before (the `endswith` modifier).
    pub fn endswith(mut self) -> Pattern {
        if self.parts.first() != Some(&Part::Star) {
            self.parts.insert(0, Part::Star);
        }
        self
    }

    /// The literal text when the pattern has no wildcards (or dash classes).
    pub fn as_literal(&self) -> Option<String> {
        let mut text = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(s) => text.push_str(s),
                _ => return None,
            }
        }
        Some(text)
    }

    /// Lower-cases the literal parts (for case-insensitive matching).
    pub fn lowercase(&self) -> Pattern {
        Pattern {
            parts: self
                .parts
                .iter()
                .map(|p| match p {
                    Part::Literal(s) => Part::Literal(s.to_lowercase()),
                    other => other.clone(),
                })
                .collect(),
        }
    }

    /// Writes the pattern back as a Sigma string (escaping what needs it).
    pub fn to_sigma(&self) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(s) => {
                    let mut chars = s.chars().peekable();
                    while let Some(c) = chars.next() {
                        match c {
                            '*' | '?' => {
                                out.push('\\');
                                out.push(c);
                            }
                            '\\' if matches!(chars.peek(), Some('*' | '?' | '\\') | None) => {
                                out.push_str("\\\\")
                            }
                            c => out.push(c),
                        }
                    }
                }
                Part::Star => out.push('*'),
                Part::Question => out.push('?'),
                Part::Dash => out.push('-'),
            }
        }
        out
    }
}

/// Glob matching with `*` only, case-sensitive: search identifiers against `x*` patterns.
pub fn simple_glob(pattern: &str, text: &str) -> bool {
    let pieces: Vec<&str> = pattern.split('*').collect();
    match pieces.as_slice() {
        [] => text.is_empty(),
        [only] => *only == text,
        [first, middle @ .., last] => {
            if !text.starts_with(first) || text.len() < first.len() + last.len() {
                return false;
            }
            let Some(mut rest) = text.get(first.len()..text.len() - last.len()) else {
                return false;
            };
            if !text.ends_with(last) {
                return false;
            }
            for piece in middle {
                match rest.find(piece) {
                    Some(at) => rest = rest.get(at + piece.len()..).unwrap_or(""),
                    None => return false,
                }
            }
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Part {
        Part::Literal(s.to_string())
    }

    #[test]
    fn escapes_follow_the_specification() {
        assert_eq!(Pattern::parse(r"C:\Windows\*").parts, [lit(r"C:\Windows*")]);
        assert_eq!(Pattern::parse(r"a\\*").parts, [lit(r"a\"), Part::Star]);
        assert_eq!(Pattern::parse(r"a\\\*").parts, [lit(r"a\*")]);
        assert_eq!(Pattern::parse(r"\\\\server").parts, [lit(r"\\server")]);
        assert_eq!(Pattern::parse(r"\\\x").parts, [lit(r"\\x")]);
        assert_eq!(Pattern::parse(r"\?").parts, [lit("?")]);
        assert_eq!(Pattern::parse(r"end\").parts, [lit(r"end\")]);
        assert_eq!(
            Pattern::parse("/Namespace:\\\\\\\\root\\\\Microsoft")
                .as_literal()
                .unwrap(),
            r"/Namespace:\\root\Microsoft"
        );
        assert_eq!(
            Pattern::parse("a*b?c").parts,
            [lit("a"), Part::Star, lit("b"), Part::Question, lit("c")]
        );
    }

    #[test]
    fn modifiers_add_stars_once() {
        let p = Pattern::parse("*x*").contains();
        assert_eq!(p.parts, [Part::Star, lit("x"), Part::Star]);
        assert_eq!(Pattern::parse("x").endswith().parts, [Part::Star, lit("x")]);
        assert_eq!(Pattern::parse("").contains().parts, [Part::Star]);
    }

    #[test]
    fn round_trip_to_sigma() {
        for text in [r"a\*b", r"C:\Windows\", r"\\\\srv", "a*b?", r"a\\*"] {
            let p = Pattern::parse(text);
            assert_eq!(Pattern::parse(&p.to_sigma()), p, "{text}");
        }
    }

    #[test]
    fn identifier_globs() {
        assert!(simple_glob("selection*", "selection_1"));
        assert!(simple_glob("sel*_a", "sel_x_a"));
        assert!(!simple_glob("sel*_a", "sel_x_b"));
        assert!(simple_glob("*", "anything"));
        assert!(!simple_glob("filter", "filter_1"));
        assert!(simple_glob("a*a", "aa"));
        assert!(!simple_glob("a*a", "a"));
    }
}
