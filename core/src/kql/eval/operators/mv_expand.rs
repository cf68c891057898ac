//! `mv-expand`: one row per element of each dynamic array (or bag entry), in parallel.

use std::sync::Arc;

use crate::kql::ast::*;
use crate::kql::eval::{Column, Evaluator, Result, Table};
use crate::value::{ScalarType, Value};

impl Evaluator<'_> {
    pub(super) fn mv_expand(
        &mut self,
        params: &[Param],
        items: &[MvExpandItem],
        limit: Option<&Expr>,
        input: Table,
    ) -> Result<Table> {
        let limit = match limit {
            Some(expr) => crate::kql::eval::scalar::as_i64(&self.constant(expr)?)
                .map_or(usize::MAX, |n| n.max(0) as usize),
            None => usize::MAX,
        };
        let index_column = params
            .iter()
            .find(|p| p.name.name == "with_itemindex")
            .and_then(|p| p.value.as_name())
            .map(|n| n.name.clone());
        let is_array_kind = params.iter().any(|p| {
            matches!(p.name.name.as_str(), "kind" | "bagexpansion")
                && p.value.as_name().is_some_and(|n| n.name == "array")
        });
        let mut columns = input.columns.clone();
        let mut targets = Vec::new();
        for item in items {
            let name = match item.assignment.names.first() {
                Some(name) => name.name.clone(),
                None => item
                    .assignment
                    .value
                    .as_name()
                    .map_or("Column1".to_string(), |n| n.name.clone()),
            };
            let ty = item
                .to_type
                .as_ref()
                .and_then(|t| ScalarType::parse(&t.name))
                .or(Some(ScalarType::Dynamic));
            let index = match columns.iter().position(|c| c.name == name) {
                Some(i) => {
                    columns[i].ty = ty;
                    i
                }
                None => {
                    columns.push(Column { name, ty });
                    columns.len() - 1
                }
            };
            targets.push(index);
        }
        if let Some(name) = &index_column {
            columns.push(Column {
                name: name.clone(),
                ty: Some(ScalarType::Long),
            });
        }
        let mut out = Table::new(columns);
        // Values are shared with the input row (strings and dynamics are reference
        // counted), so an expanded row costs its slots.
        let row_bytes = crate::kql::eval::limits::inline_row_bytes(out.columns.len());
        for row in &input.rows {
            let mut arrays = Vec::with_capacity(items.len());
            for item in items {
                let value = self.scalar(&item.assignment.value, &input, row)?;
                arrays.push(elements(&value, is_array_kind));
            }
            let count = arrays.iter().map(Vec::len).max().unwrap_or(0).min(limit);
            // Checked before expanding: one huge array stops here, not after it is copied.
            self.reserve(
                "mv-expand",
                (out.rows.len() as u128).saturating_add(count as u128),
                row_bytes,
            )?;
            self.check_time()?;
            for i in 0..count {
                let mut expanded = row.clone();
                expanded.resize(
                    out.columns.len() - usize::from(index_column.is_some()),
                    Value::Null,
                );
                for ((array, &target), item) in arrays.iter().zip(&targets).zip(items) {
                    let element = array.get(i).cloned().unwrap_or(Value::Null);
                    let to = item
                        .to_type
                        .as_ref()
                        .and_then(|t| ScalarType::parse(&t.name));
                    if let Some(slot) = expanded.get_mut(target) {
                        *slot = cast(element, to);
                    }
                }
                if index_column.is_some() {
                    expanded.push(Value::Long(i as i64));
                }
                out.rows.push(expanded);
            }
            self.check_table(&out)?;
        }
        Ok(out)
    }
}

/// The elements of an array, or one single-key bag per property; a null expands to a null
/// row, any other scalar to itself.
fn elements(value: &Value, is_array_kind: bool) -> Vec<Value> {
    match value {
        Value::Dynamic(json) => match &**json {
            serde_json::Value::Array(items) => items
                .iter()
                .map(|i| Value::Dynamic(Arc::new(i.clone())))
                .collect(),
            serde_json::Value::Object(map) => map
                .iter()
                .map(|(k, v)| {
                    let json = if is_array_kind {
                        serde_json::Value::Array(vec![
                            serde_json::Value::String(k.clone()),
                            v.clone(),
                        ])
                    } else {
                        let mut single = serde_json::Map::new();
                        single.insert(k.clone(), v.clone());
                        serde_json::Value::Object(single)
                    };
                    Value::Dynamic(Arc::new(json))
                })
                .collect(),
            serde_json::Value::Null => vec![Value::Null],
            other => vec![Value::Dynamic(Arc::new(other.clone()))],
        },
        Value::Null => vec![Value::Null],
        other => vec![other.clone()],
    }
}

/// `to typeof(T)`: a cast of the element, null when it does not fit.
fn cast(value: Value, to: Option<ScalarType>) -> Value {
    let Some(ty) = to else { return value };
    let scalar = match &value {
        Value::Dynamic(json) => crate::kql::eval::scalar::dynamic_scalar(json),
        other => other.clone(),
    };
    match (ty, &scalar) {
        (ScalarType::String, Value::String(_)) => scalar,
        (ScalarType::String, v) => {
            crate::kql::eval::scalar::as_text(v).map_or(Value::Null, |s| Value::string(&s))
        }
        (ScalarType::Long, Value::Long(_)) | (ScalarType::Bool, Value::Bool(_)) => scalar,
        (ScalarType::Int, Value::Long(n)) => i32::try_from(*n).map_or(Value::Null, Value::Int),
        (ScalarType::Real, v) => {
            crate::kql::eval::scalar::as_f64(v).map_or(Value::Null, Value::Real)
        }
        (ScalarType::Dynamic, _) => value,
        _ => Value::Null,
    }
}
