//! The intermediate "sketches" of hll() and tdigest(), kept exact.
//!
//! Kusto's hll() and tdigest() return opaque approximate sketches that dcount_hll(),
//! hll_merge(), percentile_tdigest() and merge_tdigest() read back. rulelab's inputs are
//! small, so its sketches hold the data itself: `{"hll": [distinct values]}` and
//! `{"tdigest": [[value, weight], ...]}`. Estimates made from them are exact (dcount_hll is
//! the true distinct count, percentile_tdigest the true nearest-rank percentile), and the
//! sketch values never look like Kusto's.

use std::sync::Arc;

use serde_json::Value as Json;

use crate::kql::eval::scalar::dynamic_scalar;
use crate::value::Value;

const HLL_KEY: &str = "hll";
const DIGEST_KEY: &str = "tdigest";

/// An hll sketch of distinct JSON values.
pub fn hll(values: Vec<Json>) -> Value {
    let mut bag = serde_json::Map::new();
    bag.insert(HLL_KEY.to_string(), Json::Array(values));
    Value::Dynamic(Arc::new(Json::Object(bag)))
}

/// The distinct values of an hll sketch.
pub fn hll_values(value: &Value) -> Option<Vec<Json>> {
    match value {
        Value::Dynamic(d) => d.get(HLL_KEY)?.as_array().cloned(),
        _ => None,
    }
}

/// A digest of (value, weight) pairs.
pub fn digest(values: &[(Value, f64)]) -> Value {
    let pairs = values
        .iter()
        .map(|(v, w)| Json::Array(vec![v.to_json(), Value::Real(*w).to_json()]))
        .collect();
    let mut bag = serde_json::Map::new();
    bag.insert(DIGEST_KEY.to_string(), Json::Array(pairs));
    Value::Dynamic(Arc::new(Json::Object(bag)))
}

/// The (value, weight) pairs of a digest.
pub fn digest_values(value: &Value) -> Option<Vec<(Value, f64)>> {
    let Value::Dynamic(d) = value else {
        return None;
    };
    let pairs = d.get(DIGEST_KEY)?.as_array()?;
    Some(
        pairs
            .iter()
            .filter_map(|pair| {
                let value = pair.get(0)?;
                let weight = pair.get(1)?.as_f64()?;
                Some((dynamic_scalar(value), weight))
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let values = vec![(Value::Long(1), 1.0), (Value::Real(2.5), 2.0)];
        assert_eq!(digest_values(&digest(&values)), Some(values));
        let set = vec![Json::from(1), Json::from("a")];
        assert_eq!(hll_values(&hll(set.clone())), Some(set));
        assert_eq!(hll_values(&Value::Long(1)), None);
    }
}
