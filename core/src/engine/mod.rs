//! The case engine: applies reports and actions to cases, keeps stage timers, fires
//! escalations, records every accepted action as an event, and replays events.
//!
//! Every action is checked before anything changes — the case exists, the time does not go
//! backwards, the actor may perform the action here ([`crate::access`]), the state allows it
//! ([`crate::case::transition`]), its fields are valid, and its deadline can be computed — and a
//! refused action returns a typed error and leaves the engine exactly as it was (a refusal for
//! lack of permission is also written to the security log).
//!
//! | file | what it holds |
//! |---|---|
//! | `engine/mod.rs` | the [`Engine`]: reports, actions, cases, history, the case as JSON, the export |
//! | `engine/timers.rs` | stage limits, deadlines and lights (pure functions of the calendar and a timer) |
//! | `engine/queue.rs` | the escalation queue: next firings bucketed by minute, stale entries, rebuilds |
//! | `engine/escalate.rs` | when rules fire, what a firing does, [`Engine::sweep`] |
//! | `engine/replay.rs` | [`Engine::replay`] and the verified replay of exported text |
//! | `engine/commit.rs` | each changing call as a transaction: the undo log, the rollback, delivering commits to the sinks ([`EventSink`]), batches |
//! | `engine/sinks.rs` | the engine's sink state: the journal, the host's sink, the chain head, the open batch |
//!
//! What an event looks like on disk is [`crate::event`]; the audit chain over it is
//! [`crate::audit`].

mod commit;
mod escalate;
mod queue;
mod replay;
mod sinks;
mod timers;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde_json::{Value, json};

use crate::access::{self, Denial};
use crate::audit;
use crate::calendar::{Millis, TimeLimit};
use crate::case::{
    Action, ActionKind, Actor, Case, CaseId, CoHandler, Fired, HeldHandling, Light, Next, Order,
    Report, ReturnCause, State, Timer, transition,
};
use crate::catalog::Stage;
use crate::error::{Error, Result};
use crate::escalation::EscalationAction;
use crate::event::{self, Event, EventBody, RuleLabel};
use crate::model::Model;
use crate::org::{Role, UnitId};
use crate::territory::AreaId;

pub use crate::access::CONTACT_ROLES;
pub use crate::event::EVENT_SCHEMA_VERSION;
pub use crate::policy::{DEFAULT_VERIFIED_SOURCES, EngineConfig, EngineSection, Rework};

pub use crate::sink::{Commit, EventSink};

use queue::Queue;
use sinks::{Rollback, Sinks};

/// The case engine.
#[derive(Debug, Clone)]
pub struct Engine {
    model: Arc<Model>,
    config: EngineConfig,
    cases: Vec<Case>,
    events: Vec<Event>,
    /// Per event: the index of the previous event of the same case (`u32::MAX`: none).
    prev_of_case: Vec<u32>,
    /// Per case: the index of its last event.
    last_of_case: Vec<u32>,
    /// Interned ids (actors, categories, urgencies), so cases and events share them.
    strings: HashSet<Arc<str>>,
    denials: Vec<Denial>,
    /// Each armed case's next escalation firing.
    queue: Queue,
    replaying: bool,
    /// Per rule: the light a `warn` rule shows (interned).
    rule_targets: Vec<Option<Arc<str>>>,
    /// Per unit (by index): its id (interned).
    unit_ids: Vec<Arc<str>>,
    /// Per rule: its name and effect, shared by its firings.
    rule_labels: Vec<Arc<RuleLabel>>,
    /// The cases changed by the call (or batch) in progress, as they were before (by index):
    /// what a rollback puts back.
    undo: Vec<(usize, Case)>,
    /// The journal and the host's sink, the chain head, the open batch.
    sinks: Sinks,
    /// Per unit grid (by area index): the ids of the supervisors who patrol it, sorted
    /// (interned): whom a verification task goes to.
    patrols: HashMap<AreaId, Vec<Arc<str>>>,
}

/// Two engines are equal when they hold the same cases and events (the security log is not
/// part of the state).
impl PartialEq for Engine {
    fn eq(&self, other: &Self) -> bool {
        self.cases == other.cases && self.events == other.events
    }
}

