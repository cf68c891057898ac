//! String matching compiled once per rule: a set of Sigma patterns OR-ed together, sorted by
//! shape so that most values never reach a regular expression. Exact values go to a set,
//! `x*` and `*x` to prefix and suffix checks, `*x*` to `memchr`'s substring search (or one
//! Aho-Corasick automaton when there are many), other `*`-only globs to a linear glob
//! matcher, and patterns with `?` or `windash` classes to one size-limited regex.
//!
//! Case folding happens once: needles are lower-cased here, event values once per event
//! (`event.rs`); case-sensitive (`cased`) matchers compare the raw text.

use std::collections::HashSet;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use memchr::memmem::Finder;
use regex::Regex;

use crate::sigma::modifiers::{re, windash};
use crate::sigma::pattern::{Part, Pattern, DASHES};

/// `windash` classes up to this many per value are expanded into literal variants.
const WINDASH_EXPANSION_LIMIT: usize = 2;
/// From this many substrings on, one Aho-Corasick automaton replaces separate searches.
const AHO_CORASICK_FROM: usize = 5;
const EXACT_SET_FROM: usize = 9;

#[derive(Debug)]
enum Contains {
    None,
    Finders(Vec<Finder<'static>>),
    Automaton(AhoCorasick),
}

/// A glob with `*` only: anchored pieces at the ends, floating pieces between.
#[derive(Clone, Debug)]
struct Glob {
    first: Option<Box<str>>,
    middle: Vec<Box<str>>,
    last: Option<Box<str>>,
}

impl Glob {
    fn is_match(&self, text: &str) -> bool {
        let mut rest = text;
        if let Some(first) = &self.first {
            match rest.strip_prefix(&**first) {
                Some(r) => rest = r,
                None => return false,
            }
        }
        let mut end = rest.len();
        if let Some(last) = &self.last {
            if !rest.ends_with(&**last) {
                return false;
            }
            end = rest.len() - last.len();
        }
        let Some(mut window) = rest.get(..end) else {
            return false;
        };
        for piece in &self.middle {
            match memchr::memmem::find(window.as_bytes(), piece.as_bytes()) {
                Some(at) => window = window.get(at + piece.len()..).unwrap_or(""),
                None => return false,
            }
        }
        true
    }
}

/// Sigma patterns OR-ed, compiled for fast matching.
#[derive(Debug)]
pub struct TextMatcher {
    pub cased: bool,
    /// `*` alone: any value.
    any: bool,
    exact: Vec<Box<str>>,
    exact_set: HashSet<Box<str>>,
    prefixes: Vec<Box<str>>,
    suffixes: Vec<Box<str>>,
    contains: Contains,
    globs: Vec<Glob>,
    regex: Option<Regex>,
}

/// Why a matcher could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError(pub String);

impl TextMatcher {
    /// Compiles patterns (case-insensitive unless `cased`).
    pub fn new(patterns: &[Pattern], cased: bool) -> Result<TextMatcher, BuildError> {
        let mut matcher = TextMatcher {
            cased,
            any: false,
            exact: Vec::new(),
            exact_set: HashSet::new(),
            prefixes: Vec::new(),
            suffixes: Vec::new(),
            contains: Contains::None,
            globs: Vec::new(),
            regex: None,
        };
        let mut substrings: Vec<String> = Vec::new();
        let mut regex_parts: Vec<String> = Vec::new();
        let mut expanded = Vec::new();
        for pattern in patterns {
            let pattern = if cased {
                pattern.clone()
            } else {
                pattern.lowercase()
            };
            match windash::variants(&pattern, WINDASH_EXPANSION_LIMIT) {
                Some(variants) => expanded.extend(variants),
                None => regex_parts.push(to_regex(&pattern)),
            }
        }
        for pattern in expanded {
            matcher.add(pattern, &mut substrings, &mut regex_parts);
        }
        if matcher.exact.len() >= EXACT_SET_FROM {
            matcher.exact_set = matcher.exact.drain(..).collect();
        }
        substrings.sort();
        substrings.dedup();
        matcher.contains = if substrings.is_empty() {
            Contains::None
        } else if substrings.len() < AHO_CORASICK_FROM {
            Contains::Finders(
                substrings
                    .iter()
                    .map(|s| Finder::new(s.as_bytes()).into_owned())
                    .collect(),
            )
        } else {
            let automaton = AhoCorasickBuilder::new()
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .match_kind(MatchKind::Standard)
                .build(&substrings)
                .map_err(|e| BuildError(format!("too many substrings to search: {e}")))?;
            Contains::Automaton(automaton)
        };
        if !regex_parts.is_empty() {
            let source = format!("(?s)^(?:{})$", regex_parts.join("|"));
            matcher.regex =
                Some(re::build(&source, re::Flags::default(), false).map_err(BuildError)?);
        }
        Ok(matcher)
    }

    fn add(
        &mut self,
        pattern: Pattern,
        substrings: &mut Vec<String>,
        regex_parts: &mut Vec<String>,
    ) {
        let parts = &pattern.parts;
        if parts
            .iter()
            .any(|p| matches!(p, Part::Question | Part::Dash))
        {
            regex_parts.push(to_regex(&pattern));
            return;
        }
        let literal = |p: &Part| match p {
            Part::Literal(s) => Some(s.clone()),
            _ => None,
        };
        match parts.as_slice() {
            [] => self.exact.push("".into()),
            [Part::Star] => self.any = true,
            [Part::Literal(s)] => self.exact.push(s.as_str().into()),
            [Part::Literal(s), Part::Star] => self.prefixes.push(s.as_str().into()),
            [Part::Star, Part::Literal(s)] => self.suffixes.push(s.as_str().into()),
            [Part::Star, Part::Literal(s), Part::Star] => substrings.push(s.clone()),
            _ => {
                let first = parts.first().and_then(literal).map(String::into_boxed_str);
                let last = if parts.len() > 1 {
                    parts.last().and_then(literal).map(String::into_boxed_str)
                } else {
                    None
                };
                let inner_start = usize::from(first.is_some());
                let inner_end = parts.len() - usize::from(last.is_some());
                let middle = parts
                    .get(inner_start..inner_end)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(literal)
                    .map(String::into_boxed_str)
                    .collect();
                self.globs.push(Glob {
                    first,
                    middle,
                    last,
                });
            }
        }
    }

