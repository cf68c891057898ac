//! H3 cells, through the `h3o` port of Uber's H3: `geo_point_to_h3cell`, `geo_h3cell_level`,
//! `geo_h3cell_parent`, `geo_h3cell_children`, `geo_h3cell_neighbors`, `geo_h3cell_rings`,
//! `geo_h3cell_to_central_point`, `geo_h3cell_to_polygon`.

use std::str::FromStr;

use h3o::{CellIndex, LatLng, Resolution};

use super::shape;
use super::sphere::LonLat;
use super::{dynamic, integer, is_given, number, strings, text};
use crate::kql::eval::Result;
use crate::value::Value;

/// The largest ring distance `geo_h3cell_rings` accepts, per the Kusto docs.
const MAX_RING_DISTANCE: i64 = 142;
/// The most levels `geo_h3cell_children` goes below a cell, per the Kusto docs.
const MAX_CHILDREN_DEPTH: u8 = 5;

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    let cell = || text(args, 0).and_then(|t| CellIndex::from_str(&t).ok());
    let resolution = |i: usize| {
        integer(args, i)
            .and_then(|r| u8::try_from(r).ok())
            .and_then(|r| Resolution::try_from(r).ok())
    };
    Ok(Some(match name {
        "geo_point_to_h3cell" => {
            let res = if is_given(args, 2) {
                resolution(2)
            } else {
                Some(Resolution::Six)
            };
            let point = LonLat::new(
                number(args, 0).unwrap_or(f64::NAN),
                number(args, 1).unwrap_or(f64::NAN),
            );
            match (point, res) {
                (Some(p), Some(res)) => match LatLng::new(p.lat, p.lon) {
                    Ok(ll) => Value::string(&ll.to_cell(res).to_string()),
                    Err(_) => Value::string(""),
                },
                _ => Value::string(""),
            }
        }
        "geo_h3cell_level" => match cell() {
            Some(c) => Value::Int(i32::from(u8::from(c.resolution()))),
            None => Value::Null,
        },
        "geo_h3cell_parent" => {
            let parent = cell().and_then(|c| {
                let res = if is_given(args, 1) {
                    resolution(1)?
                } else {
                    c.resolution().pred()?
                };
                c.parent(res)
            });
            parent.map_or(Value::string(""), |p| Value::string(&p.to_string()))
        }
        "geo_h3cell_children" => {
            let children = cell().and_then(|c| {
                let res = if is_given(args, 1) {
                    resolution(1)?
                } else {
                    c.resolution().succ()?
                };
                // Kusto caps the depth at 5 levels (up to 16807 children).
                let depth = u8::from(res).checked_sub(u8::from(c.resolution()))?;
                (depth <= MAX_CHILDREN_DEPTH).then(|| c.children(res).map(|c| c.to_string()))
            });
            children.map_or(Value::Null, strings)
        }
        "geo_h3cell_neighbors" => match cell() {
            Some(c) => strings(
                c.grid_disk::<Vec<_>>(1)
                    .into_iter()
                    .filter(|n| *n != c)
                    .map(|n| n.to_string()),
            ),
            None => Value::Null,
        },
        "geo_h3cell_rings" => {
            let distance = integer(args, 1).filter(|d| (0..=MAX_RING_DISTANCE).contains(d));
            match (cell(), distance) {
                (Some(c), Some(k)) => rings(c, k as u32),
                _ => Value::Null,
            }
        }
        "geo_h3cell_to_central_point" => match cell() {
            Some(c) => {
                let center = LatLng::from(c);
                dynamic(shape::point(LonLat {
                    lon: center.lng(),
                    lat: center.lat(),
                }))
            }
            None => Value::Null,
        },
        "geo_h3cell_to_polygon" => match cell() {
            Some(c) => {
                let ring: Vec<LonLat> = c
                    .boundary()
                    .iter()
                    .map(|ll| LonLat {
                        lon: ll.lng(),
                        lat: ll.lat(),
                    })
                    .collect();
                dynamic(shape::polygons_json(&[vec![ring]]))
            }
            None => Value::Null,
        },
        _ => return Ok(None),
    }))
}

/// The cells at each grid distance from 0 to `k`, one array per distance.
fn rings(cell: CellIndex, k: u32) -> Value {
    let mut rings: Vec<Vec<String>> = vec![Vec::new(); k as usize + 1];
    for (c, d) in cell.grid_disk_distances::<Vec<_>>(k) {
        if let Some(ring) = rings.get_mut(d as usize) {
            ring.push(c.to_string());
        }
    }
    dynamic(serde_json::Value::Array(
        rings
            .into_iter()
            .map(|r| r.into_iter().map(serde_json::Value::String).collect())
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call_text(name: &str, args: &[Value]) -> String {
        match call(name, args) {
            Ok(Some(Value::String(s))) => s.to_string(),
            _ => String::new(),
        }
    }

    #[test]
    fn parent_defaults_to_one_level_up_and_rejects_finer_levels() {
        let cell = Value::string("862a1072fffffff");
        assert_eq!(
            call_text("geo_h3cell_parent", std::slice::from_ref(&cell)).len(),
            15
        );
        assert_eq!(call_text("geo_h3cell_parent", &[cell, Value::Long(15)]), "");
    }

    #[test]
    fn level_of_a_resolution_six_cell() {
        let level = call("geo_h3cell_level", &[Value::string("862a1072fffffff")]);
        assert!(matches!(level, Ok(Some(Value::Int(6)))));
    }
}
