//! `geo_polygon_lookup(Polygons, PolygonColumn, Longitude, Latitude [, return_unmatched]
//! [, return_lookup_key])` and `geo_line_lookup(Lines, LineColumn, Longitude, Latitude,
//! Radius [, return_unmatched] [, lookup_area_radius] [, return_lookup_key])`: joins each
//! row's point to the GeoJSON polygons that contain it, or the lines within `Radius`
//! meters of it. The output has the input's columns, then the lookup table's (without its
//! GeoJSON column unless `return_lookup_key=true`).
//!
//! Geometry is computed locally: point-in-polygon by ray casting on longitude/latitude and
//! point-to-line distance on an equirectangular projection around the point, which agree
//! with Kusto's geodesic results for city-sized shapes and distances.

use super::{named, Column, EvalError, Evaluator, Result, Table};
use crate::kql::ast::*;
use crate::kql::eval::scalar::as_f64;
use crate::value::Value;

/// The WGS84 mean Earth radius in meters.
const EARTH_RADIUS: f64 = 6_371_008.8;

type Point = (f64, f64);

fn points(json: &serde_json::Value) -> Vec<Point> {
    json.as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
                .collect()
        })
        .unwrap_or_default()
}

/// A GeoJSON shape's rings (polygons: outer ring and holes per polygon) or line strings.
fn parts(shape: &serde_json::Value) -> Vec<Vec<Vec<Point>>> {
    let coordinates = shape.get("coordinates");
    let kind = shape.get("type").and_then(|t| t.as_str()).unwrap_or("");
    let list = |json: Option<&serde_json::Value>| -> Vec<serde_json::Value> {
        json.and_then(|j| j.as_array().cloned()).unwrap_or_default()
    };
    match kind {
        "Polygon" => vec![list(coordinates).iter().map(points).collect()],
        "MultiPolygon" => list(coordinates)
            .iter()
            .map(|polygon| list(Some(polygon)).iter().map(points).collect())
            .collect(),
        "LineString" => coordinates.map_or_else(Vec::new, |c| vec![vec![points(c)]]),
        "MultiLineString" => vec![list(coordinates).iter().map(points).collect()],
        _ => Vec::new(),
    }
}

/// Even-odd ray casting over all rings of one polygon (holes included).
fn in_polygon(rings: &[Vec<Point>], (x, y): Point) -> bool {
    let mut inside = false;
    for ring in rings {
        for (i, &(x1, y1)) in ring.iter().enumerate() {
            let Some(&(x2, y2)) = ring.get((i + 1) % ring.len()) else {
                continue;
            };
            if (y1 > y) != (y2 > y) && x < (x2 - x1) * (y - y1) / (y2 - y1) + x1 {
                inside = !inside;
            }
        }
    }
    inside
}

/// Meters from a point to a polyline, on a local equirectangular projection.
fn distance_to_line(line: &[Point], (lon, lat): Point) -> f64 {
    let scale = lat.to_radians().cos();
    let project = |(x, y): Point| -> Point {
        (
            (x - lon).to_radians() * scale * EARTH_RADIUS,
            (y - lat).to_radians() * EARTH_RADIUS,
        )
    };
    let mut best = f64::INFINITY;
    for pair in line.windows(2) {
        let (Some(&a), Some(&b)) = (pair.first(), pair.get(1)) else {
            continue;
        };
        let ((ax, ay), (bx, by)) = (project(a), project(b));
        let (dx, dy) = (bx - ax, by - ay);
        let length = dx * dx + dy * dy;
        let t = if length == 0.0 {
            0.0
        } else {
            (-(ax * dx + ay * dy) / length).clamp(0.0, 1.0)
        };
        let (px, py) = (ax + t * dx, ay + t * dy);
        best = best.min((px * px + py * py).sqrt());
    }
    if line.len() == 1 {
        if let Some(&only) = line.first() {
            let (x, y) = project(only);
            best = (x * x + y * y).sqrt();
        }
    }
    best
}

