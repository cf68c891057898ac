//! String functions.

use std::sync::Arc;

use super::arg;
use crate::kql::ast::StringOpKind;
use crate::kql::eval::scalar::{as_i64, as_text, dynamic_scalar, has};
use crate::kql::eval::Result;
use crate::value::Value;

/// Results longer than this (strrep) are null rather than a memory hazard.
const MAX_RESULT_BYTES: usize = 1 << 20;

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    let text = |i: usize| as_text(&arg(args, i));
    Ok(Some(match name {
        "strlen" => match text(0) {
            Some(s) => Value::Long(s.chars().count() as i64),
            None => Value::Null,
        },
        "tolower" => text(0).map_or(Value::Null, |s| Value::string(&s.to_lowercase())),
        "toupper" => text(0).map_or(Value::Null, |s| Value::string(&s.to_uppercase())),
        "strcat" => Value::string(&args.iter().filter_map(as_text).collect::<String>()),
        "strcat_delim" => {
            let delimiter = text(0).unwrap_or_default();
            Value::string(
                &args
                    .iter()
                    .skip(1)
                    .map(|v| as_text(v).unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join(&delimiter),
            )
        }
        "substring" => {
            let Some(s) = text(0) else {
                return Ok(Some(Value::Null));
            };
            let chars: Vec<char> = s.chars().collect();
            let len = chars.len() as i64;
            // A negative start counts from the end: substring("123456", -2, 2) is "56".
            let start = match as_i64(&arg(args, 1)).unwrap_or(0) {
                n if n < 0 => len.saturating_add(n).max(0),
                n => n.min(len),
            } as usize;
            let length = as_i64(&arg(args, 2)).unwrap_or(chars.len() as i64).max(0) as usize;
            let end = start.saturating_add(length).min(chars.len());
            Value::string(&chars[start..end].iter().collect::<String>())
        }
        "reverse" => text(0).map_or(Value::Null, |s| {
            Value::string(&s.chars().rev().collect::<String>())
        }),
        "replace_string" => match (text(0), text(1), text(2)) {
            (Some(s), Some(from), Some(to)) if !from.is_empty() => {
                Value::string(&s.replace(&from, &to))
            }
            (Some(s), _, _) => Value::string(&s),
            _ => Value::Null,
        },
        "indexof" => match (text(0), text(1)) {
            (Some(s), Some(needle)) => {
                let (start, length, occurrence) = search_window(args);
                let chars: Vec<char> = s.chars().collect();
                let needle: Vec<char> = needle.chars().collect();
                nth_in_window(chars.len(), start, length, occurrence, |from, to| {
                    find_chars(&chars, &needle, from, to)
                })
            }
            _ => Value::Null,
        },
        "indexof_regex" => match (text(0), text(1)) {
            (Some(s), Some(pattern)) => {
                let regex = super::regex(&pattern)?;
                let (start, length, occurrence) = search_window(args);
                let chars: Vec<char> = s.chars().collect();
                nth_in_window(chars.len(), start, length, occurrence, |from, to| {
                    let window: String = chars.get(from..to)?.iter().collect();
                    let m = regex.find(&window)?;
                    Some(from + window.get(..m.start())?.chars().count())
                })
            }
            _ => Value::Null,
        },
        "has_any_index" => {
            let Some(s) = text(0) else {
                return Ok(Some(Value::Null));
            };
            let lookups = match arg(args, 1) {
                Value::Dynamic(d) => d.as_array().cloned().unwrap_or_default(),
                _ => return Ok(Some(Value::Null)),
            };
            let haystack = s.to_lowercase();
            let index = lookups.iter().position(|item| {
                let needle = as_text(&dynamic_scalar(item))
                    .unwrap_or_default()
                    .to_lowercase();
                !needle.is_empty() && has(&haystack, &needle, StringOpKind::Has)
            });
            Value::Long(index.map_or(-1, |i| i as i64))
        }
        "strcmp" => match (text(0), text(1)) {
            (Some(a), Some(b)) => Value::Long(a.cmp(&b) as i64),
            _ => Value::Null,
        },
        "strrep" => {
            let (Some(s), Some(times)) = (text(0), as_i64(&arg(args, 1))) else {
                return Ok(Some(Value::Null));
            };
            let delimiter = text(2).unwrap_or_default();
            // Kusto caps the multiplier at 1024.
            let times = times.clamp(0, 1024) as usize;
            if s.len()
                .saturating_add(delimiter.len())
                .saturating_mul(times)
                > MAX_RESULT_BYTES
            {
                return Ok(Some(Value::Null));
            }
            Value::string(&vec![s; times].join(&delimiter))
        }
        "regex_quote" => text(0).map_or(Value::Null, |s| Value::string(&regex_quote(&s))),
        "replace_strings" => match (text(0), arg(args, 1), arg(args, 2)) {
            (Some(s), Value::Dynamic(lookups), Value::Dynamic(rewrites)) => {
                let lookups = lookups.as_array().cloned().unwrap_or_default();
                let rewrites = rewrites.as_array().cloned().unwrap_or_default();
                Value::string(&replace_strings(&s, &lookups, &rewrites))
            }
            (Some(s), _, _) => Value::string(&s),
            _ => Value::Null,
        },
        "translate" => match (text(0), text(1), text(2)) {
            (Some(from), Some(to), Some(s)) => Value::string(&translate(&from, &to, &s)),
            _ => Value::Null,
        },
        "extract_all" => {
            // extract_all(regex, [captureGroups,] source)
            let (pattern, groups, source) = if args.len() >= 3 {
                (text(0), Some(arg(args, 1)), text(2))
            } else {
                (text(0), None, text(1))
            };
            let (Some(pattern), Some(source)) = (pattern, source) else {
                return Ok(Some(Value::Null));
            };
            let regex = super::regex(&pattern)?;
            extract_all(&regex, groups.as_ref(), &source)
        }
        "strcat_array" => match arg(args, 0) {
            Value::Dynamic(d) => match d.as_array() {
                Some(items) => {
                    let delimiter = text(1).unwrap_or_default();
                    let parts: Vec<String> = items
                        .iter()
                        .map(|item| as_text(&dynamic_scalar(item)).unwrap_or_default())
                        .collect();
                    Value::string(&parts.join(&delimiter))
                }
                None => Value::Null,
            },
            _ => Value::Null,
        },
        "replace_regex" => match (text(0), text(1), text(2)) {
            (Some(s), Some(pattern), Some(rewrite)) => {
                let regex = super::regex(&pattern)?;
                Value::string(&regex.replace_all(&s, rust_replacement(&rewrite).as_str()))
            }
            _ => Value::Null,
        },
        "parse_csv" => text(0).map_or(Value::Null, |s| {
            Value::Dynamic(Arc::new(serde_json::Value::Array(
                csv_fields(&s)
                    .into_iter()
                    .map(serde_json::Value::String)
                    .collect(),
            )))
        }),
        "string_size" => text(0).map_or(Value::Null, |s| Value::Long(s.len() as i64)),
        "isascii" => text(0).map_or(Value::Null, |s| Value::Bool(s.is_ascii())),
        // Rust strings are UTF-8 by construction.
        "isutf8" => text(0).map_or(Value::Null, |_| Value::Bool(true)),
        "parse_command_line" => text(0).map_or(Value::Null, |s| {
            Value::Dynamic(Arc::new(serde_json::Value::Array(
                windows_arguments(&s)
                    .into_iter()
                    .map(serde_json::Value::String)
                    .collect(),
            )))
        }),
        "parse_version" => text(0)
            .and_then(|s| parse_version(&s))
            .map_or(Value::Null, Value::Real),
        "trim" | "trim_start" | "trim_end" => {
            let (Some(pattern), Some(s)) = (text(0), text(1)) else {
                return Ok(Some(Value::Null));
            };
            let regex = super::regex(&pattern)?;
            let mut out = s.as_str();
            if name != "trim_end" {
                while let Some(m) = regex.find(out).filter(|m| m.start() == 0 && !m.is_empty()) {
                    out = &out[m.end()..];
                }
            }
            if name != "trim_start" {
                loop {
                    let last = regex
                        .find_iter(out)
                        .filter(|m| m.end() == out.len() && !m.is_empty())
                        .last();
                    match last {
                        Some(m) => out = &out[..m.start()],
                        None => break,
                    }
                }
            }
            Value::string(out)
        }
        "split" => {
            let (Some(s), Some(delimiter)) = (text(0), text(1)) else {
                return Ok(Some(Value::Null));
            };
            let parts: Vec<serde_json::Value> = s
                .split(delimiter.as_str())
                .map(|p| serde_json::Value::String(p.to_string()))
                .collect();
            match as_i64(&arg(args, 2)) {
                // An index past the end gives an empty array.
                Some(i) => Value::Dynamic(Arc::new(serde_json::Value::Array(
                    usize::try_from(i)
                        .ok()
                        .and_then(|i| parts.get(i))
                        .cloned()
                        .into_iter()
                        .collect(),
                ))),
                None => Value::Dynamic(Arc::new(serde_json::Value::Array(parts))),
            }
        }
        "extract" => {
            let (Some(pattern), Some(s)) = (text(0), text(2)) else {
                return Ok(Some(Value::Null));
            };
            let group = as_i64(&arg(args, 1)).unwrap_or(0).max(0) as usize;
            let regex = super::regex(&pattern)?;
            regex
                .captures(&s)
                .and_then(|c| c.get(group))
                .map_or(Value::Null, |m| Value::string(m.as_str()))
        }
        "countof" => match (text(0), text(1)) {
            (Some(s), Some(needle)) if !needle.is_empty() => {
                if text(2).is_some_and(|kind| kind.eq_ignore_ascii_case("regex")) {
                    Value::Long(super::regex(&needle)?.find_iter(&s).count() as i64)
                } else {
                    // Plain counting sees overlapping matches: countof("aaa", "aa") is 2.
                    let mut count = 0i64;
                    let mut from = 0;
                    while let Some(found) = s.get(from..).and_then(|rest| rest.find(&needle)) {
                        count += 1;
                        from += found
                            + s.get(from + found..)
                                .and_then(|r| r.chars().next())
                                .map_or(1, char::len_utf8);
                    }
                    Value::Long(count)
                }
            }
            _ => Value::Long(0),
        },
        _ => return Ok(None),
    }))
}

