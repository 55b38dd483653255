//! A case's trail: what its row of case records is built from, kept current as each of its
//! events is recorded, so that [`crate::engine::Engine::records`] costs one pass over the cases,
//! not over the events (and works on an engine that does not keep its events in memory).
//!
//! [`Trail::step`] takes one event of the case after the engine applied it. The stage deadlines
//! it notes are those of the timers the events end, on the calendar of whoever acts in the
//! stage ([`crate::Model::calendar_for`]); a deadline that cannot be computed (outside the
//! calendar) is kept as the trail's error, with the event's sequence number, and the records
//! report the earliest one.

use std::sync::Arc;

use crate::calendar::Millis;
use crate::case::{Action, Actor, Timer, stage_started};
use crate::catalog::Stage;
use crate::engine::timers;
use crate::error::{Error, Result};
use crate::event::{Event, EventBody};
use crate::model::Model;
use crate::org::UnitId;

use super::records::{NO_TIME, p, t};

/// What one case's record row is built from (see the module docs). Instants are
/// [`NO_TIME`] when unset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Trail {
    pub(crate) time: [Millis; 9],
    pub(crate) person: [Option<Arc<str>>; 9],
    /// The deadlines of the verify, dispatch, handle and check runs the events ended.
    pub(crate) deadline: [Millis; 4],
    timer: Option<Timer>,
    /// The handling run a feedback ended, kept for a failed check to resume (the engine's
    /// rework on the original deadline).
    held: Option<Box<Timer>>,
    /// Checks done (failed ones included), and those done by their check deadline.
    pub(crate) checks: [u32; 2],
    pub(crate) last_checked_at: Millis,
    pending_postpone: i64,
    pub(crate) postponements: u32,
    pub(crate) shelved: bool,
    /// `shelved_at`, `resumed_at`: the last time on the shelf.
    pub(crate) shelf: [Millis; 2],
    /// The unit of the last dispatch (its timer's calendar while it handles).
    pub(crate) unit: Option<UnitId>,
    /// The first deadline that could not be computed, with its event's sequence number.
    pub(crate) error: Option<Box<(u64, Error)>>,
}

fn actor_id(a: &Actor) -> Option<Arc<str>> {
    match a {
        Actor::Worker(id) | Actor::Citizen(id) => Some(Arc::clone(id)),
        Actor::System => None,
    }
}

/// Actions after which no stage timer runs (unless the event starts one).
fn ends_timer(action: &Action) -> bool {
    matches!(
        action,
        Action::Accept
            | Action::Reject { .. }
            | Action::Verify { .. }
            | Action::Void { .. }
            | Action::Check { passed: true }
            | Action::Close { .. }
            | Action::SelfHandle { .. }
    )
}

impl Trail {
    /// A case with no event yet.
    pub(crate) fn new() -> Trail {
        Trail {
            time: [NO_TIME; 9],
            person: Default::default(),
            deadline: [NO_TIME; 4],
            timer: None,
            held: None,
            checks: [0; 2],
            last_checked_at: NO_TIME,
            pending_postpone: 0,
            postponements: 0,
            shelved: false,
            shelf: [NO_TIME; 2],
            unit: None,
            error: None,
        }
    }

    /// The `handle_deadline` column: the deadline of the handling run the last feedback ended,
    /// or, for a case never handled, that of the running handling run on `unit`'s calendar
    /// ([`NO_TIME`] while paused or when no handling ran).
    ///
    /// # Errors
    /// [`Error::CalendarRange`] when the running run's deadline falls outside the calendar.
    pub(crate) fn handle_deadline(&self, model: &Model, unit: Option<UnitId>) -> Result<Millis> {
        match &self.timer {
            Some(tm) if self.time[t::HANDLED] == NO_TIME && tm.stage == Stage::Handle => {
                Ok(timers::deadline(model.calendar_for(tm.stage, unit), tm)?.unwrap_or(NO_TIME))
            }
            _ => Ok(self.deadline[2]),
        }
    }

    /// Whether an event of this kind changes a trail (escalations do not).
    pub(crate) fn takes(e: &Event) -> bool {
        !matches!(e.body, EventBody::Escalation(_) | EventBody::Migration(_))
    }

