//! `geo_from_wkt`: Well-known text to GeoJSON. Supports the 2-D geometry types GeoJSON has
//! (POINT, LINESTRING, POLYGON, their MULTI forms and GEOMETRYCOLLECTION); anything else,
//! or a coordinate out of range, is null.

use serde_json::{json, Value as Json};

use super::sphere::LonLat;
use super::{dynamic, text};
use crate::kql::eval::Result;
use crate::value::Value;

/// How deep GEOMETRYCOLLECTIONs may nest, so hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 32;

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    Ok(Some(match name {
        "geo_from_wkt" => match text(args, 0).and_then(|wkt| parse(&wkt)) {
            Some(geometry) => dynamic(geometry),
            None => Value::Null,
        },
        _ => return Ok(None),
    }))
}

fn parse(wkt: &str) -> Option<Json> {
    let mut parser = Parser { rest: wkt };
    let geometry = parser.geometry(0)?;
    parser.rest.trim().is_empty().then_some(geometry)
}

struct Parser<'a> {
    rest: &'a str,
}

impl Parser<'_> {
    fn skip_space(&mut self) {
        self.rest = self.rest.trim_start();
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_space();
        match self.rest.strip_prefix(c) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    fn expect(&mut self, c: char) -> Option<()> {
        self.eat(c).then_some(())
    }

    fn peek_is(&mut self, c: char) -> bool {
        self.skip_space();
        self.rest.starts_with(c)
    }

    fn word(&mut self) -> String {
        self.skip_space();
        let end = self
            .rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(self.rest.len());
        let (word, rest) = self.rest.split_at(end);
        self.rest = rest;
        word.to_ascii_uppercase()
    }

    fn number(&mut self) -> Option<f64> {
        self.skip_space();
        let end = self
            .rest
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | 'e' | 'E')))
            .unwrap_or(self.rest.len());
        let (number, rest) = self.rest.split_at(end);
        let value = number.parse::<f64>().ok()?;
        self.rest = rest;
        Some(value)
    }

    fn coordinate(&mut self) -> Option<Json> {
        let lon = self.number()?;
        let lat = self.number()?;
        let p = LonLat::new(lon, lat)?;
        Some(json!([p.lon, p.lat]))
    }

    /// `x y, x y, ...` inside parentheses.
    fn coordinates(&mut self) -> Option<Vec<Json>> {
        self.expect('(')?;
        let mut out = vec![self.coordinate()?];
        while self.eat(',') {
            out.push(self.coordinate()?);
        }
        self.expect(')')?;
        Some(out)
    }

    /// A parenthesised, comma-separated list of `item`.
    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        self.expect('(')?;
        let mut out = vec![item(self)?];
        while self.eat(',') {
            out.push(item(self)?);
        }
        self.expect(')')?;
        Some(out)
    }

    fn line(&mut self) -> Option<Json> {
        let points = self.coordinates()?;
        (points.len() >= 2).then_some(Json::Array(points))
    }

    fn ring(&mut self) -> Option<Json> {
        let points = self.coordinates()?;
        (points.len() >= 4 && points.first() == points.last()).then_some(Json::Array(points))
    }

    fn polygon(&mut self) -> Option<Json> {
        Some(Json::Array(self.list(Self::ring)?))
    }

    fn geometry(&mut self, depth: usize) -> Option<Json> {
        if depth > MAX_DEPTH {
            return None;
        }
        let kind = self.word();
        Some(match kind.as_str() {
            "POINT" => {
                self.expect('(')?;
                let p = self.coordinate()?;
                self.expect(')')?;
                json!({"type": "Point", "coordinates": p})
            }
            "LINESTRING" => json!({"type": "LineString", "coordinates": self.line()?}),
            "POLYGON" => json!({"type": "Polygon", "coordinates": self.polygon()?}),
            "MULTIPOINT" => {
                // Both `MULTIPOINT (1 1, 2 2)` and `MULTIPOINT ((1 1), (2 2))` are valid WKT.
                let points = self.list(|p| {
                    if p.peek_is('(') {
                        p.expect('(')?;
                        let c = p.coordinate()?;
                        p.expect(')')?;
                        Some(c)
                    } else {
                        p.coordinate()
                    }
                })?;
                json!({"type": "MultiPoint", "coordinates": points})
            }
            "MULTILINESTRING" => {
                json!({"type": "MultiLineString", "coordinates": self.list(Self::line)?})
            }
            "MULTIPOLYGON" => {
                json!({"type": "MultiPolygon", "coordinates": self.list(Self::polygon)?})
            }
            "GEOMETRYCOLLECTION" => {
                let geometries = self.list(|p| p.geometry(depth + 1))?;
                json!({"type": "GeometryCollection", "geometries": geometries})
            }
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_shapes() {
        assert_eq!(
            parse("POINT (1 2)"),
            Some(json!({"type": "Point", "coordinates": [1.0, 2.0]}))
        );
        assert_eq!(
            parse("MULTIPOINT ((1 1), (2 2))"),
            Some(json!({"type": "MultiPoint", "coordinates": [[1.0, 1.0], [2.0, 2.0]]}))
        );
        assert!(parse("POLYGON ((0 0, 2 0, 2 2, 0 0))").is_some());
        assert!(
            parse("MULTIPOLYGON (((0 0, 2 0, 2 2, 0 0)),((10 10, 12 10, 12 12, 10 10)))").is_some()
        );
        let collection = "GEOMETRYCOLLECTION (POINT (1 1),LINESTRING (2 2, 3 3, 4 4),POLYGON ((10 10, 12 10, 12 12, 10 10)))";
        assert!(
            parse(collection).is_some_and(|g| g["geometries"].as_array().map(Vec::len) == Some(3))
        );
    }

    #[test]
    fn rejects_incomplete_or_out_of_range_text() {
        assert!(parse("LINESTRING").is_none());
        assert!(parse("POINT (200 1)").is_none());
        assert!(parse("POINT (1 2) trailing").is_none());
        assert!(parse("CIRCLE (1 2)").is_none());
    }
}
