//! Windows event log files (`.evtx`) as flat events, the shape Sigma rules are written for:
//! the `EventData` (or `UserData`) fields at top level, and the `System` fields by name —
//! `EventID`, `Channel`, `Computer`, `EventRecordID`, `TimeCreated` (its `SystemTime`),
//! attributes as `Element_Attribute` (`Provider_Name`, `Provider_Guid`, `Security_UserID`,
//! `Execution_ProcessID`, `EventID_Qualifiers` ...). Chainsaw and Hayabusa flatten the same way.
//!
//! Parsing is the `evtx` crate's (records rendered as JSON values, one at a time).

use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde_json::{Map, Value};

/// The first bytes of every EVTX file.
const MAGIC: &[u8; 8] = b"ElfFile\0";

/// Whether `path` is a Windows event log: its extension is `.evtx` or it starts with the
/// EVTX magic.
pub fn is_evtx(path: &str) -> bool {
    if path == "-" {
        return false;
    }
    let by_extension = Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("evtx"));
    by_extension || starts_with_magic(path)
}

fn starts_with_magic(path: &str) -> bool {
    let mut head = [0u8; 8];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == MAGIC)
}

/// Calls `f` with each record flattened (or `None` for a record that cannot be read);
/// `f` returns false to stop.
pub fn for_each_record(path: &str, mut f: impl FnMut(Option<Value>) -> bool) -> Result<(), String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let settings = evtx::ParserSettings::new().num_threads(1);
    let mut parser = evtx::EvtxParser::from_read_seek(std::io::BufReader::new(file))
        .map_err(|e| format!("not a readable EVTX file: {e}"))?
        .with_configuration(settings);
    for record in parser.records_json_value() {
        let event = record.ok().map(|r| flatten(&r.data));
        if !f(event) {
            break;
        }
    }
    Ok(())
}

/// One record's JSON (`{"Event": {"System": ..., "EventData": ...}}`) as a flat object.
pub fn flatten(record: &Value) -> Value {
    let mut out = Map::new();
    let event = record.get("Event").unwrap_or(record);
    if let Some(Value::Object(system)) = event.get("System") {
        for (name, value) in system {
            flatten_system_field(name, value, &mut out);
        }
    }
    for section in ["EventData", "UserData"] {
        match event.get(section) {
            Some(Value::Object(data)) => flatten_data(data, &mut out),
            Some(Value::Null) | None => {}
            Some(other) => {
                out.entry(section.to_string())
                    .or_insert_with(|| other.clone());
            }
        }
    }
    Value::Object(out)
}

/// `EventID: 4624` stays; `Provider: {#attributes: {Name}}` becomes `Provider_Name`;
/// `EventID: {#attributes: {Qualifiers}, #text: 7036}` becomes `EventID` and
/// `EventID_Qualifiers`; `TimeCreated` also takes its `SystemTime`.
fn flatten_system_field(name: &str, value: &Value, out: &mut Map<String, Value>) {
    let Value::Object(object) = value else {
        out.insert(name.to_string(), value.clone());
        return;
    };
    if let Some(Value::Object(attributes)) = object.get("#attributes") {
        for (attribute, v) in attributes {
            out.insert(format!("{name}_{attribute}"), v.clone());
        }
        if name == "TimeCreated" {
            if let Some(time) = attributes.get("SystemTime") {
                out.insert(name.to_string(), time.clone());
            }
        }
    }
    if let Some(text) = object.get("#text") {
        out.insert(name.to_string(), text.clone());
    }
    for (child, v) in object {
        if !child.starts_with('#') {
            flatten_system_field(&format!("{name}_{child}"), v, out);
        }
    }
}

/// EventData: `{Image: ..., CommandLine: ...}` at top level (unnamed `Data` kept as `Data`);
/// UserData: the fields of its one wrapper element (`{EventXML: {...}}`) at top level.
fn flatten_data(data: &Map<String, Value>, out: &mut Map<String, Value>) {
    for (name, value) in data {
        match value {
            Value::Object(inner) if name != "#attributes" => {
                if let Some(text) = inner.get("#text") {
                    out.insert(name.clone(), text.clone());
                } else {
                    flatten_data(inner, out);
                }
            }
            _ if name.starts_with('#') => {}
            _ => {
                out.insert(name.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn system_fields_and_event_data_land_at_top_level() {
        let record = json!({"Event": {
            "#attributes": {"xmlns": "http://schemas.microsoft.com/win/2004/08/events/event"},
            "System": {
                "Provider": {"#attributes": {"Name": "Microsoft-Windows-Sysmon", "Guid": "{5770}"}},
                "EventID": 1,
                "TimeCreated": {"#attributes": {"SystemTime": "2026-01-01T10:00:00.000000Z"}},
                "EventRecordID": 7,
                "Execution": {"#attributes": {"ProcessID": 3000, "ThreadID": 4000}},
                "Channel": "Microsoft-Windows-Sysmon/Operational",
                "Computer": "ws01",
                "Security": {"#attributes": {"UserID": "S-1-5-18"}}
            },
            "EventData": {"Image": "C:\\x.exe", "CommandLine": "x.exe /q"}
        }});
        assert_eq!(
            flatten(&record),
            json!({
                "Provider_Name": "Microsoft-Windows-Sysmon", "Provider_Guid": "{5770}",
                "EventID": 1, "TimeCreated": "2026-01-01T10:00:00.000000Z",
                "TimeCreated_SystemTime": "2026-01-01T10:00:00.000000Z", "EventRecordID": 7,
                "Execution_ProcessID": 3000, "Execution_ThreadID": 4000,
                "Channel": "Microsoft-Windows-Sysmon/Operational", "Computer": "ws01",
                "Security_UserID": "S-1-5-18", "Image": "C:\\x.exe", "CommandLine": "x.exe /q"
            })
        );
    }

    #[test]
    fn event_id_with_qualifiers_and_user_data() {
        let record = json!({"Event": {
            "System": {"EventID": {"#attributes": {"Qualifiers": 16384}, "#text": 7045}},
            "UserData": {"EventXML": {"ServiceName": "evil", "ImagePath": "C:\\evil.exe"}}
        }});
        assert_eq!(
            flatten(&record),
            json!({"EventID": 7045, "EventID_Qualifiers": 16384,
                   "ServiceName": "evil", "ImagePath": "C:\\evil.exe"})
        );
    }
}
