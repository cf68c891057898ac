//! String functions.

use super::arg;
use crate::kql::eval::scalar::{as_i64, as_text};
use crate::kql::eval::Result;
use crate::value::Value;

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
            let start = as_i64(&arg(args, 1))
                .unwrap_or(0)
                .clamp(0, chars.len() as i64) as usize;
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
            (Some(s), Some(needle)) => Value::Long(
                s.find(&needle)
                    .map_or(-1, |b| s[..b].chars().count() as i64),
            ),
            _ => Value::Null,
        },
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
                Some(i) => parts.get(i as usize).map_or(Value::Null, |p| {
                    Value::Dynamic(std::sync::Arc::new(serde_json::Value::Array(vec![
                        p.clone()
                    ])))
                }),
                None => Value::Dynamic(std::sync::Arc::new(serde_json::Value::Array(parts))),
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
                Value::Long(s.matches(needle.as_str()).count() as i64)
            }
            _ => Value::Long(0),
        },
        _ => return Ok(None),
    }))
}