fn check_instant(at: Millis) -> Result<()> {
    crate::limits::check_instant("at", at)
}

impl Engine {
    /// A new, empty engine on `model`, with the model's configuration (its `[engine]` section
    /// and `[[escalation]]` rules).
    pub fn new(model: Arc<Model>) -> Engine {
        let config = model.engine_config().clone();
        Engine::with_config(model, config)
    }

    /// A new, empty engine with an explicit configuration.
    pub fn with_config(model: Arc<Model>, config: EngineConfig) -> Engine {
        let rule_labels = config
            .rules
            .iter()
            .map(|rule| {
                Arc::new(RuleLabel {
                    name: Arc::clone(&rule.name),
                    effect: rule.action.name(),
                })
            })
            .collect();
        let mut eng = Engine {
            model,
            config,
            cases: Vec::new(),
            events: Vec::new(),
            prev_of_case: Vec::new(),
            last_of_case: Vec::new(),
            strings: HashSet::new(),
            denials: Vec::new(),
            queue: Queue::default(),
            replaying: false,
            rule_targets: Vec::new(),
            unit_ids: Vec::new(),
            rule_labels,
            undo: Vec::new(),
            sinks: Sinks::default(),
            patrols: HashMap::new(),
        };
        let mut patrols: HashMap<AreaId, Vec<Arc<str>>> = HashMap::new();
        for w in eng.model.org().workers_with(Some(Role::Supervisor)) {
            for g in &w.grids {
                patrols
                    .entry(*g)
                    .or_default()
                    .push(Arc::from(w.id.as_str()));
            }
        }
        for ids in patrols.values_mut() {
            ids.sort();
            for id in ids.iter_mut() {
                *id = eng.intern(id);
            }
        }
        eng.patrols = patrols;
        // Unit ids and lights interned once: a firing then names its target without hashing.
        let model = Arc::clone(&eng.model);
        eng.unit_ids = model
            .org()
            .units()
            .iter()
            .map(|u| eng.intern(&u.id))
            .collect();
        eng.rule_targets = (0..eng.config.rules.len())
            .map(|r| match &eng.config.rules[r].action {
                EscalationAction::Warn(light) => Some(eng.intern(light.as_str())),
                _ => None,
            })
            .collect();
        eng
    }

    /// The model the engine runs on.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The shared model.
    pub fn model_arc(&self) -> &Arc<Model> {
        &self.model
    }

    /// The configuration.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Reserves room for `events` more events (a host loading a large history, or a benchmark
    /// that wants steady-state behaviour from a cloned engine).
    pub fn reserve(&mut self, events: usize) {
        self.events.reserve(events);
        self.prev_of_case.reserve(events);
    }

    /// All cases, by id − 1.
    pub fn cases(&self) -> &[Case] {
        &self.cases
    }

    /// All events, in order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The security log: refused actions.
    pub fn denials(&self) -> &[Denial] {
        &self.denials
    }

    /// A case by id.
    ///
    /// # Errors
    /// [`Error::Unknown`] (`what = "case"`).
    pub fn case(&self, id: CaseId) -> Result<&Case> {
        usize::try_from(id)
            .ok()
            .and_then(|i| i.checked_sub(1))
            .and_then(|i| self.cases.get(i))
            .ok_or_else(|| Error::unknown("case", id.to_string()))
    }

    /// The events of one case, in order.
    ///
    /// # Errors
    /// [`Error::Unknown`] for an unknown case.
    pub fn history(&self, id: CaseId) -> Result<Vec<&Event>> {
        let c = self.case(id)?;
        let mut out = Vec::new();
        let mut i = self.last_of_case[(c.id - 1) as usize];
        while i != u32::MAX {
            out.push(&self.events[i as usize]);
            i = self.prev_of_case[i as usize];
        }
        out.reverse();
        Ok(out)
    }

