//! Sample events as input tables: a JSON array, NDJSON, or `{"tables": {"Name": [...]}}`.
//!
//! Rows route to a table by their `$table` field (dropped from the row) or `Type` field
//! (kept: it is a real Log Analytics column), else to the default table — the first table
//! the query reads. Columns take their types from the schema profile where the table is
//! known; other columns are inferred from their values, and ISO-8601 strings in a column of
//! their own become datetimes, as Kusto's ingestion would infer them.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::{Map, Value as Json};

use super::literal::{parse_datetime, parse_guid, parse_timespan};
use super::{Column, Table};
use crate::kql::schema::Schema;
use crate::value::{ScalarType, Value, TICKS_PER_SECOND};

/// Where rows without a `$table`/`Type` field go when the caller names no table.
pub const DEFAULT_TABLE: &str = "events";

/// Why events could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct EventsError {
    pub message: String,
}

/// Reads events text into raw rows per table, keeping the order rows arrived in.
pub fn parse_events(
    text: &str,
    default_table: &str,
) -> Result<BTreeMap<String, Vec<Map<String, Json>>>, EventsError> {
    let mut tables: BTreeMap<String, Vec<Map<String, Json>>> = BTreeMap::new();
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Ok(tables);
    }
    // One JSON document (array or `{"tables": ...}`) or a stream of objects (NDJSON);
    // the streaming deserializer reads both, so NDJSON is never parsed twice.
    let documents = serde_json::Deserializer::from_str(trimmed).into_iter::<Json>();
    for (index, document) in documents.enumerate() {
        let document = document.map_err(|e| EventsError {
            message: format!("events are not JSON (line {}): {e}", e.line()),
        })?;
        match document {
            Json::Object(mut object) if index == 0 && is_tables_document(&object) => {
                if let Some(Json::Object(named)) = object.remove("tables") {
                    for (name, rows) in named {
                        let Json::Array(rows) = rows else {
                            return Err(EventsError {
                                message: format!("`tables.{name}` is not an array of rows"),
                            });
                        };
                        let target = tables.entry(name.clone()).or_default();
                        for row in rows {
                            target.push(row_object(row, &name)?);
                        }
                    }
                }
            }
            Json::Array(rows) => {
                for row in rows {
                    route(&mut tables, row_object(row, default_table)?, default_table);
                }
            }
            Json::Object(row) => route(&mut tables, row, default_table),
            other => {
                return Err(EventsError {
                    message: format!(
                        "event {} is {}, not a JSON object",
                        index + 1,
                        json_kind(&other)
                    ),
                })
            }
        }
    }
    Ok(tables)
}

fn is_tables_document(object: &Map<String, Json>) -> bool {
    object.len() == 1 && matches!(object.get("tables"), Some(Json::Object(_)))
}

fn row_object(row: Json, table: &str) -> Result<Map<String, Json>, EventsError> {
    match row {
        Json::Object(object) => Ok(object),
        other => Err(EventsError {
            message: format!(
                "a row of `{table}` is {}, not a JSON object",
                json_kind(&other)
            ),
        }),
    }
}

