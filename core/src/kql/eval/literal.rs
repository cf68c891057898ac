//! Literal values: `datetime(...)`, `timespan(...)`, `5m`, `guid(...)`, `dynamic(...)`.

use crate::kql::ast::{DynamicValue, Literal};
use crate::value::{days_from_civil, ScalarType, Value, TICKS_PER_DAY, TICKS_PER_SECOND};

/// Parses a datetime as Kusto accepts it: `2017-01-01`, `2017-01-01 10:00`,
/// `2017-01-01T10:00:00.1234567Z`, with an optional trailing `Z`.
pub fn parse_datetime(text: &str) -> Option<i64> {
    let text = text.trim().trim_end_matches('Z').trim_end_matches('z');
    let (date, time) = match text.find(['T', ' ']) {
        Some(i) => (text.get(..i)?, text.get(i + 1..)?.trim()),
        None => (text, ""),
    };
    let mut parts = date.split(['-', '/']);
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(days * TICKS_PER_DAY + parse_time_of_day(time)?)
}

/// `hh:mm[:ss[.fffffff]]` as ticks; empty means midnight.
fn parse_time_of_day(text: &str) -> Option<i64> {
    if text.is_empty() {
        return Some(0);
    }
    let mut parts = text.split(':');
    let hours: i64 = parts.next()?.parse().ok()?;
    let minutes: i64 = parts.next()?.parse().ok()?;
    let seconds = match parts.next() {
        Some(s) => parse_seconds(s)?,
        None => 0,
    };
    if parts.next().is_some() || hours > 23 || minutes > 59 {
        return None;
    }
    Some((hours * 3600 + minutes * 60) * TICKS_PER_SECOND + seconds)
}

/// `ss[.fffffff]` as ticks.
fn parse_seconds(text: &str) -> Option<i64> {
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, f),
        None => (text, ""),
    };
    let whole: i64 = whole.parse().ok()?;
    let mut ticks = whole * TICKS_PER_SECOND;
    if !fraction.is_empty() {
        let digits: String = fraction.chars().take(7).collect();
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let scale = 10i64.pow(7 - digits.len() as u32);
        ticks += digits.parse::<i64>().ok()? * scale;
    }
    Some(ticks)
}

/// Ticks per unit of a timespan literal suffix.
fn unit_ticks(unit: &str) -> Option<f64> {
    Some(match unit {
        "d" | "day" | "days" => TICKS_PER_DAY as f64,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3600.0 * TICKS_PER_SECOND as f64,
        "m" | "min" | "mins" | "minute" | "minutes" => 60.0 * TICKS_PER_SECOND as f64,
        "s" | "sec" | "secs" | "second" | "seconds" => TICKS_PER_SECOND as f64,
        "ms" | "milli" | "millis" | "millisec" | "millisecs" | "millisecond" | "milliseconds" => {
            10_000.0
        }
        "micro" | "micros" | "microsec" | "microsecs" | "microsecond" | "microseconds" => 10.0,
        "tick" | "ticks" => 1.0,
        "nano" | "nanos" | "nanosec" | "nanosecs" | "nanosecond" | "nanoseconds" => 0.01,
        _ => return None,
    })
}

/// `5m`, `1.5h`, `-1d`, `10tick`, or Kusto's `[-][d.]hh:mm:ss[.fffffff]`.
pub fn parse_timespan(text: &str) -> Option<i64> {
    let text = text.trim();
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest.trim()),
        None => (false, text),
    };
    let ticks = if body.contains(':') {
        let (days, clock) = match body.split_once('.') {
            Some((d, rest)) if !d.contains(':') => (d.parse::<i64>().ok()?, rest),
            _ => (0, body),
        };
        let parts: Vec<&str> = clock.split(':').collect();
        let (hours, minutes, seconds) = match parts.as_slice() {
            [h, m] => (h.parse::<i64>().ok()?, m.parse::<i64>().ok()?, 0),
            [h, m, s] => (
                h.parse::<i64>().ok()?,
                m.parse::<i64>().ok()?,
                parse_seconds(s)?,
            ),
            _ => return None,
        };
        days * TICKS_PER_DAY + (hours * 3600 + minutes * 60) * TICKS_PER_SECOND + seconds
    } else {
        let split = body
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(body.len());
        let (number, unit) = body.split_at(split);
        let number: f64 = number.parse().ok()?;
        let unit = if unit.is_empty() { "d" } else { unit };
        (number * unit_ticks(unit)?).round() as i64
    };
    Some(if negative { -ticks } else { ticks })
}

pub fn parse_guid(text: &str) -> Option<u128> {
    let hex: String = text.trim().chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 {
        return None;
    }
    u128::from_str_radix(&hex, 16).ok()
}

