//! Point location: which grid a point is in ([`GridMap::locate`], [`GridMap::locate_in`]) and
//! the bulk form over arrays on all cores ([`GridMap::locate_many`]), under the boundary rule
//! of the [module documentation](crate::spatial#the-boundary-rule).

use std::ops::ControlFlow;

use crate::error::Result;
use crate::parallel;

use super::crs::{self, Crs, convert};
use super::geometry::{self, Position, Pt};
use super::map::{GridMap, Part};

/// Below this many points per thread, bulk location does not spawn threads.
const MIN_POINTS_PER_THREAD: usize = 16_384;
/// From this many points per thread on, bulk location visits points in Z-order.
const SORT_MIN_POINTS: usize = 4_096;
/// Number of cells of the Z-order raster (256 × 256).
const CELLS: usize = 1 << 16;

impl GridMap {
    /// Index of the grid containing the WGS-84 point, `None` when it is in no grid (or not a
    /// finite coordinate). Points exactly on a boundary follow the rule of the
    /// [module documentation](crate::spatial#the-boundary-rule): interior first, then the
    /// smallest index.
    ///
    /// # Examples
    /// ```
    /// let model = gridgov::Model::sample();
    /// let map = model.grid_map().expect("the sample city has boundaries");
    /// let i = map.locate(117.0627, 36.7131).expect("inside the city");
    /// assert_eq!(map.codes()[i].len(), 14);
    /// assert_eq!(map.locate(116.0, 36.0), None);
    /// ```
    pub fn locate(&self, lon: f64, lat: f64) -> Option<usize> {
        if !(lon.is_finite() && lat.is_finite()) {
            return None;
        }
        self.locate_point([lon, lat])
    }

    /// Like [`GridMap::locate`] for a point in `crs`, which is converted to WGS-84 first.
    ///
    /// # Errors
    /// [`Error::InvalidValue`](crate::Error::InvalidValue) naming `lon` or `lat` when a
    /// coordinate is NaN, infinite or outside ±180 / ±90 degrees.
    pub fn locate_in(&self, lon: f64, lat: f64, crs: Crs) -> Result<Option<usize>> {
        let (x, y) = convert(lon, lat, crs, Crs::Wgs84)?;
        Ok(self.locate_point([x, y]))
    }

    /// [`GridMap::locate`] by the plain point-in-polygon test — every segment of every ring of
    /// every candidate polygon — without the polygon indexes: the reference the indexes are
    /// checked against (the answer is always the same) and measured against.
    ///
    /// # Examples
    /// ```
    /// let model = gridgov::Model::sample();
    /// let map = model.grid_map().expect("sample boundaries");
    /// assert_eq!(map.locate_unindexed(117.0627, 36.7131), map.locate(117.0627, 36.7131));
    /// ```
    pub fn locate_unindexed(&self, lon: f64, lat: f64) -> Option<usize> {
        if !(lon.is_finite() && lat.is_finite()) {
            return None;
        }
        self.locate_with([lon, lat], false)
    }

    #[inline]
    fn locate_point(&self, p: Pt) -> Option<usize> {
        self.locate_with(p, true)
    }

    #[inline]
    fn locate_with(&self, p: Pt, indexed: bool) -> Option<usize> {
        let mut buf = [0u32; 16];
        let mut n = 0usize;
        let mut spill: Vec<u32> = Vec::new();
        let _ = self.tree.locate_all_at_point_int(&p, |e| {
            if n < buf.len() {
                buf[n] = e.data;
                n += 1;
            } else {
                spill.push(e.data);
            }
            ControlFlow::<()>::Continue(())
        });
        let cands: &mut [u32] = if spill.is_empty() {
            &mut buf[..n]
        } else {
            spill.extend_from_slice(&buf[..n]);
            &mut spill
        };
        if cands.len() > 1 {
            // Parts are stored in grid order: ascending part index is ascending grid index.
            cands.sort_unstable();
        }
        let mut boundary = None;
        for &c in cands.iter() {
            let part = &self.parts[c as usize];
            let position = match &self.indexes[c as usize] {
                Some(index) if indexed => index.position(&self.coords, p),
                _ => self.part_position(part, p),
            };
            match position {
                Position::Inside => return Some(part.grid),
                Position::OnBoundary => {
                    if boundary.is_none() {
                        boundary = Some(part.grid);
                    }
                }
                Position::Outside => {}
            }
        }
        boundary
    }

    /// Position of `p` relative to a part by the plain test: every segment of every ring. The
    /// polygon index of a detailed part gives the same answer faster.
    #[inline]
    pub(super) fn part_position(&self, part: &Part, p: Pt) -> Position {
        let rings = &self.rings[part.start..part.end];
        let shell = &rings[0];
        match geometry::ring_position(&self.coords[shell.start..shell.end], p) {
            Position::Inside => {}
            other => return other,
        }
        for hole in &rings[1..] {
            if !geometry::bbox_contains(&hole.bbox, p) {
                continue;
            }
            match geometry::ring_position(&self.coords[hole.start..hole.end], p) {
                Position::Inside => return Position::Outside,
                Position::OnBoundary => return Position::OnBoundary,
                Position::Outside => {}
            }
        }
        Position::Inside
    }

