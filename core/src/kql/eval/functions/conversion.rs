//! Conversions: tostring, toint, tolong, todouble/toreal, tobool, todatetime, totimespan.

use super::arg;
use crate::kql::eval::literal::{parse_datetime, parse_real, parse_timespan};
use crate::kql::eval::scalar::{as_f64, as_text, dynamic_scalar};
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
        "tostring" => as_text(&value).map_or(Value::string(""), |s| Value::string(&s)),
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
        _ => return Ok(None),
    }))
}
