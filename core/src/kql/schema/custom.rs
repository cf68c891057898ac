//! Custom schemas loaded at run time from JSON.
//!
//! Accepted shapes (keys are matched case-insensitively, since the sources disagree):
//! - a table: `{"table": "T", "columns": [{"name": "A", "type": "string"}]}`, or a JSON array
//!   of such tables (the format of `shared/schemas/` and of the kusto-oracle's `--schemas`);
//! - the Sentinel CI's custom table files: `{"Name": "T", "Properties": [{"name", "type"}]}`;
//! - the output of `.show schema as json` / `.show database schema as json`:
//!   `{"Databases": {"db": {"Tables": {"T": {"OrderedColumns": [{"Name", "Type", "CslType"}]}},
//!   "MaterializedViews": {...}, "ExternalTables": {...}, "Functions": {...}}}}`, or one
//!   database object on its own;
//! - the Sentinel CI's function files: `{"FunctionName", "FunctionParameters": [{"Name",
//!   "Type", "IsRequired"}], "FunctionResultColumns": [...]}`.

use std::fmt;

use serde_json::{Map, Value as Json};

use super::types::normalize_type;
use super::{Column, FunctionParameter, Profile, Table, TabularFunction};
use crate::value::ScalarType;

/// Tables and functions read from a custom schema document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CustomSchema {
    pub tables: Vec<Table>,
    pub functions: Vec<TabularFunction>,
    /// What was read with a fallback (unknown type spellings become `dynamic`).
    pub warnings: Vec<String>,
}

/// A custom schema document that could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaError {
    pub message: String,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SchemaError {}

fn error(message: impl Into<String>) -> SchemaError {
    SchemaError {
        message: message.into(),
    }
}

/// Reads a custom schema document in any of the shapes above. Time columns are chosen by
/// `profile` (`TimeGenerated` first, or `Timestamp` first for `defender`).
pub fn parse_custom(json: &str, profile: Profile) -> Result<CustomSchema, SchemaError> {
    let value: Json = serde_json::from_str(json)
        .map_err(|e| error(format!("custom schema is not valid JSON: {e}")))?;
    let mut reader = Reader {
        profile,
        out: CustomSchema::default(),
    };
    reader.document(&value)?;
    Ok(reader.out)
}

struct Reader {
    profile: Profile,
    out: CustomSchema,
}

/// The value of `key` in `object`, ignoring the key's case.
fn get<'a>(object: &'a Map<String, Json>, key: &str) -> Option<&'a Json> {
    object.get(key).or_else(|| {
        object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

fn get_str<'a>(object: &'a Map<String, Json>, key: &str) -> Option<&'a str> {
    get(object, key).and_then(Json::as_str).map(str::trim)
}

impl Reader {
    fn document(&mut self, value: &Json) -> Result<(), SchemaError> {
        match value {
            Json::Array(items) => {
                for item in items {
                    self.document(item)?;
                }
                Ok(())
            }
            Json::Object(object) => {
                if let Some(databases) = get(object, "Databases") {
                    let Some(databases) = databases.as_object() else {
                        return Err(error("`Databases` must be an object of databases"));
                    };
                    for database in databases.values() {
                        if let Some(database) = database.as_object() {
                            self.database(database);
                        }
                    }
                    Ok(())
                } else if get(object, "Tables").is_some() || get(object, "Functions").is_some() {
                    self.database(object);
                    Ok(())
                } else if get(object, "FunctionName").is_some() {
                    self.sentinel_function(object);
                    Ok(())
                } else if let Some(name) = get_str(object, "table").or(get_str(object, "Name")) {
                    let columns = get(object, "columns")
                        .or_else(|| get(object, "Properties"))
                        .or_else(|| get(object, "OrderedColumns"));
                    self.table(name, columns);
                    Ok(())
                } else {
                    Err(error(
                        "unrecognized custom schema: expected {\"table\", \"columns\"} (or an array of them), \
                         a `.show schema as json` document with \"Databases\", or a Sentinel \
                         {\"Name\", \"Properties\"} / {\"FunctionName\", ...} file",
                    ))
                }
            }
            _ => Err(error("custom schema must be a JSON object or array")),
        }
    }

