//! Working calendars (weekly windows, 调休 date rules) and working-time arithmetic.
//!
//! A [`Calendar`] knows, for every local day of the years it covers, the working windows of that
//! day: the weekly pattern (by default 08:00–12:00 and 14:00–18:00, Monday to Friday) overridden
//! by per-date rules ([`DayRule`]): statutory holidays turn weekdays off, 调休 make-up days turn
//! weekends on, and a date can also get its own hours (a half day).
//!
//! # Conventions
//!
//! * **Instants** are [`Millis`]: milliseconds since the Unix epoch, UTC (what `NumPy` calls
//!   `datetime64[ms]`). `i64::MIN` is `NumPy`'s `NaT` and is rejected everywhere with
//!   [`Error::InvalidValue`] (value `"NaT"`).
//! * **Days** are local days in the calendar's fixed UTC offset (default `+08:00`, China
//!   Standard Time). Only fixed offsets exist: China has no daylight saving time.
//! * **Windows** are half-open `[start, end)` at minute precision: an instant at 12:00 is not
//!   inside `08:00-12:00`.
//! * **Covered range**: a calendar covers whole years, `years().0` to `years().1` inclusive, and
//!   asking about anything outside them is an [`Error::CalendarRange`], never a guess. For the
//!   interval operations ([`Calendar::add_working`], [`Calendar::working_between`]) an instant may
//!   lie anywhere in the *closed* range from 00:00 of 1 January of the first year to 00:00 of
//!   1 January after the last year (that closing instant is accepted as an interval end point,
//!   because the working time up to it is fully known). [`Calendar::next_working`] and the
//!   day queries need the instant's own local day to be covered.
//! * **Working days** in a [`TimeLimit`] mean N × the calendar's day length (default 8 h,
//!   1 工作日 = 8 工作时) of working time, not "the same hour N working days later".
//!
//! All day data is precomputed when the calendar is built: the windows of every covered day and
//! the prefix sum of working time at the start of every day. Adding, measuring and searching are
//! O(log n) in the distance travelled plus the windows of one day; there is no per-day loop.
//!
//! # Examples
//!
//! ```
//! use gridgov::calendar::{Calendar, TimeLimit};
//!
//! let cal = Calendar::china();
//! // Friday 2024-02-02 16:00 + 3 working hours: Sunday 2024-02-04 is a 调休 workday.
//! let start = cal.parse_local("2024-02-02 16:00")?;
//! let limit: TimeLimit = "3 working_hours".parse()?;
//! let deadline = cal.add_limit(start, limit)?;
//! assert_eq!(deadline, cal.parse_local("2024-02-04 09:00")?);
//! assert_eq!(cal.working_between(start, deadline)?, 3 * 3_600_000);
//! # Ok::<(), gridgov::Error>(())
//! ```

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Issues, Result};

/// Milliseconds since the Unix epoch, UTC.
pub type Millis = i64;

/// One minute in milliseconds.
pub const MINUTE_MS: i64 = 60_000;

/// One day in milliseconds.
pub const DAY_MS: i64 = 86_400_000;

/// Minutes in a day; a window may end at `24:00` = 1440.
const DAY_MINUTES: u16 = 1440;

/// `NumPy`'s `NaT` as an `i64`.
const NAT: i64 = i64::MIN;

/// The text of the built-in China calendar.
const CHINA_TOML: &str = include_str!("../data/calendar/china.toml");

/// Names of the built-in calendars.
const BUILTIN_NAMES: &[&str] = &["china"];

/// Default windows of a working day (domain facts §6.1).
const DEFAULT_WORKDAY: [Window; 2] = [
    Window {
        start: 8 * 60,
        end: 12 * 60,
    },
    Window {
        start: 14 * 60,
        end: 18 * 60,
    },
];

/// Default day length in minutes (1 工作日 = 8 工作时).
const DEFAULT_DAY_LENGTH: i64 = 480;

/// Default UTC offset in minutes (China Standard Time).
const DEFAULT_OFFSET: i32 = 480;

/// Weekday keys, Monday first.
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Oldest and newest year a calendar may cover.
const YEAR_LIMITS: (i32, i32) = (1900, 2200);

/// `NaiveDate::num_days_from_ce` of 1970-01-01.
const EPOCH_DAYS_FROM_CE: i64 = 719_163;

// -------------------------------------------------------------------------------------------
// Window
// -------------------------------------------------------------------------------------------

/// A working window inside one local day, minute precision: `[start, end)` in minutes from
/// local midnight, `end <= 1440` (`"24:00"` is allowed as an end).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Window {
    /// First working minute, counted from local midnight (0..1440).
    pub start: u16,
    /// Minute at which the window closes (exclusive), `start < end <= 1440`.
    pub end: u16,
}

impl Window {
    /// Creates a window from minutes after local midnight.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] unless `start < end <= 1440`.
    ///
    /// # Examples
    ///
    /// ```
    /// use gridgov::calendar::Window;
    /// let w = Window::new(8 * 60, 12 * 60)?;
    /// assert_eq!(w.to_string(), "08:00-12:00");
    /// assert!(Window::new(600, 600).is_err());
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn new(start: u16, end: u16) -> Result<Window> {
        let w = Window { start, end };
        match check_window(start, end) {
            Ok(()) => Ok(w),
            Err(reason) => Err(Error::invalid("window", w, reason)),
        }
    }

    /// Parses `"HH:MM-HH:MM"` (hours may have one digit; `24:00` only as an end).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] naming the text when it is malformed, when a time is not a real
    /// time of day, when the end is not after the start or when the end is past `24:00`.
    ///
    /// # Examples
    ///
    /// ```
    /// use gridgov::calendar::Window;
    /// let w = Window::parse("14:00-18:00")?;
    /// assert_eq!((w.start, w.end, w.minutes()), (840, 1080, 240));
    /// assert_eq!(Window::parse("20:00-24:00")?.end, 1440);
    /// assert!(Window::parse("12:00-08:00").is_err());
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn parse(s: &str) -> Result<Window> {
        parse_window(s).map_err(|reason| Error::invalid("window", s, reason))
    }

    /// Length of the window in minutes.
    pub fn minutes(&self) -> u32 {
        u32::from(self.end.saturating_sub(self.start))
    }

