//! Dynamic values: parse_json, pack_array, bag_pack, array_length, array_concat...

use std::sync::Arc;

use super::arg;
use crate::kql::eval::scalar::as_text;
use crate::kql::eval::Result;
use crate::value::Value;

fn dynamic(json: serde_json::Value) -> Value {
    Value::Dynamic(Arc::new(json))
}

fn json(value: &Value) -> serde_json::Value {
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
        "bag_pack" => {
            let mut map = serde_json::Map::new();
            for pair in args.chunks(2) {
                if let [key, value] = pair {
                    map.insert(as_text(key).unwrap_or_default(), json(value));
                }
            }
            dynamic(serde_json::Value::Object(map))
        }
        "array_length" => match arg(args, 0) {
            Value::Dynamic(d) => d
                .as_array()
                .map_or(Value::Null, |a| Value::Long(a.len() as i64)),
            _ => Value::Null,
        },
        "array_concat" => {
            let mut out = Vec::new();
            for value in args {
                match json(value) {
                    serde_json::Value::Array(items) => out.extend(items),
                    _ => return Ok(Some(Value::Null)),
                }
            }
            dynamic(serde_json::Value::Array(out))
        }
        "bag_keys" => match arg(args, 0) {
            Value::Dynamic(d) => d.as_object().map_or(Value::Null, |m| {
                dynamic(serde_json::Value::Array(
                    m.keys().cloned().map(serde_json::Value::String).collect(),
                ))
            }),
            _ => Value::Null,
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
        "range" => {
            let (start, stop, step) = (
                arg(args, 0),
                arg(args, 1),
                args.get(2).cloned().unwrap_or(Value::Long(1)),
            );
            let mut out = Vec::new();
            let mut current = start;
            let ascending = crate::kql::eval::scalar::compare(&step, &Value::Long(0))
                .is_some_and(|o| o.is_gt())
                || matches!(step, Value::Timespan(t) if t > 0);
            while crate::kql::eval::scalar::compare(&current, &stop).is_some_and(|o| {
                if ascending {
                    o.is_le()
                } else {
                    o.is_ge()
                }
            }) {
                out.push(current.to_json());
                if out.len() >= 1_048_576 {
                    break;
                }
                current = crate::kql::eval::scalar::arithmetic(
                    crate::kql::ast::BinaryOp::Add,
                    &current,
                    &step,
                );
                if current.is_null() {
                    break;
                }
            }
            dynamic(serde_json::Value::Array(out))
        }
        "array_slice" => {
            let Some(items) = array(&arg(args, 0)) else {
                return Ok(Some(Value::Null));
            };
            let len = items.len() as i64;
            let clamp = |i: i64| if i < 0 { (len + i).max(0) } else { i.min(len) } as usize;
            let start = clamp(crate::kql::eval::scalar::as_i64(&arg(args, 1)).unwrap_or(0));
            let end = clamp(crate::kql::eval::scalar::as_i64(&arg(args, 2)).unwrap_or(len - 1)) + 1;
            dynamic(serde_json::Value::Array(
                items
                    .get(start..end.min(items.len()).max(start))
                    .unwrap_or(&[])
                    .to_vec(),
            ))
        }
        "array_reverse" => array(&arg(args, 0)).map_or(Value::Null, |mut items| {
            items.reverse();
            dynamic(serde_json::Value::Array(items))
        }),
        "array_index_of" => {
            let Some(items) = array(&arg(args, 0)) else {
                return Ok(Some(Value::Null));
            };
            let needle = json(&arg(args, 1));
            Value::Long(
                items
                    .iter()
                    .position(|i| *i == needle)
                    .map_or(-1, |p| p as i64),
            )
        }
        "array_sum" => {
            let Some(items) = array(&arg(args, 0)) else {
                return Ok(Some(Value::Null));
            };
            let numbers: Option<Vec<f64>> = items.iter().map(serde_json::Value::as_f64).collect();
            numbers.map_or(Value::Null, |n| Value::Real(n.iter().sum()))
        }
        "array_sort_asc" | "array_sort_desc" => {
            let Some(mut items) = array(&arg(args, 0)) else {
                return Ok(Some(Value::Null));
            };
            items.sort_by(|a, b| {
                let (x, y) = (
                    crate::kql::eval::scalar::dynamic_scalar(a),
                    crate::kql::eval::scalar::dynamic_scalar(b),
                );
                crate::kql::eval::scalar::compare(&x, &y).unwrap_or(std::cmp::Ordering::Equal)
            });
            if name == "array_sort_desc" {
                items.reverse();
            }
            dynamic(serde_json::Value::Array(items))
        }
        "set_union" | "set_intersect" | "set_difference" => {
            let arrays: Option<Vec<Vec<serde_json::Value>>> = args.iter().map(array).collect();
            let Some(arrays) = arrays else {
                return Ok(Some(Value::Null));
            };
            let mut out: Vec<serde_json::Value> = Vec::new();
            let first = arrays.first().cloned().unwrap_or_default();
            let candidates: Vec<serde_json::Value> = if name == "set_union" {
                arrays.concat()
            } else {
                first
            };
            for item in candidates {
                let keep = match name {
                    "set_intersect" => arrays.iter().skip(1).all(|a| a.contains(&item)),
                    "set_difference" => !arrays.iter().skip(1).any(|a| a.contains(&item)),
                    _ => true,
                };
                if keep && !out.contains(&item) {
                    out.push(item);
                }
            }
            dynamic(serde_json::Value::Array(out))
        }
        "set_has_element" => array(&arg(args, 0)).map_or(Value::Null, |items| {
            Value::Bool(items.contains(&json(&arg(args, 1))))
        }),
        "bag_has_key" => match (arg(args, 0), as_text(&arg(args, 1))) {
            (Value::Dynamic(d), Some(key)) => {
                Value::Bool(d.as_object().is_some_and(|m| m.contains_key(&key)))
            }
            _ => Value::Null,
        },
        "bag_merge" => {
            let mut out = serde_json::Map::new();
            for value in args {
                if let serde_json::Value::Object(map) = json(value) {
                    for (k, v) in map {
                        out.entry(k).or_insert(v);
                    }
                }
            }
            dynamic(serde_json::Value::Object(out))
        }
        "zip" => {
            let arrays: Option<Vec<Vec<serde_json::Value>>> = args.iter().map(array).collect();
            let Some(arrays) = arrays else {
                return Ok(Some(Value::Null));
            };
            let longest = arrays.iter().map(Vec::len).max().unwrap_or(0);
            dynamic(serde_json::Value::Array(
                (0..longest)
                    .map(|i| {
                        serde_json::Value::Array(
                            arrays
                                .iter()
                                .map(|a| a.get(i).cloned().unwrap_or(serde_json::Value::Null))
                                .collect(),
                        )
                    })
                    .collect(),
            ))
        }
        _ => return Ok(None),
    }))
}

/// The items of a dynamic array.
fn array(value: &Value) -> Option<Vec<serde_json::Value>> {
    match value {
        Value::Dynamic(d) => d.as_array().cloned(),
        _ => None,
    }
}
