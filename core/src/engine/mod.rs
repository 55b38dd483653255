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
//! | `engine/mod.rs` | the [`Engine`]: reports, cases, history, the case as JSON, the export; with the events on disk ([`Engine::events_on_disk`]), history and the export read from the journal |
//! | `engine/act.rs` | [`Engine::act`]: one action's checks, in order, and the case it leaves (the transitions of approvals, dispatch, 督办 orders, callbacks…), the verification task's assignee |
//! | `engine/timers.rs` | stage limits, deadlines and lights (pure functions of the calendar and a timer) |
//! | `engine/queue.rs` | the escalation queue: next firings bucketed by minute, stale entries, rebuilds; deferred during a replay (built once at its end) |
//! | `engine/escalate.rs` | when rules fire, what a firing does, [`Engine::sweep`] |
//! | `engine/replay.rs` | [`Engine::replay`], the verified replay of exported text, and the chunked replay of a journal |
//! | `engine/commit.rs` | each changing call as a transaction: the undo log, the rollback, delivering commits to the sinks ([`EventSink`]), batches, dropping committed events when they stay on disk |
//! | `engine/catch_up.rs` | redelivering committed events to a host's sink that lacks them ([`Engine::catch_up`], [`Engine::set_sink_from`]), the sink being behind the journal ([`Engine::sink_behind`]) |
//! | `engine/sinks.rs` | the engine's sink state: the journal, the host's sink, the chain head, the open batch, whether the host's sink is behind |
//!
//! What an event looks like on disk is [`crate::event`]; the audit chain over it is
//! [`crate::audit`].

mod act;
mod catch_up;
mod commit;
mod escalate;
mod queue;
mod replay;
mod sinks;
pub(crate) mod timers;

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Value, json};

use crate::access::{self, Denial};
use crate::audit;
use crate::calendar::{Millis, TimeLimit};
use crate::case::{ActionKind, Actor, Case, CaseId, Fired, Light, Report, State, Timer};
use crate::catalog::Stage;
use crate::error::{Error, Result};
use crate::escalation::EscalationAction;
use crate::event::{self, Event, EventBody, RuleLabel};
use crate::model::Model;
use crate::org::{Role, UnitId};
use crate::score::trail::Trail;
use crate::territory::AreaId;

pub use crate::access::CONTACT_ROLES;
pub use crate::event::EVENT_SCHEMA_VERSION;
pub use crate::policy::{DEFAULT_VERIFIED_SOURCES, EngineConfig, EngineSection, Rework};

pub use crate::sink::{Commit, EventSink};
pub use catch_up::CATCH_UP_CHUNK;

use queue::Queue;
use sinks::{Rollback, Sinks, Undo};

/// The case engine.
#[derive(Debug, Clone)]
pub struct Engine {
    model: Arc<Model>,
    config: EngineConfig,
    cases: Vec<Case>,
    /// The events in memory: every event (the default), or, when the events stay on disk
    /// ([`Engine::events_on_disk`]), those of the call or batch in progress.
    events: Vec<Event>,
    /// How many events came before `events[0]` (0 unless the events stay on disk): the event
    /// with `seq` s is `events[s - 1 - base]`.
    base: u64,
    /// Whether every event stays in memory (`true`, the default) or only those of the call in
    /// progress, the journal holding the rest ([`crate::journal::OpenOptions::keep_events`]).
    keep_events: bool,
    /// Events on disk: those of the last committed call, kept until the next call so that
    /// [`Engine::act`] and [`Engine::sweep`] can return them (they are in the journal).
    recent: Vec<Event>,
    /// Per in-memory event: the position (`seq - 1`) of the previous event of the same case
    /// (`u32::MAX`: none).
    prev_of_case: Vec<u32>,
    /// Per case: the position (`seq - 1`) of its last event (`u32::MAX`: none).
    last_of_case: Vec<u32>,
    /// Per case: what its row of case records is built from, kept current with its events.
    trails: Vec<Trail>,
    /// When the last event happened (the records' `as_of` is 1 ms later).
    last_event_at: Option<Millis>,
    /// Interned ids (actors, categories, urgencies), so cases and events share them.
    strings: foldhash::HashSet<Arc<str>>,
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
    /// The cases (and their trails) changed by the call (or batch) in progress, as they were
    /// before (by index): what a rollback puts back.
    undo: Vec<Undo>,
    /// The journal and the host's sink, the chain head, the open batch.
    sinks: Sinks,
    /// Per unit grid (by area index): the ids of the supervisors who patrol it, sorted
    /// (interned): whom a verification task goes to.
    patrols: HashMap<AreaId, Vec<Arc<str>>>,
}

