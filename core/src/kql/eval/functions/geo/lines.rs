//! Functions of lines (GeoJSON LineString / MultiLineString): distances, length, centroid,
//! interpolation, densify and simplify, and line-line intersections.

use super::points::{point_arg, spheroid_arg};
use super::shape::{self, Lines};
use super::sphere::{
    angle, closest_on_edge, distance_to_edge, edge_crossing, edge_overlap, interpolate, LonLat,
    Vec3, EARTH_RADIUS,
};
use super::{dynamic, is_given, number, real};
use crate::kql::eval::{EvalError, Result};
use crate::value::Value;

/// Default tolerance of densify and simplify, in meters.
const DEFAULT_TOLERANCE: f64 = 10.0;

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    let lines_at = |i: usize| shape::geometry(args.get(i)).and_then(|g| shape::lines(&g));
    Ok(Some(match name {
        "geo_distance_point_to_line" => {
            match (point_arg(args, 0), lines_at(2), spheroid_arg(args, 3)) {
                (Some(p), Some(lines), Some(false)) => {
                    let (_, d) = closest_point(&lines, p.to_vec());
                    real(Some(d * EARTH_RADIUS))
                }
                (Some(_), Some(_), Some(true)) => {
                    return Err(EvalError::unsupported(
                        "`geo_distance_point_to_line()` with use_spheroid",
                    ))
                }
                _ => Value::Null,
            }
        }
        "geo_closest_point_on_line" => match (point_arg(args, 0), lines_at(2)) {
            (Some(p), Some(lines)) => {
                let (closest, _) = closest_point(&lines, p.to_vec());
                dynamic(shape::point(closest.to_lonlat()))
            }
            _ => Value::Null,
        },
        "geo_line_length" => match (lines_at(0), spheroid_arg(args, 1)) {
            (Some(lines), Some(spheroid)) => {
                let meters: f64 = lines
                    .iter()
                    .flat_map(|line| line.windows(2))
                    .filter_map(|w| match w {
                        [a, b] => Some(super::points::distance(*a, *b, spheroid)),
                        _ => None,
                    })
                    .sum();
                real(Some(meters))
            }
            _ => Value::Null,
        },
        "geo_line_centroid" => match lines_at(0).and_then(|lines| centroid(&lines)) {
            Some(c) => dynamic(shape::point(c.to_lonlat())),
            None => Value::Null,
        },
        "geo_line_interpolate_point" => {
            let fraction = number(args, 1).filter(|f| (0.0..=1.0).contains(f));
            match (single_line(lines_at(0)), fraction) {
                (Some(line), Some(f)) => {
                    dynamic(shape::point(interpolate_line(&line, f).to_lonlat()))
                }
                _ => Value::Null,
            }
        }
        "geo_line_locate_point" => match (single_line(lines_at(0)), point_arg(args, 1)) {
            (Some(line), Some(p)) => real(locate(&line, p.to_vec())),
            _ => Value::Null,
        },
        "geo_line_densify" => {
            let tolerance = tolerance_arg(args, 1);
            match (lines_at(0), tolerance) {
                (Some(lines), Some(t)) => {
                    let dense: Option<Vec<Vec<LonLat>>> =
                        lines.iter().map(|l| densify(l, t)).collect();
                    dense.map_or(Value::Null, |d| dynamic(shape::lines_json(&d)))
                }
                _ => Value::Null,
            }
        }
        "geo_line_simplify" => {
            let tolerance = simplify_tolerance_arg(args, 1);
            match (lines_at(0), tolerance) {
                (Some(lines), Some(t)) => {
                    let simple: Option<Vec<Vec<LonLat>>> =
                        lines.iter().map(|l| simplify_line(l, t)).collect();
                    simple.map_or(Value::Null, |s| dynamic(shape::lines_json(&s)))
                }
                _ => Value::Null,
            }
        }
        "geo_intersects_2lines" => match (lines_at(0), lines_at(1)) {
            (Some(a), Some(b)) => Value::Bool(!crossings(&a, &b, true).is_empty()),
            _ => Value::Null,
        },
        "geo_intersection_2lines" => match (lines_at(0), lines_at(1)) {
            (Some(a), Some(b)) => dynamic(intersection(&a, &b)),
            _ => Value::Null,
        },
        "geo_line_buffer" => {
            let radius = number(args, 1).filter(|r| *r > 0.0 && r.is_finite());
            if lines_at(0).is_none() || radius.is_none() {
                Value::Null
            } else {
                return Err(EvalError::unsupported("function `geo_line_buffer()`"));
            }
        }
        "geo_union_lines_array" => {
            let lines: Option<Lines> = match args.first() {
                Some(Value::Dynamic(d)) => d.as_array().and_then(|items| {
                    let all: Option<Vec<Lines>> = items.iter().map(shape::lines).collect();
                    all.map(|l| l.into_iter().flatten().collect())
                }),
                _ => None,
            };
            match lines.filter(|l| !l.is_empty()) {
                Some(l) => dynamic(shape::lines_json(&union_lines(&l))),
                None => Value::Null,
            }
        }
        _ => return Ok(None),
    }))
}