    /// `true` when the two windows share at least one minute.
    pub fn overlaps(&self, other: &Window) -> bool {
        self.start < other.end && other.start < self.end
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.start / 60,
            self.start % 60,
            self.end / 60,
            self.end % 60
        )
    }
}

impl FromStr for Window {
    type Err = Error;

    fn from_str(s: &str) -> Result<Window> {
        Window::parse(s)
    }
}

impl Serialize for Window {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Window {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(FromStrVisitor::<Window>::new("a window \"HH:MM-HH:MM\""))
    }
}

fn check_window(start: u16, end: u16) -> std::result::Result<(), String> {
    if end > DAY_MINUTES {
        Err("the end is past 24:00".to_owned())
    } else if start >= end {
        Err("the end must be after the start".to_owned())
    } else {
        Ok(())
    }
}

/// Parses `H:MM` or `HH:MM` into minutes after midnight, `24:00` allowed.
fn parse_hhmm(s: &str) -> std::result::Result<u16, String> {
    let bad = || format!("{s:?} is not a time HH:MM");
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || h.len() > 2 || m.len() != 2 || !digits(m) {
        return Err(bad());
    }
    let h: u16 = h.parse().map_err(|_| bad())?;
    let m: u16 = m.parse().map_err(|_| bad())?;
    if m >= 60 {
        return Err(format!("{s:?}: minutes must be 00..59"));
    }
    if h > 24 || (h == 24 && m != 0) {
        return Err(format!("{s:?} is past 24:00"));
    }
    Ok(h * 60 + m)
}

fn parse_window(s: &str) -> std::result::Result<Window, String> {
    let (a, b) = s
        .trim()
        .split_once('-')
        .ok_or_else(|| "expected \"HH:MM-HH:MM\"".to_owned())?;
    let start = parse_hhmm(a.trim())?;
    let end = parse_hhmm(b.trim())?;
    check_window(start, end)?;
    Ok(Window { start, end })
}

// -------------------------------------------------------------------------------------------
// DayRule
// -------------------------------------------------------------------------------------------

/// A per-date rule overriding the weekly pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DayRule {
    /// A day off (a statutory holiday, a local closure).
    Off,
    /// A workday with the calendar's normal workday windows (a 调休 make-up day).
    On,
    /// A workday with its own windows (a half day, a special shift).
    Hours(Vec<Window>),
}

impl fmt::Display for DayRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DayRule::Off => f.write_str("off"),
            DayRule::On => f.write_str("on"),
            DayRule::Hours(ws) => {
                f.write_str("hours [")?;
                for (i, w) in ws.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{w}")?;
                }
                f.write_str("]")
            }
        }
    }
}

// -------------------------------------------------------------------------------------------
// TimeLimit
// -------------------------------------------------------------------------------------------

/// How long a stage may take.
///
/// Written as a string `"<n> <unit>"` (in model files, JSON, Python), with unit one of
/// `working_minutes`, `working_hours`, `working_days` (working time, counted by the calendar)
/// or `minutes`, `hours`, `days` (continuous elapsed time, for urgent / 紧急 limits). `n` is a
/// positive number; a decimal such as `"1.5 working_hours"` is accepted when it gives a whole
/// number of minutes (of days, for `working_days`).
///
/// [`Display`](fmt::Display) gives the canonical string, using the largest unit that represents
/// the value exactly: 240 working minutes are `"4 working_hours"`.
///
/// # Examples
///
/// ```
/// use gridgov::calendar::TimeLimit;
/// let l: TimeLimit = "1.5 working_hours".parse()?;
/// assert_eq!(l, TimeLimit::Working { minutes: 90 });
/// assert_eq!(l.to_string(), "90 working_minutes");
/// assert_eq!("2 days".parse::<TimeLimit>()?, TimeLimit::Continuous { minutes: 2880 });
/// assert_eq!(TimeLimit::Working { minutes: 240 }.to_string(), "4 working_hours");
/// assert!("0 hours".parse::<TimeLimit>().is_err());
/// # Ok::<(), gridgov::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeLimit {
    /// Working time in minutes (`working_minutes`, `working_hours`).
    Working {
        /// Working minutes.
        minutes: i64,
    },
    /// Working days: N × the calendar's day length of working time (`working_days`).
    WorkingDays {
        /// Number of working days.
        days: i64,
    },
    /// Continuous elapsed time in minutes (`minutes`, `hours`, `days`).
    Continuous {
        /// Elapsed minutes.
        minutes: i64,
    },
}

/// Regular expression of the string form of a [`TimeLimit`] (used in the JSON Schema).
pub const TIME_LIMIT_PATTERN: &str =
    r"^\s*[0-9]+(\.[0-9]+)?\s+(working_minutes|working_hours|working_days|minutes|hours|days)\s*$";

const TIME_LIMIT_UNITS: &str = "working_minutes, working_hours, working_days, minutes, hours, days";

impl fmt::Display for TimeLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            TimeLimit::Working { minutes } if minutes % 60 == 0 => {
                write!(f, "{} working_hours", minutes / 60)
            }
            TimeLimit::Working { minutes } => write!(f, "{minutes} working_minutes"),
            TimeLimit::WorkingDays { days } => write!(f, "{days} working_days"),
            TimeLimit::Continuous { minutes } if minutes % 1440 == 0 => {
                write!(f, "{} days", minutes / 1440)
            }
            TimeLimit::Continuous { minutes } if minutes % 60 == 0 => {
                write!(f, "{} hours", minutes / 60)
            }
            TimeLimit::Continuous { minutes } => write!(f, "{minutes} minutes"),
        }
    }
}

impl FromStr for TimeLimit {
    type Err = Error;

    fn from_str(s: &str) -> Result<TimeLimit> {
        parse_time_limit(s).map_err(|reason| Error::invalid("time limit", s, reason))
    }
}

