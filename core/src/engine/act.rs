//! [`Engine::act`]: every check an action passes before anything changes, in order, and the new
//! state of its case — the one place the lifecycle table's transitions get their effects
//! (deadlines kept or restarted, approvals, two-level and joint dispatch, 督办 orders,
//! callbacks, the verification task's assignee). See the module table in `engine/mod.rs`.

use std::sync::Arc;

use crate::calendar::{Millis, TimeLimit};
use crate::case::{
    Action, Actor, Case, CaseId, CoHandler, HeldHandling, Next, Order, ReturnCause, State, Timer,
    transition,
};
use crate::catalog::Stage;
use crate::error::{Error, Result};
use crate::event::{Event, EventBody};
use crate::org::UnitId;
use crate::policy::Rework;

use super::escalate::Memo;
use super::sinks::Rollback;
use super::{Engine, check_instant};

impl Engine {
    /// Applies `action` to case `id`. Returns the recorded event.
    ///
    /// # Errors
    /// [`Error::Unknown`] (case, unit, worker), [`Error::InvalidValue`] (time before the case's
    /// last event, bad fields), [`Error::PermissionDenied`], [`Error::InvalidTransition`],
    /// [`Error::CalendarRange`] when a deadline falls outside the calendar. The engine is
    /// unchanged on error.
    pub fn act(&mut self, id: CaseId, actor: Actor, at: Millis, action: Action) -> Result<&Event> {
        let seq = self.transact(Rollback::Touched, |eng| {
            eng.act_with_limit(id, actor, at, action, None, None)
                .map(|e| e.seq)
        })?;
        Ok(self.event_at_seq(seq))
    }