/// The union of lines: their edges without repeats (either direction), chained into the
/// longest paths through vertices where exactly two edges meet.
fn union_lines(lines: &[Vec<LonLat>]) -> Vec<Vec<LonLat>> {
    let mut edges: Vec<(LonLat, LonLat)> = Vec::new();
    for line in lines {
        for w in line.windows(2) {
            if let [a, b] = w {
                if a != b
                    && !edges
                        .iter()
                        .any(|(c, d)| (c == a && d == b) || (c == b && d == a))
                {
                    edges.push((*a, *b));
                }
            }
        }
    }
    let degree = |p: LonLat| edges.iter().filter(|(a, b)| *a == p || *b == p).count();
    let mut used = vec![false; edges.len()];
    let mut out: Vec<Vec<LonLat>> = Vec::new();
    // Paths start at ends and junctions first, so that a chain is only cut where it must be;
    // what remains are closed loops.
    for pass in 0..2 {
        for k in 0..edges.len() {
            let Some(&(a, b)) = edges.get(k) else {
                continue;
            };
            if used.get(k).copied().unwrap_or(true) || (pass == 0 && degree(a) == 2) {
                continue;
            }
            if let Some(slot) = used.get_mut(k) {
                *slot = true;
            }
            let mut path = vec![a, b];
            while let Some(&end) = path.last() {
                if degree(end) != 2 || Some(&end) == path.first() {
                    break;
                }
                let next = (0..edges.len()).find(|&j| {
                    !used.get(j).copied().unwrap_or(true)
                        && edges.get(j).is_some_and(|(c, d)| *c == end || *d == end)
                });
                let Some(j) = next else { break };
                if let Some(slot) = used.get_mut(j) {
                    *slot = true;
                }
                if let Some(&(c, d)) = edges.get(j) {
                    path.push(if c == end { d } else { c });
                }
            }
            out.push(path);
        }
    }
    out
}

/// Densify's tolerance in meters: default 10, in [0.1, 10000] per the Kusto docs.
pub fn tolerance_arg(args: &[Value], i: usize) -> Option<f64> {
    if is_given(args, i) {
        number(args, i).filter(|t| (0.1..=10_000.0).contains(t))
    } else {
        Some(DEFAULT_TOLERANCE)
    }
}

/// Simplify's tolerance in meters: default 10, in [0, ~7,800,000) per the Kusto docs.
pub fn simplify_tolerance_arg(args: &[Value], i: usize) -> Option<f64> {
    if is_given(args, i) {
        number(args, i).filter(|t| (0.0..7_800_000.0).contains(t))
    } else {
        Some(DEFAULT_TOLERANCE)
    }
}

fn single_line(lines: Option<Lines>) -> Option<Vec<LonLat>> {
    match lines?.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

fn edges(line: &[LonLat]) -> impl Iterator<Item = (Vec3, Vec3)> + '_ {
    line.windows(2).filter_map(|w| match w {
        [a, b] => Some((a.to_vec(), b.to_vec())),
        _ => None,
    })
}

/// The point of the lines closest to `p`, and its distance in radians.
fn closest_point(lines: &[Vec<LonLat>], p: Vec3) -> (Vec3, f64) {
    let mut best = (p, f64::INFINITY);
    for (a, b) in lines.iter().flat_map(|l| edges(l)) {
        let c = closest_on_edge(p, a, b);
        let d = angle(p, c);
        if d < best.1 {
            best = (c, d);
        }
    }
    best
}

/// The centroid of the lines' edges weighted by length (as S2Polyline::GetCentroid).
fn centroid(lines: &[Vec<LonLat>]) -> Option<Vec3> {
    let mut sum = Vec3::new(0.0, 0.0, 0.0);
    for (a, b) in lines.iter().flat_map(|l| edges(l)) {
        // Each edge contributes its midpoint direction scaled by its length: sin/cos of
        // half the edge angle from the sum and difference of its endpoints.
        let vsum = a.add(b);
        let vdiff = a.sub(b);
        let cos2 = vsum.dot(vsum);
        let sin2 = vdiff.dot(vdiff);
        if cos2 != 0.0 {
            sum = sum.add(vsum.scale((sin2 / cos2).sqrt()));
        }
    }
    (sum.norm() > 0.0).then(|| sum.normalize())
}

