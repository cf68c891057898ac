//! `parse-kv Expr as (key:type, ...) with (...)`: extracts the listed keys from key/value
//! text, in one of three modes (per the Kusto docs):
//!
//! - specified delimiters (`pair_delimiter`, `kv_delimiter`, optional `quote`, `escape`,
//!   `greedy`): pairs split on the pair delimiter, keys from values on the kv delimiter;
//! - no delimiters: any non-alphanumeric run separates a key from its value;
//! - `regex`: every match's two groups are a key and its value.
//!
//! The first appearance of a key wins; values are trimmed and converted to the key's type.

use std::collections::HashMap;

use crate::kql::ast::*;
use crate::kql::eval::scalar::{as_text, convert};
use crate::kql::eval::{functions, Column, EvalError, Evaluator, Result, Table};
use crate::value::{ScalarType, Value};

/// How text splits into keys and values.
struct Syntax {
    pair_delimiter: Option<String>,
    kv_delimiter: Option<String>,
    /// (opening, closing) quote characters.
    quotes: Vec<(char, char)>,
    escapes: Vec<char>,
    is_greedy: bool,
    regex: Option<regex::Regex>,
}

impl Evaluator<'_> {
    pub(super) fn parse_kv(
        &mut self,
        source: &Expr,
        keys: &[ColumnDecl],
        with: &[Param],
        input: Table,
    ) -> Result<Table> {
        let mut syntax = Syntax {
            pair_delimiter: None,
            kv_delimiter: None,
            quotes: Vec::new(),
            escapes: Vec::new(),
            is_greedy: false,
            regex: None,
        };
        for param in with {
            let value = self.constant(&param.value)?;
            let text = as_text(&value).unwrap_or_default();
            match param.name.name.to_ascii_lowercase().as_str() {
                "pair_delimiter" => syntax.pair_delimiter = Some(text),
                "kv_delimiter" => syntax.kv_delimiter = Some(text),
                "quote" => {
                    let mut chars = text.chars();
                    match (chars.next(), chars.next()) {
                        (Some(open), Some(close)) => syntax.quotes.push((open, close)),
                        (Some(both), None) => syntax.quotes.push((both, both)),
                        _ => {
                            return Err(EvalError::new(
                                "parse-kv: quote needs one or two characters",
                            ))
                        }
                    }
                }
                "escape" => syntax.escapes.extend(text.chars().next()),
                "greedy" => syntax.is_greedy = matches!(value, Value::Bool(true)),
                "regex" => syntax.regex = Some(functions::regex(&text)?),
                other => {
                    return Err(EvalError::unsupported(format!(
                        "parse-kv parameter `{other}`"
                    )))
                }
            }
        }
        let names: Vec<&str> = keys.iter().map(|k| k.name.name.as_str()).collect();
        let mut out = Table::new(input.columns.clone());
        let mut targets = Vec::new();
        for key in keys {
            let ty = ScalarType::parse(&key.ty.name);
            let index = match out.column_index(&key.name.name) {
                Some(i) => {
                    if let Some(column) = out.columns.get_mut(i) {
                        column.ty = ty;
                    }
                    i
                }
                None => {
                    out.columns.push(Column {
                        name: key.name.name.clone(),
                        ty,
                    });
                    out.columns.len() - 1
                }
            };
            targets.push((index, ty));
        }
        for row in &input.rows {
            let text = as_text(&self.scalar(source, &input, row)?).unwrap_or_default();
            let found = extract(&text, &names, &syntax);
            let mut values = row.clone();
            values.resize(out.columns.len(), Value::Null);
            for (name, &(index, ty)) in names.iter().zip(&targets) {
                let value = match found.get(*name) {
                    Some(text) => {
                        let text = Value::string(text.trim());
                        match ty {
                            Some(ty) => convert(text, ty),
                            None => text,
                        }
                    }
                    None if ty == Some(ScalarType::String) => Value::string(""),
                    None => Value::Null,
                };
                if let Some(slot) = values.get_mut(index) {
                    *slot = value;
                }
            }
            out.rows.push(values);
        }
        Ok(out)
    }
}

/// The first value of each wanted key in `text`.
fn extract(text: &str, keys: &[&str], syntax: &Syntax) -> HashMap<String, String> {
    let mut found = HashMap::new();
    if let Some(regex) = &syntax.regex {
        for captures in regex.captures_iter(text) {
            if let (Some(key), Some(value)) = (captures.get(1), captures.get(2)) {
                let key = key.as_str().trim();
                if keys.contains(&key) && !found.contains_key(key) {
                    found.insert(key.to_string(), value.as_str().trim().to_string());
                }
            }
        }
        return found;
    }
    match (&syntax.pair_delimiter, &syntax.kv_delimiter) {
        (Some(pair), Some(kv)) if !pair.is_empty() && !kv.is_empty() => {
            delimited(text, keys, syntax, pair, kv, &mut found)
        }
        _ => undelimited(text, keys, syntax, &mut found),
    }
    found
}

/// Reads a quoted run starting at `chars[start]` (the opening quote); returns the unescaped
/// content and the index after the closing quote.
fn quoted(chars: &[char], start: usize, close: char, escapes: &[char]) -> (String, usize) {
    let mut out = String::new();
    let mut i = start + 1;
    while let Some(&c) = chars.get(i) {
        if escapes.contains(&c) {
            if let Some(&next) = chars.get(i + 1) {
                out.push(next);
                i += 2;
                continue;
            }
        }
        if c == close {
            return (out, i + 1);
        }
        out.push(c);
        i += 1;
    }
    (out, i)
}

fn starts_with_at(chars: &[char], at: usize, needle: &[char]) -> bool {
    chars.get(at..at + needle.len()) == Some(needle)
}

