//! Scalar semantics: comparison, arithmetic and the string operators, per the Kusto docs.
//! Nulls propagate through arithmetic and make comparisons false.

use std::cmp::Ordering;

use crate::kql::ast::{BinaryOp, StringOp, StringOpKind};
use crate::value::Value;

/// Numeric view of a value (int, long, real; bools are not numbers).
pub fn as_f64(value: &Value) -> Option<f64> {
    match value {
        Value::Int(n) => Some(*n as f64),
        Value::Long(n) => Some(*n as f64),
        Value::Real(r) => Some(*r),
        _ => None,
    }
}

pub fn as_i64(value: &Value) -> Option<i64> {
    match value {
        Value::Int(n) => Some(*n as i64),
        Value::Long(n) => Some(*n),
        Value::Real(r) if r.is_finite() => Some(*r as i64),
        _ => None,
    }
}

/// The text of a value for string operators: strings as is, other scalars as Kusto prints
/// them, dynamic values as JSON.
pub fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.to_string()),
        Value::Bool(b) => Some(if *b { "true" } else { "false" }.to_string()),
        Value::Dynamic(d) => Some(match &**d {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => return None,
            other => other.to_string(),
        }),
        other => match other.to_json() {
            serde_json::Value::String(s) => Some(s),
            json => Some(json.to_string()),
        },
    }
}

/// Converts a value to a column type the way `to<type>()` would (null when it does not fit).
pub fn convert(value: Value, ty: crate::value::ScalarType) -> Value {
    use crate::value::ScalarType;
    if value.scalar_type() == Some(ty) || value.is_null() {
        return value;
    }
    let function = match ty {
        ScalarType::Bool => "tobool",
        ScalarType::Int => "toint",
        ScalarType::Long => "tolong",
        ScalarType::Real | ScalarType::Decimal => "toreal",
        ScalarType::String => "tostring",
        ScalarType::Datetime => "todatetime",
        ScalarType::Timespan => "totimespan",
        ScalarType::Guid => {
            return match &value {
                Value::String(s) => super::literal::parse_guid(s).map_or(Value::Null, Value::Guid),
                _ => Value::Null,
            }
        }
        ScalarType::Dynamic => {
            return match value {
                Value::Dynamic(_) => value,
                other => Value::Dynamic(std::sync::Arc::new(other.to_json())),
            }
        }
    };
    super::functions::call(function, &[value]).unwrap_or(Value::Null)
}

/// Orders two values of comparable kinds; `None` when either is null or they do not compare.
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Null, _) | (_, Value::Null) => None,
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::Datetime(x), Value::Datetime(y)) | (Value::Timespan(x), Value::Timespan(y)) => {
            Some(x.cmp(y))
        }
        (Value::Guid(x), Value::Guid(y)) => Some(x.cmp(y)),
        (Value::Long(x), Value::Long(y)) => Some(x.cmp(y)),
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        // Only a scalar inside a dynamic compares; an array or bag stays dynamic (no loop).
        (Value::Dynamic(x), _) if !(x.is_array() || x.is_object()) => {
            compare(&dynamic_scalar(x), b)
        }
        (_, Value::Dynamic(y)) if !(y.is_array() || y.is_object()) => {
            compare(a, &dynamic_scalar(y))
        }
        _ => match (as_f64(a), as_f64(b)) {
            (Some(x), Some(y)) => x.partial_cmp(&y),
            _ => None,
        },
    }
}

/// A scalar JSON value as a Value, for comparing dynamic values with scalars.
pub fn dynamic_scalar(json: &serde_json::Value) -> Value {
    match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Long(i),
            None => Value::Real(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(s) => Value::string(s),
        other => Value::Dynamic(std::sync::Arc::new(other.clone())),
    }
}

pub fn equals(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Null, _) | (_, Value::Null) => None,
        (Value::Dynamic(x), Value::Dynamic(y)) => Some(x == y),
        _ => compare(a, b).map(|o| o == Ordering::Equal),
    }
}

/// Case-insensitive equality of strings (`=~`).
pub fn equals_ci(a: &Value, b: &Value) -> Option<bool> {
    Some(as_text(a)?.to_lowercase() == as_text(b)?.to_lowercase())
}

/// Kusto's terms: maximal runs of alphanumeric characters.
fn is_term_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// `has`: the needle occurs with term boundaries on both sides of its alphanumeric ends.
pub fn has(haystack: &str, needle: &str, kind: StringOpKind) -> bool {
    if needle.is_empty() {
        return true;
    }
    let starts_alnum = needle.chars().next().is_some_and(is_term_char);
    let ends_alnum = needle.chars().last().is_some_and(is_term_char);
    let mut from = 0;
    while let Some(found) = haystack.get(from..).and_then(|rest| rest.find(needle)) {
        let start = from + found;
        let end = start + needle.len();
        let before_ok = !starts_alnum
            || haystack
                .get(..start)
                .and_then(|s| s.chars().last())
                .is_none_or(|c| !is_term_char(c));
        let after_ok = !ends_alnum
            || haystack
                .get(end..)
                .and_then(|s| s.chars().next())
                .is_none_or(|c| !is_term_char(c));
        let ok = match kind {
            StringOpKind::HasPrefix => before_ok,
            StringOpKind::HasSuffix => after_ok,
            _ => before_ok && after_ok,
        };
        if ok {
            return true;
        }
        from = start
            + haystack
                .get(start..)
                .and_then(|s| s.chars().next())
                .map_or(1, char::len_utf8);
    }
    false
}