/// Two engines are equal when they hold the same cases, events and records trails (the
/// security log is not part of the state). When either keeps its events on disk
/// ([`Engine::events_on_disk`]) the events are compared by their count only (the memory holds
/// at most the call in progress; the journal's chain covers the rest: compare
/// [`Engine::verify`] for them).
impl PartialEq for Engine {
    fn eq(&self, other: &Self) -> bool {
        let same = self.cases == other.cases
            && self.trails == other.trails
            && self.last_event_at == other.last_event_at;
        if self.keep_events && other.keep_events {
            return same && self.events == other.events;
        }
        same && self.event_count() == other.event_count()
    }
}

/// Events read back from a journal and written again at once ([`Engine::all_json_lines`]).
const LINES_CHUNK: usize = 8192;

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
            base: 0,
            keep_events: true,
            recent: Vec::new(),
            prev_of_case: Vec::new(),
            last_of_case: Vec::new(),
            trails: Vec::new(),
            last_event_at: None,
            strings: foldhash::HashSet::default(),
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

    /// The events in memory, in order: every event, unless the events stay on disk
    /// ([`Engine::events_on_disk`], an engine opened with
    /// [`crate::journal::OpenOptions::keep_events`] off), where this holds only the events of
    /// the call or batch in progress — empty between calls, once each commit reached the
    /// journal. [`Engine::event_count`] counts every event; [`Engine::history_owned`] and
    /// [`Engine::events_json_lines`] read the journal.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// How many events the engine recorded (in memory or on disk): the `seq` of the last one.
    pub fn event_count(&self) -> u64 {
        self.base + self.events.len() as u64
    }

    /// Whether the events stay on disk: the engine was opened on a journal with
    /// [`crate::journal::OpenOptions::keep_events`] off, and keeps in memory only the events of
    /// the call or batch in progress. History, the JSON lines and [`Engine::verify`] then read
    /// the journal; [`Engine::history`] (borrowed events) is refused. A clone of such an engine
    /// has no journal, so it cannot read its history (those calls fail with
    /// [`Error::InvalidValue`] naming `events`).
    pub fn events_on_disk(&self) -> bool {
        !self.keep_events
    }

    /// The event with `seq`, while it is in memory (the call in progress, or on disk the last
    /// committed call).
    fn event_at_seq(&self, seq: u64) -> &Event {
        match seq.checked_sub(self.base + 1) {
            Some(i) => &self.events[i as usize],
            None => &self.recent[(seq - 1 - (self.base - self.recent.len() as u64)) as usize],
        }
    }

    /// The events from position `from` (`seq - 1`) on, while they are in memory.
    fn events_from(&self, from: u64) -> &[Event] {
        match from.checked_sub(self.base) {
            Some(i) => &self.events[i as usize..],
            None => &self.recent[(from - (self.base - self.recent.len() as u64)) as usize..],
        }
    }

    /// Events on disk: drops the events in memory (committed to the journal, or replayed from
    /// it), keeping the last call's in `recent`.
    fn forget_events(&mut self) {
        if self.keep_events {
            return;
        }
        self.base += self.events.len() as u64;
        std::mem::swap(&mut self.recent, &mut self.events);
        self.events.clear();
        self.prev_of_case.clear();
        // a big call (a sweep that fired for every case) leaves no big buffer behind
        self.events.shrink_to(LINES_CHUNK);
        self.prev_of_case.shrink_to(LINES_CHUNK);
    }

    /// The error for a call that needs the events on disk when this engine holds no journal.
    fn no_journal(&self) -> Error {
        Error::invalid(
            "events",
            format!("{} on disk", self.base),
            "stay in a journal this engine does not hold (a clone of an engine opened with keep_events off): read them from the engine that writes the journal",
        )
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

    /// The events of one case, in order, borrowed from memory.
    ///
    /// # Errors
    /// [`Error::Unknown`] for an unknown case; [`Error::InvalidValue`] (naming `history`) when
    /// the events stay on disk ([`Engine::events_on_disk`]): use [`Engine::history_owned`].
    pub fn history(&self, id: CaseId) -> Result<Vec<&Event>> {
        let c = self.case(id)?;
        if !self.keep_events {
            return Err(Error::invalid(
                "history",
                id,
                "the events stay on disk (keep_events off): read them with history_owned",
            ));
        }
        let mut out = Vec::new();
        let mut i = self.last_of_case[(c.id - 1) as usize];
        while i != u32::MAX {
            out.push(&self.events[i as usize]);
            i = self.prev_of_case[i as usize];
        }
        out.reverse();
        Ok(out)
    }

    /// The events of one case, in order, as owned values: from memory, or, when the events
    /// stay on disk, read from the journal (by `case_id`) followed by those of the batch in
    /// progress.
    ///
    /// # Errors
    /// [`Error::Unknown`] for an unknown case; on disk, [`Error::Journal`] when the journal
    /// cannot be read, [`Error::InvalidValue`] naming `events` on a clone (no journal).
    pub fn history_owned(&self, id: CaseId) -> Result<Vec<Event>> {
        if self.keep_events {
            return Ok(self.history(id)?.into_iter().cloned().collect());
        }
        self.case(id)?;
        let mut out = Vec::new();
        self.read_stored(Some(id), 0, &mut |seq, line| {
            out.push(event::read_line_at(line, (seq - 1) as usize)?);
            Ok(true)
        })?;
        out.extend(self.uncommitted().iter().filter(|e| e.case == id).cloned());
        Ok(out)
    }

    /// Events on disk: the events in memory that are not in the journal yet (an open batch's).
    fn uncommitted(&self) -> &[Event] {
        if self.sinks.batch.is_some() {
            &self.events
        } else {
            &[]
        }
    }

    /// Events on disk: calls `each` with the `seq` and stored line of every committed event
    /// after event `after` (or of case `case`'s), in order, until `each` answers `false`.
    pub(super) fn read_stored(
        &self,
        case: Option<CaseId>,
        after: u64,
        each: &mut dyn FnMut(u64, &str) -> Result<bool>,
    ) -> Result<()> {
        let Some(durable) = &self.sinks.durable else {
            return Err(self.no_journal());
        };
        let sink = durable
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        sink.read_lines(case, after, each)
            .unwrap_or_else(|| Err(self.no_journal()))
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
        let timer = Timer::start(Stage::Accept, limit, at);
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
            None,
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
        assigned_to: Option<Arc<str>>,
    ) -> &Event {
        let seq = self.event_count() + 1;
        let actor = self.intern_actor(actor);
        // a migration (case 0) belongs to no case: nothing to link or trail
        let idx = usize::try_from(case).ok().and_then(|c| c.checked_sub(1));
        let prev = idx.map_or(u32::MAX, |i| {
            std::mem::replace(&mut self.last_of_case[i], (seq - 1) as u32)
        });
        self.prev_of_case.push(prev);
        self.events.push(Event {
            seq,
            case,
            at,
            actor,
            body,
            limit,
            assigned_to,
        });
        self.last_event_at = Some(at);
        let e = &self.events[self.events.len() - 1];
        if let Some(idx) = idx
            && Trail::takes(e)
        {
            if idx == self.trails.len() {
                self.trails.push(Trail::new());
            } else if !self.replaying {
                self.undo.push(Undo::Trail(idx, self.trails[idx].clone()));
            }
            let verified = self.config.verifies(self.cases[idx].source);
            self.trails[idx].step(e, &self.model, verified);
        }
        e
    }

    /// Per case (by id − 1): what its row of case records is built from.
    pub(crate) fn trails(&self) -> &[Trail] {
        &self.trails
    }

    /// When the last recorded event happened (`None`: no event yet).
    pub fn last_event_at(&self) -> Option<Millis> {
        self.last_event_at
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
            .history_owned(id)?
            .iter()
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
        self.all_json_lines(viewer.is_some())
    }

    /// Every event as JSON lines with their audit chain, as [`Engine::events_json_lines`]
    /// writes them, with contact data when `with_contact` — **without** checking a viewer: for
    /// a host's own copy (the Python binding pickles an engine this way). When the events stay
    /// on disk the committed lines are read from the journal (the stored lines as they are with
    /// contact data; else each read back and written again without it, 8,192 at a time) and
    /// the lines of an open batch follow; the text returned still holds the whole history.
    ///
    /// # Errors
    /// As [`crate::event::to_json_lines`]; on disk, [`Error::Journal`] when the journal cannot
    /// be read, [`Error::InvalidValue`] naming `events` on a clone (no journal).
    pub fn all_json_lines(&self, with_contact: bool) -> Result<String> {
        if self.keep_events {
            return event::to_json_lines(&self.events, with_contact);
        }
        let mut out = String::new();
        let mut prev = audit::GENESIS;
        if with_contact {
            self.read_stored(None, 0, &mut |_, line| {
                out.push_str(line);
                out.push('\n');
                Ok(true)
            })?;
            prev = self.sinks.head;
        } else {
            let mut chunk = Vec::with_capacity(LINES_CHUNK);
            self.read_stored(None, 0, &mut |seq, line| {
                chunk.push(event::read_line_at(line, (seq - 1) as usize)?);
                if chunk.len() == LINES_CHUNK {
                    let (text, link) = event::to_json_lines_after(&prev, &chunk, false)?;
                    out.push_str(&text);
                    prev = link;
                    chunk.clear();
                }
                Ok(true)
            })?;
            let (text, link) = event::to_json_lines_after(&prev, &chunk, false)?;
            out.push_str(&text);
            prev = link;
        }
        let (text, _) = event::to_json_lines_after(&prev, self.uncommitted(), with_contact)?;
        out.push_str(&text);
        Ok(out)
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
        if !self.keep_events {
            return Err(self.no_journal());
        }
        // The export's lines are in canonical form, so verifying them hashes exactly the
        // canonical texts: the chain is computed from the events without writing the lines.
        Ok(audit::Verified {
            events: self.events.len(),
            head: audit::hex(&event::chain_head(&self.events)?),
        })
    }
}
