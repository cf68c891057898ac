//! `getschema`: one row per column: `ColumnName`, `ColumnOrdinal`, `DataType` (the .NET
//! type name Kusto reports) and `ColumnType`.

use crate::kql::eval::{Column, Table};
use crate::value::{ScalarType, Value};

fn dotnet_type(ty: ScalarType) -> &'static str {
    match ty {
        ScalarType::Bool => "System.Boolean",
        ScalarType::Int => "System.Int32",
        ScalarType::Long => "System.Int64",
        ScalarType::Real => "System.Double",
        ScalarType::Decimal => "System.Data.SqlTypes.SqlDecimal",
        ScalarType::String => "System.String",
        ScalarType::Datetime => "System.DateTime",
        ScalarType::Timespan => "System.TimeSpan",
        ScalarType::Guid => "System.Guid",
        ScalarType::Dynamic => "System.Object",
    }
}

pub(super) fn getschema(mut input: Table) -> Table {
    input.infer_types();
    let text = |name: &str| Column {
        name: name.to_string(),
        ty: Some(ScalarType::String),
    };
    let mut out = Table::new(vec![
        text("ColumnName"),
        Column {
            name: "ColumnOrdinal".to_string(),
            ty: Some(ScalarType::Int),
        },
        text("DataType"),
        text("ColumnType"),
    ]);
    for (i, column) in input.columns.iter().enumerate() {
        let ty = column.ty.unwrap_or(ScalarType::String);
        out.rows.push(vec![
            Value::string(&column.name),
            Value::Int(i32::try_from(i).unwrap_or(i32::MAX)),
            Value::string(dotnet_type(ty)),
            Value::string(ty.name()),
        ]);
    }
    out
}