/// indexof's optional (start, length, occurrence) arguments with their defaults.
fn search_window(args: &[Value]) -> (i64, i64, i64) {
    let optional = |i: usize, default: i64| match arg(args, i) {
        Value::Null => Some(default),
        v => as_i64(&v),
    };
    (
        optional(2, 0).unwrap_or(i64::MIN),
        optional(3, -1).unwrap_or(i64::MIN),
        optional(4, 1).unwrap_or(i64::MIN),
    )
}

/// The `occurrence`-th match in the window `[start, start + length)` (length -1: to the
/// end), as Kusto searches: each next occurrence is looked for from one past the previous
/// match with the same window length. A negative start counts from the end. -1 if none,
/// null for arguments out of range.
fn nth_in_window(
    len: usize,
    start: i64,
    length: i64,
    occurrence: i64,
    find: impl Fn(usize, usize) -> Option<usize>,
) -> Value {
    if start == i64::MIN || length < -1 || occurrence < 1 {
        return Value::Null;
    }
    let len_i = len as i64;
    let mut from = if start < 0 {
        (len_i + start).max(0)
    } else {
        start
    };
    if from > len_i {
        return Value::Long(-1);
    }
    let mut found = -1;
    for _ in 0..occurrence {
        let to = if length < 0 {
            len_i
        } else {
            from.saturating_add(length).min(len_i)
        };
        match find(from as usize, to as usize) {
            Some(at) => {
                found = at as i64;
                from = found + 1;
            }
            None => return Value::Long(-1),
        }
    }
    Value::Long(found)
}

