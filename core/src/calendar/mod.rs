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
//! [`Error::InvalidValue`]: crate::Error::InvalidValue
//! [`Error::CalendarRange`]: crate::Error::CalendarRange
//!
//! # Where things are
//!
//! - `days.rs`: the [`Calendar`] type — its day tables, accessors, local dates and times, and
//!   the day queries ([`Calendar::is_workday`], [`Calendar::windows_on`]).
//! - `arithmetic.rs`: working-time arithmetic — how N working hours are added
//!   ([`Calendar::add_working`], [`Calendar::add_limit`]), measured
//!   ([`Calendar::working_between`]) and the next working instant found
//!   ([`Calendar::next_working`]).
//! - `bulk.rs`: the same over arrays (`add_working_many` and the other `*_many` methods).
//! - `limit.rs`: [`TimeLimit`], how long a stage may take, and its string form.
//! - `window.rs`: [`Window`], a working window inside a day, and [`DayRule`], a per-date
//!   override.
//! - `spec.rs`: the calendar file format ([`CalendarSpec`], [`CalendarConfig`],
//!   [`HolidayConfig`], [`DateRuleConfig`]).
//! - `load.rs`: how a calendar file is read — the constructors ([`Calendar::from_toml_str`] and
//!   the others), the validation of a spec, the built-in calendars, the building of the day
//!   tables.
//! - `time.rs`: instants ([`Millis`], [`MINUTE_MS`], [`DAY_MS`]) and the parsers of dates and
//!   times of day.
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

mod arithmetic;
mod bulk;
mod days;
mod limit;
mod load;
mod spec;
mod time;
mod window;

pub use days::Calendar;
pub use limit::{TIME_LIMIT_PATTERN, TimeLimit};
pub use spec::{CalendarConfig, CalendarSpec, DateRuleConfig, DateRuleKind, HolidayConfig};
pub(crate) use time::parse_instant_text;
pub use time::{DAY_MS, MINUTE_MS, Millis};
pub use window::{DayRule, Window};
