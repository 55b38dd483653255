//! BD-09 (Baidu's offset on top of GCJ-02): the forward formula and its inverse by fixed-point
//! iteration. Documented in the parent module ("Coordinate systems").

use std::f64::consts::PI;

use super::gcj::{INVERSE_MAX_STEPS, out_of_china};

/// Baidu's `x_pi`.
const X_PI: f64 = PI * 3000.0 / 180.0;
/// The BD-09 inverse iteration stops after a step smaller than this (degrees). The offsets
/// change by less than 0.008 degree per degree, so the error left after such a step is below
/// 10⁻¹⁰.
const INVERSE_STEP: f64 = 1e-8;

fn gcj_to_bd_raw(lon: f64, lat: f64) -> (f64, f64) {
    let z = lon.hypot(lat) + 0.00002 * (lat * X_PI).sin();
    let theta = lat.atan2(lon) + 0.000_003 * (lon * X_PI).cos();
    (z * theta.cos() + 0.0065, z * theta.sin() + 0.006)
}

pub(super) fn gcj_to_bd(lon: f64, lat: f64) -> (f64, f64) {
    if out_of_china(lon, lat) {
        return (lon, lat);
    }
    gcj_to_bd_raw(lon, lat)
}

pub(super) fn bd_to_gcj(lon: f64, lat: f64) -> (f64, f64) {
    if out_of_china(lon, lat) {
        return (lon, lat);
    }
    // Baidu's approximate inverse as the starting point, then g <- g - (F(g) - b).
    let (x0, y0) = (lon - 0.0065, lat - 0.006);
    let z = x0.hypot(y0) - 0.00002 * (y0 * X_PI).sin();
    let theta = y0.atan2(x0) - 0.000_003 * (x0 * X_PI).cos();
    let (mut x, mut y) = (z * theta.cos(), z * theta.sin());
    for _ in 0..INVERSE_MAX_STEPS {
        let (bx, by) = gcj_to_bd_raw(x, y);
        let (ex, ey) = (bx - lon, by - lat);
        x -= ex;
        y -= ey;
        if ex.abs() < INVERSE_STEP && ey.abs() < INVERSE_STEP {
            break;
        }
    }
    (x, y)
}
