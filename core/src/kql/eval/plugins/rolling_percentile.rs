//! `rolling_percentile(Value, Percentile, Index, BinSize, BinsLookback [, dims...])`: per
//! bin of the index (and per dimension values), the percentile of the values in that bin
//! and the `BinsLookback - 1` bins before it.

use std::collections::BTreeMap;

use super::{percentile, sort_values, Column, EvalError, Evaluator, Result, Table};
use crate::kql::ast::*;
use crate::kql::eval::scalar::{arithmetic, as_f64, as_i64, compare};
use crate::value::Value;

impl Evaluator<'_> {
    pub(super) fn rolling_percentile(&mut self, args: &[Arg], input: Table) -> Result<Table> {
        let (Some(value_arg), Some(index_arg)) = (args.first(), args.get(2)) else {
            return Err(EvalError::new(
                "rolling_percentile needs a value, a percentile, an index, a bin size and a lookback",
            ));
        };
        let p = as_f64(&self.plugin_constant(args, 1, "the percentile")?)
            .ok_or_else(|| EvalError::new("rolling_percentile: the percentile must be a number"))?;
        let bin_size = self.plugin_constant(args, 3, "the bin size")?;
        let lookback = as_i64(&self.plugin_constant(args, 4, "the lookback")?)
            .filter(|n| *n >= 1)
            .ok_or_else(|| EvalError::new("rolling_percentile: the lookback must be at least 1"))?;
        let dims: Vec<&Arg> = args.iter().skip(5).collect();
        let name_of = |arg: &Arg, fallback: &str| {
            arg.value
                .as_name()
                .map_or(fallback.to_string(), |n| n.name.clone())
        };
        // (dims as JSON) -> (dim values, bin key -> (bin value, values)).
        type Bins = BTreeMap<String, (Value, Vec<Value>)>;
        let mut groups: Vec<(Vec<Value>, Bins)> = Vec::new();
        for row in &input.rows {
            let value = self.scalar(&value_arg.value, &input, row)?;
            let index = self.scalar(&index_arg.value, &input, row)?;
            let bin = crate::kql::eval::functions::call("bin", &[index, bin_size.clone()])?;
            if bin.is_null() {
                continue;
            }
            let mut dim_values = Vec::with_capacity(dims.len());
            for dim in &dims {
                dim_values.push(self.scalar(&dim.value, &input, row)?);
            }
            let group = match groups.iter().position(|(d, _)| *d == dim_values) {
                Some(g) => g,
                None => {
                    groups.push((dim_values, BTreeMap::new()));
                    groups.len() - 1
                }
            };
            if let Some((_, bins)) = groups.get_mut(group) {
                let entry = bins
                    .entry(sortable_key(&bin))
                    .or_insert_with(|| (bin.clone(), Vec::new()));
                if !value.is_null() {
                    entry.1.push(value);
                }
            }
        }
        let mut columns = vec![Column {
            name: name_of(index_arg, "Index"),
            ty: None,
        }];
        columns.extend(dims.iter().map(|d| Column {
            name: name_of(d, "dim"),
            ty: None,
        }));
        let p_text = crate::value::format_real(p);
        columns.push(Column {
            name: format!(
                "rolling_{lookback}_percentile_{}_{p_text}",
                name_of(value_arg, "value")
            ),
            ty: None,
        });
        let mut out = Table::new(columns);
        for (dim_values, bins) in &groups {
            for (bin, _) in bins.values() {
                let mut window = Vec::new();
                let mut start = bin.clone();
                // Walk back at most `lookback` bins, and never before the first bin (so a
                // huge lookback costs no more than the data).
                let first = bins.values().next().map(|(b, _)| b.clone());
                for _ in 0..lookback {
                    if first
                        .as_ref()
                        .is_some_and(|f| compare(&start, f).is_some_and(|o| o.is_lt()))
                    {
                        break;
                    }
                    if let Some((_, values)) = bins.get(&sortable_key(&start)) {
                        window.extend(values.iter().cloned());
                    }
                    start = arithmetic(BinaryOp::Sub, &start, &bin_size);
                }
                sort_values(&mut window);
                let mut row = vec![bin.clone()];
                row.extend(dim_values.iter().cloned());
                row.push(percentile(&window, p));
                out.rows.push(row);
            }
        }
        out.infer_types();
        Ok(out)
    }
}

/// A map key that sorts bins in time or numeric order.
fn sortable_key(value: &Value) -> String {
    match value {
        Value::Datetime(t) | Value::Timespan(t) => {
            format!("{:021}", i128::from(*t) + (1i128 << 64))
        }
        other => match as_f64(other) {
            Some(f) => format!("{:030.6}", f + 1e20),
            None => other.to_json().to_string(),
        },
    }
}
