//! Reading and writing GeoJSON geometries (Kusto's geo values are GeoJSON in `dynamic`).

use serde_json::{json, Value as Json};

use super::sphere::LonLat;
use crate::value::Value;

/// Lines of a LineString (one) or MultiLineString (several).
pub type Lines = Vec<Vec<LonLat>>;
/// Polygons of a Polygon (one) or MultiPolygon (several); each is its rings, outer first,
/// every ring without its closing vertex and without repeated consecutive vertices.
pub type Polygons = Vec<Vec<Vec<LonLat>>>;

/// The GeoJSON object of an argument: dynamic, or a string holding JSON.
pub fn geometry(value: Option<&Value>) -> Option<Json> {
    match value? {
        Value::Dynamic(d) => match &**d {
            Json::String(s) => serde_json::from_str(s).ok(),
            other => Some(other.clone()),
        },
        Value::String(s) => serde_json::from_str(s).ok(),
        _ => None,
    }
}

fn kind(geometry: &Json) -> Option<&str> {
    geometry.get("type")?.as_str()
}

pub fn position(json: &Json) -> Option<LonLat> {
    let items = json.as_array()?;
    if !(2..=3).contains(&items.len()) {
        return None;
    }
    LonLat::new(items.first()?.as_f64()?, items.get(1)?.as_f64()?)
}

fn positions(json: &Json) -> Option<Vec<LonLat>> {
    json.as_array()?.iter().map(position).collect()
}

fn line(json: &Json) -> Option<Vec<LonLat>> {
    let points = positions(json)?;
    (points.len() >= 2).then_some(points)
}

/// A LineString or MultiLineString.
pub fn lines(geometry: &Json) -> Option<Lines> {
    let coordinates = geometry.get("coordinates")?;
    match kind(geometry)? {
        "LineString" => Some(vec![line(coordinates)?]),
        "MultiLineString" => {
            let lines: Lines = coordinates
                .as_array()?
                .iter()
                .map(line)
                .collect::<Option<_>>()?;
            (!lines.is_empty()).then_some(lines)
        }
        _ => None,
    }
}

/// A closed ring of at least three distinct vertices.
fn ring(json: &Json) -> Option<Vec<LonLat>> {
    let points = positions(json)?;
    if points.len() < 4 || points.first() != points.last() {
        return None;
    }
    let mut ring: Vec<LonLat> = Vec::with_capacity(points.len());
    for p in points.iter().take(points.len() - 1) {
        if ring.last() != Some(p) {
            ring.push(*p);
        }
    }
    if ring.len() > 1 && ring.first() == ring.last() {
        ring.pop();
    }
    let mut distinct = ring.clone();
    distinct.sort_by(|a, b| a.lon.total_cmp(&b.lon).then(a.lat.total_cmp(&b.lat)));
    distinct.dedup();
    (distinct.len() >= 3).then_some(ring)
}

fn polygon(json: &Json) -> Option<Vec<Vec<LonLat>>> {
    let rings: Vec<Vec<LonLat>> = json.as_array()?.iter().map(ring).collect::<Option<_>>()?;
    (!rings.is_empty()).then_some(rings)
}

/// A Polygon or MultiPolygon.
pub fn polygons(geometry: &Json) -> Option<Polygons> {
    let coordinates = geometry.get("coordinates")?;
    match kind(geometry)? {
        "Polygon" => Some(vec![polygon(coordinates)?]),
        "MultiPolygon" => {
            let polygons: Polygons = coordinates
                .as_array()?
                .iter()
                .map(polygon)
                .collect::<Option<_>>()?;
            (!polygons.is_empty()).then_some(polygons)
        }
        _ => None,
    }
}

pub fn coordinates(p: LonLat) -> Json {
    json!([p.lon, p.lat])
}

pub fn point(p: LonLat) -> Json {
    json!({"type": "Point", "coordinates": coordinates(p)})
}

pub fn multi_point(points: &[LonLat]) -> Json {
    let coordinates: Vec<Json> = points.iter().map(|p| coordinates(*p)).collect();
    json!({"type": "MultiPoint", "coordinates": coordinates})
}

fn path(points: &[LonLat]) -> Json {
    Json::Array(points.iter().map(|p| coordinates(*p)).collect())
}

/// A LineString for one line, a MultiLineString for several.
pub fn lines_json(lines: &[Vec<LonLat>]) -> Json {
    match lines {
        [one] => json!({"type": "LineString", "coordinates": path(one)}),
        many => {
            let coordinates: Vec<Json> = many.iter().map(|l| path(l)).collect();
            json!({"type": "MultiLineString", "coordinates": coordinates})
        }
    }
}

fn rings_json(rings: &[Vec<LonLat>]) -> Json {
    Json::Array(
        rings
            .iter()
            .map(|ring| {
                let mut closed = ring.clone();
                if let Some(&first) = ring.first() {
                    closed.push(first);
                }
                path(&closed)
            })
            .collect(),
    )
}

/// A Polygon for one polygon, a MultiPolygon for several (rings given without closing vertex).
pub fn polygons_json(polygons: &[Vec<Vec<LonLat>>]) -> Json {
    match polygons {
        [one] => json!({"type": "Polygon", "coordinates": rings_json(one)}),
        many => {
            let coordinates: Vec<Json> = many.iter().map(|p| rings_json(p)).collect();
            json!({"type": "MultiPolygon", "coordinates": coordinates})
        }
    }
}

pub fn empty_collection() -> Json {
    json!({"type": "GeometryCollection", "geometries": []})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rings_must_close_and_span_three_vertices() {
        let good = json!({"type": "Polygon", "coordinates": [[[0,0],[10,10],[10,1],[0,0]]]});
        assert!(polygons(&good).is_some_and(|p| p[0][0].len() == 3));
        let flat = json!({"type": "Polygon", "coordinates": [[[0,0],[10,10],[10,10],[0,0]]]});
        assert!(polygons(&flat).is_none());
        let open = json!({"type": "Polygon", "coordinates": [[[0,0],[10,10],[10,1],[0,1]]]});
        assert!(polygons(&open).is_none());
    }

    #[test]
    fn lines_need_two_points_in_range() {
        assert!(lines(&json!({"type": "LineString", "coordinates": [[1,1]]})).is_none());
        assert!(lines(&json!({"type": "LineString", "coordinates": [[300,1],[1,1]]})).is_none());
        assert!(lines(&json!({"type": "LineString"})).is_none());
        assert!(lines(&json!({"type": "LineString", "coordinates": [[1,1],[2,2]]})).is_some());
    }
}
