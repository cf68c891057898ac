//! Literal values: `datetime(...)`, `timespan(...)`, `5m`, `guid(...)`, `dynamic(...)`.

use crate::kql::ast::{DynamicValue, Literal};
use crate::value::{days_from_civil, ScalarType, Value, TICKS_PER_DAY, TICKS_PER_SECOND};

/// Parses a datetime as Kusto accepts it: ISO 8601 (`2017-01-01`, `2017-01-01 10:00`,
/// `2017-01-01T10:00:00.1234567Z`, with a `Z` or `+hh:mm` offset), `MM-dd-yyyy`,
/// RFC 822 (`Sat, 8 Nov 14 15:05:02 GMT`), RFC 850 (`Saturday, 08-Nov-14 15:05`), and
/// `yyyy, M, d`.
pub fn parse_datetime(text: &str) -> Option<i64> {
    let text = text.trim();
    parse_iso_datetime(text)
        .or_else(|| parse_rfc_datetime(text))
        .or_else(|| parse_comma_datetime(text))
        // `datetime(2017 - 08 - 01)`, as some docs examples write it.
        .or_else(|| {
            let collapsed = text.replace(" - ", "-");
            (collapsed.len() != text.len())
                .then(|| parse_iso_datetime(&collapsed))
                .flatten()
        })
}

fn parse_iso_datetime(text: &str) -> Option<i64> {
    let (text, offset) = split_utc_offset(text)?;
    let (date, time) = match text.find(['T', ' ']) {
        Some(i) => (text.get(..i)?, text.get(i + 1..)?.trim()),
        None => (text, ""),
    };
    let parts: Vec<&str> = date.split(['-', '/']).collect();
    let number = |s: &str| -> Option<i64> {
        s.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| s.parse().ok())
            .flatten()
    };
    let (year, month, day) = match parts.as_slice() {
        [y, m, d] if y.len() == 4 => (number(y)?, number(m)?, number(d)?),
        // `MM-dd-yyyy`, the US order.
        [m, d, y] if y.len() == 4 && m.len() <= 2 => (number(y)?, number(m)?, number(d)?),
        _ => return None,
    };
    let days = civil_days(year, month, day)?;
    Some(days * TICKS_PER_DAY + parse_time_of_day(time)? - offset)
}

/// Strips a trailing `Z`, ` GMT`/` UTC` or `+hh:mm`/`-hhmm` and returns the offset in ticks.
fn split_utc_offset(text: &str) -> Option<(&str, i64)> {
    let text = text.trim();
    for zone in ["Z", "z", " GMT", " UTC", " gmt", " utc"] {
        if let Some(rest) = text.strip_suffix(zone) {
            return Some((rest.trim_end(), 0));
        }
    }
    // An offset follows the time: look for a sign after a `:` of the clock.
    let Some(clock) = text.find(':') else {
        return Some((text, 0));
    };
    let Some(sign_at) = text
        .get(clock..)
        .and_then(|t| t.rfind(['+', '-']))
        .map(|i| clock + i)
    else {
        return Some((text, 0));
    };
    let zone = text.get(sign_at + 1..)?.replace(':', "");
    if zone.len() != 4 || !zone.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i64 = zone.get(..2)?.parse().ok()?;
    let minutes: i64 = zone.get(2..)?.parse().ok()?;
    let ticks = (hours * 60 + minutes) * 60 * TICKS_PER_SECOND;
    let signed = if text.get(sign_at..)?.starts_with('-') {
        -ticks
    } else {
        ticks
    };
    Some((text.get(..sign_at)?.trim_end(), signed))
}

/// Days since 1970 of a valid calendar date in years 1..=9999.
fn civil_days(year: i64, month: i64, day: i64) -> Option<i64> {
    let month = u32::try_from(month).ok().filter(|m| (1..=12).contains(m))?;
    let day = u32::try_from(day).ok().filter(|d| (1..=31).contains(d))?;
    if !(1..=9999).contains(&year) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    // Reject 2017-02-30 and the like: the date must round-trip.
    (crate::value::civil_from_days(days) == (year, month, day)).then_some(days)
}

/// RFC 822 / RFC 850: `[Weekday,] d Mon yy[yy] hh:mm[:ss] [GMT]`, with `-` or spaces
/// between the date's parts.
fn parse_rfc_datetime(text: &str) -> Option<i64> {
    let (text, offset) = split_utc_offset(text)?;
    let text = match text.split_once(',') {
        Some((weekday, rest)) if weekday.chars().all(|c| c.is_ascii_alphabetic()) => rest,
        _ => text,
    };
    let mut words = text.split_whitespace();
    let first = words.next()?;
    let (day, month, year) = match first.split('-').collect::<Vec<_>>().as_slice() {
        [d, m, y] => (*d, *m, *y),
        _ => (first, words.next()?, words.next()?),
    };
    let month = month_number(month)?;
    let year = match (year.len(), year.parse::<i64>().ok()?) {
        // .NET's two-digit year window: 00-49 are 20xx, 50-99 are 19xx.
        (2, y) if y < 50 => 2000 + y,
        (2, y) => 1900 + y,
        (4, y) => y,
        _ => return None,
    };
    let days = civil_days(year, month, day.parse().ok()?)?;
    let time = words.collect::<Vec<_>>().join(" ");
    Some(days * TICKS_PER_DAY + parse_time_of_day(&time)? - offset)
}

fn month_number(name: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = name.to_ascii_lowercase();
    let prefix = lower.get(..3)?;
    let index = MONTHS.iter().position(|m| *m == prefix)?;
    Some(index as i64 + 1)
}

/// `2025, 6, 14[, 10, 30, 0]`: the date and time as numbers.
fn parse_comma_datetime(text: &str) -> Option<i64> {
    let numbers: Vec<i64> = text
        .split(',')
        .map(|p| p.trim().parse().ok())
        .collect::<Option<_>>()?;
    let (date, time) = (numbers.get(..3)?, numbers.get(3..).unwrap_or_default());
    let days = civil_days(*date.first()?, *date.get(1)?, *date.get(2)?)?;
    let part = |i: usize| time.get(i).copied().unwrap_or(0);
    if time.len() > 3
        || !(0..24).contains(&part(0))
        || !(0..60).contains(&part(1))
        || !(0..60).contains(&part(2))
    {
        return None;
    }
    Some(days * TICKS_PER_DAY + ((part(0) * 60 + part(1)) * 60 + part(2)) * TICKS_PER_SECOND)
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
        assert!(parse_datetime("2017-02-30").is_none());
        assert_eq!(parse_datetime("12-02-2022"), parse_datetime("2022-12-02"));
        assert_eq!(parse_datetime("2025, 6, 14"), parse_datetime("2025-06-14"));
        assert_eq!(
            parse_datetime("2017 - 08 - 01"),
            parse_datetime("2017-08-01")
        );
        let rfc = parse_datetime("2014-11-08 15:05:02");
        assert_eq!(parse_datetime("Sat, 8 Nov 14 15:05:02 GMT"), rfc);
        assert_eq!(parse_datetime("Saturday, 08-Nov-14 15:05:02"), rfc);
        assert_eq!(parse_datetime("8 Nov 2014 15:05:02"), rfc);
        assert_eq!(parse_datetime("2014-11-08T17:05:02+02:00"), rfc);
        assert_eq!(parse_datetime("2014-11-08T13:05:02-0200"), rfc);
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
