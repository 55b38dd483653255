//! The per-stage actors: for each [`Step`] of a case, who acts (drawn among the workers allowed
//! to), what they do (as the case's fate says), and which step comes next and when.

use std::sync::Arc;

use crate::access::Party;
use crate::calendar::{Millis, TimeLimit};
use crate::case::{
    Action, ActionKind, Actor, CaseId, ReturnCause, State, SuperviseLevel, VoidCause,
};
use crate::error::Result;
use crate::org::{Role, UnitId, UnitKind};

use super::mix::{
    CITIZEN_HOURS, HOUR, MAX_REWORK, MINUTE, P_APPROVE_RETURN, P_APPROVE_VOID, P_CHECK_FAIL,
    P_LEADER_ORDER, P_RATE, P_REOPEN, P_TWO_CO, RETURN_CAUSES, VOID_CAUSES,
};
use super::rng::Rng;

/// Index drawn with the given weights (summing to 1).
fn pick(rng: &mut Rng, weights: &[f64]) -> usize {
    let mut u = rng.unit();
    for (i, w) in weights.iter().enumerate() {
        if u < *w {
            return i;
        }
        u -= w;
    }
    weights.len() - 1
}
use super::run::{Run, Step};

impl Run {
    /// Units below `unit` (at any depth) with handlers whose jurisdiction holds case `id`'s
    /// grid: where it may be passed on to.
    fn sub_units(&self, id: CaseId) -> Result<Vec<UnitId>> {
        let c = self.eng.case(id)?;
        let Some(first) = c.unit else {
            return Ok(Vec::new());
        };
        let org = self.model.org();
        Ok((0..org.units().len() as u32)
            .map(UnitId)
            .filter(|&u| {
                u != first
                    && org.escalation_chain(u).any(|x| x == first)
                    && self.staff.has_handlers(u)
                    && org.in_jurisdiction(u, c.grid, self.model.territory())
            })
            .collect())
    }

    /// The first unit's handler passes case `id` on to a sub-unit (二级派遣) at `t`, when it has
    /// one for the grid.
    fn pass_on(&mut self, id: CaseId, t: Millis) -> Result<()> {
        let subs = self.sub_units(id)?;
        if subs.is_empty() {
            return Ok(());
        }
        let target = subs[self.rng(id).below(subs.len())];
        let (grid, first) = {
            let c = self.eng.case(id)?;
            (c.grid, c.unit)
        };
        let Some(actor) = self.who_of(id, ActionKind::Subdispatch, &[Role::Handler], grid, first)
        else {
            return Ok(());
        };
        let unit = self.model.org().unit(target).id.as_str().into();
        self.act(id, actor, t, Action::Subdispatch { unit })
    }

    /// The dispatcher names one or two co-handlers (协办) of case `id` at `t`: departments with
    /// handlers, other than the lead, whose jurisdiction holds the grid.
    fn name_co_handlers(&mut self, id: CaseId, t: Millis) -> Result<()> {
        let (grid, lead) = {
            let c = self.eng.case(id)?;
            (c.grid, c.unit)
        };
        let org = self.model.org();
        let mut pool: Vec<UnitId> = (0..org.units().len() as u32)
            .map(UnitId)
            .filter(|&u| {
                Some(u) != lead
                    && org.unit(u).kind == UnitKind::Department
                    && self.staff.has_handlers(u)
                    && org.in_jurisdiction(u, grid, self.model.territory())
            })
            .collect();
        let n = if self.rng(id).chance(P_TWO_CO) { 2 } else { 1 };
        for _ in 0..n.min(pool.len()) {
            let u = pool.remove(self.rng(id).below(pool.len()));
            let Some(actor) = self.who(id, ActionKind::CoDispatch, &[Role::Dispatcher])? else {
                return Ok(());
            };
            let unit = self.model.org().unit(u).id.as_str().into();
            self.act(id, actor, t, Action::CoDispatch { unit })?;
        }
        Ok(())
    }

