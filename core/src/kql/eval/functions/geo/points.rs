//! Functions of points: `geo_distance_2points`, `geo_point_in_circle`, `geo_azimuth`,
//! `geo_angle`, and the argument checks of `geo_point_buffer`.

use geographiclib_rs::{Geodesic, InverseGeodesic};

use super::sphere::{angle, azimuth, LonLat, EARTH_RADIUS};
use super::{flag, is_given, number, real};
use crate::kql::eval::{EvalError, Result};
use crate::value::Value;

/// The point made of arguments `i` and `i + 1` (longitude, latitude), if valid.
pub fn point_arg(args: &[Value], i: usize) -> Option<LonLat> {
    LonLat::new(number(args, i)?, number(args, i + 1)?)
}

/// Meters between two points on S2's sphere, or on the WGS-84 ellipsoid when asked.
pub fn distance(a: LonLat, b: LonLat, use_spheroid: bool) -> f64 {
    if use_spheroid {
        let s12: f64 = Geodesic::wgs84().inverse(a.lat, a.lon, b.lat, b.lon);
        s12
    } else {
        angle(a.to_vec(), b.to_vec()) * EARTH_RADIUS
    }
}

/// The optional `use_spheroid` argument at `i` (default false; null is invalid).
pub fn spheroid_arg(args: &[Value], i: usize) -> Option<bool> {
    if is_given(args, i) {
        flag(args, i)
    } else {
        Some(false)
    }
}

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    Ok(Some(match name {
        "geo_distance_2points" => match (
            point_arg(args, 0),
            point_arg(args, 2),
            spheroid_arg(args, 4),
        ) {
            (Some(a), Some(b), Some(spheroid)) => real(Some(distance(a, b, spheroid))),
            _ => Value::Null,
        },
        "geo_point_in_circle" => {
            let radius = number(args, 4).filter(|r| *r >= 0.0 && r.is_finite());
            match (point_arg(args, 0), point_arg(args, 2), radius) {
                (Some(p), Some(center), Some(r)) => Value::Bool(distance(p, center, false) <= r),
                _ => Value::Null,
            }
        }
        "geo_azimuth" => match (point_arg(args, 0), point_arg(args, 2)) {
            (Some(a), Some(b)) if a != b => real(Some(azimuth(a, b))),
            _ => Value::Null,
        },
        "geo_angle" => match (point_arg(args, 0), point_arg(args, 2), point_arg(args, 4)) {
            (Some(p1), Some(p2), Some(p3)) if p1 != p2 && p2 != p3 => {
                // Clockwise from the direction p2 -> p1 to the direction p2 -> p3.
                let turn = azimuth(p2, p3) - azimuth(p2, p1);
                real(Some(turn.rem_euclid(2.0 * std::f64::consts::PI)))
            }
            _ => Value::Null,
        },
        "geo_point_buffer" => {
            let radius = number(args, 2).filter(|r| *r > 0.0 && r.is_finite());
            if point_arg(args, 0).is_none() || radius.is_none() {
                Value::Null
            } else {
                // The buffer's vertices depend on S2's buffer operation; not reproduced yet.
                return Err(EvalError::unsupported("function `geo_point_buffer()`"));
            }
        }
        _ => return Ok(None),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(name: &str, args: &[f64]) -> Option<f64> {
        let args: Vec<Value> = args.iter().map(|a| Value::Real(*a)).collect();
        match call(name, &args) {
            Ok(Some(Value::Real(r))) => Some(r),
            _ => None,
        }
    }

    #[test]
    fn documented_distances_and_angles() {
        let d = eval(
            "geo_distance_2points",
            &[-122.407628, 47.578557, -118.275287, 34.019056],
        );
        assert!(d.is_some_and(|d| (d - 1_546_754.351_973_81).abs() < 1e-6));
        let az = eval("geo_azimuth", &[5.0, 10.0, 10.0, -40.0]).map(f64::to_degrees);
        assert!(
            az.is_some_and(|a| (a - 175.015_653_606_568).abs() < 1e-9),
            "{az:?}"
        );
        let angle = eval("geo_angle", &[0.0, 10.0, 0.0, 5.0, 3.0, -10.0]);
        assert!(
            angle.is_some_and(|a| (a - 2.944_938_434_068_82).abs() < 1e-9),
            "{angle:?}"
        );
        assert!(eval("geo_distance_2points", &[300.0, 1.0, 1.0, 1.0]).is_none());
    }
}
