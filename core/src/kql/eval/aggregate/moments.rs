//! Running variance and covariance (Welford's method), for variance/stdev/covariance and
//! their `p` (population) and `if` forms.

/// Variance of one variable; `sample` divides by n - 1, `sqrt` gives the deviation.
#[derive(Clone, Debug)]
pub struct Variance {
    count: f64,
    mean: f64,
    m2: f64,
    sample: bool,
    sqrt: bool,
}

impl Variance {
    pub fn new(sample: bool, sqrt: bool) -> Variance {
        Variance {
            count: 0.0,
            mean: 0.0,
            m2: 0.0,
            sample,
            sqrt,
        }
    }

    pub fn add(&mut self, x: f64) {
        self.count += 1.0;
        let delta = x - self.mean;
        self.mean += delta / self.count;
        self.m2 += delta * (x - self.mean);
    }

    /// 0 for an empty group or a single sample value (Kusto's default for these).
    pub fn finish(&self) -> f64 {
        let divisor = if self.sample {
            self.count - 1.0
        } else {
            self.count
        };
        if divisor <= 0.0 {
            return 0.0;
        }
        let variance = self.m2 / divisor;
        if self.sqrt {
            variance.sqrt()
        } else {
            variance
        }
    }
}

/// Covariance of two variables; `sample` divides by n - 1.
#[derive(Clone, Debug)]
pub struct Covariance {
    count: f64,
    mean_x: f64,
    mean_y: f64,
    co_moment: f64,
    sample: bool,
}

impl Covariance {
    pub fn new(sample: bool) -> Covariance {
        Covariance {
            count: 0.0,
            mean_x: 0.0,
            mean_y: 0.0,
            co_moment: 0.0,
            sample,
        }
    }

    pub fn add(&mut self, x: f64, y: f64) {
        self.count += 1.0;
        let dx = x - self.mean_x;
        self.mean_x += dx / self.count;
        self.mean_y += (y - self.mean_y) / self.count;
        self.co_moment += dx * (y - self.mean_y);
    }

    pub fn finish(&self) -> f64 {
        let divisor = if self.sample {
            self.count - 1.0
        } else {
            self.count
        };
        if divisor <= 0.0 {
            0.0
        } else {
            self.co_moment / divisor
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_values() {
        let mut sample = Variance::new(true, false);
        let mut population = Variance::new(false, false);
        for x in 1..=5 {
            sample.add(x as f64);
            population.add(x as f64);
        }
        assert!((sample.finish() - 2.5).abs() < 1e-12);
        assert!((population.finish() - 2.0).abs() < 1e-12);

        let mut cov = Covariance::new(true);
        let mut covp = Covariance::new(false);
        for (x, y) in [
            (1.0, 14.0),
            (2.0, 10.0),
            (3.0, 17.0),
            (4.0, 20.0),
            (5.0, 50.0),
        ] {
            cov.add(x, y);
            covp.add(x, y);
        }
        assert!((cov.finish() - 20.5).abs() < 1e-12);
        assert!((covp.finish() - 16.4).abs() < 1e-12);
    }
}
