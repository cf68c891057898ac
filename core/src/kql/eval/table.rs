//! In-memory tables: named, typed columns and rows of values.

use serde::Serialize;

use crate::value::{ScalarType, Value};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Column {
    pub name: String,
    /// `None` until a value or a schema says what it is.
    pub ty: Option<ScalarType>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Value>>,
}

impl Table {
    pub fn new(columns: Vec<Column>) -> Table {
        Table {
            columns,
            rows: Vec::new(),
        }
    }

    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    pub fn column_names(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.name.as_str()).collect()
    }

    /// Column types, filling unknown ones from the first non-null value.
    pub fn infer_types(&mut self) {
        for (i, column) in self.columns.iter_mut().enumerate() {
            if column.ty.is_none() {
                column.ty = self
                    .rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .find_map(Value::scalar_type);
            }
        }
    }

    /// The type names per column as Kusto prints them (`string` when unknown).
    pub fn type_names(&self) -> Vec<&'static str> {
        self.columns
            .iter()
            .map(|c| c.ty.map_or("string", ScalarType::name))
            .collect()
    }
}
