//! GCJ-02 (the Chinese mapping offset): the forward formula as the public coordTransform
//! implementations compute it, and its inverse — a tabulated first guess and Newton steps with
//! the exact Jacobian, several points in lockstep for arrays. Documented in the parent module
//! ("Coordinate systems").

use std::f64::consts::PI;

/// Upper bound on inverse iterations (2–4 are needed in practice).
pub(super) const INVERSE_MAX_STEPS: usize = 30;

/// Whether a point lies outside the conventional GCJ-02 box (no offset there).
pub(super) fn out_of_china(lon: f64, lat: f64) -> bool {
    !((72.004..=137.8347).contains(&lon) && (0.8293..=55.8271).contains(&lat))
}

/// Krasovsky semi-major axis used by GCJ-02.
const GCJ_A: f64 = 6_378_245.0;
/// Krasovsky first eccentricity squared used by GCJ-02 (as published, digits beyond f64 and all).
#[allow(
    clippy::excessive_precision,
    reason = "the constant as every implementation writes it"
)]
const GCJ_EE: f64 = 0.006_693_421_622_965_943_23;
/// The GCJ-02 Newton iteration stops when the bound on the error left is below this (degrees;
/// see `gcj_to_wgs`).
const INVERSE_ERROR: f64 = 1e-10;

