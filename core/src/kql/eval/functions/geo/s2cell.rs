//! S2 cells: `geo_point_to_s2cell`, `geo_s2cell_to_central_point`, `geo_s2cell_to_polygon`,
//! `geo_s2cell_neighbors`, `geo_polygon_to_s2cells`, `geo_line_to_s2cells`. A port of the parts of S2's `S2CellId` these need (face, Hilbert
//! curve position, quadratic projection), so that tokens match the S2 library bit for bit.

use std::collections::HashSet;
use std::sync::OnceLock;

use super::polygons::contains;
use super::shape::{self, Polygons};
use super::sphere::{distance_to_edge, edge_crossing, edge_overlap, LonLat, Vec3, EARTH_RADIUS};
use super::{dynamic, integer, is_given, number, strings, text};
use crate::kql::eval::Result;
use crate::value::Value;

const MAX_LEVEL: i64 = 30;
const POS_BITS: u32 = 2 * MAX_LEVEL as u32 + 1;
const MAX_SIZE: i64 = 1 << MAX_LEVEL;
const LOOKUP_BITS: u32 = 4;
const SWAP_MASK: usize = 1;
const INVERT_MASK: usize = 2;
/// The Hilbert curve's (i, j) quadrant for each position, per orientation.
const POS_TO_IJ: [[usize; 4]; 4] = [[0, 1, 3, 2], [0, 2, 3, 1], [3, 2, 0, 1], [3, 1, 0, 2]];
const POS_TO_ORIENTATION: [usize; 4] = [SWAP_MASK, 0, 0, INVERT_MASK | SWAP_MASK];

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    let cell = || text(args, 0).and_then(|t| CellId::from_token(&t));
    Ok(Some(match name {
        "geo_point_to_s2cell" => {
            let level = if is_given(args, 2) {
                integer(args, 2)
            } else {
                Some(11)
            };
            let point = LonLat::new(
                number(args, 0).unwrap_or(f64::NAN),
                number(args, 1).unwrap_or(f64::NAN),
            );
            match (point, level) {
                (Some(p), Some(level)) if (0..=MAX_LEVEL).contains(&level) => {
                    Value::string(&CellId::from_point(p.to_vec()).parent(level).token())
                }
                _ => Value::string(""),
            }
        }
        "geo_s2cell_to_central_point" => match cell() {
            Some(c) => dynamic(shape::point(c.center().to_lonlat())),
            None => Value::Null,
        },
        "geo_s2cell_to_polygon" => match cell() {
            Some(c) => {
                let ring: Vec<LonLat> = c.vertices().iter().map(|v| v.to_lonlat()).collect();
                dynamic(shape::polygons_json(&[vec![ring]]))
            }
            None => Value::Null,
        },
        "geo_polygon_to_s2cells" => {
            let level = if is_given(args, 1) {
                integer(args, 1)
            } else {
                Some(11)
            };
            let polygons = shape::geometry(args.first()).and_then(|g| shape::polygons(&g));
            match (polygons, level) {
                (Some(p), Some(level)) if (0..=MAX_LEVEL).contains(&level) => cover(&p, level)
                    .map_or(Value::Null, |cells| {
                        strings(cells.into_iter().map(CellId::token))
                    }),
                _ => Value::Null,
            }
        }
        "geo_line_to_s2cells" => {
            let level = if is_given(args, 1) {
                integer(args, 1)
            } else {
                Some(11)
            };
            let radius = if is_given(args, 2) {
                number(args, 2)
            } else {
                Some(0.0)
            };
            let lines = shape::geometry(args.first()).and_then(|g| shape::lines(&g));
            match (lines, level, radius) {
                (Some(l), Some(level), Some(r))
                    if (0..=MAX_LEVEL).contains(&level) && r >= 0.0 && r.is_finite() =>
                {
                    cover_lines(&l, level, r).map_or(Value::Null, |cells| {
                        strings(cells.into_iter().map(CellId::token))
                    })
                }
                _ => Value::Null,
            }
        }
        "geo_s2cell_neighbors" => match cell() {
            Some(c) => strings(c.all_neighbors().into_iter().map(CellId::token)),
            None => Value::Null,
        },
        _ => return Ok(None),
    }))
}