    /// One database of `.show schema as json`.
    fn database(&mut self, database: &Map<String, Json>) {
        for key in ["Tables", "MaterializedViews", "ExternalTables"] {
            let Some(tables) = get(database, key).and_then(Json::as_object) else {
                continue;
            };
            for (key, table) in tables {
                let Some(table) = table.as_object() else {
                    continue;
                };
                let name = get_str(table, "Name").unwrap_or(key);
                self.table(name, get(table, "OrderedColumns"));
            }
        }
        if let Some(functions) = get(database, "Functions").and_then(Json::as_object) {
            for (key, function) in functions {
                let Some(function) = function.as_object() else {
                    continue;
                };
                let name = get_str(function, "Name").unwrap_or(key);
                let parameters = self.parameters(name, get(function, "InputParameters"));
                let columns = self.columns(name, get(function, "OutputColumns"));
                self.out.functions.push(TabularFunction {
                    name: name.to_string(),
                    parameters,
                    // `.show schema` rarely fills OutputColumns: an empty list means "unknown".
                    is_open: columns.is_empty(),
                    columns,
                    is_invoked: false,
                });
            }
        }
    }

    fn sentinel_function(&mut self, function: &Map<String, Json>) {
        let name = get_str(function, "FunctionName").unwrap_or_default();
        if name.is_empty() {
            self.out
                .warnings
                .push("a function without a name was skipped".to_string());
            return;
        }
        let parameters = self.parameters(name, get(function, "FunctionParameters"));
        let columns = self.columns(name, get(function, "FunctionResultColumns"));
        self.out.functions.push(TabularFunction {
            name: name.to_string(),
            parameters,
            is_open: columns.is_empty(),
            columns,
            is_invoked: false,
        });
    }

    fn table(&mut self, name: &str, columns: Option<&Json>) {
        if name.is_empty() {
            self.out
                .warnings
                .push("a table without a name was skipped".to_string());
            return;
        }
        let columns = self.columns(name, columns);
        self.out
            .tables
            .push(Table::new(name, columns, self.profile));
    }

    fn columns(&mut self, owner: &str, columns: Option<&Json>) -> Vec<Column> {
        let mut out: Vec<Column> = Vec::new();
        for column in columns.and_then(Json::as_array).into_iter().flatten() {
            let Some(column) = column.as_object() else {
                continue;
            };
            let name = get_str(column, "name").unwrap_or_default();
            if name.is_empty() {
                self.out
                    .warnings
                    .push(format!("a column of `{owner}` without a name was skipped"));
                continue;
            }
            let ty = self.column_type(owner, name, column);
            match out.iter_mut().find(|c| c.name == name) {
                Some(existing) => existing.ty = ty,
                None => out.push(Column::new(name, ty)),
            }
        }
        out
    }

    fn parameters(&mut self, owner: &str, parameters: Option<&Json>) -> Vec<FunctionParameter> {
        let mut out = Vec::new();
        for parameter in parameters.and_then(Json::as_array).into_iter().flatten() {
            let Some(parameter) = parameter.as_object() else {
                continue;
            };
            let name = get_str(parameter, "name").unwrap_or_default();
            // A tabular parameter (`T:(x:long)`) has `Columns` instead of a type; the
            // binder treats it as an argument of any type.
            let ty = self.column_type(owner, name, parameter);
            let is_required = get(parameter, "IsRequired").and_then(Json::as_bool);
            let has_default = get(parameter, "CslDefaultValue")
                .is_some_and(|v| !v.is_null() && v.as_str() != Some(""));
            out.push(FunctionParameter {
                name: name.to_string(),
                ty,
                is_optional: has_default || is_required == Some(false),
            });
        }
        out
    }

    /// `CslType` (`string`) when present, else `Type` (`System.String`, `Int64`, ...).
    fn column_type(&mut self, owner: &str, name: &str, column: &Map<String, Json>) -> ScalarType {
        let Some(spelling) = get_str(column, "CslType").or_else(|| get_str(column, "type")) else {
            return ScalarType::Dynamic;
        };
        normalize_type(spelling).unwrap_or_else(|| {
            self.out.warnings.push(format!(
                "column `{name}` of `{owner}` has unknown type `{spelling}`; treated as dynamic"
            ));
            ScalarType::Dynamic
        })
    }
}
