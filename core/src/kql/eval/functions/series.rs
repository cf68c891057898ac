//! Series functions over dynamic numeric arrays: element-wise arithmetic and comparison,
//! element-wise math, reductions (sum, product, stats, dot product, correlation), line
//! fitting, FIR/IIR filtering and the seasonal component. The fill functions are in
//! `series_fill.rs`.
//!
//! A non-numeric element (or a missing one, when two series differ in length) gives a null
//! element, as the Kusto docs describe for the element-wise functions.

use serde_json::{Map, Value as Json};

use super::arg;
use super::dynamic::{array, dynamic};
use crate::kql::eval::scalar::as_f64;
use crate::kql::eval::{EvalError, Result};
use crate::value::Value;

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    if let Some(op) = Elementwise::parse(name) {
        return Ok(Some(elementwise(op, &arg(args, 0), &arg(args, 1))));
    }
    if let Some(f) = unary(name) {
        return Ok(Some(map_series(&arg(args, 0), |x| {
            x.and_then(Json::as_f64).map(f).map(real)
        })));
    }
    let series = || array(&arg(args, 0));
    Ok(Some(match name {
        "series_abs" => map_series(&arg(args, 0), |x| {
            x.map(|v| match v.as_i64() {
                Some(n) => Json::from(n.wrapping_abs()),
                None => real(v.as_f64().unwrap_or(f64::NAN).abs()),
            })
        }),
        "series_sum" => series().map_or(Value::Null, |s| {
            Value::Real(numbers(&s).into_iter().flatten().sum())
        }),
        "series_product" => series().map_or(Value::Null, |s| {
            Value::Real(numbers(&s).into_iter().flatten().product())
        }),
        "series_magnitude" => series().map_or(Value::Null, |s| {
            Value::Real(
                numbers(&s)
                    .into_iter()
                    .flatten()
                    .map(|x| x * x)
                    .sum::<f64>()
                    .sqrt(),
            )
        }),
        "series_stats_dynamic" => {
            let ignore_nonfinite = matches!(arg(args, 1), Value::Bool(true));
            series().map_or(Value::Null, |s| {
                stats(&s, ignore_nonfinite).map_or(Value::Null, |map| dynamic(Json::Object(map)))
            })
        }
        "series_dot_product" => pair(&arg(args, 0), &arg(args, 1)).map_or(Value::Null, |(a, b)| {
            Value::Real(a.iter().zip(&b).map(|(x, y)| x * y).sum())
        }),
        "series_cosine_similarity" => match pair(&arg(args, 0), &arg(args, 1)) {
            Some((a, b)) if !a.is_empty() => {
                let dot: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
                let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
                let magnitude = |i: usize, v: &[f64]| as_f64(&arg(args, i)).unwrap_or(norm(v));
                Value::Real(dot / (magnitude(2, &a) * magnitude(3, &b)))
            }
            _ => Value::Null,
        },
        "series_pearson_correlation" => match pair(&arg(args, 0), &arg(args, 1)) {
            Some((a, b)) if !a.is_empty() => Value::Real(pearson(&a, &b)),
            _ => Value::Null,
        },
        "series_fit_line_dynamic" => series().map_or(Value::Null, |s| {
            fit_line(&numbers(&s)).map_or(Value::Null, |fit| dynamic(fit.to_json()))
        }),
        "series_fir" => match (series(), array(&arg(args, 1))) {
            (Some(x), Some(filter)) => {
                let normalize = match arg(args, 2) {
                    Value::Bool(b) => Some(b),
                    _ => None,
                };
                fir(
                    &numbers(&x),
                    &numbers(&filter),
                    normalize,
                    matches!(arg(args, 3), Value::Bool(true)),
                )
            }
            _ => Value::Null,
        },
        "series_iir" => match (series(), array(&arg(args, 1)), array(&arg(args, 2))) {
            (Some(x), Some(b), Some(a)) => iir(&x, &b, &a),
            _ => Value::Null,
        },
        "series_seasonal" => {
            let Some(items) = series() else {
                return Ok(Some(Value::Null));
            };
            let period = match args.get(1) {
                Some(v) => crate::kql::eval::scalar::as_i64(v).unwrap_or(-1),
                None => -1,
            };
            if period <= 0 {
                return Err(EvalError::unsupported(
                    "series_seasonal() period detection; give the period",
                ));
            }
            dynamic(Json::Array(seasonal(&numbers(&items), period as usize)))
        }
        _ => return Ok(None),
    }))
}

