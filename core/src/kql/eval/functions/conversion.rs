//! Conversions: tostring, toint, tolong, todouble/toreal, tobool, todatetime, totimespan,
//! toguid, tohex, format_bytes.

use super::arg;
use crate::kql::eval::literal::{parse_datetime, parse_guid, parse_real, parse_timespan};
use crate::kql::eval::scalar::{as_f64, as_i64, as_text, dynamic_scalar};
use crate::kql::eval::Result;
use crate::value::Value;

/// A dynamic scalar unwrapped, other values as they are.
fn unwrap(value: Value) -> Value {
    match &value {
        Value::Dynamic(json) if !json.is_array() && !json.is_object() => dynamic_scalar(json),
        _ => value,
    }
}

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    let value = unwrap(arg(args, 0));
    Ok(Some(match name {
        "tostring" => match &value {
            Value::Real(f) => Value::string(&real_text(*f)),
            other => as_text(other).map_or(Value::string(""), |s| Value::string(&s)),
        },
        "toint" | "tolong" => {
            let n = match &value {
                Value::String(s) => s
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .or_else(|| parse_real(s).filter(|f| f.is_finite()).map(|f| f as i64)),
                Value::Bool(b) => Some(i64::from(*b)),
                other => as_f64(other)
                    .filter(|f| f.is_finite())
                    .map(|f| f.trunc() as i64),
            };
            match (name, n) {
                ("toint", Some(n)) => i32::try_from(n).map_or(Value::Null, Value::Int),
                (_, Some(n)) => Value::Long(n),
                _ => Value::Null,
            }
        }
        "todouble" | "toreal" | "todecimal" => match &value {
            Value::String(s) => parse_real(s).map_or(Value::Null, Value::Real),
            Value::Bool(b) => Value::Real(f64::from(u8::from(*b))),
            other => as_f64(other).map_or(Value::Null, Value::Real),
        },
        "tobool" => match &value {
            Value::Bool(b) => Value::Bool(*b),
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" => Value::Bool(true),
                "false" | "0" => Value::Bool(false),
                _ => Value::Null,
            },
            other => as_f64(other).map_or(Value::Null, |f| Value::Bool(f != 0.0)),
        },
        "todatetime" => match &value {
            Value::Datetime(t) => Value::Datetime(*t),
            Value::String(s) => parse_datetime(s).map_or(Value::Null, Value::Datetime),
            _ => Value::Null,
        },
        "totimespan" => match &value {
            Value::Timespan(t) => Value::Timespan(*t),
            Value::String(s) => parse_timespan(s).map_or(Value::Null, Value::Timespan),
            _ => Value::Null,
        },
        "toguid" => match &value {
            Value::Guid(g) => Value::Guid(*g),
            Value::String(s) => parse_guid(s).map_or(Value::Null, Value::Guid),
            _ => Value::Null,
        },
        "tohex" => {
            let width = match arg(args, 1) {
                Value::Null => 0,
                other => as_i64(&other).map_or(0, |w| w.clamp(0, 64) as usize),
            };
            // Negative numbers show their two's complement at the value's own width.
            let digits = match &value {
                Value::Int(n) => format!("{:x}", *n as u32),
                Value::Long(n) => format!("{:x}", *n as u64),
                _ => return Ok(Some(Value::Null)),
            };
            Value::string(&format!("{digits:0>width$}"))
        }
        "format_bytes" => match as_f64(&value) {
            Some(size) => {
                let precision = as_i64(&arg(args, 1)).unwrap_or(0).clamp(0, 15) as i32;
                format_bytes(size, precision, as_text(&arg(args, 2)).as_deref())
                    .map_or(Value::Null, |s| Value::string(&s))
            }
            None => Value::Null,
        },
        _ => return Ok(None),
    }))
}

/// A real as .NET prints a double: the shortest text that round-trips, in scientific
/// notation (`1E+15`, `1E-05`) when the exponent is 15 or more, or below -5.
fn real_text(f: f64) -> String {
    if !f.is_finite() {
        return crate::value::format_real(f);
    }
    let scientific = format!("{f:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    match exponent.parse::<i32>() {
        Ok(e) if !(-5..15).contains(&e) => {
            let sign = if e < 0 { '-' } else { '+' };
            format!("{mantissa}E{sign}{:02}", e.unsigned_abs())
        }
        _ => f.to_string(),
    }
}

/// `19.08 MB`: the size in the given unit, or in the largest unit it reaches (base 1024).
fn format_bytes(size: f64, precision: i32, unit: Option<&str>) -> Option<String> {
    const UNITS: [&str; 7] = ["Bytes", "KB", "MB", "GB", "TB", "PB", "EB"];
    let index = match unit.filter(|u| !u.is_empty()) {
        Some(unit) => UNITS.iter().position(|u| u.eq_ignore_ascii_case(unit))?,
        None => {
            let mut index = 0;
            while index + 1 < UNITS.len() && size.abs() >= 1024f64.powi(index as i32 + 1) {
                index += 1;
            }
            index
        }
    };
    let scaled = size / 1024f64.powi(index as i32);
    let factor = 10f64.powi(precision);
    let rounded = (scaled * factor).round() / factor;
    Some(format!("{rounded} {}", UNITS.get(index)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str, args: &[Value]) -> Value {
        call(name, args).ok().flatten().unwrap_or(Value::Null)
    }

    #[test]
    fn hex_guids_and_byte_sizes() {
        assert_eq!(run("tohex", &[Value::Long(256)]), Value::string("100"));
        assert_eq!(
            run("tohex", &[Value::Long(-256)]),
            Value::string("ffffffffffffff00")
        );
        assert_eq!(
            run("tohex", &[Value::Int(-256), Value::Long(8)]),
            Value::string("ffffff00")
        );
        assert_eq!(
            run("tohex", &[Value::Long(256), Value::Long(8)]),
            Value::string("00000100")
        );
        assert_eq!(
            run(
                "toguid",
                &[Value::string("74be27de-1e4e-49d9-b579-fe0b331d3642")]
            ),
            Value::Guid(0x74be27de_1e4e_49d9_b579_fe0b331d3642)
        );
        assert_eq!(run("toguid", &[Value::string("x")]), Value::Null);
        assert_eq!(real_text(1.0), "1");
        assert_eq!(real_text(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(real_text(1e15), "1E+15");
        assert_eq!(real_text(-1.5e-7), "-1.5E-07");
        assert_eq!(real_text(123456789012345.0), "123456789012345");
        assert_eq!(real_text(0.0001), "0.0001");
        assert_eq!(format_bytes(564.0, 0, None).as_deref(), Some("564 Bytes"));
        assert_eq!(format_bytes(10332.0, 1, None).as_deref(), Some("10.1 KB"));
        assert_eq!(format_bytes(20010332.0, 0, None).as_deref(), Some("19 MB"));
        assert_eq!(
            format_bytes(20010332.0, 2, None).as_deref(),
            Some("19.08 MB")
        );
        assert_eq!(
            format_bytes(20010332.0, 0, Some("KB")).as_deref(),
            Some("19541 KB")
        );
    }
}
