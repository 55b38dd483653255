//! The calendar file format: the `calendar` section of a model file ([`CalendarSpec`]: a
//! built-in name or a [`CalendarConfig`] table), its holidays ([`HolidayConfig`]) and date rules
//! ([`DateRuleConfig`]), field by field. How a spec is checked and turned into a calendar is in
//! `load.rs`.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The `calendar` section of a model file: either the name of a built-in calendar
/// (`calendar = "china"`) or a table ([`CalendarConfig`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(untagged)]
#[allow(clippy::large_enum_variant)] // a configuration value, built once
pub enum CalendarSpec {
    /// The name of a built-in calendar: `"china"` (mainland China, State Council schedules
    /// 2019–2026).
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
    /// First and last covered year, inclusive (within 1970..=2199). Required without `base`;
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