/// Parses a decimal `int[.frac]` into (mantissa, 10^k), exactly.
fn parse_decimal(num: &str) -> std::result::Result<(i128, i128), String> {
    let (int_part, frac_part) = match num.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (num, None),
    };
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int_part) || frac_part.is_some_and(|f| !all_digits(f)) {
        return Err(format!("{num:?} is not a number"));
    }
    let frac = frac_part.unwrap_or("");
    if int_part.len() + frac.len() > 30 {
        return Err(format!("{num:?} is too large"));
    }
    let mut mantissa: i128 = 0;
    for b in int_part.bytes().chain(frac.bytes()) {
        mantissa = mantissa * 10 + i128::from(b - b'0');
    }
    let scale = 10_i128.pow(frac.len() as u32);
    Ok((mantissa, scale))
}

fn parse_time_limit(s: &str) -> std::result::Result<TimeLimit, String> {
    let mut parts = s.split_whitespace();
    let (Some(num), Some(unit), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err("expected \"<n> <unit>\", e.g. \"4 working_hours\"".to_owned());
    };
    let (factor, kind): (i128, fn(i64) -> TimeLimit) = match unit {
        "working_minutes" => (1, |m| TimeLimit::Working { minutes: m }),
        "working_hours" => (60, |m| TimeLimit::Working { minutes: m }),
        "working_days" => (1, |d| TimeLimit::WorkingDays { days: d }),
        "minutes" => (1, |m| TimeLimit::Continuous { minutes: m }),
        "hours" => (60, |m| TimeLimit::Continuous { minutes: m }),
        "days" => (1440, |m| TimeLimit::Continuous { minutes: m }),
        _ => {
            return Err(format!(
                "unknown unit {unit:?}; expected one of {TIME_LIMIT_UNITS}"
            ));
        }
    };
    let (mantissa, scale) = parse_decimal(num)?;
    let scaled = mantissa * factor;
    if scaled % scale != 0 {
        let what = if unit == "working_days" {
            "days"
        } else {
            "minutes"
        };
        return Err(format!("{num} {unit} is not a whole number of {what}"));
    }
    let value = scaled / scale;
    if value <= 0 {
        return Err("the amount must be positive".to_owned());
    }
    let value = i64::try_from(value).map_err(|_| format!("{num:?} is too large"))?;
    // Keep every limit convertible to milliseconds without overflow.
    if value > i64::MAX / MINUTE_MS / 1440 {
        return Err(format!("{num:?} is too large"));
    }
    Ok(kind(value))
}

impl Serialize for TimeLimit {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TimeLimit {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(FromStrVisitor::<TimeLimit>::new(
            "a time limit \"<n> <unit>\" such as \"4 working_hours\"",
        ))
    }
}

impl JsonSchema for TimeLimit {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TimeLimit".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": TIME_LIMIT_PATTERN,
            "description": "How long a stage may take: \"<n> <unit>\" with n > 0 and unit one of working_minutes, working_hours, working_days (working time: N × the calendar's day length, default 8 h), minutes, hours, days (continuous time, for urgent limits). A decimal n is allowed when it gives whole minutes (whole days for working_days).",
            "examples": ["4 working_hours", "15 working_days", "2 hours"]
        })
    }
}

/// A serde visitor that parses a string with `FromStr`.
struct FromStrVisitor<T> {
    expecting: &'static str,
    marker: std::marker::PhantomData<T>,
}

impl<T> FromStrVisitor<T> {
    fn new(expecting: &'static str) -> Self {
        Self {
            expecting,
            marker: std::marker::PhantomData,
        }
    }
}

impl<T> serde::de::Visitor<'_> for FromStrVisitor<T>
where
    T: FromStr<Err = Error>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(E::custom)
    }
}

// -------------------------------------------------------------------------------------------
// Configuration
// -------------------------------------------------------------------------------------------

/// The `calendar` section of a model file: either the name of a built-in calendar
/// (`calendar = "china"`) or a table ([`CalendarConfig`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(untagged)]
#[allow(clippy::large_enum_variant)] // a configuration value, built once
pub enum CalendarSpec {
    /// The name of a built-in calendar: `"china"` (mainland China, State Council schedules
    /// 2024–2026).
    Builtin(String),
    /// A calendar table, possibly extending a built-in one with `base`.
    Custom(CalendarConfig),
}

impl<'de> Deserialize<'de> for CalendarSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SpecVisitor;
        impl<'de> serde::de::Visitor<'de> for SpecVisitor {
            type Value = CalendarSpec;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the name of a built-in calendar or a calendar table")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<CalendarSpec, E> {
                Ok(CalendarSpec::Builtin(v.to_owned()))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<CalendarSpec, A::Error> {
                CalendarConfig::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(CalendarSpec::Custom)
            }
        }
        deserializer.deserialize_any(SpecVisitor)
    }
}

impl Default for CalendarSpec {
    fn default() -> Self {
        CalendarSpec::Builtin("china".to_owned())
    }
}

/// A calendar table.
///
/// Every field is optional except the covered `years` of a calendar without `base`. With
/// `base`, the table starts from that built-in calendar: each field given here replaces the
/// base's, `weekly` entries are merged day by day, and `holidays` / `dates` are added to the
/// base's date rules (a date given here replaces the base's rule for that date; base rules
/// outside the new `years` are dropped).
///
/// How one local day's windows are found: a date rule (from `holidays` or `dates`) wins;
/// otherwise a `weekly` entry for its weekday; otherwise the `workday` windows if the weekday is
/// in `workweek`; otherwise it is a day off.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarConfig {
    /// Built-in calendar to start from (`"china"`); this table then adds to and overrides it,
    /// e.g. to add next year's holidays the day the State Council notice appears.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// Name of the calendar (defaults to the base's name, or `"custom"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Fixed UTC offset of the calendar's local days, `"+HH:MM"` or `"-HH:MM"` (default
    /// `"+08:00"`, China Standard Time). Only fixed offsets are supported: China has no
    /// daylight saving time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(r"^[+-][0-9]{2}:[0-9]{2}$"))]
    pub utc_offset: Option<String>,
    /// First and last covered year, inclusive (within 1900..=2200). Required without `base`;
    /// with `base` it replaces the base's range (e.g. `[2024, 2027]` to add 2027). Any question
    /// about a date outside these years is an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years: Option<[i32; 2]>,
    /// Windows of a normal working day, `"HH:MM-HH:MM"`, in order and not overlapping
    /// (default `["08:00-12:00", "14:00-18:00"]`). Also used by `on` (调休) dates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workday: Option<Vec<String>>,
    /// Weekdays that are workdays by default: `"mon"`, `"tue"`, `"wed"`, `"thu"`, `"fri"`,
    /// `"sat"`, `"sun"` (default Monday to Friday).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workweek: Option<Vec<String>>,
    /// Per-weekday windows overriding `workday` / `workweek` for that weekday, e.g.
    /// `{ sat = ["09:00-12:00"] }`; an empty list makes the weekday a day off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekly: Option<BTreeMap<String, Vec<String>>>,
    /// Length of one working day for `"N working_days"` limits, as a duration `"HH:MM"`
    /// (`"08:00"` = 8 hours, `"07:30"` = 7 h 30 min; at most `"24:00"`). Default `"08:00"`
    /// (1 工作日 = 8 工作时).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(r"^[0-9]{1,2}:[0-9]{2}$"))]
    pub day_length: Option<String>,
    /// Holidays: each a name, its days off and its 调休 make-up workdays.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<HolidayConfig>,
    /// Single-date rules: a day off, an extra workday, or a day with its own hours.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dates: Vec<DateRuleConfig>,
}

