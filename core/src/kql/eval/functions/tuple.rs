//! Functions that return several columns: `series_stats`, `series_fit_line`, and
//! `array_sort_asc`/`array_sort_desc` with more than one array.
//!
//! `extend`, `project` and `print` ask [`column_names`] whether a call is one of these
//! and then take one value per column from [`call`]. Default names follow the Kusto docs:
//! `series_stats_x_min`, ... for `series_stats(x)`, and `array1_sorted`, `array2_sorted`
//! for `array_sort_asc(array1, array2)`; `(a, b) = f(...)` names them explicitly.

use super::dynamic::array;
use super::series::{fit_line, numbers, stats};
use crate::kql::eval::Result;
use crate::value::Value;

const STATS_FIELDS: [&str; 7] = [
    "min", "min_idx", "max", "max_idx", "avg", "stdev", "variance",
];
const FIT_LINE_FIELDS: [&str; 6] = [
    "rsquare",
    "slope",
    "variance",
    "rvariance",
    "interception",
    "line_fit",
];

/// The default column names when `name(args)` returns several columns; `argument_names`
/// holds each argument's column name when it is a plain column. None for ordinary
/// functions (and for array_sort with one array, which returns one column).
pub fn column_names(name: &str, argument_names: &[Option<&str>]) -> Option<Vec<String>> {
    let canonical = crate::kql::functions::lookup(name).map_or(name, |info| info.name);
    let first = argument_names.first().copied().flatten().unwrap_or("");
    let prefixed = |fields: &[&str]| {
        fields
            .iter()
            .map(|field| format!("{canonical}_{first}_{field}"))
            .collect()
    };
    Some(match canonical {
        "series_stats" => prefixed(&STATS_FIELDS),
        "series_fit_line" => prefixed(&FIT_LINE_FIELDS),
        "array_sort_asc" | "array_sort_desc" if argument_names.len() > 1 => argument_names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                format!(
                    "{}_sorted",
                    n.map_or_else(|| format!("array{}", i + 1), str::to_string)
                )
            })
            .collect(),
        _ => return None,
    })
}

/// The values of a several-column function, one per column of [`column_names`].
pub fn call(name: &str, args: &[Value]) -> Result<Vec<Value>> {
    let canonical = crate::kql::functions::lookup(name).map_or(name, |info| info.name);
    let series = || args.first().and_then(array);
    Ok(match canonical {
        "series_stats" => {
            let ignore_nonfinite = matches!(args.get(1), Some(Value::Bool(true)));
            let bag = series().and_then(|s| stats(&s, ignore_nonfinite));
            STATS_FIELDS
                .iter()
                .map(|field| {
                    bag.as_ref()
                        .and_then(|b| b.get(*field))
                        .map_or(Value::Null, crate::kql::eval::scalar::dynamic_scalar)
                })
                .collect()
        }
        "series_fit_line" => {
            let fit = series()
                .and_then(|s| fit_line(&numbers(&s)))
                .map(|f| f.to_json());
            FIT_LINE_FIELDS
                .iter()
                .map(|field| match fit.as_ref().and_then(|f| f.get(*field)) {
                    Some(serde_json::Value::Array(items)) => {
                        super::dynamic::dynamic(serde_json::Value::Array(items.clone()))
                    }
                    Some(other) => crate::kql::eval::scalar::dynamic_scalar(other),
                    None => Value::Null,
                })
                .collect()
        }
        "array_sort_asc" => super::array::sort_arrays(args, false),
        "array_sort_desc" => super::array::sort_arrays(args, true),
        _ => vec![super::call(name, args)?],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Value {
        super::super::dynamic::dynamic(serde_json::from_str(text).unwrap())
    }

    #[test]
    fn sorts_arrays_together() {
        let names = column_names("array_sort_asc", &[Some("array1"), Some("array2")]).unwrap();
        assert_eq!(names, vec!["array1_sorted", "array2_sorted"]);
        let values = call(
            "array_sort_asc",
            &[d("[1,3,4,5,2]"), d(r#"["a","b","c","d","e"]"#)],
        )
        .unwrap();
        assert_eq!(values[1], d(r#"["a","e","b","c","d"]"#));
        assert_eq!(column_names("array_sort_asc", &[Some("a")]), None);
    }

    #[test]
    fn series_stats_columns() {
        let names = column_names("series_stats", &[Some("x")]).unwrap();
        assert_eq!(
            names.first().map(String::as_str),
            Some("series_stats_x_min")
        );
        let values = call(
            "series_stats",
            &[d("[23,46,23,87,4,8,3,75,2,56,13,75,32,16,29]")],
        )
        .unwrap();
        assert_eq!(values[1], Value::Long(8));
        assert_eq!(values[2], Value::Real(87.0));
    }

    #[test]
    fn fit_line_documented_example() {
        let values = call("series_fit_line", &[d("[2,5,6,8,11,15,17,18,25,26,30,30]")]).unwrap();
        let real = |i: usize| match values[i] {
            Value::Real(r) => r,
            _ => f64::NAN,
        };
        assert!((real(0) - 0.982).abs() < 1e-3);
        assert!((real(1) - 2.730).abs() < 1e-3);
        assert!((real(2) - 98.628).abs() < 1e-3);
        assert!((real(3) - 1.686).abs() < 1e-3);
        assert!((real(4) + 1.666).abs() < 1e-3);
    }
}