/// The first index in `from..` where `needle` lies wholly inside `from..to`.
fn find_chars(chars: &[char], needle: &[char], from: usize, to: usize) -> Option<usize> {
    let window = chars.get(from..to)?;
    if needle.is_empty() {
        return Some(from);
    }
    window
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| from + i)
}

/// Escapes what .NET's `Regex.Escape` escapes, so the text matches itself.
fn regex_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '*' | '+' | '?' | '|' | '{' | '}' | '[' | ']' | '(' | ')' | '^' | '$' | '.'
            | '#' | ' ' => {
                out.push('\\');
                out.push(c);
            }
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\x0c' => out.push_str("\\f"),
            _ => out.push(c),
        }
    }
    out
}

/// Earlier lookups win: each lookup claims its non-overlapping matches in the text left
/// unclaimed by the lookups before it; then every claim is rewritten at once.
fn replace_strings(
    text: &str,
    lookups: &[serde_json::Value],
    rewrites: &[serde_json::Value],
) -> String {
    let mut claims: Vec<(usize, usize, &str)> = Vec::new();
    for (i, lookup) in lookups.iter().enumerate() {
        let Some(needle) = lookup.as_str().filter(|n| !n.is_empty()) else {
            continue;
        };
        let Some(rewrite) = rewrites.get(i).and_then(|r| r.as_str()) else {
            continue;
        };
        let mut from = 0;
        while let Some(found) = text.get(from..).and_then(|rest| rest.find(needle)) {
            let (start, end) = (from + found, from + found + needle.len());
            if claims.iter().any(|&(s, e, _)| start < e && s < end) {
                from = start
                    + text
                        .get(start..)
                        .and_then(|r| r.chars().next())
                        .map_or(1, char::len_utf8);
            } else {
                claims.push((start, end, rewrite));
                from = end;
            }
        }
    }
    claims.sort_by_key(|&(start, _, _)| start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end, rewrite) in claims {
        out.push_str(text.get(at..start).unwrap_or(""));
        out.push_str(rewrite);
        at = end;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out
}

/// Maps each character of `from` to the one at the same place in `to` (its last character
/// when `to` is shorter); an empty `to` deletes them.
fn translate(from: &str, to: &str, text: &str) -> String {
    let from: Vec<char> = from.chars().collect();
    let to: Vec<char> = to.chars().collect();
    text.chars()
        .filter_map(|c| match from.iter().position(|&f| f == c) {
            Some(i) => to.get(i).or(to.last()).copied(),
            None => Some(c),
        })
        .collect()
}

/// Matches of a regex: with one capture group, its texts; with several, one array per
/// match; `groups` (a dynamic array of group numbers or names) picks them. Null when
/// nothing matched.
fn extract_all(regex: &regex::Regex, groups: Option<&Value>, source: &str) -> Value {
    use serde_json::Value as J;
    let wanted: Vec<J> = match groups {
        Some(Value::Dynamic(d)) => d.as_array().cloned().unwrap_or_default(),
        _ => Vec::new(),
    };
    let group_of = |caps: &regex::Captures<'_>, spec: &J| -> J {
        let m = match spec {
            J::Number(n) => n.as_u64().and_then(|i| caps.get(i as usize)),
            J::String(name) => caps.name(name),
            _ => None,
        };
        m.map_or(J::String(String::new()), |m| {
            J::String(m.as_str().to_string())
        })
    };
    let group_count = regex.captures_len().saturating_sub(1);
    let mut out = Vec::new();
    for caps in regex.captures_iter(source) {
        let item = if !wanted.is_empty() {
            if wanted.len() == 1 {
                wanted.first().map_or(J::Null, |spec| group_of(&caps, spec))
            } else {
                J::Array(wanted.iter().map(|spec| group_of(&caps, spec)).collect())
            }
        } else if group_count <= 1 {
            let m = caps.get(group_count);
            J::String(m.map_or(String::new(), |m| m.as_str().to_string()))
        } else {
            J::Array(
                (1..=group_count)
                    .map(|i| {
                        J::String(
                            caps.get(i)
                                .map_or(String::new(), |m| m.as_str().to_string()),
                        )
                    })
                    .collect(),
            )
        };
        out.push(item);
    }
    if out.is_empty() {
        Value::Null
    } else {
        Value::Dynamic(Arc::new(J::Array(out)))
    }
}

