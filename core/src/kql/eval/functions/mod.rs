//! Scalar functions, by family: `string.rs`, `math.rs`, `conversion.rs`, `dynamic.rs`,
//! `datetime.rs`, `datetime_format.rs`, `hash.rs`, `encoding.rs`, `punycode.rs`, `ip.rs`,
//! `url.rs`, `array.rs`, `bag.rs`, `series*.rs`, `binary.rs`, `units.rs`, `sketch.rs`, and
//! `geo/` (behind the `geo` feature). Names resolve through the catalog's aliases
//! (`iif` -> `iff`).

mod array;
mod bag;
mod binary;
mod conversion;
mod datetime;
mod datetime_format;
mod dynamic;
mod encoding;
#[cfg(feature = "geo")]
mod geo;
mod hash;
mod ip;
mod math;
mod punycode;
mod series;
mod series_fill;
mod sketch;
mod special;
mod string;
pub mod tuple;
mod units;
mod url;

use super::{EvalError, Result};
use crate::value::Value;

/// Calls a built-in scalar function on evaluated arguments.
pub fn call(name: &str, args: &[Value]) -> Result<Value> {
    let canonical = crate::kql::functions::lookup(name).map_or(name, |info| info.name);
    if let Some(value) = string::call(canonical, args)? {
        return Ok(value);
    }
    if let Some(value) = math::call(canonical, args)? {
        return Ok(value);
    }
    if let Some(value) = conversion::call(canonical, args)? {
        return Ok(value);
    }
    if let Some(value) = dynamic::call(canonical, args)? {
        return Ok(value);
    }
    if let Some(value) = datetime::call(canonical, args)? {
        return Ok(value);
    }
    // Each family answers `None` for names it does not know.
    for family in [
        datetime_format::call,
        hash::call,
        encoding::call,
        punycode::call,
        ip::call,
        url::call,
        array::call,
        bag::call,
        series::call,
        series_fill::call,
        binary::call,
        units::call,
        sketch::call,
    ] {
        if let Some(value) = family(canonical, args)? {
            return Ok(value);
        }
    }
    #[cfg(feature = "geo")]
    if let Some(value) = geo::call(canonical, args)? {
        return Ok(value);
    }
    if let Some(value) = logic(canonical, args)? {
        return Ok(value);
    }
    Err(EvalError::unsupported(format!("function `{name}()`")))
}

/// Conditionals and null tests.
fn logic(name: &str, args: &[Value]) -> Result<Option<Value>> {
    let arg = |i: usize| args.get(i).cloned().unwrap_or(Value::Null);
    Ok(Some(match name {
        "iff" => {
            if matches!(arg(0), Value::Bool(true)) {
                arg(1)
            } else {
                arg(2)
            }
        }
        "case" => {
            let mut pairs = args.chunks(2);
            loop {
                match pairs.next() {
                    Some([condition, value]) => {
                        if matches!(condition, Value::Bool(true)) {
                            break value.clone();
                        }
                    }
                    Some([otherwise]) => break otherwise.clone(),
                    _ => break Value::Null,
                }
            }
        }
        "coalesce" => args
            .iter()
            .find(|v| !is_empty_value(v))
            .cloned()
            .unwrap_or(Value::Null),
        "isnull" => {
            Value::Bool(arg(0).is_null() || matches!(arg(0), Value::Dynamic(d) if d.is_null()))
        }
        "isnotnull" => {
            Value::Bool(!(arg(0).is_null() || matches!(arg(0), Value::Dynamic(d) if d.is_null())))
        }
        "isempty" => Value::Bool(is_empty_value(&arg(0))),
        "isnotempty" => Value::Bool(!is_empty_value(&arg(0))),
        "not" => match arg(0) {
            Value::Bool(b) => Value::Bool(!b),
            _ => Value::Null,
        },
        _ => return Ok(None),
    }))
}

/// Null, or an empty string (isempty's definition).
pub fn is_empty_value(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Dynamic(d) => d.is_null() || d.as_str().is_some_and(str::is_empty),
        _ => false,
    }
}

/// Compiles a regex (RE2 syntax, linear time) within the evaluation's size limit.
pub fn regex(pattern: &str) -> Result<regex::Regex> {
    super::limits::build_regex(pattern)
}

/// The i-th argument, or null.
pub(super) fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or(Value::Null)
}
