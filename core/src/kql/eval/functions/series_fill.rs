//! The series fill functions: series_fill_forward, series_fill_backward,
//! series_fill_const and series_fill_linear. A missing element is null, or equal to the
//! given placeholder.

use serde_json::Value as Json;

use super::arg;
use super::dynamic::{array, dynamic};
use crate::kql::eval::scalar::as_f64;
use crate::kql::eval::Result;
use crate::value::Value;

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    let series = || array(&arg(args, 0));
    Ok(Some(match name {
        "series_fill_forward" | "series_fill_backward" => {
            let Some(mut items) = series() else {
                return Ok(Some(Value::Null));
            };
            let placeholder = arg(args, 1);
            let is_backward = name == "series_fill_backward";
            if is_backward {
                items.reverse();
            }
            let mut last: Option<Json> = None;
            for item in &mut items {
                if is_missing(item, &placeholder) {
                    if let Some(value) = &last {
                        *item = value.clone();
                    }
                } else {
                    last = Some(item.clone());
                }
            }
            if is_backward {
                items.reverse();
            }
            dynamic(Json::Array(items))
        }
        "series_fill_const" => {
            let Some(items) = series() else {
                return Ok(Some(Value::Null));
            };
            let constant = args.get(1).map_or(Json::from(0), Value::to_json);
            let placeholder = arg(args, 2);
            dynamic(Json::Array(
                items
                    .into_iter()
                    .map(|item| {
                        if is_missing(&item, &placeholder) {
                            constant.clone()
                        } else {
                            item
                        }
                    })
                    .collect(),
            ))
        }
        "series_fill_linear" => series().map_or(Value::Null, |items| {
            let fill_edges = !matches!(arg(args, 2), Value::Bool(false));
            let constant = match args.get(3) {
                Some(v) => as_f64(v),
                None => Some(0.0),
            };
            dynamic(Json::Array(fill_linear(
                &items,
                &arg(args, 1),
                fill_edges,
                constant,
            )))
        }),
        _ => return Ok(None),
    }))
}

/// A JSON number for a real; NaN and infinities as Kusto prints them.
fn real(x: f64) -> Json {
    Value::Real(x).to_json()
}

/// Whether an element stands for a missing value: null, or equal to the placeholder.
fn is_missing(item: &Json, placeholder: &Value) -> bool {
    match as_f64(placeholder) {
        Some(p) => item.as_f64() == Some(p) || (p.is_nan() && item.is_null()),
        None => item.is_null(),
    }
}

/// `series_fill_linear`: interpolates between known neighbours; edges take the nearest
/// known value when `fill_edges`; an all-missing series becomes `constant`. Integer
/// series stay integers (interpolated values truncated).
fn fill_linear(
    items: &[Json],
    placeholder: &Value,
    fill_edges: bool,
    constant: Option<f64>,
) -> Vec<Json> {
    let known: Vec<(usize, f64)> = items
        .iter()
        .enumerate()
        .filter(|(_, item)| !is_missing(item, placeholder))
        .filter_map(|(i, item)| Some((i, item.as_f64()?)))
        .collect();
    if known.is_empty() {
        return items
            .iter()
            .map(|_| constant.map_or(Json::Null, real))
            .collect();
    }
    let is_integer = items
        .iter()
        .filter(|item| !is_missing(item, placeholder))
        .all(|item| item.is_i64() || item.is_u64());
    let number = |x: f64| {
        if is_integer {
            Json::from(x.trunc() as i64)
        } else {
            real(x)
        }
    };
    let mut out = items.to_vec();
    let (first, last) = match (known.first(), known.last()) {
        (Some(f), Some(l)) => (*f, *l),
        _ => return out,
    };
    for (i, slot) in out.iter_mut().enumerate() {
        if !is_missing(slot, placeholder) {
            continue;
        }
        if i < first.0 || i > last.0 {
            if fill_edges {
                *slot = number(if i < first.0 { first.1 } else { last.1 });
            }
            continue;
        }
        let after = known.partition_point(|(k, _)| *k < i);
        if let (Some(&(i0, y0)), Some(&(i1, y1))) =
            (known.get(after.wrapping_sub(1)), known.get(after))
        {
            let t = (i - i0) as f64 / (i1 - i0) as f64;
            *slot = number(y0 + (y1 - y0) * t);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kql::eval::functions::dynamic::json;

    fn eval(name: &str, args: &[Value]) -> Json {
        json(&call(name, args).unwrap().unwrap())
    }

    fn d(text: &str) -> Value {
        dynamic(serde_json::from_str(text).unwrap())
    }

    #[test]
    fn fills() {
        let s = d("[null,null,36,41,null,null,16,61,33,null,null]");
        assert_eq!(
            eval("series_fill_forward", std::slice::from_ref(&s)),
            serde_json::json!([null, null, 36, 41, 41, 41, 16, 61, 33, 33, 33])
        );
        assert_eq!(
            eval("series_fill_backward", std::slice::from_ref(&s)),
            serde_json::json!([36, 36, 36, 41, 16, 16, 16, 61, 33, null, null])
        );
        assert_eq!(
            eval(
                "series_fill_linear",
                &[d("[null,111,null,36,41,null,null,16]")]
            ),
            serde_json::json!([111, 111, 73, 36, 41, 32, 24, 16])
        );
        assert_eq!(
            eval(
                "series_fill_linear",
                &[
                    d("[null,null]"),
                    Value::Null,
                    Value::Bool(true),
                    Value::Real(1.5)
                ]
            ),
            serde_json::json!([1.5, 1.5])
        );
    }
}
