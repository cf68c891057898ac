//! Geospatial functions (`geo_*`), by the shape they work on: `points.rs`, `lines.rs`,
//! `polygons.rs`, the cell systems `geohash.rs`, `s2cell.rs`, `h3cell.rs`, and `wkt.rs`.
//!
//! Kusto models the Earth as a sphere of radius 6371010 m (S2's) unless a function takes
//! `use_spheroid`, and every edge is a geodesic (great-circle arc), not a straight line in
//! longitude/latitude. `sphere.rs` holds that geometry; `shape.rs` reads and writes GeoJSON.
//! Invalid input (a coordinate out of range, malformed GeoJSON, a level out of range) gives
//! null, as Kusto does.

mod geohash;
mod h3cell;
mod lines;
mod points;
mod polygons;
mod s2cell;
mod shape;
mod sphere;
mod union;
mod wkt;

use crate::kql::eval::Result;
use crate::value::Value;

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    if !name.starts_with("geo_") {
        return Ok(None);
    }
    for family in [
        points::call,
        lines::call,
        polygons::call,
        geohash::call,
        s2cell::call,
        h3cell::call,
        wkt::call,
    ] {
        if let Some(value) = family(name, args)? {
            return Ok(Some(value));
        }
    }
    Ok(None)
}

/// A numeric argument, also when it comes out of a dynamic value (`point.coordinates[0]`).
fn number(args: &[Value], i: usize) -> Option<f64> {
    match args.get(i)? {
        Value::Int(n) => Some(f64::from(*n)),
        Value::Long(n) => Some(*n as f64),
        Value::Real(r) => Some(*r),
        Value::Dynamic(d) => d.as_f64(),
        _ => None,
    }
}

/// An integer argument (a level, a resolution, a distance in cells).
fn integer(args: &[Value], i: usize) -> Option<i64> {
    match args.get(i)? {
        Value::Int(n) => Some(i64::from(*n)),
        Value::Long(n) => Some(*n),
        Value::Real(r) if r.fract() == 0.0 && r.abs() < 1e15 => Some(*r as i64),
        Value::Dynamic(d) => d.as_i64(),
        _ => None,
    }
}

/// A string argument (a cell token or hash).
fn text(args: &[Value], i: usize) -> Option<String> {
    match args.get(i)? {
        Value::String(s) => Some(s.to_string()),
        Value::Dynamic(d) => d.as_str().map(str::to_string),
        _ => None,
    }
}

/// A boolean argument.
fn flag(args: &[Value], i: usize) -> Option<bool> {
    match args.get(i)? {
        Value::Bool(b) => Some(*b),
        Value::Dynamic(d) => d.as_bool(),
        _ => None,
    }
}

/// Whether an optional argument was given. An explicit null is given: Kusto rejects it
/// rather than using the default (`geo_point_to_geohash(1, 1, int(null))` is empty).
fn is_given(args: &[Value], i: usize) -> bool {
    args.len() > i
}

fn real(value: Option<f64>) -> Value {
    value
        .filter(|v| v.is_finite())
        .map_or(Value::Null, Value::Real)
}

fn dynamic(json: serde_json::Value) -> Value {
    Value::Dynamic(std::sync::Arc::new(json))
}

fn strings(items: impl IntoIterator<Item = String>) -> Value {
    dynamic(serde_json::Value::Array(
        items.into_iter().map(serde_json::Value::String).collect(),
    ))
}
