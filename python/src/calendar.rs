//! `gridgov._gridgov.Calendar`: a frozen handle on a core [`Calendar`].
//!
//! Instants cross this boundary as `int` milliseconds since the Unix epoch (UTC) and arrays as
//! contiguous 1-D `int64` `NumPy` arrays (borrowed, not copied); the pure-Python layer converts
//! `datetime` objects and `datetime64` arrays. Bulk calls release the GIL.

use std::sync::Arc;

use chrono::NaiveDate;
use gridgov::calendar::{Calendar, TimeLimit};
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::errors::{OrRaise, invalid};

/// A working calendar (weekly windows plus 调休 date rules) with a fixed UTC offset.
#[pyclass(frozen, module = "gridgov._gridgov", name = "Calendar")]
pub struct PyCalendar {
    pub(crate) inner: Arc<Calendar>,
}

impl PyCalendar {
    pub(crate) fn new(cal: Calendar) -> Self {
        Self {
            inner: Arc::new(cal),
        }
    }
}

fn date(year: i32, month: u32, day: u32) -> PyResult<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
        invalid(
            "date",
            format!("{year:04}-{month:02}-{day:02}"),
            "not a calendar date",
        )
    })
}

fn slice<'a>(a: &'a PyReadonlyArray1<'_, i64>, name: &str) -> PyResult<&'a [i64]> {
    a.as_slice().map_err(|_| {
        invalid(
            name,
            "a non-contiguous array",
            "arrays must be C-contiguous",
        )
    })
}

#[pymethods]
#[expect(
    clippy::needless_pass_by_value,
    reason = "PyO3 extracts array arguments by value"
)]
impl PyCalendar {
    /// The built-in China calendar (State Council schedules 2024–2026, UTC+8).
    #[staticmethod]
    fn china() -> Self {
        Self::new(Calendar::china())
    }

    /// Builds a calendar from a TOML calendar table.
    #[staticmethod]
    fn from_toml(text: &str) -> PyResult<Self> {
        Calendar::from_toml_str(text).or_raise().map(Self::new)
    }

