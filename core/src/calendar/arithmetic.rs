//! Working-time arithmetic on a [`Calendar`]: adding working time ([`Calendar::add_working`])
//! or a [`TimeLimit`] ([`Calendar::add_limit`]), measuring it
//! ([`Calendar::working_between`]) and finding the next working instant
//! ([`Calendar::next_working`]), each in O(log n) over the prefix sums of the day tables.

use crate::error::{Error, Result};

use super::days::{Calendar, Who, nat_error};
use super::limit::TimeLimit;
use super::time::{DAY_MS, MINUTE_MS, Millis, NAT};

impl Calendar {
    /// Offset of `t` from the covered start, for interval end points (closed range).
    #[inline]
    fn rel_closed(&self, t: Millis, who: Who) -> Result<i64> {
        if t == NAT {
            return Err(nat_error(who));
        }
        if t < self.start_ms || t > self.end_ms {
            return Err(self.instant_range_error(t, who));
        }
        Ok(t - self.start_ms)
    }

    /// Offset of `t` from the covered start, when `t`'s own day must be covered.
    #[inline]
    pub(super) fn rel_open(&self, t: Millis, who: Who) -> Result<i64> {
        if t == NAT {
            return Err(nat_error(who));
        }
        if t < self.start_ms || t >= self.end_ms {
            return Err(self.instant_range_error(t, who));
        }
        Ok(t - self.start_ms)
    }

    /// Working time (ms) from the covered start to `rel` (0 <= rel <= span).
    #[inline]
    fn cum_ms(&self, rel: i64) -> i64 {
        let day = (rel / DAY_MS) as usize;
        if day + 1 >= self.prefix_ms.len() {
            return self.total_working_ms();
        }
        let tod = rel - day as i64 * DAY_MS;
        let mut c = self.prefix_ms[day];
        for w in self.day_windows(day) {
            let s = i64::from(w.start) * MINUTE_MS;
            if tod <= s {
                break;
            }
            c += tod.min(i64::from(w.end) * MINUTE_MS) - s;
        }
        c
    }

    /// Adds `duration_ms` of working time to `start`: the earliest instant `t >= start` such
    /// that the working time in `[start, t)` equals `duration_ms`.
    ///
    /// A zero duration returns `start` unchanged (even outside a window). A duration that ends
    /// exactly at a window's end gives that end (12:00, not 14:00).
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidValue`] for a negative duration or a `NaT` start.
    /// * [`Error::CalendarRange`] when `start` is outside the covered range, or when the result
    ///   would lie past the last covered year (the error names the first uncovered date).
    ///
    /// # Examples
    ///
    /// ```
    /// use gridgov::calendar::Calendar;
    /// let cal = Calendar::china();
    /// let h = 3_600_000;
    /// // Reported at 17:30 on a workday, 4 working hours: 11:30 next workday.
    /// let t = cal.parse_local("2025-03-03 17:30")?;
    /// assert_eq!(cal.add_working(t, 4 * h)?, cal.parse_local("2025-03-04 11:30")?);
    /// // Ending exactly at a window end gives the window end.
    /// let t = cal.parse_local("2025-03-04 08:00")?;
    /// assert_eq!(cal.add_working(t, 4 * h)?, cal.parse_local("2025-03-04 12:00")?);
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn add_working(&self, start: Millis, duration_ms: i64) -> Result<Millis> {
        self.add_working_impl(
            start,
            duration_ms,
            Who::arg("start"),
            Who::arg("duration_ms"),
        )
    }

