//! The [`Calendar`] type: the precomputed day tables (the working windows of every covered
//! local day and the prefix sums of working time), its accessors, local dates and times, and
//! the day queries ([`Calendar::is_workday`], [`Calendar::windows_on`],
//! [`Calendar::working_minutes_on`]). Building one is in `load.rs`, working-time arithmetic in
//! `arithmetic.rs`.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::error::{Error, Result};

use super::spec::CalendarSpec;
use super::time::{
    DAY_MS, EPOCH_DAYS_FROM_CE, MINUTE_MS, Millis, NAT, days_iso, parse_date, parse_hhmm,
};
use super::window::Window;

/// A working calendar over a fixed range of years, with all day data precomputed.
///
/// Build one with [`Calendar::china`], [`Calendar::builtin`], [`Calendar::from_config`],
/// [`Calendar::from_spec`] (model loading, collects every problem), [`Calendar::from_toml_str`]
/// or [`Calendar::from_json_str`]. See the [module documentation](crate::calendar) for the
/// conventions (instants, local days, half-open windows, covered range).
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    pub(super) spec: CalendarSpec,
    pub(super) name: String,
    pub(super) offset_minutes: i32,
    pub(super) first_year: i32,
    pub(super) last_year: i32,
    pub(super) day_length: i64,
    /// Epoch day number (days since 1970-01-01) of the first covered local day.
    pub(super) first_day: i64,
    /// UTC instant of local 00:00 of the first covered day.
    pub(super) start_ms: Millis,
    /// UTC instant of local 00:00 of the day after the last covered day.
    pub(super) end_ms: Millis,
    /// Windows of day `i` are `windows[day_index[i]..day_index[i + 1]]`; length days + 1.
    pub(super) day_index: Vec<u32>,
    pub(super) windows: Vec<Window>,
    /// Working time (ms) before local 00:00 of day `i`; length days + 1.
    pub(super) prefix_ms: Vec<i64>,
}

/// Names the argument (and array element) an error is about.
#[derive(Clone, Copy)]
pub(super) struct Who {
    name: &'static str,
    idx: Option<usize>,
}

impl Who {
    pub(super) const fn arg(name: &'static str) -> Who {
        Who { name, idx: None }
    }

    pub(super) const fn at(name: &'static str, idx: usize) -> Who {
        Who {
            name,
            idx: Some(idx),
        }
    }
}

impl fmt::Display for Who {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.idx {
            Some(i) => write!(f, "{}[{i}]", self.name),
            None => f.write_str(self.name),
        }
    }
}

pub(super) fn nat_error(who: Who) -> Error {
    Error::invalid(who.to_string(), "NaT", "NaT (i64::MIN) is not an instant")
}

impl Calendar {
    /// What the calendar was built from, to serialise it back (e.g. for pickling).
    pub fn spec(&self) -> &CalendarSpec {
        &self.spec
    }

    /// The calendar's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The fixed UTC offset of its local days, in minutes (480 for UTC+8).
    pub fn utc_offset_minutes(&self) -> i32 {
        self.offset_minutes
    }

    /// First and last covered year, inclusive.
    pub fn years(&self) -> (i32, i32) {
        (self.first_year, self.last_year)
    }

    /// Length of one working day in minutes, for `"N working_days"` limits (default 480).
    pub fn day_length_minutes(&self) -> i64 {
        self.day_length
    }

    /// The covered instants: local 00:00 of 1 January of the first year and local 00:00 of
    /// 1 January after the last year.
    pub fn covered_range(&self) -> (Millis, Millis) {
        (self.start_ms, self.end_ms)
    }

    /// Total working time in the covered years, in milliseconds.
    pub fn total_working_ms(&self) -> i64 {
        self.prefix_ms.last().copied().unwrap_or(0)
    }