fn delimited(
    text: &str,
    keys: &[&str],
    syntax: &Syntax,
    pair: &str,
    kv: &str,
    found: &mut HashMap<String, String>,
) {
    let chars: Vec<char> = text.chars().collect();
    let pair: Vec<char> = pair.chars().collect();
    let kv: Vec<char> = kv.chars().collect();
    let quote_of = |c: char| {
        syntax
            .quotes
            .iter()
            .find(|(open, _)| *open == c)
            .map(|q| q.1)
    };
    let mut i = 0;
    while i < chars.len() {
        while starts_with_at(&chars, i, &pair) {
            i += pair.len();
        }
        // The key: quoted, or up to the kv delimiter (or the next pair).
        let key = match chars.get(i).and_then(|&c| quote_of(c)) {
            Some(close) => {
                let (key, next) = quoted(&chars, i, close, &syntax.escapes);
                i = next;
                key
            }
            None => {
                let start = i;
                while i < chars.len()
                    && !starts_with_at(&chars, i, &kv)
                    && !starts_with_at(&chars, i, &pair)
                {
                    i += 1;
                }
                chars
                    .get(start..i)
                    .map(|s| s.iter().collect())
                    .unwrap_or_default()
            }
        };
        if !starts_with_at(&chars, i, &kv) {
            // Not a pair: skip to the next pair delimiter.
            while i < chars.len() && !starts_with_at(&chars, i, &pair) {
                i += 1;
            }
            continue;
        }
        i += kv.len();
        let value = match chars.get(i).and_then(|&c| quote_of(c)) {
            Some(close) => {
                let (value, next) = quoted(&chars, i, close, &syntax.escapes);
                i = next;
                while i < chars.len() && !starts_with_at(&chars, i, &pair) {
                    i += 1;
                }
                value
            }
            None => {
                let start = i;
                if syntax.is_greedy {
                    // Up to the next `<pair><wanted key><kv>`, or the end.
                    while i < chars.len() {
                        if starts_with_at(&chars, i, &pair) {
                            let after = i + pair.len();
                            let next_is_key = keys.iter().any(|k| {
                                let k: Vec<char> = k.chars().collect();
                                starts_with_at(&chars, after, &k)
                                    && starts_with_at(&chars, after + k.len(), &kv)
                            });
                            if next_is_key {
                                break;
                            }
                        }
                        i += 1;
                    }
                } else {
                    while i < chars.len() && !starts_with_at(&chars, i, &pair) {
                        i += 1;
                    }
                }
                chars
                    .get(start..i)
                    .map(|s| s.iter().collect())
                    .unwrap_or_default()
            }
        };
        let key = key.trim().to_string();
        if keys.contains(&key.as_str()) && !found.contains_key(&key) {
            found.insert(key, value);
        }
    }
}

/// No delimiters given: a key is a whole word of the text followed by non-alphanumeric
/// characters, and its value the next word (or quoted run).
fn undelimited(text: &str, keys: &[&str], syntax: &Syntax, found: &mut HashMap<String, String>) {
    let chars: Vec<char> = text.chars().collect();
    let quote_of = |c: char| {
        syntax
            .quotes
            .iter()
            .find(|(open, _)| *open == c)
            .map(|q| q.1)
    };
    for key in keys {
        let needle: Vec<char> = key.chars().collect();
        if needle.is_empty() {
            continue;
        }
        let mut at = 0;
        while at + needle.len() <= chars.len() {
            let is_word = starts_with_at(&chars, at, &needle)
                && (at == 0 || chars.get(at - 1).is_some_and(|c| !c.is_alphanumeric()))
                && chars
                    .get(at + needle.len())
                    .is_some_and(|c| !c.is_alphanumeric());
            if !is_word {
                at += 1;
                continue;
            }
            let mut i = at + needle.len();
            while chars
                .get(i)
                .is_some_and(|&c| !c.is_alphanumeric() && quote_of(c).is_none())
            {
                i += 1;
            }
            let value = match chars.get(i).and_then(|&c| quote_of(c)) {
                Some(close) => quoted(&chars, i, close, &syntax.escapes).0,
                None => {
                    let start = i;
                    while chars.get(i).is_some_and(|c| c.is_alphanumeric()) {
                        i += 1;
                    }
                    chars
                        .get(start..i)
                        .map(|s| s.iter().collect())
                        .unwrap_or_default()
                }
            };
            found.insert(key.to_string(), value);
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syntax(pair: Option<&str>, kv: Option<&str>, greedy: bool) -> Syntax {
        Syntax {
            pair_delimiter: pair.map(str::to_string),
            kv_delimiter: kv.map(str::to_string),
            quotes: vec![('"', '"')],
            escapes: vec!['\\'],
            is_greedy: greedy,
            regex: None,
        }
    }

    #[test]
    fn delimited_with_quotes() {
        let found = extract(
            r#"a=1 b="x y" "c d"=2"#,
            &["a", "b", "c d"],
            &syntax(Some(" "), Some("="), false),
        );
        assert_eq!(found["b"], "x y");
        assert_eq!(found["c d"], "2");
    }

    #[test]
    fn greedy_runs_to_next_key() {
        let found = extract(
            "name=John Doe city=New York",
            &["name", "city"],
            &syntax(Some(" "), Some("="), true),
        );
        assert_eq!(found["name"], "John Doe");
        assert_eq!(found["city"], "New York");
    }

    #[test]
    fn without_delimiters() {
        let found = extract(
            "2021 [INFO] ThreadId:45, Machine:Node001",
            &["ThreadId", "Machine"],
            &syntax(None, None, false),
        );
        assert_eq!(found["ThreadId"], "45");
        assert_eq!(found["Machine"], "Node001");
    }
}
