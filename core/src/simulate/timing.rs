//! When steps happen: a time moved into the daily hours of the centre or of the citizens, a
//! delay in the centre's hours, the time of the step that ends a timed stage (relative to its
//! deadline, on time or late), whether a run is late, and the scheduling of the next stage.

use std::sync::Arc;

use chrono::NaiveDate;

use crate::calendar::{Millis, TimeLimit};
use crate::case::CaseId;
use crate::error::Result;

use super::mix::{CENTRE_HOURS, HOUR, MINUTE, P_LATE_HANDLE, P_LATE_OTHER};
use super::rng::Rng;
use super::run::{Run, Step};

impl Run {
    /// `t`, or the next opening of the daily `hours` (with a few minutes' jitter) when `t`
    /// falls outside them.
    pub(super) fn hours(&self, t: Millis, hours: (u32, u32), rng: &mut Rng) -> Result<Millis> {
        let cal = self.model.calendar();
        let date: NaiveDate = cal.try_local_date(t)?;
        let minute = (t - cal.local_instant(date, 0)) / MINUTE;
        let jitter = rng.ms(0, 30 * MINUTE);
        Ok(if minute < i64::from(hours.0) {
            cal.local_instant(date, hours.0) + jitter
        } else if minute >= i64::from(hours.1) {
            cal.local_instant(date, 24 * 60 + hours.0) + jitter
        } else {
            t
        })
    }

    /// `t` plus a delay drawn in `[lo, hi)`, moved into the centre's hours.
    pub(super) fn centre(&mut self, id: CaseId, t: Millis, lo: i64, hi: i64) -> Result<Millis> {
        let mut rng = self.rng(id).clone();
        let at = t + rng.ms(lo, hi);
        let at = self.hours(at, CENTRE_HOURS, &mut rng)?;
        *self.rng(id) = rng;
        Ok(at)
    }

    /// When the step that ends the running timed stage of case `id` happens, from `t`: on time,
    /// a share in `[lo, hi)` of the time left to the deadline; late, 5–80 % of the limit past
    /// the deadline. Both in the limit's own measure (working or continuous time).
    pub(super) fn stage_time(
        &mut self,
        id: CaseId,
        t: Millis,
        late: bool,
        lo: f64,
        hi: f64,
    ) -> Result<Millis> {
        let c = self.eng.case(id)?;
        let Some(timer) = &c.timer else {
            return Ok(t + self.rng(id).ms(10 * MINUTE, HOUR));
        };
        let model = Arc::clone(&self.model);
        // the calendar the deadline is counted on: whoever acts in the stage
        let cal = model.calendar_for(timer.stage, c.unit);
        let (minutes, working) = match timer.limit {
            TimeLimit::Working { minutes } => (minutes, true),
            TimeLimit::WorkingDays { days } => (days * cal.day_length_minutes(), true),
            TimeLimit::Continuous { minutes } => (minutes, false),
        };
        let limit_ms = minutes.saturating_add(timer.extension_minutes) * MINUTE;
        let Some(deadline) = self.eng.deadline(id)? else {
            return Ok(t + self.rng(id).ms(10 * MINUTE, HOUR));
        };
        let rng = self.rng(id);
        if !late && deadline > t {
            let share = rng.range(lo, hi);
            return if working {
                let left = cal.working_between(t, deadline)?;
                cal.add_working(t, (left as f64 * share) as i64)
            } else {
                Ok(t + ((deadline - t) as f64 * share) as i64)
            };
        }
        if !late {
            // already overdue: as soon as possible
            return Ok(t + rng.ms(5 * MINUTE, 30 * MINUTE));
        }
        let over = ((limit_ms as f64 * rng.range(0.05, 0.8)) as i64).max(10 * MINUTE);
        let base = deadline.max(t);
        if working {
            cal.add_working(base, over)
        } else {
            Ok(base + over)
        }
    }

    /// Whether the next run of a stage other than handling is late.
    pub(super) fn late_other(&mut self, id: CaseId) -> bool {
        self.rng(id).chance(P_LATE_OTHER)
    }

    /// Schedules the handling of case `id` (a new run: late or not).
    pub(super) fn schedule_handle(&mut self, id: CaseId, t: Millis, lo: f64) -> Result<()> {
        let at = {
            let late = self.fate(id).late;
            self.stage_time(id, t, late, lo, 0.9)?
        };
        self.schedule(id, at, Step::Handle);
        Ok(())
    }

    pub(super) fn new_handling_run(&mut self, id: CaseId) {
        let f = self.fate(id);
        f.late = f.rng.chance(P_LATE_HANDLE);
        f.was_late |= f.late;
    }

    pub(super) fn schedule_dispatch(&mut self, id: CaseId, t: Millis) -> Result<()> {
        let late = self.late_other(id);
        let at = self.stage_time(id, t, late, 0.1, 0.9)?;
        self.schedule(id, at, Step::Dispatch);
        Ok(())
    }

    pub(super) fn schedule_close(&mut self, id: CaseId, t: Millis) -> Result<()> {
        self.schedule_on_time_mostly(id, t, Step::Close)
    }

    /// Schedules `step`, which ends the running timed stage of case `id` (acceptance, filing,
    /// closing: the centre's own nodes), within the stage's limit but for the share
    /// `P_LATE_OTHER` of runs that go late — as the other stages are timed, so that the
    /// sample city's on-time rates follow its own limits (10 working minutes for these nodes by
    /// default) rather than a fixed delay.
    pub(super) fn schedule_on_time_mostly(
        &mut self,
        id: CaseId,
        t: Millis,
        step: Step,
    ) -> Result<()> {
        let late = self.late_other(id);
        let at = self.stage_time(id, t, late, 0.1, 0.9)?;
        self.schedule(id, at, step);
        Ok(())
    }
}