/// The most cells `geo_polygon_to_s2cells` returns; beyond it the result is null.
const MAX_COVERING: usize = 65_536;

/// The cells of one level that meet the polygons, boundaries included (S2's coverer pads
/// cells, so a cell touching a polygon's edge is part of its covering), in cell id order: a
/// flood fill from the cells around each vertex through neighbors that meet the polygons.
/// None when more than `MAX_COVERING` cells are needed.
fn cover(polygons: &Polygons, level: i64) -> Option<Vec<CellId>> {
    let edges: Vec<(Vec3, Vec3)> = polygons
        .iter()
        .flatten()
        .flat_map(|ring| {
            let n = ring.len();
            (0..n)
                .filter_map(move |i| Some((ring.get(i)?.to_vec(), ring.get((i + 1) % n)?.to_vec())))
        })
        .collect();
    let vertices: Vec<Vec3> = polygons
        .iter()
        .flatten()
        .flatten()
        .map(|p| p.to_vec())
        .collect();
    flood_fill(&vertices, level, |cell| {
        contains(polygons, cell.center()) || touches(cell, &vertices, &edges, 0.0)
    })
}

/// The cells of one level within `radius` meters of the lines, as `cover` does for polygons.
fn cover_lines(lines: &[Vec<LonLat>], level: i64, radius: f64) -> Option<Vec<CellId>> {
    let edges: Vec<(Vec3, Vec3)> = lines
        .iter()
        .flat_map(|line| {
            line.windows(2).filter_map(|w| match w {
                [a, b] => Some((a.to_vec(), b.to_vec())),
                _ => None,
            })
        })
        .collect();
    let vertices: Vec<Vec3> = lines.iter().flatten().map(|p| p.to_vec()).collect();
    flood_fill(&vertices, level, |cell| {
        touches(cell, &vertices, &edges, radius / EARTH_RADIUS)
    })
}

/// Whether the edges (with their vertices) come within `radius` radians of the closed cell.
fn touches(cell: CellId, vertices: &[Vec3], edges: &[(Vec3, Vec3)], radius: f64) -> bool {
    let corners = cell.vertices();
    let sides: Vec<(Vec3, Vec3)> = (0..4)
        .filter_map(|k| Some((*corners.get(k)?, *corners.get((k + 1) % 4)?)))
        .collect();
    let inside_cell = |p: Vec3| sides.iter().all(|(a, b)| a.cross(*b).dot(p) >= 0.0);
    if vertices.iter().any(|v| inside_cell(*v)) {
        return true;
    }
    sides.iter().any(|&(a, b)| {
        edges.iter().any(|&(c, d)| {
            edge_crossing(a, b, c, d).is_some()
                || edge_overlap(a, b, c, d).is_some()
                || (radius > 0.0
                    && [
                        distance_to_edge(a, c, d),
                        distance_to_edge(c, a, b),
                        distance_to_edge(d, a, b),
                    ]
                    .iter()
                    .any(|x| *x <= radius))
        })
    })
}

/// Flood fill from the cells around `seeds` through neighbors that `meets` accepts, in cell
/// id order; None past `MAX_COVERING` cells.
fn flood_fill(seeds: &[Vec3], level: i64, meets: impl Fn(CellId) -> bool) -> Option<Vec<CellId>> {
    let mut seen: HashSet<CellId> = HashSet::new();
    let mut queue: Vec<CellId> = Vec::new();
    let mut found: Vec<CellId> = Vec::new();
    for v in seeds {
        let cell = CellId::from_point(*v).parent(level);
        let around = std::iter::once(cell).chain(cell.all_neighbors());
        queue.extend(around.filter(|c| seen.insert(*c)));
    }
    while let Some(cell) = queue.pop() {
        if !meets(cell) {
            continue;
        }
        found.push(cell);
        if found.len() > MAX_COVERING {
            return None;
        }
        queue.extend(cell.all_neighbors().into_iter().filter(|c| seen.insert(*c)));
    }
    found.sort_by_key(|c| c.0);
    Some(found)
}

