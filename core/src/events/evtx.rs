//! Windows event log files (`.evtx`) as flat events, the shape Sigma rules are written for:
//! the `EventData` (or `UserData`) fields at top level, and the `System` fields by name —
//! `EventID`, `Channel`, `Computer`, `EventRecordID`, `TimeCreated` (its `SystemTime`),
//! attributes as `Element_Attribute` (`Provider_Name`, `Provider_Guid`, `Security_UserID`,
//! `Execution_ProcessID`, `EventID_Qualifiers` ...). Chainsaw and Hayabusa flatten the same way.
//!
//! Parsing is the `evtx` crate's (records rendered as JSON values, one at a time). No I/O
//! here: the CLI hands in a file reader, the WebAssembly package the bytes of a dropped file.

use std::io::{Cursor, Read, Seek};

use serde::Serialize;
use serde_json::{Map, Value};

/// The first bytes of every EVTX file.
pub const MAGIC: &[u8; 8] = b"ElfFile\0";

/// Whether `head` (the first bytes of a file) starts with the EVTX magic.
pub fn has_magic(head: &[u8]) -> bool {
    head.starts_with(MAGIC)
}

/// How many records [`read`] takes by default: enough for a day of a busy workstation's
/// Sysmon log, few enough to stay within a browser tab's memory.
pub const DEFAULT_MAX_RECORDS: usize = 1_000_000;

/// The events of a whole file held in memory.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Records {
    /// One flat object per readable record, in file order.
    pub events: Vec<Value>,
    /// Records the parser could not read (a damaged chunk or record), skipped.
    pub unreadable: usize,
    /// True when reading stopped at the record limit; the file holds more.
    pub truncated: bool,
}

/// Reads every record of an EVTX file in memory, up to `max_records` (readable or not).
/// A file that is not EVTX at all is an error; damaged records are counted and skipped.
pub fn read(bytes: &[u8], max_records: usize) -> Result<Records, String> {
    let mut records = Records::default();
    let mut seen = 0usize;
    for_each_record(Cursor::new(bytes), |event| {
        if seen >= max_records {
            records.truncated = true;
            return false;
        }
        seen += 1;
        match event {
            Some(event) => records.events.push(event),
            None => records.unreadable += 1,
        }
        true
    })?;
    Ok(records)
}

/// Calls `f` with each record flattened (or `None` for a record that cannot be read);
/// `f` returns false to stop. Fails only when the header is not an EVTX file header.
pub fn for_each_record<R: Read + Seek>(
    reader: R,
    mut f: impl FnMut(Option<Value>) -> bool,
) -> Result<(), String> {
    let settings = evtx::ParserSettings::new().num_threads(1);
    let mut parser = evtx::EvtxParser::from_read_seek(reader)
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

    /// Three Sysmon records (certutil download, a network connection, notepad), made by
    /// `cli/tests/fixtures/evtx/make_sysmon_evtx.py`.
    const SYSMON: &[u8] = include_bytes!("../../../cli/tests/fixtures/evtx/sysmon.evtx");

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

    #[test]
    fn reads_every_record_of_a_file_in_memory() {
        let records = read(SYSMON, usize::MAX).unwrap();
        assert_eq!(records.unreadable, 0);
        assert!(!records.truncated);
        let images: Vec<_> = records.events.iter().map(|e| &e["Image"]).collect();
        assert_eq!(images.len(), 3, "{:?}", records.events);
        assert!(
            images[0].as_str().unwrap().ends_with("certutil.exe"),
            "{images:?}"
        );
        assert_eq!(
            records.events[0]["Provider_Name"],
            "Microsoft-Windows-Sysmon"
        );
        assert_eq!(records.events[1]["EventID"], "3");
    }

    #[test]
    fn stops_at_the_record_limit() {
        let records = read(SYSMON, 2).unwrap();
        assert_eq!(records.events.len(), 2);
        assert!(records.truncated);
    }

    #[test]
    fn the_magic_tells_an_evtx_file() {
        assert!(has_magic(SYSMON));
        assert!(!has_magic(b"[{\"EventID\": 1}]"));
        assert!(!has_magic(b"Elf"));
    }

    #[test]
    fn not_evtx_is_an_error_value() {
        let error = read(b"{\"EventID\": 1}\n", usize::MAX).unwrap_err();
        assert!(error.starts_with("not a readable EVTX file"), "{error}");
        assert!(read(b"", usize::MAX).is_err());
    }

    /// Truncated and damaged files end in an error or skipped records, never a panic
    /// (in WebAssembly a panic kills the module for the page).
    #[test]
    fn damaged_files_do_not_panic() {
        for end in [8, 128, 4095, 4096, 4200, 4608, 6000, SYSMON.len() - 1] {
            let _ = read(SYSMON.get(..end).unwrap_or(SYSMON), usize::MAX);
        }
        for at in (0..SYSMON.len()).step_by(97) {
            let mut damaged = SYSMON.to_vec();
            damaged[at] ^= 0x5a;
            let _ = read(&damaged, usize::MAX);
        }
    }
}
