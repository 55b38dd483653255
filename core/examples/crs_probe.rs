//! Instruction-count probe for issue 15 (`perf stat -e instructions:u`, which a loaded machine
//! does not disturb): `crs_probe convert|wgs84|gcj02` converts 10^6 seeded GCJ-02 points to
//! WGS-84, or locates 10^6 points given in WGS-84 or GCJ-02 into ten 10^4-vertex coastlines,
//! on one thread, and prints the wall time and the CPU time.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use gridgov::spatial::{Crs, GridFeature, GridMap, GridMapOptions, convert_many};

fn main() {
    let mode = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "convert".to_owned());
    let n: usize = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let features = (0..10)
        .map(|i| GridFeature {
            code: format!("C{i:02}"),
            polygons: vec![vec![common::fractal_coastline(
                110.0 + 0.5 * f64::from(i),
                30.0,
                0.2,
                10_000,
                0.55,
                u64::from(i as u8) + 1,
            )]],
        })
        .collect();
    let map = GridMap::from_features(features, &GridMapOptions::default()).expect("valid");
    let bbox = map.bbox().expect("not empty");
    let (lon, lat) = common::random_points(n, bbox, 0.02, 12);
    let (mut glon, mut glat) = (vec![0.0; n], vec![0.0; n]);
    convert_many(&lon, &lat, Crs::Wgs84, Crs::Gcj02, &mut glon, &mut glat).expect("valid");
    let mut out = vec![0i64; n];
    let (mut x, mut y) = (vec![0.0; n], vec![0.0; n]);
    let t = Instant::now();
    let cpu = cpu_seconds();
    match mode.as_str() {
        "wgs84" => map
            .locate_many(&lon, &lat, Crs::Wgs84, 1, &mut out)
            .expect("valid"),
        "gcj02" => map
            .locate_many(&glon, &glat, Crs::Gcj02, 1, &mut out)
            .expect("valid"),
        _ => {
            for i in 0..n {
                (x[i], y[i]) = gridgov::spatial::convert(glon[i], glat[i], Crs::Gcj02, Crs::Wgs84)
                    .expect("valid");
            }
        }
    }
    println!(
        "{mode}: {:.3} s, CPU {:.2} s",
        t.elapsed().as_secs_f64(),
        cpu_seconds() - cpu
    );
}

/// The CPU time of this process (user and system, all threads), from `/proc/self/stat` (Linux; 0
/// elsewhere), in seconds at the kernel's 100 ticks a second: unlike the wall time, it does
/// not count the time other processes take the core.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // the fields after the command name (which may hold spaces) in parentheses
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ticks = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
            Some(ticks as f64 / 100.0)
        })
        .unwrap_or(0.0)
}