    /// Locates many points: `out[i]` receives the index of the grid containing
    /// `(lon[i], lat[i])`, or −1 when it is in none. Points are given in `crs` and converted
    /// to WGS-84 first. The work is split into contiguous chunks over `threads` threads
    /// (`0`: all available cores); the result does not depend on the thread count. Each
    /// thread visits its points in spatial (Z-) order, which keeps the polygons it tests in
    /// cache: random input runs about twice as fast as in input order.
    ///
    /// Every input is checked before anything is written, so on error `out` is untouched.
    ///
    /// # Errors
    /// [`Error::InvalidValue`](crate::Error::InvalidValue) when the lengths differ, or naming
    /// the first bad element (`lon[3]`) when a coordinate is NaN, infinite or out of range.
    ///
    /// # Examples
    /// ```
    /// use gridgov::spatial::Crs;
    /// let model = gridgov::Model::sample();
    /// let map = model.grid_map().expect("sample boundaries");
    /// let mut out = vec![0i64; 2];
    /// map.locate_many(&[117.0627, 100.0], &[36.7131, 30.0], Crs::Wgs84, 0, &mut out)?;
    /// assert!(out[0] >= 0 && out[1] == -1);
    /// let err = map.locate_many(&[117.0, f64::NAN], &[36.7, 36.7], Crs::Gcj02, 0, &mut out);
    /// assert!(err.unwrap_err().to_string().contains("lon[1]"));
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn locate_many(
        &self,
        lon: &[f64],
        lat: &[f64],
        crs: Crs,
        threads: usize,
        out: &mut [i64],
    ) -> Result<()> {
        crs::check_lengths(lon.len(), &[("lat", lat.len()), ("out", out.len())])?;
        crs::check_points(lon, lat)?;
        let n = lon.len();
        let threads = parallel::thread_count(threads, n, MIN_POINTS_PER_THREAD);
        let one = |x: f64, y: f64| -> i64 { self.locate_point([x, y]).map_or(-1, |g| g as i64) };
        let work = |lon: &[f64], lat: &[f64], out: &mut [i64]| {
            // Points in GCJ-02 or BD-09 are converted first, the whole chunk at once (the
            // inverse runs several points in lockstep: `crs::convert_slice_unchecked`).
            let converted;
            let (lon, lat) = match crs {
                Crs::Wgs84 | Crs::Cgcs2000 => (lon, lat),
                _ => {
                    let (mut x, mut y) = (vec![0.0; lon.len()], vec![0.0; lon.len()]);
                    crs::convert_slice_unchecked(lon, lat, crs, Crs::Wgs84, &mut x, &mut y);
                    converted = (x, y);
                    (converted.0.as_slice(), converted.1.as_slice())
                }
            };
            if lon.len() < SORT_MIN_POINTS {
                for ((x, y), o) in lon.iter().zip(lat).zip(out.iter_mut()) {
                    *o = one(*x, *y);
                }
                return;
            }
            // Visit the points in Z-order of their position so that consecutive queries touch
            // the same tree nodes and polygons, which then stay in cache: a counting sort into
            // the 256 × 256 cells of the map's box, carrying the coordinates along so that
            // they are read in order. The order of visits does not change any result.
            let keys: Vec<u16> = lon
                .iter()
                .zip(lat)
                .map(|(x, y)| self.cell(*x, *y))
                .collect();
            let mut start = vec![0usize; CELLS + 1];
            for &k in &keys {
                start[usize::from(k) + 1] += 1;
            }
            for c in 1..=CELLS {
                start[c] += start[c - 1];
            }
            let mut sorted = vec![(0.0f64, 0.0f64, 0usize); keys.len()];
            for (i, &k) in keys.iter().enumerate() {
                let slot = &mut start[usize::from(k)];
                sorted[*slot] = (lon[i], lat[i], i);
                *slot += 1;
            }
            for (x, y, i) in sorted {
                out[i] = one(x, y);
            }
        };
        parallel::map_chunks(((lon, lat), out), threads, |((lon, lat), out)| {
            work(lon, lat, out);
        });
        Ok(())
    }

    /// Z-order (Morton) number of the cell of a point on a 256 × 256 raster of the map's box.
    fn cell(&self, lon: f64, lat: f64) -> u16 {
        let Some(bbox) = self.bbox else { return 0 };
        let quantise = |value: f64, lo: f64, hi: f64| -> u16 {
            let t = if hi > lo {
                (value - lo) / (hi - lo)
            } else {
                0.0
            };
            (t.clamp(0.0, 1.0) * 255.0) as u16
        };
        let spread = |bits: u16| -> u16 {
            let mut v = bits & 0xff;
            v = (v | (v << 4)) & 0x0f0f;
            v = (v | (v << 2)) & 0x3333;
            (v | (v << 1)) & 0x5555
        };
        spread(quantise(lon, bbox[0], bbox[2])) | (spread(quantise(lat, bbox[1], bbox[3])) << 1)
    }
}
