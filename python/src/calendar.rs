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
use pyo3::types::{PyString, PyTuple};

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

/// Instants parsed from text, and at the first bad text its index and reason.
type Parsed<'py> = (Bound<'py, PyArray1<i64>>, Option<(usize, String)>);

/// [`Parsed`], with the indices of the objects that are not text (left to the caller).
type ParsedObjects<'py> = (
    Bound<'py, PyArray1<i64>>,
    Vec<usize>,
    Option<(usize, String)>,
);

/// `NumPy`'s `NaT` as an `i64`: "no instant" in a column.
const NAT: i64 = i64::MIN;

/// The reason of a core error, without the value (the caller names the row and the value).
fn reason(e: gridgov::Error) -> String {
    match e {
        gridgov::Error::InvalidValue { reason, .. } => reason,
        e => e.to_string(),
    }
}

fn slice<'a>(a: &'a PyReadonlyArray1<'_, i64>, name: &str) -> PyResult<&'a [i64]> {
    a.as_slice().map_err(|_| {
        invalid(
            name,
            "a non-contiguous array",
            "arrays must be C-contiguous and aligned",
        )
    })
}

#[pymethods]
#[expect(
    clippy::needless_pass_by_value,
    reason = "PyO3 extracts array arguments by value"
)]
impl PyCalendar {
    /// The built-in China calendar (State Council schedules 2019–2026, UTC+8).
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

    /// Instants (ms) of a sequence of objects, for the conversion module: each `str` as
    /// `Calendar::parse_instant` reads it (naive = this calendar's zone), `None` as `NaT`.
    /// Returns the array, the indices of the other objects (`NaT` in the array; the caller
    /// converts them) and, at the first text that is not an instant, its index and reason.
    fn parse_instants<'py>(
        &self,
        py: Python<'py>,
        values: &Bound<'py, PyAny>,
    ) -> PyResult<ParsedObjects<'py>> {
        let cal = &*self.inner;
        let mut out = Vec::new();
        let mut others = Vec::new();
        for (i, item) in values.try_iter()?.enumerate() {
            let item = item?;
            if item.is_none() {
                out.push(NAT);
            } else if let Ok(text) = item.cast::<PyString>() {
                match cal.parse_instant(&text.to_cow()?) {
                    Ok(ms) => out.push(ms),
                    Err(e) => return Ok((out.into_pyarray(py), others, Some((i, reason(e))))),
                }
            } else {
                others.push(i);
                out.push(NAT);
            }
        }
        Ok((out.into_pyarray(py), others, None))
    }

    /// Instants (ms) of an Arrow string column given as its buffers (64-bit `offsets`, `data`,
    /// an optional validity bitmap, the array's `offset`): nulls are `NaT`. Returns the array
    /// and, at the first text that is not an instant, its row and reason. The GIL is released.
    #[pyo3(signature = (offsets, data, validity, offset))]
    fn parse_instants_utf8<'py>(
        &self,
        py: Python<'py>,
        offsets: PyReadonlyArray1<'py, i64>,
        data: PyReadonlyArray1<'py, u8>,
        validity: Option<PyReadonlyArray1<'py, u8>>,
        offset: usize,
    ) -> PyResult<Parsed<'py>> {
        let offs = slice(&offsets, "offsets")?;
        let bytes = data.as_slice().map_err(|_| {
            invalid(
                "data",
                "a non-contiguous array",
                "arrays must be C-contiguous and aligned",
            )
        })?;
        let valid = match &validity {
            Some(v) => Some(v.as_slice().map_err(|_| {
                invalid(
                    "validity",
                    "a non-contiguous array",
                    "arrays must be C-contiguous and aligned",
                )
            })?),
            None => None,
        };
        let rows = offs.len().saturating_sub(offset + 1);
        if valid.is_some_and(|v| v.len() * 8 < offset + rows) {
            return Err(invalid(
                "validity",
                "a short bitmap",
                "shorter than the rows",
            ));
        }
        let cal = &*self.inner;
        let mut out = vec![NAT; rows];
        let bad = py.detach(|| {
            for (row, slot) in out.iter_mut().enumerate() {
                let at = offset + row;
                if valid.is_some_and(|v| v[at / 8] & (1 << (at % 8)) == 0) {
                    continue;
                }
                let (lo, hi) = (offs[at], offs[at + 1]);
                let text = usize::try_from(lo)
                    .ok()
                    .zip(usize::try_from(hi).ok())
                    .and_then(|(lo, hi)| bytes.get(lo..hi))
                    .and_then(|b| std::str::from_utf8(b).ok());
                let Some(text) = text else {
                    return Some((
                        row,
                        "is not UTF-8 text within the column's buffers".to_string(),
                    ));
                };
                match cal.parse_instant(text) {
                    Ok(ms) => *slot = ms,
                    Err(e) => return Some((row, reason(e))),
                }
            }
            None
        });
        Ok((out.into_pyarray(py), bad))
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
