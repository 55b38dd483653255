//! What happened in an engine's history: [`Counts`], counted the way the simulator aims at it.

use std::collections::BTreeMap;

use crate::calendar::{Millis, TimeLimit};
use crate::case::Action;
use crate::catalog::Stage;
use crate::engine::Engine;
use crate::error::Result;
use crate::org::UnitId;

use super::mix::MINUTE;

/// What happened in an engine's history, counted the way the simulator aims at it (for tests,
/// demos and reports): cases per state, and cases that went through returns, reworks,
/// postponements, shelving, self-handling, ratings and reopenings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Cases.
    pub cases: usize,
    /// Events.
    pub events: usize,
    /// Cases per current state (the states that occur), by `snake_case` name.
    pub states: BTreeMap<&'static str, usize>,
    /// Cases reported by citizens (hotline, app, media).
    pub public: usize,
    /// Cases returned by a unit (an approved return) and dispatched again.
    pub returned_and_redispatched: usize,
    /// Cases with a denied return request.
    pub return_denied: usize,
    /// Cases voided after filing (an approved void).
    pub voided_after_filing: usize,
    /// Cases with a denied void request.
    pub void_denied: usize,
    /// Callbacks (回访) made before closing.
    pub callbacks: usize,
    /// Of those, the ones that sent the case back for redo.
    pub callback_redos: usize,
    /// 督办 orders issued.
    pub orders: usize,
    /// Of those, the ones answered by their reply deadline.
    pub orders_replied_on_time: usize,
    /// Of those, the ones answered after it.
    pub orders_replied_late: usize,
    /// Cases with a failed check (rework).
    pub reworked: usize,
    /// Cases with an approved postponement.
    pub postponed: usize,
    /// Cases with a denied postponement.
    pub postponement_denied: usize,
    /// Cases shelved at some point.
    pub shelved: usize,
    /// Cases fixed on the spot by their supervisor.
    pub self_handled: usize,
    /// Cases rated by their citizen.
    pub rated: usize,
    /// Cases reopened.
    pub reopened: usize,
    /// Handling runs ended by a `handle` action.
    pub handled: usize,
    /// Of those, the runs handled after their deadline (approved postponements included;
    /// shelving pauses are not subtracted).
    pub handled_late: usize,
    /// Escalation events.
    pub escalations: usize,
    /// Cases passed on to a sub-unit (二级派遣) at least once.
    pub subdispatched: usize,
    /// Cases given co-handlers (协办) at least once.
    pub joint: usize,
    /// Co-handlers named (`co_dispatch` actions).
    pub co_handlers: usize,
    /// Co-handlers' own feedback (`co_feedback` actions).
    pub co_feedback: usize,
    /// Of the co-handlers as the cases hold them now, those that fed back by the handling
    /// deadline.
    pub co_feedback_on_time: usize,
}

/// What [`Counts::of`] saw of one case.
#[derive(Clone, Default)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "independent flags of one history"
)]
struct Seen {
    returned: bool,
    redispatched: bool,
    return_denied: bool,
    voided: bool,
    void_denied: bool,
    postponed: bool,
    denied: bool,
    shelved: bool,
    rated: bool,
    subdispatched: bool,
    joint: bool,
    /// The handling run: its start, limit and approved extension (minutes).
    run: Option<(Millis, TimeLimit, i64)>,
    pending: i64,
    /// The unit the case was last dispatched to (its calendar times handling).
    unit: Option<UnitId>,
}

