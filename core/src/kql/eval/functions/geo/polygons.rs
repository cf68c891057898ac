//! Functions of polygons (GeoJSON Polygon / MultiPolygon): containment, distance, area,
//! perimeter, centroid, densify and simplify, and intersection tests.

use super::lines::{densify, douglas_peucker, simplify_tolerance_arg, tolerance_arg};
use super::points::point_arg;
use super::shape::{self, Polygons};
use super::sphere::{
    angle, closest_on_edge, distance_to_edge, edge_crossing, ring_area, ring_contains, ring_moment,
    LonLat, Vec3, EARTH_RADIUS,
};
use super::union;
use super::{dynamic, real};
use crate::kql::eval::{EvalError, Result};
use crate::value::Value;

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    let polygons_at = |i: usize| shape::geometry(args.get(i)).and_then(|g| shape::polygons(&g));
    let lines_at = |i: usize| shape::geometry(args.get(i)).and_then(|g| shape::lines(&g));
    Ok(Some(match name {
        "geo_point_in_polygon" => match (point_arg(args, 0), polygons_at(2)) {
            (Some(p), Some(polygons)) => Value::Bool(contains(&polygons, p.to_vec())),
            _ => Value::Null,
        },
        "geo_distance_point_to_polygon" => match (point_arg(args, 0), polygons_at(2)) {
            (Some(p), Some(polygons)) => {
                let v = p.to_vec();
                let d = if contains(&polygons, v) {
                    0.0
                } else {
                    closest_on_boundary(&polygons, v).1
                };
                real(Some(d * EARTH_RADIUS))
            }
            _ => Value::Null,
        },
        "geo_closest_point_on_polygon" => match (point_arg(args, 0), polygons_at(2)) {
            (Some(p), Some(polygons)) => {
                let v = p.to_vec();
                let c = if contains(&polygons, v) {
                    p
                } else {
                    closest_on_boundary(&polygons, v).0.to_lonlat()
                };
                dynamic(shape::point(c))
            }
            _ => Value::Null,
        },
        "geo_polygon_area" => match polygons_at(0) {
            Some(polygons) if polygons.len() > 1 => {
                let (_, area, _) = union::measures(&union::boundary(&polygons));
                real(Some(area.abs() * EARTH_RADIUS * EARTH_RADIUS))
            }
            Some(polygons) => {
                let area: f64 = polygons
                    .iter()
                    .map(|rings| {
                        let mut rings = rings.iter().map(|r| ring_area(&closed_vectors(r)));
                        let outer = rings.next().unwrap_or(0.0);
                        outer - rings.sum::<f64>()
                    })
                    .sum();
                real(Some(area * EARTH_RADIUS * EARTH_RADIUS))
            }
            None => Value::Null,
        },
        "geo_polygon_perimeter" => match polygons_at(0) {
            Some(polygons) if polygons.len() > 1 => {
                let (perimeter, _, _) = union::measures(&union::boundary(&polygons));
                real(Some(perimeter * EARTH_RADIUS))
            }
            Some(polygons) => {
                let length: f64 = polygons
                    .iter()
                    .flatten()
                    .map(|ring| {
                        let v = closed_vectors(ring);
                        v.windows(2)
                            .filter_map(|w| match w {
                                [a, b] => Some(angle(*a, *b)),
                                _ => None,
                            })
                            .sum::<f64>()
                    })
                    .sum();
                real(Some(length * EARTH_RADIUS))
            }
            None => Value::Null,
        },
        "geo_polygon_centroid" => match polygons_at(0).and_then(|p| centroid(&p)) {
            Some(c) => dynamic(shape::point(c.to_lonlat())),
            None => Value::Null,
        },
        "geo_polygon_densify" => match (polygons_at(0), tolerance_arg(args, 1)) {
            (Some(polygons), Some(t)) => {
                let dense: Option<Polygons> = polygons
                    .iter()
                    .map(|rings| {
                        rings
                            .iter()
                            .map(|ring| {
                                let mut closed = ring.clone();
                                closed.extend(ring.first().copied());
                                let mut out = densify(&closed, t)?;
                                out.pop();
                                Some(out)
                            })
                            .collect()
                    })
                    .collect();
                dense.map_or(Value::Null, |d| dynamic(shape::polygons_json(&d)))
            }
            _ => Value::Null,
        },
        "geo_polygon_simplify" => match (polygons_at(0), simplify_tolerance_arg(args, 1)) {
            (Some(polygons), Some(t)) => {
                let simple: Option<Polygons> = polygons
                    .iter()
                    .map(|rings| rings.iter().map(|r| simplify_ring(r, t)).collect())
                    .collect();
                simple.map_or(Value::Null, |s| dynamic(shape::polygons_json(&s)))
            }
            _ => Value::Null,
        },
        "geo_intersects_2polygons" => match (polygons_at(0), polygons_at(1)) {
            (Some(a), Some(b)) => Value::Bool(polygons_intersect(&a, &b)),
            _ => Value::Null,
        },
        "geo_intersection_2polygons" => match (polygons_at(0), polygons_at(1)) {
            (Some(a), Some(b)) if !polygons_intersect(&a, &b) => dynamic(shape::empty_collection()),
            (Some(a), Some(b)) => match touching_points(&a, &b) {
                Some(points) => {
                    dynamic(points_json(&points).unwrap_or_else(shape::empty_collection))
                }
                None => match area_intersection(&a, &b) {
                    Some(json) => dynamic(json),
                    None => {
                        return Err(EvalError::unsupported(
                            "`geo_intersection_2polygons()` of polygons with touching edges",
                        ))
                    }
                },
            },
            _ => Value::Null,
        },
        "geo_intersects_line_with_polygon" => match (lines_at(0), polygons_at(1)) {
            (Some(lines), Some(polygons)) => {
                let touches = lines
                    .iter()
                    .flatten()
                    .any(|p| contains(&polygons, p.to_vec()))
                    || boundary_edges(&polygons).any(|(c, d)| {
                        line_edges(&lines).any(|(a, b)| edge_crossing(a, b, c, d).is_some())
                    });
                Value::Bool(touches)
            }
            _ => Value::Null,
        },
        "geo_intersection_line_with_polygon" => match (lines_at(0), polygons_at(1)) {
            (Some(lines), Some(polygons)) => {
                let pieces = clip_lines(&lines, &polygons);
                dynamic(if pieces.is_empty() {
                    shape::empty_collection()
                } else {
                    shape::lines_json(&pieces)
                })
            }
            _ => Value::Null,
        },
        "geo_polygon_buffer" | "geo_polygon_to_h3cells" => {
            if polygons_at(0).is_none() {
                Value::Null
            } else {
                // Buffers and coverings depend on S2/H3 algorithms not reproduced yet.
                return Err(EvalError::unsupported(format!("function `{name}()`")));
            }
        }
        "geo_union_polygons_array" => {
            let polygons: Option<Polygons> = match args.first() {
                Some(Value::Dynamic(d)) => d.as_array().and_then(|items| {
                    let all: Option<Vec<Polygons>> = items.iter().map(shape::polygons).collect();
                    all.map(|p| p.into_iter().flatten().collect())
                }),
                _ => None,
            };
            match polygons.filter(|p: &Polygons| !p.is_empty()) {
                Some(p) => {
                    match union::rings(&union::boundary(&p)) {
                        Some(u) if !u.is_empty() => dynamic(shape::polygons_json(&u)),
                        _ => return Err(EvalError::unsupported(
                            "`geo_union_polygons_array()` of polygons that touch or share edges",
                        )),
                    }
                }
                None => Value::Null,
            }
        }
        "geo_simplify_polygons_array" => {
            let polygons: Option<Polygons> = match args.first() {
                Some(Value::Dynamic(d)) => d.as_array().and_then(|items| {
                    let all: Option<Vec<Polygons>> = items.iter().map(shape::polygons).collect();
                    all.map(|p| p.into_iter().flatten().collect())
                }),
                _ => None,
            };
            match (
                polygons.filter(|p: &Polygons| !p.is_empty()),
                simplify_tolerance_arg(args, 1),
            ) {
                (Some(p), Some(t)) => {
                    match union::rings(&union::boundary(&p)) {
                        Some(u) if !u.is_empty() => {
                            // A polygon whose shell collapses under the tolerance
                            // disappears, as does a collapsing hole; null when none is left.
                            let simple: Polygons = u
                                .iter()
                                .filter_map(|rings| {
                                    let mut rings = rings.iter();
                                    let shell = simplify_ring(rings.next()?, t)?;
                                    Some(
                                        std::iter::once(shell)
                                            .chain(rings.filter_map(|h| simplify_ring(h, t)))
                                            .collect(),
                                    )
                                })
                                .collect();
                            if simple.is_empty() {
                                Value::Null
                            } else {
                                dynamic(shape::polygons_json(&simple))
                            }
                        }
                        _ => return Err(EvalError::unsupported(
                            "`geo_simplify_polygons_array()` of polygons that touch or share edges",
                        )),
                    }
                }
                _ => Value::Null,
            }
        }
        _ => return Ok(None),
    }))
}

