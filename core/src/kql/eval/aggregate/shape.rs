//! The shape of each aggregate: which names are aggregates, which argument is the `*if`
//! predicate, how many columns come out and what they are called.

use super::percentile;
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
            | "minif"
            | "max"
            | "maxif"
            | "avg"
            | "avgif"
            | "dcount"
            | "dcountif"
            | "count_distinct"
            | "count_distinctif"
            | "make_set"
            | "make_set_if"
            | "make_list"
            | "make_list_if"
            | "make_list_with_nulls"
            | "make_bag"
            | "make_bag_if"
            | "take_any"
            | "take_anyif"
            | "arg_max"
            | "arg_min"
            | "variance"
            | "varianceif"
            | "variancep"
            | "variancepif"
            | "stdev"
            | "stdevif"
            | "stdevp"
            | "stdevpif"
            | "covariance"
            | "covarianceif"
            | "covariancep"
            | "covariancepif"
            | "percentile"
            | "percentiles"
            | "percentiles_array"
            | "percentilew"
            | "percentilesw"
            | "percentilesw_array"
            | "tdigest"
            | "tdigest_merge"
            | "merge_tdigest"
            | "hll"
            | "hll_if"
            | "hll_merge"
            | "buildschema"
            | "binary_all_and"
            | "binary_all_or"
            | "binary_all_xor"
    )
}

/// The position of the `*if` predicate among an aggregate's arguments.
pub(super) fn predicate_position(name: &str) -> Option<usize> {
    Some(match name {
        "countif" => 0,
        "covarianceif" | "covariancepif" => 2,
        "sumif" | "minif" | "maxif" | "avgif" | "dcountif" | "count_distinctif" | "make_set_if"
        | "make_list_if" | "make_bag_if" | "take_anyif" | "varianceif" | "variancepif"
        | "stdevif" | "stdevpif" | "hll_if" => 1,
        _ => return None,
    })
}

/// How many leading arguments `summarize` evaluates per row (arg_max's others are columns).
pub fn row_argument_count(name: &str, argument_count: usize) -> usize {
    match name {
        "arg_max" | "arg_min" => argument_count.min(1),
        _ => argument_count,
    }
}

/// Output column names for aggregates whose names come from their arguments:
/// `percentile_X_50`..., `percentiles_X`, `covariance_X_Y`, take_any's own columns.
/// `argument_names` holds each argument's column (if any), `constants` holds each argument's value when it
/// is a constant.
pub fn column_names(
    name: &str,
    argument_names: &[Option<&str>],
    constants: &[Option<Value>],
) -> Option<Vec<String>> {
    let name_of = |i: usize| argument_names.get(i).copied().flatten();
    let column = name_of(0).unwrap_or("");
    let percents_from = |skip: usize| {
        let values: Vec<Value> = constants.iter().skip(skip).flatten().cloned().collect();
        percentile::percents(&values)
    };
    Some(match name {
        "percentile" | "percentiles" => percents_from(1)
            .into_iter()
            .map(|p| format!("percentile_{column}_{}", percentile::percent_label(p)))
            .collect(),
        "percentilew" | "percentilesw" => percents_from(2)
            .into_iter()
            .map(|p| format!("percentile_{column}_{}", percentile::percent_label(p)))
            .collect(),
        "percentiles_array" => vec![format!("percentiles_{column}")],
        "percentilesw_array" => vec![format!("percentile_{column}")],
        // take_any(x, y) names its columns after the columns it returns.
        "take_any" => argument_names
            .iter()
            .enumerate()
            .map(|(i, n)| n.map_or_else(|| format!("any_{}", i + 1), str::to_string))
            .collect(),
        "covariance" | "covariancep" | "covarianceif" | "covariancepif" => {
            vec![format!("{name}_{column}_{}", name_of(1).unwrap_or(""))]
        }
        _ => return None,
    })
}

/// How many columns an aggregate produces (before any rows are seen).
pub(super) fn output_count(name: &str, argument_count: usize) -> usize {
    match name {
        "percentiles" => argument_count.saturating_sub(1).max(1),
        "percentilesw" => argument_count.saturating_sub(2).max(1),
        _ => 1,
    }
}