    #[inline]
    pub(super) fn add_working_impl(
        &self,
        start: Millis,
        d: i64,
        ws: Who,
        wd: Who,
    ) -> Result<Millis> {
        let rel = self.rel_closed(start, ws)?;
        if d <= 0 {
            if d == 0 {
                return Ok(start);
            }
            return Err(Error::invalid(
                wd.to_string(),
                d,
                "working durations must be >= 0",
            ));
        }
        let from = self.cum_ms(rel);
        let total = self.total_working_ms();
        if d > total - from {
            return Err(self.past_end_error(ws));
        }
        let target = from + d;
        let day = self.day_of_target((rel / DAY_MS) as usize, target);
        let mut remaining = target - self.prefix_ms[day];
        for w in self.day_windows(day) {
            let len = i64::from(w.minutes()) * MINUTE_MS;
            if remaining <= len {
                return Ok(self.start_ms
                    + day as i64 * DAY_MS
                    + i64::from(w.start) * MINUTE_MS
                    + remaining);
            }
            remaining -= len;
        }
        // Unreachable: prefix_ms[day] < target <= prefix_ms[day + 1].
        Err(self.past_end_error(ws))
    }

    /// The last day `i >= from` with `prefix_ms[i] < target` (requires
    /// `prefix_ms[from] < target <= total`): galloping search from `from`, then binary search.
    #[inline]
    fn day_of_target(&self, from: usize, target: i64) -> usize {
        let p = &self.prefix_ms;
        let last = p.len() - 1;
        let mut lo = from.min(last);
        let mut step = 1;
        let mut hi = lo + step;
        while hi < last && p[hi] < target {
            lo = hi;
            step *= 2;
            hi = lo + step;
        }
        let hi = hi.min(last);
        // p[lo] < target <= p[hi]
        lo + p[lo..=hi].partition_point(|&x| x < target) - 1
    }

    /// Working time in `[a, b)` in milliseconds; negative when `b < a`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for `NaT`; [`Error::CalendarRange`] when `a` or `b` lies outside
    /// the covered range (00:00 after the last covered day is accepted).
    ///
    /// # Examples
    ///
    /// ```
    /// use gridgov::calendar::Calendar;
    /// let cal = Calendar::china();
    /// let a = cal.parse_local("2025-09-30 16:00")?;
    /// let b = cal.parse_local("2025-10-10 16:00")?; // across the 8-day 国庆 break
    /// assert_eq!(cal.working_between(a, b)?, 16 * 3_600_000);
    /// assert_eq!(cal.working_between(b, a)?, -16 * 3_600_000);
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn working_between(&self, a: Millis, b: Millis) -> Result<i64> {
        self.between_impl(a, b, Who::arg("a"), Who::arg("b"))
    }

    #[inline]
    pub(super) fn between_impl(&self, a: Millis, b: Millis, wa: Who, wb: Who) -> Result<i64> {
        let ra = self.rel_closed(a, wa)?;
        let rb = self.rel_closed(b, wb)?;
        Ok(self.cum_ms(rb) - self.cum_ms(ra))
    }

    /// The next working instant: `t` itself when it lies inside a window, else the start of
    /// the next window.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for `NaT`; [`Error::CalendarRange`] when `t`'s local day is not
    /// covered or no window follows before the end of the covered years.
    ///
    /// # Examples
    ///
    /// ```
    /// use gridgov::calendar::Calendar;
    /// let cal = Calendar::china();
    /// let t = cal.parse_local("2024-02-09 18:30")?; // Friday evening before 春节
    /// assert_eq!(cal.next_working(t)?, cal.parse_local("2024-02-18 08:00")?); // 调休 Sunday
    /// let t = cal.parse_local("2024-02-19 09:15")?;
    /// assert_eq!(cal.next_working(t)?, t);
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn next_working(&self, t: Millis) -> Result<Millis> {
        self.next_impl(t, Who::arg("t"))
    }

    #[inline]
    pub(super) fn next_impl(&self, t: Millis, who: Who) -> Result<Millis> {
        let rel = self.rel_open(t, who)?;
        let day = (rel / DAY_MS) as usize;
        let tod = rel - day as i64 * DAY_MS;
        for w in self.day_windows(day) {
            if tod < i64::from(w.end) * MINUTE_MS {
                return Ok(t + (i64::from(w.start) * MINUTE_MS - tod).max(0));
            }
        }
        let p = &self.prefix_ms;
        let level = p[day + 1];
        let k = day + 1 + p[day + 1..].partition_point(|&x| x <= level);
        if k >= p.len() {
            return Err(self.past_end_error(who));
        }
        let next = k - 1;
        let first = self.day_windows(next).first().map_or(0, |w| w.start);
        Ok(self.start_ms + next as i64 * DAY_MS + i64::from(first) * MINUTE_MS)
    }

