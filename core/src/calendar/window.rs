//! What a working day is made of: a [`Window`] (a half-open span of minutes inside one local
//! day) and a [`DayRule`] (a per-date override of the weekly pattern: off, on, or own hours).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

use super::time::{DAY_MINUTES, FromStrVisitor, parse_hhmm};

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

pub(super) fn parse_window(s: &str) -> std::result::Result<Window, String> {
    let (a, b) = s
        .trim()
        .split_once('-')
        .ok_or_else(|| "expected \"HH:MM-HH:MM\"".to_owned())?;
    let start = parse_hhmm(a.trim())?;
    let end = parse_hhmm(b.trim())?;
    check_window(start, end)?;
    Ok(Window { start, end })
}

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
}