fn length(line: &[LonLat]) -> f64 {
    edges(line).map(|(a, b)| angle(a, b)).sum()
}

/// The point at `fraction` of the line's length.
fn interpolate_line(line: &[LonLat], fraction: f64) -> Vec3 {
    let first = line
        .first()
        .map(|p| p.to_vec())
        .unwrap_or(Vec3::new(1.0, 0.0, 0.0));
    if fraction <= 0.0 {
        return first;
    }
    let mut target = fraction * length(line);
    let mut last = first;
    for (a, b) in edges(line) {
        let theta = angle(a, b);
        if target < theta {
            return interpolate(a, b, target / theta);
        }
        target -= theta;
        last = b;
    }
    last
}

/// The fraction of the line's length at which the point closest to `p` lies.
fn locate(line: &[LonLat], p: Vec3) -> Option<f64> {
    let total = length(line);
    if total <= 0.0 {
        return None;
    }
    let mut best = (f64::INFINITY, 0.0);
    let mut before = 0.0;
    for (a, b) in edges(line) {
        let c = closest_on_edge(p, a, b);
        let d = angle(p, c);
        if d < best.0 {
            best = (d, before + angle(a, c));
        }
        before += angle(a, b);
    }
    Some((best.1 / total).clamp(0.0, 1.0))
}

/// The most points a densified shape may have, per the Kusto docs; beyond it, null.
const MAX_DENSIFIED_POINTS: usize = 10_485_760;

/// Adds vertices along each edge, halving it, until the geodesic edge strays no further
/// than `tolerance` meters from the straight line in longitude/latitude. None past
/// `MAX_DENSIFIED_POINTS`.
pub fn densify(line: &[LonLat], tolerance: f64) -> Option<Vec<LonLat>> {
    let mut out = Vec::with_capacity(line.len());
    for w in line.windows(2) {
        if let [a, b] = w {
            out.push(*a);
            split_edge(*a, *b, tolerance, &mut out)?;
        }
    }
    if let Some(last) = line.last() {
        out.push(*last);
    }
    Some(out)
}

fn split_edge(a: LonLat, b: LonLat, tolerance: f64, out: &mut Vec<LonLat>) -> Option<()> {
    if out.len() > MAX_DENSIFIED_POINTS {
        return None;
    }
    let mid = LonLat {
        lon: (a.lon + b.lon) / 2.0,
        lat: (a.lat + b.lat) / 2.0,
    };
    let deviation = distance_to_edge(mid.to_vec(), a.to_vec(), b.to_vec()) * EARTH_RADIUS;
    if deviation <= tolerance {
        return Some(());
    }
    split_edge(a, mid, tolerance, out)?;
    out.push(mid);
    split_edge(mid, b, tolerance, out)
}

/// Douglas-Peucker on the sphere: keeps the vertices farther than `tolerance` meters from
/// the simplified line. None when the line collapses to vertices within the tolerance of
/// each other, which Kusto reports as invalid.
fn simplify_line(line: &[LonLat], tolerance: f64) -> Option<Vec<LonLat>> {
    let vectors: Vec<Vec3> = line.iter().map(|p| p.to_vec()).collect();
    let mut keep = vec![false; line.len()];
    let last = line.len().checked_sub(1)?;
    *keep.first_mut()? = true;
    *keep.get_mut(last)? = true;
    douglas_peucker(&vectors, 0, last, tolerance / EARTH_RADIUS, &mut keep);
    let out: Vec<LonLat> = line
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(p, _)| *p)
        .collect();
    let span = length(&out) * EARTH_RADIUS;
    (out.len() >= 2 && span > tolerance).then_some(out)
}

pub fn douglas_peucker(
    points: &[Vec3],
    first: usize,
    last: usize,
    tolerance: f64,
    keep: &mut [bool],
) {
    if last <= first + 1 {
        return;
    }
    let (Some(&a), Some(&b)) = (points.get(first), points.get(last)) else {
        return;
    };
    let mut farthest = (0.0, first);
    for k in first + 1..last {
        if let Some(&p) = points.get(k) {
            let d = distance_to_edge(p, a, b);
            if d > farthest.0 {
                farthest = (d, k);
            }
        }
    }
    if farthest.0 > tolerance {
        if let Some(slot) = keep.get_mut(farthest.1) {
            *slot = true;
        }
        douglas_peucker(points, first, farthest.1, tolerance, keep);
        douglas_peucker(points, farthest.1, last, tolerance, keep);
    }
}

