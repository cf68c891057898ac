//! Dynamic values: parse_json, pack_array, array_length, gettype, and the JSON helpers
//! the array, bag and series families share.

use std::sync::Arc;

use super::arg;
use crate::kql::eval::Result;
use crate::value::Value;

/// Wraps JSON as a dynamic value.
pub(super) fn dynamic(json: serde_json::Value) -> Value {
    Value::Dynamic(Arc::new(json))
}

/// A value as JSON (dynamic values as they are).
pub(super) fn json(value: &Value) -> serde_json::Value {
    match value {
        Value::Dynamic(d) => (**d).clone(),
        other => other.to_json(),
    }
}

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    Ok(Some(match name {
        "parse_json" => match arg(args, 0) {
            Value::String(s) => serde_json::from_str(&s).map_or_else(
                |_| dynamic(serde_json::Value::String(s.to_string())),
                dynamic,
            ),
            Value::Dynamic(d) => Value::Dynamic(d),
            Value::Null => dynamic(serde_json::Value::Null),
            other => dynamic(other.to_json()),
        },
        "pack_array" => dynamic(serde_json::Value::Array(args.iter().map(json).collect())),
        "array_length" => match arg(args, 0) {
            Value::Dynamic(d) => d
                .as_array()
                .map_or(Value::Null, |a| Value::Long(a.len() as i64)),
            _ => Value::Null,
        },
        // Canonical JSON: compact, keys sorted (serde_json's map keeps keys sorted).
        "dynamic_to_json" => match arg(args, 0) {
            Value::Null => Value::Null,
            value => Value::string(&json(&value).to_string()),
        },
        "gettype" => Value::string(match arg(args, 0) {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Long(_) => "long",
            Value::Real(_) => "real",
            Value::String(_) => "string",
            Value::Datetime(_) => "datetime",
            Value::Timespan(_) => "timespan",
            Value::Guid(_) => "guid",
            Value::Dynamic(d) => match &*d {
                serde_json::Value::Array(_) => "array",
                serde_json::Value::Object(_) => "dictionary",
                serde_json::Value::String(_) => "string",
                serde_json::Value::Bool(_) => "bool",
                serde_json::Value::Number(n) if n.is_i64() => "long",
                serde_json::Value::Number(_) => "real",
                serde_json::Value::Null => "null",
            },
        }),
        _ => return Ok(None),
    }))
}

/// The items of a dynamic array.
pub(super) fn array(value: &Value) -> Option<Vec<serde_json::Value>> {
    match value {
        Value::Dynamic(d) => d.as_array().cloned(),
        _ => None,
    }
}