    /// The co-handlers that have not fed back do so before the lead's feedback at `t` (the lead
    /// gathers their parts first), each at a time drawn between the case's last event and `t`.
    fn gather_co_feedback(&mut self, id: CaseId, t: Millis) -> Result<()> {
        let (grid, last, pending) = {
            let c = self.eng.case(id)?;
            let pending: Vec<UnitId> =
                c.co.iter()
                    .filter(|h| h.fed_back_at.is_none())
                    .map(|h| h.unit)
                    .collect();
            (c.grid, c.last_at, pending)
        };
        let mut times: Vec<Millis> = pending
            .iter()
            .map(|_| last + self.rng(id).ms(0, (t - last).max(0) + 1))
            .collect();
        times.sort_unstable();
        for (u, at) in pending.into_iter().zip(times) {
            let Some(actor) =
                self.who_of(id, ActionKind::CoFeedback, &[Role::Handler], grid, Some(u))
            else {
                continue;
            };
            let result = "our part is done".into();
            self.act(id, actor, at.max(last), Action::CoFeedback { result })?;
        }
        Ok(())
    }

    /// A manager issues a 督办 order on case `id` at `t` (general, or a leader's).
    fn issue_order(&mut self, id: CaseId, t: Millis) -> Result<()> {
        let Some(actor) = self.who(id, ActionKind::Supervise, &[Role::Manager])? else {
            return Ok(());
        };
        let level = if self.rng(id).chance(P_LEADER_ORDER) {
            SuperviseLevel::Leader
        } else {
            SuperviseLevel::General
        };
        let note = "report progress today".into();
        let level = Some(level);
        self.act(id, actor, t, Action::Supervise { note, level })
    }

    /// A citizen's satisfaction (1–5): mostly 4–5, lower after a rework or a late handling.
    fn draw_satisfaction(&mut self, id: CaseId) -> Result<u8> {
        let reworked = self.eng.case(id)?.rework_count > 0;
        let fate = self.fate(id);
        let weights: [f64; 5] = if reworked || fate.was_late {
            [0.14, 0.14, 0.17, 0.30, 0.25]
        } else {
            [0.04, 0.04, 0.07, 0.27, 0.58]
        };
        let mut u = fate.rng.unit();
        for (i, w) in weights.iter().enumerate() {
            if u < *w {
                return Ok(i as u8 + 1);
            }
            u -= w;
        }
        Ok(5)
    }

    /// The unit answers an unanswered 督办 order at its next step (on time or late, as its
    /// work goes).
    fn reply_if_ordered(&mut self, id: CaseId, t: Millis) -> Result<()> {
        if !self.eng.case(id)?.order.is_some_and(|o| o.is_open()) {
            return Ok(());
        }
        let Some(actor) = self.handler(id, t, ActionKind::Reply)? else {
            return Ok(());
        };
        let note = "work under way; feedback by the deadline".into();
        self.act(id, actor, t, Action::Reply { note })
    }