/// The points where edges of `a` cross edges of `b`, without repeats; with `first_only`,
/// stops at the first. Overlapping edges count through their shared vertices.
fn crossings(a: &[Vec<LonLat>], b: &[Vec<LonLat>], first_only: bool) -> Vec<Vec3> {
    let mut out: Vec<Vec3> = Vec::new();
    for (p, q) in a.iter().flat_map(|l| edges(l)) {
        for (r, s) in b.iter().flat_map(|l| edges(l)) {
            let found = edge_crossing(p, q, r, s).or_else(|| edge_overlap(p, q, r, s).map(|o| o.0));
            if let Some(x) = found {
                if !out.iter().any(|o| angle(*o, x) < 1e-15) {
                    out.push(x);
                }
                if first_only {
                    return out;
                }
            }
        }
    }
    out
}

/// The intersection of two sets of lines: the stretches they share (as lines) and the
/// points where they cross; a GeometryCollection when there are both, empty when neither.
fn intersection(a: &[Vec<LonLat>], b: &[Vec<LonLat>]) -> serde_json::Value {
    let mut shared: Vec<Vec<Vec3>> = Vec::new();
    for (p, q) in a.iter().flat_map(|l| edges(l)) {
        for (r, s) in b.iter().flat_map(|l| edges(l)) {
            if let Some((start, end)) = edge_overlap(p, q, r, s) {
                // Consecutive stretches along the line join into one.
                match shared.last_mut() {
                    Some(line) if line.last() == Some(&start) => line.push(end),
                    _ => shared.push(vec![start, end]),
                }
            }
        }
    }
    let on_shared = |x: Vec3| {
        shared.iter().any(|line| {
            line.windows(2).any(|w| match w {
                [u, v] => distance_to_edge(x, *u, *v) < 1e-12,
                _ => false,
            })
        })
    };
    let points: Vec<LonLat> = crossings(a, b, false)
        .into_iter()
        .filter(|x| !on_shared(*x))
        .map(Vec3::to_lonlat)
        .collect();
    let lines: Vec<Vec<LonLat>> = shared
        .iter()
        .map(|line| line.iter().map(|v| v.to_lonlat()).collect())
        .collect();
    let point_json = match points.as_slice() {
        [] => None,
        [one] => Some(shape::point(*one)),
        many => Some(shape::multi_point(many)),
    };
    match (point_json, lines.is_empty()) {
        (None, true) => shape::empty_collection(),
        (Some(p), true) => p,
        (None, false) => shape::lines_json(&lines),
        (Some(p), false) => serde_json::json!({
            "type": "GeometryCollection",
            "geometries": [p, shape::lines_json(&lines)],
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ll(lon: f64, lat: f64) -> LonLat {
        LonLat { lon, lat }
    }

    #[test]
    fn densify_halves_edges_until_within_tolerance() {
        let dense = densify(&[ll(10.0, 10.0), ll(11.0, 10.0)], 10.0).unwrap_or_default();
        let lons: Vec<f64> = dense.iter().map(|p| p.lon).collect();
        assert_eq!(lons, [10.0, 10.25, 10.5, 10.75, 11.0]);
        // Meridians are geodesics already.
        assert_eq!(
            densify(&[ll(11.0, 10.0), ll(11.0, 11.0)], 10.0).map(|d| d.len()),
            Some(2)
        );
    }

    #[test]
    fn simplify_rejects_a_line_shorter_than_the_tolerance() {
        assert!(simplify_line(&[ll(1.1, 1.1), ll(1.2, 1.2)], 100_000.0).is_none());
        assert!(simplify_line(&[ll(1.0, 1.0), ll(1.5, 1.0), ll(2.0, 1.0)], 10.0).is_some());
    }

    #[test]
    fn lines_meet_in_points_or_shared_stretches() {
        let a = vec![vec![ll(1.0, 1.0), ll(2.0, 2.0)]];
        let b = vec![vec![ll(3.0, 3.0), ll(4.0, 4.0)]];
        assert_eq!(intersection(&a, &b), shape::empty_collection());
        assert_eq!(intersection(&a, &a)["type"], "LineString");
        let c = vec![vec![ll(1.0, 2.0), ll(2.0, 1.0)]];
        assert_eq!(intersection(&a, &c)["type"], "Point");
    }

    #[test]
    fn union_of_overlapping_lines_is_one_path() {
        let a = vec![ll(0.0, 0.0), ll(1.0, 0.0), ll(2.0, 0.0)];
        let b = vec![ll(1.0, 0.0), ll(2.0, 0.0), ll(3.0, 0.0)];
        let union = union_lines(&[a, b]);
        assert_eq!(union.len(), 1);
        assert_eq!(union.first().map(Vec::len), Some(4));
    }

    #[test]
    fn locate_and_interpolate_agree() {
        let line = [ll(-73.95796, 40.80042), ll(-73.97317, 40.764486)];
        let p = interpolate_line(&line, 0.25);
        assert!(locate(&line, p).is_some_and(|f| (f - 0.25).abs() < 1e-12));
    }
}