    /// Whether the text (already lower-cased when the matcher is case-insensitive) matches
    /// any of the patterns.
    pub fn is_match(&self, text: &str) -> bool {
        if self.any {
            return true;
        }
        if self.exact.iter().any(|e| **e == *text)
            || (!self.exact_set.is_empty() && self.exact_set.contains(text))
        {
            return true;
        }
        if self.prefixes.iter().any(|p| text.starts_with(&**p))
            || self.suffixes.iter().any(|s| text.ends_with(&**s))
        {
            return true;
        }
        let found = match &self.contains {
            Contains::None => false,
            Contains::Finders(finders) => finders.iter().any(|f| f.find(text.as_bytes()).is_some()),
            Contains::Automaton(automaton) => automaton.is_match(text),
        };
        if found {
            return true;
        }
        if self.globs.iter().any(|g| g.is_match(text)) {
            return true;
        }
        self.regex.as_ref().is_some_and(|r| r.is_match(text))
    }
}

/// A pattern as an anchored-free regex fragment (the caller anchors the alternation).
fn to_regex(pattern: &Pattern) -> String {
    let mut out = String::new();
    for part in &pattern.parts {
        match part {
            Part::Literal(s) => out.push_str(&regex::escape(s)),
            Part::Star => out.push_str(".*"),
            Part::Question => out.push('.'),
            Part::Dash => {
                out.push('[');
                for d in DASHES {
                    if d == '-' {
                        out.push_str("\\-");
                    } else {
                        out.push(d);
                    }
                }
                out.push(']');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(patterns: &[&str], cased: bool) -> TextMatcher {
        let patterns: Vec<Pattern> = patterns.iter().map(|p| Pattern::parse(p)).collect();
        TextMatcher::new(&patterns, cased).unwrap()
    }

    fn m(patterns: &[&str], text: &str) -> bool {
        matcher(patterns, false).is_match(&text.to_lowercase())
    }

    #[test]
    fn shapes() {
        assert!(m(&["cmd.exe"], "CMD.EXE"));
        assert!(!m(&["cmd.exe"], "xcmd.exe"));
        assert!(m(&["*\\cmd.exe"], "C:\\Windows\\cmd.exe"));
        assert!(m(&["C:\\\\*"], "c:\\x"));
        assert!(m(&["C:\\*"], "c:*"));
        assert!(m(&["*mimikatz*"], "run Mimikatz now"));
        assert!(m(&["a*b*c"], "aXXbYYc"));
        assert!(!m(&["a*b*c"], "aXXcYYb"));
        assert!(m(&["a*b*c"], "abc"));
        assert!(!m(&["ab*bc"], "abc"));
        assert!(m(&["prog?.exe"], "progA.exe"));
        assert!(!m(&["prog?.exe"], "prog.exe"));
        assert!(m(&["*"], "anything"));
        assert!(m(&[""], ""));
        assert!(!m(&[""], "x"));
        assert!(m(&["*tasklist*|*find*"], "tasklist /v | find x"));
    }

    #[test]
    fn many_substrings_use_one_automaton() {
        let needles: Vec<String> = (0..20).map(|i| format!("*needle{i}*")).collect();
        let refs: Vec<&str> = needles.iter().map(String::as_str).collect();
        let built = matcher(&refs, false);
        assert!(matches!(built.contains, Contains::Automaton(_)));
        assert!(built.is_match("xx needle17 yy"));
        assert!(!built.is_match("needle"));
        let exact: Vec<String> = (0..20).map(|i| format!("v{i}")).collect();
        let refs: Vec<&str> = exact.iter().map(String::as_str).collect();
        assert!(m(&refs, "V13"));
        assert!(!m(&refs, "v21"));
    }

    #[test]
    fn cased_and_escapes() {
        let cased = matcher(&["*Mimikatz*"], true);
        assert!(cased.is_match("run Mimikatz"));
        assert!(!cased.is_match("run mimikatz"));
        assert!(m(&["a\\*b"], "a*b"));
        assert!(!m(&["a\\*b"], "axb"));
        assert!(m(
            &["*\\\\\\\\server\\\\share*"],
            "net use \\\\server\\share"
        ));
    }

    #[test]
    fn windash_classes() {
        let p = windash::apply(Pattern::parse(" -enc ").contains());
        let built = TextMatcher::new(&[p], false).unwrap();
        for flag in [
            " -enc ",
            " /enc ",
            " \u{2013}enc ",
            " \u{2014}enc ",
            " \u{2015}enc ",
        ] {
            assert!(built.is_match(&format!("powershell{flag}abc")), "{flag}");
        }
        assert!(!built.is_match("powershell enc abc"));
        let many = windash::apply(Pattern::parse("-a -b -c").contains());
        let built = TextMatcher::new(&[many], false).unwrap();
        assert!(built.is_match("x /a -b \u{2015}c y"));
        assert!(!built.is_match("x a b c"));
    }
}