/// A JSON number for a real; NaN and infinities as Kusto prints them.
fn real(x: f64) -> Json {
    Value::Real(x).to_json()
}

/// The elements as numbers (`None` for non-numeric elements).
pub(super) fn numbers(items: &[Json]) -> Vec<Option<f64>> {
    items.iter().map(Json::as_f64).collect()
}

fn map_series(value: &Value, f: impl Fn(Option<&Json>) -> Option<Json>) -> Value {
    array(value).map_or(Value::Null, |items| {
        dynamic(Json::Array(
            items
                .iter()
                .map(|item| f(item.is_number().then_some(item)).unwrap_or(Json::Null))
                .collect(),
        ))
    })
}

fn unary(name: &str) -> Option<fn(f64) -> f64> {
    Some(match name {
        "series_acos" => f64::acos,
        "series_asin" => f64::asin,
        "series_atan" => f64::atan,
        "series_ceiling" => f64::ceil,
        "series_floor" => f64::floor,
        "series_cos" => f64::cos,
        "series_sin" => f64::sin,
        "series_tan" => f64::tan,
        "series_exp" => f64::exp,
        "series_log" => f64::ln,
        "series_sign" => |x| if x == 0.0 { 0.0 } else { x.signum() },
        _ => return None,
    })
}

#[derive(Clone, Copy)]
enum Elementwise {
    Add,
    Subtract,
    Multiply,
    Divide,
    Pow,
    Greater,
    GreaterEquals,
    Less,
    LessEquals,
    Equals,
    NotEquals,
}

impl Elementwise {
    fn parse(name: &str) -> Option<Elementwise> {
        Some(match name {
            "series_add" => Elementwise::Add,
            "series_subtract" => Elementwise::Subtract,
            "series_multiply" => Elementwise::Multiply,
            "series_divide" => Elementwise::Divide,
            "series_pow" => Elementwise::Pow,
            "series_greater" => Elementwise::Greater,
            "series_greater_equals" => Elementwise::GreaterEquals,
            "series_less" => Elementwise::Less,
            "series_less_equals" => Elementwise::LessEquals,
            "series_equals" => Elementwise::Equals,
            "series_not_equals" => Elementwise::NotEquals,
            _ => return None,
        })
    }

    fn apply(self, x: &Json, y: &Json) -> Json {
        let (Some(a), Some(b)) = (x.as_f64(), y.as_f64()) else {
            return Json::Null;
        };
        // Longs stay longs where the operation allows it (overflow falls back to real).
        let integers = x.as_i64().zip(y.as_i64());
        let integer = |f: fn(i64, i64) -> Option<i64>| integers.and_then(|(p, q)| f(p, q));
        match self {
            Elementwise::Add => integer(i64::checked_add).map_or(real(a + b), Json::from),
            Elementwise::Subtract => integer(i64::checked_sub).map_or(real(a - b), Json::from),
            Elementwise::Multiply => integer(i64::checked_mul).map_or(real(a * b), Json::from),
            Elementwise::Divide => real(a / b),
            Elementwise::Pow => real(a.powf(b)),
            Elementwise::Greater => Json::Bool(a > b),
            Elementwise::GreaterEquals => Json::Bool(a >= b),
            Elementwise::Less => Json::Bool(a < b),
            Elementwise::LessEquals => Json::Bool(a <= b),
            Elementwise::Equals => Json::Bool(a == b),
            Elementwise::NotEquals => Json::Bool(a != b),
        }
    }
}

