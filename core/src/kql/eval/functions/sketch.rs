//! Scalar functions over the hll() and tdigest() sketches: dcount_hll, hll_merge,
//! merge_tdigest, percentile_tdigest, percentiles_array_tdigest, rank_tdigest. The
//! sketches are exact (see `aggregate/sketch.rs`), so these answers are exact too.

use std::cmp::Ordering;
use std::collections::HashSet;

use serde_json::Value as Json;

use super::arg;
use super::dynamic::dynamic;
use crate::kql::eval::aggregate::{percentile, sketch};
use crate::kql::eval::scalar::{as_text, compare};
use crate::kql::eval::Result;
use crate::value::{ScalarType, Value};

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    Ok(Some(match name {
        "dcount_hll" => {
            sketch::hll_values(&arg(args, 0)).map_or(Value::Null, |v| Value::Long(v.len() as i64))
        }
        "hll_merge" => {
            let mut seen = HashSet::new();
            let mut items = Vec::new();
            for value in args {
                for item in sketch::hll_values(value).unwrap_or_default() {
                    if seen.insert(item.to_string()) {
                        items.push(item);
                    }
                }
            }
            sketch::hll(items)
        }
        "merge_tdigest" | "tdigest_merge" => {
            let mut values: Vec<(Value, f64)> = args
                .iter()
                .filter_map(sketch::digest_values)
                .flatten()
                .collect();
            percentile::sort(&mut values);
            sketch::digest(&values)
        }
        "percentile_tdigest" => {
            let Some(mut values) = sketch::digest_values(&arg(args, 0)) else {
                return Ok(Some(Value::Null));
            };
            percentile::sort(&mut values);
            let percents = percentile::percents(&[arg(args, 1)]);
            let result = percents
                .first()
                .map_or(Value::Null, |p| percentile::nearest_rank(&values, *p));
            match as_text(&arg(args, 2)).and_then(|t| ScalarType::parse(&t)) {
                Some(ty) => convert(result, ty),
                None => result,
            }
        }
        "percentiles_array_tdigest" => {
            let Some(mut values) = sketch::digest_values(&arg(args, 0)) else {
                return Ok(Some(Value::Null));
            };
            percentile::sort(&mut values);
            let percents = percentile::percents(args.get(1..).unwrap_or(&[]));
            dynamic(Json::Array(
                percents
                    .iter()
                    .map(|p| percentile::nearest_rank(&values, *p).to_json())
                    .collect(),
            ))
        }
        "percentrank_tdigest" => {
            // The share (in percent) of the total weight at or below the value.
            let Some(values) = sketch::digest_values(&arg(args, 0)) else {
                return Ok(Some(Value::Null));
            };
            let needle = arg(args, 1);
            let total: f64 = values.iter().map(|(_, w)| w).sum();
            if needle.is_null() || total <= 0.0 {
                return Ok(Some(Value::Null));
            }
            let below: f64 = values
                .iter()
                .filter(|(v, _)| compare(v, &needle).is_some_and(Ordering::is_le))
                .map(|(_, w)| w)
                .sum();
            Value::Real(below * 100.0 / total)
        }
        "rank_tdigest" => {
            // The rank is the total weight of the values less than or equal to the value.
            let Some(values) = sketch::digest_values(&arg(args, 0)) else {
                return Ok(Some(Value::Null));
            };
            let needle = arg(args, 1);
            if needle.is_null() {
                return Ok(Some(Value::Null));
            }
            let rank: f64 = values
                .iter()
                .filter(|(v, _)| compare(v, &needle).is_some_and(Ordering::is_le))
                .map(|(_, w)| w)
                .sum();
            Value::Long(rank as i64)
        }
        _ => return Ok(None),
    }))
}

/// percentile_tdigest's optional result type (`typeof(long)`).
fn convert(value: Value, ty: ScalarType) -> Value {
    let number = crate::kql::eval::scalar::as_f64(&value);
    match (ty, number) {
        (ScalarType::Long, Some(n)) => Value::Long(n as i64),
        (ScalarType::Int, Some(n)) => Value::Int(n as i32),
        (ScalarType::Real, Some(n)) => Value::Real(n),
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_of_merged_digests() {
        let a = sketch::digest(&[(Value::Long(1), 1.0), (Value::Long(2), 1.0)]);
        let b = sketch::digest(&[(Value::Long(20), 1.0)]);
        let merged = call("merge_tdigest", &[a, b]).unwrap().unwrap();
        assert_eq!(
            call(
                "percentile_tdigest",
                &[merged.clone(), Value::Long(100), Value::string("long")]
            )
            .unwrap(),
            Some(Value::Long(20))
        );
        assert_eq!(
            call("rank_tdigest", &[merged, Value::Long(2)]).unwrap(),
            Some(Value::Long(2))
        );
    }

    #[test]
    fn weighted_digest_median() {
        let digest = sketch::digest(&[(Value::Real(1.0), 1.0), (Value::Real(2.0), 2.0)]);
        assert_eq!(
            call("percentile_tdigest", &[digest, Value::Long(50)]).unwrap(),
            Some(Value::Real(2.0))
        );
    }
}