    /// Records a new case. Returns its id.
    ///
    /// The case starts its acceptance stage (受理) with the catalog's `accept` limit as in force
    /// now, recorded in the event: a report nobody accepts has a deadline, a light, and
    /// escalates like any other stage.
    ///
    /// # Errors
    /// [`Error::InvalidCode`]/[`Error::Unknown`] for the category, grid, urgency or actor,
    /// [`Error::PermissionDenied`], [`Error::InvalidValue`] for a `NaT` time,
    /// [`Error::CalendarRange`] when the acceptance deadline falls outside the calendar.
    ///
    /// # Examples
    /// ```
    /// use std::sync::Arc;
    /// use gridgov::case::{Actor, Report, Source, State};
    /// let mut eng = gridgov::engine::Engine::new(Arc::new(gridgov::Model::sample()));
    /// let id = eng.report(
    ///     Actor::Worker("SV001".into()),
    ///     1_759_219_200_000, // 2025-09-30 16:00 +08:00
    ///     Report { category: "C0101".into(), grid: "37990100100101".into(), point: None, urgency: None,
    ///              source: Source::Supervisor, description: "cover missing".into(), contact: None, contact_sha256: None },
    /// )?;
    /// assert_eq!(eng.case(id)?.state, State::Reported);
    /// assert!(eng.deadline(id)?.is_some()); // acceptance is timed
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn report(&mut self, actor: Actor, at: Millis, report: Report) -> Result<CaseId> {
        self.transact(Rollback::Touched, |eng| {
            eng.report_once(actor, at, report, None)
        })
    }

    /// [`Engine::report`] inside its transaction; `snapshot` is the acceptance limit recorded
    /// in the event (replay), else the catalog's in force now.
    fn report_once(
        &mut self,
        actor: Actor,
        at: Millis,
        report: Report,
        snapshot: Option<TimeLimit>,
    ) -> Result<CaseId> {
        check_instant(at)?;
        let model = Arc::clone(&self.model);
        let category = model.catalog().get(&report.category)?;
        let urgency = match &report.urgency {
            None => model.catalog().default_urgency().to_owned(),
            Some(u) if model.catalog().urgencies().iter().any(|x| x == u) => u.clone(),
            Some(u) => return Err(Error::unknown("urgency", u.clone())),
        };
        if report.contact_sha256.is_some() && !self.replaying {
            return Err(Error::invalid(
                "report.contact_sha256",
                "(given)",
                "is set by exports, not by new reports",
            ));
        }
        let grid = self.report_grid(&report)?;
        if let Err(e) = self.authorize(&actor, ActionKind::Report, grid, None) {
            return Err(self.deny(at, &actor, None, ActionKind::Report, e));
        }
        access::check_source(model.org(), &actor, report.source)?;
        // Acceptance (受理) is timed from the report: a report nobody accepts goes yellow, red
        // and escalates like any other stage.
        let limit = match snapshot {
            Some(l) => l,
            None => model
                .catalog()
                .stage_limit(category.key.as_str(), Stage::Accept, &urgency)?,
        };
        let timer = Timer {
            stage: Stage::Accept,
            limit,
            started: at,
            extension_minutes: 0,
            pauses: Vec::new(),
            paused_since: None,
        };
        self.timer_deadline(&timer, None)?;
        let id = self.cases.len() as CaseId + 1;
        let actor = self.intern_actor(actor);
        let case_category = self.intern(category.key.as_str());
        let case = Case {
            id,
            category: Arc::clone(&case_category),
            urgency: self.intern(&urgency),
            grid,
            source: report.source,
            reporter: actor.clone(),
            state: State::Reported,
            unit: None,
            second_unit: None,
            co: Vec::new(),
            reported_at: at,
            last_at: at,
            timer: Some(timer),
            pending_postpone: None,
            pending_shelve: None,
            postponed_minutes: 0,
            rework_count: 0,
            return_count: 0,
            wrong_unit_returns: 0,
            pending_return: None,
            pending_void: None,
            void_cause: None,
            reopen_count: 0,
            supervised_count: 0,
            callback: None,
            callbacks: 0,
            callback_redos: 0,
            order: None,
            orders: 0,
            orders_replied_on_time: 0,
            satisfaction: None,
            closing_reason: None,
            self_handled: false,
            closed_at: None,
            runs: 1,
            timer_run: 1,
            held: None,
            last_rework_at: None,
            rated_at: None,
            fired: Fired::default(),
            verify_assignee: None,
        };
        self.cases.push(case);
        self.last_of_case.push(u32::MAX);
        self.queue.add_case();
        let grid_code = model.territory().area(grid).code.as_str();
        let report = Report {
            category: Arc::clone(&case_category),
            grid: self.intern(grid_code),
            ..report
        };
        self.record(
            id,
            at,
            actor,
            EventBody::Report(Box::new(report)),
            Some(limit),
        );
        self.reschedule(id)?;
        Ok(id)
    }