/// One side of an element-wise operation: a series, or a scalar applied to every element.
enum Operand {
    Series(Vec<Json>),
    Scalar(Json),
}

impl Operand {
    fn of(value: &Value) -> Operand {
        match value {
            Value::Dynamic(d) => match d.as_array() {
                Some(items) => Operand::Series(items.clone()),
                None => Operand::Scalar((**d).clone()),
            },
            other => Operand::Scalar(other.to_json()),
        }
    }

    fn at(&self, i: usize) -> &Json {
        match self {
            Operand::Series(items) => items.get(i).unwrap_or(&Json::Null),
            Operand::Scalar(value) => value,
        }
    }

    fn len(&self) -> Option<usize> {
        match self {
            Operand::Series(items) => Some(items.len()),
            Operand::Scalar(_) => None,
        }
    }
}

fn elementwise(op: Elementwise, left: &Value, right: &Value) -> Value {
    let (a, b) = (Operand::of(left), Operand::of(right));
    let len = match (a.len(), b.len()) {
        (None, None) => return Value::Null,
        (x, y) => x.unwrap_or(0).max(y.unwrap_or(0)),
    };
    dynamic(Json::Array(
        (0..len).map(|i| op.apply(a.at(i), b.at(i))).collect(),
    ))
}

/// Two numeric series (a scalar stands for itself at every position), truncated to the
/// shorter one; non-numeric pairs are skipped.
fn pair(left: &Value, right: &Value) -> Option<(Vec<f64>, Vec<f64>)> {
    let (a, b) = (Operand::of(left), Operand::of(right));
    let len = match (a.len(), b.len()) {
        (None, None) => return None,
        (Some(x), Some(y)) => x.min(y),
        (x, y) => x.or(y).unwrap_or(0),
    };
    Some(
        (0..len)
            .filter_map(|i| Some((a.at(i).as_f64()?, b.at(i).as_f64()?)))
            .unzip(),
    )
}

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (mean_a, mean_b) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut cov, mut var_a, mut var_b) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        cov += (x - mean_a) * (y - mean_b);
        var_a += (x - mean_a) * (x - mean_a);
        var_b += (y - mean_b) * (y - mean_b);
    }
    cov / (var_a * var_b).sqrt()
}

/// min, min_idx, max, max_idx, avg, stdev, variance (sample), sum, len. Without
/// `ignore_nonfinite`, any non-finite element makes the result null.
pub(super) fn stats(items: &[Json], ignore_nonfinite: bool) -> Option<Map<String, Json>> {
    let mut values = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match item.as_f64().filter(|x| x.is_finite()) {
            Some(x) => values.push((i, x)),
            None if ignore_nonfinite => {}
            None => return None,
        }
    }
    let n = values.len() as f64;
    let first = |better: fn(f64, f64) -> bool| {
        values
            .iter()
            .copied()
            .reduce(|best, next| if better(next.1, best.1) { next } else { best })
    };
    let min = first(|a, b| a < b);
    let max = first(|a, b| a > b);
    let sum: f64 = values.iter().map(|(_, x)| x).sum();
    let avg = sum / n;
    let variance = if values.len() > 1 {
        values
            .iter()
            .map(|(_, x)| (x - avg) * (x - avg))
            .sum::<f64>()
            / (n - 1.0)
    } else {
        0.0
    };
    let mut map = Map::new();
    map.insert("min".into(), min.map_or(Json::Null, |m| real(m.1)));
    map.insert(
        "min_idx".into(),
        min.map_or(Json::Null, |m| Json::from(m.0)),
    );
    map.insert("max".into(), max.map_or(Json::Null, |m| real(m.1)));
    map.insert(
        "max_idx".into(),
        max.map_or(Json::Null, |m| Json::from(m.0)),
    );
    map.insert("avg".into(), real(avg));
    map.insert("stdev".into(), real(variance.sqrt()));
    map.insert("variance".into(), real(variance));
    map.insert("sum".into(), real(sum));
    map.insert("len".into(), Json::from(items.len()));
    Some(map)
}