/// One holiday of one year, as a State Council notice gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidayConfig {
    /// Name of the holiday, e.g. `"春节"`.
    pub name: String,
    /// Days off: dates `"YYYY-MM-DD"` or inclusive ranges `"YYYY-MM-DD..YYYY-MM-DD"`.
    #[serde(default)]
    pub off: Vec<String>,
    /// 调休 make-up workdays (worked with the normal `workday` windows): dates or ranges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub on: Vec<String>,
}

/// What a date rule does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DateRuleKind {
    /// A day off.
    Off,
    /// A workday with the normal `workday` windows.
    On,
    /// A workday with the windows given in `windows`.
    Hours,
}

/// A rule for one date (or an inclusive range of dates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DateRuleConfig {
    /// The date `"YYYY-MM-DD"`, or an inclusive range `"YYYY-MM-DD..YYYY-MM-DD"`.
    pub date: String,
    /// `"off"`, `"on"` or `"hours"`.
    pub rule: DateRuleKind,
    /// Windows `"HH:MM-HH:MM"` of the day; required with `rule = "hours"`, not allowed
    /// otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub windows: Option<Vec<String>>,
    /// Optional note, e.g. why the day is special.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

// -------------------------------------------------------------------------------------------
// Resolution and validation
// -------------------------------------------------------------------------------------------

/// A validated configuration, before the day tables are built.
#[derive(Debug, Clone)]
struct Resolved {
    name: Option<String>,
    offset_minutes: i32,
    years: (i32, i32),
    day_length: i64,
    workday: Vec<Window>,
    workweek: [bool; 7],
    weekly: [Option<Vec<Window>>; 7],
    rules: BTreeMap<NaiveDate, DayRule>,
}

/// The rules of one configuration, with the path that set each date (for conflict messages).
struct RuleSet {
    map: BTreeMap<NaiveDate, (DayRule, String)>,
}

impl RuleSet {
    fn add(&mut self, date: NaiveDate, rule: &DayRule, path: &str, issues: &mut Issues) {
        match self.map.entry(date) {
            Entry::Vacant(e) => {
                e.insert((rule.clone(), path.to_owned()));
            }
            Entry::Occupied(e) => {
                let (old, old_path) = e.get();
                if old != rule {
                    issues.push(
                        path,
                        format!(
                            "{date} is already given rule {old} by {old_path}; it cannot also be {rule}"
                        ),
                    );
                }
            }
        }
    }
}

fn parse_offset(s: &str) -> Option<i32> {
    let b = s.as_bytes();
    if b.len() != 6 || b[3] != b':' {
        return None;
    }
    let sign = match b[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let num = |x: &[u8]| -> Option<i32> {
        if x.iter().all(u8::is_ascii_digit) {
            Some(i32::from(x[0] - b'0') * 10 + i32::from(x[1] - b'0'))
        } else {
            None
        }
    };
    let h = num(&b[1..3])?;
    let m = num(&b[4..6])?;
    if m >= 60 || h * 60 + m > 18 * 60 {
        return None;
    }
    Some(sign * (h * 60 + m))
}

/// Parses a strict `YYYY-MM-DD`.
fn parse_date(text: &str) -> std::result::Result<NaiveDate, String> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    let field = |r: std::ops::Range<usize>| text.get(r).and_then(|f| f.parse::<u32>().ok());
    let parts = (field(0..4), field(5..7), field(8..10));
    let (true, Some(year), Some(month), Some(day)) = (shape_ok, parts.0, parts.1, parts.2) else {
        return Err(format!("invalid date {text:?}: expected YYYY-MM-DD"));
    };
    i32::try_from(year)
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, month, day))
        .ok_or_else(|| format!("invalid date {text:?}: no such day"))
}

/// Parses `"A"` or `"A..B"` into an inclusive range.
fn parse_date_range(s: &str) -> std::result::Result<(NaiveDate, NaiveDate), String> {
    let Some((a, b)) = s.split_once("..") else {
        let d = parse_date(s.trim())?;
        return Ok((d, d));
    };
    let a = parse_date(a.trim())?;
    let b = parse_date(b.trim())?;
    if b < a {
        return Err(format!("range {s:?} is reversed: {b} is before {a}"));
    }
    Ok((a, b))
}

fn year_bounds(years: (i32, i32)) -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(years.0, 1, 1).unwrap_or(NaiveDate::MIN);
    let last = NaiveDate::from_ymd_opt(years.1, 12, 31).unwrap_or(NaiveDate::MAX);
    (first, last)
}

/// Parses and checks a list of windows (each well formed, in order, not overlapping).
fn parse_windows(list: &[String], path: &str, issues: &mut Issues) -> Vec<Window> {
    let mut parsed: Vec<(usize, Window)> = Vec::with_capacity(list.len());
    for (i, text) in list.iter().enumerate() {
        match parse_window(text) {
            Ok(w) => {
                let mut overlapped = false;
                for &(j, other) in &parsed {
                    if w.overlaps(&other) {
                        overlapped = true;
                        issues.push(
                            format!("{path}[{i}]"),
                            format!("window {w} overlaps {path}[{j}] ({other})"),
                        );
                    }
                }
                if let Some(&(j, prev)) = parsed.last()
                    && !overlapped
                    && w.start < prev.start
                {
                    issues.push(
                        format!("{path}[{i}]"),
                        format!("window {w} comes before {path}[{j}] ({prev}); list windows in time order"),
                    );
                }
                parsed.push((i, w));
            }
            Err(reason) => issues.push(
                format!("{path}[{i}]"),
                format!("invalid window {text:?}: {reason}"),
            ),
        }
    }
    parsed.into_iter().map(|(_, w)| w).collect()
}