fn vectors(ring: &[LonLat]) -> Vec<Vec3> {
    ring.iter().map(|p| p.to_vec()).collect()
}

fn closed_vectors(ring: &[LonLat]) -> Vec<Vec3> {
    let mut v = vectors(ring);
    if let Some(&first) = v.first() {
        v.push(first);
    }
    v
}

/// Inside any of the polygons.
pub fn contains(polygons: &Polygons, p: Vec3) -> bool {
    polygons.iter().any(|rings| polygon_contains(rings, p))
}

/// Inside the polygon's outer ring and outside its holes.
pub fn polygon_contains(rings: &[Vec<LonLat>], p: Vec3) -> bool {
    let mut rings = rings.iter().map(|r| ring_contains(&vectors(r), p));
    rings.next().unwrap_or(false) && !rings.any(|inside_hole| inside_hole)
}

/// Every edge of every ring, closing edges included.
fn boundary_edges(polygons: &Polygons) -> impl Iterator<Item = (Vec3, Vec3)> + '_ {
    polygons.iter().flatten().flat_map(|ring| {
        let v = closed_vectors(ring);
        (0..v.len().saturating_sub(1))
            .filter_map(move |i| Some((*v.get(i)?, *v.get(i + 1)?)))
            .collect::<Vec<_>>()
    })
}