/// A least-squares line over x = 1..n.
pub(super) struct LineFit {
    rsquare: f64,
    slope: f64,
    variance: f64,
    rvariance: f64,
    interception: f64,
    line_fit: Vec<f64>,
}

impl LineFit {
    pub(super) fn to_json(&self) -> Json {
        let mut map = Map::new();
        map.insert("rsquare".into(), real(self.rsquare));
        map.insert("slope".into(), real(self.slope));
        map.insert("variance".into(), real(self.variance));
        map.insert("rvariance".into(), real(self.rvariance));
        map.insert("interception".into(), real(self.interception));
        map.insert(
            "line_fit".into(),
            Json::Array(self.line_fit.iter().copied().map(real).collect()),
        );
        Json::Object(map)
    }
}

pub(super) fn fit_line(ys: &[Option<f64>]) -> Option<LineFit> {
    let points: Vec<(f64, f64)> = ys
        .iter()
        .enumerate()
        .filter_map(|(i, y)| Some(((i + 1) as f64, (*y)?)))
        .collect();
    if points.is_empty() {
        return None;
    }
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    let slope = if sxx == 0.0 { 0.0 } else { sxy / sxx };
    let interception = mean_y - slope * mean_x;
    let line_fit: Vec<f64> = (1..=ys.len())
        .map(|x| interception + slope * x as f64)
        .collect();
    let ss_total: f64 = points.iter().map(|p| (p.1 - mean_y).powi(2)).sum();
    let ss_residual: f64 = points
        .iter()
        .map(|p| (p.1 - (interception + slope * p.0)).powi(2))
        .sum();
    // Sample variances (n - 1), as the docs' example shows.
    let divisor = if points.len() > 1 { n - 1.0 } else { 1.0 };
    let variance = ss_total / divisor;
    let rvariance = ss_residual / divisor;
    let rsquare = if ss_total == 0.0 {
        1.0
    } else {
        1.0 - ss_residual / ss_total
    };
    Some(LineFit {
        rsquare,
        slope,
        variance,
        rvariance,
        interception,
        line_fit,
    })
}

/// Y[i] = Σ f[j]·X[i-j] (X is 0 outside the series). Normalizing divides by Σ f and is the
/// default unless a coefficient is negative (then asking for it gives null); `center`
/// shifts the window back by half its length.
fn fir(x: &[Option<f64>], filter: &[Option<f64>], normalize: Option<bool>, center: bool) -> Value {
    let filter: Vec<f64> = filter.iter().map(|f| f.unwrap_or(0.0)).collect();
    let has_negative = filter.iter().any(|f| *f < 0.0);
    let normalize = match normalize {
        Some(true) if has_negative => return Value::Null,
        Some(n) => n,
        None => !has_negative,
    };
    let scale = if normalize {
        filter.iter().sum::<f64>()
    } else {
        1.0
    };
    let shift = if center {
        (filter.len().saturating_sub(1) / 2) as i64
    } else {
        0
    };
    let y = (0..x.len() as i64).map(|i| {
        let mut acc = 0.0;
        for (j, f) in filter.iter().enumerate() {
            let k = i + shift - j as i64;
            if let Some(Some(v)) = usize::try_from(k).ok().and_then(|k| x.get(k)) {
                acc += f * v;
            }
        }
        real(acc / scale)
    });
    dynamic(Json::Array(y.collect()))
}

/// Y[i] = (Σ b[j]·X[i-j] − Σ_{j≥1} a[j]·Y[i-j]) / a[0].
fn iir(x: &[Json], b: &[Json], a: &[Json]) -> Value {
    let (x, b, a) = (numbers(x), numbers(b), numbers(a));
    let a0 = match a.first() {
        Some(Some(a0)) if *a0 != 0.0 => *a0,
        _ => return Value::Null,
    };
    let mut y: Vec<f64> = Vec::with_capacity(x.len());
    for i in 0..x.len() {
        let mut acc = 0.0;
        for (j, bj) in b.iter().enumerate() {
            if let (Some(bj), Some(Some(xv))) = (bj, i.checked_sub(j).and_then(|k| x.get(k))) {
                acc += bj * xv;
            }
        }
        for (j, aj) in a.iter().enumerate().skip(1) {
            if let (Some(aj), Some(yv)) = (aj, i.checked_sub(j).and_then(|k| y.get(k))) {
                acc -= aj * yv;
            }
        }
        y.push(acc / a0);
    }
    dynamic(Json::Array(y.into_iter().map(real).collect()))
}

