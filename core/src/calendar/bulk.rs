//! Bulk operations over arrays (the bindings' `NumPy` paths): [`Calendar::add_working_many`],
//! [`Calendar::working_between_many`], [`Calendar::next_working_many`] and
//! [`Calendar::is_workday_many`], each naming the element an error is about (`starts[i]`).

use crate::error::{Error, Result};

use super::days::{Calendar, Who};
use super::time::{DAY_MS, Millis};

fn check_lengths(parts: &[(&str, usize)]) -> Result<()> {
    let first = parts.first().map_or(0, |p| p.1);
    if parts.iter().all(|p| p.1 == first) {
        return Ok(());
    }
    let value = parts
        .iter()
        .map(|(n, l)| format!("{n} {l}"))
        .collect::<Vec<_>>()
        .join(", ");
    Err(Error::invalid(
        "slice lengths",
        value,
        "the input and output slices must have the same length",
    ))
}

impl Calendar {
    /// [`Calendar::add_working`] over slices: `out[i] = add_working(starts[i], durations_ms[i])`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] when the three lengths differ (naming them), for `NaT`
    /// (`what` = `starts[i]`) or a negative duration (`durations_ms[i]`);
    /// [`Error::CalendarRange`] whose `date` ends with `(starts[i])`. On error, `out` holds the
    /// results of the elements before `i`.
    ///
    /// # Examples
    ///
    /// ```
    /// use gridgov::calendar::Calendar;
    /// let cal = Calendar::china();
    /// let t = cal.parse_local("2025-03-03 08:00")?;
    /// let mut out = [0; 2];
    /// cal.add_working_many(&[t, t], &[0, 3_600_000], &mut out)?;
    /// assert_eq!(out, [t, t + 3_600_000]);
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn add_working_many(
        &self,
        starts: &[Millis],
        durations_ms: &[i64],
        out: &mut [Millis],
    ) -> Result<()> {
        check_lengths(&[
            ("starts", starts.len()),
            ("durations_ms", durations_ms.len()),
            ("out", out.len()),
        ])?;
        for (i, ((o, &s), &d)) in out.iter_mut().zip(starts).zip(durations_ms).enumerate() {
            *o = self.add_working_impl(s, d, Who::at("starts", i), Who::at("durations_ms", i))?;
        }
        Ok(())
    }

    /// [`Calendar::working_between`] over slices: `out[i] = working_between(a[i], b[i])`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] when the lengths differ or for `NaT` (`what` = `a[i]` / `b[i]`);
    /// [`Error::CalendarRange`] whose `date` ends with `(a[i])` or `(b[i])`.
    ///
    /// # Examples
    ///
    /// ```
    /// use gridgov::calendar::Calendar;
    /// let cal = Calendar::china();
    /// let a = cal.parse_local("2025-03-03 08:00")?;
    /// let mut out = [0; 1];
    /// cal.working_between_many(&[a], &[a + 86_400_000], &mut out)?;
    /// assert_eq!(out, [8 * 3_600_000]);
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn working_between_many(&self, a: &[Millis], b: &[Millis], out: &mut [i64]) -> Result<()> {
        check_lengths(&[("a", a.len()), ("b", b.len()), ("out", out.len())])?;
        for (i, ((o, &x), &y)) in out.iter_mut().zip(a).zip(b).enumerate() {
            *o = self.between_impl(x, y, Who::at("a", i), Who::at("b", i))?;
        }
        Ok(())
    }

    /// [`Calendar::next_working`] over slices.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] when the lengths differ or for `NaT` (`what` = `t[i]`);
    /// [`Error::CalendarRange`] whose `date` ends with `(t[i])`.
    ///
    /// # Examples
    ///
    /// ```
    /// use gridgov::calendar::Calendar;
    /// let cal = Calendar::china();
    /// let t = cal.parse_local("2025-03-01 10:00")?; // Saturday
    /// let mut out = [0; 1];
    /// cal.next_working_many(&[t], &mut out)?;
    /// assert_eq!(out[0], cal.parse_local("2025-03-03 08:00")?);
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn next_working_many(&self, t: &[Millis], out: &mut [Millis]) -> Result<()> {
        check_lengths(&[("t", t.len()), ("out", out.len())])?;
        for (i, (o, &x)) in out.iter_mut().zip(t).enumerate() {
            *o = self.next_impl(x, Who::at("t", i))?;
        }
        Ok(())
    }

    /// Whether the local date of each instant is a workday.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] when the lengths differ or for `NaT` (`what` = `t[i]`);
    /// [`Error::CalendarRange`] whose `date` ends with `(t[i])`.
    ///
    /// # Examples
    ///
    /// ```
    /// use gridgov::calendar::Calendar;
    /// let cal = Calendar::china();
    /// let t = [cal.parse_local("2024-02-04 23:59")?, cal.parse_local("2024-02-10 12:00")?];
    /// let mut out = [false; 2];
    /// cal.is_workday_many(&t, &mut out)?;
    /// assert_eq!(out, [true, false]);
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn is_workday_many(&self, t: &[Millis], out: &mut [bool]) -> Result<()> {
        check_lengths(&[("t", t.len()), ("out", out.len())])?;
        for (i, (o, &x)) in out.iter_mut().zip(t).enumerate() {
            let rel = self.rel_open(x, Who::at("t", i))?;
            let day = (rel / DAY_MS) as usize;
            *o = self.day_index[day] != self.day_index[day + 1];
        }
        Ok(())
    }
}