fn json_kind(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

fn route(
    tables: &mut BTreeMap<String, Vec<Map<String, Json>>>,
    mut row: Map<String, Json>,
    default_table: &str,
) {
    let name = match row.remove("$table") {
        Some(Json::String(name)) => name,
        _ => match row.get("Type") {
            Some(Json::String(name)) if !name.is_empty() => name.clone(),
            _ => default_table.to_string(),
        },
    };
    tables.entry(name).or_default().push(row);
}

/// Reads events text into typed tables (see the module docs).
pub fn load_events(
    text: &str,
    schema: &Schema,
    default_table: &str,
) -> Result<HashMap<String, Table>, EventsError> {
    super::event_loader::load(text, schema, default_table)
}

/// Loads events into column-stored tables, as a `Workspace` keeps them.
pub fn load_event_columns(
    text: &str,
    schema: &Schema,
    default_table: &str,
) -> Result<HashMap<String, super::ColumnTable>, EventsError> {
    super::event_loader::load_columns(text, schema, default_table)
}

/// Reads more events into tables loaded before (see `event_loader::load_more`) and appends
/// their rows; returns the names of the tables that got rows.
pub fn append_events(
    text: &str,
    schema: &Schema,
    default_table: &str,
    tables: &mut HashMap<String, super::ColumnTable>,
) -> Result<Vec<String>, EventsError> {
    let loaded = super::event_loader::load_more(text, schema, default_table, tables)?;
    let mut names: Vec<String> = loaded.keys().cloned().collect();
    names.sort();
    for (name, more) in loaded {
        match tables.get_mut(&name) {
            Some(table) => table.append_columns(more),
            None => {
                tables.insert(name, more);
            }
        }
    }
    Ok(names)
}

/// An empty table with the schema's columns, for tables the query reads but the events
/// do not mention.
pub fn empty_table(name: &str, schema: &Schema) -> Option<Table> {
    let known = schema.table(name)?;
    Some(Table::new(
        known
            .columns
            .iter()
            .map(|c| Column {
                name: c.name.clone(),
                ty: Some(c.ty),
            })
            .collect(),
    ))
}

/// A JSON field as a value of the column's type; what does not convert becomes null, as
/// Kusto ingestion does.
pub fn convert(json: &Json, ty: ScalarType) -> Value {
    if json.is_null() {
        return Value::Null;
    }
    match ty {
        ScalarType::String => match json {
            Json::String(s) => Value::String(Arc::from(s.as_str())),
            other => Value::String(Arc::from(other.to_string())),
        },
        ScalarType::Bool => match json {
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => n.as_i64().map_or(Value::Null, |n| Value::Bool(n != 0)),
            Json::String(s) if s.eq_ignore_ascii_case("true") => Value::Bool(true),
            Json::String(s) if s.eq_ignore_ascii_case("false") => Value::Bool(false),
            _ => Value::Null,
        },
        ScalarType::Int | ScalarType::Long => {
            let n = match json {
                Json::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
                Json::String(s) => s.trim().parse::<i64>().ok(),
                _ => None,
            };
            match (n, ty) {
                (Some(n), ScalarType::Int) => i32::try_from(n).map_or(Value::Null, Value::Int),
                (Some(n), _) => Value::Long(n),
                (None, _) => Value::Null,
            }
        }
        ScalarType::Real | ScalarType::Decimal => match json {
            Json::Number(n) => n.as_f64().map_or(Value::Null, Value::Real),
            Json::String(s) => s.trim().parse::<f64>().map_or(Value::Null, Value::Real),
            _ => Value::Null,
        },
        ScalarType::Datetime => match json {
            Json::String(s) => parse_event_datetime(s).map_or(Value::Null, Value::Datetime),
            _ => Value::Null,
        },
        ScalarType::Timespan => match json {
            Json::String(s) => parse_timespan(s).map_or(Value::Null, Value::Timespan),
            Json::Number(n) => n.as_i64().map_or(Value::Null, Value::Timespan),
            _ => Value::Null,
        },
        ScalarType::Guid => match json {
            Json::String(s) => parse_guid(s).map_or(Value::Null, Value::Guid),
            _ => Value::Null,
        },
        ScalarType::Dynamic => match json {
            // Log Analytics exports dynamic columns as JSON text.
            Json::String(s) if s.starts_with(['{', '[']) => serde_json::from_str(s).map_or_else(
                |_| Value::Dynamic(Arc::new(json.clone())),
                |parsed| Value::Dynamic(Arc::new(parsed)),
            ),
            other => Value::Dynamic(Arc::new(other.clone())),
        },
    }
}

/// An event time: ISO-8601 with an optional `Z` or `±hh:mm` offset (converted to UTC).
/// Requires a full date, so that short numeric strings are not taken for dates.
pub fn parse_event_datetime(text: &str) -> Option<i64> {
    let text = text.trim();
    let bytes = text.as_bytes();
    if bytes.len() < 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    // An offset can only follow the time part, after position 10.
    let tail_start = 11.min(text.len());
    let offset_at = text
        .get(tail_start..)
        .and_then(|tail| tail.rfind(['+', '-']).map(|i| i + tail_start));
    let (body, offset) = match offset_at {
        Some(i) => (text.get(..i)?, parse_offset(text.get(i..)?)?),
        None => (text, 0),
    };
    Some(parse_datetime(body)? - offset)
}

/// `+hh:mm` / `-hhmm` as ticks east of UTC.
fn parse_offset(text: &str) -> Option<i64> {
    let sign = if text.starts_with('-') { -1 } else { 1 };
    let digits: String = text.chars().skip(1).filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let hours: i64 = digits.get(..2)?.parse().ok()?;
    let minutes: i64 = digits.get(2..)?.parse().ok()?;
    Some(sign * (hours * 3600 + minutes * 60) * TICKS_PER_SECOND)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kql::schema::Profile;

    fn load(text: &str) -> HashMap<String, Table> {
        let schema = Schema::for_profile(Profile::Sentinel);
        load_events(text, &schema, "DeviceProcessEvents").expect("events load")
    }

    #[test]
    fn array_rows_take_schema_types_and_fill_the_twin_time() {
        let tables =
            load(r#"[{"Timestamp": "2025-01-02T03:04:05Z", "ProcessId": "42", "FileName": 7}]"#);
        let table = &tables["DeviceProcessEvents"];
        let cell = |name: &str| table.rows[0][table.column_index(name).unwrap()].clone();
        assert!(matches!(cell("ProcessId"), Value::Long(42)));
        assert_eq!(cell("FileName"), Value::string("7"));
        assert_eq!(cell("TimeGenerated"), cell("Timestamp"));
        assert!(matches!(cell("Timestamp"), Value::Datetime(_)));
        assert_eq!(cell("AccountName"), Value::Null);
    }

    #[test]
    fn ndjson_routes_by_table_fields() {
        let tables = load(
            "{\"$table\": \"DeviceNetworkEvents\", \"LocalPort\": 135}\n{\"Type\": \"Custom_CL\", \"x\": 1.5}\n{\"FileName\": \"a\"}",
        );
        assert_eq!(tables["DeviceNetworkEvents"].rows.len(), 1);
        assert!(tables["DeviceNetworkEvents"]
            .column_index("$table")
            .is_none());
        let custom = &tables["Custom_CL"];
        assert_eq!(custom.column_names(), vec!["Type", "x"]);
        assert_eq!(custom.columns[1].ty, Some(ScalarType::Real));
        assert_eq!(tables["DeviceProcessEvents"].rows.len(), 1);
    }

    #[test]
    fn tables_document_names_its_tables() {
        let tables = load(
            r#"{"tables": {"T": [{"when": "2024-05-01 10:00:00+02:00", "n": 1}, {"n": null}]}}"#,
        );
        let t = &tables["T"];
        let (when, n) = (
            t.column_index("when").unwrap(),
            t.column_index("n").unwrap(),
        );
        assert_eq!(t.columns[when].ty, Some(ScalarType::Datetime));
        assert_eq!(
            t.rows[0][when],
            Value::Datetime(parse_datetime("2024-05-01T08:00:00Z").unwrap())
        );
        assert_eq!(t.rows[1][n], Value::Null);
    }

    #[test]
    fn errors_name_the_problem() {
        let schema = Schema::for_profile(Profile::None);
        let error = load_events("[1]", &schema, "T").unwrap_err();
        assert!(error.message.contains("not a JSON object"), "{error:?}");
        let error = load_events("{\"a\": ", &schema, "T").unwrap_err();
        assert!(error.message.contains("not JSON"), "{error:?}");
        assert!(load_events("  ", &schema, "T").unwrap().is_empty());
    }

    #[test]
    fn mixed_types_widen() {
        let tables =
            load(r#"[{"$table": "T", "a": 1, "b": "x"}, {"$table": "T", "a": 2.5, "b": true}]"#);
        let t = &tables["T"];
        let ty = |name: &str| t.columns[t.column_index(name).unwrap()].ty;
        assert_eq!(ty("a"), Some(ScalarType::Real));
        assert_eq!(ty("b"), Some(ScalarType::Dynamic));
        assert_eq!(t.rows[0][t.column_index("a").unwrap()], Value::Real(1.0));
        assert_eq!(parse_event_datetime("12345"), None);
    }

    #[test]
    fn keys_with_escapes_and_nested_values() {
        let tables = load(r#"{"$table": "T", "a\u0062": {"k": [1, 2]}, "s": "q\"x"}"#);
        let t = &tables["T"];
        let ab = t.column_index("ab").unwrap();
        assert_eq!(t.columns[ab].ty, Some(ScalarType::Dynamic));
        assert_eq!(
            t.rows[0][t.column_index("s").unwrap()],
            Value::string("q\"x")
        );
    }
}
