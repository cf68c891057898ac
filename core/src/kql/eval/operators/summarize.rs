//! `summarize`: groups by the `by` expressions (first-seen order) and aggregates each group.
//! Columns: the group keys, then the aggregates (`count_`, `sum_X`, `set_X`...).

use crate::kql::ast::*;
use crate::kql::eval::aggregate::{self, is_aggregate, nested, Accumulator};
use std::hash::BuildHasher;

use crate::kql::eval::compiled::{AddressMemo, Cells, Compiled};
use crate::kql::eval::{Column, EvalError, Evaluator, Result, Table};
use crate::value::Value;

/// One aggregate call: its canonical name, argument expressions, and output columns.
struct AggregateSpec<'a> {
    name: String,
    args: &'a [Arg],
    /// For arg_max/arg_min: indexes of the input columns returned with the best key.
    extra_columns: Vec<usize>,
}

/// How one `summarize` item becomes columns.
enum Plan {
    /// A single aggregate call: its spec's values as they are.
    Direct(usize),
    /// An expression over aggregate calls (`sum(x) / count()`): evaluated per group over
    /// the specs' results, bound to the names in `bindings`.
    Computed {
        expr: Expr,
        bindings: Vec<(String, usize)>,
    },
}

impl Evaluator<'_> {
    pub(in crate::kql::eval) fn summarize(
        &mut self,
        aggregates: &[Assignment],
        by: &[Assignment],
        input: &Table,
    ) -> Result<Table> {
        self.summarize_rows(aggregates, by, input, input.rows.iter())
    }

    /// `summarize` over any rows: a table's, or the positions of a column-stored input
    /// table; `input` gives the column names the expressions are prepared against.
    pub(in crate::kql::eval) fn summarize_rows<R: Cells>(
        &mut self,
        aggregates: &[Assignment],
        by: &[Assignment],
        input: &Table,
        rows: impl Iterator<Item = R>,
    ) -> Result<Table> {
        let mut columns = Vec::new();
        for (i, key) in by.iter().enumerate() {
            let name = match key.names.first() {
                Some(name) => name.name.clone(),
                None => by_name(&key.value, i),
            };
            columns.push(Column { name, ty: None });
        }
        let mut specs = Vec::new();
        let mut plans = Vec::new();
        for (i, item) in aggregates.iter().enumerate() {
            if nested::aggregate_name(&item.value).is_none() {
                let (expr, calls) = nested::extract(&item.value, &format!("__aggregate_{i}_"));
                if calls.is_empty() {
                    return Err(EvalError::unsupported(
                        "a summarize expression without an aggregate call",
                    ));
                }
                let mut bindings = Vec::with_capacity(calls.len());
                for call in calls {
                    // Only single-value aggregates can stand inside an expression.
                    if matches!(
                        call.name.as_str(),
                        "arg_max" | "arg_min" | "percentiles" | "percentilesw"
                    ) {
                        return Err(EvalError::unsupported(format!(
                            "`{}()` inside an expression",
                            call.name
                        )));
                    }
                    bindings.push((call.binding, specs.len()));
                    specs.push(AggregateSpec {
                        name: call.name,
                        args: call.args,
                        extra_columns: Vec::new(),
                    });
                }
                let name = item
                    .names
                    .first()
                    .map_or_else(|| format!("Column{}", i + 1), |n| n.name.clone());
                columns.push(Column { name, ty: None });
                plans.push(Plan::Computed { expr, bindings });
                continue;
            }
            let ExprKind::Call { callee, args } = &item.value.kind else {
                return Err(EvalError::unsupported(
                    "an aggregate expression that is not a single aggregate call",
                ));
            };
            let written = callee.as_name().map(|n| n.name.clone()).unwrap_or_default();
            let name = crate::kql::functions::lookup(&written)
                .map_or(written.clone(), |info| info.name.to_string());
            if !is_aggregate(&name) {
                return Err(EvalError::unsupported(format!("aggregate `{written}()`")));
            }
            let mut extra_columns = Vec::new();
            if name == "arg_max" || name == "arg_min" {
                let key_name = args
                    .first()
                    .and_then(|a| a.value.as_name())
                    .map_or("max".to_string(), |n| n.name.clone());
                columns.push(Column {
                    name: item
                        .names
                        .first()
                        .map_or(key_name.clone(), |n| n.name.clone()),
                    ty: None,
                });
                for arg in args.iter().skip(1) {
                    match &arg.value.kind {
                        ExprKind::Wildcard { .. } => {
                            for (c, column) in input.columns.iter().enumerate() {
                                let is_key = column.name == key_name
                                    || columns.iter().any(|k| k.name == column.name);
                                if !is_key {
                                    extra_columns.push(c);
                                    columns.push(column.clone());
                                }
                            }
                        }
                        ExprKind::Name(ident) => {
                            let Some(c) = input.column_index(&ident.name) else {
                                return Err(EvalError::new(format!(
                                    "unknown column `{}`",
                                    ident.name
                                )));
                            };
                            extra_columns.push(c);
                            columns.push(Column {
                                name: ident.name.clone(),
                                ty: None,
                            });
                        }
                        _ => {
                            return Err(EvalError::unsupported(
                                "arg_max/arg_min with computed extra columns",
                            ))
                        }
                    }
                }
            } else if name == "take_any"
                && args
                    .iter()
                    .any(|a| matches!(a.value.kind, ExprKind::Wildcard { .. }))
            {
                // take_any(*): every input column but the group keys, from one row.
                for (c, column) in input.columns.iter().enumerate() {
                    if !columns.iter().any(|k| k.name == column.name) {
                        extra_columns.push(c);
                        columns.push(column.clone());
                    }
                }
            } else if let Some(names) = self.aggregate_column_names(&name, item, args) {
                columns.extend(names.into_iter().map(|name| Column { name, ty: None }));
            } else {
                let name = match item.names.first() {
                    Some(n) => n.name.clone(),
                    None => {
                        let first = args.first().and_then(|a| column_of(&a.value));
                        crate::kql::functions::lookup(&written)
                            .and_then(|info| info.default_column_name(first, args.len()))
                            .unwrap_or_else(|| format!("Column{}", i + 1))
                    }
                };
                columns.push(Column { name, ty: None });
            }
            plans.push(Plan::Direct(specs.len()));
            specs.push(AggregateSpec {
                name,
                args,
                extra_columns,
            });
        }

        // Keys and arguments are prepared once; rows are grouped by hashable keys.
        let by_compiled: Vec<Compiled<'_>> = by
            .iter()
            .map(|item| self.compile(&item.value, input))
            .collect::<Result<_>>()?;
        let mut args_compiled: Vec<Vec<Option<Compiled<'_>>>> = Vec::with_capacity(specs.len());
        for spec in &specs {
            let count = aggregate::row_argument_count(&spec.name, spec.args.len());
            let mut compiled = Vec::with_capacity(count);
            for arg in spec.args.iter().take(count) {
                compiled.push(match arg.value.kind {
                    ExprKind::Wildcard { .. } => None,
                    _ => Some(self.compile(&arg.value, input)?),
                });
            }
            args_compiled.push(compiled);
        }
        // Groups are found by hashing the key values in place; a key is copied only when
        // it starts a new group.
        let hasher = hashbrown::DefaultHashBuilder::default();
        let mut groups: hashbrown::HashTable<usize> = hashbrown::HashTable::new();
        let mut keys: Vec<Vec<Value>> = Vec::new();
        let mut states: Vec<Vec<Accumulator>> = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        // `by Column` over interned strings: a group is found once per distinct string
        // allocation, then by its address (see `AddressMemo`).
        let single_column = match by_compiled.as_slice() {
            [Compiled::Column(column)] => Some(*column),
            _ => None,
        };
        let group_memo: AddressMemo<usize> = AddressMemo::new();
        for row in rows {
            let row = &row;
            let memo_key = match single_column.and_then(|c| row.cell(c)) {
                Some(Value::String(text)) => Some(text),
                _ => None,
            };
            let index = match memo_key.and_then(|text| group_memo.get(text)) {
                Some(index) => index,
                None => {
                    let mut key: Vec<std::borrow::Cow<'_, Value>> = Vec::with_capacity(by.len());
                    for compiled in &by_compiled {
                        key.push(self.operand(compiled, input, row)?);
                    }
                    let hash = hasher.hash_one(GroupKeyRef(&key));
                    let found = groups
                        .find(hash, |&index| {
                            keys.get(index)
                                .is_some_and(|k| k.iter().zip(&key).all(|(a, b)| same_group(a, b)))
                        })
                        .copied();
                    let index = match found {
                        Some(index) => index,
                        None => {
                            let index = keys.len();
                            keys.push(key.iter().map(|v| v.as_ref().clone()).collect());
                            states.push(new_accumulators(&specs)?);
                            groups.insert_unique(hash, index, |&i| {
                                keys.get(i).map_or(0, |k| hasher.hash_one(GroupKeyRef(k)))
                            });
                            index
                        }
                    };
                    if let Some(text) = memo_key {
                        group_memo.set(text, index);
                    }
                    index
                }
            };
            if let Some(accumulators) = states.get_mut(index) {
                self.accumulate(
                    &specs,
                    accumulators,
                    &args_compiled,
                    input,
                    row,
                    &mut values,
                )?;
            }
        }
        // Without `by`, an empty input still yields one row (count() = 0).
        if by.is_empty() && keys.is_empty() {
            keys.push(Vec::new());
            states.push(new_accumulators(&specs)?);
        }
        let key_columns: Vec<Column> = columns.iter().take(by.len()).cloned().collect();
        let mut table = Table::new(columns);
        for (key, accumulators) in keys.into_iter().zip(states) {
            let finished: Vec<Vec<Value>> =
                accumulators.into_iter().map(Accumulator::finish).collect();
            let mut row = key.clone();
            for plan in &plans {
                match plan {
                    Plan::Direct(i) => row.extend(finished.get(*i).cloned().unwrap_or_default()),
                    Plan::Computed { expr, bindings } => {
                        // The group's keys and aggregate results as a one-row table.
                        let mut scope = Table::new(key_columns.clone());
                        let mut values = key.clone();
                        for (binding, i) in bindings {
                            scope.columns.push(Column {
                                name: binding.clone(),
                                ty: None,
                            });
                            values.push(
                                finished
                                    .get(*i)
                                    .and_then(|v| v.first())
                                    .cloned()
                                    .unwrap_or(Value::Null),
                            );
                        }
                        row.push(self.scalar(expr, &scope, &values)?);
                    }
                }
            }
            table.rows.push(row);
        }
        table.infer_types();
        Ok(table)
    }

    /// Adds one row to a group's aggregates.
    fn accumulate<R: Cells>(
        &mut self,
        specs: &[AggregateSpec<'_>],
        accumulators: &mut [Accumulator],
        args_compiled: &[Vec<Option<Compiled<'_>>>],
        input: &Table,
        row: &R,
        values: &mut Vec<Value>,
    ) -> Result<()> {
        for ((spec, accumulator), compiled) in
            specs.iter().zip(accumulators.iter_mut()).zip(args_compiled)
        {
            values.clear();
            for arg in compiled {
                values.push(match arg {
                    None => Value::Bool(true),
                    Some(compiled) => self.run(compiled, input, row)?,
                });
            }
            let extra: Vec<Value> = spec
                .extra_columns
                .iter()
                .map(|&c| row.cell(c).cloned().unwrap_or(Value::Null))
                .collect();
            accumulator.add(values, &extra);
        }
        Ok(())
    }

    /// Column names for aggregates named after their arguments (`percentile_X_95`...):
    /// the written names when given, else the aggregate's own.
    fn aggregate_column_names(
        &mut self,
        name: &str,
        item: &Assignment,
        args: &[Arg],
    ) -> Option<Vec<String>> {
        let argument_names: Vec<Option<&str>> = args.iter().map(|a| column_of(&a.value)).collect();
        let constants: Vec<Option<Value>> =
            args.iter().map(|a| self.constant(&a.value).ok()).collect();
        let defaults = aggregate::column_names(name, &argument_names, &constants)?;
        if item.names.is_empty() {
            return Some(defaults);
        }
        let mut names: Vec<String> = item.names.iter().map(|n| n.name.clone()).collect();
        if names.len() < defaults.len() {
            names.extend(defaults.into_iter().skip(names.len()));
        }
        Some(names)
    }
}

/// A fresh group's aggregates.
fn new_accumulators(specs: &[AggregateSpec<'_>]) -> Result<Vec<Accumulator>> {
    specs
        .iter()
        .map(|spec| Accumulator::new(&spec.name, spec.args.len(), spec.extra_columns.len()))
        .collect()
}

/// The column an aggregate argument is named after: the column itself, or the column
/// inside nested calls (`buildschema(todynamic(tostring(x)))` names `schema_x`).
fn column_of(expr: &Expr) -> Option<&str> {
    match &expr.kind {
        ExprKind::Name(ident) => Some(ident.name.as_str()),
        ExprKind::Call { args, .. } => args.first().and_then(|a| column_of(&a.value)),
        _ => None,
    }
}

/// Names of `by` keys without `Name =`: the column, or `bin(X, ...)`'s X.
fn by_name(expr: &Expr, index: usize) -> String {
    match &expr.kind {
        ExprKind::Name(ident) => ident.name.clone(),
        ExprKind::Call { args, .. } => args
            .first()
            .and_then(|a| a.value.as_name())
            .map_or(format!("Column{}", index + 1), |n| n.name.clone()),
        _ => format!("Column{}", index + 1),
    }
}

/// A group-by value as a hash key: equal values of one type group together; strings share
/// their allocation rather than being printed (as a JSON fingerprint would).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum GroupKey {
    Null,
    Bool(bool),
    Long(i64),
    Real(u64),
    Text(std::sync::Arc<str>),
    Datetime(i64),
    Timespan(i64),
    Guid(u128),
    Dynamic(String),
}

/// [`GroupKey`] without an owned payload, for hashing keys in place; `None` for dynamic
/// values, which group by their printed form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum ScalarKey<'v> {
    Null,
    Bool(bool),
    Long(i64),
    Real(u64),
    Text(&'v str),
    Datetime(i64),
    Timespan(i64),
    Guid(u128),
}

impl GroupKey {
    /// The hashable form of a non-dynamic value; it hashes and compares as `of` would.
    fn of_scalar(value: &Value) -> Option<ScalarKey<'_>> {
        Some(match value {
            Value::Null => ScalarKey::Null,
            Value::Bool(b) => ScalarKey::Bool(*b),
            Value::Int(n) => ScalarKey::Long(i64::from(*n)),
            Value::Long(n) => ScalarKey::Long(*n),
            Value::Real(r) if *r == 0.0 => ScalarKey::Real(0),
            Value::Real(r) if r.is_nan() => ScalarKey::Real(u64::MAX),
            Value::Real(r) => ScalarKey::Real(r.to_bits()),
            Value::String(s) => ScalarKey::Text(s),
            Value::Datetime(t) => ScalarKey::Datetime(*t),
            Value::Timespan(t) => ScalarKey::Timespan(*t),
            Value::Guid(g) => ScalarKey::Guid(*g),
            Value::Dynamic(_) => return None,
        })
    }

    pub(super) fn of(value: &Value) -> GroupKey {
        match value {
            Value::Null => GroupKey::Null,
            Value::Bool(b) => GroupKey::Bool(*b),
            Value::Int(n) => GroupKey::Long(i64::from(*n)),
            Value::Long(n) => GroupKey::Long(*n),
            // -0.0 and 0.0 are one group; every NaN is one group.
            Value::Real(r) if *r == 0.0 => GroupKey::Real(0),
            Value::Real(r) if r.is_nan() => GroupKey::Real(u64::MAX),
            Value::Real(r) => GroupKey::Real(r.to_bits()),
            Value::String(s) => GroupKey::Text(s.clone()),
            Value::Datetime(t) => GroupKey::Datetime(*t),
            Value::Timespan(t) => GroupKey::Timespan(*t),
            Value::Guid(g) => GroupKey::Guid(*g),
            Value::Dynamic(d) => GroupKey::Dynamic(d.to_string()),
        }
    }
}

/// Key values hashed as [`GroupKey`] compares them, without building one.
struct GroupKeyRef<'k, V>(&'k [V]);

impl<V: std::borrow::Borrow<Value>> std::hash::Hash for GroupKeyRef<'_, V> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for value in self.0 {
            hash_group_value(value.borrow(), state);
        }
    }
}

fn hash_group_value<H: std::hash::Hasher>(value: &Value, state: &mut H) {
    use std::hash::Hash;
    match GroupKey::of_scalar(value) {
        Some(key) => key.hash(state),
        None => GroupKey::of(value).hash(state),
    }
}

/// Whether two values fall in one group (as their [`GroupKey`]s would be equal).
fn same_group(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x == y,
        _ => match (GroupKey::of_scalar(a), GroupKey::of_scalar(b)) {
            (Some(x), Some(y)) => x == y,
            (None, None) => GroupKey::of(a) == GroupKey::of(b),
            _ => false,
        },
    }
}
