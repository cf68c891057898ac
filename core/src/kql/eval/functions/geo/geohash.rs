//! Geohash cells: `geo_point_to_geohash`, `geo_geohash_to_central_point`,
//! `geo_geohash_to_polygon`, `geo_geohash_neighbors`.

use super::shape;
use super::sphere::LonLat;
use super::{dynamic, integer, is_given, number, strings, text};
use crate::kql::eval::Result;
use crate::value::Value;

const ALPHABET: &[u8; 32] = b"0123456789bcdefghjkmnpqrstuvwxyz";
const MAX_ACCURACY: i64 = 18;

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    Ok(Some(match name {
        "geo_point_to_geohash" => {
            let accuracy = if is_given(args, 2) {
                integer(args, 2)
            } else {
                Some(5)
            };
            let point = LonLat::new(
                number(args, 0).unwrap_or(f64::NAN),
                number(args, 1).unwrap_or(f64::NAN),
            );
            match (point, accuracy) {
                (Some(p), Some(n)) if (1..=MAX_ACCURACY).contains(&n) => {
                    Value::string(&encode(p, n as usize))
                }
                _ => Value::string(""),
            }
        }
        "geo_geohash_to_central_point" => match text(args, 0).and_then(|h| decode(&h)) {
            Some(cell) => dynamic(shape::point(cell.center())),
            None => Value::Null,
        },
        "geo_geohash_to_polygon" => match text(args, 0).and_then(|h| decode(&h)) {
            Some(cell) => dynamic(shape::polygons_json(&[vec![cell.corners()]])),
            None => Value::Null,
        },
        "geo_geohash_neighbors" => match text(args, 0).and_then(|h| Some((decode(&h)?, h.len()))) {
            Some((cell, len)) => strings(cell.neighbors(len)),
            None => Value::Null,
        },
        _ => return Ok(None),
    }))
}

/// The bounds of a geohash cell in degrees.
#[derive(Clone, Copy, Debug)]
struct Cell {
    west: f64,
    east: f64,
    south: f64,
    north: f64,
}

impl Cell {
    fn center(self) -> LonLat {
        LonLat {
            lon: (self.west + self.east) / 2.0,
            lat: (self.south + self.north) / 2.0,
        }
    }

    /// Counter-clockwise from the south-west corner, as Kusto lists them.
    fn corners(self) -> Vec<LonLat> {
        vec![
            LonLat {
                lon: self.west,
                lat: self.south,
            },
            LonLat {
                lon: self.east,
                lat: self.south,
            },
            LonLat {
                lon: self.east,
                lat: self.north,
            },
            LonLat {
                lon: self.west,
                lat: self.north,
            },
        ]
    }

    /// The eight surrounding cells of the same length, wrapping across the antimeridian;
    /// none beyond a pole.
    fn neighbors(self, len: usize) -> Vec<String> {
        let (width, height) = (self.east - self.west, self.north - self.south);
        let center = self.center();
        let mut out = Vec::with_capacity(8);
        // N, NE, E, SE, S, SW, W, NW.
        for (dx, dy) in [
            (0, 1),
            (1, 1),
            (1, 0),
            (1, -1),
            (0, -1),
            (-1, -1),
            (-1, 0),
            (-1, 1),
        ] {
            let lat = center.lat + f64::from(dy) * height;
            if !(-90.0..=90.0).contains(&lat) {
                continue;
            }
            let mut lon = center.lon + f64::from(dx) * width;
            if lon > 180.0 {
                lon -= 360.0;
            } else if lon < -180.0 {
                lon += 360.0;
            }
            let hash = encode(LonLat { lon, lat }, len);
            if !out.contains(&hash) {
                out.push(hash);
            }
        }
        out
    }
}

/// Interleaves longitude and latitude bisections, longitude first, five bits a character.
fn encode(p: LonLat, len: usize) -> String {
    let (mut lon, mut lat) = ((-180.0, 180.0), (-90.0, 90.0));
    let mut out = String::with_capacity(len);
    let mut even = true;
    while out.len() < len {
        let mut index = 0usize;
        for _ in 0..5 {
            let (range, x) = if even {
                (&mut lon, p.lon)
            } else {
                (&mut lat, p.lat)
            };
            let mid = (range.0 + range.1) / 2.0;
            index <<= 1;
            if x >= mid {
                index |= 1;
                range.0 = mid;
            } else {
                range.1 = mid;
            }
            even = !even;
        }
        out.push(char::from(ALPHABET.get(index).copied().unwrap_or(b'0')));
    }
    out
}

fn decode(hash: &str) -> Option<Cell> {
    if hash.is_empty() || hash.len() > MAX_ACCURACY as usize {
        return None;
    }
    let (mut lon, mut lat) = ((-180.0f64, 180.0f64), (-90.0f64, 90.0f64));
    let mut even = true;
    for c in hash.bytes() {
        let value = ALPHABET.iter().position(|&a| a == c.to_ascii_lowercase())?;
        for bit in (0..5).rev() {
            let range = if even { &mut lon } else { &mut lat };
            let mid = (range.0 + range.1) / 2.0;
            if value >> bit & 1 == 1 {
                range.0 = mid;
            } else {
                range.1 = mid;
            }
            even = !even;
        }
    }
    Some(Cell {
        west: lon.0,
        east: lon.1,
        south: lat.0,
        north: lat.1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_the_documented_example() {
        let p = LonLat {
            lon: -80.195829,
            lat: 25.802215,
        };
        assert_eq!(encode(p, 8), "dhwfz15h");
    }

    #[test]
    fn decodes_to_bounds_and_rejects_letters_outside_the_alphabet() {
        let cell = decode("sunny");
        assert!(cell.is_some_and(|c| c.west == 42.451171875 && c.north == 23.73046875));
        assert!(decode("a").is_none());
        assert!(decode("").is_none());
    }

    #[test]
    fn neighbors_surround_the_cell() {
        let cell = decode("sunny");
        let mut n = cell.map(|c| c.neighbors(5)).unwrap_or_default();
        n.sort();
        assert_eq!(
            n,
            ["sunnt", "sunnv", "sunnw", "sunnx", "sunnz", "sunpj", "sunpn", "sunpp"]
        );
    }
}