/// `a[.b[.c[.d]]]`, each part up to eight digits, as one decimal: parts weigh 10^24,
/// 10^16, 10^8 and 1.
fn parse_version(text: &str) -> Option<f64> {
    let parts: Vec<&str> = text.trim().split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut value = 0f64;
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() || part.len() > 8 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        value += part.parse::<f64>().ok()? * 10f64.powi(8 * (3 - i as i32));
    }
    Some(value)
}

/// Kusto's rewrite text (`\1` names group 1) as the regex crate's (`${1}`; `$` escaped).
fn rust_replacement(rewrite: &str) -> String {
    let mut out = String::with_capacity(rewrite.len());
    let mut chars = rewrite.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek().is_some_and(char::is_ascii_digit) => {
                out.push_str("${");
                while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                    out.push(d);
                    chars.next();
                }
                out.push('}');
            }
            '$' => out.push_str("$$"),
            c => out.push(c),
        }
    }
    out
}

/// The fields of one CSV record: commas separate, double quotes enclose, `""` is a quote.
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if in_quotes && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => out.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    out.push(field);
    out
}

/// Splits a command line as Windows' `CommandLineToArgvW` does: whitespace separates,
/// quotes group, `2n` backslashes before a quote give `n` and toggle quoting, `2n+1` give
/// `n` and a literal quote, `""` inside quotes is a quote; other backslashes are literal.
fn windows_arguments(line: &str) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    let (mut in_quotes, mut has_arg) = (false, false);
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => {
                let run = chars
                    .get(i..)
                    .map_or(0, |r| r.iter().take_while(|&&x| x == '\\').count());
                i += run;
                if chars.get(i) == Some(&'"') {
                    current.extend(std::iter::repeat_n('\\', run / 2));
                    if run % 2 == 1 {
                        current.push('"');
                        i += 1;
                    }
                } else {
                    current.extend(std::iter::repeat_n('\\', run));
                }
                has_arg = true;
                continue;
            }
            '"' if in_quotes && chars.get(i + 1) == Some(&'"') => {
                current.push('"');
                i += 1;
            }
            '"' => {
                in_quotes = !in_quotes;
                has_arg = true;
            }
            c if c.is_whitespace() && !in_quotes => {
                if has_arg {
                    out.push(std::mem::take(&mut current));
                    has_arg = false;
                }
            }
            c => {
                current.push(c);
                has_arg = true;
            }
        }
        i += 1;
    }
    if has_arg {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str, args: &[Value]) -> Value {
        call(name, args).ok().flatten().unwrap_or(Value::Null)
    }

    fn s(text: &str) -> Value {
        Value::string(text)
    }

    fn l(n: i64) -> Value {
        Value::Long(n)
    }

    #[test]
    fn indexof_windows_and_occurrences() {
        let abc = s("abcdefg");
        assert_eq!(run("indexof", &[abc.clone(), s("cde")]), l(2));
        assert_eq!(run("indexof", &[abc.clone(), s("cde"), l(1), l(4)]), l(2));
        assert_eq!(run("indexof", &[abc.clone(), s("cde"), l(1), l(2)]), l(-1));
        assert_eq!(run("indexof", &[abc.clone(), s("cde"), l(3), l(4)]), l(-1));
        assert_eq!(run("indexof", &[abc.clone(), s("cde"), l(-5)]), l(2));
        assert_eq!(run("indexof", &[l(1234567), l(5), l(1), l(4)]), l(4));
        let twice = s("abcdefgabcdefg");
        assert_eq!(
            run("indexof", &[twice.clone(), s("cde"), l(1), l(10), l(2)]),
            l(9)
        );
        assert_eq!(run("indexof", &[twice, s("cde"), l(1), l(-1), l(3)]), l(-1));
        assert_eq!(run("indexof_regex", &[s("abcabc"), s("a."), l(1)]), l(3));
    }

    #[test]
    fn counting_and_lookups() {
        assert_eq!(run("countof", &[s("aaa"), s("aa")]), l(2));
        assert_eq!(run("countof", &[s("aaaa"), s("aa"), s("regex")]), l(2));
        let lookups = Value::Dynamic(Arc::new(serde_json::json!(["not", "example"])));
        assert_eq!(
            run("has_any_index", &[s("this is an example"), lookups]),
            l(1)
        );
        assert_eq!(run("strcmp", &[s("abc"), s("ABC")]), l(1));
        assert_eq!(run("strrep", &[l(123), l(3), s(".")]), s("123.123.123"));
        assert_eq!(
            run("regex_quote", &[s("(so$me.Te^xt)")]),
            s(r"\(so\$me\.Te\^xt\)")
        );
        assert_eq!(run("translate", &[s("abc"), s("x"), s("abcd")]), s("xxxd"));
    }

    #[test]
    fn replace_strings_prefers_earlier_lookups() {
        let text = "This is an example of using replace_strings()";
        let j = |v: serde_json::Value| v.as_array().cloned().unwrap_or_default();
        assert_eq!(
            replace_strings(
                text,
                &j(serde_json::json!(["is", "This"])),
                &j(serde_json::json!(["was", "This"]))
            ),
            "Thwas was an example of using replace_strings()"
        );
        assert_eq!(
            replace_strings(
                "a cat into a dog",
                &j(serde_json::json!(["cat", "dog"])),
                &j(serde_json::json!(["dog", "pigeon"]))
            ),
            "a dog into a pigeon"
        );
    }

    #[test]
    fn arrays_regex_rewrites_and_csv() {
        let items = Value::Dynamic(Arc::new(serde_json::json!([1, "a", true])));
        assert_eq!(run("strcat_array", &[items, s("->")]), s("1->a->true"));
        assert_eq!(
            run(
                "replace_regex",
                &[s("is this it"), s(r"is (\w+)"), s(r"was \1$")]
            ),
            s("was this$ it")
        );
        assert_eq!(
            csv_fields(r#"aa,"b,b","c""c","#),
            ["aa", "b,b", r#"c"c"#, ""]
        );
    }

    #[test]
    fn substrings_and_splits() {
        assert_eq!(run("substring", &[s("123456"), l(-2), l(2)]), s("56"));
        assert_eq!(run("substring", &[s("123456"), l(1)]), s("23456"));
        assert_eq!(run("substring", &[s("ABCD"), l(0), l(2)]), s("AB"));
        let split = run("split", &[s("aaa_bbb_ccc"), s("_"), l(1)]);
        assert_eq!(split.to_json(), serde_json::json!(["bbb"]));
        assert_eq!(
            run("split", &[s("a__b"), s("_")]).to_json(),
            serde_json::json!(["a", "", "b"])
        );
    }

    #[test]
    fn command_lines() {
        assert_eq!(
            windows_arguments(r#"echo "hello world" a\"b c\\\\"d e" x\y"#),
            ["echo", "hello world", r#"a"b"#, r"c\\d e", r"x\y"]
        );
        assert_eq!(run("string_size", &[s("⒦")]), l(3));
        assert_eq!(run("isascii", &[s("abc")]), Value::Bool(true));
    }

    #[test]
    fn extract_all_and_versions() {
        let regex = regex::Regex::new(r"([\da-f]{2})").unwrap_or_else(|_| unreachable!());
        let found = extract_all(&regex, None, "82b8-be");
        assert_eq!(found.to_json(), serde_json::json!(["82", "b8", "be"]));
        assert_eq!(parse_version("0.0.7.0"), Some(7e8));
        assert_eq!(parse_version("1"), Some(1e24));
        assert_eq!(parse_version("1.x"), None);
    }
}
