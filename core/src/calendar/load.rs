//! Reading a calendar: the constructors ([`Calendar::from_toml_str`], [`Calendar::from_json_str`],
//! [`Calendar::from_config`], [`Calendar::from_spec`], the built-in [`Calendar::china`]), the
//! validation of a [`CalendarSpec`] into per-date rules (every problem recorded with its path),
//! and the building of the day tables.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};

use crate::error::{Error, Issues, Result};

use super::days::Calendar;
use super::spec::{CalendarConfig, CalendarSpec, DateRuleKind};
use super::time::{DAY_MS, EPOCH_DAYS_FROM_CE, MINUTE_MS, parse_date_range, parse_hhmm};
use super::window::{DayRule, Window, parse_window};

/// The text of the built-in China calendar.
const CHINA_TOML: &str = include_str!("../../data/calendar/china.toml");

/// Names of the built-in calendars.
const BUILTIN_NAMES: &[&str] = &["china"];

/// Default windows of a working day, 08:00–12:00 and 14:00–18:00: the working periods public
/// 数字城管 implementations count limits in (configurable: [`CalendarConfig::workday`]).
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

/// Oldest and newest year a calendar may cover: within the instants the library accepts
/// ([`crate::limits`], 1970-01-01 to 2200-01-01), so that a deadline a calendar computes can be
/// written and read back.
const YEAR_LIMITS: (i32, i32) = (1970, 2199);

impl Calendar {
    /// The built-in China calendar (State Council holiday schedules 2019–2026, UTC+8,
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
    /// assert_eq!(cal.years(), (2019, 2026));
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
        Calendar::from_spec_named(spec, None, path, issues)
    }

    /// As [`Calendar::from_spec`], a table without its own `name` taking `key` as its name: a
    /// model's named calendar (`[calendars.seven_day]`) is called by its key, also when it
    /// extends a `base`.
    pub(crate) fn from_spec_named(
        spec: &CalendarSpec,
        key: Option<&str>,
        path: &str,
        issues: &mut Issues,
    ) -> Option<Calendar> {
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
                let mut r = resolve(cfg, path, issues)?;
                if let (None, Some(key)) = (&cfg.name, key) {
                    r.name = Some(key.to_owned());
                }
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

    /// Builds the day tables of a validated configuration.
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

/// A year a calendar adds beyond its base's holiday data must list some of its own dates
/// (breaks or 调休 days from that year's notice): otherwise it would silently count as a plain
/// weekly year, and every holiday of it as a workday — a guess, which the calendar never makes.
fn check_years_have_holidays(
    base: &Resolved,
    years: (i32, i32),
    own: &RuleSet,
    path: &str,
    issues: &mut Issues,
) {
    if base.rules.is_empty() {
        return; // a base without dated rules has no holiday data to run out of
    }
    for year in years.0..=years.1 {
        if (base.years.0..=base.years.1).contains(&year) {
            continue;
        }
        let listed = own.map.keys().any(|d| chrono::Datelike::year(d) == year);
        if !listed {
            let name = base.name.as_deref().unwrap_or("base");
            issues.push(
                format!("{path}.years"),
                format!(
                    "year {year} is outside the holiday data of the {name:?} calendar ({}–{}) and \
                     none of its holidays or make-up workdays are listed: add that year's \
                     [[holidays]] from its official notice (see the README, \"Adding next year's \
                     holidays\"), or narrow `years`",
                    base.years.0, base.years.1
                ),
            );
        }
    }
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
    if let (Some(b), Some(y)) = (base, years) {
        check_years_have_holidays(b, y, &own, path, issues);
    }
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

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
    fn builtin_data_parses() {
        let cfg: CalendarConfig = toml::from_str(CHINA_TOML).unwrap();
        let mut issues = Issues::default();
        assert!(resolve(&cfg, "calendar", &mut issues).is_some(), "{issues}");
        assert!(builtin_calendar("china").is_some());
    }
}
