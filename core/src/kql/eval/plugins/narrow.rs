//! `narrow`: one row per cell, as (`Row`, `Column`, `Value`) with the value as text.

use super::{long_column, Column, Table};
use crate::kql::eval::scalar::as_text;
use crate::value::{ScalarType, Value};

pub(super) fn narrow(input: &Table) -> Table {
    let mut out = Table::new(vec![
        long_column("Row"),
        Column {
            name: "Column".to_string(),
            ty: Some(ScalarType::String),
        },
        Column {
            name: "Value".to_string(),
            ty: Some(ScalarType::String),
        },
    ]);
    for (r, row) in input.rows.iter().enumerate() {
        for (column, value) in input.columns.iter().zip(row) {
            out.rows.push(vec![
                Value::Long(r as i64),
                Value::string(&column.name),
                Value::string(&as_text(value).unwrap_or_default()),
            ]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::run;
    use crate::value::Value;

    #[test]
    fn one_row_per_cell() {
        let table = run("datatable(a:long, b:string)[1, 'x'] | evaluate narrow()");
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[1][1], Value::string("b"));
    }
}
