//! Aggregation functions for `summarize`: one accumulator per group and aggregate.

use std::collections::HashSet;
use std::sync::Arc;

use super::scalar::{as_f64, compare};
use super::{EvalError, Result};
use crate::value::Value;

/// Whether `name` (canonical) is an aggregate rulelab evaluates.
pub fn is_aggregate(name: &str) -> bool {
    matches!(
        name,
        "count"
            | "countif"
            | "sum"
            | "sumif"
            | "min"
            | "max"
            | "avg"
            | "avgif"
            | "dcount"
            | "dcountif"
            | "make_set"
            | "make_set_if"
            | "make_list"
            | "make_list_if"
            | "take_any"
            | "arg_max"
            | "arg_min"
    )
}

/// The running state of one aggregate in one group.
#[derive(Clone, Debug)]
pub enum Accumulator {
    Count(i64),
    Sum {
        total: f64,
        is_integer: bool,
        seen: bool,
    },
    Extreme {
        best: Value,
        is_max: bool,
    },
    Avg {
        total: f64,
        count: i64,
    },
    Distinct(HashSet<String>),
    Set {
        items: Vec<serde_json::Value>,
        seen: HashSet<String>,
        limit: usize,
    },
    List {
        items: Vec<serde_json::Value>,
        limit: usize,
    },
    Any(Option<Value>),
    /// arg_max / arg_min: the best key and the row values it came with.
    Arg {
        best: Value,
        values: Vec<Value>,
        is_max: bool,
    },
    Bag(serde_json::Map<String, serde_json::Value>),
    /// Welford's running variance; `sample` divides by n-1, `sqrt` gives the deviation.
    Variance {
        count: f64,
        mean: f64,
        m2: f64,
        sample: bool,
        sqrt: bool,
    },
    ListWithNulls(Vec<serde_json::Value>),
}

impl Accumulator {
    pub fn new(name: &str, limit: Option<usize>) -> Result<Accumulator> {
        let limit = limit.unwrap_or(1_048_576);
        Ok(match name {
            "count" | "countif" => Accumulator::Count(0),
            "sum" | "sumif" => Accumulator::Sum {
                total: 0.0,
                is_integer: true,
                seen: false,
            },
            "min" => Accumulator::Extreme {
                best: Value::Null,
                is_max: false,
            },
            "max" => Accumulator::Extreme {
                best: Value::Null,
                is_max: true,
            },
            "avg" | "avgif" => Accumulator::Avg {
                total: 0.0,
                count: 0,
            },
            "dcount" | "dcountif" => Accumulator::Distinct(HashSet::new()),
            "make_set" | "make_set_if" => Accumulator::Set {
                items: Vec::new(),
                seen: HashSet::new(),
                limit,
            },
            "make_list" | "make_list_if" => Accumulator::List {
                items: Vec::new(),
                limit,
            },
            "take_any" => Accumulator::Any(None),
            "arg_max" => Accumulator::Arg {
                best: Value::Null,
                values: Vec::new(),
                is_max: true,
            },
            "arg_min" => Accumulator::Arg {
                best: Value::Null,
                values: Vec::new(),
                is_max: false,
            },
            "make_bag" | "make_bag_if" => Accumulator::Bag(serde_json::Map::new()),
            "variance" | "varianceif" => Accumulator::Variance {
                count: 0.0,
                mean: 0.0,
                m2: 0.0,
                sample: true,
                sqrt: false,
            },
            "variancep" => Accumulator::Variance {
                count: 0.0,
                mean: 0.0,
                m2: 0.0,
                sample: false,
                sqrt: false,
            },
            "stdev" | "stdevif" => Accumulator::Variance {
                count: 0.0,
                mean: 0.0,
                m2: 0.0,
                sample: true,
                sqrt: true,
            },
            "stdevp" => Accumulator::Variance {
                count: 0.0,
                mean: 0.0,
                m2: 0.0,
                sample: false,
                sqrt: true,
            },
            "make_list_with_nulls" => Accumulator::ListWithNulls(Vec::new()),
            other => return Err(EvalError::unsupported(format!("aggregate `{other}()`"))),
        })
    }

