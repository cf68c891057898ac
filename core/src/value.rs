//! Scalar values shared by the KQL evaluator and the Sigma matcher.
//!
//! Datetimes and timespans count 100-nanosecond ticks, as Kusto does; datetimes count from
//! the Unix epoch so that `0` is `1970-01-01T00:00:00Z`.

use std::fmt::Write as _;
use std::sync::Arc;

use serde::Serialize;

pub const TICKS_PER_SECOND: i64 = 10_000_000;
pub const TICKS_PER_DAY: i64 = 86_400 * TICKS_PER_SECOND;

/// The scalar types of KQL (Sigma values map onto a subset).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ScalarType {
    Bool,
    Int,
    Long,
    Real,
    Decimal,
    String,
    Datetime,
    Timespan,
    Guid,
    Dynamic,
}

impl ScalarType {
    pub fn name(self) -> &'static str {
        match self {
            ScalarType::Bool => "bool",
            ScalarType::Int => "int",
            ScalarType::Long => "long",
            ScalarType::Real => "real",
            ScalarType::Decimal => "decimal",
            ScalarType::String => "string",
            ScalarType::Datetime => "datetime",
            ScalarType::Timespan => "timespan",
            ScalarType::Guid => "guid",
            ScalarType::Dynamic => "dynamic",
        }
    }

    /// Parses a type name as KQL writes it, including its aliases.
    pub fn parse(name: &str) -> Option<ScalarType> {
        Some(match name.to_ascii_lowercase().as_str() {
            "bool" | "boolean" => ScalarType::Bool,
            "int" | "int32" => ScalarType::Int,
            "long" | "int64" => ScalarType::Long,
            "real" | "double" | "float" => ScalarType::Real,
            "decimal" => ScalarType::Decimal,
            "string" => ScalarType::String,
            "datetime" | "date" => ScalarType::Datetime,
            "timespan" | "time" => ScalarType::Timespan,
            "guid" | "uuid" | "uniqueid" => ScalarType::Guid,
            "dynamic" => ScalarType::Dynamic,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i32),
    Long(i64),
    Real(f64),
    String(Arc<str>),
    /// Ticks since the Unix epoch.
    Datetime(i64),
    /// Ticks.
    Timespan(i64),
    Guid(u128),
    Dynamic(Arc<serde_json::Value>),
}

impl Value {
    pub fn string(s: &str) -> Value {
        Value::String(Arc::from(s))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn scalar_type(&self) -> Option<ScalarType> {
        Some(match self {
            Value::Null => return None,
            Value::Bool(_) => ScalarType::Bool,
            Value::Int(_) => ScalarType::Int,
            Value::Long(_) => ScalarType::Long,
            Value::Real(_) => ScalarType::Real,
            Value::String(_) => ScalarType::String,
            Value::Datetime(_) => ScalarType::Datetime,
            Value::Timespan(_) => ScalarType::Timespan,
            Value::Guid(_) => ScalarType::Guid,
            Value::Dynamic(_) => ScalarType::Dynamic,
        })
    }

    /// The value as JSON, per the result contract: datetimes as ISO-8601 UTC strings,
    /// timespans as Kusto prints them, dynamic values as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Long(i) => J::from(*i),
            Value::Real(f) => serde_json::Number::from_f64(*f)
                .map(J::Number)
                .unwrap_or_else(|| J::String(format_real(*f))),
            Value::String(s) => J::String(s.to_string()),
            Value::Datetime(t) => J::String(format_datetime(*t)),
            Value::Timespan(t) => J::String(format_timespan(*t)),
            Value::Guid(g) => J::String(format_guid(*g)),
            Value::Dynamic(d) => (**d).clone(),
        }
    }
}

/// Reals as Kusto prints the special values.
pub fn format_real(f: f64) -> String {
    if f.is_nan() {
        "NaN".to_string()
    } else if f.is_infinite() {
        if f > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
    } else {
        f.to_string()
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `2024-05-01T10:00:00.1234567Z`, trailing fractional zeros dropped.
pub fn format_datetime(ticks: i64) -> String {
    let days = ticks.div_euclid(TICKS_PER_DAY);
    let in_day = ticks.rem_euclid(TICKS_PER_DAY);
    let (y, m, d) = civil_from_days(days);
    let secs = in_day / TICKS_PER_SECOND;
    let frac = in_day % TICKS_PER_SECOND;
    let mut out = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        y,
        m,
        d,
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    if frac != 0 {
        let digits = format!("{frac:07}");
        let _ = write!(out, ".{}", digits.trim_end_matches('0'));
    }
    out.push('Z');
    out
}

/// Kusto's timespan text: `[-][d.]hh:mm:ss[.fffffff]`.
pub fn format_timespan(ticks: i64) -> String {
    let negative = ticks < 0;
    let t = ticks.unsigned_abs();
    let tps = TICKS_PER_SECOND as u64;
    let days = t / (TICKS_PER_DAY as u64);
    let secs = (t / tps) % 86_400;
    let frac = t % tps;
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if days > 0 {
        let _ = write!(out, "{days}.");
    }
    let _ = write!(
        out,
        "{:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    if frac != 0 {
        let _ = write!(out, ".{frac:07}");
    }
    out
}

pub fn format_guid(g: u128) -> String {
    let h = format!("{g:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in [-719_468, -1, 0, 1, 18_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn formats_like_kusto() {
        let t = days_from_civil(2017, 1, 1) * TICKS_PER_DAY + 5_000_000;
        assert_eq!(format_datetime(t), "2017-01-01T00:00:00.5Z");
        assert_eq!(
            format_timespan(
                TICKS_PER_DAY
                    + 2 * 3600 * TICKS_PER_SECOND
                    + 3 * 60 * TICKS_PER_SECOND
                    + 4 * TICKS_PER_SECOND
                    + 5_000_000
            ),
            "1.02:03:04.5000000"
        );
        assert_eq!(format_timespan(-90 * TICKS_PER_SECOND), "-00:01:30");
        assert_eq!(
            format_guid(0x0123456789abcdef0123456789abcdef),
            "01234567-89ab-cdef-0123-456789abcdef"
        );
    }
}