fn weekday_index(name: &str) -> Option<usize> {
    WEEKDAYS.iter().position(|w| *w == name)
}

/// Checks `years` and returns them when valid.
fn check_years(years: [i32; 2], path: &str, issues: &mut Issues) -> Option<(i32, i32)> {
    let [a, b] = years;
    let mut ok = true;
    for (i, y) in [a, b].into_iter().enumerate() {
        if !(YEAR_LIMITS.0..=YEAR_LIMITS.1).contains(&y) {
            ok = false;
            issues.push(
                format!("{path}.years[{i}]"),
                format!(
                    "year {y} is outside the supported years {}..={}",
                    YEAR_LIMITS.0, YEAR_LIMITS.1
                ),
            );
        }
    }
    if ok && b < a {
        ok = false;
        issues.push(
            format!("{path}.years"),
            format!("years [{a}, {b}] are reversed: the last year is before the first"),
        );
    }
    ok.then_some((a, b))
}

/// Expands a date list (`off` / `on` / `date`) into the rule set, checking each entry.
fn add_dates(
    entries: &[(String, String)],
    rule: &DayRule,
    years: Option<(i32, i32)>,
    set: &mut RuleSet,
    issues: &mut Issues,
) {
    let (lo, hi) = year_bounds(years.unwrap_or(YEAR_LIMITS));
    for (text, path) in entries {
        let (a, b) = match parse_date_range(text) {
            Ok(r) => r,
            Err(msg) => {
                issues.push(path.clone(), msg);
                continue;
            }
        };
        if a < lo || b > hi {
            let msg = match years {
                Some((y0, y1)) => format!("{text} is outside the calendar's years {y0}-{y1}"),
                None => format!("{text} is outside the supported years"),
            };
            issues.push(path.clone(), msg);
        }
        let mut d = a.max(lo);
        let end = b.min(hi);
        while d <= end {
            set.add(d, rule, path, issues);
            match d.succ_opt() {
                Some(n) => d = n,
                None => break,
            }
        }
    }
}

fn resolve_rules(
    cfg: &CalendarConfig,
    path: &str,
    years: Option<(i32, i32)>,
    issues: &mut Issues,
) -> RuleSet {
    let mut set = RuleSet {
        map: BTreeMap::new(),
    };
    for (i, h) in cfg.holidays.iter().enumerate() {
        let hp = format!("{path}.holidays[{i}]");
        if h.name.trim().is_empty() {
            issues.push(format!("{hp}.name"), "the holiday name is empty");
        }
        let off: Vec<(String, String)> = h
            .off
            .iter()
            .enumerate()
            .map(|(j, t)| (t.clone(), format!("{hp}.off[{j}]")))
            .collect();
        add_dates(&off, &DayRule::Off, years, &mut set, issues);
        let on: Vec<(String, String)> =
            h.on.iter()
                .enumerate()
                .map(|(j, t)| (t.clone(), format!("{hp}.on[{j}]")))
                .collect();
        add_dates(&on, &DayRule::On, years, &mut set, issues);
    }
    for (i, d) in cfg.dates.iter().enumerate() {
        let dp = format!("{path}.dates[{i}]");
        let rule = match (d.rule, &d.windows) {
            (DateRuleKind::Off, None) => DayRule::Off,
            (DateRuleKind::On, None) => DayRule::On,
            (DateRuleKind::Off | DateRuleKind::On, Some(_)) => {
                issues.push(
                    format!("{dp}.windows"),
                    "windows are only allowed with rule = \"hours\"",
                );
                continue;
            }
            (DateRuleKind::Hours, None) => {
                issues.push(
                    format!("{dp}.windows"),
                    "rule = \"hours\" needs windows (use rule = \"off\" for a day off)",
                );
                continue;
            }
            (DateRuleKind::Hours, Some(list)) => {
                let before = issues.len();
                let ws = parse_windows(list, &format!("{dp}.windows"), issues);
                if list.is_empty() {
                    issues.push(
                        format!("{dp}.windows"),
                        "rule = \"hours\" needs at least one window (use rule = \"off\" for a day off)",
                    );
                }
                if issues.len() != before {
                    continue;
                }
                DayRule::Hours(ws)
            }
        };
        add_dates(
            &[(d.date.clone(), format!("{dp}.date"))],
            &rule,
            years,
            &mut set,
            issues,
        );
    }
    set
}

fn resolve_weekly(
    cfg: &CalendarConfig,
    path: &str,
    base: Option<&Resolved>,
    issues: &mut Issues,
) -> [Option<Vec<Window>>; 7] {
    let mut weekly: [Option<Vec<Window>>; 7] = match base {
        Some(b) => b.weekly.clone(),
        None => Default::default(),
    };
    if let Some(map) = &cfg.weekly {
        for (key, list) in map {
            let kp = format!("{path}.weekly.{key}");
            let ws = parse_windows(list, &kp, issues);
            match weekday_index(key) {
                Some(i) => weekly[i] = Some(ws),
                None => issues.push(
                    kp,
                    format!(
                        "unknown weekday {key:?}; expected one of {}",
                        WEEKDAYS.join(", ")
                    ),
                ),
            }
        }
    }
    weekly
}

fn resolve_workweek(
    cfg: &CalendarConfig,
    path: &str,
    base: Option<&Resolved>,
    issues: &mut Issues,
) -> [bool; 7] {
    match (&cfg.workweek, base) {
        (Some(list), _) => {
            let mut week = [false; 7];
            for (i, name) in list.iter().enumerate() {
                match weekday_index(name) {
                    Some(d) => week[d] = true,
                    None => issues.push(
                        format!("{path}.workweek[{i}]"),
                        format!(
                            "unknown weekday {name:?}; expected one of {}",
                            WEEKDAYS.join(", ")
                        ),
                    ),
                }
            }
            week
        }
        (None, Some(b)) => b.workweek,
        (None, None) => [true, true, true, true, true, false, false],
    }
}