/// Evaluates a string operator; `None` for null operands.
pub fn string_op(op: StringOp, left: &Value, right: &Value) -> Option<bool> {
    let (mut l, mut r) = (as_text(left).unwrap_or_default(), as_text(right)?);
    if left.is_null() && !op.is_negated {
        return Some(false);
    }
    if !op.is_case_sensitive {
        l = l.to_lowercase();
        r = r.to_lowercase();
    }
    let result = match op.kind {
        StringOpKind::Has | StringOpKind::HasPrefix | StringOpKind::HasSuffix => {
            has(&l, &r, op.kind)
        }
        StringOpKind::Contains => l.contains(&r),
        StringOpKind::StartsWith => l.starts_with(&r),
        StringOpKind::EndsWith => l.ends_with(&r),
        StringOpKind::Like => like(&l, &r),
    };
    Some(result != op.is_negated)
}

/// The legacy `like`: `%` matches any run of characters.
pub fn like(text: &str, pattern: &str) -> bool {
    crate::kql::analyze::row::wildcard_match(&pattern.replace('%', "*"), text)
}

/// Arithmetic with Kusto's type rules for numbers, datetimes and timespans.
pub fn arithmetic(op: BinaryOp, a: &Value, b: &Value) -> Value {
    use Value::*;
    match (op, a, b) {
        (_, Null, _) | (_, _, Null) => Null,
        (BinaryOp::Add, Datetime(d), Timespan(t)) | (BinaryOp::Add, Timespan(t), Datetime(d)) => {
            Datetime(d.saturating_add(*t))
        }
        (BinaryOp::Sub, Datetime(d), Timespan(t)) => Datetime(d.saturating_sub(*t)),
        (BinaryOp::Sub, Datetime(x), Datetime(y)) => Timespan(x.saturating_sub(*y)),
        (BinaryOp::Add, Timespan(x), Timespan(y)) => Timespan(x.saturating_add(*y)),
        (BinaryOp::Sub, Timespan(x), Timespan(y)) => Timespan(x.saturating_sub(*y)),
        (BinaryOp::Div, Timespan(x), Timespan(y)) if *y != 0 => Real(*x as f64 / *y as f64),
        (BinaryOp::Mul, Timespan(t), n) | (BinaryOp::Mul, n, Timespan(t)) => match as_f64(n) {
            Some(f) => Timespan((*t as f64 * f).round() as i64),
            None => Null,
        },
        (BinaryOp::Div, Timespan(t), n) => match as_f64(n) {
            Some(f) if f != 0.0 => Timespan((*t as f64 / f).round() as i64),
            _ => Null,
        },
        (_, Real(_), _) | (_, _, Real(_)) => match (as_f64(a), as_f64(b)) {
            (Some(x), Some(y)) => Real(match op {
                BinaryOp::Add => x + y,
                BinaryOp::Sub => x - y,
                BinaryOp::Mul => x * y,
                BinaryOp::Div => x / y,
                BinaryOp::Mod => x % y,
                _ => return Null,
            }),
            _ => Null,
        },
        _ => match (as_i64(a), as_i64(b)) {
            (Some(x), Some(y)) => {
                let result = match op {
                    BinaryOp::Add => x.checked_add(y),
                    BinaryOp::Sub => x.checked_sub(y),
                    BinaryOp::Mul => x.checked_mul(y),
                    BinaryOp::Div => x.checked_div(y),
                    BinaryOp::Mod => x.checked_rem(y),
                    _ => None,
                };
                match result {
                    Some(n) if matches!((a, b), (Int(_), Int(_))) && i32::try_from(n).is_ok() => {
                        Int(n as i32)
                    }
                    Some(n) => Long(n),
                    None => Null,
                }
            }
            _ => Null,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_matches_terms() {
        assert!(has("north america", "america", StringOpKind::Has));
        assert!(!has("xmimikatz2", "mimikatz", StringOpKind::Has));
        assert!(has("msiexec /y x.dll", "/y", StringOpKind::Has));
        assert!(!has("msiexec /yes", "/y", StringOpKind::Has));
        assert!(has("kusto explorer", "kus", StringOpKind::HasPrefix));
        assert!(has("kusto explorer", "rer", StringOpKind::HasSuffix));
    }

    #[test]
    fn arithmetic_types() {
        assert_eq!(
            arithmetic(BinaryOp::Add, &Value::Long(1), &Value::Real(0.5)),
            Value::Real(1.5)
        );
        assert_eq!(
            arithmetic(BinaryOp::Div, &Value::Long(7), &Value::Long(2)),
            Value::Long(3)
        );
        assert_eq!(
            arithmetic(BinaryOp::Div, &Value::Long(7), &Value::Long(0)),
            Value::Null
        );
    }
}