fn line_edges(lines: &[Vec<LonLat>]) -> impl Iterator<Item = (Vec3, Vec3)> + '_ {
    lines.iter().flat_map(|l| {
        l.windows(2).filter_map(|w| match w {
            [a, b] => Some((a.to_vec(), b.to_vec())),
            _ => None,
        })
    })
}

/// The boundary point closest to `p` and its distance in radians.
fn closest_on_boundary(polygons: &Polygons, p: Vec3) -> (Vec3, f64) {
    let mut best = (p, f64::INFINITY);
    for (a, b) in boundary_edges(polygons) {
        let c = closest_on_edge(p, a, b);
        let d = angle(p, c);
        if d < best.1 {
            best = (c, d);
        }
    }
    best
}

/// The area-weighted centroid: the sum of the rings' moments, holes subtracted; of the
/// union for several polygons, as Kusto computes it.
fn centroid(polygons: &Polygons) -> Option<Vec3> {
    if polygons.len() > 1 {
        let (_, _, moment) = union::measures(&union::boundary(polygons));
        return (moment.norm() > 0.0).then(|| moment.normalize());
    }
    let mut sum = Vec3::new(0.0, 0.0, 0.0);
    for rings in polygons {
        for (k, ring) in rings.iter().enumerate() {
            let moment = ring_moment(&vectors(ring));
            sum = if k == 0 {
                sum.add(moment)
            } else {
                sum.sub(moment)
            };
        }
    }
    (sum.norm() > 0.0).then(|| sum.normalize())
}

/// Douglas-Peucker over the closed ring; None when fewer than three vertices remain.
fn simplify_ring(ring: &[LonLat], tolerance: f64) -> Option<Vec<LonLat>> {
    let closed = closed_vectors(ring);
    let last = closed.len().checked_sub(1)?;
    let mut keep = vec![false; closed.len()];
    *keep.first_mut()? = true;
    *keep.get_mut(last)? = true;
    douglas_peucker(&closed, 0, last, tolerance / EARTH_RADIUS, &mut keep);
    let out: Vec<LonLat> = ring
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(p, _)| *p)
        .collect();
    (out.len() >= 3).then_some(out)
}

