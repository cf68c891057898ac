//! Event formats read into the JSON objects rules are evaluated on. JSON arrays, NDJSON and
//! `{"tables": {...}}` are plain JSON and need nothing here; binary logs do.

#[cfg(feature = "evtx")]
pub mod evtx;
