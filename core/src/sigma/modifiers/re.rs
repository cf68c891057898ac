//! `re` with its sub-modifiers `i`, `m`, `s`: the value is a regular expression, matched
//! anywhere in the field, case-sensitively unless `i` (specification: "Regex is matched
//! case-sensitive by default").
//!
//! The specification's flavour is a PCRE subset (`.`, anchors, quantifiers, classes,
//! alternation, groups), all of which the `regex` crate supports in linear time. PCRE
//! features outside that subset (look-around, backreferences) are rejected with a
//! diagnostic rather than run with backtracking.

use regex::{Regex, RegexBuilder};
use serde::Serialize;

/// Compiled programs larger than this are rejected (the `regex` default is 10 MiB).
pub const SIZE_LIMIT: usize = 2 * 1024 * 1024;
/// The lazy DFA's cache per regex.
pub const DFA_SIZE_LIMIT: usize = 2 * 1024 * 1024;
/// Patterns nesting deeper than this are rejected.
pub const NEST_LIMIT: u32 = 100;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Flags {
    pub ignore_case: bool,
    pub multi_line: bool,
    pub dot_all: bool,
}

/// Compiles a `re` value with the size limits. The shorthand classes `\\w`, `\\d`, `\\s`
/// and `\\b` are ASCII, as in PCRE without Unicode properties (the specification's
/// flavour); Unicode ones would also make `\\w{1,64}` hundreds of times larger.
pub fn compile(pattern: &str, flags: Flags) -> Result<Regex, String> {
    build(&ascii_classes(pattern), flags, false).map_err(|message| {
        // Report problems in the pattern as written.
        message.replace("(?-u:", "(")
    })
}

/// Rewrites `\\w`, `\\d`, `\\s`, `\\b`, `\\B` to their ASCII forms (inside a class, the
/// positive ones become ranges).
pub fn ascii_classes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    // Position inside a class: a `]` right after `[` or `[^` is a literal.
    let mut class_start = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(next) = chars.next() else {
                    out.push('\\');
                    break;
                };
                match (in_class, next) {
                    (false, 'w' | 'd' | 's' | 'b' | 'B') => {
                        out.push_str("(?-u:\\");
                        out.push(next);
                        out.push(')');
                    }
                    (true, 'w') => out.push_str("0-9A-Za-z_"),
                    (true, 'd') => out.push_str("0-9"),
                    (true, 's') => out.push_str("\\t\\n\\x0B\\x0C\\r "),
                    _ => {
                        out.push('\\');
                        out.push(next);
                    }
                }
                class_start = false;
            }
            '[' if !in_class => {
                in_class = true;
                class_start = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    chars.next();
                    out.push('^');
                }
                continue;
            }
            '[' if in_class && chars.peek() != Some(&':') => {
                // PCRE reads `[` inside a class as itself.
                out.push_str("\\[");
                class_start = false;
            }
            ']' if in_class && !class_start => {
                in_class = false;
                out.push(']');
            }
            c => {
                out.push(c);
                class_start = false;
            }
        }
        if c != '[' {
            class_start = false;
        }
    }
    out
}

/// Compiles with explicit case-insensitivity (used for wildcard patterns).
pub fn build(pattern: &str, flags: Flags, force_ignore_case: bool) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .case_insensitive(flags.ignore_case || force_ignore_case)
        .multi_line(flags.multi_line)
        .dot_matches_new_line(flags.dot_all)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(DFA_SIZE_LIMIT)
        .nest_limit(NEST_LIMIT)
        .build()
        .map_err(|error| explain(pattern, &error))
}

/// A readable reason, naming the PCRE features the linear-time engine does not have.
fn explain(pattern: &str, error: &regex::Error) -> String {
    if let regex::Error::CompiledTooBig(limit) = error {
        return format!(
            "the regular expression compiles to more than {} KiB; simplify it (bounded \
             repetitions like `{{1,1000}}` multiply its size)",
            limit / 1024
        );
    }
    let unsupported = [
        ("(?=", "look-ahead `(?=...)`"),
        ("(?!", "negative look-ahead `(?!...)`"),
        ("(?<=", "look-behind `(?<=...)`"),
        ("(?<!", "negative look-behind `(?<!...)`"),
        ("(?>", "atomic groups `(?>...)`"),
        ("*+", "possessive quantifiers"),
        ("++", "possessive quantifiers"),
    ];
    if let Some((_, what)) = unsupported
        .iter()
        .find(|(needle, _)| pattern.contains(needle))
    {
        return format!(
            "{what} is outside the specification's regular expression subset and has no \
             linear-time implementation; rewrite the pattern or split it into selections"
        );
    }
    if pattern.contains("\\1") || pattern.contains("\\2") {
        return "backreferences (`\\1`) are outside the specification's regular expression \
                subset; rewrite the pattern"
            .to_string();
    }
    let detail = error.to_string();
    let last = detail.lines().last().unwrap_or("").trim();
    format!(
        "invalid regular expression: {}",
        last.trim_start_matches("error: ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_and_default_case_sensitivity() {
        let re = compile("^ab.c$", Flags::default()).unwrap();
        assert!(re.is_match("abxc"));
        assert!(!re.is_match("ABXC"));
        let i = compile(
            "ab",
            Flags {
                ignore_case: true,
                ..Flags::default()
            },
        )
        .unwrap();
        assert!(i.is_match("xABy"));
        let s = compile(
            "a.b",
            Flags {
                dot_all: true,
                ..Flags::default()
            },
        )
        .unwrap();
        assert!(s.is_match("a\nb"));
        let m = compile(
            "^b$",
            Flags {
                multi_line: true,
                ..Flags::default()
            },
        )
        .unwrap();
        assert!(m.is_match("a\nb\nc"));
        // Inline flags and escaped punctuation as SigmaHQ rules write them.
        assert!(compile(r#"(?i)\s(-u|--user)\s*:\/\"\'"#, Flags::default()).is_ok());
    }

    #[test]
    fn shorthand_classes_are_ascii() {
        assert_eq!(ascii_classes(r"\w+\d"), r"(?-u:\w)+(?-u:\d)");
        assert_eq!(ascii_classes(r"[\w.-]"), r"[0-9A-Za-z_.-]");
        assert_eq!(ascii_classes(r"\\w"), r"\\w");
        assert_eq!(ascii_classes(r"[]a]"), r"[]a]");
        assert_eq!(ascii_classes(r"[^\s]"), "[^\\t\\n\\x0B\\x0C\\r ]");
        let re = compile(r"-k\s\w{1,64}(?:\s?(?:-p|-s))?", Flags::default()).unwrap();
        assert!(re.is_match("svchost.exe -k netsvcs -p"));
        assert!(!compile(r"^\w$", Flags::default()).unwrap().is_match("é"));
    }

    #[test]
    fn unsupported_features_are_explained() {
        let err = compile("foo(?=bar)", Flags::default()).unwrap_err();
        assert!(err.contains("look-ahead"), "{err}");
        let err = compile("(a)\\1", Flags::default()).unwrap_err();
        assert!(err.contains("backreference"), "{err}");
        let err = compile("a{1000}{1000}", Flags::default()).unwrap_err();
        assert!(err.contains("KiB") || err.contains("invalid"), "{err}");
    }
}