    /// `act`, taking the stage limit (and the verification's assignee) from a recorded event
    /// instead of the model (replay).
    pub(super) fn act_with_limit(
        &mut self,
        id: CaseId,
        actor: Actor,
        at: Millis,
        action: Action,
        snapshot: Option<TimeLimit>,
        recorded_assignee: Option<Arc<str>>,
    ) -> Result<&Event> {
        check_instant(at)?;
        self.case(id)?;
        if !self.replaying {
            // Escalations of this case due at or before `at` happened first (undone with the
            // rest if the action is refused).
            self.fire_due(Some(id), at)?;
        }
        let last_at = self.case(id)?.last_at;
        if at < last_at {
            return Err(Error::invalid(
                "at",
                at,
                format!("is earlier than the last event of case {id} ({last_at})"),
            ));
        }
        let kind = action.kind();
        let case = self.case(id)?;
        if let Err(e) = self.authorize(&actor, kind, case.grid, Some(case)) {
            return Err(self.deny(at, &actor, Some(id), kind, e));
        }
        // Read in place: the case is copied once, into `new`, and the original goes to the
        // undo log when `new` replaces it (no method that changes the engine runs before).
        let case = self.case(id)?;
        let refuse = |detail: &'static str| Error::InvalidTransition {
            case: id,
            state: case.state,
            action: kind,
            detail: Some(detail),
        };
        // 回退 and 作废 after filing need approval (see `crate::case`, "Returns and voids are
        // approved"): the unit's own return and a filed case's void are refused, naming the case
        // and the action. Journals written before approvals existed hold plain returns: replay
        // reads them back.
        match &action {
            Action::Return { .. }
                if !self.replaying && transition(case.state, &action).is_some() =>
            {
                action.validate()?;
                return Err(refuse(
                    "a return needs the shift leader's approval (request_return, then approve_return)",
                ));
            }
            Action::Void { .. } if case.state.is_open() && case.state.is_filed() => {
                action.validate()?;
                return Err(refuse(
                    "a filed case is voided only on the manager's approval (request_void, then approve_void)",
                ));
            }
            _ => {}
        }
        let Some(next) = transition(case.state, &action) else {
            return Err(Error::InvalidTransition {
                case: id,
                state: case.state,
                action: kind,
                detail: None,
            });
        };
        action.validate()?;
        let mut new = case.clone();
        let mut recorded_unit: Option<UnitId> = None;
        let mut order_limit: Option<TimeLimit> = None;
        // The stage the action starts (one rule, shared with the records' walk); a failed check
        // that resumes the handling it failed starts none (below).
        let mut started: Option<Stage> =
            crate::case::stage_started(&action, self.config.verifies(case.source));
        match &action {
            Action::File if case.state == State::Accepted && self.config.verifies(case.source) => {
                return Err(refuse(
                    "reports from this source must be verified first (engine.verified_sources)",
                ));
            }
            Action::RequestPostpone { minutes } => {
                if case.pending_postpone.is_some() {
                    return Err(refuse("a postponement request is already pending"));
                }
                new.pending_postpone = Some(*minutes);
            }
            Action::ApprovePostpone => {
                let Some(m) = case.pending_postpone else {
                    return Err(refuse("no postponement request is pending"));
                };
                new.pending_postpone = None;
                new.postponed_minutes += m;
                if let Some(t) = &mut new.timer {
                    t.extension_minutes += m;
                }
            }
            Action::DenyPostpone => {
                if case.pending_postpone.is_none() {
                    return Err(refuse("no postponement request is pending"));
                }
                new.pending_postpone = None;
            }
            Action::RequestShelve { reason } => {
                if case.pending_shelve.is_some() {
                    return Err(refuse("a shelving request is already pending"));
                }
                new.pending_shelve = Some(reason.clone());
            }
            Action::ApproveShelve => {
                if case.pending_shelve.is_none() {
                    return Err(refuse("no shelving request is pending"));
                }
                new.pending_shelve = None;
                if let Some(t) = &mut new.timer {
                    t.paused_since = Some(at);
                }
            }
            Action::Rate { satisfaction } => {
                if case.satisfaction.is_some() {
                    return Err(refuse("it was already rated since it was closed"));
                }
                new.satisfaction = Some(*satisfaction);
                new.rated_at = Some(at);
            }
            Action::SelfHandle { .. } => {
                new.self_handled = true;
            }
            Action::Dispatch { unit, reason } => {
                let resolved = self.dispatch_unit(case, unit.as_deref(), reason.as_deref())?;
                new.unit = Some(resolved);
                new.second_unit = None;
                new.co.clear();
                // The event records where the case went, also when the duty matrix decided,
                // so an export shows it and a replay does not depend on today's matrix.
                recorded_unit = Some(resolved);
                new.held = None;
            }
            Action::RequestReturn { cause, reason } => {
                if case.pending_return.is_some() {
                    return Err(refuse("a return request is already pending"));
                }
                new.pending_return = Some((*cause, reason.clone()));
            }
            Action::DenyReturn => {
                if new.pending_return.take().is_none() {
                    return Err(refuse("no return request is pending"));
                }
            }
            // An approved return (or, read back from an old journal, a plain one) goes back to
            // the centre for dispatch; a plain return counts as a wrong unit, as every return
            // did before causes were recorded.
            Action::Return { .. } | Action::ApproveReturn => {
                let wrong_unit = match &action {
                    Action::ApproveReturn => match new.pending_return.take() {
                        Some((cause, _)) => cause == ReturnCause::WrongUnit,
                        None => return Err(refuse("no return request is pending")),
                    },
                    _ => true,
                };
                new.return_count += 1;
                new.wrong_unit_returns += u32::from(wrong_unit);
                new.unit = None;
                new.second_unit = None;
                new.co.clear();
                new.held = None;
                new.pending_postpone = None;
                new.pending_shelve = None;
            }
            Action::RequestVoid { cause, reason } => {
                if case.pending_void.is_some() {
                    return Err(refuse("a void request is already pending"));
                }
                new.pending_void = Some((*cause, reason.clone()));
            }
            Action::DenyVoid => {
                if new.pending_void.take().is_none() {
                    return Err(refuse("no void request is pending"));
                }
            }
            Action::ApproveVoid => {
                let Some(request) = new.pending_void.take() else {
                    return Err(refuse("no void request is pending"));
                };
                new.void_cause = Some(request);
                new.pending_return = None;
                new.pending_postpone = None;
                new.pending_shelve = None;
            }
            Action::Start => {
                if let Some(t) = &mut new.timer
                    && let Some(since) = t.paused_since.take()
                {
                    t.pauses.push((since, at));
                }
            }
            Action::Check { passed: true } => new.held = None,
            // The verification task is assigned when it is issued (domain facts §11: 应核实数
            // counts every task assigned, done or not): to a supervisor who patrols the grid,
            // not the reporter, in turn by case id among them (sorted ids); on replay, to the
            // one the event recorded.
            Action::Accept if started == Some(Stage::Verify) => {
                new.verify_assignee = if self.replaying {
                    recorded_assignee
                } else {
                    self.verify_assignee_of(case)
                };
            }
            Action::Accept | Action::Verify { valid: true } => {}
            Action::File | Action::Reopen { .. } => {
                if matches!(action, Action::Reopen { .. }) {
                    new.reopen_count += 1;
                    new.satisfaction = None;
                    new.closing_reason = None;
                    new.closed_at = None;
                }
            }
            Action::Handle { .. } => {
                // Joint dispatch: the lead feeds back after every co-handler, when the model
                // says so (see `crate::case`, "Two-level and joint dispatch"). A journal holds
                // only accepted feedback: replay reads it back whatever today's setting.
                if self.config.co_feedback_required && !self.replaying {
                    let org = self.model.org();
                    let missing: Vec<&str> = case
                        .co
                        .iter()
                        .filter(|h| h.fed_back_at.is_none())
                        .map(|h| org.unit(h.unit).id.as_str())
                        .collect();
                    if !missing.is_empty() {
                        return Err(Error::invalid(
                            "handle",
                            format!("case {id}"),
                            format!(
                                "co-handlers (协办) {} have not fed back (co_feedback); the model \
                                 requires every co-handler's feedback before the lead's \
                                 ([engine] co_feedback_required)",
                                missing.join(", ")
                            ),
                        ));
                    }
                }
                // Feeding back withdraws a return request: the unit did the work.
                new.pending_return = None;
                // The handling run is kept for a failed check to resume.
                new.held = case.timer.clone().map(|timer| {
                    let run = case.timer_run;
                    let fired = case.fired.iter().filter(|(_, (o, _))| *o == run).collect();
                    Box::new(HeldHandling { timer, run, fired })
                });
            }
            Action::Check { passed: false } => {
                new.rework_count += 1;
                new.last_rework_at = Some(at);
                // On replay the event says what happened: a recorded limit is a restarted
                // clock, none the handling resumed.
                let restart = if self.replaying {
                    snapshot.is_some()
                } else {
                    self.config.rework == Rework::Restart
                };
                match new.held.take() {
                    Some(held) if !restart => {
                        // Rework (返工) on the original deadline: the handling it failed resumes,
                        // with its run and the firings made on it.
                        let HeldHandling { timer, run, fired } = *held;
                        started = None;
                        new.timer = Some(timer);
                        new.timer_run = run;
                        for (rule, entry) in fired {
                            new.fired.insert(rule, entry);
                        }
                    }
                    _ => {}
                }
            }
            Action::Close { reason } => {
                new.closing_reason = Some(reason.clone());
                new.closed_at = Some(at);
                new.timer = None;
                new.pending_postpone = None;
                new.pending_shelve = None;
                new.pending_void = None;
            }
            Action::Reject { .. } | Action::Void { .. } | Action::Verify { valid: false } => {
                new.timer = None;
            }
            // 督办 as an order: a level, a reply deadline from the model's limit of the level
            // (the snapshot recorded in the event on replay), and a reply. One unanswered order
            // at a time; an unanswered one escalates (`order_overdue`). Domain facts §11:
            // dispatch centres track 应督查数 and 按时督查数; orders carry a level and a reply
            // deadline.
            Action::Supervise { level, .. } => {
                if case.order.is_some_and(|o| o.is_open()) {
                    return Err(refuse("a 督办 order is waiting for its reply"));
                }
                let level = level.unwrap_or_default();
                let limit = snapshot.unwrap_or(self.config.order_reply[level as usize]);
                // The reply is due on the calendar of whoever holds the case now.
                let deadline = self.case_calendar(case).add_limit(at, limit)?;
                new.supervised_count += 1;
                new.orders += 1;
                new.order = Some(Order {
                    level,
                    issued_at: at,
                    limit,
                    deadline,
                    replied_at: None,
                });
                order_limit = Some(limit);
            }
            // 回访 before closing (hotline practice: the centre calls the citizen back; unsatisfied,
            // the case goes back for redo, satisfied, it closes; the threshold is a local rule —
            // domain facts §7, §11). Redo restarts the handling clock: the first run was done
            // and checked.
            Action::Callback { satisfaction } => {
                if !case.source.is_public() {
                    return Err(refuse("only a citizen's report has a citizen to call back"));
                }
                new.callback = Some(*satisfaction);
                new.callbacks += 1;
                // On replay the event says what happened: a recorded limit is a redo.
                let redo = if self.replaying {
                    snapshot.is_some()
                } else {
                    self.config.callback_redo && *satisfaction < self.config.callback_satisfied
                };
                if redo {
                    new.callback_redos += 1;
                    new.state = State::Dispatched;
                } else {
                    started = None;
                }
            }
            // 二级派遣: passed on to a sub-unit of the unit holding it, on the same deadline
            // (no stage starts: the bundle deadline of the first dispatch still holds).
            Action::Subdispatch { unit } => {
                let org = self.model.org();
                let target = org.find_unit(unit)?;
                let Some(first) = case.unit else {
                    return Err(refuse("the case is dispatched to no unit"));
                };
                // The unit holding it: the second-level unit when the actor is one of its
                // workers, else the unit the centre dispatched to.
                let holder = match (case.second_unit, self.actor_unit(&actor)) {
                    (Some(second), Some(mine)) if mine == second => second,
                    _ => first,
                };
                let below = target != holder && org.escalation_chain(target).any(|u| u == holder);
                if !below {
                    return Err(Error::invalid(
                        "subdispatch.unit",
                        unit,
                        format!(
                            "is not a sub-unit of {:?}, which holds case {id} (a sub-unit's \
                             parents in the model's units reach it)",
                            org.unit(holder).id
                        ),
                    ));
                }
                new.second_unit = Some(target);
            }
            // 协办: a co-handler of the dispatched case, other than its lead, named once.
            Action::CoDispatch { unit } => {
                let org = self.model.org();
                let target = org.find_unit(unit)?;
                if case.unit == Some(target) {
                    return Err(Error::invalid(
                        "co_dispatch.unit",
                        unit,
                        format!("is the lead unit (主办) of case {id}"),
                    ));
                }
                if case.co.iter().any(|h| h.unit == target) {
                    return Err(Error::invalid(
                        "co_dispatch.unit",
                        unit,
                        format!("is already a co-handler (协办) of case {id}"),
                    ));
                }
                new.co.push(CoHandler {
                    unit: target,
                    fed_back_at: None,
                    on_time: false,
                });
            }
            // A co-handler's own feedback, once; on time when by the case's handling deadline
            // (the running handling's, or the one the lead's feedback ended).
            Action::CoFeedback { .. } => {
                let mine = self.actor_unit(&actor);
                let Some(k) = case.co.iter().position(|h| Some(h.unit) == mine) else {
                    return Err(refuse(
                        "the actor's unit is not a co-handler (协办) of the case",
                    ));
                };
                if case.co[k].fed_back_at.is_some() {
                    return Err(refuse("this co-handler has already fed back"));
                }
                let handling = match &case.timer {
                    Some(t) if t.stage == Stage::Handle => Some(t),
                    _ => case.held.as_ref().map(|h| &h.timer),
                };
                let deadline = match handling {
                    Some(t) => self.timer_deadline(t, case.unit)?,
                    None => None,
                };
                new.co[k].fed_back_at = Some(at);
                new.co[k].on_time = deadline.is_some_and(|d| at <= d);
            }
            Action::Reply { .. } => {
                let Some(order) = new.order.as_mut().filter(|o| o.is_open()) else {
                    return Err(refuse("no 督办 order is waiting for a reply"));
                };
                order.replied_at = Some(at);
                new.orders_replied_on_time += u32::from(at <= order.deadline);
            }
        }
        let limit = match started {
            None => None,
            Some(stage) => {
                let limit = match snapshot {
                    Some(l) => l,
                    None => {
                        self.model
                            .catalog()
                            .stage_limit(&case.category, stage, &case.urgency)?
                    }
                };
                new.runs += 1;
                new.timer_run = new.runs;
                new.timer = Some(Timer::start(stage, limit, at));
                Some(limit)
            }
        }
        .or(order_limit);
        if let Next::To(s) = next {
            new.state = s;
        }
        if matches!(
            new.state,
            State::Rejected | State::Invalid | State::Voided | State::Closed
        ) {
            new.timer = None;
            new.held = None;
        }
        new.last_at = at;
        // Everything that can fail has been checked: the deadline must be computable too.
        let deadline = self.deadline_of(&new)?;
        let old = std::mem::replace(&mut self.cases[(id - 1) as usize], new);
        self.save_case((id - 1) as usize, old);
        let action_to_record = match (action, recorded_unit) {
            (Action::Dispatch { unit: None, reason }, Some(u)) => {
                let model = Arc::clone(&self.model);
                Action::Dispatch {
                    unit: Some(self.intern(&model.org().unit(u).id)),
                    reason,
                }
            }
            (a, _) => a,
        };
        let assigned = match &action_to_record {
            Action::Accept => self.cases[(id - 1) as usize].verify_assignee.clone(),
            _ => None,
        };
        let seq = self
            .record(
                id,
                at,
                actor,
                EventBody::Action(action_to_record),
                limit,
                assigned,
            )
            .seq;
        self.reschedule_with(id, Memo::Known(deadline))?;
        Ok(self.event_at_seq(seq))
    }

    /// The supervisor a new verification task of `case` goes to: among those who patrol its
    /// grid, leaving out the reporter (a supervisor does not verify their own report), the
    /// one at `(id − 1) mod n` in id order, so tasks go round; `None` when nobody else patrols
    /// the grid (then any supervisor of the grid may verify, as before assignment).
    fn verify_assignee_of(&self, case: &Case) -> Option<Arc<str>> {
        let reporter = match &case.reporter {
            Actor::Worker(id) => Some(id.as_ref()),
            _ => None,
        };
        let ids: Vec<&Arc<str>> = self
            .patrols
            .get(&case.grid)?
            .iter()
            .filter(|id| Some(id.as_ref()) != reporter)
            .collect();
        if ids.is_empty() {
            return None;
        }
        Some(Arc::clone(ids[((case.id - 1) % ids.len() as u64) as usize]))
    }

    fn dispatch_unit(
        &self,
        case: &Case,
        unit: Option<&str>,
        reason: Option<&str>,
    ) -> Result<UnitId> {
        let duty = self
            .model
            .route_detail(&case.category, self.grid_code(case));
        match unit {
            None => duty.map(|r| r.unit),
            Some(u) => {
                let uid = self.model.org().find_unit(u)?;
                let overrides = duty.map_or(true, |r| r.unit != uid);
                // On replay the recorded unit stands, whatever the matrix says today.
                if overrides && reason.is_none() && !self.replaying {
                    return Err(Error::invalid(
                        "dispatch.reason",
                        "(missing)",
                        format!(
                            "a reason is required to dispatch to {u:?} instead of the duty matrix's unit"
                        ),
                    ));
                }
                Ok(uid)
            }
        }
    }

    /// The unit of a worker actor (`None` for citizens, the system and unknown workers).
    fn actor_unit(&self, actor: &Actor) -> Option<UnitId> {
        let Actor::Worker(id) = actor else {
            return None;
        };
        let org = self.model.org();
        org.find_worker(id).ok().map(|w| org.worker(w).unit)
    }
}