/// The value of a literal; `Err` carries a message for malformed typed literals.
pub fn literal_value(literal: &Literal) -> Result<Value, String> {
    Ok(match literal {
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Long(n) => Value::Long(*n),
        Literal::Real(r) => Value::Real(*r),
        Literal::String { value, .. } => Value::string(value),
        Literal::Timespan(text) => Value::Timespan(
            parse_timespan(text).ok_or_else(|| format!("invalid timespan `{text}`"))?,
        ),
        Literal::Dynamic(value) => Value::Dynamic(std::sync::Arc::new(dynamic_json(value))),
        Literal::Typed { ty, text } => {
            let Some(ty) = ScalarType::parse(ty) else {
                return Err(format!("unknown type `{ty}`"));
            };
            if text.trim() == "null" {
                return Ok(Value::Null);
            }
            // `datetime("2015-01-01")`: the text may be quoted.
            let text = text.trim().trim_matches(|c| c == '"' || c == '\'');
            let bad = || format!("invalid {} literal `{text}`", ty.name());
            match ty {
                ScalarType::Datetime => Value::Datetime(parse_datetime(text).ok_or_else(bad)?),
                ScalarType::Timespan => Value::Timespan(parse_timespan(text).ok_or_else(bad)?),
                ScalarType::Guid => Value::Guid(parse_guid(text).ok_or_else(bad)?),
                ScalarType::Bool => Value::Bool(match text.trim().to_ascii_lowercase().as_str() {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => return Err(bad()),
                }),
                ScalarType::Int => Value::Int(text.trim().parse().map_err(|_| bad())?),
                ScalarType::Long => Value::Long(text.trim().parse().map_err(|_| bad())?),
                ScalarType::Real | ScalarType::Decimal => {
                    Value::Real(parse_real(text).ok_or_else(bad)?)
                }
                ScalarType::String => Value::string(text),
                ScalarType::Dynamic => Value::Dynamic(std::sync::Arc::new(
                    serde_json::from_str(text).map_err(|_| bad())?,
                )),
            }
        }
    })
}

/// Reals, including Kusto's `nan`, `+inf`, `-inf`.
pub fn parse_real(text: &str) -> Option<f64> {
    match text.trim().to_ascii_lowercase().as_str() {
        "nan" => Some(f64::NAN),
        "inf" | "+inf" => Some(f64::INFINITY),
        "-inf" => Some(f64::NEG_INFINITY),
        other => other.parse().ok(),
    }
}

/// The JSON a `dynamic(...)` literal denotes; datetimes and timespans inside become strings.
pub fn dynamic_json(value: &DynamicValue) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        DynamicValue::Null => J::Null,
        DynamicValue::Bool(b) => J::Bool(*b),
        DynamicValue::Long(n) => J::from(*n),
        DynamicValue::Real(r) => serde_json::Number::from_f64(*r).map_or(J::Null, J::Number),
        DynamicValue::String(s) => J::String(s.clone()),
        DynamicValue::Scalar(literal) => literal_value(literal)
            .map(|v| v.to_json())
            .unwrap_or(J::Null),
        DynamicValue::Array(items) => J::Array(items.iter().map(dynamic_json).collect()),
        DynamicValue::Object(pairs) => J::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.clone(), dynamic_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::format_datetime;

    #[test]
    fn datetimes() {
        let t = parse_datetime("2017-01-01 10:30").unwrap();
        assert_eq!(format_datetime(t), "2017-01-01T10:30:00Z");
        assert_eq!(
            parse_datetime("2015-12-31 23:59:59.9")
                .map(format_datetime)
                .as_deref(),
            Some("2015-12-31T23:59:59.9Z")
        );
        assert_eq!(
            parse_datetime("2017-01-01T00:00:00Z"),
            parse_datetime("2017-01-01")
        );
        assert!(parse_datetime("2017-13-01").is_none());
    }

    #[test]
    fn timespans() {
        assert_eq!(parse_timespan("5m"), Some(5 * 60 * TICKS_PER_SECOND));
        assert_eq!(parse_timespan("1.5h"), Some(90 * 60 * TICKS_PER_SECOND));
        assert_eq!(parse_timespan("10tick"), Some(10));
        assert_eq!(
            parse_timespan("1.02:03:04.5"),
            Some(TICKS_PER_DAY + (2 * 3600 + 3 * 60 + 4) * TICKS_PER_SECOND + 5_000_000)
        );
        assert_eq!(parse_timespan("-00:01:00"), Some(-60 * TICKS_PER_SECOND));
    }
}