fn resolve_scalars(
    cfg: &CalendarConfig,
    path: &str,
    base: Option<&Resolved>,
    issues: &mut Issues,
) -> (i32, Option<(i32, i32)>, i64) {
    let offset = match &cfg.utc_offset {
        Some(s) => parse_offset(s).unwrap_or_else(|| {
            issues.push(
                format!("{path}.utc_offset"),
                format!(
                    "invalid UTC offset {s:?}: expected \"+HH:MM\" or \"-HH:MM\" within ±18:00"
                ),
            );
            DEFAULT_OFFSET
        }),
        None => base.map_or(DEFAULT_OFFSET, |b| b.offset_minutes),
    };
    let years = match (cfg.years, base) {
        (Some(y), _) => check_years(y, path, issues),
        (None, Some(b)) => Some(b.years),
        (None, None) => {
            issues.push(
                format!("{path}.years"),
                "the covered years [first, last] are required when there is no base calendar",
            );
            None
        }
    };
    let day_length = match &cfg.day_length {
        Some(s) => match parse_hhmm(s.trim()) {
            Ok(m) if m > 0 => i64::from(m),
            Ok(_) => {
                issues.push(
                    format!("{path}.day_length"),
                    "the day length must be positive",
                );
                DEFAULT_DAY_LENGTH
            }
            Err(reason) => {
                issues.push(
                    format!("{path}.day_length"),
                    format!("invalid day length {s:?}: {reason} (write a duration \"HH:MM\", e.g. \"08:00\")"),
                );
                DEFAULT_DAY_LENGTH
            }
        },
        None => base.map_or(DEFAULT_DAY_LENGTH, |b| b.day_length),
    };
    (offset, years, day_length)
}

/// Validates a configuration (with its base) into a [`Resolved`], recording every problem.
fn resolve(cfg: &CalendarConfig, path: &str, issues: &mut Issues) -> Option<Resolved> {
    let before = issues.len();
    let base: Option<&Resolved> = match &cfg.base {
        None => None,
        Some(name) => {
            let found = builtin_resolved(name);
            if found.is_none() {
                issues.push(
                    format!("{path}.base"),
                    format!(
                        "unknown base calendar {name:?}; built-in calendars: {}",
                        BUILTIN_NAMES.join(", ")
                    ),
                );
            }
            found
        }
    };
    let (offset_minutes, years, day_length) = resolve_scalars(cfg, path, base, issues);
    let workday = match (&cfg.workday, base) {
        (Some(list), _) => {
            if list.is_empty() {
                issues.push(
                    format!("{path}.workday"),
                    "a working day needs at least one window",
                );
            }
            parse_windows(list, &format!("{path}.workday"), issues)
        }
        (None, Some(b)) => b.workday.clone(),
        (None, None) => DEFAULT_WORKDAY.to_vec(),
    };
    let workweek = resolve_workweek(cfg, path, base, issues);
    let weekly = resolve_weekly(cfg, path, base, issues);
    let own = resolve_rules(cfg, path, years, issues);
    let years = years?;
    if issues.len() != before {
        return None;
    }
    let (lo, hi) = year_bounds(years);
    let mut rules: BTreeMap<NaiveDate, DayRule> = base
        .map(|b| {
            b.rules
                .range(lo..=hi)
                .map(|(d, r)| (*d, r.clone()))
                .collect()
        })
        .unwrap_or_default();
    rules.extend(own.map.into_iter().map(|(d, (r, _))| (d, r)));
    let name = cfg
        .name
        .clone()
        .or_else(|| base.and_then(|b| b.name.clone()));
    Some(Resolved {
        name,
        offset_minutes,
        years,
        day_length,
        workday,
        workweek,
        weekly,
        rules,
    })
}

/// The built-in configurations, parsed and validated once.
fn builtin_resolved(name: &str) -> Option<&'static Resolved> {
    static CHINA: OnceLock<Option<Resolved>> = OnceLock::new();
    match name {
        "china" => CHINA
            .get_or_init(|| {
                let cfg: CalendarConfig = toml::from_str(CHINA_TOML).ok()?;
                let mut issues = Issues::default();
                resolve(&cfg, "calendar", &mut issues)
            })
            .as_ref(),
        _ => None,
    }
}

fn builtin_calendar(name: &str) -> Option<&'static Calendar> {
    static CHINA: OnceLock<Option<Calendar>> = OnceLock::new();
    match name {
        "china" => CHINA
            .get_or_init(|| {
                builtin_resolved("china")
                    .map(|r| Calendar::build(CalendarSpec::Builtin("china".to_owned()), r, "china"))
            })
            .as_ref(),
        _ => None,
    }
}

// -------------------------------------------------------------------------------------------
// Calendar
// -------------------------------------------------------------------------------------------

/// A working calendar over a fixed range of years, with all day data precomputed.
///
/// Build one with [`Calendar::china`], [`Calendar::builtin`], [`Calendar::from_config`],
/// [`Calendar::from_spec`] (model loading, collects every problem), [`Calendar::from_toml_str`]
/// or [`Calendar::from_json_str`]. See the [module documentation](self) for the conventions
/// (instants, local days, half-open windows, covered range).
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    spec: CalendarSpec,
    name: String,
    offset_minutes: i32,
    first_year: i32,
    last_year: i32,
    day_length: i64,
    /// Epoch day number (days since 1970-01-01) of the first covered local day.
    first_day: i64,
    /// UTC instant of local 00:00 of the first covered day.
    start_ms: Millis,
    /// UTC instant of local 00:00 of the day after the last covered day.
    end_ms: Millis,
    /// Windows of day `i` are `windows[day_index[i]..day_index[i + 1]]`; length days + 1.
    day_index: Vec<u32>,
    windows: Vec<Window>,
    /// Working time (ms) before local 00:00 of day `i`; length days + 1.
    prefix_ms: Vec<i64>,
}

/// Names the argument (and array element) an error is about.
#[derive(Clone, Copy)]
struct Who {
    name: &'static str,
    idx: Option<usize>,
}

