//! The union of polygons, through its boundary: every ring edge is cut where it crosses
//! another polygon's edges, and the pieces outside all other polygons bound the union.
//! Kusto measures a MultiPolygon's area, perimeter and centroid on that union, and
//! `geo_union_polygons_array` returns it.

use super::polygons::polygon_contains;
use super::shape::Polygons;
use super::sphere::{
    angle, closed, distance_to_edge, edge_crossing, ring_contains, ring_signed_area,
    triangle_signed_area, LonLat, Vec3,
};

/// A piece of the union's boundary, directed with the union on its left.
#[derive(Clone, Copy, Debug)]
pub struct Piece {
    pub a: Vec3,
    pub b: Vec3,
    pub from: LonLat,
}

/// Each polygon's rings as vectors and coordinates, the shell counter-clockwise and the
/// holes clockwise.
fn oriented(polygons: &Polygons) -> Vec<Vec<Vec<(Vec3, LonLat)>>> {
    polygons
        .iter()
        .map(|rings| {
            rings
                .iter()
                .enumerate()
                .map(|(k, ring)| {
                    let mut r: Vec<(Vec3, LonLat)> =
                        ring.iter().map(|p| (p.to_vec(), *p)).collect();
                    let vectors: Vec<Vec3> = r.iter().map(|(v, _)| *v).collect();
                    let ccw = ring_signed_area(&closed(&vectors)) > 0.0;
                    if ccw == (k > 0) {
                        r.reverse();
                    }
                    r
                })
                .collect()
        })
        .collect()
}

fn ring_edges(
    ring: &[(Vec3, LonLat)],
) -> impl Iterator<Item = ((Vec3, LonLat), (Vec3, LonLat))> + '_ {
    let n = ring.len();
    (0..n).filter_map(move |i| Some((*ring.get(i)?, *ring.get((i + 1) % n)?)))
}

/// The union's perimeter (radians), area (steradians) and moment (centroid times area).
pub fn measures(pieces: &[Piece]) -> (f64, f64, Vec3) {
    let origin = pieces
        .iter()
        .fold(Vec3::new(0.0, 0.0, 0.0), |sum, p| sum.add(p.a))
        .normalize();
    let mut perimeter = 0.0;
    let mut area = 0.0;
    let mut moment = Vec3::new(0.0, 0.0, 0.0);
    for p in pieces {
        let theta = angle(p.a, p.b);
        perimeter += theta;
        // Both sums run over the boundary only, so they hold for any set of closed rings:
        // a fan of triangles from one origin, and Stokes' theorem for the moment.
        area += triangle_signed_area(origin, p.a, p.b);
        moment = moment.add(p.a.cross(p.b).normalize().scale(theta / 2.0));
    }
    (perimeter, area, moment)
}

/// Cuts the rings' edges where they cross any of `others`' edges: the sub-edges, each with
/// its start's coordinates.
fn cut(
    rings: &[Vec<(Vec3, LonLat)>],
    others: &[&Vec<(Vec3, LonLat)>],
) -> Vec<(Vec3, Vec3, LonLat)> {
    let mut out = Vec::new();
    for ring in rings {
        for ((a, la), (b, lb)) in ring_edges(ring) {
            let mut cuts: Vec<(f64, Vec3)> = others
                .iter()
                .flat_map(|r| ring_edges(r))
                .filter_map(|((c, _), (d, _))| edge_crossing(a, b, c, d))
                .filter(|x| angle(*x, a) > 1e-15 && angle(*x, b) > 1e-15)
                .map(|x| (angle(a, x), x))
                .collect();
            cuts.sort_by(|x, y| x.0.total_cmp(&y.0));
            let mut stops: Vec<(Vec3, LonLat)> = vec![(a, la)];
            stops.extend(cuts.into_iter().map(|(_, x)| (x, x.to_lonlat())));
            stops.push((b, lb));
            for w in stops.windows(2) {
                if let [(u, lu), (v, _)] = w {
                    if angle(*u, *v) > 0.0 {
                        out.push((*u, *v, *lu));
                    }
                }
            }
        }
    }
    out
}

/// Where a piece lies relative to other rings: along one of their edges (true when running
/// the same way), or else inside them or not.
enum Side {
    Along(bool),
    Inside(bool),
}

fn side(u: Vec3, v: Vec3, rings: &[Vec<(Vec3, LonLat)>], polygon: &[Vec<LonLat>]) -> Side {
    let mid = u.add(v).normalize();
    let along = rings
        .iter()
        .flat_map(|ring| ring_edges(ring))
        .find(|((c, _), (d, _))| distance_to_edge(mid, *c, *d) < 1e-13);
    match along {
        Some(((c, _), (d, _))) => Side::Along(c.cross(d).dot(u.cross(v)) > 0.0),
        None => Side::Inside(polygon_contains(polygon, mid)),
    }
}