/// Hilbert-curve lookup tables over 4x4-bit blocks: (i, j, orientation) to position and back.
struct Lookup {
    pos: Vec<u16>,
    ij: Vec<u16>,
}

fn lookup() -> &'static Lookup {
    static LOOKUP: OnceLock<Lookup> = OnceLock::new();
    LOOKUP.get_or_init(|| {
        let size = 1 << (2 * LOOKUP_BITS + 2);
        let mut table = Lookup {
            pos: vec![0; size],
            ij: vec![0; size],
        };
        for orientation in [0, SWAP_MASK, INVERT_MASK, SWAP_MASK | INVERT_MASK] {
            init_lookup(&mut table, 0, 0, 0, orientation, 0, orientation);
        }
        table
    })
}

fn init_lookup(
    table: &mut Lookup,
    level: u32,
    i: usize,
    j: usize,
    orig: usize,
    pos: usize,
    orientation: usize,
) {
    if level == LOOKUP_BITS {
        let ij = (i << LOOKUP_BITS) + j;
        if let Some(slot) = table.pos.get_mut((ij << 2) + orig) {
            *slot = ((pos << 2) + orientation) as u16;
        }
        if let Some(slot) = table.ij.get_mut((pos << 2) + orig) {
            *slot = ((ij << 2) + orientation) as u16;
        }
        return;
    }
    let r = POS_TO_IJ[orientation & 3];
    for (k, quadrant) in r.iter().enumerate() {
        init_lookup(
            table,
            level + 1,
            (i << 1) + (quadrant >> 1),
            (j << 1) + (quadrant & 1),
            orig,
            (pos << 2) + k,
            orientation ^ POS_TO_ORIENTATION[k],
        );
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct CellId(u64);

impl CellId {
    fn from_token(token: &str) -> Option<CellId> {
        if token.is_empty() || token.len() > 16 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let id = u64::from_str_radix(token, 16).ok()? << (4 * (16 - token.len()));
        let cell = CellId(id);
        cell.is_valid().then_some(cell)
    }

    fn is_valid(self) -> bool {
        self.face() < 6 && self.lsb() & 0x1555_5555_5555_5555 != 0
    }

    fn token(self) -> String {
        if self.0 == 0 {
            return "X".to_string();
        }
        let hex = format!("{:016x}", self.0);
        hex.trim_end_matches('0').to_string()
    }

    fn face(self) -> usize {
        (self.0 >> POS_BITS) as usize
    }

    fn lsb(self) -> u64 {
        self.0 & self.0.wrapping_neg()
    }

    fn level(self) -> i64 {
        MAX_LEVEL - i64::from(self.0.trailing_zeros() / 2)
    }

    fn lsb_for_level(level: i64) -> u64 {
        1u64 << (2 * (MAX_LEVEL - level.clamp(0, MAX_LEVEL)))
    }

    fn parent(self, level: i64) -> CellId {
        let lsb = CellId::lsb_for_level(level);
        CellId((self.0 & lsb.wrapping_neg()) | lsb)
    }

    fn from_point(p: Vec3) -> CellId {
        let (face, u, v) = xyz_to_face_uv(p);
        CellId::from_face_ij(face, st_to_ij(uv_to_st(u)), st_to_ij(uv_to_st(v)))
    }

    fn from_face_ij(face: usize, i: i64, j: i64) -> CellId {
        let table = lookup();
        let mut n = (face as u64) << (POS_BITS - 1);
        let mut bits = face & SWAP_MASK;
        let mask = (1 << LOOKUP_BITS) - 1;
        for k in (0..8).rev() {
            bits += (((i >> (k * LOOKUP_BITS)) & mask) as usize) << (LOOKUP_BITS + 2);
            bits += (((j >> (k * LOOKUP_BITS)) & mask) as usize) << 2;
            bits = usize::from(table.pos.get(bits).copied().unwrap_or(0));
            n |= ((bits >> 2) as u64) << (k * 2 * LOOKUP_BITS);
            bits &= SWAP_MASK | INVERT_MASK;
        }
        CellId(n * 2 + 1)
    }

    /// The face and the (i, j) leaf coordinates of the cell's first leaf.
    fn to_face_ij(self) -> (usize, i64, i64) {
        let table = lookup();
        let face = self.face();
        let (mut i, mut j) = (0i64, 0i64);
        let mut bits = face & SWAP_MASK;
        for k in (0..8u32).rev() {
            let nbits = if k == 7 {
                MAX_LEVEL as u32 - 7 * LOOKUP_BITS
            } else {
                LOOKUP_BITS
            };
            let chunk = (self.0 >> (k * 2 * LOOKUP_BITS + 1)) & ((1u64 << (2 * nbits)) - 1);
            bits += (chunk as usize) << 2;
            bits = usize::from(table.ij.get(bits).copied().unwrap_or(0));
            i += ((bits >> (LOOKUP_BITS + 2)) as i64) << (k * LOOKUP_BITS);
            j += (((bits >> 2) & ((1 << LOOKUP_BITS) - 1)) as i64) << (k * LOOKUP_BITS);
            bits &= SWAP_MASK | INVERT_MASK;
        }
        (face, i, j)
    }

    fn size_ij(level: i64) -> i64 {
        1i64 << (MAX_LEVEL - level.clamp(0, MAX_LEVEL))
    }

    /// The face and the (i, j) bounds of the cell: lower-left corner and side length.
    fn bounds(self) -> (usize, i64, i64, i64) {
        let (face, i, j) = self.to_face_ij();
        let size = CellId::size_ij(self.level());
        (face, i & -size, j & -size, size)
    }

    fn center(self) -> Vec3 {
        let (face, i, j, size) = self.bounds();
        let s = (i as f64 + size as f64 / 2.0) / MAX_SIZE as f64;
        let t = (j as f64 + size as f64 / 2.0) / MAX_SIZE as f64;
        face_uv_to_xyz(face, st_to_uv(s), st_to_uv(t)).normalize()
    }

    /// The corners, counter-clockwise from (u0, v0), as S2Cell::GetVertex numbers them.
    fn vertices(self) -> Vec<Vec3> {
        let (face, i, j, size) = self.bounds();
        let uv = |k: i64| st_to_uv(k as f64 / MAX_SIZE as f64);
        let (u0, u1, v0, v1) = (uv(i), uv(i + size), uv(j), uv(j + size));
        [(u0, v0), (u1, v0), (u1, v1), (u0, v1)]
            .into_iter()
            .map(|(u, v)| face_uv_to_xyz(face, u, v).normalize())
            .collect()
    }

    /// The eight cells around this one at its level, in S2CellId::AppendAllNeighbors order.
    fn all_neighbors(self) -> Vec<CellId> {
        let level = self.level();
        let (face, i, j, size) = self.bounds();
        let mut out = Vec::with_capacity(8);
        let mut push = |i: i64, j: i64, same_face: bool| {
            let cell = if same_face {
                CellId::from_face_ij(face, i, j)
            } else {
                CellId::from_face_ij_wrap(face, i, j)
            };
            out.push(cell.parent(level));
        };
        for k in [-size, 0, size] {
            let same_face = if k < 0 {
                j + k >= 0
            } else if k >= size {
                j + k < MAX_SIZE
            } else {
                push(i + k, j - size, j - size >= 0);
                push(i + k, j + size, j + size < MAX_SIZE);
                true
            };
            push(i - size, j + k, same_face && i - size >= 0);
            push(i + size, j + k, same_face && i + size < MAX_SIZE);
        }
        out
    }

    /// The leaf cell at (i, j) when that lies just beyond the face: projects onto the
    /// neighboring face, as S2CellId::FromFaceIJWrap does.
    fn from_face_ij_wrap(face: usize, i: i64, j: i64) -> CellId {
        let i = i.clamp(-1, MAX_SIZE);
        let j = j.clamp(-1, MAX_SIZE);
        let scale = 1.0 / MAX_SIZE as f64;
        let limit = 1.0 + f64::EPSILON;
        let u = (scale * (2 * (i - MAX_SIZE / 2) + 1) as f64).clamp(-limit, limit);
        let v = (scale * (2 * (j - MAX_SIZE / 2) + 1) as f64).clamp(-limit, limit);
        let (face, u, v) = xyz_to_face_uv(face_uv_to_xyz(face, u, v));
        CellId::from_face_ij(face, st_to_ij(0.5 * (u + 1.0)), st_to_ij(0.5 * (v + 1.0)))
    }
}

fn st_to_uv(s: f64) -> f64 {
    if s >= 0.5 {
        (1.0 / 3.0) * (4.0 * s * s - 1.0)
    } else {
        (1.0 / 3.0) * (1.0 - 4.0 * (1.0 - s) * (1.0 - s))
    }
}

fn uv_to_st(u: f64) -> f64 {
    if u >= 0.0 {
        0.5 * (1.0 + 3.0 * u).sqrt()
    } else {
        1.0 - 0.5 * (1.0 - 3.0 * u).sqrt()
    }
}

fn st_to_ij(s: f64) -> i64 {
    ((MAX_SIZE as f64 * s - 0.5).round() as i64).clamp(0, MAX_SIZE - 1)
}

fn xyz_to_face_uv(p: Vec3) -> (usize, f64, f64) {
    let (ax, ay, az) = (p.x.abs(), p.y.abs(), p.z.abs());
    let axis = if ax > ay {
        if ax > az {
            0
        } else {
            2
        }
    } else if ay > az {
        1
    } else {
        2
    };
    let component = [p.x, p.y, p.z].get(axis).copied().unwrap_or(0.0);
    let face = if component < 0.0 { axis + 3 } else { axis };
    let (u, v) = match face {
        0 => (p.y / p.x, p.z / p.x),
        1 => (-p.x / p.y, p.z / p.y),
        2 => (-p.x / p.z, -p.y / p.z),
        3 => (p.z / p.x, p.y / p.x),
        4 => (p.z / p.y, -p.x / p.y),
        _ => (-p.y / p.z, -p.x / p.z),
    };
    (face, u, v)
}

fn face_uv_to_xyz(face: usize, u: f64, v: f64) -> Vec3 {
    match face {
        0 => Vec3::new(1.0, u, v),
        1 => Vec3::new(-u, 1.0, v),
        2 => Vec3::new(-u, -v, 1.0),
        3 => Vec3::new(-1.0, -v, -u),
        4 => Vec3::new(v, -1.0, -u),
        _ => Vec3::new(v, u, -1.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(lon: f64, lat: f64, level: i64) -> String {
        CellId::from_point(LonLat { lon, lat }.to_vec())
            .parent(level)
            .token()
    }

    #[test]
    fn tokens_match_the_s2_library() {
        assert_eq!(token(-80.195829, 25.802215, 8), "88d9b");
    }

    #[test]
    fn covers_the_documented_triangle_with_286_cells() {
        let triangle =
            serde_json::json!({"type": "Polygon", "coordinates": [[[0,0],[0,50],[100,50],[0,0]]]});
        let polygons = shape::polygons(&triangle).unwrap_or_default();
        assert_eq!(cover(&polygons, 5).map(|c| c.len()), Some(286));
    }

    #[test]
    fn round_trips_through_face_ij() {
        let cell = CellId::from_point(
            LonLat {
                lon: 12.5,
                lat: -33.0,
            }
            .to_vec(),
        );
        let (face, i, j) = cell.to_face_ij();
        assert_eq!(CellId::from_face_ij(face, i, j), cell);
    }

    #[test]
    fn neighbors_surround_the_cell() {
        let cell = CellId::from_token("89c259");
        let mut tokens: Vec<String> = cell
            .map(|c| c.all_neighbors())
            .unwrap_or_default()
            .into_iter()
            .map(CellId::token)
            .collect();
        tokens.sort();
        assert_eq!(
            tokens,
            ["89c251", "89c257", "89c25b", "89c25d", "89c25f", "89c2f5", "89c2f7", "89c2f9"]
        );
        assert!(CellId::from_token("a").is_none());
    }
}
