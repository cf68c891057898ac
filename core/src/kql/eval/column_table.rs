//! Event tables as loaded, stored column by column: a `where` or `summarize` at the head of
//! a query reads only the columns it tests, one contiguous run of values each, instead of
//! every event's whole record. Rows are assembled only for what such a scan keeps, or when
//! an operator needs the whole table as rows.

use super::table::{Column, Table};
use crate::value::Value;

/// What a column that no event filled reads as.
static NULL: Value = Value::Null;

/// One loaded table, column-major.
#[derive(Clone, Debug, Default)]
pub struct ColumnTable {
    columns: Vec<Column>,
    data: Vec<ColumnData>,
    len: usize,
}

#[derive(Clone, Debug)]
enum ColumnData {
    /// Every value is null (schema columns the events never give): no storage at all.
    Null,
    Values(Vec<Value>),
}

impl ColumnTable {
    /// Takes a row-major table apart into columns, freeing each row as it goes.
    pub fn from_table(table: Table) -> ColumnTable {
        let len = table.rows.len();
        let mut data: Vec<Vec<Value>> = vec![Vec::with_capacity(len); table.columns.len()];
        for row in table.rows {
            let mut values = row.into_iter();
            for column in &mut data {
                column.push(values.next().unwrap_or(Value::Null));
            }
        }
        ColumnTable::from_columns(table.columns, data, len)
    }

    /// Columns given as value lists, each as long as its last non-null value (shorter
    /// lists are null to the end; empty ones take no memory).
    pub fn from_columns(columns: Vec<Column>, data: Vec<Vec<Value>>, len: usize) -> ColumnTable {
        let mut data: Vec<ColumnData> = data
            .into_iter()
            .map(|mut values| {
                if values.iter().all(Value::is_null) {
                    ColumnData::Null
                } else {
                    values.resize(len, Value::Null);
                    ColumnData::Values(values)
                }
            })
            .collect();
        data.resize_with(columns.len(), || ColumnData::Null);
        ColumnTable { columns, data, len }
    }

    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// The value at (`column`, `row`); `None` outside the table.
    pub fn cell(&self, column: usize, row: usize) -> Option<&Value> {
        match self.data.get(column)? {
            ColumnData::Null => (row < self.len).then_some(&NULL),
            ColumnData::Values(values) => values.get(row),
        }
    }

    /// A column's values, `None` when no event filled it (every value is null).
    pub fn values(&self, column: usize) -> Option<&[Value]> {
        match self.data.get(column)? {
            ColumnData::Null => None,
            ColumnData::Values(values) => Some(values),
        }
    }

    /// One row, assembled.
    pub fn row(&self, row: usize) -> Vec<Value> {
        (0..self.columns.len())
            .map(|c| self.cell(c, row).cloned().unwrap_or(Value::Null))
            .collect()
    }

    /// The columns without rows: what expressions are prepared against.
    pub fn header(&self) -> Table {
        Table::new(self.columns.clone())
    }

    /// The whole table as rows.
    pub fn to_table(&self) -> Table {
        let mut table = self.header();
        table.rows = (0..self.len).map(|r| self.row(r)).collect();
        table
    }

    /// Only the given rows, in the given order.
    pub fn take_rows(&self, rows: &[usize]) -> Table {
        let mut table = self.header();
        table.rows = rows.iter().map(|&r| self.row(r)).collect();
        table
    }

    /// Adds the rows of another column table after the existing ones (a later chunk of
    /// events); its new columns are added at the end, null for the earlier rows.
    pub fn append_columns(&mut self, more: ColumnTable) {
        let old_len = self.len;
        let new_len = old_len + more.len;
        for (column, data) in more.columns.into_iter().zip(more.data) {
            let position = match self.column_index(&column.name) {
                Some(i) => {
                    if let Some(existing) = self.columns.get_mut(i) {
                        existing.ty = existing.ty.or(column.ty);
                    }
                    i
                }
                None => {
                    self.columns.push(column);
                    self.data.push(ColumnData::Null);
                    self.columns.len() - 1
                }
            };
            let (ColumnData::Values(values), Some(target)) = (data, self.data.get_mut(position))
            else {
                continue;
            };
            if let ColumnData::Null = target {
                *target = ColumnData::Values(vec![Value::Null; old_len]);
            }
            if let ColumnData::Values(existing) = target {
                existing.resize(old_len, Value::Null);
                existing.extend(values);
            }
        }
        self.len = new_len;
        for column in &mut self.data {
            if let ColumnData::Values(values) = column {
                values.resize(new_len, Value::Null);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::ScalarType;

    fn table(columns: &[&str], rows: Vec<Vec<Value>>) -> Table {
        let mut table = Table::new(
            columns
                .iter()
                .map(|c| Column {
                    name: c.to_string(),
                    ty: Some(ScalarType::Long),
                })
                .collect(),
        );
        table.rows = rows;
        table
    }

    #[test]
    fn rows_round_trip_through_columns() {
        let rows = vec![
            vec![Value::Long(1), Value::Null, Value::string("a")],
            vec![Value::Long(2), Value::Null, Value::Null],
        ];
        let input = ColumnTable::from_table(table(&["A", "B", "C"], rows.clone()));
        assert_eq!(input.len(), 2);
        assert_eq!(input.to_table().rows, rows);
        assert_eq!(input.cell(1, 1), Some(&Value::Null));
        assert_eq!(input.cell(1, 2), None);
        assert_eq!(input.cell(3, 0), None);
        assert_eq!(input.take_rows(&[1]).rows, vec![rows[1].clone()]);
    }

    #[test]
    fn append_adds_rows_and_new_columns() {
        let mut input =
            ColumnTable::from_table(table(&["A", "B"], vec![vec![Value::Long(1), Value::Null]]));
        input.append_columns(ColumnTable::from_table(table(
            &["B", "C"],
            vec![
                vec![Value::Long(5), Value::Long(6)],
                vec![Value::Null, Value::Long(7)],
            ],
        )));
        assert_eq!(input.len(), 3);
        let names: Vec<&str> = input.columns().iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["A", "B", "C"]);
        assert_eq!(
            input.to_table().rows,
            vec![
                vec![Value::Long(1), Value::Null, Value::Null],
                vec![Value::Null, Value::Long(5), Value::Long(6)],
                vec![Value::Null, Value::Null, Value::Long(7)],
            ]
        );
    }
}
