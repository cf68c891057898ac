//! Windows event log files (`.evtx`) for `rulelab eval --events`: which paths are event logs,
//! and their records read from disk. The records become flat events in the core
//! (`rulelab::events::evtx`), the same conversion the WebAssembly package runs in the browser.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use rulelab::events::evtx;
use serde_json::Value;

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
        .is_ok_and(|()| evtx::has_magic(&head))
}

/// Calls `f` with each record flattened (or `None` for a record that cannot be read);
/// `f` returns false to stop.
pub fn for_each_record(path: &str, f: impl FnMut(Option<Value>) -> bool) -> Result<(), String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    evtx::for_each_record(BufReader::new(file), f)
}