    /// Builds a calendar from a JSON calendar object (or a built-in name as a JSON string).
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        Calendar::from_json_str(text).or_raise().map(Self::new)
    }

    /// The calendar's name.
    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }

    /// The fixed UTC offset of local days, in minutes.
    #[getter]
    fn utc_offset_minutes(&self) -> i32 {
        self.inner.utc_offset_minutes()
    }

    /// First and last covered year.
    #[getter]
    fn years(&self) -> (i32, i32) {
        self.inner.years()
    }

    /// Length of one working day in minutes (for `N working_days`).
    #[getter]
    fn day_length_minutes(&self) -> i64 {
        self.inner.day_length_minutes()
    }

    /// The covered instants (ms): local 00:00 of the first year's 1 January, and of the
    /// 1 January after the last year.
    #[getter]
    fn covered_range(&self) -> (i64, i64) {
        self.inner.covered_range()
    }

    /// What the calendar was built from, as JSON (`from_json` accepts it back).
    fn spec_json(&self) -> PyResult<String> {
        serde_json::to_string(self.inner.spec())
            .map_err(|e| invalid("calendar spec", e, "cannot be serialised"))
    }

    /// Whether a local date is a workday.
    fn is_workday(&self, year: i32, month: u32, day: u32) -> PyResult<bool> {
        self.inner.is_workday(date(year, month, day)?).or_raise()
    }

    /// Working windows of a local date as `(start, end)` minutes after midnight.
    fn windows_on(&self, year: i32, month: u32, day: u32) -> PyResult<Vec<(u16, u16)>> {
        let ws = self.inner.windows_on(date(year, month, day)?).or_raise()?;
        Ok(ws.iter().map(|w| (w.start, w.end)).collect())
    }

    /// Working minutes on a local date.
    fn working_minutes_on(&self, year: i32, month: u32, day: u32) -> PyResult<u32> {
        self.inner
            .working_minutes_on(date(year, month, day)?)
            .or_raise()
    }

    /// `start` (ms) plus `duration_ms` of working time.
    fn add_working(&self, start: i64, duration_ms: i64) -> PyResult<i64> {
        self.inner.add_working(start, duration_ms).or_raise()
    }

    /// Working time in `[a, b)`, ms (negative when `b < a`).
    fn working_between(&self, a: i64, b: i64) -> PyResult<i64> {
        self.inner.working_between(a, b).or_raise()
    }

    /// The next working instant at or after `t` (ms).
    fn next_working(&self, t: i64) -> PyResult<i64> {
        self.inner.next_working(t).or_raise()
    }

    /// `start` (ms) plus a time limit written as text (`"4 working_hours"`, `"2 days"`).
    fn add_limit(&self, start: i64, limit: &str) -> PyResult<i64> {
        let limit: TimeLimit = limit.parse().or_raise()?;
        self.inner.add_limit(start, limit).or_raise()
    }

    /// Instants (ms) of texts as `Calendar::parse_instant` reads them (naive = this calendar's
    /// zone), for the conversion module's text columns. Returns the array and, at the first
    /// text that is not an instant, its index and the reason (the caller names the row).
    fn parse_instants<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<String>,
    ) -> (Bound<'py, PyArray1<i64>>, Option<(usize, String)>) {
        let cal = &*self.inner;
        let mut out = vec![0_i64; texts.len()];
        let bad = py.detach(|| {
            for (i, t) in texts.iter().enumerate() {
                match cal.parse_instant(t) {
                    Ok(ms) => out[i] = ms,
                    Err(gridgov::Error::InvalidValue { reason, .. }) => return Some((i, reason)),
                    Err(e) => return Some((i, e.to_string())),
                }
            }
            None
        });
        (out.into_pyarray(py), bad)
    }

    /// Bulk `add_working` over `int64` ms arrays.
    fn add_working_many<'py>(
        &self,
        py: Python<'py>,
        starts: PyReadonlyArray1<'py, i64>,
        durations_ms: PyReadonlyArray1<'py, i64>,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let (s, d) = (
            slice(&starts, "starts")?,
            slice(&durations_ms, "durations_ms")?,
        );
        let cal = &*self.inner;
        let mut out = vec![0_i64; s.len()];
        py.detach(|| cal.add_working_many(s, d, &mut out))
            .or_raise()?;
        Ok(out.into_pyarray(py))
    }

    /// Bulk `working_between` over `int64` ms arrays.
    fn working_between_many<'py>(
        &self,
        py: Python<'py>,
        a: PyReadonlyArray1<'py, i64>,
        b: PyReadonlyArray1<'py, i64>,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let (a, b) = (slice(&a, "a")?, slice(&b, "b")?);
        let cal = &*self.inner;
        let mut out = vec![0_i64; a.len()];
        py.detach(|| cal.working_between_many(a, b, &mut out))
            .or_raise()?;
        Ok(out.into_pyarray(py))
    }

    /// Bulk `next_working` over an `int64` ms array.
    fn next_working_many<'py>(
        &self,
        py: Python<'py>,
        t: PyReadonlyArray1<'py, i64>,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let t = slice(&t, "t")?;
        let cal = &*self.inner;
        let mut out = vec![0_i64; t.len()];
        py.detach(|| cal.next_working_many(t, &mut out))
            .or_raise()?;
        Ok(out.into_pyarray(py))
    }

    /// Bulk: whether the local date of each instant (ms) is a workday.
    fn is_workday_many<'py>(
        &self,
        py: Python<'py>,
        t: PyReadonlyArray1<'py, i64>,
    ) -> PyResult<Bound<'py, PyArray1<bool>>> {
        let t = slice(&t, "t")?;
        let cal = &*self.inner;
        let mut out = vec![false; t.len()];
        py.detach(|| cal.is_workday_many(t, &mut out)).or_raise()?;
        Ok(out.into_pyarray(py))
    }

    fn __eq__(&self, other: &Self) -> bool {
        self.inner == other.inner
    }

    fn __repr__(&self) -> String {
        let (a, b) = self.inner.years();
        format!("<_gridgov.Calendar {:?} {a}-{b}>", self.inner.name())
    }

    /// Pickles as `Calendar.from_json(spec_json)`.
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let ctor = py.get_type::<Self>().getattr("from_json")?;
        let args = PyTuple::new(py, [slf.get().spec_json()?])?;
        Ok((ctor, args))
    }
}