impl Counts {
    /// Counts the history of `eng`.
    ///
    /// # Errors
    /// [`Error::CalendarRange`](crate::Error::CalendarRange) when a handling deadline cannot be
    /// computed.
    pub fn of(eng: &Engine) -> Result<Counts> {
        use crate::event::EventBody;
        let n = eng.cases().len();
        let mut c = Counts {
            cases: n,
            events: eng.events().len(),
            ..Counts::default()
        };
        for case in eng.cases() {
            *c.states.entry(case.state.as_str()).or_default() += 1;
        }
        let mut seen = vec![Seen::default(); n];
        for e in eng.events() {
            if let EventBody::Migration(_) = e.body {
                continue; // belongs to no case
            }
            let s = &mut seen[(e.case - 1) as usize];
            match &e.body {
                EventBody::Migration(_) => {}
                EventBody::Escalation(_) => c.escalations += 1,
                EventBody::Report(r) => c.public += usize::from(r.source.is_public()),
                EventBody::Action(a) => match a {
                    Action::Return { .. } | Action::ApproveReturn => s.returned = true,
                    Action::DenyReturn => s.return_denied = true,
                    Action::ApproveVoid => s.voided = true,
                    Action::DenyVoid => s.void_denied = true,
                    Action::Dispatch { .. } | Action::Check { passed: false } => {
                        s.redispatched |= s.returned && matches!(a, Action::Dispatch { .. });
                        // the event records the unit; handling runs on its calendar
                        if let Action::Dispatch { unit: Some(u), .. } = a {
                            s.unit = eng.model().org().find_unit(u).ok();
                        }
                        s.run = e.limit.map(|l| (e.at, l, 0));
                    }
                    // a callback that sends the case back for redo starts a handling run
                    Action::Callback { .. } if e.limit.is_some() => {
                        s.run = e.limit.map(|l| (e.at, l, 0));
                    }
                    Action::RequestPostpone { minutes } => s.pending = *minutes,
                    Action::ApprovePostpone => {
                        s.postponed = true;
                        if let Some(run) = &mut s.run {
                            run.2 += s.pending;
                        }
                    }
                    Action::DenyPostpone => s.denied = true,
                    Action::ApproveShelve => s.shelved = true,
                    Action::Rate { .. } => s.rated = true,
                    Action::Subdispatch { .. } => s.subdispatched = true,
                    Action::CoDispatch { .. } => {
                        s.joint = true;
                        c.co_handlers += 1;
                    }
                    Action::CoFeedback { .. } => c.co_feedback += 1,
                    Action::Handle { .. } => {
                        c.handled += 1;
                        if let Some((start, limit, ext)) = s.run {
                            let cal = eng.model().calendar_for(Stage::Handle, s.unit);
                            let (minutes, working) = match limit {
                                TimeLimit::Working { minutes } => (minutes, true),
                                TimeLimit::WorkingDays { days } => {
                                    (days * cal.day_length_minutes(), true)
                                }
                                TimeLimit::Continuous { minutes } => (minutes, false),
                            };
                            let ms = minutes.saturating_add(ext) * MINUTE;
                            let due = if working {
                                cal.add_working(start, ms)?
                            } else {
                                start + ms
                            };
                            c.handled_late += usize::from(e.at > due);
                        }
                    }
                    _ => {}
                },
            }
        }
        let count = |f: fn(&Seen) -> bool| seen.iter().filter(|s| f(s)).count();
        c.returned_and_redispatched = count(|s| s.redispatched);
        c.return_denied = count(|s| s.return_denied);
        c.voided_after_filing = count(|s| s.voided);
        c.void_denied = count(|s| s.void_denied);
        c.postponed = count(|s| s.postponed);
        c.postponement_denied = count(|s| s.denied);
        c.shelved = count(|s| s.shelved);
        c.rated = count(|s| s.rated);
        c.subdispatched = count(|s| s.subdispatched);
        c.joint = count(|s| s.joint);
        c.co_feedback_on_time = eng
            .cases()
            .iter()
            .flat_map(|x| &x.co)
            .filter(|h| h.fed_back_at.is_some() && h.on_time)
            .count();
        c.reworked = eng.cases().iter().filter(|x| x.rework_count > 0).count();
        c.orders = eng.cases().iter().map(|x| x.orders as usize).sum();
        c.callbacks = eng.cases().iter().map(|x| x.callbacks as usize).sum();
        c.callback_redos = eng.cases().iter().map(|x| x.callback_redos as usize).sum();
        c.orders_replied_on_time = eng
            .cases()
            .iter()
            .map(|x| x.orders_replied_on_time as usize)
            .sum();
        c.orders_replied_late = eng
            .events()
            .iter()
            .filter(|e| matches!(&e.body, EventBody::Action(Action::Reply { .. })))
            .count()
            - c.orders_replied_on_time;
        c.reopened = eng.cases().iter().filter(|x| x.reopen_count > 0).count();
        c.self_handled = eng.cases().iter().filter(|x| x.self_handled).count();
        Ok(c)
    }
}
