//! `evaluate` plugins, one family per file: `bag_unpack`, `narrow`, `pivot`, `rows_near`,
//! `ipv4_lookup`/`ipv6_lookup`, `geo_polygon_lookup`/`geo_line_lookup`,
//! `rolling_percentile`, and the activity metrics (`activity_counts_metrics`,
//! `sliding_window_counts`, `active_users_count`).

mod activity;
mod bag_unpack;
mod geo_lookup;
mod ip_lookup;
mod narrow;
mod pivot;
mod rolling_percentile;
mod rows_near;

use super::{scalar, Column, EvalError, Evaluator, Result, Table};
use crate::kql::ast::*;
use crate::value::{ScalarType, Value};

impl Evaluator<'_> {
    /// `T | evaluate plugin(args) [: (schema)]`.
    pub(super) fn evaluate_plugin(
        &mut self,
        call: &Expr,
        output_schema: Option<&[ColumnDecl]>,
        input: Table,
    ) -> Result<Table> {
        let ExprKind::Call { callee, args } = &call.kind else {
            return Err(EvalError::new(
                "evaluate needs a plugin call, e.g. bag_unpack(d)",
            ));
        };
        let name = callee
            .as_name()
            .map(|n| n.name.to_ascii_lowercase())
            .unwrap_or_default();
        let output = match name.as_str() {
            "bag_unpack" => self.bag_unpack(args, output_schema, input)?,
            "narrow" => narrow::narrow(&input),
            "pivot" => self.pivot(args, input)?,
            "rows_near" => self.rows_near(args, input)?,
            "ipv4_lookup" => self.ip_lookup(args, input, false)?,
            "ipv6_lookup" => self.ip_lookup(args, input, true)?,
            "geo_polygon_lookup" => self.geo_lookup(args, input, false)?,
            "geo_line_lookup" => self.geo_lookup(args, input, true)?,
            "rolling_percentile" => self.rolling_percentile(args, input)?,
            "activity_counts_metrics" => self.activity_counts_metrics(args, input)?,
            "sliding_window_counts" => self.sliding_window_counts(args, input)?,
            "active_users_count" => self.active_users_count(args, input)?,
            other => return Err(EvalError::unsupported(format!("the `{other}` plugin"))),
        };
        self.check_table(&output)?;
        Ok(output)
    }

    /// A plugin argument that must be constant (a window size, a percentile...).
    fn plugin_constant(&mut self, args: &[Arg], index: usize, what: &str) -> Result<Value> {
        match args.get(index) {
            Some(arg) => self.constant(&arg.value),
            None => Err(EvalError::new(format!("missing plugin argument: {what}"))),
        }
    }
}

/// The column an argument names (`bag_unpack(d)`), if it is a plain name.
fn column_name(arg: &Arg) -> Option<&str> {
    arg.value.as_name().map(|n| n.name.as_str())
}

/// The argument passed by name (`ignoredProperties=dynamic([...])`).
fn named<'a>(args: &'a [Arg], name: &str) -> Option<&'a Arg> {
    args.iter().find(|a| {
        a.name
            .as_ref()
            .is_some_and(|n| n.name.eq_ignore_ascii_case(name))
    })
}

/// Nearest-rank percentile of sorted values, as Kusto's exact percentile on small sets.
fn percentile(sorted: &[Value], p: f64) -> Value {
    if sorted.is_empty() {
        return Value::Null;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    let index = rank.clamp(1, sorted.len()) - 1;
    sorted.get(index).cloned().unwrap_or(Value::Null)
}

fn long_column(name: &str) -> Column {
    Column {
        name: name.to_string(),
        ty: Some(ScalarType::Long),
    }
}

fn sort_values(values: &mut [Value]) {
    values.sort_by(|a, b| scalar::compare(a, b).unwrap_or(std::cmp::Ordering::Equal));
}

#[cfg(test)]
mod tests {
    use crate::kql::eval::{evaluate, EvalOptions, Table};

    pub(super) fn run(query: &str) -> Table {
        let parsed = crate::kql::parse(query);
        assert!(!parsed.has_errors(), "{query}");
        evaluate(&parsed.query, &Default::default(), &EvalOptions::default())
            .unwrap()
            .table
            .unwrap()
    }
}
