//! Dynamic arrays: slicing, shifting, sorting, splitting, sets, `range()`, `repeat()`.
//!
//! Arguments that are not arrays where an array is expected give null, as in Kusto.

use std::cmp::Ordering;

use serde_json::Value as Json;

use super::arg;
use super::dynamic::{array, dynamic, json};
use crate::kql::ast::BinaryOp;
use crate::kql::eval::scalar::{arithmetic, as_i64, as_text, compare, dynamic_scalar};
use crate::kql::eval::Result;
use crate::value::Value;

/// The longest array `range()` and `repeat()` build (Kusto's documented cap).
const MAX_ARRAY_LENGTH: usize = 1_048_576;

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    let integer = |i: usize| as_i64(&arg(args, i));
    Ok(Some(match name {
        "array_concat" => {
            let mut out = Vec::new();
            for value in args {
                match json(value) {
                    Json::Array(items) => out.extend(items),
                    _ => return Ok(Some(Value::Null)),
                }
            }
            dynamic(Json::Array(out))
        }
        "array_iff" => array_iff(&arg(args, 0), &arg(args, 1), &arg(args, 2)),
        "array_index_of" => match array(&arg(args, 0)) {
            Some(items) => index_of(
                &items,
                &arg(args, 1),
                integer(2).unwrap_or(0),
                integer(3).unwrap_or(-1),
                integer(4).unwrap_or(1),
            ),
            None => Value::Null,
        },
        "array_reverse" => with_array(args, |mut items| {
            items.reverse();
            items
        }),
        "array_rotate_left" | "array_rotate_right" => {
            let Some(count) = integer(1) else {
                return Ok(Some(Value::Null));
            };
            let count = if name == "array_rotate_right" {
                count.checked_neg().unwrap_or(0)
            } else {
                count
            };
            with_array(args, |mut items| {
                if !items.is_empty() {
                    let len = items.len() as i64;
                    items.rotate_left(count.rem_euclid(len) as usize);
                }
                items
            })
        }
        "array_shift_left" | "array_shift_right" => {
            let Some(count) = integer(1) else {
                return Ok(Some(Value::Null));
            };
            let count = if name == "array_shift_right" {
                count.checked_neg().unwrap_or(0)
            } else {
                count
            };
            let fill = json(&arg(args, 2));
            with_array(args, |items| shift_left(&items, count, &fill))
        }
        "array_slice" => {
            let Some(items) = array(&arg(args, 0)) else {
                return Ok(Some(Value::Null));
            };
            let len = items.len() as i64;
            let position = |i: i64| if i < 0 { len.saturating_add(i) } else { i };
            let start = position(integer(1).unwrap_or(0)).max(0);
            let end = position(integer(2).unwrap_or(len - 1)).min(len - 1);
            let slice = if start > end {
                Vec::new()
            } else {
                items
                    .get(start as usize..=end as usize)
                    .map(<[Json]>::to_vec)
                    .unwrap_or_default()
            };
            dynamic(Json::Array(slice))
        }
        "array_sort_asc" | "array_sort_desc" => sort(args, name == "array_sort_desc"),
        "array_split" => {
            let Some(items) = array(&arg(args, 0)) else {
                return Ok(Some(Value::Null));
            };
            let indices: Vec<i64> = match arg(args, 1) {
                Value::Dynamic(d) => match d.as_array() {
                    Some(list) => list.iter().filter_map(|v| v.as_i64()).collect(),
                    None => d.as_i64().into_iter().collect(),
                },
                other => as_i64(&other).into_iter().collect(),
            };
            dynamic(Json::Array(split(&items, &indices)))
        }
        "strcat_array" | "array_strcat" => match (array(&arg(args, 0)), as_text(&arg(args, 1))) {
            (Some(items), Some(delimiter)) => Value::string(
                &items
                    .iter()
                    .map(|item| as_text(&dynamic_scalar(item)).unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join(&delimiter),
            ),
            _ => Value::Null,
        },
        "jaccard_index" => match (array(&arg(args, 0)), array(&arg(args, 1))) {
            (Some(a), Some(b)) => {
                let (a, b) = (distinct(a), distinct(b));
                let common = a.iter().filter(|x| b.contains(x)).count();
                let union = a.len() + b.len() - common;
                Value::Real(common as f64 / union as f64)
            }
            _ => Value::Null,
        },
        "range" => range(&arg(args, 0), &arg(args, 1), args.get(2)),
        "repeat" => match integer(1) {
            Some(count) => {
                let count = usize::try_from(count).unwrap_or(0).min(MAX_ARRAY_LENGTH);
                dynamic(Json::Array(vec![json(&arg(args, 0)); count]))
            }
            None => Value::Null,
        },
        "set_union" | "set_intersect" | "set_difference" => {
            let arrays: Option<Vec<Vec<Json>>> = args.iter().map(array).collect();
            let Some(arrays) = arrays else {
                return Ok(Some(Value::Null));
            };
            let candidates = if name == "set_union" {
                arrays.concat()
            } else {
                arrays.first().cloned().unwrap_or_default()
            };
            let others = arrays.get(1..).unwrap_or(&[]);
            let kept = candidates.into_iter().filter(|item| match name {
                "set_intersect" => others.iter().all(|a| a.contains(item)),
                "set_difference" => !others.iter().any(|a| a.contains(item)),
                _ => true,
            });
            dynamic(Json::Array(distinct(kept.collect())))
        }
        "set_equals" => match (array(&arg(args, 0)), array(&arg(args, 1))) {
            (Some(a), Some(b)) => {
                let (a, b) = (distinct(a), distinct(b));
                Value::Bool(a.len() == b.len() && a.iter().all(|x| b.contains(x)))
            }
            _ => Value::Null,
        },
        "set_has_element" => array(&arg(args, 0)).map_or(Value::Null, |items| {
            Value::Bool(items.contains(&json(&arg(args, 1))))
        }),
        "zip" => {
            let arrays: Option<Vec<Vec<Json>>> = args.iter().map(array).collect();
            let Some(arrays) = arrays else {
                return Ok(Some(Value::Null));
            };
            let longest = arrays.iter().map(Vec::len).max().unwrap_or(0);
            dynamic(Json::Array(
                (0..longest)
                    .map(|i| {
                        Json::Array(
                            arrays
                                .iter()
                                .map(|a| a.get(i).cloned().unwrap_or(Json::Null))
                                .collect(),
                        )
                    })
                    .collect(),
            ))
        }
        _ => return Ok(None),
    }))
}

