//! Aggregation functions for `summarize`: one accumulator per group and aggregate.
//!
//! `summarize` evaluates an aggregate's arguments for every row and hands them over as
//! they are; the accumulator knows which argument is the `*if` predicate, which is a size
//! limit, and which are constant percentiles. Defaults for empty groups follow the Kusto
//! docs' table: 0 for count/sum/variance/stdev, `[]` for make_list/make_set, null for the
//! rest (avg divides by zero: NaN).

mod moments;
pub mod nested;
pub mod percentile;
mod schema;
mod shape;
pub mod sketch;

use std::collections::HashSet;
use std::sync::Arc;

use moments::{Covariance, Variance};
use serde_json::Value as Json;
pub use shape::{column_names, is_aggregate, row_argument_count};
use shape::{output_count, predicate_position};

use super::scalar::{as_f64, as_i64, compare};
use super::{EvalError, Result};
use crate::value::Value;

/// The running state of one aggregate in one group.
#[derive(Clone, Debug)]
pub struct Accumulator {
    predicate: Option<usize>,
    state: State,
}

#[derive(Clone, Debug)]
enum State {
    Count(i64),
    Sum {
        long: Option<i64>,
        real: f64,
        is_integer: bool,
        unit: Unit,
    },
    Extreme {
        best: Value,
        is_max: bool,
    },
    Avg {
        total: f64,
        count: i64,
        unit: Unit,
    },
    Distinct(HashSet<String>),
    Set {
        items: Vec<Json>,
        seen: HashSet<String>,
    },
    List {
        items: Vec<Json>,
        keep_nulls: bool,
    },
    Bag(serde_json::Map<String, Json>),
    /// take_any: a single expression keeps its first non-empty value; several (or `*`)
    /// keep one whole row.
    Any {
        values: Option<Vec<Value>>,
        is_single: bool,
        width: usize,
    },
    /// arg_max / arg_min: the best key and the row values it came with.
    Arg {
        best: Value,
        values: Vec<Value>,
        is_max: bool,
        /// How many row values come with the key (so empty groups still fill them).
        width: usize,
    },
    Variance(Variance),
    Covariance(Covariance),
    /// Every (value, weight) seen, and the requested percents (read from the first row).
    Percentiles {
        values: Vec<(Value, f64)>,
        percents: Vec<f64>,
        is_weighted: bool,
        shape: PercentileShape,
    },
    Digest(Vec<(Value, f64)>),
    Hll {
        items: Vec<Json>,
        seen: HashSet<String>,
    },
    Schema(Option<Json>),
    Bits {
        value: Option<i64>,
        op: BitOp,
    },
}

/// What sum/avg add up: numbers, or the ticks of timespans (sum, avg) or datetimes (avg).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Unit {
    Number,
    Timespan,
    Datetime,
}