    /// The deadline of a stage started at `start` with limit `limit`: working limits via
    /// [`Calendar::add_working`] (`N working_days` = N × [`Calendar::day_length_minutes`]),
    /// continuous limits by plain (checked) addition, which needs no calendar data.
    ///
    /// # Errors
    ///
    /// As [`Calendar::add_working`] for working limits; [`Error::InvalidValue`] for a negative
    /// amount, `NaT` or arithmetic overflow.
    ///
    /// # Examples
    ///
    /// ```
    /// use gridgov::calendar::{Calendar, TimeLimit};
    /// let cal = Calendar::china();
    /// let start = cal.parse_local("2025-09-30 16:00")?;
    /// let due = cal.add_limit(start, TimeLimit::WorkingDays { days: 2 })?;
    /// assert_eq!(due, cal.parse_local("2025-10-10 16:00")?);
    /// let due = cal.add_limit(start, "2 hours".parse()?)?;
    /// assert_eq!(due, cal.parse_local("2025-09-30 18:00")?);
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn add_limit(&self, start: Millis, limit: TimeLimit) -> Result<Millis> {
        let overflow = || {
            Error::invalid(
                "limit",
                limit,
                "the limit overflows when converted to milliseconds",
            )
        };
        let negative = || Error::invalid("limit", limit, "time limits must be >= 0");
        match limit {
            TimeLimit::Working { minutes } => {
                if minutes < 0 {
                    return Err(negative());
                }
                let ms = minutes.checked_mul(MINUTE_MS).ok_or_else(overflow)?;
                self.add_working(start, ms)
            }
            TimeLimit::WorkingDays { days } => {
                if days < 0 {
                    return Err(negative());
                }
                let ms = days
                    .checked_mul(self.day_length)
                    .and_then(|m| m.checked_mul(MINUTE_MS))
                    .ok_or_else(overflow)?;
                self.add_working(start, ms)
            }
            TimeLimit::Continuous { minutes } => {
                if start == NAT {
                    return Err(nat_error(Who::arg("start")));
                }
                if minutes < 0 {
                    return Err(negative());
                }
                minutes
                    .checked_mul(MINUTE_MS)
                    .and_then(|ms| start.checked_add(ms))
                    .ok_or_else(|| {
                        Error::invalid("start", start, format!("adding {limit} overflows"))
                    })
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn extreme_instants_never_panic() {
        let cal = Calendar::china();
        for t in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX - 1, i64::MAX] {
            let _ = cal.try_local_date(t);
            let _ = cal.add_working(t, 1);
            let _ = cal.add_working(t, i64::MAX);
            let _ = cal.working_between(t, i64::MAX);
            let _ = cal.next_working(t);
            let _ = cal.add_limit(t, TimeLimit::Continuous { minutes: i64::MAX });
            let _ = cal.add_limit(t, TimeLimit::WorkingDays { days: i64::MAX });
            let _ = cal.add_limit(t, TimeLimit::Working { minutes: i64::MIN });
        }
        let (s, e) = cal.covered_range();
        assert!(cal.add_working(s, i64::MAX).is_err());
        assert_eq!(cal.add_working(e, 0), Ok(e));
        assert!(cal.next_working(e).is_err());
    }

    #[test]
    fn day_of_target_matches_linear_scan() {
        let cal = Calendar::china();
        let p = &cal.prefix_ms;
        for from in (0..p.len() - 1).step_by(7) {
            for target in (p[from] + 1..=*p.last().unwrap()).step_by(3_600_000 * 7 + 13) {
                let expect = (0..p.len()).rev().find(|&i| p[i] < target).unwrap();
                assert_eq!(cal.day_of_target(from, target), expect);
            }
        }
    }
}