fn polygons_intersect(a: &Polygons, b: &Polygons) -> bool {
    let vertex_inside = |x: &Polygons, y: &Polygons| {
        x.iter()
            .flatten()
            .flatten()
            .any(|p| contains(y, p.to_vec()))
    };
    vertex_inside(a, b)
        || vertex_inside(b, a)
        || boundary_edges(a)
            .any(|(p, q)| boundary_edges(b).any(|(r, s)| edge_crossing(p, q, r, s).is_some()))
}

fn points_json(points: &[LonLat]) -> Option<serde_json::Value> {
    match points {
        [] => None,
        [one] => Some(shape::point(*one)),
        many => Some(shape::multi_point(many)),
    }
}

/// The intersection of polygons whose interiors overlap: the rings bounding the common
/// area, and the points where the boundaries meet away from it (a GeometryCollection of
/// both when there are both). None when the pieces don't close into rings.
fn area_intersection(a: &Polygons, b: &Polygons) -> Option<serde_json::Value> {
    let areas = union::rings(&union::intersection_boundary(a, b))?;
    let ring_edges: Vec<(Vec3, Vec3)> = areas
        .iter()
        .flatten()
        .flat_map(|ring| {
            let v = closed_vectors(ring);
            v.windows(2)
                .filter_map(|w| match w {
                    [p, q] => Some((*p, *q)),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let mut points: Vec<LonLat> = Vec::new();
    for (p, q) in boundary_edges(a) {
        for (r, s) in boundary_edges(b) {
            let Some(x) = edge_crossing(p, q, r, s) else {
                continue;
            };
            let on_area = ring_edges
                .iter()
                .any(|(u, v)| distance_to_edge(x, *u, *v) < 1e-12);
            let point = x.to_lonlat();
            if !on_area && !points.iter().any(|o| angle(o.to_vec(), x) < 1e-12) {
                points.push(point);
            }
        }
    }
    let polygons = (!areas.is_empty()).then(|| shape::polygons_json(&areas));
    Some(match (points_json(&points), polygons) {
        (None, None) => shape::empty_collection(),
        (Some(p), None) => p,
        (None, Some(a)) => a,
        (Some(p), Some(a)) => {
            serde_json::json!({"type": "GeometryCollection", "geometries": [p, a]})
        }
    })
}

/// When two polygons meet only at shared vertices, those vertices; None when their
/// interiors or edges overlap (an area or line intersection, not computed here).
fn touching_points(a: &Polygons, b: &Polygons) -> Option<Vec<LonLat>> {
    let vertices =
        |x: &Polygons| -> Vec<LonLat> { x.iter().flatten().flatten().copied().collect() };
    let (va, vb) = (vertices(a), vertices(b));
    // Every crossing must be a vertex of both polygons; any other crossing means the
    // boundaries pass through each other.
    let mut points: Vec<LonLat> = Vec::new();
    for (p, q) in boundary_edges(a) {
        for (r, s) in boundary_edges(b) {
            if let Some(x) = edge_crossing(p, q, r, s) {
                let is_vertex = |vs: &[LonLat]| vs.iter().any(|v| angle(v.to_vec(), x) < 1e-12);
                if !is_vertex(&va) || !is_vertex(&vb) {
                    return None;
                }
                let point = x.to_lonlat();
                let shared = va
                    .iter()
                    .find(|v| angle(v.to_vec(), x) < 1e-12)
                    .copied()
                    .unwrap_or(point);
                if !points.contains(&shared) {
                    points.push(shared);
                }
            }
        }
    }
    // An edge whose midpoint lies inside the other polygon (shared edges, one polygon
    // inside the other) means more than points in common.
    let midpoint_inside = |x: &Polygons, y: &Polygons| {
        boundary_edges(x).any(|(p, q)| contains(y, p.add(q).normalize()))
    };
    let strictly_inside = |vs: &[LonLat], y: &Polygons| {
        vs.iter().any(|v| {
            let p = v.to_vec();
            contains(y, p) && closest_on_boundary(y, p).1 > 1e-12
        })
    };
    if points.is_empty()
        || midpoint_inside(a, b)
        || midpoint_inside(b, a)
        || strictly_inside(&va, b)
        || strictly_inside(&vb, a)
    {
        return None;
    }
    Some(points)
}

/// The parts of the lines inside the polygons: each edge cut where it crosses the boundary,
/// keeping the pieces whose midpoints are inside.
fn clip_lines(lines: &[Vec<LonLat>], polygons: &Polygons) -> Vec<Vec<LonLat>> {
    let mut pieces: Vec<Vec<LonLat>> = Vec::new();
    let mut current: Vec<LonLat> = Vec::new();
    for line in lines {
        for w in line.windows(2) {
            let [a, b] = w else { continue };
            let (va, vb) = (a.to_vec(), b.to_vec());
            let mut cuts: Vec<(f64, Vec3)> = boundary_edges(polygons)
                .filter_map(|(c, d)| edge_crossing(va, vb, c, d))
                .map(|x| (angle(va, x), x))
                .collect();
            cuts.sort_by(|x, y| x.0.total_cmp(&y.0));
            let mut stops: Vec<(Vec3, LonLat)> = vec![(va, *a)];
            stops.extend(cuts.into_iter().map(|(_, x)| (x, x.to_lonlat())));
            stops.push((vb, *b));
            for s in stops.windows(2) {
                let [(p, lp), (q, lq)] = s else { continue };
                if angle(*p, *q) == 0.0 {
                    continue;
                }
                if contains(polygons, p.add(*q).normalize()) {
                    if current.last() != Some(lp) {
                        if current.len() >= 2 {
                            pieces.push(std::mem::take(&mut current));
                        }
                        current = vec![*lp];
                    }
                    current.push(*lq);
                } else if current.len() >= 2 {
                    pieces.push(std::mem::take(&mut current));
                } else {
                    current.clear();
                }
            }
        }
        if current.len() >= 2 {
            pieces.push(std::mem::take(&mut current));
        }
        current.clear();
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn polygon(json: serde_json::Value) -> Polygons {
        shape::polygons(&json).unwrap_or_default()
    }

    #[test]
    fn holes_are_outside() {
        let p = polygon(json!({"type": "Polygon", "coordinates": [
            [[0,0],[10,0],[10,10],[0,10],[0,0]],
            [[4,4],[6,4],[6,6],[4,6],[4,4]]]}));
        assert!(contains(&p, LonLat { lon: 2.0, lat: 2.0 }.to_vec()));
        assert!(!contains(&p, LonLat { lon: 5.0, lat: 5.0 }.to_vec()));
    }

    #[test]
    fn simplify_keeps_the_far_vertices() {
        let ring = [
            LonLat { lon: 0.0, lat: 0.0 },
            LonLat {
                lon: 0.5,
                lat: 0.000_001,
            },
            LonLat { lon: 1.0, lat: 0.0 },
            LonLat { lon: 1.0, lat: 1.0 },
        ];
        assert_eq!(simplify_ring(&ring, 10.0).map(|r| r.len()), Some(3));
    }

    #[test]
    fn polygons_touching_at_a_vertex_meet_in_a_point() {
        let a = polygon(json!({"type": "Polygon", "coordinates": [[[2,45],[0,45],[1,44],[2,45]]]}));
        let b = polygon(json!({"type": "Polygon", "coordinates": [[[3,44],[2,45],[2,43],[3,44]]]}));
        assert_eq!(
            touching_points(&a, &b),
            Some(vec![LonLat {
                lon: 2.0,
                lat: 45.0
            }])
        );
        let c = polygon(json!({"type": "Polygon", "coordinates": [[[0,44],[3,44],[1,46],[0,44]]]}));
        assert_eq!(touching_points(&a, &c), None);
    }

    #[test]
    fn overlapping_polygons_intersect_in_an_area() {
        let a =
            polygon(json!({"type": "Polygon", "coordinates": [[[0,0],[2,0],[2,2],[0,2],[0,0]]]}));
        let b =
            polygon(json!({"type": "Polygon", "coordinates": [[[1,1],[3,1],[3,3],[1,3],[1,1]]]}));
        let result = area_intersection(&a, &b).unwrap_or_default();
        assert_eq!(result["type"], "Polygon");
        assert_eq!(result["coordinates"][0].as_array().map(Vec::len), Some(5));
    }

    #[test]
    fn disjoint_polygons_do_not_intersect() {
        let a = polygon(json!({"type": "Polygon", "coordinates": [[[2,45],[0,45],[1,44],[2,45]]]}));
        let b = polygon(json!({"type": "Polygon", "coordinates": [[[3,44],[3,45],[2,43],[3,44]]]}));
        assert!(!polygons_intersect(&a, &b));
    }
}