    /// The local date of an instant, in the calendar's fixed offset. Works for any instant,
    /// inside the covered years or not.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for `NaT` (`i64::MIN`) or an instant whose date `chrono` cannot
    /// represent (beyond about ±262,000 years).
    ///
    /// # Examples
    ///
    /// ```
    /// use gridgov::calendar::Calendar;
    /// let cal = Calendar::china();
    /// // 2024-01-31T16:00:00Z is 2024-02-01 00:00 in Beijing.
    /// let t = 1_706_716_800_000;
    /// assert_eq!(cal.try_local_date(t)?.to_string(), "2024-02-01");
    /// assert!(cal.try_local_date(i64::MIN).is_err());
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn try_local_date(&self, t: Millis) -> Result<NaiveDate> {
        if t == NAT {
            return Err(nat_error(Who::arg("t")));
        }
        let day = self.epoch_day(t);
        i32::try_from(day + EPOCH_DAYS_FROM_CE)
            .ok()
            .and_then(NaiveDate::from_num_days_from_ce_opt)
            .ok_or_else(|| Error::invalid("t", t, "the instant's date is not representable"))
    }

    /// The UTC instant of a local date and time (`minute_of_day` minutes after local midnight;
    /// values of 1440 and more run into the following days).
    ///
    /// # Examples
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use gridgov::calendar::Calendar;
    /// let cal = Calendar::china();
    /// let d = NaiveDate::from_ymd_opt(2024, 2, 1).unwrap();
    /// assert_eq!(cal.local_instant(d, 0), 1_706_716_800_000);
    /// ```
    pub fn local_instant(&self, date: NaiveDate, minute_of_day: u32) -> Millis {
        let day = i64::from(date.num_days_from_ce()) - EPOCH_DAYS_FROM_CE;
        day * DAY_MS + (i64::from(minute_of_day) - i64::from(self.offset_minutes)) * MINUTE_MS
    }

    /// Parses a local date and time `"YYYY-MM-DD HH:MM"` (or `"YYYY-MM-DDTHH:MM"`, or a date
    /// alone for 00:00) in the calendar's offset into an instant.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] naming the text when it is malformed.
    ///
    /// # Examples
    ///
    /// ```
    /// use gridgov::calendar::Calendar;
    /// let cal = Calendar::china();
    /// assert_eq!(cal.parse_local("2024-02-01 00:00")?, 1_706_716_800_000);
    /// assert_eq!(cal.parse_local("2024-02-01")?, 1_706_716_800_000);
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn parse_local(&self, text: &str) -> Result<Millis> {
        let s = text.trim();
        let (date, time) = match s.split_once([' ', 'T']) {
            Some((d, t)) => (d, Some(t.trim())),
            None => (s, None),
        };
        let date = parse_date(date).map_err(|r| Error::invalid("local time", text, r))?;
        let minutes = match time {
            Some(t) => parse_hhmm(t).map_err(|r| Error::invalid("local time", text, r))?,
            None => 0,
        };
        Ok(self.local_instant(date, u32::from(minutes)))
    }

    /// Parses an instant in any of the text forms city systems export: ISO 8601 with an offset
    /// or `Z` is absolute; without one (`2026-03-02 09:15:00`, `2026-03-02T09:15`,
    /// `2026/3/2 9:15`, a date alone) it is wall-clock time in this calendar's zone. Case-record
    /// CSV and the Python frames read text instants through the same parser.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the text.
    ///
    /// # Examples
    ///
    /// ```
    /// use gridgov::calendar::Calendar;
    /// let cal = Calendar::china(); // UTC+8
    /// let t = cal.parse_instant("2026-03-02 09:15:00")?;
    /// assert_eq!(t, cal.parse_instant("2026-03-02T01:15:00Z")?);
    /// assert_eq!(t, cal.parse_instant("2026/3/2 9:15")?);
    /// assert_eq!(t, cal.parse_instant("2026-03-02 10:15:00+09:00")?);
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn parse_instant(&self, text: &str) -> Result<Millis> {
        super::time::parse_instant_text(text, self.offset_minutes)
            .map_err(|reason| Error::invalid("instant", text, reason))
    }

