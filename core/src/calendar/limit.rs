//! [`TimeLimit`]: how long a stage may take — working minutes, working days or continuous
//! time — and its string form `"<n> <unit>"` (parsing, display, serde, JSON Schema).

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

use super::time::{FromStrVisitor, MINUTE_MS};

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