fn transform_lat(x: f64, y: f64) -> f64 {
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn transform_lon(x: f64, y: f64) -> f64 {
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

/// The GCJ-02 offset (degrees) at a WGS-84 point, without the box test.
fn gcj_offset(lon: f64, lat: f64) -> (f64, f64) {
    let dlat = transform_lat(lon - 105.0, lat - 35.0);
    let dlon = transform_lon(lon - 105.0, lat - 35.0);
    let radlat = lat / 180.0 * PI;
    let s = radlat.sin();
    let magic = 1.0 - GCJ_EE * s * s;
    let sqrt_magic = magic.sqrt();
    let dlat = (dlat * 180.0) / ((GCJ_A * (1.0 - GCJ_EE)) / (magic * sqrt_magic) * PI);
    let dlon = (dlon * 180.0) / (GCJ_A / sqrt_magic * radlat.cos() * PI);
    (dlon, dlat)
}

pub(super) fn wgs_to_gcj(lon: f64, lat: f64) -> (f64, f64) {
    if out_of_china(lon, lat) {
        return (lon, lat);
    }
    let (dlon, dlat) = gcj_offset(lon, lat);
    (lon + dlon, lat + dlat)
}

pub(super) fn gcj_to_wgs(lon: f64, lat: f64) -> (f64, f64) {
    let mut newton = Newton::start(lon, lat);
    while !newton.done {
        newton.step();
    }
    (newton.x, newton.y)
}

/// GCJ-02 → WGS-84 for many points at once: the very steps of `gcj_to_wgs` for each point, taken
/// for [`BLOCK`] points in lockstep so that the processor overlaps their (long, dependent)
/// chains of arithmetic. The results are those of `gcj_to_wgs`, bit for bit.
pub(super) fn gcj_to_wgs_slice(lon: &[f64], lat: &[f64], out_lon: &mut [f64], out_lat: &mut [f64]) {
    let guess = Guess::get();
    for ((lon, lat), (out_lon, out_lat)) in lon
        .chunks(BLOCK)
        .zip(lat.chunks(BLOCK))
        .zip(out_lon.chunks_mut(BLOCK).zip(out_lat.chunks_mut(BLOCK)))
    {
        let mut block = [Newton::DONE; BLOCK];
        for (n, (x, y)) in block.iter_mut().zip(lon.iter().zip(lat)) {
            *n = Newton::begin(*x, *y);
        }
        // `Newton::start`'s guess, phase by phase over the block: each phase's table reads
        // depend on the one before for the same point, not on the other points'.
        for _ in 0..2 {
            for n in block.iter_mut().filter(|n| !n.done) {
                let (dx, dy) = guess.offset(n.x, n.y);
                (n.x, n.y) = (n.g.0 - dx, n.g.1 - dy);
            }
        }
        for n in block.iter_mut().filter(|n| !n.done) {
            n.angles = guess.angles(n.x, n.y);
        }
        loop {
            let mut busy = false;
            for n in &mut block {
                if !n.done {
                    n.step();
                    busy = true;
                }
            }
            if !busy {
                break;
            }
        }
        for (n, (x, y)) in block.iter().zip(out_lon.iter_mut().zip(out_lat.iter_mut())) {
            (*x, *y) = (n.x, n.y);
        }
    }
}

/// Points converted in lockstep by [`gcj_to_wgs_slice`].
const BLOCK: usize = 8;

/// The state of the GCJ-02 → WGS-84 inverse at one point.
///
/// Newton's method on F(w) = w + offset(w) - g from the tabulated guess ([`Guess`]):
/// (I + J) Δ = -F(w), with the offset and its Jacobian J from `offset_and_jacobian`. Its sines
/// are all multiples of one angle per coordinate, kept as unit complex numbers: taken from a
/// table and turned to the guess, then turned by each step's (small) angle, so a step costs no
/// trigonometric call.
///
/// J leaves out the derivative of the √|lon - 105| terms (a cusp), below 10⁻⁶/√|lon - 105|
/// degree per degree. With second derivatives of the offset below 0.06 per degree (M), the
/// error left after a step Δ is below (M/2)·Δ² + 10⁻⁶·Δ/√|lon - 105|; the iteration stops when
/// ten times the first term plus the second is below 10⁻¹⁰ degrees: after the first step
/// (from within 3·10⁻⁶ of the preimage) in practice, more steps within 10⁻⁴ degree of lon = 105.
#[derive(Clone, Copy)]
struct Newton {
    g: (f64, f64),
    x: f64,
    y: f64,
    angles: Angles,
    steps: usize,
    done: bool,
}

impl Newton {
    const DONE: Newton = Newton {
        g: (0.0, 0.0),
        x: 0.0,
        y: 0.0,
        angles: Angles {
            x: Unit(1.0, 0.0),
            y: Unit(1.0, 0.0),
        },
        steps: 0,
        done: true,
    };

    /// The state before the guess: at the input, or done outside China's box.
    fn begin(lon: f64, lat: f64) -> Newton {
        if out_of_china(lon, lat) {
            return Newton {
                x: lon,
                y: lat,
                ..Newton::DONE
            };
        }
        Newton {
            g: (lon, lat),
            x: lon,
            y: lat,
            steps: 0,
            done: false,
            ..Newton::DONE
        }
    }

    fn start(lon: f64, lat: f64) -> Newton {
        if out_of_china(lon, lat) {
            return Newton {
                x: lon,
                y: lat,
                ..Newton::DONE
            };
        }
        let guess = Guess::get();
        let (x, y) = guess.inverse(lon, lat);
        Newton {
            g: (lon, lat),
            x,
            y,
            angles: guess.angles(x, y),
            steps: 0,
            done: false,
        }
    }

    #[inline]
    fn step(&mut self) {
        let ((dlon, dlat), jac) = offset_and_jacobian(self.x, self.y, self.angles);
        let (fx, fy) = (self.x + dlon - self.g.0, self.y + dlat - self.g.1);
        // (I + J)⁻¹ F by Cramer's rule.
        let (m00, m01, m10, m11) = (1.0 + jac[0][0], jac[0][1], jac[1][0], 1.0 + jac[1][1]);
        let inv_det = 1.0 / (m00 * m11 - m01 * m10);
        let sx = (m11 * fx - m01 * fy) * inv_det;
        let sy = (m00 * fy - m10 * fx) * inv_det;
        self.x -= sx;
        self.y -= sy;
        self.steps += 1;
        let step = sx.abs().max(sy.abs());
        // 10⁻⁶/√|lon − 105| is below 10⁻⁵ more than 0.01 degree from the cusp.
        let from_cusp = (self.x - 105.0).abs();
        let cusp = if from_cusp > 0.01 {
            1e-5
        } else {
            1e-6 / from_cusp.sqrt()
        };
        let bound = 10.0 * 0.03 * step * step + cusp * step;
        if step == 0.0 || bound < INVERSE_ERROR || self.steps >= INVERSE_MAX_STEPS {
            self.done = true;
        } else {
            self.angles = self.angles.turned(-sx, -sy, self.x, self.y);
        }
    }
}

/// The first guess of the GCJ-02 → WGS-84 inverse, from tables of the GCJ-02 offset, and the
/// base angles of the Newton step ([`Angles`]) near any point of the box.
///
/// The offset's formula (`transform_lon`, `transform_lat`, scaled as in `gcj_offset`) is, with
/// x = lon − 105 and y = lat − 35,
/// `dlon = k_lon(lat)·(300 + u(x) + 2y + 0.1xy)`, `dlat = k_lat(lat)·(−100 + s(x) + v(y) + 0.1xy)`:
/// every term but the products xy is a function of one coordinate. Those functions are
/// tabulated, `u` and `s` every 1/64 degree of longitude, `v`, `k_lon` and `k_lat` every 1/16
/// degree of latitude, and interpolated linearly: the offset so obtained is within 3·10⁻⁶
/// degree of the formula's (the second derivative of `u` is below 5,400 in the units of the
/// formula, whose scale `k` is below 1.6·10⁻⁵ degree). Two fixed-point steps,
/// `w ← g − offset(w)` from `w = g`, put the guess within 3·10⁻⁶ degree of the preimage (the
/// offset's derivatives are below 0.005 per degree and the offset below 0.01 degree), where
/// one Newton step of the exact formula leaves an error below 10⁻¹⁰ by the bound of
/// [`Newton`] (about 10⁻¹³ in fact).
///
/// The base angles at the guess come from their values every 1/8 degree of longitude and 1/4
/// of latitude, turned by the rest ([`Unit::turned`], exact to the last bit for these small
/// angles), instead of two `sin_cos`.
///
/// Memory: 4,353 × 8 bytes (`u`, `s` as `f32`) + 929 × 12 bytes (`v`, `k_lon`, `k_lat`) +
/// (545 + 233) × 16 bytes of angles = 57 KiB, built once on first use. (Tables twice as fine
/// make a guess four times as close, which the one Newton step does not need.)
struct Guess {
    /// `(u, s)` at x = `X0 + i/X_PER_DEGREE`.
    x: Vec<[f32; 2]>,
    /// `(v, k_lon, k_lat)` at y = `Y0 + i/Y_PER_DEGREE`.
    y: Vec<[f32; 3]>,
    /// φ = πx/60 at x = `X0 + i/XA_PER_DEGREE`.
    angle_x: Vec<Unit>,
    /// ψ = πy/180 at y = `Y0 + i/YA_PER_DEGREE`.
    angle_y: Vec<Unit>,
}

/// The tables' ranges (x = lon − 105, y = lat − 35): China's box with a degree to spare.
const X0: f64 = -34.0;
const X1: f64 = 34.0;
const Y0: f64 = -36.0;
const Y1: f64 = 22.0;
const X_PER_DEGREE: f64 = 64.0;
const Y_PER_DEGREE: f64 = 16.0;
const XA_PER_DEGREE: f64 = 8.0;
const YA_PER_DEGREE: f64 = 4.0;

impl Guess {
    fn get() -> &'static Guess {
        static GUESS: std::sync::OnceLock<Guess> = std::sync::OnceLock::new();
        GUESS.get_or_init(Guess::build)
    }

    #[allow(clippy::cast_precision_loss, reason = "small node counts")]
    fn build() -> Guess {
        let nodes = |from: f64, to: f64, per_degree: f64| {
            let n = ((to - from) * per_degree) as usize + 1;
            (0..n).map(move |i| from + i as f64 / per_degree)
        };
        let x = nodes(X0, X1, X_PER_DEGREE)
            .map(|x| {
                let u = transform_lon(x, 0.0) - 300.0;
                let s = transform_lat(x, 0.0) + 100.0;
                [u as f32, s as f32]
            })
            .collect();
        let y = nodes(Y0, Y1, Y_PER_DEGREE)
            .map(|y| {
                let v = transform_lat(0.0, y) + 100.0;
                let radlat = (y + 35.0) / 180.0 * PI;
                let s = radlat.sin();
                let magic = 1.0 - GCJ_EE * s * s;
                let sqrt_magic = magic.sqrt();
                let k_lat = 180.0 / ((GCJ_A * (1.0 - GCJ_EE)) / (magic * sqrt_magic) * PI);
                let k_lon = 180.0 / (GCJ_A / sqrt_magic * radlat.cos() * PI);
                [v as f32, k_lon as f32, k_lat as f32]
            })
            .collect();
        let angle_x = nodes(X0, X1, XA_PER_DEGREE)
            .map(|x| Unit::of(x * PI / 60.0))
            .collect();
        let angle_y = nodes(Y0, Y1, YA_PER_DEGREE)
            .map(|y| Unit::of(y * PI / 180.0))
            .collect();
        Guess {
            x,
            y,
            angle_x,
            angle_y,
        }
    }

    /// The offset at a WGS-84 point, within 3·10⁻⁶ degree of `gcj_offset` over the box (points
    /// beyond the tables get a rougher figure).
    #[inline]
    #[allow(clippy::many_single_char_names, reason = "the formula's names")]
    fn offset(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (x, y) = (lon - 105.0, lat - 35.0);
        let (i, a) = segment((x - X0) * X_PER_DEGREE, self.x.len());
        let (j, b) = segment((y - Y0) * Y_PER_DEGREE, self.y.len());
        let (x0, x1) = (self.x[i], self.x[i + 1]);
        let (y0, y1) = (self.y[j], self.y[j + 1]);
        let lerp = |p: f32, q: f32, t: f64| f64::from(p) + (f64::from(q) - f64::from(p)) * t;
        let u = lerp(x0[0], x1[0], a);
        let s = lerp(x0[1], x1[1], a);
        let v = lerp(y0[0], y1[0], b);
        let k_lon = lerp(y0[1], y1[1], b);
        let k_lat = lerp(y0[2], y1[2], b);
        let xy = 0.1 * x * y;
        (
            k_lon * (300.0 + u + 2.0 * y + xy),
            k_lat * (-100.0 + s + v + xy),
        )
    }

    /// The first guess of the WGS-84 point whose GCJ-02 image is `(lon, lat)`: two fixed-point
    /// steps on the tabulated offset.
    #[inline]
    fn inverse(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (dx, dy) = self.offset(lon, lat);
        let (dx, dy) = self.offset(lon - dx, lat - dy);
        (lon - dx, lat - dy)
    }

    /// [`Angles::at`] the point, from the tabulated angles nearest to it turned by the rest.
    #[inline]
    #[allow(clippy::cast_precision_loss, reason = "small node counts")]
    fn angles(&self, lon: f64, lat: f64) -> Angles {
        let nearest = |v: f64, from: f64, per_degree: f64, units: &[Unit]| {
            let i = nearest_node((v - from) * per_degree).min(units.len() - 1);
            (units[i], v - (from + i as f64 / per_degree))
        };
        let (ux, rx) = nearest(lon - 105.0, X0, XA_PER_DEGREE, &self.angle_x);
        let (uy, ry) = nearest(lat - 35.0, Y0, YA_PER_DEGREE, &self.angle_y);
        Angles {
            x: ux.turned(rx * PI / 60.0),
            y: uy.turned(ry * PI / 180.0),
        }
    }
}

/// The nearest whole number to `pos`, for 0 ≤ `pos` < 2⁵¹ (anything else gives a number that
/// callers clamp): the bits of `pos + 2⁵²`, cheaper than a saturating `as` conversion.
#[inline]
fn nearest_node(pos: f64) -> usize {
    const SHIFT: f64 = 4_503_599_627_370_496.0; // 2⁵²
    (pos + SHIFT).to_bits().wrapping_sub(SHIFT.to_bits()) as usize
}

/// The segment of a table of `len` nodes (at positions 0, 1, …) that holds `pos`, and where in
/// it `pos` lies (0..1 inside the table; anything else beyond it).
#[inline]
#[allow(clippy::cast_precision_loss, reason = "small node counts")]
fn segment(pos: f64, len: usize) -> (usize, f64) {
    let i = nearest_node(pos - 0.5).min(len - 2);
    (i, pos - i as f64)
}

/// A unit complex number `(cos, sin)`.
#[derive(Clone, Copy)]
struct Unit(f64, f64);

impl Unit {
    fn of(angle: f64) -> Unit {
        let (s, c) = angle.sin_cos();
        Unit(c, s)
    }

    #[inline]
    fn mul(self, b: Unit) -> Unit {
        Unit(self.0 * b.0 - self.1 * b.1, self.0 * b.1 + self.1 * b.0)
    }

    /// Turned by `delta` radians; a series for the small angles of Newton steps (exact to the
    /// last bit below 10⁻² radians: the first term left out is δ⁶/720), `sin_cos` beyond.
    #[inline]
    fn turned(self, delta: f64) -> Unit {
        if delta.abs() > 1e-2 {
            return self.mul(Unit::of(delta));
        }
        let d2 = delta * delta;
        let c = 1.0 - d2 / 2.0 * (1.0 - d2 / 12.0 * (1.0 - d2 / 30.0));
        let s = delta * (1.0 - d2 / 6.0 * (1.0 - d2 / 20.0));
        self.mul(Unit(c, s))
    }
}

/// The base angles of the GCJ-02 formula at a point: φ = π(lon − 105)/60 and
/// ψ = π(lat − 35)/180 as unit complex numbers.
#[derive(Clone, Copy)]
struct Angles {
    x: Unit,
    y: Unit,
}

impl Angles {
    fn at(lon: f64, lat: f64) -> Angles {
        Angles {
            x: Unit::of((lon - 105.0) * PI / 60.0),
            y: Unit::of((lat - 35.0) * PI / 180.0),
        }
    }

    /// The angles after a move by `(dlon, dlat)` to `(lon, lat)`; recomputed when the move is
    /// not small.
    #[inline]
    fn turned(self, dlon: f64, dlat: f64, lon: f64, lat: f64) -> Angles {
        if dlon.abs() > 0.1 || dlat.abs() > 0.1 {
            return Angles::at(lon, lat);
        }
        Angles {
            x: self.x.turned(dlon * PI / 60.0),
            y: self.y.turned(dlat * PI / 180.0),
        }
    }
}

/// The GCJ-02 offset at a WGS-84 point, as [`gcj_offset`] computes it, and its Jacobian
/// `[[∂dlon/∂lon, ∂dlon/∂lat], [∂dlat/∂lon, ∂dlat/∂lat]]` without the cusp terms of
/// √|lon − 105|. `angles` are [`Angles::at`] the point: every sine of the formula is a power
/// of them (whose rounding grows to a few hundred ulp at the 360th power: 10⁻¹⁷ degrees of
/// offset). Used only by the inverse; the forward conversion stays [`gcj_offset`].
fn offset_and_jacobian(lon: f64, lat: f64, angles: Angles) -> ((f64, f64), [[f64; 2]; 2]) {
    let mul = Unit::mul;
    let powers = |z1: Unit| {
        let z2 = mul(z1, z1);
        let z4 = mul(z2, z2);
        let z5 = mul(z4, z1);
        let z10 = mul(z5, z5);
        let z20 = mul(z10, z10);
        let z40 = mul(z20, z20);
        let z60 = mul(z40, z20);
        (z1, z2, z5, z20, z60)
    };
    let (x, y) = (lon - 105.0, lat - 35.0);
    // φ = πx/60: πx/30, πx/12, πx/3, πx, 2πx, 6πx are 2φ, 5φ, 20φ, 60φ, 120φ, 360φ.
    let (_, x2, x5, x20, x60) = powers(angles.x);
    let x120 = mul(x60, x60);
    let x360 = mul(mul(x120, x120), x120);
    // ψ = πy/180: πy/30, πy/12, πy/3, πy are 6ψ, 15ψ, 60ψ, 180ψ; the latitude in radians is
    // ψ + 35π/180.
    let y1 = angles.y;
    let y3 = mul(mul(y1, y1), y1);
    let y_30 = mul(y3, y3); // 6ψ = πy/30
    let y12 = mul(y_30, y_30);
    let y_12 = mul(y12, y3); // 15ψ = πy/12
    let y30 = mul(y_12, y_12);
    let y_3 = mul(y30, y30); // 60ψ = πy/3
    let y120 = mul(y_3, y_3);
    let y_1 = mul(y120, y_3); // 180ψ = πy
    let (s35, c35) = (35.0 * PI / 180.0).sin_cos();
    let lat_r = mul(y1, Unit(c35, s35));
    let two3 = 2.0 / 3.0;
    let root = x.abs().sqrt();
    let shared = (20.0 * x360.1 + 20.0 * x120.1) * two3;
    let shared_dx = (20.0 * 6.0 * PI * x360.0 + 20.0 * 2.0 * PI * x120.0) * two3;
    let t_lat = -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * root
        + shared
        + (20.0 * y_1.1 + 40.0 * y_3.1) * two3
        + (160.0 * y_12.1 + 320.0 * y_30.1) * two3;
    let t_lat_dx = 2.0 + 0.1 * y + shared_dx;
    let t_lat_dy = 3.0
        + 0.4 * y
        + 0.1 * x
        + (20.0 * PI * y_1.0 + 40.0 * PI / 3.0 * y_3.0) * two3
        + (160.0 * PI / 12.0 * y_12.0 + 320.0 * PI / 30.0 * y_30.0) * two3;
    let t_lon = 300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * root
        + shared
        + (20.0 * x60.1 + 40.0 * x20.1) * two3
        + (150.0 * x5.1 + 300.0 * x2.1) * two3;
    let t_lon_dx = 1.0
        + 0.2 * x
        + 0.1 * y
        + shared_dx
        + (20.0 * PI * x60.0 + 40.0 * PI / 3.0 * x20.0) * two3
        + (150.0 * PI / 12.0 * x5.0 + 300.0 * PI / 30.0 * x2.0) * two3;
    let t_lon_dy = 2.0 + 0.1 * x;
    let (c, s) = (lat_r.0, lat_r.1);
    let magic = 1.0 - GCJ_EE * s * s;
    let sqrt_magic = magic.sqrt();
    let (inv_c, inv_magic) = (1.0 / c, 1.0 / magic);
    // The scales of `gcj_offset`, written with fewer divisions.
    let k_lat = magic * sqrt_magic * (180.0 / (GCJ_A * (1.0 - GCJ_EE) * PI));
    let k_lon = sqrt_magic * inv_c * (180.0 / (GCJ_A * PI));
    // d ln k / d lat (per degree): k_lat ∝ m^1.5, k_lon ∝ √m / cos φ, m = 1 − e² sin²φ.
    let dm = -2.0 * GCJ_EE * s * c * inv_magic * (PI / 180.0); // d ln m / d lat
    let dk_lat = k_lat * 1.5 * dm;
    let dk_lon = k_lon * (0.5 * dm + s * inv_c * (PI / 180.0));
    let offset = (t_lon * k_lon, t_lat * k_lat);
    let jacobian = [
        [k_lon * t_lon_dx, k_lon * t_lon_dy + t_lon * dk_lon],
        [k_lat * t_lat_dx, k_lat * t_lat_dy + t_lat * dk_lat],
    ];
    (offset, jacobian)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spatial::crs::{Crs, convert_slice_unchecked, convert_unchecked};

    #[test]
    #[allow(clippy::many_single_char_names, reason = "finite differences")]
    fn fast_offset_and_jacobian_agree_with_the_formula() {
        let mut worst_offset: f64 = 0.0;
        let mut worst_jacobian: f64 = 0.0;
        for i in 0..200 {
            let lon = 73.0 + 62.0 * f64::from(i) / 200.0 + 0.0123;
            for k in 0..50 {
                let lat = 1.0 + 54.0 * f64::from(k) / 50.0 + 0.0071;
                let (off, j) = offset_and_jacobian(lon, lat, Angles::at(lon, lat));
                let exact = gcj_offset(lon, lat);
                worst_offset = worst_offset
                    .max((off.0 - exact.0).abs())
                    .max((off.1 - exact.1).abs());
                let h = 1e-6;
                let (a, b) = (gcj_offset(lon + h, lat), gcj_offset(lon - h, lat));
                let (c, d) = (gcj_offset(lon, lat + h), gcj_offset(lon, lat - h));
                let numeric = [
                    [(a.0 - b.0) / (2.0 * h), (c.0 - d.0) / (2.0 * h)],
                    [(a.1 - b.1) / (2.0 * h), (c.1 - d.1) / (2.0 * h)],
                ];
                // The cusp term of √|lon − 105| is left out of the Jacobian.
                let cusp = 1e-6 / (lon - 105.0).abs().sqrt();
                for r in 0..2 {
                    for q in 0..2 {
                        let err = (numeric[r][q] - j[r][q]).abs() - if q == 0 { cusp } else { 0.0 };
                        worst_jacobian = worst_jacobian.max(err);
                    }
                }
            }
        }
        assert!(worst_offset < 1e-15, "offset off by {worst_offset:e}");
        assert!(worst_jacobian < 1e-7, "Jacobian off by {worst_jacobian:e}");
    }

    #[test]
    fn inverse_is_within_1e10_degrees_all_over_the_box() {
        // A lattice of 4·10^5 GCJ-02 points over the box, plus the cusp at lon = 105 and the
        // box's edges: the forward image of the inverse is the input to better than 10⁻¹⁰.
        let mut worst: f64 = 0.0;
        let mut check = |lon: f64, lat: f64| {
            let (x, y) = gcj_to_wgs(lon, lat);
            if out_of_china(x, y) {
                return; // near the box's edge, the preimage may fall outside it
            }
            let (gx, gy) = wgs_to_gcj(x, y);
            worst = worst.max((gx - lon).abs()).max((gy - lat).abs());
        };
        for i in 0..800 {
            for k in 0..500 {
                let lon = 72.01 + 65.8 * f64::from(i) / 800.0 + 1e-3 * f64::from(k % 7);
                let lat = 0.84 + 54.98 * f64::from(k) / 500.0 + 1e-3 * f64::from(i % 5);
                check(lon, lat);
            }
        }
        for d in [
            0.0, 1e-15, 1e-12, -1e-10, 1e-8, -1e-6, 1e-5, 9.9e-5, 1e-4, -1.01e-4, 1e-3,
        ] {
            for lat in [1.0, 20.0, 35.0, 55.0] {
                check(105.0 + d, lat);
            }
        }
        assert!(worst < 1e-10, "worst residual {worst:e} degrees");
    }

    #[test]
    #[allow(clippy::many_single_char_names, reason = "pairs of points")]
    fn the_tabulated_guess_is_within_its_bounds() {
        // The tabulated offset is within 3·10⁻⁶ degree of the formula's, the guess within
        // 3·10⁻⁶ degree of the preimage, the tabulated angles within 10⁻¹⁵ of `sin_cos`, on a
        // lattice of 2.1·10^6 points finer than the tables' nodes and off them.
        let table = Guess::get();
        let (mut offset, mut guess, mut angle): (f64, f64, f64) = (0.0, 0.0, 0.0);
        for i in 0..3000 {
            let lon = 72.01 + 65.8 * f64::from(i) / 3000.0 + 0.000_123;
            for k in 0..700 {
                let lat = 0.84 + 54.98 * f64::from(k) / 700.0 + 1e-4 * f64::from(i % 13);
                let (a, b) = (table.offset(lon, lat), gcj_offset(lon, lat));
                offset = offset.max((a.0 - b.0).abs()).max((a.1 - b.1).abs());
                let (x, y) = wgs_to_gcj(lon, lat);
                if !out_of_china(x, y) {
                    let (gx, gy) = table.inverse(x, y);
                    guess = guess.max((gx - lon).abs()).max((gy - lat).abs());
                }
                let (p, q) = (table.angles(lon, lat), Angles::at(lon, lat));
                for (u, v) in [(p.x, q.x), (p.y, q.y)] {
                    angle = angle.max((u.0 - v.0).abs()).max((u.1 - v.1).abs());
                }
            }
        }
        assert!(offset < 3e-6, "tabulated offset off by {offset:e}");
        assert!(guess < 3e-6, "guess off by {guess:e}");
        assert!(angle < 1e-15, "angles off by {angle:e}");
    }

    #[test]
    fn inverse_is_within_1e10_degrees_on_a_dense_lattice() {
        // 2.1·10^6 GCJ-02 points every ~0.03 degree of longitude and ~0.05 of latitude, each
        // nudged by a different fraction of the spacing, through the slice form (as locating
        // uses it): the forward image of the inverse is the input to better than 10⁻¹⁰ degree.
        let (nx, ny) = (2100u32, 1000u32);
        let mut lon = Vec::new();
        let mut lat = Vec::new();
        for i in 0..nx {
            for k in 0..ny {
                let jitter = f64::from((i * 7 + k * 13) % 97) / 97.0;
                lon.push(72.01 + 65.8 * (f64::from(i) + jitter) / f64::from(nx));
                lat.push(0.84 + 54.98 * (f64::from(k) + 0.5 * jitter) / f64::from(ny));
            }
        }
        let (mut x, mut y) = (vec![0.0; lon.len()], vec![0.0; lon.len()]);
        gcj_to_wgs_slice(&lon, &lat, &mut x, &mut y);
        let mut worst: f64 = 0.0;
        for i in 0..lon.len() {
            if out_of_china(x[i], y[i]) {
                continue; // near the box's edge, the preimage may fall outside it
            }
            let (gx, gy) = wgs_to_gcj(x[i], y[i]);
            worst = worst.max((gx - lon[i]).abs()).max((gy - lat[i]).abs());
        }
        assert!(worst < 1e-10, "worst residual {worst:e} degrees");
    }

    #[test]
    fn the_slice_form_gives_the_scalar_results_bit_for_bit() {
        let n = 10_007; // not a multiple of the block
        let lon: Vec<f64> = (0..n).map(|i| 70.0 + f64::from(i % 331) * 0.21).collect();
        let lat: Vec<f64> = (0..n).map(|i| f64::from(i / 331) * 1.83 + 0.5).collect();
        for from in [Crs::Gcj02, Crs::Bd09] {
            let (mut x, mut y) = (vec![0.0; n as usize], vec![0.0; n as usize]);
            convert_slice_unchecked(&lon, &lat, from, Crs::Wgs84, &mut x, &mut y);
            for i in 0..n as usize {
                assert_eq!(
                    convert_unchecked(lon[i], lat[i], from, Crs::Wgs84),
                    (x[i], y[i]),
                    "point {i}"
                );
            }
        }
    }
}
