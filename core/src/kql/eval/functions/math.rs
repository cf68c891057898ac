//! Numeric functions, including `bin`/`floor` over numbers, datetimes and timespans.

use super::arg;
use crate::kql::eval::scalar::as_f64;
use crate::kql::eval::Result;
use crate::value::Value;

/// Rounds `value` down to a multiple of `size`.
fn bin(value: &Value, size: &Value) -> Value {
    match (value, size) {
        (Value::Datetime(t), Value::Timespan(s)) if *s > 0 => Value::Datetime(t.div_euclid(*s) * s),
        (Value::Timespan(t), Value::Timespan(s)) if *s > 0 => Value::Timespan(t.div_euclid(*s) * s),
        (Value::Long(n), Value::Long(s)) if *s > 0 => Value::Long(n.div_euclid(*s) * s),
        (Value::Int(n), Value::Long(s)) if *s > 0 => Value::Long((*n as i64).div_euclid(*s) * s),
        _ => match (as_f64(value), as_f64(size)) {
            (Some(v), Some(s)) if s > 0.0 => Value::Real((v / s).floor() * s),
            _ => Value::Null,
        },
    }
}

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    let number = |i: usize| as_f64(&arg(args, i));
    let real = |f: Option<f64>| f.map_or(Value::Null, Value::Real);
    Ok(Some(match name {
        "bin" | "floor" => bin(&arg(args, 0), &arg(args, 1)),
        "abs" => match arg(args, 0) {
            Value::Long(n) => Value::Long(n.wrapping_abs()),
            Value::Int(n) => Value::Int(n.wrapping_abs()),
            Value::Timespan(t) => Value::Timespan(t.wrapping_abs()),
            other => real(as_f64(&other).map(f64::abs)),
        },
        "round" => {
            let digits = number(1).unwrap_or(0.0) as i32;
            let factor = 10f64.powi(digits);
            real(number(0).map(|v| (v * factor).round() / factor))
        }
        "ceiling" => real(number(0).map(f64::ceil)),
        "sqrt" => real(number(0).map(f64::sqrt)),
        "exp" => real(number(0).map(f64::exp)),
        "log" => real(number(0).map(f64::ln)),
        "log10" => real(number(0).map(f64::log10)),
        "log2" => real(number(0).map(f64::log2)),
        "pow" => match (number(0), number(1)) {
            (Some(b), Some(e)) => Value::Real(b.powf(e)),
            _ => Value::Null,
        },
        "sign" => real(number(0).map(|v| if v == 0.0 { 0.0 } else { v.signum() })),
        "pi" => Value::Real(std::f64::consts::PI),
        "isnan" => Value::Bool(number(0).is_some_and(f64::is_nan)),
        "isinf" => Value::Bool(number(0).is_some_and(f64::is_infinite)),
        "isfinite" => Value::Bool(number(0).is_some_and(f64::is_finite)),
        "max_of" => args
            .iter()
            .filter(|v| !v.is_null())
            .cloned()
            .reduce(|a, b| {
                if crate::kql::eval::scalar::compare(&b, &a).is_some_and(|o| o.is_gt()) {
                    b
                } else {
                    a
                }
            })
            .unwrap_or(Value::Null),
        "min_of" => args
            .iter()
            .filter(|v| !v.is_null())
            .cloned()
            .reduce(|a, b| {
                if crate::kql::eval::scalar::compare(&b, &a).is_some_and(|o| o.is_lt()) {
                    b
                } else {
                    a
                }
            })
            .unwrap_or(Value::Null),
        _ => return Ok(None),
    }))
}