    /// Takes one event of the case, after the engine applied it; `verified`: whether the case's
    /// source is verified before filing.
    ///
    /// Per case: the first acceptance, verification, filing decision and dispatch; the last
    /// feedback and the deadline of the handling run it ended; the last passed check after
    /// that feedback; the last closing and rating since the last reopening; the last time on
    /// the shelf.
    pub(crate) fn step(&mut self, e: &Event, model: &Model, verified: bool) {
        let a = self;
        let at = e.at;
        let who = actor_id(&e.actor);
        let action = match &e.body {
            EventBody::Report(_) => {
                a.time[t::REPORTED] = at;
                a.person[p::REPORTER] = who;
                return;
            }
            EventBody::Escalation(_) | EventBody::Migration(_) => return,
            EventBody::Action(action) => action,
        };
        // The deadline of the running timer as it ends (or is replaced) now.
        let ending = match &a.timer {
            Some(tm)
                if e.limit.is_some()
                    || ends_timer(action)
                    || matches!(action, Action::Check { .. }) =>
            {
                match timers::deadline(model.calendar_for(tm.stage, a.unit), tm) {
                    Ok(d) => Some((tm.stage, d)),
                    Err(err) => {
                        if a.error.is_none() {
                            a.error = Some(Box::new((e.seq, err)));
                        }
                        None
                    }
                }
            }
            _ => None,
        };
        let ended = |stage: Stage| ending.and_then(|(s, d)| (s == stage).then_some(d).flatten());
        let or_none = |d: Option<Millis>| d.unwrap_or(NO_TIME);
        if let Action::Check { .. } = action {
            // Every check counts, failed ones too (domain facts §11: 核查 counts every
            // check done; 按时核查 those done by their deadline).
            a.checks[0] += 1;
            a.checks[1] += u32::from(ended(Stage::Check).is_some_and(|d| at <= d));
            a.last_checked_at = at;
            a.person[p::LAST_CHECKER].clone_from(&who);
        }
        match action {
            Action::Accept | Action::Reject { .. } => {
                if let Some(w) = &e.assigned_to {
                    a.person[p::VERIFY_ASSIGNEE] = Some(Arc::clone(w));
                }
                if a.time[t::ACCEPTED] == NO_TIME {
                    a.time[t::ACCEPTED] = at;
                }
                if a.person[p::ACCEPTOR].is_none() {
                    a.person[p::ACCEPTOR] = who;
                }
            }
            Action::Verify { .. } if a.time[t::VERIFIED] == NO_TIME => {
                a.time[t::VERIFIED] = at;
                a.person[p::VERIFIER] = who;
                a.deadline[0] = or_none(ended(Stage::Verify));
            }
            Action::File | Action::Void { .. } if a.time[t::FILED] == NO_TIME => {
                a.time[t::FILED] = at;
                a.person[p::FILER] = who;
            }
            Action::Dispatch { unit, .. } => {
                a.held = None;
                if a.time[t::DISPATCHED] == NO_TIME {
                    a.time[t::DISPATCHED] = at;
                    a.person[p::DISPATCHER] = who;
                    a.deadline[1] = or_none(ended(Stage::Dispatch));
                }
                a.unit = unit.as_deref().and_then(|u| model.org().find_unit(u).ok());
            }
            Action::Handle { .. } => {
                a.held = a.timer.clone().map(Box::new);
                a.time[t::HANDLED] = at;
                a.deadline[2] = or_none(ended(Stage::Handle));
                a.time[t::CHECKED] = NO_TIME;
                a.person[p::CHECKER] = None;
                a.deadline[3] = NO_TIME;
            }
            Action::SelfHandle { .. } => a.time[t::HANDLED] = at,
            Action::Check { passed: false } => {
                // Rework on the original deadline: the handling run the feedback ended
                // resumes, unless the event records a limit (the model's `restart`).
                let held = a.held.take();
                if e.limit.is_none() {
                    a.timer = held.map(|b| *b);
                }
            }
            Action::Return { .. } => a.held = None,
            Action::Check { passed: true } => {
                a.held = None;
                a.time[t::CHECKED] = at;
                a.person[p::CHECKER] = who;
                a.deadline[3] = or_none(ended(Stage::Check));
            }
            Action::Close { .. } => {
                a.time[t::CLOSED] = at;
                a.person[p::CLOSER] = who;
            }
            Action::Reopen { .. } => {
                if a.shelf[0] != NO_TIME && a.shelf[1] == NO_TIME {
                    a.shelf[1] = at;
                }
                a.time[t::CLOSED] = NO_TIME;
                a.person[p::CLOSER] = None;
                a.time[t::RATED] = NO_TIME;
            }
            Action::Rate { .. } => a.time[t::RATED] = at,
            Action::RequestPostpone { minutes } => a.pending_postpone = *minutes,
            Action::ApprovePostpone => {
                a.postponements += 1;
                if let Some(tm) = &mut a.timer {
                    tm.extension_minutes += a.pending_postpone;
                }
            }
            Action::ApproveShelve => {
                a.shelved = true;
                a.shelf = [at, NO_TIME];
                if let Some(tm) = &mut a.timer {
                    tm.paused_since = Some(at);
                }
            }
            Action::Start => {
                if a.shelf[0] != NO_TIME && a.shelf[1] == NO_TIME {
                    a.shelf[1] = at;
                }
                if let Some(tm) = &mut a.timer
                    && let Some(since) = tm.paused_since.take()
                {
                    tm.pauses.push((since, at));
                }
            }
            _ => {}
        }
        if let Some(limit) = e.limit
            && let Some(stage) = stage_started(action, verified)
        {
            a.timer = Some(Timer::start(stage, limit, at));
        } else if ends_timer(action) {
            a.timer = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::TimeLimit;
    use crate::case::{Report, Source};
    use crate::error::ErrorKind;

    fn event(seq: u64, at: Millis, body: EventBody, limit: Option<TimeLimit>) -> Event {
        Event {
            seq,
            case: 1,
            at,
            actor: Actor::Worker("SV001".into()),
            body,
            limit,
            assigned_to: None,
        }
    }

    /// A deadline past the calendar's last year is kept as the trail's error, with the
    /// sequence number of the event that met it first; the trail goes on with the rest.
    #[test]
    fn a_deadline_outside_the_calendar_is_kept_with_its_event() {
        let model = Model::sample();
        let report = Report {
            category: "C0101".into(),
            grid: "37990100100101".into(),
            point: None,
            urgency: None,
            source: Source::Supervisor,
            description: String::new(),
            contact: None,
            contact_sha256: None,
        };
        // 2026-12-31 09:00, 17:30 and 17:50 in Asia/Shanghai: a verification started at
        // 17:30 with an hour to run ends in 2027, past the sample calendar's years.
        let (t0, t1, t2) = (1_798_678_800_000, 1_798_709_400_000, 1_798_710_600_000);
        let hour = Some(TimeLimit::Working { minutes: 60 });
        let mut tr = Trail::new();
        tr.step(
            &event(1, t0, EventBody::Report(Box::new(report)), None),
            &model,
            true,
        );
        tr.step(
            &event(2, t1, EventBody::Action(Action::Accept), hour),
            &model,
            true,
        );
        assert!(tr.error.is_none());
        let verify = EventBody::Action(Action::Verify { valid: true });
        tr.step(&event(3, t2, verify, hour), &model, true);
        let (seq, err) = tr.error.as_deref().expect("an error");
        assert_eq!((*seq, err.kind()), (3, ErrorKind::CalendarRange));
        assert_eq!(tr.time[t::VERIFIED], t2);
        assert_eq!(tr.deadline[0], NO_TIME);
        assert_eq!((tr.time[t::REPORTED], tr.time[t::ACCEPTED]), (t0, t1));
        // a later failure does not replace the first
        tr.step(
            &event(4, t2, EventBody::Action(Action::File), hour),
            &model,
            true,
        );
        assert_eq!(tr.error.as_deref().map(|e| e.0), Some(3));
    }
}