impl Unit {
    /// The unit and numeric amount of a value (ticks for timespans and datetimes).
    fn of(value: &Value) -> Option<(Unit, f64)> {
        match value {
            Value::Timespan(t) => Some((Unit::Timespan, *t as f64)),
            Value::Datetime(t) => Some((Unit::Datetime, *t as f64)),
            other => as_f64(other).map(|f| (Unit::Number, f)),
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum PercentileShape {
    /// One column per percent.
    Columns(usize),
    /// One dynamic array.
    Array,
}

#[derive(Clone, Copy, Debug)]
enum BitOp {
    And,
    Or,
    Xor,
}

impl Accumulator {
    /// A fresh accumulator for `name` called with `argument_count` arguments.
    pub fn new(name: &str, argument_count: usize, extra_count: usize) -> Result<Accumulator> {
        let state = match name {
            "count" | "countif" => State::Count(0),
            "sum" | "sumif" => State::Sum {
                long: Some(0),
                real: 0.0,
                is_integer: true,
                unit: Unit::Number,
            },
            "min" | "minif" | "max" | "maxif" => State::Extreme {
                best: Value::Null,
                is_max: name.starts_with("max"),
            },
            "avg" | "avgif" => State::Avg {
                total: 0.0,
                count: 0,
                unit: Unit::Number,
            },
            "dcount" | "dcountif" | "count_distinct" | "count_distinctif" => {
                State::Distinct(HashSet::new())
            }
            "make_set" | "make_set_if" => State::Set {
                items: Vec::new(),
                seen: HashSet::new(),
            },
            "make_list" | "make_list_if" => State::List {
                items: Vec::new(),
                keep_nulls: false,
            },
            "make_list_with_nulls" => State::List {
                items: Vec::new(),
                keep_nulls: true,
            },
            "make_bag" | "make_bag_if" => State::Bag(serde_json::Map::new()),
            "take_any" | "take_anyif" => State::Any {
                values: None,
                is_single: name == "take_anyif" || argument_count == 1 && extra_count == 0,
                width: if extra_count > 0 {
                    extra_count
                } else {
                    argument_count.max(1)
                },
            },
            "arg_max" | "arg_min" => State::Arg {
                best: Value::Null,
                values: Vec::new(),
                is_max: name == "arg_max",
                width: extra_count,
            },
            "variance" | "varianceif" => State::Variance(Variance::new(true, false)),
            "variancep" | "variancepif" => State::Variance(Variance::new(false, false)),
            "stdev" | "stdevif" => State::Variance(Variance::new(true, true)),
            "stdevp" | "stdevpif" => State::Variance(Variance::new(false, true)),
            "covariance" | "covarianceif" => State::Covariance(Covariance::new(true)),
            "covariancep" | "covariancepif" => State::Covariance(Covariance::new(false)),
            "percentile" | "percentiles" | "percentiles_array" | "percentilew" | "percentilesw"
            | "percentilesw_array" => State::Percentiles {
                values: Vec::new(),
                percents: Vec::new(),
                is_weighted: name.starts_with("percentilew") || name.starts_with("percentilesw"),
                shape: if name.ends_with("_array") {
                    PercentileShape::Array
                } else {
                    PercentileShape::Columns(output_count(name, argument_count))
                },
            },
            "tdigest" | "tdigest_merge" | "merge_tdigest" => State::Digest(Vec::new()),
            "hll" | "hll_if" | "hll_merge" => State::Hll {
                items: Vec::new(),
                seen: HashSet::new(),
            },
            "buildschema" => State::Schema(None),
            "binary_all_and" | "binary_all_or" | "binary_all_xor" => State::Bits {
                value: None,
                op: match name {
                    "binary_all_and" => BitOp::And,
                    "binary_all_or" => BitOp::Or,
                    _ => BitOp::Xor,
                },
            },
            other => return Err(EvalError::unsupported(format!("aggregate `{other}()`"))),
        };
        let mut predicate = predicate_position(name);
        // tdigest(x, weight) and merge_tdigest(d) feed one state; `tdigest_merge` is merging.
        if name == "tdigest_merge" || name == "merge_tdigest" {
            predicate = None;
        }
        Ok(Accumulator { predicate, state })
    }

    /// Adds one row: `args` are the aggregate's evaluated arguments, `extra` arg_max's
    /// returned columns.
    pub fn add(&mut self, args: &[Value], extra: &[Value]) {
        let mut args: Vec<Value> = args.to_vec();
        if let Some(position) = self.predicate {
            if !matches!(args.get(position), Some(Value::Bool(true))) {
                return;
            }
            args.remove(position);
        }
        let value = args.first().cloned().unwrap_or(Value::Null);
        let limit = |i: usize| {
            args.get(i)
                .and_then(as_i64)
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(usize::MAX)
        };
        match &mut self.state {
            State::Count(n) => *n += 1,
            State::Sum {
                long,
                real,
                is_integer,
                unit,
            } => {
                if let Some((kind, f)) = Unit::of(&value) {
                    *real += f;
                    *unit = kind;
                    match value {
                        Value::Long(n) | Value::Timespan(n) => {
                            *long = long.and_then(|l| l.checked_add(n));
                        }
                        Value::Int(n) => *long = long.and_then(|l| l.checked_add(n.into())),
                        _ => *is_integer = false,
                    }
                }
            }
            State::Extreme { best, is_max } => {
                if value.is_null() {
                    return;
                }
                let better = match compare(&value, best) {
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
                    *best = value;
                }
            }
            State::Avg { total, count, unit } => {
                if let Some((kind, f)) = Unit::of(&value) {
                    *total += f;
                    *count += 1;
                    *unit = kind;
                }
            }
            State::Distinct(set) => {
                if !value.is_null() {
                    set.insert(value.to_json().to_string());
                }
            }
            State::Set { items, seen } => {
                // An array adds its elements (the docs' "set from an array column").
                let incoming = match value.to_json() {
                    Json::Null => Vec::new(),
                    Json::Array(elements) => elements,
                    json => vec![json],
                };
                for json in incoming {
                    if items.len() >= limit(1) {
                        break;
                    }
                    if !json.is_null() && seen.insert(json.to_string()) {
                        items.push(json);
                    }
                }
            }
            State::List { items, keep_nulls } => {
                if (*keep_nulls || !value.is_null()) && items.len() < limit(1) {
                    items.push(value.to_json());
                }
            }
            State::Bag(map) => {
                if let Value::Dynamic(json) = &value {
                    if let Some(object) = json.as_object() {
                        for (k, v) in object {
                            if map.len() >= limit(1) && !map.contains_key(k) {
                                break;
                            }
                            map.entry(k.clone()).or_insert_with(|| v.clone());
                        }
                    }
                }
            }
            State::Any {
                values, is_single, ..
            } => {
                if values.is_some() {
                    return;
                }
                if !*is_single {
                    *values = Some(if extra.is_empty() {
                        args
                    } else {
                        extra.to_vec()
                    });
                } else if !super::functions::is_empty_value(&value) {
                    *values = Some(vec![value]);
                }
            }
            State::Arg {
                best,
                values,
                is_max,
                ..
            } => {
                let better = match compare(&value, best) {
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
                    *best = value;
                    *values = extra.to_vec();
                }
            }
            State::Variance(variance) => {
                if let Some(x) = as_f64(&value) {
                    variance.add(x);
                }
            }
            State::Covariance(covariance) => {
                if let (Some(x), Some(y)) = (as_f64(&value), args.get(1).and_then(as_f64)) {
                    covariance.add(x, y);
                }
            }
            State::Percentiles {
                values,
                percents,
                is_weighted,
                ..
            } => {
                let skip = if *is_weighted { 2 } else { 1 };
                if percents.is_empty() {
                    *percents = percentile::percents(args.get(skip..).unwrap_or(&[]));
                }
                let weight = if *is_weighted {
                    args.get(1).and_then(as_f64).unwrap_or(0.0)
                } else {
                    1.0
                };
                if !value.is_null() && weight > 0.0 {
                    values.push((value, weight));
                }
            }
            State::Digest(values) => match sketch::digest_values(&value) {
                Some(digest) => values.extend(digest),
                None => {
                    let weight = args.get(1).map_or(Some(1.0), as_f64).unwrap_or(0.0);
                    if as_f64(&value).is_some() && weight > 0.0 {
                        values.push((value, weight));
                    }
                }
            },
            State::Hll { items, seen } => {
                let incoming = match sketch::hll_values(&value) {
                    Some(set) => set,
                    None if value.is_null() => Vec::new(),
                    None => vec![value.to_json()],
                };
                for item in incoming {
                    if seen.insert(item.to_string()) {
                        items.push(item);
                    }
                }
            }
            State::Schema(current) => {
                if let Some(new) = schema::schema_of(&value.to_json()) {
                    *current = Some(match current.take() {
                        Some(old) => schema::merge(old, new),
                        None => new,
                    });
                }
            }
            State::Bits { value: bits, op } => {
                if let Some(n) = as_i64(&value) {
                    *bits = Some(match (*bits, *op) {
                        (None, _) => n,
                        (Some(b), BitOp::And) => b & n,
                        (Some(b), BitOp::Or) => b | n,
                        (Some(b), BitOp::Xor) => b ^ n,
                    });
                }
            }
        }
    }

    /// The aggregate's value(s): arg_max/arg_min give the key then the row values,
    /// percentiles one value per requested percent.
    pub fn finish(self) -> Vec<Value> {
        let dynamic = |json: Json| Value::Dynamic(Arc::new(json));
        vec![match self.state {
            State::Count(n) => Value::Long(n),
            State::Sum {
                long,
                real,
                is_integer,
                unit,
            } => match (unit, is_integer, long) {
                (Unit::Timespan, _, Some(n)) => Value::Timespan(n),
                (Unit::Timespan, _, None) => Value::Null,
                (_, true, Some(n)) => Value::Long(n),
                _ => Value::Real(real),
            },
            State::Extreme { best, .. } => best,
            State::Avg { total, count, unit } => {
                let mean = total / count as f64;
                match unit {
                    _ if count == 0 => Value::Real(f64::NAN),
                    Unit::Timespan => Value::Timespan(mean.round() as i64),
                    Unit::Datetime => Value::Datetime(mean.round() as i64),
                    Unit::Number => Value::Real(mean),
                }
            }
            State::Distinct(set) => Value::Long(set.len() as i64),
            State::Set { items, .. } | State::List { items, .. } => dynamic(Json::Array(items)),
            State::Bag(map) => dynamic(Json::Object(map)),
            State::Any { values, width, .. } => {
                let mut out = values.unwrap_or_default();
                out.resize(width, Value::Null);
                return out;
            }
            State::Arg {
                best,
                mut values,
                width,
                ..
            } => {
                values.resize(width, Value::Null);
                let mut out = vec![best];
                out.extend(values);
                return out;
            }
            State::Variance(variance) => Value::Real(variance.finish()),
            State::Covariance(covariance) => Value::Real(covariance.finish()),
            State::Percentiles {
                mut values,
                percents,
                shape,
                ..
            } => {
                percentile::sort(&mut values);
                let results = percents
                    .iter()
                    .map(|p| percentile::nearest_rank(&values, *p));
                return match shape {
                    PercentileShape::Array => {
                        if values.is_empty() {
                            vec![Value::Null]
                        } else {
                            vec![dynamic(Json::Array(results.map(|v| v.to_json()).collect()))]
                        }
                    }
                    PercentileShape::Columns(count) => {
                        let mut out: Vec<Value> = results.collect();
                        out.resize(count, Value::Null);
                        out
                    }
                };
            }
            State::Digest(mut values) => {
                if values.is_empty() {
                    Value::Null
                } else {
                    percentile::sort(&mut values);
                    sketch::digest(&values)
                }
            }
            State::Hll { items, .. } => {
                if items.is_empty() {
                    Value::Null
                } else {
                    sketch::hll(items)
                }
            }
            State::Schema(schema) => schema.map_or(Value::Null, dynamic),
            State::Bits { value, .. } => value.map_or(Value::Null, Value::Long),
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str, rows: &[Vec<Value>]) -> Vec<Value> {
        let mut accumulator = Accumulator::new(name, rows.first().map_or(1, Vec::len), 0).unwrap();
        for row in rows {
            accumulator.add(row, &[]);
        }
        accumulator.finish()
    }

    #[test]
    fn if_forms_skip_rows() {
        let rows: Vec<Vec<Value>> = (1..=100)
            .map(|x| vec![Value::Long(x), Value::Bool(x % 2 == 0)])
            .collect();
        assert_eq!(run("varianceif", &rows), vec![Value::Real(850.0)]);
        let stdev = as_f64(&run("stdevif", &rows)[0]).unwrap();
        assert!((stdev - 29.154_759_474_226_5).abs() < 1e-9);
    }

    #[test]
    fn weighted_percentiles_in_columns() {
        let rows: Vec<Vec<Value>> = [(10, 8), (20, 6), (30, 3), (40, 1)]
            .iter()
            .map(|&(v, w)| {
                vec![
                    Value::Long(v),
                    Value::Long(w),
                    Value::Long(50),
                    Value::Long(75),
                    Value::Real(99.9),
                ]
            })
            .collect();
        assert_eq!(
            run("percentilesw", &rows),
            vec![Value::Long(20), Value::Long(20), Value::Long(40)]
        );
    }

    #[test]
    fn empty_group_defaults() {
        assert_eq!(run("sum", &[]), vec![Value::Long(0)]);
        assert_eq!(run("variance", &[]), vec![Value::Real(0.0)]);
        assert!(matches!(run("avg", &[])[0], Value::Real(r) if r.is_nan()));
        assert_eq!(run("percentile", &[]), vec![Value::Null]);
        assert_eq!(run("take_any", &[]), vec![Value::Null]);
    }

    #[test]
    fn sums_and_averages_timespans() {
        let rows = vec![vec![Value::Timespan(10)], vec![Value::Timespan(20)]];
        assert_eq!(run("sum", &rows), vec![Value::Timespan(30)]);
        assert_eq!(run("avg", &rows), vec![Value::Timespan(15)]);
        assert_eq!(
            run("sum", &[vec![Value::Long(1)], vec![Value::Real(0.5)]]),
            vec![Value::Real(1.5)]
        );
    }

    #[test]
    fn take_any_keeps_one_row_or_first_non_empty() {
        let rows = vec![
            vec![Value::string(""), Value::Long(1)],
            vec![Value::string("b"), Value::Long(2)],
        ];
        assert_eq!(
            run("take_any", &rows),
            vec![Value::string(""), Value::Long(1)]
        );
        let single = vec![
            vec![Value::Null],
            vec![Value::string("")],
            vec![Value::string("c")],
        ];
        assert_eq!(run("take_any", &single), vec![Value::string("c")]);
        let mut star = Accumulator::new("take_any", 1, 2).unwrap();
        star.add(&[Value::Bool(true)], &[Value::Long(7), Value::Long(8)]);
        assert_eq!(star.finish(), vec![Value::Long(7), Value::Long(8)]);
    }

    #[test]
    fn arg_max_fills_its_columns_when_empty() {
        let empty = Accumulator::new("arg_max", 2, 2).unwrap();
        assert_eq!(empty.finish(), vec![Value::Null; 3]);
    }

    #[test]
    fn bitwise_xor() {
        let rows: Vec<Vec<Value>> = [0x44404440i64, 0x1E1E1E1E, 0x90ABBA09, 0x000B105A]
            .iter()
            .map(|&n| vec![Value::Long(n)])
            .collect();
        assert_eq!(run("binary_all_xor", &rows), vec![Value::Long(0xCAFEF00D)]);
    }

    #[test]
    fn hll_counts_exactly_after_merge() {
        let a = run("hll", &[vec![Value::Long(1)], vec![Value::Long(2)]]);
        let b = run("hll", &[vec![Value::Long(2)], vec![Value::Long(3)]]);
        let merged = run("hll_merge", &[a, b]);
        assert_eq!(sketch::hll_values(&merged[0]).map(|v| v.len()), Some(3));
    }
}