    /// The unit grid of a report: its `grid`, or the grid containing its `point` on the
    /// model's boundaries (both given: they must agree; on replay the recorded grid is kept,
    /// so a later boundary change does not move old cases).
    fn report_grid(&self, report: &Report) -> Result<AreaId> {
        let territory = self.model.territory();
        let Some(p) = report.point else {
            if report.grid.is_empty() {
                return Err(Error::invalid(
                    "report.grid",
                    "(missing)",
                    "a report needs the unit-grid code or a point",
                ));
            }
            return territory.find_grid(&report.grid);
        };
        if self.replaying && !report.grid.is_empty() {
            return territory.find_grid(&report.grid);
        }
        let Some(map) = self.model.grid_map() else {
            return Err(Error::invalid(
                "report.point",
                format!("{}, {}", p.lon, p.lat),
                "the model has no grid boundaries to locate it",
            ));
        };
        let Some(index) = map.locate_in(p.lon, p.lat, p.crs)? else {
            return Err(Error::invalid(
                "report.point",
                format!("{}, {} ({})", p.lon, p.lat, p.crs.as_str()),
                "lies in no unit grid",
            ));
        };
        let code = map.code(index).unwrap_or_default();
        if !report.grid.is_empty() && &*report.grid != code {
            return Err(Error::invalid(
                "report.grid",
                &report.grid,
                format!("the point lies in grid {code}"),
            ));
        }
        territory.find_grid(code)
    }

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
        Ok(&self.events[(seq - 1) as usize])
    }

    /// `act`, taking the stage limit (and the verification's assignee) from a recorded event
    /// instead of the model (replay).
    fn act_with_limit(
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
                let resolved = self.dispatch_unit(&case, unit.as_deref(), reason.as_deref())?;
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
                    self.verify_assignee_of(&case)
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
                let deadline = self.case_calendar(&case).add_limit(at, limit)?;
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
                new.timer = Some(Timer {
                    stage,
                    limit,
                    started: at,
                    extension_minutes: 0,
                    pauses: Vec::new(),
                    paused_since: None,
                });
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
        self.deadline_of(&new)?;
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
        self.record(id, at, actor, EventBody::Action(action_to_record), limit);
        let last = self.events.len() - 1;
        self.events[last].assigned_to = assigned;
        let seq = self.events[last].seq;
        self.reschedule(id)?;
        Ok(&self.events[(seq - 1) as usize])
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

    fn grid_code(&self, case: &Case) -> &str {
        self.model.territory().area(case.grid).code.as_str()
    }

    /// Checks role and scope with the engine's permissions; returns the refusal (not yet logged).
    fn authorize(
        &self,
        actor: &Actor,
        kind: ActionKind,
        grid: AreaId,
        case: Option<&Case>,
    ) -> Result<()> {
        let model = &self.model;
        self.config
            .permissions
            .authorize(model.org(), model.territory(), actor, kind, grid, case)
    }

    fn deny(
        &mut self,
        at: Millis,
        actor: &Actor,
        case: Option<CaseId>,
        action: ActionKind,
        e: Error,
    ) -> Error {
        if let Error::PermissionDenied { reason, .. } = &e {
            self.denials.push(Denial {
                at,
                actor: actor.clone(),
                case,
                action,
                reason: reason.clone(),
            });
        }
        e
    }

    fn intern(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.strings.get(s) {
            return Arc::clone(a);
        }
        let a: Arc<str> = Arc::from(s);
        self.strings.insert(Arc::clone(&a));
        a
    }

    fn intern_actor(&mut self, actor: Actor) -> Actor {
        match actor {
            Actor::Worker(id) => Actor::Worker(self.intern(&id)),
            Actor::Citizen(id) => Actor::Citizen(self.intern(&id)),
            Actor::System => Actor::System,
        }
    }

    fn record(
        &mut self,
        case: CaseId,
        at: Millis,
        actor: Actor,
        body: EventBody,
        limit: Option<TimeLimit>,
    ) -> &Event {
        let seq = self.events.len() as u64 + 1;
        let actor = self.intern_actor(actor);
        let index = self.events.len() as u32;
        let last = &mut self.last_of_case[(case - 1) as usize];
        self.prev_of_case.push(*last);
        *last = index;
        self.events.push(Event {
            seq,
            case,
            at,
            actor,
            body,
            limit,
            assigned_to: None,
        });
        &self.events[self.events.len() - 1]
    }

    /// The deadline of a case's running stage (`None`: no timed stage, or the clock is stopped).
    pub(crate) fn deadline_of(&self, case: &Case) -> Result<Option<Millis>> {
        case.timer
            .as_ref()
            .map_or(Ok(None), |t| self.timer_deadline(t, case.unit))
    }

    /// The deadline of a timer (`None` while it is paused), on the calendar of whoever acts in
    /// its stage: `unit`'s for handling, the stage's for the centre's stages
    /// ([`Model::calendar_for`]).
    pub(crate) fn timer_deadline(&self, t: &Timer, unit: Option<UnitId>) -> Result<Option<Millis>> {
        timers::deadline(self.model.calendar_for(t.stage, unit), t)
    }

    /// The calendar of whoever must act on a case now: that of its running stage (the unit's
    /// while it handles), the model's when no stage runs ([`Model::calendar_for`]).
    pub(crate) fn case_calendar(&self, case: &Case) -> &crate::calendar::Calendar {
        match &case.timer {
            Some(t) => self.model.calendar_for(t.stage, case.unit),
            None => self.model.calendar(),
        }
    }

    /// The deadline of the case's running stage: `None` when no stage runs (closed or final)
    /// or the clock is stopped (shelved). A reported case's deadline is its acceptance's.
    ///
    /// # Errors
    /// [`Error::Unknown`] for an unknown case; [`Error::CalendarRange`].
    pub fn deadline(&self, id: CaseId) -> Result<Option<Millis>> {
        self.deadline_of(self.case(id)?)
    }

    /// The light of a case at `now`: `None` when no timed stage is running (closed, final,
    /// or shelved). Every open state runs a stage, from acceptance to closing, so an open case
    /// that is not shelved always has a light.
    ///
    /// Red when `now` is at or past the deadline; yellow when the used share of the limit
    /// (pauses excluded, extensions included) reaches `yellow_share`, or when at most
    /// `yellow_before_minutes` remain; green otherwise.
    ///
    /// # Errors
    /// [`Error::Unknown`] for an unknown case; [`Error::CalendarRange`].
    pub fn light(&self, id: CaseId, now: Millis) -> Result<Option<Light>> {
        check_instant(now)?;
        let case = self.case(id)?;
        match &case.timer {
            None => Ok(None),
            Some(t) => timers::light(self.case_calendar(case), &self.config, t, now),
        }
    }

    /// A case as one JSON object (for bindings and hosts): id, state, whether it is open
    /// ([`State::is_open`]), category, urgency, grid
    /// code, unit id, source, reporter, times, running stage and limit, deadline, light at
    /// `now`, counters, pending requests, satisfaction, closing reason and history (events
    /// without contact data).
    ///
    /// # Errors
    /// [`Error::Unknown`] for an unknown case; [`Error::CalendarRange`].
    pub fn case_json(&self, id: CaseId, now: Millis) -> Result<Value> {
        let eng = self;
        let c = eng.case(id)?;
        let (t, org) = (eng.model().territory(), eng.model().org());
        let light = eng.light(id, now)?;
        let history = eng
            .history(id)?
            .into_iter()
            .map(|e| e.to_json(false))
            .collect::<Result<Vec<Value>>>()?;
        // Two objects merged: one `json!` of every field exceeds the macro recursion limit.
        let mut value = json!({
            "id": c.id,
            "state": c.state,
            "open": c.state.is_open(),
            "category": &*c.category,
            "urgency": &*c.urgency,
            "grid": t.area(c.grid).code.as_str(),
            "unit": c.unit.map(|u| org.unit(u).id.as_str()),
            "second_unit": c.second_unit.map(|u| org.unit(u).id.as_str()),
            "co_handlers": c.co.iter().map(|h| json!({
                "unit": org.unit(h.unit).id.as_str(),
                "fed_back_at": h.fed_back_at,
                "on_time": h.on_time,
            })).collect::<Vec<Value>>(),
            "source": c.source,
            "reporter": c.reporter,
            "verify_assignee": c.verify_assignee.as_deref(),
        });
        let rest = json!({
            "reported_at": c.reported_at,
            "last_at": c.last_at,
            "stage": c.timer.as_ref().map(|t| t.stage.as_str()),
            "limit": c.timer.as_ref().map(|t| t.limit.to_string()),
            "paused": c.timer.as_ref().is_some_and(|t| t.paused_since.is_some()),
            "deadline": eng.deadline(id)?,
            "light": light,
            "rework_count": c.rework_count,
            "return_count": c.return_count,
            "wrong_unit_returns": c.wrong_unit_returns,
            "pending_return": c.pending_return.as_ref().map(|(cause, reason)| json!({"cause": cause, "reason": reason})),
            "pending_void": c.pending_void.as_ref().map(|(cause, reason)| json!({"cause": cause, "reason": reason})),
            "void_cause": c.void_cause.as_ref().map(|(cause, _)| cause.as_str()),
            "void_reason": c.void_cause.as_ref().map(|(_, reason)| reason.as_str()),
            "reopen_count": c.reopen_count,
            "supervised_count": c.supervised_count,
            "order": c.order.map(|o| json!({
                "level": o.level.as_str(),
                "issued_at": o.issued_at,
                "limit": o.limit.to_string(),
                "deadline": o.deadline,
                "replied_at": o.replied_at,
            })),
            "orders": c.orders,
            "callback": c.callback,
            "callbacks": c.callbacks,
            "callback_redos": c.callback_redos,
            "orders_replied_on_time": c.orders_replied_on_time,
            "postponed_minutes": c.postponed_minutes,
            "pending_postpone": c.pending_postpone,
            "pending_shelve": c.pending_shelve,
            "satisfaction": c.satisfaction,
            "closing_reason": c.closing_reason,
            "closed_at": c.closed_at,
            "self_handled": c.self_handled,
            "history": history,
        });
        if let (Value::Object(head), Value::Object(tail)) = (&mut value, rest) {
            head.extend(tail);
        }
        Ok(value)
    }

    /// All events as JSON lines with their audit chain ([`crate::event::to_json_lines`]).
    /// Contact data is included only when `viewer` is a worker whose role may see it
    /// ([`CONTACT_ROLES`]).
    ///
    /// # Errors
    /// [`Error::PermissionDenied`] when a viewer is given who may not see contact data.
    pub fn events_json_lines(&self, viewer: Option<&Actor>) -> Result<String> {
        if let Some(v) = viewer {
            access::may_see_contact(self.model.org(), v)?;
        }
        event::to_json_lines(&self.events, viewer.is_some())
    }

    /// Checks the audit chain and returns its head. With a journal ([`Engine::open`]) or a sink
    /// that can check what it stored, this walks the **stored** chain and names the first
    /// stored event whose hash, link or columns do not match, and checks that it ends where
    /// this engine's does. Without one it computes the head of the engine's own chain from the
    /// events' canonical texts, without writing the export ([`crate::event::chain_head`]): the
    /// count and head [`crate::audit::verify_json_lines`] gives for the export. Recorded events
    /// are immutable in memory, so this mainly gives the head to keep.
    ///
    /// # Errors
    /// [`Error::Tampered`] naming the first stored event that does not verify;
    /// [`Error::Journal`] when the journal cannot be read; otherwise as
    /// [`crate::audit::verify_json_lines`].
    pub fn verify(&self) -> Result<audit::Verified> {
        for sink in [&self.sinks.durable, &self.sinks.host]
            .into_iter()
            .flatten()
        {
            let sink = sink
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(checked) = sink.verify() {
                return checked;
            }
        }
        // The export's lines are in canonical form, so verifying them hashes exactly the
        // canonical texts: the chain is computed from the events without writing the lines.
        Ok(audit::Verified {
            events: self.events.len(),
            head: audit::hex(&event::chain_head(&self.events)?),
        })
    }
}
