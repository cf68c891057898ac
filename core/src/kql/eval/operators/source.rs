//! Operators that make a table from nothing: `print`, `datatable`, `range`.

use crate::kql::ast::*;
use crate::kql::eval::scalar::{arithmetic, compare};
use crate::kql::eval::{Column, EvalError, Evaluator, Result, Table};
use crate::value::{ScalarType, Value};

impl Evaluator<'_> {
    pub(super) fn print(&mut self, columns: &[Assignment]) -> Result<Table> {
        let mut table = Table::default();
        let mut row = Vec::with_capacity(columns.len());
        for (i, column) in columns.iter().enumerate() {
            // A function returning a tuple prints one column per field.
            if let Some(defaults) = self.tuple_columns(&column.value) {
                let mut names: Vec<String> = column.names.iter().map(|n| n.name.clone()).collect();
                names.extend(defaults.into_iter().skip(names.len()));
                let empty = Table::default();
                let values = self.tuple_values(&column.value, &empty, &[])?;
                for (name, value) in names.into_iter().zip(values) {
                    table.columns.push(Column { name, ty: None });
                    row.push(value);
                }
                continue;
            }
            let name = match column.names.first() {
                Some(name) => name.name.clone(),
                None => format!("print_{i}"),
            };
            table.columns.push(Column { name, ty: None });
            row.push(self.constant(&column.value)?);
        }
        table.rows.push(row);
        table.infer_types();
        Ok(table)
    }

    pub(super) fn datatable(&mut self, columns: &[ColumnDecl], values: &[Expr]) -> Result<Table> {
        if columns.is_empty() {
            return Err(EvalError::new("datatable needs at least one column"));
        }
        let mut table = Table::new(
            columns
                .iter()
                .map(|c| Column {
                    name: c.name.name.clone(),
                    ty: ScalarType::parse(&c.ty.name),
                })
                .collect(),
        );
        for chunk in values.chunks(columns.len()) {
            let mut row = Vec::with_capacity(columns.len());
            for (value, column) in chunk.iter().zip(&table.columns) {
                let value = self.constant(value)?;
                row.push(coerce(value, column.ty));
            }
            row.resize(columns.len(), Value::Null);
            table.rows.push(row);
        }
        Ok(table)
    }

    pub(super) fn range(
        &mut self,
        column: &Ident,
        from: &Expr,
        to: &Expr,
        step: &Expr,
    ) -> Result<Table> {
        let (from, to, step) = (
            self.constant(from)?,
            self.constant(to)?,
            self.constant(step)?,
        );
        let mut table = Table::new(vec![Column {
            name: column.name.clone(),
            ty: from.scalar_type(),
        }]);
        let zero = match &step {
            Value::Timespan(_) => Value::Timespan(0),
            Value::Real(_) => Value::Real(0.0),
            _ => Value::Long(0),
        };
        let ascending = match compare(&step, &zero) {
            Some(std::cmp::Ordering::Greater) => true,
            Some(std::cmp::Ordering::Less) => false,
            _ => return Err(EvalError::new("range step must not be zero")),
        };
        // The row count is known up front: a runaway range stops before it starts.
        if let Some(count) = range_count(&from, &to, &step) {
            self.reserve(
                "range",
                count,
                crate::kql::eval::limits::inline_row_bytes(1),
            )?;
        }
        let mut current = from;
        loop {
            let within =
                compare(&current, &to)
                    .is_some_and(|o| if ascending { o.is_le() } else { o.is_ge() });
            if !within {
                break;
            }
            table.rows.push(vec![current.clone()]);
            self.reserve("range", table.rows.len() as u128, 0)?;
            self.check_time()?;
            current = arithmetic(BinaryOp::Add, &current, &step);
            if current.is_null() {
                break;
            }
        }
        Ok(table)
    }
}

/// How many values `range` yields from `from` to `to` by `step`, when the bounds are
/// numbers, datetimes or timespans.
fn range_count(from: &Value, to: &Value, step: &Value) -> Option<u128> {
    let number = |v: &Value| match v {
        Value::Int(n) => Some(f64::from(*n)),
        Value::Long(n) | Value::Datetime(n) | Value::Timespan(n) => Some(*n as f64),
        Value::Real(r) => Some(*r),
        _ => None,
    };
    let (from, to, step) = (number(from)?, number(to)?, number(step)?);
    let steps = (to - from) / step;
    if !steps.is_finite() {
        return None;
    }
    // `as` saturates: a negative count is 0 rows, a huge one u128::MAX.
    Some(if steps < 0.0 {
        0
    } else {
        steps.floor() as u128 + 1
    })
}

/// Converts a literal to a declared column type where Kusto would (long -> int/real...).
pub(super) fn coerce(value: Value, ty: Option<ScalarType>) -> Value {
    match (ty, &value) {
        (Some(ScalarType::Int), Value::Long(n)) => {
            i32::try_from(*n).map_or(Value::Long(*n), Value::Int)
        }
        (Some(ScalarType::Real | ScalarType::Decimal), Value::Long(n)) => Value::Real(*n as f64),
        (Some(ScalarType::Real | ScalarType::Decimal), Value::Int(n)) => Value::Real(*n as f64),
        (Some(ScalarType::Long), Value::Int(n)) => Value::Long(*n as i64),
        (Some(ScalarType::Dynamic), v) if !matches!(v, Value::Dynamic(_) | Value::Null) => {
            Value::Dynamic(std::sync::Arc::new(v.to_json()))
        }
        _ => value,
    }
}