    #[allow(
        clippy::too_many_lines,
        reason = "one arm per step of the lifecycle reads best as one table"
    )]
    pub(super) fn step(&mut self, id: CaseId, t: Millis, step: Step) -> Result<()> {
        use ActionKind as K;
        let public = self.fate(id).public;
        match step {
            Step::Intake => {
                if public && self.fate(id).reject {
                    if let Some(actor) = self.who(id, K::Reject, &[Role::Acceptor])? {
                        let reason = "not a matter for urban management: referred to 110".into();
                        self.act(id, actor, t, Action::Reject { reason })?;
                    }
                    return Ok(());
                }
                let Some(actor) = self.who(id, K::Accept, &[Role::Acceptor])? else {
                    return Ok(());
                };
                self.act(id, actor, t, Action::Accept)?;
                // Verified or filed straight away, as the model's `verified_sources` say.
                let source = self.eng.case(id)?.source;
                if self.eng.config().verifies(source) {
                    let late = self.late_other(id);
                    let at = self.stage_time(id, t, late, 0.1, 0.9)?;
                    self.schedule(id, at, Step::Verify);
                } else {
                    self.schedule_on_time_mostly(id, t, Step::File)?;
                }
            }
            Step::SelfHandle => {
                let Some(actor) =
                    self.reporter_if(id, Party::Role(Role::Supervisor), K::SelfHandle)?
                else {
                    return Ok(());
                };
                let result = "fixed on the spot".into();
                self.act(id, actor, t, Action::SelfHandle { result })?;
                self.schedule_close(id, t)?;
            }
            Step::Verify => {
                let Some(drawn) = self.who(id, K::Verify, &[Role::Supervisor])? else {
                    return Ok(());
                };
                // The supervisor the task was assigned to verifies it (the draw above keeps
                // the case's random stream as it was).
                let actor = match &self.eng.case(id)?.verify_assignee {
                    Some(w) => Actor::Worker(Arc::clone(w)),
                    None => drawn,
                };
                let valid = !self.fate(id).invalid;
                self.act(id, actor, t, Action::Verify { valid })?;
                if valid {
                    self.schedule_on_time_mostly(id, t, Step::File)?;
                }
            }
            Step::File => {
                if public && self.fate(id).void {
                    if let Some(actor) = self.who(id, K::Void, &[Role::ShiftLeader])? {
                        let reason = "duplicate of an open case".into();
                        self.act(id, actor, t, Action::Void { reason })?;
                    }
                    return Ok(());
                }
                let Some(actor) = self.who(id, K::File, &[Role::ShiftLeader])? else {
                    return Ok(());
                };
                self.act(id, actor, t, Action::File)?;
                if self.fate(id).void_filed {
                    let at = self.centre(id, t, 10 * MINUTE, 2 * HOUR)?;
                    self.schedule(id, at, Step::RequestVoid);
                } else {
                    self.schedule_dispatch(id, t)?;
                }
            }
            Step::RequestVoid => {
                let Some(actor) = self.who(id, K::RequestVoid, &[Role::ShiftLeader])? else {
                    return Ok(());
                };
                let cause = VoidCause::ALL[pick(self.rng(id), &VOID_CAUSES)];
                let reason = match cause {
                    VoidCause::Duplicate => "duplicate of an open case",
                    VoidCause::OutsideScope => "not a matter for city management",
                    VoidCause::ProblemGone => "the problem is gone",
                };
                let reason = reason.into();
                self.act(id, actor, t, Action::RequestVoid { cause, reason })?;
                let at = self.centre(id, t, 30 * MINUTE, 4 * HOUR)?;
                self.schedule(id, at, Step::DecideVoid);
            }
            Step::DecideVoid => {
                let approve = self.rng(id).chance(P_APPROVE_VOID);
                let (kind, action) = if approve {
                    (K::ApproveVoid, Action::ApproveVoid)
                } else {
                    (K::DenyVoid, Action::DenyVoid)
                };
                let Some(actor) = self.who(id, kind, &[Role::Manager])? else {
                    return Ok(());
                };
                self.act(id, actor, t, action)?;
                if !approve {
                    self.schedule_dispatch(id, t)?;
                }
            }
            Step::Dispatch => {
                let Some(actor) = self.who(id, K::Dispatch, &[Role::Dispatcher])? else {
                    return Ok(());
                };
                let action = Action::Dispatch {
                    unit: None,
                    reason: None,
                };
                self.act(id, actor, t, action)?;
                if self.fate(id).joint {
                    self.fate(id).joint = false;
                    self.name_co_handlers(id, t)?;
                }
                let at = self.stage_time(id, t, false, 0.02, 0.2)?;
                self.schedule(id, at, Step::Receive);
            }
            Step::Receive => {
                let fate = self.fate(id);
                if fate.ret && !fate.returned {
                    let Some(actor) = self.handler(id, t, K::RequestReturn)? else {
                        return Ok(());
                    };
                    let cause = ReturnCause::ALL[pick(self.rng(id), &RETURN_CAUSES)];
                    let reason = match cause {
                        ReturnCause::WrongUnit => "not our responsibility: please re-dispatch",
                        ReturnCause::OutsideDuty => "needs another body's permit",
                        ReturnCause::Other => "cannot be reached: please re-dispatch",
                    };
                    let reason = reason.into();
                    self.act(id, actor, t, Action::RequestReturn { cause, reason })?;
                    self.fate(id).returned = true;
                    let at = self.centre(id, t, 10 * MINUTE, 2 * HOUR)?;
                    self.schedule(id, at, Step::DecideReturn);
                    return Ok(());
                }
                if self.fate(id).subdispatch {
                    self.fate(id).subdispatch = false;
                    self.pass_on(id, t)?;
                }
                let Some(actor) = self.handler(id, t, K::Start)? else {
                    return Ok(());
                };
                self.act(id, actor, t, Action::Start)?;
                self.new_handling_run(id);
                if self.fate(id).order {
                    self.fate(id).order = false;
                    self.issue_order(id, t)?;
                }
                let fate = self.fate(id);
                let (shelve, postpone) = (fate.shelve, fate.postpone);
                if shelve {
                    let at = self.stage_time(id, t, false, 0.1, 0.4)?;
                    self.schedule(id, at, Step::RequestShelve);
                } else if postpone {
                    let at = self.stage_time(id, t, false, 0.3, 0.7)?;
                    self.schedule(id, at, Step::RequestPostpone);
                } else {
                    self.schedule_handle(id, t, 0.1)?;
                }
            }
            Step::DecideReturn => {
                let approve = self.rng(id).chance(P_APPROVE_RETURN);
                let (kind, action) = if approve {
                    (K::ApproveReturn, Action::ApproveReturn)
                } else {
                    (K::DenyReturn, Action::DenyReturn)
                };
                let Some(actor) = self.who(id, kind, &[Role::ShiftLeader])? else {
                    return Ok(());
                };
                self.act(id, actor, t, action)?;
                if approve {
                    self.schedule_dispatch(id, t)?;
                } else {
                    // denied: the unit keeps the case and starts on it
                    let at = self.stage_time(id, t, false, 0.02, 0.2)?;
                    self.schedule(id, at, Step::Receive);
                }
            }
            Step::RequestShelve => {
                self.reply_if_ordered(id, t)?;
                let Some(actor) = self.handler(id, t, K::RequestShelve)? else {
                    return Ok(());
                };
                let reason = "needs a budgeted repair project".into();
                self.act(id, actor, t, Action::RequestShelve { reason })?;
                let at = self.centre(id, t, HOUR, 8 * HOUR)?;
                self.schedule(id, at, Step::ApproveShelve);
            }
            Step::ApproveShelve => {
                let prefer = [Role::ShiftLeader, Role::Manager];
                if let Some(actor) = self.who(id, K::ApproveShelve, &prefer)? {
                    self.act(id, actor, t, Action::ApproveShelve)?;
                }
            }
            Step::RequestPostpone => {
                self.reply_if_ordered(id, t)?;
                let Some(actor) = self.handler(id, t, K::RequestPostpone)? else {
                    return Ok(());
                };
                let minutes = {
                    let case = self.eng.case(id)?;
                    let day = self
                        .model
                        .calendar_for(crate::catalog::Stage::Handle, case.unit)
                        .day_length_minutes();
                    let limit =
                        case.timer
                            .as_ref()
                            .map_or(8 * 60, |timer| match timer.limit {
                                TimeLimit::Working { minutes }
                                | TimeLimit::Continuous { minutes } => minutes,
                                TimeLimit::WorkingDays { days } => days * day,
                            });
                    let share = self.rng(id).range(0.3, 1.0);
                    (((limit as f64 * share) / 30.0).round() as i64 * 30).clamp(30, 366 * 24 * 60)
                };
                self.act(id, actor, t, Action::RequestPostpone { minutes })?;
                let at = self.centre(id, t, 10 * MINUTE, 2 * HOUR)?;
                self.schedule(id, at, Step::DecidePostpone);
            }
            Step::DecidePostpone => {
                let approve = self.fate(id).approve;
                let (kind, action) = if approve {
                    (K::ApprovePostpone, Action::ApprovePostpone)
                } else {
                    (K::DenyPostpone, Action::DenyPostpone)
                };
                let prefer = if self.rng(id).chance(0.5) {
                    [Role::ShiftLeader, Role::Dispatcher]
                } else {
                    [Role::Dispatcher, Role::ShiftLeader]
                };
                let Some(actor) = self.who(id, kind, &prefer)? else {
                    return Ok(());
                };
                self.act(id, actor, t, action)?;
                self.schedule_handle(id, t, 0.2)?;
            }
            Step::Handle => {
                self.reply_if_ordered(id, t)?;
                self.gather_co_feedback(id, t)?;
                let Some(actor) = self.handler(id, t, K::Handle)? else {
                    return Ok(());
                };
                let result = "done".into();
                self.act(id, actor, t, Action::Handle { result })?;
                let late = self.late_other(id);
                let at = self.stage_time(id, t, late, 0.1, 0.9)?;
                self.schedule(id, at, Step::Check);
            }
            Step::Check => {
                let Some(actor) = self.who(id, K::Check, &[Role::Supervisor])? else {
                    return Ok(());
                };
                let reworked = self.eng.case(id)?.rework_count;
                let passed = reworked >= MAX_REWORK || !self.rng(id).chance(P_CHECK_FAIL);
                self.act(id, actor, t, Action::Check { passed })?;
                if passed {
                    self.schedule_close(id, t)?;
                } else {
                    self.new_handling_run(id);
                    self.schedule_handle(id, t, 0.2)?;
                }
            }
            Step::Close => {
                // 回访 before closing: unsatisfied, the model may send it back for redo
                if public && self.fate(id).callback {
                    self.fate(id).callback = false;
                    if let Some(actor) = self.who(id, K::Callback, &[Role::Acceptor])? {
                        let satisfaction = self.draw_satisfaction(id)?;
                        self.act(id, actor, t, Action::Callback { satisfaction })?;
                        if self.eng.case(id)?.state == State::Dispatched {
                            self.new_handling_run(id);
                            self.schedule_handle(id, t, 0.2)?;
                            return Ok(());
                        }
                    }
                }
                let Some(actor) = self.who(id, K::Close, &[Role::ShiftLeader])? else {
                    return Ok(());
                };
                let reason = if self.eng.case(id)?.self_handled {
                    "fixed on the spot by the supervisor"
                } else {
                    "fixed"
                };
                let reason = reason.into();
                self.act(id, actor, t, Action::Close { reason })?;
                if public
                    && self.reporter_if(id, Party::Citizen, K::Rate)?.is_some()
                    && self.rng(id).chance(P_RATE)
                {
                    let mut rng = self.rng(id).clone();
                    let at = t + rng.ms(HOUR, 48 * HOUR);
                    let at = self.hours(at, CITIZEN_HOURS, &mut rng)?;
                    *self.rng(id) = rng;
                    self.schedule(id, at, Step::Rate);
                }
            }
            Step::Rate => {
                let Some(actor) = self.reporter_if(id, Party::Citizen, K::Rate)? else {
                    return Ok(());
                };
                let reopened = self.eng.case(id)?.reopen_count > 0;
                let satisfaction = self.draw_satisfaction(id)?;
                self.act(id, actor, t, Action::Rate { satisfaction })?;
                if satisfaction <= 2 && !reopened && self.rng(id).chance(P_REOPEN) {
                    let at = self.centre(id, t, 30 * MINUTE, 6 * HOUR)?;
                    self.schedule(id, at, Step::Reopen);
                }
            }
            Step::Reopen => {
                let prefer = [Role::ShiftLeader, Role::Manager];
                let Some(actor) = self.who(id, K::Reopen, &prefer)? else {
                    return Ok(());
                };
                let reason = "justified complaint: the problem is back".into();
                self.act(id, actor, t, Action::Reopen { reason })?;
                self.schedule_dispatch(id, t)?;
            }
        }
        Ok(())
    }
}
