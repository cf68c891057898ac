//! Geometry on the unit sphere: points as unit vectors, edges as great-circle arcs.
//! Distances come out in radians; `EARTH_RADIUS` turns them into meters.

/// S2's Earth radius in meters, which Kusto uses for its spherical distances.
pub const EARTH_RADIUS: f64 = 6_371_010.0;

/// A longitude/latitude pair in degrees, validated to [-180, 180] x [-90, 90].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LonLat {
    pub lon: f64,
    pub lat: f64,
}

impl LonLat {
    pub fn new(lon: f64, lat: f64) -> Option<LonLat> {
        let valid = lon.is_finite()
            && lat.is_finite()
            && (-180.0..=180.0).contains(&lon)
            && (-90.0..=90.0).contains(&lat);
        valid.then_some(LonLat { lon, lat })
    }

    pub fn to_vec(self) -> Vec3 {
        let (lon, lat) = (self.lon.to_radians(), self.lat.to_radians());
        Vec3::new(lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin())
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Vec3 {
    pub x: f64,
    pub y: f64,
    pub z: f64,
}

impl Vec3 {
    pub const fn new(x: f64, y: f64, z: f64) -> Vec3 {
        Vec3 { x, y, z }
    }
    pub fn dot(self, o: Vec3) -> f64 {
        self.x * o.x + self.y * o.y + self.z * o.z
    }
    pub fn cross(self, o: Vec3) -> Vec3 {
        Vec3::new(
            self.y * o.z - self.z * o.y,
            self.z * o.x - self.x * o.z,
            self.x * o.y - self.y * o.x,
        )
    }
    pub fn add(self, o: Vec3) -> Vec3 {
        Vec3::new(self.x + o.x, self.y + o.y, self.z + o.z)
    }
    pub fn sub(self, o: Vec3) -> Vec3 {
        Vec3::new(self.x - o.x, self.y - o.y, self.z - o.z)
    }
    pub fn scale(self, k: f64) -> Vec3 {
        Vec3::new(self.x * k, self.y * k, self.z * k)
    }
    pub fn norm(self) -> f64 {
        self.dot(self).sqrt()
    }
    /// The unit vector in this direction; the zero vector stays zero.
    pub fn normalize(self) -> Vec3 {
        let n = self.norm();
        if n == 0.0 {
            self
        } else {
            self.scale(1.0 / n)
        }
    }
    pub fn to_lonlat(self) -> LonLat {
        LonLat {
            lon: self.y.atan2(self.x).to_degrees(),
            lat: self.z.atan2(self.x.hypot(self.y)).to_degrees(),
        }
    }
}

/// The angle between two unit vectors, accurate for small and large angles alike.
pub fn angle(a: Vec3, b: Vec3) -> f64 {
    a.cross(b).norm().atan2(a.dot(b))
}

/// Whether `p` lies in the lune of the arc `a`-`b`: its projection onto the arc's great
/// circle falls between the endpoints.
fn in_lune(p: Vec3, a: Vec3, b: Vec3, normal: Vec3) -> bool {
    p.dot(normal.cross(a)) >= 0.0 && p.dot(b.cross(normal)) >= 0.0
}

/// The point of the arc `a`-`b` closest to `p`.
pub fn closest_on_edge(p: Vec3, a: Vec3, b: Vec3) -> Vec3 {
    let normal = a.cross(b);
    if normal.norm() > 0.0 && in_lune(p, a, b, normal) {
        let n = normal.normalize();
        let projected = p.sub(n.scale(p.dot(n)));
        if projected.norm() > 0.0 {
            return projected.normalize();
        }
    }
    if angle(p, a) <= angle(p, b) {
        a
    } else {
        b
    }
}

/// The distance in radians from `p` to the arc `a`-`b`.
pub fn distance_to_edge(p: Vec3, a: Vec3, b: Vec3) -> f64 {
    angle(p, closest_on_edge(p, a, b))
}

/// The point at `fraction` of the way from `a` to `b` along their arc.
pub fn interpolate(a: Vec3, b: Vec3, fraction: f64) -> Vec3 {
    let theta = angle(a, b);
    if theta == 0.0 {
        return a;
    }
    // Rotate `a` toward `b` in their plane: the direction tangent to the arc at `a`.
    let tangent = a.cross(b).cross(a).normalize();
    let t = theta * fraction;
    a.scale(t.cos()).add(tangent.scale(t.sin())).normalize()
}

/// Where the arcs `a`-`b` and `c`-`d` cross, if they do (shared endpoints included).
pub fn edge_crossing(a: Vec3, b: Vec3, c: Vec3, d: Vec3) -> Option<Vec3> {
    for (p, q) in [(a, c), (a, d), (b, c), (b, d)] {
        if p == q {
            return Some(p);
        }
    }
    let n1 = a.cross(b);
    let n2 = c.cross(d);
    let x = n1.cross(n2);
    if x.norm() < 1e-300 {
        return None;
    }
    let x = x.normalize();
    [x, x.scale(-1.0)]
        .into_iter()
        .find(|&p| in_lune(p, a, b, n1) && in_lune(p, c, d, n2))
}

/// The common part of the arcs `a`-`b` and `c`-`d` when they lie on one great circle and
/// overlap along more than a point: its ends, each given as the original vertex it
/// coincides with.
pub fn edge_overlap(a: Vec3, b: Vec3, c: Vec3, d: Vec3) -> Option<(Vec3, Vec3)> {
    let n1 = a.cross(b).normalize();
    let n2 = c.cross(d).normalize();
    if n1.cross(n2).norm() > 1e-12 || n1.norm() == 0.0 || n2.norm() == 0.0 {
        return None;
    }
    // Angles along the circle, measured from `a` toward `b`.
    let toward_b = n1.cross(a);
    let param = |x: Vec3| x.dot(toward_b).atan2(x.dot(a));
    let (tb, tc, td) = (param(b), param(c), param(d));
    let lo = tc.min(td).max(0.0);
    let hi = tc.max(td).min(tb);
    if hi - lo <= 1e-15 {
        return None;
    }
    let at = |t: f64| {
        [(0.0, a), (tb, b), (tc, c), (td, d)]
            .into_iter()
            .find(|(u, _)| (u - t).abs() <= 1e-15)
            .map_or_else(|| a.scale(t.cos()).add(toward_b.scale(t.sin())), |(_, v)| v)
    };
    Some((at(lo), at(hi)))
}

/// The signed angle swept at `p` while walking the arc `a`-`b` (positive counter-clockwise
/// seen from outside the sphere).
fn swept_angle(p: Vec3, a: Vec3, b: Vec3) -> f64 {
    let y = p.dot(a.cross(b));
    let x = a.dot(b) - p.dot(a) * p.dot(b);
    y.atan2(x)
}

/// Whether the ring (first vertex not repeated) bounds a region holding `p`: the smaller of
/// the two regions, whatever the ring's orientation (as long as it is under a hemisphere).
pub fn ring_contains(ring: &[Vec3], p: Vec3) -> bool {
    let n = ring.len();
    let total: f64 = (0..n)
        .filter_map(|i| Some(swept_angle(p, *ring.get(i)?, *ring.get((i + 1) % n)?)))
        .sum();
    // A ring winds around both `p` and `-p` or neither; the region it bounds is on the side
    // its moment points to.
    total.abs() > std::f64::consts::PI && ring_moment(ring).dot(p) > 0.0
}

/// The signed area (steradians) of a closed ring, positive when counter-clockwise.
pub fn ring_signed_area(ring: &[Vec3]) -> f64 {
    let Some(&origin) = ring.first() else {
        return 0.0;
    };
    ring.windows(2)
        .skip(1)
        .filter_map(|w| match w {
            [b, c] => Some(triangle_signed_area(origin, *b, *c)),
            _ => None,
        })
        .sum()
}

/// Signed area of a spherical triangle (Eriksson's formula).
pub fn triangle_signed_area(a: Vec3, b: Vec3, c: Vec3) -> f64 {
    let det = a.dot(b.cross(c));
    let denom = 1.0 + a.dot(b) + b.dot(c) + c.dot(a);
    2.0 * det.atan2(denom)
}

/// The area of the smaller region bounded by a ring, in steradians.
pub fn ring_area(ring: &[Vec3]) -> f64 {
    let area = ring_signed_area(ring).abs();
    if area > 2.0 * std::f64::consts::PI {
        4.0 * std::f64::consts::PI - area
    } else {
        area
    }
}

/// The integral of the position vector over the smaller region bounded by a ring (its
/// centroid times its area): half the sum of each edge's length times its unit normal, by
/// Stokes' theorem, for a counter-clockwise ring.
pub fn ring_moment(ring: &[Vec3]) -> Vec3 {
    let n = ring.len();
    let mut sum = Vec3::new(0.0, 0.0, 0.0);
    for i in 0..n {
        if let (Some(&a), Some(&b)) = (ring.get(i), ring.get((i + 1) % n)) {
            sum = sum.add(a.cross(b).normalize().scale(angle(a, b)));
        }
    }
    let sign = if ring_signed_area(&closed(ring)) < 0.0 {
        -0.5
    } else {
        0.5
    };
    sum.scale(sign)
}

/// The ring with its first vertex repeated at the end.
pub fn closed(ring: &[Vec3]) -> Vec<Vec3> {
    let mut out = ring.to_vec();
    if let Some(&first) = ring.first() {
        out.push(first);
    }
    out
}

/// Initial bearing from `a` to `b` in radians, clockwise from north, in [0, 2π).
pub fn azimuth(a: LonLat, b: LonLat) -> f64 {
    let (lat1, lat2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlon = (b.lon - a.lon).to_radians();
    let y = dlon.sin() * lat2.cos();
    let x = lat1.cos() * lat2.sin() - lat1.sin() * lat2.cos() * dlon.cos();
    y.atan2(x).rem_euclid(2.0 * std::f64::consts::PI)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(lon: f64, lat: f64) -> Vec3 {
        LonLat { lon, lat }.to_vec()
    }

    #[test]
    fn distance_uses_s2_earth_radius() {
        // Seattle to Los Angeles, per the geo_distance_2points docs.
        let d = angle(v(-122.407628, 47.578557), v(-118.275287, 34.019056)) * EARTH_RADIUS;
        assert!((d - 1_546_754.351_973_81).abs() < 1e-6);
    }

    #[test]
    fn ring_contains_either_orientation() {
        let ccw = [v(0.0, 0.0), v(10.0, 0.0), v(10.0, 10.0), v(0.0, 10.0)];
        let mut cw = ccw;
        cw.reverse();
        for ring in [ccw, cw] {
            assert!(ring_contains(&ring, v(5.0, 5.0)));
            assert!(!ring_contains(&ring, v(15.0, 5.0)));
            assert!(!ring_contains(&ring, v(-175.0, -5.0)));
        }
    }

    #[test]
    fn crossing_of_two_arcs() {
        let x = edge_crossing(v(-1.0, 0.0), v(1.0, 0.0), v(0.0, -1.0), v(0.0, 1.0));
        let p = x.map(Vec3::to_lonlat);
        assert!(p.is_some_and(|p| p.lon.abs() < 1e-12 && p.lat.abs() < 1e-12));
        assert!(edge_crossing(v(1.0, 1.0), v(2.0, 2.0), v(3.0, 3.0), v(4.0, 4.0)).is_none());
    }
}
