//! Numeric functions, including `bin`/`floor` over numbers, datetimes and timespans.

use super::{arg, special};
use crate::kql::ast::BinaryOp;
use crate::kql::eval::scalar::{arithmetic, as_f64, compare};
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

/// `bin_at(value, size, fixed_point)`: bins aligned so that `fixed_point` starts a bin.
fn bin_at(value: &Value, size: &Value, fixed_point: &Value) -> Value {
    let offset = arithmetic(BinaryOp::Sub, value, fixed_point);
    // Datetimes differ by a timespan; bin the offset, then move back to the fixed point.
    let binned = bin(&offset, size);
    arithmetic(BinaryOp::Add, fixed_point, &binned)
}

/// `around(value, center, delta)`: whether value lies in [center - delta, center + delta].
fn around(value: &Value, center: &Value, delta: &Value) -> Value {
    let low = arithmetic(BinaryOp::Sub, center, delta);
    let high = arithmetic(BinaryOp::Add, center, delta);
    match (compare(value, &low), compare(value, &high)) {
        (Some(a), Some(b)) => Value::Bool(a.is_ge() && b.is_le()),
        _ => Value::Null,
    }
}

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    let number = |i: usize| as_f64(&arg(args, i));
    let real = |f: Option<f64>| f.map_or(Value::Null, Value::Real);
    Ok(Some(match name {
        "bin" | "floor" => bin(&arg(args, 0), &arg(args, 1)),
        "bin_at" => bin_at(&arg(args, 0), &arg(args, 1), &arg(args, 2)),
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
        "sin" => real(number(0).map(f64::sin)),
        "cos" => real(number(0).map(f64::cos)),
        "tan" => real(number(0).map(f64::tan)),
        "cot" => real(number(0).map(|v| 1.0 / v.tan())),
        "asin" => real(number(0).map(f64::asin)),
        "acos" => real(number(0).map(f64::acos)),
        "atan" => real(number(0).map(f64::atan)),
        "atan2" => match (number(0), number(1)) {
            (Some(y), Some(x)) => Value::Real(y.atan2(x)),
            _ => Value::Null,
        },
        "degrees" => real(number(0).map(f64::to_degrees)),
        "radians" => real(number(0).map(f64::to_radians)),
        "exp2" => real(number(0).map(f64::exp2)),
        "exp10" => real(number(0).map(|v| 10f64.powf(v))),
        "gamma" => real(number(0).map(special::gamma)),
        "loggamma" => real(number(0).map(special::ln_gamma)),
        "erf" => real(number(0).map(special::erf)),
        "erfc" => real(number(0).map(special::erfc)),
        "beta_cdf" | "beta_pdf" | "beta_inv" => match (number(0), number(1), number(2)) {
            (Some(x), Some(a), Some(b)) => Value::Real(match name {
                "beta_cdf" => special::beta_cdf(x, a, b),
                "beta_pdf" => special::beta_pdf(x, a, b),
                _ => special::beta_inv(x, a, b),
            }),
            _ => Value::Null,
        },
        "around" => around(&arg(args, 0), &arg(args, 1), &arg(args, 2)),
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
                if compare(&b, &a).is_some_and(|o| o.is_gt()) {
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
                if compare(&b, &a).is_some_and(|o| o.is_lt()) {
                    b
                } else {
                    a
                }
            })
            .unwrap_or(Value::Null),
        _ => return Ok(None),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::TICKS_PER_SECOND;

    #[test]
    fn bin_at_aligns_to_the_fixed_point() {
        let hour = 3600 * TICKS_PER_SECOND;
        assert_eq!(
            bin_at(
                &Value::Timespan(hour),
                &Value::Timespan(24 * hour),
                &Value::Timespan(12 * hour)
            ),
            Value::Timespan(-12 * hour)
        );
        assert_eq!(
            bin_at(&Value::Long(7), &Value::Long(5), &Value::Long(1)),
            Value::Long(6)
        );
        assert_eq!(
            bin_at(
                &Value::Datetime(10 * hour),
                &Value::Timespan(4 * hour),
                &Value::Datetime(hour)
            ),
            Value::Datetime(9 * hour)
        );
    }

    #[test]
    fn special_and_trig() {
        let eval = |name: &str, x: f64| match call(name, &[Value::Real(x)]) {
            Ok(Some(Value::Real(r))) => r,
            _ => f64::NAN,
        };
        assert!((eval("degrees", std::f64::consts::PI) - 180.0).abs() < 1e-12);
        assert!((eval("cot", 1.0) - 0.642_092_615_934_330_7).abs() < 1e-12);
        assert!((eval("exp10", 2.0) - 100.0).abs() < 1e-9);
        assert!((eval("gamma", 5.0) - 24.0).abs() < 1e-9);
    }
}