/// The boundary of the union of the polygons, as directed pieces in ring order.
pub fn boundary(polygons: &Polygons) -> Vec<Piece> {
    let rings = oriented(polygons);
    let mut pieces = Vec::new();
    for (i, own) in rings.iter().enumerate() {
        let others: Vec<&Vec<(Vec3, LonLat)>> = rings
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .flat_map(|(_, p)| p.iter())
            .collect();
        for (u, v, from) in cut(own, &others) {
            let covered = polygons.iter().zip(&rings).enumerate().any(|(j, (p, r))| {
                // Along another polygon's edge: between neighbors (edges running opposite
                // ways) the piece is inside the union; along a shared stretch running the
                // same way, the first polygon keeps it.
                j != i
                    && match side(u, v, r, p) {
                        Side::Along(same_way) => !same_way || j < i,
                        Side::Inside(inside) => inside,
                    }
            });
            if !covered {
                pieces.push(Piece { a: u, b: v, from });
            }
        }
    }
    pieces
}

/// The boundary of the intersection of two sets of polygons: the pieces of each inside the
/// other (a stretch both share running the same way counts once).
pub fn intersection_boundary(first: &Polygons, second: &Polygons) -> Vec<Piece> {
    let (ra, rb) = (oriented(first), oriented(second));
    let mut pieces = Vec::new();
    for (own, other, other_rings, is_first) in [(&ra, second, &rb, true), (&rb, first, &ra, false)]
    {
        let others: Vec<&Vec<(Vec3, LonLat)>> = other_rings.iter().flatten().collect();
        for rings in own {
            for (u, v, from) in cut(rings, &others) {
                let inside =
                    other
                        .iter()
                        .zip(other_rings.iter())
                        .any(|(p, r)| match side(u, v, r, p) {
                            Side::Along(same_way) => same_way && is_first,
                            Side::Inside(inside) => inside,
                        });
                if inside {
                    pieces.push(Piece { a: u, b: v, from });
                }
            }
        }
    }
    pieces
}

/// The union's rings: pieces chained end to start. Shells (counter-clockwise) each become a
/// polygon; holes (clockwise) go to the shell that holds them. None if the pieces don't
/// close up (touching or overlapping edges, which this does not resolve).
pub fn rings(pieces: &[Piece]) -> Option<Polygons> {
    let mut used = vec![false; pieces.len()];
    let mut loops: Vec<Vec<Piece>> = Vec::new();
    for start in 0..pieces.len() {
        if used.get(start).copied().unwrap_or(true) {
            continue;
        }
        let mut chain = vec![*pieces.get(start)?];
        if let Some(slot) = used.get_mut(start) {
            *slot = true;
        }
        loop {
            let last = chain.last()?.b;
            if angle(last, chain.first()?.a) < 1e-14 {
                break;
            }
            let next = (0..pieces.len()).find(|&k| {
                !used.get(k).copied().unwrap_or(true)
                    && pieces.get(k).is_some_and(|p| angle(p.a, last) < 1e-14)
            })?;
            if let Some(slot) = used.get_mut(next) {
                *slot = true;
            }
            chain.push(*pieces.get(next)?);
        }
        loops.push(chain);
    }
    let mut shells: Vec<(Vec<Vec3>, Vec<Vec<LonLat>>)> = Vec::new();
    let mut holes: Vec<(Vec3, Vec<LonLat>)> = Vec::new();
    for chain in loops {
        let vectors: Vec<Vec3> = chain.iter().map(|p| p.a).collect();
        let ring: Vec<LonLat> = chain.iter().map(|p| p.from).collect();
        if ring_signed_area(&closed(&vectors)) >= 0.0 {
            shells.push((vectors, vec![ring]));
        } else {
            holes.push((*vectors.first()?, ring));
        }
    }
    for (probe, hole) in holes {
        let shell = shells.iter_mut().find(|(v, _)| ring_contains(v, probe))?;
        shell.1.push(hole);
    }
    Some(shells.into_iter().map(|(_, rings)| rings).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kql::eval::functions::geo::shape;
    use serde_json::json;

    #[test]
    fn overlapping_squares_merge_into_one_ring() {
        let polygons = shape::polygons(&json!({"type": "MultiPolygon", "coordinates": [
            [[[0,0],[2,0],[2,2],[0,2],[0,0]]],
            [[[1,1],[3,1],[3,3],[1,3],[1,1]]]]}))
        .unwrap_or_default();
        let union = rings(&boundary(&polygons)).unwrap_or_default();
        assert_eq!(union.len(), 1);
        assert_eq!(union.first().map(|r| r[0].len()), Some(8));
    }

    #[test]
    fn neighbors_sharing_an_edge_merge() {
        let polygons = shape::polygons(&json!({"type": "MultiPolygon", "coordinates": [
            [[[0,0],[1,0],[1,1],[0,1],[0,0]]],
            [[[1,0],[2,0],[2,1],[1,1],[1,0]]]]}))
        .unwrap_or_default();
        let union = rings(&boundary(&polygons)).unwrap_or_default();
        assert_eq!(union.len(), 1);
        assert_eq!(union.first().map(|r| r[0].len()), Some(6));
    }

    #[test]
    fn disjoint_polygons_stay_apart() {
        let polygons = shape::polygons(&json!({"type": "MultiPolygon", "coordinates": [
            [[[0,0],[1,0],[1,1],[0,0]]],
            [[[5,5],[6,5],[6,6],[5,5]]]]}))
        .unwrap_or_default();
        assert_eq!(rings(&boundary(&polygons)).map(|u| u.len()), Some(2));
    }
}