/// The median of the values at each position of the period, repeated over the series.
fn seasonal(values: &[Option<f64>], period: usize) -> Vec<Json> {
    let medians: Vec<f64> = (0..period)
        .map(|phase| {
            let mut column: Vec<f64> = values
                .iter()
                .skip(phase)
                .step_by(period)
                .filter_map(|v| *v)
                .collect();
            column.sort_by(f64::total_cmp);
            let mid = column.len() / 2;
            match (column.get(mid.wrapping_sub(1)), column.get(mid)) {
                (Some(a), Some(b)) if column.len().is_multiple_of(2) => (a + b) / 2.0,
                (_, Some(m)) => *m,
                _ => 0.0,
            }
        })
        .collect();
    (0..values.len())
        .map(|i| real(medians.get(i % period).copied().unwrap_or(0.0)))
        .collect()
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
    fn elementwise_with_scalars_and_lengths() {
        assert_eq!(
            eval("series_add", &[d("[1,2,4]"), d("[4,2,1]")]),
            serde_json::json!([5, 4, 5])
        );
        assert_eq!(
            eval("series_multiply", &[d("[1,2]"), Value::Long(3)]),
            serde_json::json!([3, 6])
        );
        assert_eq!(
            eval("series_greater", &[d("[1,2,4]"), d("[4,2]")]),
            serde_json::json!([false, false, null])
        );
        assert_eq!(
            eval("series_pow", &[d("[2,4]"), d("[3,0.5]")]),
            serde_json::json!([8.0, 2.0])
        );
    }

    #[test]
    fn reductions() {
        assert_eq!(eval("series_sum", &[d("[1,2,3,4]")]), 10.0);
        assert_eq!(eval("series_product", &[d("[1,2,3,4]")]), 24.0);
        assert_eq!(
            eval("series_dot_product", &[d("[1,2,4]"), Value::Long(2)]),
            14.0
        );
        let r = eval("series_pearson_correlation", &[d("[1,2,3]"), d("[2,4,6]")]);
        assert!((r.as_f64().unwrap() - 1.0).abs() < 1e-12);
        let stats = eval(
            "series_stats_dynamic",
            &[d("[23,46,23,87,4,8,3,75,2,56,13,75,32,16,29]")],
        );
        assert_eq!(stats["min_idx"], 8);
        assert!((stats["variance"].as_f64().unwrap() - 812.457_142_857_142_9).abs() < 1e-9);
    }

    #[test]
    fn fir_moving_sum_and_difference() {
        assert_eq!(
            eval("series_fir", &[d("[0,2,2,3]"), d("[1,-1]")]),
            serde_json::json!([0.0, 2.0, 0.0, 1.0])
        );
        assert_eq!(
            eval("series_fir", &[d("[1,2,3]"), d("[1,1]")]),
            serde_json::json!([0.5, 1.5, 2.5])
        );
    }

    #[test]
    fn iir_cumulative_sum() {
        assert_eq!(
            eval("series_iir", &[d("[1,2,3,4]"), d("[1]"), d("[1,-1]")]),
            serde_json::json!([1.0, 3.0, 6.0, 10.0])
        );
    }

    #[test]
    fn seasonal_with_period() {
        assert_eq!(
            eval("series_seasonal", &[d("[1,3,5,2,4,6]"), Value::Long(3)]),
            serde_json::json!([1.5, 3.5, 5.5, 1.5, 3.5, 5.5])
        );
    }
}