    /// Local epoch day of an instant (any `i64`, no overflow).
    #[inline]
    fn epoch_day(&self, t: Millis) -> i64 {
        let offset_ms = i64::from(self.offset_minutes) * MINUTE_MS;
        t.div_euclid(DAY_MS) + (t.rem_euclid(DAY_MS) + offset_ms).div_euclid(DAY_MS)
    }

    fn range_error(&self, date: String, who: Option<Who>) -> Error {
        let date = match who {
            Some(w @ Who { idx: Some(_), .. }) => format!("{date} ({w})"),
            _ => date,
        };
        Error::CalendarRange {
            date,
            first_year: self.first_year,
            last_year: self.last_year,
        }
    }

    pub(super) fn instant_range_error(&self, t: Millis, who: Who) -> Error {
        self.range_error(days_iso(self.epoch_day(t)), Some(who))
    }

    /// Error for a result that would lie past the last covered day.
    pub(super) fn past_end_error(&self, who: Who) -> Error {
        let ndays = self.prefix_ms.len() as i64 - 1;
        self.range_error(days_iso(self.first_day + ndays), Some(who))
    }

    /// Day index of a date, if covered.
    #[inline]
    fn date_index(&self, date: NaiveDate) -> Result<usize> {
        let day = i64::from(date.num_days_from_ce()) - EPOCH_DAYS_FROM_CE - self.first_day;
        if (0..self.days()).contains(&day) {
            Ok(day as usize)
        } else {
            Err(self.range_error(date.to_string(), None))
        }
    }

    #[inline]
    fn days(&self) -> i64 {
        self.day_index.len() as i64 - 1
    }

    #[inline]
    pub(super) fn day_windows(&self, day: usize) -> &[Window] {
        let a = self.day_index[day] as usize;
        let b = self.day_index[day + 1] as usize;
        &self.windows[a..b]
    }

    /// Whether a local date is a workday (has at least one working window).
    ///
    /// # Errors
    ///
    /// [`Error::CalendarRange`] for a date outside the covered years.
    ///
    /// # Examples
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use gridgov::calendar::Calendar;
    /// let cal = Calendar::china();
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// assert!(!cal.is_workday(d(2026, 2, 23))?); // 春节, Monday
    /// assert!(cal.is_workday(d(2026, 2, 28))?); // 调休 Saturday
    /// assert!(cal.is_workday(d(2027, 1, 4)).is_err()); // not covered
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn is_workday(&self, date: NaiveDate) -> Result<bool> {
        let i = self.date_index(date)?;
        Ok(self.day_index[i] != self.day_index[i + 1])
    }

    /// The working windows of a local date (empty on a day off).
    ///
    /// # Errors
    ///
    /// [`Error::CalendarRange`] for a date outside the covered years.
    ///
    /// # Examples
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use gridgov::calendar::Calendar;
    /// let cal = Calendar::china();
    /// let ws = cal.windows_on(NaiveDate::from_ymd_opt(2025, 3, 3).unwrap())?;
    /// assert_eq!(ws.iter().map(|w| w.to_string()).collect::<Vec<_>>(), ["08:00-12:00", "14:00-18:00"]);
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn windows_on(&self, date: NaiveDate) -> Result<&[Window]> {
        let i = self.date_index(date)?;
        Ok(self.day_windows(i))
    }

    /// Working minutes on a local date.
    ///
    /// # Errors
    ///
    /// [`Error::CalendarRange`] for a date outside the covered years.
    ///
    /// # Examples
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use gridgov::calendar::Calendar;
    /// let cal = Calendar::china();
    /// assert_eq!(cal.working_minutes_on(NaiveDate::from_ymd_opt(2025, 3, 3).unwrap())?, 480);
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn working_minutes_on(&self, date: NaiveDate) -> Result<u32> {
        let i = self.date_index(date)?;
        Ok(((self.prefix_ms[i + 1] - self.prefix_ms[i]) / MINUTE_MS) as u32)
    }
}