    /// Adds one row's argument value(s). `extra` carries arg_max's row values.
    pub fn add(&mut self, value: &Value, extra: &[Value]) {
        match self {
            Accumulator::Count(n) => *n += 1,
            Accumulator::Sum {
                total,
                is_integer,
                seen,
            } => {
                if let Some(f) = as_f64(value) {
                    *total += f;
                    *seen = true;
                    *is_integer &= matches!(value, Value::Long(_) | Value::Int(_));
                }
            }
            Accumulator::Extreme { best, is_max } => {
                if value.is_null() {
                    return;
                }
                let better = match compare(value, best) {
                    Some(o) => {
                        if *is_max {
                            o.is_gt()
                        } else {
                            o.is_lt()
                        }
                    }
                    None => best.is_null(),
                };
                if better {
                    *best = value.clone();
                }
            }
            Accumulator::Avg { total, count } => {
                if let Some(f) = as_f64(value) {
                    *total += f;
                    *count += 1;
                }
            }
            Accumulator::Distinct(set) => {
                if !value.is_null() {
                    set.insert(value.to_json().to_string());
                }
            }
            Accumulator::Set { items, seen, limit } => {
                if value.is_null() || items.len() >= *limit {
                    return;
                }
                let json = to_json(value);
                if seen.insert(json.to_string()) {
                    items.push(json);
                }
            }
            Accumulator::List { items, limit } => {
                if !value.is_null() && items.len() < *limit {
                    items.push(to_json(value));
                }
            }
            Accumulator::Any(slot) => {
                if slot.is_none() {
                    *slot = Some(value.clone());
                }
            }
            Accumulator::Bag(map) => {
                if let Value::Dynamic(json) = value {
                    if let Some(object) = json.as_object() {
                        for (k, v) in object {
                            map.entry(k.clone()).or_insert_with(|| v.clone());
                        }
                    }
                }
            }
            Accumulator::Variance {
                count, mean, m2, ..
            } => {
                if let Some(x) = as_f64(value) {
                    *count += 1.0;
                    let delta = x - *mean;
                    *mean += delta / *count;
                    *m2 += delta * (x - *mean);
                }
            }
            Accumulator::ListWithNulls(items) => items.push(to_json(value)),
            Accumulator::Arg {
                best,
                values,
                is_max,
            } => {
                let better = match compare(value, best) {
                    Some(o) => {
                        if *is_max {
                            o.is_gt()
                        } else {
                            o.is_lt()
                        }
                    }
                    None => best.is_null() && !value.is_null() || values.is_empty(),
                };
                if better {
                    *best = value.clone();
                    *values = extra.to_vec();
                }
            }
        }
    }

    /// The aggregate's value(s); arg_max/arg_min give the key then the row values.
    pub fn finish(self) -> Vec<Value> {
        vec![match self {
            Accumulator::Count(n) => Value::Long(n),
            Accumulator::Sum {
                total,
                is_integer,
                seen,
            } => match (seen, is_integer) {
                (false, _) => Value::Null,
                (true, true) => Value::Long(total as i64),
                (true, false) => Value::Real(total),
            },
            Accumulator::Extreme { best, .. } => best,
            Accumulator::Avg { total, count } => {
                if count == 0 {
                    Value::Null
                } else {
                    Value::Real(total / count as f64)
                }
            }
            Accumulator::Distinct(set) => Value::Long(set.len() as i64),
            Accumulator::Set { items, .. } | Accumulator::List { items, .. } => {
                Value::Dynamic(Arc::new(serde_json::Value::Array(items)))
            }
            Accumulator::Any(slot) => slot.unwrap_or(Value::Null),
            Accumulator::Bag(map) => Value::Dynamic(Arc::new(serde_json::Value::Object(map))),
            Accumulator::ListWithNulls(items) => {
                Value::Dynamic(Arc::new(serde_json::Value::Array(items)))
            }
            Accumulator::Variance {
                count,
                m2,
                sample,
                sqrt,
                ..
            } => {
                let divisor = if sample { count - 1.0 } else { count };
                if divisor <= 0.0 {
                    Value::Real(0.0)
                } else {
                    let variance = m2 / divisor;
                    Value::Real(if sqrt { variance.sqrt() } else { variance })
                }
            }
            Accumulator::Arg { best, values, .. } => {
                let mut out = vec![best];
                out.extend(values);
                return out;
            }
        }]
    }
}

fn to_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Dynamic(d) => (**d).clone(),
        other => other.to_json(),
    }
}