/// Applies `f` to the first argument's items, or gives null when it is not an array.
fn with_array(args: &[Value], f: impl FnOnce(Vec<Json>) -> Vec<Json>) -> Value {
    array(&arg(args, 0)).map_or(Value::Null, |items| dynamic(Json::Array(f(items))))
}

/// The items in first-seen order without repeats.
fn distinct(items: Vec<Json>) -> Vec<Json> {
    let mut out: Vec<Json> = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// `array_iff`: picks element-wise from `when_true` / `when_false` (arrays or scalars);
/// a non-boolean condition or a missing element gives null.
fn array_iff(condition: &Value, when_true: &Value, when_false: &Value) -> Value {
    let Some(conditions) = array(condition) else {
        return Value::Null;
    };
    let pick = |source: &Value, i: usize| match source {
        Value::Dynamic(d) => match d.as_array() {
            Some(items) => items.get(i).cloned().unwrap_or(Json::Null),
            None => (**d).clone(),
        },
        other => other.to_json(),
    };
    dynamic(Json::Array(
        conditions
            .iter()
            .enumerate()
            .map(|(i, c)| match c {
                Json::Bool(true) => pick(when_true, i),
                Json::Bool(false) => pick(when_false, i),
                _ => Json::Null,
            })
            .collect(),
    ))
}

/// `array_index_of`: the index of the `occurrence`-th match within `length` items from
/// `start` (negative counts from the end; -1 length means to the end), or -1.
fn index_of(items: &[Json], needle: &Value, start: i64, length: i64, occurrence: i64) -> Value {
    let len = items.len() as i64;
    let start = if start < 0 {
        (len + start).max(0)
    } else {
        start
    };
    if start >= len || occurrence < 1 {
        return Value::Long(-1);
    }
    let end = if length < 0 {
        len
    } else {
        start.saturating_add(length).min(len)
    };
    let mut seen = 0;
    for i in start..end {
        let Some(item) = items.get(i as usize) else {
            break;
        };
        let matches = compare(&dynamic_scalar(item), needle).is_some_and(Ordering::is_eq)
            || (item.is_object() || item.is_array()) && *item == json(needle);
        if matches {
            seen += 1;
            if seen == occurrence {
                return Value::Long(i);
            }
        }
    }
    Value::Long(-1)
}

/// Moves items `count` places left (right when negative), filling with `fill`.
fn shift_left(items: &[Json], count: i64, fill: &Json) -> Vec<Json> {
    (0..items.len() as i64)
        .map(|i| {
            i.checked_add(count)
                .filter(|&j| j >= 0)
                .and_then(|j| items.get(j as usize))
                .unwrap_or(fill)
                .clone()
        })
        .collect()
}

/// Splits at the given indices (negative counts from the end).
fn split(items: &[Json], indices: &[i64]) -> Vec<Json> {
    let len = items.len() as i64;
    let mut cuts: Vec<usize> = indices
        .iter()
        .map(|&i| (if i < 0 { len + i } else { i }).clamp(0, len) as usize)
        .collect();
    cuts.sort_unstable();
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut from = 0;
    for cut in cuts.into_iter().chain(std::iter::once(items.len())) {
        out.push(Json::Array(
            items
                .get(from..cut)
                .map(<[Json]>::to_vec)
                .unwrap_or_default(),
        ));
        from = cut.max(from);
    }
    out
}

/// The sort rank of a JSON element: numbers (and datetimes/timespans, which JSON carries
/// as numbers or strings) first, then strings, then everything else unsorted.
fn sort_rank(item: &Json) -> u8 {
    match item {
        Json::Number(_) => 0,
        Json::String(_) => 1,
        _ => 2,
    }
}

/// `array_sort_asc` / `array_sort_desc` as a scalar: the first array sorted.
fn sort(args: &[Value], is_descending: bool) -> Value {
    sort_arrays(args, is_descending)
        .into_iter()
        .next()
        .unwrap_or(Value::Null)
}

/// Sorts the first array and orders the further arrays to match (null for an array whose
/// length differs from the first's). The last argument, when boolean, says whether nulls
/// go last (the default).
pub(super) fn sort_arrays(args: &[Value], is_descending: bool) -> Vec<Value> {
    let (arrays, nulls_last) = match args.split_last() {
        Some((Value::Bool(b), rest)) => (rest, *b),
        _ => (args, true),
    };
    let Some(keys) = arrays.first().and_then(array) else {
        return vec![Value::Null; arrays.len().max(1)];
    };
    let mut order: Vec<usize> = (0..keys.len()).collect();
    let key = |i: &usize| keys.get(*i).unwrap_or(&Json::Null);
    order.sort_by(|a, b| {
        let (x, y) = (key(a), key(b));
        match (x.is_null(), y.is_null()) {
            (true, true) => return Ordering::Equal,
            (true, false) => {
                return if nulls_last {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
            }
            (false, true) => {
                return if nulls_last {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
            _ => {}
        }
        let by_rank = sort_rank(x).cmp(&sort_rank(y));
        if by_rank.is_ne() || sort_rank(x) == 2 {
            return by_rank;
        }
        let ordering = compare(&dynamic_scalar(x), &dynamic_scalar(y)).unwrap_or(Ordering::Equal);
        if is_descending {
            ordering.reverse()
        } else {
            ordering
        }
    });
    arrays
        .iter()
        .map(|value| match array(value) {
            Some(items) if items.len() == keys.len() => dynamic(Json::Array(
                order
                    .iter()
                    .map(|&i| items.get(i).cloned().unwrap_or(Json::Null))
                    .collect(),
            )),
            _ => Value::Null,
        })
        .collect()
}

/// `range(start, stop, step)`: numbers, datetimes or timespans, at most 1,048,576 items.
fn range(start: &Value, stop: &Value, step: Option<&Value>) -> Value {
    let step = step.cloned().unwrap_or(Value::Long(1));
    let is_ascending = match &step {
        Value::Timespan(t) => *t > 0,
        other => compare(other, &Value::Long(0)).is_some_and(Ordering::is_gt),
    };
    let is_descending = match &step {
        Value::Timespan(t) => *t < 0,
        other => compare(other, &Value::Long(0)).is_some_and(Ordering::is_lt),
    };
    if start.is_null() || stop.is_null() || !(is_ascending || is_descending) {
        return Value::Null;
    }
    let mut out = Vec::new();
    let mut current = start.clone();
    while compare(&current, stop).is_some_and(|o| if is_ascending { o.is_le() } else { o.is_ge() })
    {
        out.push(current.to_json());
        if out.len() >= MAX_ARRAY_LENGTH {
            break;
        }
        current = arithmetic(BinaryOp::Add, &current, &step);
        if current.is_null() {
            break;
        }
    }
    dynamic(Json::Array(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(name: &str, args: &[Value]) -> Json {
        json(&call(name, args).unwrap().unwrap())
    }

    fn d(text: &str) -> Value {
        dynamic(serde_json::from_str(text).unwrap())
    }

    #[test]
    fn shifts_and_rotates() {
        let arr = d("[1,2,3,4,5]");
        assert_eq!(
            eval("array_shift_left", &[arr.clone(), Value::Long(2)]),
            serde_json::json!([3, 4, 5, null, null])
        );
        assert_eq!(
            eval(
                "array_shift_right",
                &[arr.clone(), Value::Long(-2), Value::Long(-1)]
            ),
            serde_json::json!([3, 4, 5, -1, -1])
        );
        assert_eq!(
            eval("array_rotate_left", &[arr.clone(), Value::Long(2)]),
            serde_json::json!([3, 4, 5, 1, 2])
        );
        assert_eq!(
            eval("array_rotate_right", &[arr, Value::Long(7)]),
            serde_json::json!([4, 5, 1, 2, 3])
        );
    }

    #[test]
    fn splits_at_indices() {
        let arr = d("[1,2,3,4,5]");
        assert_eq!(
            eval("array_split", &[arr.clone(), d("[1,3]")]),
            serde_json::json!([[1], [2, 3], [4, 5]])
        );
        assert_eq!(
            eval("array_split", &[arr, Value::Long(-3)]),
            serde_json::json!([[1, 2], [3, 4, 5]])
        );
    }

    #[test]
    fn index_of_with_range_and_occurrence() {
        let arr = d(r#"["this","is","an","example","an","example"]"#);
        let at = |args: &[Value]| {
            let mut all = vec![arr.clone()];
            all.extend_from_slice(args);
            eval("array_index_of", &all)
        };
        assert_eq!(at(&[Value::string("an")]), 2);
        assert_eq!(
            at(&[Value::string("example"), Value::Long(1), Value::Long(2)]),
            -1
        );
        assert_eq!(
            at(&[
                Value::string("an"),
                Value::Long(1),
                Value::Long(-1),
                Value::Long(2)
            ]),
            4
        );
        assert_eq!(at(&[Value::string("an"), Value::Long(-3)]), 4);
    }

    #[test]
    fn sorts_with_nulls() {
        let arr = d(r#"[null,"blue","yellow","green",null]"#);
        assert_eq!(
            eval("array_sort_desc", std::slice::from_ref(&arr)),
            serde_json::json!(["yellow", "green", "blue", null, null])
        );
        assert_eq!(
            eval("array_sort_asc", &[arr, Value::Bool(false)]),
            serde_json::json!([null, null, "blue", "green", "yellow"])
        );
    }

    #[test]
    fn iff_elementwise() {
        assert_eq!(
            eval(
                "array_iff",
                &[d("[true,false,true]"), d("[1,2,3]"), d("[4,5,6]")]
            ),
            serde_json::json!([1, 5, 3])
        );
        assert_eq!(
            eval(
                "array_iff",
                &[d("[true,true,true]"), d("[1,2]"), d("[3,4]")]
            ),
            serde_json::json!([1, 2, null])
        );
    }

    #[test]
    fn joins_elements() {
        assert_eq!(
            eval("strcat_array", &[d(r#"[1,"b",null]"#), Value::string("-")]),
            serde_json::json!("1-b-")
        );
    }

    #[test]
    fn sets_and_repeat() {
        assert_eq!(
            eval("jaccard_index", &[d("[1,2,3]"), d("[2,3,4]")]),
            serde_json::json!(0.5)
        );
        assert_eq!(
            eval("repeat", &[Value::string("a"), Value::Long(3)]),
            serde_json::json!(["a", "a", "a"])
        );
        assert_eq!(
            eval(
                "array_slice",
                &[d("[1,2,3,4]"), Value::Long(1), Value::Long(-2)]
            ),
            serde_json::json!([2, 3])
        );
    }
}
