//! Stage timers: how a running stage's limit is counted, when the stage is due, how much of it
//! is used, and its light. Pure functions of the calendar and the case's [`Timer`].
//!
//! A timer counts in the measure of its limit: working time on the calendar for
//! `working_hours` and `working_days` limits (a working day is the calendar's day length), plain
//! time for continuous limits. Closed pauses (shelving) do not count; approved postponements
//! extend the limit ([`Timer::extension_minutes`]). A paused timer has no deadline.
//!
//! The calendar is that of whoever acts in the timer's stage, chosen by
//! [`crate::Model::calendar_for`] (the responsible unit's for handling, the stage's for the
//! centre's stages); the engine's callers pass it (`Engine::case_calendar`).

use crate::calendar::{Calendar, MINUTE_MS, Millis, TimeLimit};
use crate::case::{Light, Timer};
use crate::error::{Error, Result};
use crate::policy::EngineConfig;

/// A limit in its own measure: (minutes, whether they are working minutes).
#[inline]
pub(crate) fn limit_minutes(cal: &Calendar, limit: TimeLimit) -> (i64, bool) {
    match limit {
        TimeLimit::Working { minutes } => (minutes, true),
        TimeLimit::WorkingDays { days } => (days.saturating_mul(cal.day_length_minutes()), true),
        TimeLimit::Continuous { minutes } => (minutes, false),
    }
}

/// Whether a limit counts working time.
#[inline]
pub(crate) fn is_working(limit: TimeLimit) -> bool {
    !matches!(limit, TimeLimit::Continuous { .. })
}

/// A limit in milliseconds of its own measure.
#[inline]
pub(crate) fn limit_ms(cal: &Calendar, limit: TimeLimit) -> i64 {
    limit_minutes(cal, limit).0.saturating_mul(MINUTE_MS)
}

/// The whole limit of a timer, approved extensions included, in milliseconds of its measure.
#[inline]
pub(crate) fn total_ms(cal: &Calendar, t: &Timer) -> i64 {
    limit_minutes(cal, t.limit)
        .0
        .saturating_add(t.extension_minutes)
        .saturating_mul(MINUTE_MS)
}

/// Time from `a` to `b` in the measure.
#[inline]
fn measure(cal: &Calendar, working: bool, a: Millis, b: Millis) -> Result<i64> {
    if working {
        cal.working_between(a, b)
    } else {
        Ok(b - a)
    }
}

/// `from` moved forward by `ms` of the measure.
#[inline]
fn advance(cal: &Calendar, working: bool, from: Millis, ms: i64) -> Result<Millis> {
    if working {
        cal.add_working(from, ms)
    } else {
        from.checked_add(ms)
            .ok_or_else(|| Error::invalid("deadline", from, "overflows"))
    }
}

/// The instant at which `used_ms` of the timer's measure has been used (pauses excluded);
/// `None` while the timer is paused.
///
/// # Errors
/// [`Error::CalendarRange`] when the instant falls outside the calendar.
#[inline]
pub(crate) fn instant_at_used(cal: &Calendar, t: &Timer, used_ms: i64) -> Result<Option<Millis>> {
    if t.paused_since.is_some() {
        return Ok(None);
    }
    let (_, working) = limit_minutes(cal, t.limit);
    let mut remaining = used_ms.max(0);
    let mut cur = t.started;
    for &(ps, pe) in &t.pauses {
        let avail = measure(cal, working, cur, ps)?;
        if avail >= remaining {
            return advance(cal, working, cur, remaining).map(Some);
        }
        remaining -= avail;
        cur = pe;
    }
    advance(cal, working, cur, remaining).map(Some)
}

/// The deadline of a timer: its whole limit used. `None` while it is paused.
///
/// # Errors
/// [`Error::CalendarRange`] when the deadline falls outside the calendar.
#[inline]
pub(crate) fn deadline(cal: &Calendar, t: &Timer) -> Result<Option<Millis>> {
    instant_at_used(cal, t, total_ms(cal, t))
}

/// Moves `from` forward by `times` × `d` in `d`'s own measure; a zero working-time step lands
/// on the next working instant, so that working-time escalation triggers never fall outside
/// office hours.
///
/// # Errors
/// [`Error::CalendarRange`]; [`Error::InvalidValue`] when the instant overflows.
#[inline]
pub(crate) fn step(cal: &Calendar, from: Millis, d: TimeLimit, times: u32) -> Result<Millis> {
    let ms = limit_ms(cal, d).saturating_mul(i64::from(times));
    if is_working(d) {
        if ms == 0 {
            return cal.next_working(from);
        }
        cal.add_working(from, ms)
    } else {
        from.checked_add(ms)
            .ok_or_else(|| Error::invalid("escalation instant", from, "overflows"))
    }
}

/// The light of a running timer at `now`: red at or past the deadline; yellow when the used
/// share of the limit (pauses excluded, extensions included) reaches the policy's
/// `yellow_share`, or when at most `yellow_before_minutes` remain; green otherwise. `None`
/// while the timer is paused (no deadline).
///
/// # Errors
/// [`Error::CalendarRange`].
pub(crate) fn light(
    cal: &Calendar,
    policy: &EngineConfig,
    t: &Timer,
    now: Millis,
) -> Result<Option<Light>> {
    let Some(deadline) = deadline(cal, t)? else {
        return Ok(None);
    };
    if now >= deadline {
        return Ok(Some(Light::Red));
    }
    let (minutes, working) = limit_minutes(cal, t.limit);
    let total = minutes.saturating_add(t.extension_minutes) as f64 * 60_000.0;
    let mut used = measure(cal, working, t.started, now.max(t.started))? as f64;
    for &(ps, pe) in &t.pauses {
        used -= measure(cal, working, ps, pe.min(now).max(ps))? as f64;
    }
    if total > 0.0 && used / total >= policy.yellow_share {
        return Ok(Some(Light::Yellow));
    }
    if let Some(before) = policy.yellow_before_minutes {
        let left = measure(cal, working, now, deadline)?;
        if left <= before.saturating_mul(60_000) {
            return Ok(Some(Light::Yellow));
        }
    }
    Ok(Some(Light::Green))
}
