//! Nearest-rank percentiles, optionally weighted (percentile, percentiles, percentilew,
//! percentilesw, their `_array` forms, and percentile_tdigest over rulelab's exact digests).
//!
//! Kusto estimates percentiles with a t-digest; rulelab keeps every value, so its answers
//! are the exact nearest-rank percentiles the Kusto docs define: the P-th percentile is the
//! smallest value such that P percent of the (weighted) values are less or equal to it, and
//! the 0-th is the smallest value.

use std::cmp::Ordering;

use crate::kql::eval::scalar::{as_f64, compare};
use crate::value::Value;

/// Sorts (value, weight) pairs by value.
pub fn sort(values: &mut [(Value, f64)]) {
    values.sort_by(|a, b| compare(&a.0, &b.0).unwrap_or(Ordering::Equal));
}

/// The nearest-rank `percent`-th percentile of `sorted` (sorted by value; weights >= 0).
pub fn nearest_rank(sorted: &[(Value, f64)], percent: f64) -> Value {
    let total: f64 = sorted.iter().map(|(_, w)| w).sum();
    if sorted.is_empty() || total <= 0.0 || percent.is_nan() {
        return Value::Null;
    }
    // Multiply before dividing and forgive rounding noise, so 7% of 100 is rank 7, not 8.
    let rank = (percent.clamp(0.0, 100.0) * total / 100.0 - 1e-9)
        .ceil()
        .max(1.0);
    let mut cumulative = 0.0;
    for (value, weight) in sorted {
        cumulative += weight;
        if cumulative >= rank {
            return value.clone();
        }
    }
    sorted.last().map_or(Value::Null, |(v, _)| v.clone())
}

/// The percent values of a percentiles argument list: numbers or dynamic arrays of numbers.
pub fn percents(args: &[Value]) -> Vec<f64> {
    let mut out = Vec::new();
    for arg in args {
        match arg {
            Value::Dynamic(d) => match d.as_array() {
                Some(items) => out.extend(items.iter().filter_map(serde_json::Value::as_f64)),
                None => out.extend(d.as_f64()),
            },
            other => out.extend(as_f64(other)),
        }
    }
    out
}

/// A percent as Kusto writes it in column names: `99.9` -> `99_9`, `50.0` -> `50`.
pub fn percent_label(percent: f64) -> String {
    let text = if percent.fract() == 0.0 {
        format!("{}", percent as i64)
    } else {
        format!("{percent}")
    };
    text.replace(['.', '-'], "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weighted(pairs: &[(i64, f64)]) -> Vec<(Value, f64)> {
        let mut values: Vec<(Value, f64)> =
            pairs.iter().map(|&(v, w)| (Value::Long(v), w)).collect();
        sort(&mut values);
        values
    }

    #[test]
    fn weighted_nearest_rank() {
        let values = weighted(&[(10, 8.0), (20, 6.0), (30, 3.0), (40, 1.0)]);
        assert_eq!(nearest_rank(&values, 50.0), Value::Long(20));
        assert_eq!(nearest_rank(&values, 75.0), Value::Long(20));
        assert_eq!(nearest_rank(&values, 99.9), Value::Long(40));
        assert_eq!(nearest_rank(&values, 0.0), Value::Long(10));
    }

    #[test]
    fn unweighted_ranks() {
        let values = weighted(&(1..=100).map(|v| (v, 1.0)).collect::<Vec<_>>());
        assert_eq!(nearest_rank(&values, 5.0), Value::Long(5));
        assert_eq!(nearest_rank(&values, 7.0), Value::Long(7));
        assert_eq!(nearest_rank(&values, 100.0), Value::Long(100));
        assert_eq!(nearest_rank(&[], 50.0), Value::Null);
    }

    #[test]
    fn labels() {
        assert_eq!(percent_label(99.9), "99_9");
        assert_eq!(percent_label(50.0), "50");
    }
}