impl Evaluator<'_> {
    pub(super) fn geo_lookup(
        &mut self,
        args: &[Arg],
        input: Table,
        is_line: bool,
    ) -> Result<Table> {
        let positional: Vec<&Arg> = args.iter().filter(|a| a.name.is_none()).collect();
        let (Some(lookup), Some(key), Some(lon), Some(lat)) = (
            positional.first(),
            positional.get(1),
            positional.get(2),
            positional.get(3),
        ) else {
            return Err(EvalError::new(
                "geo lookup needs a lookup table, its shape column, a longitude and a latitude",
            ));
        };
        let lookup = self.table(&lookup.value)?;
        let key_index = key
            .value
            .as_name()
            .and_then(|n| lookup.column_index(&n.name))
            .ok_or_else(|| EvalError::new("geo lookup: the shape must be a lookup table column"))?;
        let radius = if is_line {
            as_f64(&self.plugin_constant(args, 4, "the radius")?)
                .ok_or_else(|| EvalError::new("geo_line_lookup: the radius must be a number"))?
        } else {
            0.0
        };
        let flag = |this: &mut Self, name: &str, position: usize| -> Result<bool> {
            match named(args, name).or_else(|| positional.get(position).copied()) {
                Some(arg) => Ok(matches!(this.constant(&arg.value)?, Value::Bool(true))),
                None => Ok(false),
            }
        };
        let first_flag = if is_line { 5 } else { 4 };
        let return_unmatched = flag(self, "return_unmatched", first_flag)?;
        let return_key = flag(
            self,
            "return_lookup_key",
            if is_line {
                first_flag + 2
            } else {
                first_flag + 1
            },
        )?;
        let shapes: Vec<Vec<Vec<Vec<Point>>>> = lookup
            .rows
            .iter()
            .map(|row| match row.get(key_index) {
                Some(Value::Dynamic(json)) => parts(json),
                Some(Value::String(text)) => serde_json::from_str(text)
                    .map(|json: serde_json::Value| parts(&json))
                    .unwrap_or_default(),
                _ => Vec::new(),
            })
            .collect();
        let kept: Vec<usize> = (0..lookup.columns.len())
            .filter(|&i| return_key || i != key_index)
            .collect();
        let mut columns = input.columns.clone();
        for &i in &kept {
            if let Some(column) = lookup.columns.get(i) {
                let mut name = column.name.clone();
                let mut n = 1;
                while columns.iter().any(|c| c.name == name) {
                    name = format!("{}{n}", column.name);
                    n += 1;
                }
                columns.push(Column {
                    name,
                    ty: column.ty,
                });
            }
        }
        let mut out = Table::new(columns);
        for row in &input.rows {
            let point = (
                as_f64(&self.scalar(&lon.value, &input, row)?),
                as_f64(&self.scalar(&lat.value, &input, row)?),
            );
            let mut matched = false;
            if let (Some(x), Some(y)) = point {
                for (shape, lookup_row) in shapes.iter().zip(&lookup.rows) {
                    let hit = if is_line {
                        shape
                            .iter()
                            .flatten()
                            .any(|line| distance_to_line(line, (x, y)) <= radius)
                    } else {
                        shape.iter().any(|polygon| in_polygon(polygon, (x, y)))
                    };
                    if hit {
                        matched = true;
                        let mut values = row.clone();
                        values.extend(
                            kept.iter()
                                .map(|&i| lookup_row.get(i).cloned().unwrap_or(Value::Null)),
                        );
                        out.rows.push(values);
                    }
                }
            }
            if !matched && return_unmatched {
                let mut values = row.clone();
                values.resize(out.columns.len(), Value::Null);
                out.rows.push(values);
            }
            self.check_table(&out)?;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn point_in_triangle() {
        let triangle = vec![vec![(0.0, 0.0), (2.0, 0.0), (0.0, 2.0), (0.0, 0.0)]];
        assert!(in_polygon(&triangle, (0.5, 0.5)));
        assert!(!in_polygon(&triangle, (1.5, 1.5)));
    }

    #[test]
    fn distance_to_a_meridian_segment() {
        // 0.001 degree of longitude at the equator is about 111 meters.
        let line = vec![(0.0, -1.0), (0.0, 1.0)];
        let d = distance_to_line(&line, (0.001, 0.0));
        assert!((d - 111.19).abs() < 0.5, "{d}");
    }
}