impl Who {
    const fn arg(name: &'static str) -> Who {
        Who { name, idx: None }
    }

    const fn at(name: &'static str, idx: usize) -> Who {
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

/// Civil date of an epoch day number, for any `i64` (proleptic Gregorian).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_iso(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    if (0..=9999).contains(&y) {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        format!("{y:+}-{m:02}-{d:02}")
    }
}

fn nat_error(who: Who) -> Error {
    Error::invalid(who.to_string(), "NaT", "NaT (i64::MIN) is not an instant")
}

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
    fn build(spec: CalendarSpec, r: &Resolved, default_name: &str) -> Calendar {
        let (lo, hi) = year_bounds(r.years);
        let first_day = i64::from(lo.num_days_from_ce()) - EPOCH_DAYS_FROM_CE;
        let ndays = (hi - lo).num_days() + 1;
        let week: [&[Window]; 7] = std::array::from_fn(|i| match &r.weekly[i] {
            Some(ws) => ws.as_slice(),
            None if r.workweek[i] => r.workday.as_slice(),
            None => &[],
        });
        let cap = usize::try_from(ndays).unwrap_or(0) + 1;
        let mut day_index = Vec::with_capacity(cap);
        let mut windows = Vec::with_capacity(cap * 2);
        let mut prefix_ms = Vec::with_capacity(cap);
        let mut total = 0_i64;
        let mut date = lo;
        for _ in 0..ndays {
            let ws: &[Window] = match r.rules.get(&date) {
                Some(DayRule::Off) => &[],
                Some(DayRule::On) => &r.workday,
                Some(DayRule::Hours(ws)) => ws,
                None => week[date.weekday().num_days_from_monday() as usize],
            };
            day_index.push(windows.len() as u32);
            prefix_ms.push(total);
            windows.extend_from_slice(ws);
            total += ws.iter().map(|w| i64::from(w.minutes())).sum::<i64>() * MINUTE_MS;
            date = date.succ_opt().unwrap_or(date);
        }
        day_index.push(windows.len() as u32);
        prefix_ms.push(total);
        let offset_ms = i64::from(r.offset_minutes) * MINUTE_MS;
        let start_ms = first_day * DAY_MS - offset_ms;
        Calendar {
            name: r.name.clone().unwrap_or_else(|| default_name.to_owned()),
            spec,
            offset_minutes: r.offset_minutes,
            first_year: r.years.0,
            last_year: r.years.1,
            day_length: r.day_length,
            first_day,
            start_ms,
            end_ms: start_ms + ndays * DAY_MS,
            day_index,
            windows,
            prefix_ms,
        }
    }

    /// The built-in China calendar (State Council holiday schedules 2024–2026, UTC+8,
    /// 08:00–12:00 and 14:00–18:00 Monday to Friday, 调休 make-up days included).
    ///
    /// Parsed from the crate's `data/calendar/china.toml` once per process and cloned.
    ///
    /// # Panics
    ///
    /// Never in practice: the built-in data is fixed at compile time and checked by the test
    /// suite, day by day, against the official schedules.
    ///
    /// # Examples
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use gridgov::calendar::Calendar;
    ///
    /// let cal = Calendar::china();
    /// assert_eq!(cal.years(), (2024, 2026));
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// assert!(cal.is_workday(d(2024, 2, 4))?); // 调休 Sunday
    /// assert!(!cal.is_workday(d(2025, 10, 8))?); // 国庆 + 中秋
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn china() -> Calendar {
        builtin_calendar("china")
            .cloned()
            .expect("the built-in China calendar data is valid")
    }

    /// A built-in calendar by name (`"china"`).
    ///
    /// # Errors
    ///
    /// [`Error::Unknown`] (what `"calendar"`) for any other name.
    ///
    /// # Examples
    ///
    /// ```
    /// use gridgov::calendar::Calendar;
    /// assert_eq!(Calendar::builtin("china")?.name(), "china");
    /// assert!(Calendar::builtin("mars").is_err());
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn builtin(name: &str) -> Result<Calendar> {
        builtin_calendar(name)
            .cloned()
            .ok_or_else(|| Error::unknown("calendar", name))
    }

    /// Validates a `calendar` section and builds the calendar, recording **every** problem in
    /// `issues` with its path under `path` (e.g. `calendar.holidays[3].off[1]`).
    ///
    /// Returns `None` when this call recorded any problem. Problems already in `issues` are
    /// left alone and do not affect the result.
    ///
    /// # Examples
    ///
    /// ```
    /// use gridgov::Issues;
    /// use gridgov::calendar::{Calendar, CalendarConfig, CalendarSpec};
    ///
    /// let spec = CalendarSpec::Custom(CalendarConfig {
    ///     years: Some([2024, 2024]),
    ///     workday: Some(vec!["08:00-12:00".into(), "11:00-13:00".into()]),
    ///     ..CalendarConfig::default()
    /// });
    /// let mut issues = Issues::default();
    /// assert!(Calendar::from_spec(&spec, "calendar", &mut issues).is_none());
    /// assert_eq!(issues.0[0].path, "calendar.workday[1]");
    /// ```
    pub fn from_spec(spec: &CalendarSpec, path: &str, issues: &mut Issues) -> Option<Calendar> {
        match spec {
            CalendarSpec::Builtin(name) => {
                let found = builtin_calendar(name).cloned();
                if found.is_none() {
                    issues.push(
                        path,
                        format!(
                            "unknown calendar {name:?}; built-in calendars: {}",
                            BUILTIN_NAMES.join(", ")
                        ),
                    );
                }
                found
            }
            CalendarSpec::Custom(cfg) => {
                let r = resolve(cfg, path, issues)?;
                Some(Calendar::build(spec.clone(), &r, "custom"))
            }
        }
    }

    /// Builds a calendar from a configuration table.
    ///
    /// # Errors
    ///
    /// [`Error::Model`] with every problem, paths under `calendar`.
    ///
    /// # Examples
    ///
    /// ```
    /// use gridgov::calendar::{Calendar, CalendarConfig, HolidayConfig};
    ///
    /// let cfg = CalendarConfig {
    ///     base: Some("china".into()),
    ///     years: Some([2024, 2027]),
    ///     holidays: vec![HolidayConfig {
    ///         name: "元旦".into(),
    ///         off: vec!["2027-01-01".into()],
    ///         on: vec![],
    ///     }],
    ///     ..CalendarConfig::default()
    /// };
    /// let cal = Calendar::from_config(&cfg)?;
    /// assert_eq!(cal.years(), (2024, 2027));
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn from_config(config: &CalendarConfig) -> Result<Calendar> {
        let mut issues = Issues::default();
        let spec = CalendarSpec::Custom(config.clone());
        match Calendar::from_spec(&spec, "calendar", &mut issues) {
            Some(cal) => Ok(cal),
            None => Err(Error::Model(issues)),
        }
    }

    /// Builds a calendar from a TOML calendar table on its own (the shape of
    /// [`CalendarConfig`]).
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] for malformed text or a wrong shape (unknown field, wrong type);
    /// [`Error::Model`] for invalid content.
    ///
    /// # Examples
    ///
    /// ```
    /// use gridgov::calendar::Calendar;
    /// let cal = Calendar::from_toml_str(r#"
    ///     base = "china"
    ///     name = "shenzhen"
    ///     dates = [{ date = "2024-02-09", rule = "off", name = "除夕" }]
    /// "#)?;
    /// assert_eq!(cal.name(), "shenzhen");
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn from_toml_str(text: &str) -> Result<Calendar> {
        let cfg: CalendarConfig = toml::from_str(text).map_err(|e| Error::Parse {
            format: "TOML",
            message: e.to_string(),
        })?;
        Calendar::from_config(&cfg)
    }

    /// Builds a calendar from JSON: a calendar object (the shape of [`CalendarConfig`]) or the
    /// name of a built-in calendar as a JSON string. `serde_json::to_string(cal.spec())` gives
    /// text this accepts back.
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] for malformed text or a wrong shape; [`Error::Model`] for invalid
    /// content; [`Error::Unknown`] for an unknown built-in name.
    ///
    /// # Examples
    ///
    /// ```
    /// use gridgov::calendar::Calendar;
    /// let cal = Calendar::from_json_str(r#"{"years": [2025, 2025], "workweek": ["mon", "tue"]}"#)?;
    /// assert_eq!(cal.name(), "custom");
    /// let back = Calendar::from_json_str(&serde_json::to_string(cal.spec()).unwrap())?;
    /// assert_eq!(back, cal);
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn from_json_str(text: &str) -> Result<Calendar> {
        let spec: CalendarSpec = serde_json::from_str(text).map_err(|e| Error::Parse {
            format: "JSON",
            message: e.to_string(),
        })?;
        match &spec {
            CalendarSpec::Builtin(name) => Calendar::builtin(name),
            CalendarSpec::Custom(cfg) => Calendar::from_config(cfg),
        }
    }

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

    fn instant_range_error(&self, t: Millis, who: Who) -> Error {
        self.range_error(days_iso(self.epoch_day(t)), Some(who))
    }

    /// Error for a result that would lie past the last covered day.
    fn past_end_error(&self, who: Who) -> Error {
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
    fn day_windows(&self, day: usize) -> &[Window] {
        let a = self.day_index[day] as usize;
        let b = self.day_index[day + 1] as usize;
        &self.windows[a..b]
    }

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
    fn rel_open(&self, t: Millis, who: Who) -> Result<i64> {
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
    fn add_working_impl(&self, start: Millis, d: i64, ws: Who, wd: Who) -> Result<Millis> {
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
    fn between_impl(&self, a: Millis, b: Millis, wa: Who, wb: Who) -> Result<i64> {
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
    fn next_impl(&self, t: Millis, who: Who) -> Result<Millis> {
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn window_parse_and_display() {
        let w = Window::parse("8:00-12:00").unwrap();
        assert_eq!(
            w,
            Window {
                start: 480,
                end: 720
            }
        );
        assert_eq!(w.to_string(), "08:00-12:00");
        assert_eq!(Window::parse(" 20:00 - 24:00 ").unwrap().end, 1440);
        for bad in [
            "",
            "08:00",
            "08:00-",
            "8-12",
            "08:60-09:00",
            "24:00-24:00",
            "25:00-26:00",
            "12:00-08:00",
            "10:00-10:00",
            "08:00-24:30",
            "a8:00-12:00",
            "008:00-09:00",
        ] {
            let e = Window::parse(bad).unwrap_err();
            assert!(
                matches!(&e, Error::InvalidValue { what, value, .. } if what == "window" && value == bad),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        // Extreme values do not panic.
        let _ = days_iso(i64::MAX / DAY_MS + 1);
        let _ = days_iso(i64::MIN / DAY_MS - 1);
        for d in -800_000..800_000_i64 {
            let (y, m, dd) = civil_from_days(d);
            let nd = NaiveDate::from_num_days_from_ce_opt((d + EPOCH_DAYS_FROM_CE) as i32).unwrap();
            assert_eq!(
                (y, m, dd),
                (
                    i64::from(nd.year()),
                    i64::from(nd.month()),
                    i64::from(nd.day())
                )
            );
        }
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("+08:00"), Some(480));
        assert_eq!(parse_offset("-05:30"), Some(-330));
        assert_eq!(parse_offset("+00:00"), Some(0));
        for bad in ["08:00", "+8:00", "+08:60", "+19:00", "+0800", "UTC+8", ""] {
            assert_eq!(parse_offset(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates() {
        assert!(parse_date("2024-02-29").is_ok());
        assert!(parse_date("2025-02-29").is_err());
        assert!(parse_date("2024-2-4").is_err());
        assert!(parse_date("2024/02/04").is_err());
        assert!(parse_date("２０２４-02-04").is_err());
        assert_eq!(
            parse_date_range("2024-02-10..2024-02-17").map(|(a, b)| (b - a).num_days()),
            Ok(7)
        );
        assert!(parse_date_range("2024-02-17..2024-02-10").is_err());
    }

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

    #[test]
    fn builtin_data_parses() {
        let cfg: CalendarConfig = toml::from_str(CHINA_TOML).unwrap();
        let mut issues = Issues::default();
        assert!(resolve(&cfg, "calendar", &mut issues).is_some(), "{issues}");
        assert!(builtin_calendar("china").is_some());
    }
}
