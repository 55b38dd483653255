//! The case engine: applies actions to cases, keeps stage timers, computes deadlines and lights,
//! records every accepted action as an event, and replays events (DESIGN §3.6–3.8).
//!
//! Every action is checked before anything changes — the case exists, the time does not go
//! backwards, the actor may perform the action here ([`crate::access`]), the state allows it
//! ([`crate::case::transition`]), its fields are valid, and its deadline can be computed — and a
//! refused action returns a typed error and leaves the engine exactly as it was (a refusal for
//! lack of permission is also written to the security log).
//!
//! # Event schema (version 1)
//!
//! [`Engine::events_json_lines`] writes one JSON object per line:
//!
//! ```json
//! {"v":1,"seq":7,"case":3,"at":1759219200000,"actor":{"worker":"DP01"},"action":"dispatch","unit":"WATER","limit":"4 working_hours"}
//! ```
//!
//! - `v`: schema version (1); `seq`: 1, 2, 3… over the whole engine; `case`: the case id;
//!   `at`: epoch milliseconds (UTC); `actor`: `{"worker": id}`, `{"citizen": id}` or `"system"`.
//! - `action` and its fields as in [`Action`]'s JSON form; for `"report"` the fields of
//!   [`Report`] (`category`, `grid`, `urgency`, `source`, `description`, `contact`); for
//!   `"escalate"` (actor `"system"`) the members of [`Firing`] (`rule`, `name`, `effect`,
//!   `target`, `firing`), and no others.
//! - `limit`: the time limit of the stage this event started, as in force then (the policy
//!   snapshot); absent when no stage started.
//! - `contact` appears only in exports made for a role allowed to see citizen contact data;
//!   `contact_sha256` (its digest) appears whenever the report had contact data.
//! - `hash`: the SHA-256 chain link of [`crate::audit`].

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use serde_json::{Map, Value, json};

use crate::access::{Party, Permissions, party_of};
use crate::calendar::{Millis, TimeLimit};
use crate::case::{
    Action, ActionKind, Actor, CaseId, Light, Next, Report, Source, State, Timer, transition,
};
use crate::catalog::Stage;
use crate::error::{Error, Result};
use crate::escalation::{EscalationAction, EscalationRule, Trigger};
use crate::model::Model;
use crate::org::{Role, UnitId};
use crate::territory::AreaId;

/// Version of the event JSON schema written by [`Engine::events_json_lines`].
pub const EVENT_SCHEMA_VERSION: u32 = 1;

/// Roles allowed to see citizen contact data in exports (they call citizens back).
pub const CONTACT_ROLES: [Role; 3] = [Role::Acceptor, Role::ShiftLeader, Role::Manager];

/// What the engine does beyond the lifecycle table: light thresholds and permissions.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineConfig {
    /// Share of the limit used from which a case is yellow (default 0.8).
    pub yellow_share: f64,
    /// Also yellow when this many minutes (of the limit's own measure) or fewer remain.
    pub yellow_before_minutes: Option<i64>,
    /// The permission matrix.
    pub permissions: Permissions,
    /// Escalation rules, in the model file's order.
    pub rules: Vec<EscalationRule>,
}

/// The `[engine]` section of a model file.
#[derive(
    Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct EngineSection {
    /// Share of a stage's limit used from which its light is yellow (default 0.8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yellow_share: Option<f64>,
    /// Also yellow when this much time or less remains, e.g. `"1 working_hours"` (default: not
    /// used). Counted in the measure of the stage's limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yellow_before: Option<TimeLimit>,
    /// Rows of the permission matrix to replace: action name → roles allowed
    /// (`"citizen"` for citizens), e.g. `dispatch = ["dispatcher", "shift_leader"]`.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub permissions: std::collections::BTreeMap<String, Vec<String>>,
}

impl EngineConfig {
    /// Validates the `[engine]` section, recording every problem under `path`.
    pub fn from_section(
        section: &EngineSection,
        day_length_minutes: i64,
        path: &str,
        issues: &mut crate::error::Issues,
    ) -> EngineConfig {
        let mut config = EngineConfig {
            permissions: Permissions::with_overrides(
                &section.permissions,
                &format!("{path}.permissions"),
                issues,
            ),
            ..EngineConfig::default()
        };
        if let Some(share) = section.yellow_share {
            if share.is_finite() && share > 0.0 && share <= 1.0 {
                config.yellow_share = share;
            } else {
                issues.push(
                    format!("{path}.yellow_share"),
                    format!("{share} is not a share in (0, 1]"),
                );
            }
        }
        config.yellow_before_minutes = section.yellow_before.map(|l| match l {
            TimeLimit::Working { minutes } | TimeLimit::Continuous { minutes } => minutes,
            TimeLimit::WorkingDays { days } => days.saturating_mul(day_length_minutes),
        });
        config
    }
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            yellow_share: 0.8,
            yellow_before_minutes: None,
            permissions: Permissions::default(),
            rules: Vec::new(),
        }
    }
}

/// One case as the engine holds it: the fold of its events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// Case id (from 1).
    pub id: CaseId,
    /// Leaf category key (shared, interned).
    pub category: Arc<str>,
    /// Urgency id (shared, interned).
    pub urgency: Arc<str>,
    /// The unit grid.
    pub grid: AreaId,
    /// Report channel.
    pub source: Source,
    /// Who reported it (the description and contact data are in the report event).
    pub reporter: Actor,
    /// Lifecycle state.
    pub state: State,
    /// The unit it is dispatched to.
    pub unit: Option<UnitId>,
    /// When it was reported.
    pub reported_at: Millis,
    /// Time of its last event.
    pub last_at: Millis,
    /// The running stage timer.
    pub timer: Option<Timer>,
    /// Minutes of a postponement waiting for a decision.
    pub pending_postpone: Option<i64>,
    /// Reason of a shelving request waiting for a decision.
    pub pending_shelve: Option<String>,
    /// Approved postponement minutes in all.
    pub postponed_minutes: i64,
    /// Failed checks (返工).
    pub rework_count: u32,
    /// Returns to the centre (回退).
    pub return_count: u32,
    /// Reopenings.
    pub reopen_count: u32,
    /// Supervisions (督办).
    pub supervised_count: u32,
    /// Citizen satisfaction since the last closing.
    pub satisfaction: Option<u8>,
    /// Reason given at the last closing.
    pub closing_reason: Option<String>,
    /// Handled on the spot by the reporting supervisor.
    pub self_handled: bool,
    /// When it was last closed.
    pub closed_at: Option<Millis>,
    /// Stage timers started so far (a timer trigger belongs to one run).
    pub runs: u32,
    /// When the last check failed.
    pub last_rework_at: Option<Millis>,
    /// When it was last rated.
    pub rated_at: Option<Millis>,
    /// Escalation firings: rule index → (trigger occurrence, firings so far).
    pub fired: Fired,
}

/// The escalation firings of a case: rule index → (trigger occurrence, firings so far).
///
/// Most cases see one rule fire, if any, so one entry is kept inline (no allocation, 24 bytes
/// like an empty map); more entries move to a small sorted slice on the heap. Entries are only
/// ever added or updated, never removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fired(FiredRepr);

/// Canonical: `One` for one entry, `Many` (sorted by rule, two entries or more) beyond, so the
/// derived equality is the equality of the maps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
enum FiredRepr {
    #[default]
    Empty,
    One([u32; 3]),
    Many(Box<[[u32; 3]]>),
}

impl Fired {
    /// The (occurrence, firings) of `rule`, if it has fired on the case.
    pub fn get(&self, rule: u32) -> Option<(u32, u32)> {
        let found = match &self.0 {
            FiredRepr::Empty => None,
            FiredRepr::One(e) => (e[0] == rule).then_some(e),
            FiredRepr::Many(es) => es
                .binary_search_by_key(&rule, |e| e[0])
                .ok()
                .map(|i| &es[i]),
        };
        found.map(|e| (e[1], e[2]))
    }

    /// Sets the (occurrence, firings) of `rule`.
    pub fn insert(&mut self, rule: u32, (occurrence, firings): (u32, u32)) {
        let entry = [rule, occurrence, firings];
        match &mut self.0 {
            FiredRepr::Empty => self.0 = FiredRepr::One(entry),
            FiredRepr::One(e) if e[0] == rule => *e = entry,
            FiredRepr::One(e) => {
                let mut es = vec![*e, entry];
                es.sort_unstable_by_key(|e| e[0]);
                self.0 = FiredRepr::Many(es.into_boxed_slice());
            }
            FiredRepr::Many(es) => match es.binary_search_by_key(&rule, |e| e[0]) {
                Ok(i) => es[i] = entry,
                Err(i) => {
                    let mut v = std::mem::take(es).into_vec();
                    v.insert(i, entry);
                    *es = v.into_boxed_slice();
                }
            },
        }
    }

    /// The entries in rule order: (rule, (occurrence, firings)).
    pub fn iter(&self) -> impl Iterator<Item = (u32, (u32, u32))> + '_ {
        let slice: &[[u32; 3]] = match &self.0 {
            FiredRepr::Empty => &[],
            FiredRepr::One(e) => std::slice::from_ref(e),
            FiredRepr::Many(es) => es,
        };
        slice.iter().map(|e| (e[0], (e[1], e[2])))
    }

    /// Number of rules that have fired.
    pub fn len(&self) -> usize {
        match &self.0 {
            FiredRepr::Empty => 0,
            FiredRepr::One(_) => 1,
            FiredRepr::Many(es) => es.len(),
        }
    }

    /// Whether no rule has fired.
    pub fn is_empty(&self) -> bool {
        matches!(self.0, FiredRepr::Empty)
    }
}

/// An accepted action, immutable once recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Sequence number over the engine, from 1.
    pub seq: u64,
    /// The case.
    pub case: CaseId,
    /// When it happened.
    pub at: Millis,
    /// Who did it.
    pub actor: Actor,
    /// What was done.
    pub body: EventBody,
    /// The limit of the stage this event started, as in force then.
    pub limit: Option<TimeLimit>,
}

/// The content of an event.
#[derive(Debug, Clone, PartialEq)]
pub enum EventBody {
    /// A new case.
    Report(Box<Report>),
    /// An action on the case.
    Action(Action),
    /// An escalation rule fired (actor: the system). Held inline: a sweep records one per
    /// firing, and an allocation per firing would be most of its cost.
    Escalation(Firing),
}

/// What an escalation rule is called and does: shared by every firing of the rule (one
/// allocation per rule, not per firing).
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct RuleLabel {
    /// The rule's name.
    pub name: Arc<str>,
    /// `warn`, `notify`, `escalate`, `supervise` or `reassign`.
    pub effect: &'static str,
}

/// An escalation that fired. Its JSON form (in the event schema) is
/// `{"rule": 0, "name": "...", "effect": "warn", "target": "yellow", "firing": 1}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Firing {
    /// Index of the rule in the model's `escalation` list.
    pub rule: u32,
    /// 1 for the first firing of this trigger, 2 for the first repeat…
    pub firing: u32,
    /// The rule's name and effect.
    pub label: Arc<RuleLabel>,
    /// The unit notified, escalated to or reassigned to; the light for `warn`.
    pub target: Option<Arc<str>>,
}

impl Firing {
    /// The rule's name.
    pub fn name(&self) -> &str {
        &self.label.name
    }

    /// `warn`, `notify`, `escalate`, `supervise` or `reassign`.
    pub fn effect(&self) -> &'static str {
        self.label.effect
    }
}

/// The JSON form of a [`Firing`].
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FiringJson<'a> {
    rule: u32,
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    effect: Cow<'a, str>,
    #[serde(default, skip_serializing_if = "Option::is_none", borrow)]
    target: Option<Cow<'a, str>>,
    firing: u32,
}

impl serde::Serialize for Firing {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        FiringJson {
            rule: self.rule,
            name: Cow::Borrowed(self.name()),
            effect: Cow::Borrowed(self.effect()),
            target: self.target.as_deref().map(Cow::Borrowed),
            firing: self.firing,
        }
        .serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Firing {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let j = FiringJson::deserialize(d)?;
        let Some(effect) = EscalationAction::NAMES.into_iter().find(|e| *e == j.effect) else {
            return Err(serde::de::Error::custom(format!(
                "unknown effect {:?}: expected one of {}",
                j.effect,
                EscalationAction::NAMES.join(", ")
            )));
        };
        Ok(Firing {
            rule: j.rule,
            firing: j.firing,
            label: Arc::new(RuleLabel {
                name: Arc::from(j.name.as_ref()),
                effect,
            }),
            target: j.target.map(|t| Arc::from(t.as_ref())),
        })
    }
}

/// A refused action written to the security log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Denial {
    /// When it was attempted.
    pub at: Millis,
    /// Who attempted it.
    pub actor: Actor,
    /// On which case (none for a refused report).
    pub case: Option<CaseId>,
    /// What was attempted.
    pub action: ActionKind,
    /// Why it was refused.
    pub reason: String,
}

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
    /// Next firing of each (case, rule), with the case's schedule generation (stale entries are
    /// skipped), bucketed by minute: a sweep takes whole buckets in order.
    queue: BTreeMap<i64, Vec<(Millis, CaseId, u32, u32)>>,
    /// Entries in `queue`.
    queued: usize,
    /// Entries of the current generation per case, and their sum.
    live_of_case: Vec<u32>,
    live: usize,
    generation: Vec<u32>,
    replaying: bool,
    /// Per rule: the light a `warn` rule shows (interned).
    rule_targets: Vec<Option<Arc<str>>>,
    /// Per unit (by index): its id (interned).
    unit_ids: Vec<Arc<str>>,
    /// Per rule: its name and effect, shared by its firings.
    rule_labels: Vec<Arc<RuleLabel>>,
}

/// Two engines are equal when they hold the same cases and events (the security log is not
/// part of the state).
impl PartialEq for Engine {
    fn eq(&self, other: &Self) -> bool {
        self.cases == other.cases && self.events == other.events
    }
}

/// The trigger occurrence a rule's firings on a case belong to: one per stage run for timer
/// triggers, one per reopening for an unsatisfied rating, one for the rework count.
fn occurrence_of(case: &Case, rule: &EscalationRule) -> u32 {
    match rule.trigger {
        Trigger::Rework(_) => 0,
        Trigger::Unsatisfied(_) => case.reopen_count,
        _ => case.runs,
    }
}

fn check_instant(at: Millis) -> Result<()> {
    if at == i64::MIN {
        return Err(Error::invalid("at", "NaT", "is not a time"));
    }
    Ok(())
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
            queue: BTreeMap::new(),
            queued: 0,
            live_of_case: Vec::new(),
            live: 0,
            generation: Vec::new(),
            replaying: false,
            rule_targets: Vec::new(),
            unit_ids: Vec::new(),
            rule_labels,
        };
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
    /// # Errors
    /// [`Error::InvalidCode`]/[`Error::Unknown`] for the category, grid, urgency or actor,
    /// [`Error::PermissionDenied`], [`Error::InvalidValue`] for a `NaT` time.
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
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn report(&mut self, actor: Actor, at: Millis, report: Report) -> Result<CaseId> {
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
        self.check_source(&actor, report.source)?;
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
            reported_at: at,
            last_at: at,
            timer: None,
            pending_postpone: None,
            pending_shelve: None,
            postponed_minutes: 0,
            rework_count: 0,
            return_count: 0,
            reopen_count: 0,
            supervised_count: 0,
            satisfaction: None,
            closing_reason: None,
            self_handled: false,
            closed_at: None,
            runs: 0,
            last_rework_at: None,
            rated_at: None,
            fired: Fired::default(),
        };
        self.cases.push(case);
        self.last_of_case.push(u32::MAX);
        self.generation.push(0);
        let grid_code = model.territory().area(grid).code.as_str();
        let report = Report {
            category: Arc::clone(&case_category),
            grid: self.intern(grid_code),
            ..report
        };
        self.record(id, at, actor, EventBody::Report(Box::new(report)), None);
        self.reschedule(id)?;
        Ok(id)
    }

    /// A report's channel must fit its reporter: citizens report through the app, the hotline
    /// or the media; only supervisors use the supervisor channel (whose reports need no
    /// verification).
    fn check_source(&self, actor: &Actor, source: Source) -> Result<()> {
        let org = self.model.org();
        let ok = match (actor, source) {
            (Actor::Citizen(_), s) => s.is_public(),
            (Actor::Worker(id), Source::Supervisor) => org
                .find_worker(id)
                .is_ok_and(|w| org.worker(w).role == Role::Supervisor),
            _ => true,
        };
        if ok {
            Ok(())
        } else {
            Err(Error::invalid(
                "report.source",
                serde_json::to_value(source).unwrap_or_default(),
                format!(
                    "does not fit {actor}: citizens report through the app, the hotline or the media; only supervisors through the supervisor channel"
                ),
            ))
        }
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
        self.act_with_limit(id, actor, at, action, None)
    }

    /// `act`, taking the stage limit from a recorded event instead of the model (replay).
    fn act_with_limit(
        &mut self,
        id: CaseId,
        actor: Actor,
        at: Millis,
        action: Action,
        snapshot: Option<TimeLimit>,
    ) -> Result<&Event> {
        check_instant(at)?;
        self.case(id)?;
        if !self.replaying {
            // Escalations of this case due at or before `at` happened first.
            self.fire_due(Some(id), at)?;
        }
        let case = self.case(id)?.clone();
        if at < case.last_at {
            return Err(Error::invalid(
                "at",
                at,
                format!(
                    "is earlier than the last event of case {id} ({})",
                    case.last_at
                ),
            ));
        }
        let kind = action.kind();
        if let Err(e) = self.authorize(&actor, kind, case.grid, Some(&case)) {
            return Err(self.deny(at, &actor, Some(id), kind, e));
        }
        let refuse = |detail: &str| Error::InvalidTransition {
            case: id,
            state: case.state.to_string(),
            action: kind.to_string(),
            detail: detail.to_owned(),
        };
        let Some(next) = transition(case.state, &action) else {
            return Err(refuse(""));
        };
        action.validate()?;
        let mut new = case.clone();
        let mut recorded_unit: Option<UnitId> = None;
        let mut started: Option<Stage> = None;
        match &action {
            Action::File if case.state == State::Accepted && case.source != Source::Supervisor => {
                return Err(refuse(": a report from the public must be verified first"));
            }
            Action::RequestPostpone { minutes } => {
                if case.pending_postpone.is_some() {
                    return Err(refuse(": a postponement request is already pending"));
                }
                new.pending_postpone = Some(*minutes);
            }
            Action::ApprovePostpone => {
                let Some(m) = case.pending_postpone else {
                    return Err(refuse(": no postponement request is pending"));
                };
                new.pending_postpone = None;
                new.postponed_minutes += m;
                if let Some(t) = &mut new.timer {
                    t.extension_minutes += m;
                }
            }
            Action::DenyPostpone => {
                if case.pending_postpone.is_none() {
                    return Err(refuse(": no postponement request is pending"));
                }
                new.pending_postpone = None;
            }
            Action::RequestShelve { reason } => {
                if case.pending_shelve.is_some() {
                    return Err(refuse(": a shelving request is already pending"));
                }
                new.pending_shelve = Some(reason.clone());
            }
            Action::ApproveShelve => {
                if case.pending_shelve.is_none() {
                    return Err(refuse(": no shelving request is pending"));
                }
                new.pending_shelve = None;
                if let Some(t) = &mut new.timer {
                    t.paused_since = Some(at);
                }
            }
            Action::Rate { satisfaction } => {
                if case.satisfaction.is_some() {
                    return Err(refuse(": it was already rated since it was closed"));
                }
                new.satisfaction = Some(*satisfaction);
                new.rated_at = Some(at);
            }
            Action::SelfHandle { .. } => {
                new.self_handled = true;
                new.timer = None;
            }
            Action::Dispatch { unit, reason } => {
                let resolved = self.dispatch_unit(&case, unit.as_deref(), reason.as_deref())?;
                new.unit = Some(resolved);
                // The event records where the case went, also when the duty matrix decided,
                // so an export shows it and a replay does not depend on today's matrix.
                recorded_unit = Some(resolved);
                started = Some(Stage::Handle);
            }
            Action::Return { .. } => {
                new.return_count += 1;
                new.unit = None;
                started = Some(Stage::Dispatch);
            }
            Action::Start => {
                if let Some(t) = &mut new.timer
                    && let Some(since) = t.paused_since.take()
                {
                    t.pauses.push((since, at));
                }
            }
            Action::Accept if case.source != Source::Supervisor => started = Some(Stage::Verify),
            Action::Verify { .. } | Action::Check { passed: true } | Action::Accept => {
                new.timer = None;
            }
            Action::File | Action::Reopen { .. } => {
                if matches!(action, Action::Reopen { .. }) {
                    new.reopen_count += 1;
                    new.satisfaction = None;
                    new.closing_reason = None;
                    new.closed_at = None;
                }
                started = Some(Stage::Dispatch);
            }
            Action::Handle { .. } => started = Some(Stage::Check),
            Action::Check { passed: false } => {
                new.rework_count += 1;
                new.last_rework_at = Some(at);
                started = Some(Stage::Handle);
            }
            Action::Close { reason } => {
                new.closing_reason = Some(reason.clone());
                new.closed_at = Some(at);
                new.timer = None;
                new.pending_postpone = None;
                new.pending_shelve = None;
            }
            Action::Reject { .. } | Action::Void { .. } => new.timer = None,
            Action::Supervise { .. } => new.supervised_count += 1,
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
        };
        if let Next::To(s) = next {
            new.state = s;
        }
        if matches!(new.state, State::Rejected | State::Invalid | State::Voided) {
            new.timer = None;
        }
        new.last_at = at;
        // Everything that can fail has been checked: the deadline must be computable too.
        self.deadline_of(&new)?;
        self.cases[(id - 1) as usize] = new;
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
        let seq = self
            .record(id, at, actor, EventBody::Action(action_to_record), limit)
            .seq;
        self.reschedule(id)?;
        Ok(&self.events[(seq - 1) as usize])
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

    fn grid_code(&self, case: &Case) -> &str {
        self.model.territory().area(case.grid).code.as_str()
    }

    /// Checks role and scope; returns the refusal (not yet logged).
    fn authorize(
        &self,
        actor: &Actor,
        kind: ActionKind,
        grid: AreaId,
        case: Option<&Case>,
    ) -> Result<()> {
        let org = self.model.org();
        let worker = match actor {
            Actor::Worker(id) => Some(org.worker(org.find_worker(id)?)),
            _ => None,
        };
        let denied = |reason: String| Error::PermissionDenied {
            actor: actor.to_string(),
            action: kind.to_string(),
            reason,
        };
        let party = party_of(actor, worker).map_err(|e| match e {
            Error::PermissionDenied { reason, .. } => denied(reason),
            other => other,
        })?;
        if !self.config.permissions.permits(party, kind) {
            let who = match party {
                Party::Role(r) => format!("a {r}"),
                Party::Citizen => "a citizen".to_owned(),
            };
            return Err(denied(format!("{who} is not allowed to {kind}")));
        }
        let t = self.model.territory();
        let code = t.area(grid).code.as_str();
        match (party, worker) {
            (Party::Citizen, _) => {
                if kind != ActionKind::Report && case.is_some_and(|c| &c.reporter != actor) {
                    return Err(denied("a citizen acts only on cases they reported".into()));
                }
            }
            (Party::Role(Role::Supervisor), Some(w)) => {
                if !w.grids.contains(&grid) {
                    return Err(denied(format!("grid {code} is not one of their grids")));
                }
                if kind == ActionKind::SelfHandle && case.is_some_and(|c| &c.reporter != actor) {
                    return Err(denied(
                        "only the supervisor who reported a case may self-handle it".into(),
                    ));
                }
            }
            (Party::Role(Role::Handler), Some(w)) => {
                if kind != ActionKind::Report && case.is_some_and(|c| c.unit != Some(w.unit)) {
                    return Err(denied(format!(
                        "the case is not dispatched to their unit {:?}",
                        org.unit(w.unit).id
                    )));
                }
            }
            (Party::Role(_), Some(w)) => {
                if !org.in_jurisdiction(w.unit, grid, t) {
                    return Err(denied(format!(
                        "grid {code} is outside the jurisdiction of their unit {:?}",
                        org.unit(w.unit).id
                    )));
                }
            }
            (Party::Role(_), None) => return Err(Error::unknown("worker", actor.to_string())),
        }
        Ok(())
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
        });
        &self.events[self.events.len() - 1]
    }

    /// Minutes of a limit in its own measure (working minutes or plain minutes).
    fn limit_minutes(&self, limit: TimeLimit) -> (i64, bool) {
        match limit {
            TimeLimit::Working { minutes } => (minutes, true),
            TimeLimit::WorkingDays { days } => (
                days.saturating_mul(self.model.calendar().day_length_minutes()),
                true,
            ),
            TimeLimit::Continuous { minutes } => (minutes, false),
        }
    }

    fn measure(&self, working: bool, a: Millis, b: Millis) -> Result<i64> {
        if working {
            self.model.calendar().working_between(a, b)
        } else {
            Ok(b - a)
        }
    }

    fn advance(&self, working: bool, from: Millis, ms: i64) -> Result<Millis> {
        if working {
            self.model.calendar().add_working(from, ms)
        } else {
            from.checked_add(ms)
                .ok_or_else(|| Error::invalid("deadline", from, "overflows"))
        }
    }

    fn deadline_of(&self, case: &Case) -> Result<Option<Millis>> {
        let Some(t) = &case.timer else {
            return Ok(None);
        };
        let (minutes, _) = self.limit_minutes(t.limit);
        let total = minutes
            .saturating_add(t.extension_minutes)
            .saturating_mul(crate::calendar::MINUTE_MS);
        self.instant_at_used(case, total)
    }

    /// The instant at which `used_ms` of the running timer's measure has been used (pauses
    /// excluded); `None` without a running, unpaused timer.
    fn instant_at_used(&self, case: &Case, used_ms: i64) -> Result<Option<Millis>> {
        let Some(t) = &case.timer else {
            return Ok(None);
        };
        self.timer_instant_at_used(t, used_ms)
    }

    /// The deadline of a timer (`None` while it is paused).
    pub(crate) fn timer_deadline(&self, t: &Timer) -> Result<Option<Millis>> {
        let (minutes, _) = self.limit_minutes(t.limit);
        let total = minutes
            .saturating_add(t.extension_minutes)
            .saturating_mul(crate::calendar::MINUTE_MS);
        self.timer_instant_at_used(t, total)
    }

    fn timer_instant_at_used(&self, t: &Timer, used_ms: i64) -> Result<Option<Millis>> {
        if t.paused_since.is_some() {
            return Ok(None);
        }
        let (_, working) = self.limit_minutes(t.limit);
        let mut remaining = used_ms.max(0);
        let mut cur = t.started;
        for &(ps, pe) in &t.pauses {
            let avail = self.measure(working, cur, ps)?;
            if avail >= remaining {
                return self.advance(working, cur, remaining).map(Some);
            }
            remaining -= avail;
            cur = pe;
        }
        self.advance(working, cur, remaining).map(Some)
    }

    fn is_working(limit: TimeLimit) -> bool {
        !matches!(limit, TimeLimit::Continuous { .. })
    }

    fn limit_ms(&self, limit: TimeLimit) -> i64 {
        self.limit_minutes(limit)
            .0
            .saturating_mul(crate::calendar::MINUTE_MS)
    }

    /// Moves `from` forward by `d` in `d`'s own measure; a zero working-time step lands on the
    /// next working instant, so that working-time triggers never fall outside office hours.
    fn step(&self, from: Millis, d: TimeLimit, times: u32) -> Result<Millis> {
        let ms = self.limit_ms(d).saturating_mul(i64::from(times));
        if Engine::is_working(d) {
            if ms == 0 {
                return self.model.calendar().next_working(from);
            }
            self.model.calendar().add_working(from, ms)
        } else {
            from.checked_add(ms)
                .ok_or_else(|| Error::invalid("escalation instant", from, "overflows"))
        }
    }

    /// The occurrence key and base instant of a rule's trigger on a case, if it is armed.
    fn trigger_base(&self, case: &Case, rule: &EscalationRule) -> Result<Option<(u32, Millis)>> {
        match rule.trigger {
            Trigger::Rework(n) => Ok(case
                .last_rework_at
                .filter(|_| case.rework_count >= n && case.state.is_open())
                .map(|t| (0, t))),
            Trigger::Unsatisfied(n) => Ok(case
                .rated_at
                .filter(|_| case.satisfaction.is_some_and(|s| s <= n))
                .map(|t| (case.reopen_count, t))),
            Trigger::Share(_) | Trigger::Before(_) | Trigger::After(_) | Trigger::Overdue => {
                let Some(timer) = &case.timer else {
                    return Ok(None);
                };
                if timer.paused_since.is_some() || !rule.applies_to_stage(timer.stage) {
                    return Ok(None);
                }
                let (minutes, _) = self.limit_minutes(timer.limit);
                let total = minutes
                    .saturating_add(timer.extension_minutes)
                    .saturating_mul(crate::calendar::MINUTE_MS);
                let base = match rule.trigger {
                    Trigger::Share(f) => {
                        self.instant_at_used(case, (total as f64 * f).round() as i64)?
                    }
                    Trigger::Before(d)
                        if Engine::is_working(d) == Engine::is_working(timer.limit) =>
                    {
                        self.instant_at_used(case, total - self.limit_ms(d))?
                    }
                    Trigger::Before(d) => self
                        .deadline_of(case)?
                        .map(|dl| dl.saturating_sub(self.limit_ms(d))),
                    Trigger::Overdue => self.deadline_of(case)?,
                    Trigger::After(d) => match self.deadline_of(case)? {
                        Some(dl) => Some(self.step(dl, d, 1)?),
                        None => None,
                    },
                    _ => None,
                };
                Ok(base.map(|b| (case.runs, b)))
            }
        }
    }

    /// The next firing of `rule` on `case`: (occurrence, firing number from 1, instant).
    fn next_firing(&self, case: &Case, rule_index: u32) -> Result<Option<(u32, u32, Millis)>> {
        let rule = &self.config.rules[rule_index as usize];
        // Cheap tests first: most rules are not armed on most cases.
        let armed = match rule.trigger {
            Trigger::Unsatisfied(n) => case.satisfaction.is_some_and(|s| s <= n),
            Trigger::Rework(n) => case.state.is_open() && case.rework_count >= n,
            _ => {
                case.state.is_open()
                    && case
                        .timer
                        .as_ref()
                        .is_some_and(|t| t.paused_since.is_none() && rule.applies_to_stage(t.stage))
            }
        };
        if !armed {
            return Ok(None);
        }
        // A trigger occurrence that has fired all it may needs no further work.
        let occurrence = occurrence_of(case, rule);
        if case
            .fired
            .get(rule_index)
            .is_some_and(|(occ, n)| occ == occurrence && n >= rule.max_firings())
        {
            return Ok(None);
        }
        // The category test needs a catalog look-up: only rules that name categories pay it.
        if !rule.categories.is_empty() {
            let key = &self.model.catalog().get(&case.category)?.key;
            if !rule.categories.iter().any(|p| p.matches(key)) {
                return Ok(None);
            }
        }
        let territory = self.model.territory();
        if !(rule.areas.is_empty()
            || rule
                .areas
                .iter()
                .any(|a| territory.is_within(case.grid, *a)))
            || !(rule.urgency.is_empty() || rule.urgency.iter().any(|u| **u == *case.urgency))
        {
            return Ok(None);
        }
        let Some((occurrence, base)) = self.trigger_base(case, rule)? else {
            return Ok(None);
        };
        let done = match case.fired.get(rule_index) {
            Some((occ, n)) if occ == occurrence => n,
            _ => 0,
        };
        if done >= rule.max_firings() {
            return Ok(None);
        }
        let at = match (done, rule.repeat) {
            (0, _) => base,
            (n, Some((every, _))) => self.step(base, every, n)?,
            (_, None) => return Ok(None),
        };
        Ok(Some((occurrence, done + 1, at)))
    }

    /// Recomputes the queue entries of a case after it changed.
    fn reschedule(&mut self, id: CaseId) -> Result<()> {
        if self.config.rules.is_empty() {
            return Ok(());
        }
        let idx = (id - 1) as usize;
        self.generation[idx] = self.generation[idx].wrapping_add(1);
        let generation = self.generation[idx];
        // One entry per case: its earliest next firing (firing it schedules the next one).
        let mut earliest: Option<(Millis, u32)> = None;
        for r in 0..self.config.rules.len() as u32 {
            if let Some((_, _, at)) = self.next_firing(&self.cases[idx], r)?
                && earliest.is_none_or(|(b, _)| at < b)
            {
                earliest = Some((at, r));
            }
        }
        let armed = u32::from(earliest.is_some());
        if let Some((at, r)) = earliest {
            self.enqueue(at, id, r, generation);
        }
        if self.live_of_case.len() <= idx {
            self.live_of_case.resize(idx + 1, 0);
        }
        self.live = self.live - self.live_of_case[idx] as usize + armed as usize;
        self.live_of_case[idx] = armed;
        // Entries of earlier generations stay queued until their bucket is swept; rebuild the
        // queue when they outnumber the live ones, so memory stays proportional to what is
        // armed.
        if self.queued > 4 * self.live + 65_536 {
            self.rebuild_queue()?;
        }
        Ok(())
    }

    fn enqueue(&mut self, at: Millis, id: CaseId, r: u32, generation: u32) {
        self.queue
            .entry(at.div_euclid(crate::calendar::MINUTE_MS))
            .or_default()
            .push((at, id, r, generation));
        self.queued += 1;
    }

    /// Rebuilds the escalation queue from the cases (drops stale entries).
    fn rebuild_queue(&mut self) -> Result<()> {
        let mut due = Vec::new();
        for (idx, case) in self.cases.iter().enumerate() {
            if !case.state.is_open() && case.satisfaction.is_none() {
                continue;
            }
            let mut earliest: Option<(Millis, u32)> = None;
            for r in 0..self.config.rules.len() as u32 {
                if let Some((_, _, at)) = self.next_firing(case, r)?
                    && earliest.is_none_or(|(b, _)| at < b)
                {
                    earliest = Some((at, r));
                }
            }
            if let Some((at, r)) = earliest {
                due.push((at, case.id, r, self.generation[idx]));
            }
        }
        self.queue.clear();
        self.queued = 0;
        self.live = due.len();
        self.live_of_case = vec![0; self.cases.len()];
        for (at, id, r, g) in due {
            self.live_of_case[(id - 1) as usize] += 1;
            self.enqueue(at, id, r, g);
        }
        Ok(())
    }

    /// The occurrence and firing number of a queued firing whose case is unchanged: the
    /// case's fired map gives them without evaluating the trigger again.
    fn queued_firing(&self, id: CaseId, r: u32, at: Millis) -> Result<(u32, u32)> {
        let case = &self.cases[(id - 1) as usize];
        let occurrence = occurrence_of(case, &self.config.rules[r as usize]);
        let done = match case.fired.get(r) {
            Some((occ, n)) if occ == occurrence => n,
            _ => 0,
        };
        debug_assert_eq!(
            self.next_firing(case, r)?,
            Some((occurrence, done + 1, at)),
            "a queued entry of a current generation is the rule's next firing"
        );
        Ok((occurrence, done + 1))
    }

    /// Fires, in time order, every escalation due at or before `now` (of one case, or of all).
    fn fire_due(&mut self, only: Option<CaseId>, now: Millis) -> Result<usize> {
        let mut fired = 0;
        if let Some(id) = only {
            // One case: compute its due firings directly (the queue keeps the others).
            loop {
                let case = &self.cases[(id - 1) as usize];
                let mut best: Option<(Millis, u32, u32, u32)> = None;
                for r in 0..self.config.rules.len() as u32 {
                    if let Some((occ, n, at)) = self.next_firing(case, r)?
                        && at <= now
                        && best.is_none_or(|(b, ..)| at < b)
                    {
                        best = Some((at, r, occ, n));
                    }
                }
                let Some((at, r, occ, n)) = best else { break };
                self.fire(id, r, at, occ, n)?;
                fired += 1;
            }
            return Ok(fired);
        }
        let last_bucket = now.div_euclid(crate::calendar::MINUTE_MS);
        while let Some(entry) = self.queue.first_entry() {
            if *entry.key() > last_bucket {
                break;
            }
            let bucket = *entry.key();
            let mut entries = entry.remove();
            self.queued -= entries.len();
            // Entries of cases changed since they were scheduled are stale: drop them before
            // ordering the rest (mostly enqueued in time order already).
            entries
                .retain(|&(_, id, _, generation)| self.generation[(id - 1) as usize] == generation);
            if !entries.is_sorted() {
                entries.sort_unstable();
            }
            let later = entries.split_off(entries.partition_point(|e| e.0 <= now));
            // After `retain`, each case has at most one entry here and a firing changes only
            // its own case, so every case is as it was when its entry was computed (same
            // generation): the entry is its rule's next firing; debug builds (the tests) check it.
            for (at, id, r, _) in entries {
                let (occ, n) = self.queued_firing(id, r, at)?;
                self.fire(id, r, at, occ, n)?;
                fired += 1;
            }
            if !later.is_empty() {
                self.queued += later.len();
                let rest = self.queue.entry(bucket).or_default();
                rest.extend(later);
                // Firings scheduled just now into this minute may still be due.
                if !rest.iter().any(|e| e.0 <= now) {
                    break;
                }
            }
        }
        Ok(fired)
    }

    /// Fires rule `r` on case `id` at `at` (its `firing`-th firing of trigger occurrence
    /// `occurrence`, as [`Engine::next_firing`] gave them) and records it.
    fn fire(&mut self, id: CaseId, r: u32, at: Millis, occurrence: u32, firing: u32) -> Result<()> {
        let idx = (id - 1) as usize;
        let rule = &self.config.rules[r as usize];
        let unit = self.cases[idx].unit;
        let unit_id = |u: UnitId| Arc::clone(&self.unit_ids[u.index()]);
        let target = match &rule.action {
            EscalationAction::Warn(_) => self.rule_targets[r as usize].clone(),
            EscalationAction::Notify(None) => unit.map(unit_id),
            EscalationAction::Notify(Some(u)) | EscalationAction::Reassign(u) => Some(unit_id(*u)),
            EscalationAction::Escalate(n) => {
                unit.map(|u| unit_id(self.model.org().escalate(u, *n as usize)))
            }
            EscalationAction::Supervise => None,
        };
        let action = rule.action.clone();
        let case = &mut self.cases[idx];
        match action {
            EscalationAction::Supervise => case.supervised_count += 1,
            EscalationAction::Reassign(u) => case.unit = Some(u),
            _ => {}
        }
        case.fired.insert(r, (occurrence, firing));
        case.last_at = case.last_at.max(at);
        let body = EventBody::Escalation(Firing {
            rule: r,
            firing,
            label: Arc::clone(&self.rule_labels[r as usize]),
            target,
        });
        self.record(id, at, Actor::System, body, None);
        self.reschedule(id)
    }

    /// Fires every escalation due at or before `now`, in time order, records each as an event
    /// (actor: the system) and returns them. Idempotent: a second sweep at the same instant fires
    /// nothing; a late sweep fires each missed trigger once, at its own instant. It takes the
    /// due minute-buckets of a queue kept up to date by every action, so it costs
    /// O(due + buckets × log n), not a scan of the open cases. Returns the recorded events.
    ///
    /// # Errors
    /// [`Error::CalendarRange`] when a trigger instant falls outside the calendar.
    pub fn sweep(&mut self, now: Millis) -> Result<&[Event]> {
        check_instant(now)?;
        let start = self.events.len();
        self.fire_due(None, now)?;
        Ok(&self.events[start..])
    }

    /// The same answer as [`Engine::sweep`] computed by scanning every case (for tests and the
    /// benchmark that compares the two).
    ///
    /// # Errors
    /// As [`Engine::sweep`].
    pub fn sweep_by_scan(&mut self, now: Millis) -> Result<&[Event]> {
        check_instant(now)?;
        let start = self.events.len();
        for id in 1..=self.cases.len() as CaseId {
            self.fire_due(Some(id), now)?;
        }
        Ok(&self.events[start..])
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
        let history: Vec<Value> = eng
            .history(id)?
            .into_iter()
            .map(|e| Engine::event_json(e, false))
            .collect();
        Ok(json!({
            "id": c.id,
            "state": c.state,
            "open": c.state.is_open(),
            "category": &*c.category,
            "urgency": &*c.urgency,
            "grid": t.area(c.grid).code.as_str(),
            "unit": c.unit.map(|u| org.unit(u).id.as_str()),
            "source": c.source,
            "reporter": c.reporter,
            "reported_at": c.reported_at,
            "last_at": c.last_at,
            "stage": c.timer.as_ref().map(|t| t.stage.as_str()),
            "limit": c.timer.as_ref().map(|t| t.limit.to_string()),
            "paused": c.timer.as_ref().is_some_and(|t| t.paused_since.is_some()),
            "deadline": eng.deadline(id)?,
            "light": light,
            "rework_count": c.rework_count,
            "return_count": c.return_count,
            "reopen_count": c.reopen_count,
            "supervised_count": c.supervised_count,
            "postponed_minutes": c.postponed_minutes,
            "pending_postpone": c.pending_postpone,
            "pending_shelve": c.pending_shelve,
            "satisfaction": c.satisfaction,
            "closing_reason": c.closing_reason,
            "closed_at": c.closed_at,
            "self_handled": c.self_handled,
            "history": history,
        }))
    }

    /// The deadline of the case's running stage: `None` when no stage with a limit is running
    /// or the clock is stopped (shelved).
    ///
    /// # Errors
    /// [`Error::Unknown`] for an unknown case; [`Error::CalendarRange`].
    pub fn deadline(&self, id: CaseId) -> Result<Option<Millis>> {
        self.deadline_of(self.case(id)?)
    }

    /// The light of a case at `now`: `None` when no timed stage is running (closed, final,
    /// shelved, or between untimed stages).
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
        let (Some(t), Some(deadline)) = (&case.timer, self.deadline_of(case)?) else {
            return Ok(None);
        };
        if now >= deadline {
            return Ok(Some(Light::Red));
        }
        let (minutes, working) = self.limit_minutes(t.limit);
        let total = minutes.saturating_add(t.extension_minutes) as f64 * 60_000.0;
        let mut used = self.measure(working, t.started, now.max(t.started))? as f64;
        for &(ps, pe) in &t.pauses {
            used -= self.measure(working, ps, pe.min(now).max(ps))? as f64;
        }
        if total > 0.0 && used / total >= self.config.yellow_share {
            return Ok(Some(Light::Yellow));
        }
        if let Some(before) = self.config.yellow_before_minutes {
            let left = self.measure(working, now, deadline)?;
            if left <= before.saturating_mul(60_000) {
                return Ok(Some(Light::Yellow));
            }
        }
        Ok(Some(Light::Green))
    }

    /// Rebuilds an engine from its events: each is applied again, with every check, and with
    /// the stage limits recorded in the events (policy snapshots).
    ///
    /// # Errors
    /// The first event that does not apply, as [`Error::InvalidValue`] naming its `seq`, with
    /// the reason.
    pub fn replay(model: Arc<Model>, events: &[Event]) -> Result<Engine> {
        let config = model.engine_config().clone();
        Engine::replay_with_config(model, config, events)
    }

    /// [`Engine::replay`] with an explicit configuration.
    ///
    /// # Errors
    /// As [`Engine::replay`].
    pub fn replay_with_config(
        model: Arc<Model>,
        config: EngineConfig,
        events: &[Event],
    ) -> Result<Engine> {
        let mut eng = Engine::with_config(model, config);
        eng.replaying = true;
        for (i, e) in events.iter().enumerate() {
            let bad = |reason: String| Error::invalid(format!("events[{i}]"), e.seq, reason);
            if e.seq != i as u64 + 1 {
                return Err(bad(format!(
                    "sequence number {} where {} was expected",
                    e.seq,
                    i + 1
                )));
            }
            match &e.body {
                EventBody::Report(r) => {
                    let id = eng
                        .report(e.actor.clone(), e.at, (**r).clone())
                        .map_err(|err| bad(err.to_string()))?;
                    if id != e.case {
                        return Err(bad(format!(
                            "report creates case {id}, the event says {}",
                            e.case
                        )));
                    }
                }
                EventBody::Action(a) => {
                    eng.act_with_limit(e.case, e.actor.clone(), e.at, a.clone(), e.limit)
                        .map_err(|err| bad(err.to_string()))?;
                }
                EventBody::Escalation(f) => {
                    eng.case(e.case).map_err(|err| bad(err.to_string()))?;
                    let expected = eng
                        .next_firing(&eng.cases[(e.case - 1) as usize], f.rule)
                        .ok()
                        .flatten()
                        .filter(|(_, _, _)| (f.rule as usize) < eng.config.rules.len());
                    match expected {
                        Some((occ, n, _)) if n == f.firing => {
                            eng.fire(e.case, f.rule, e.at, occ, n)
                                .map_err(|err| bad(err.to_string()))?;
                            let got = &eng.events[eng.events.len() - 1];
                            if got.body != e.body {
                                return Err(bad(
                                    "the escalation differs from what the rules give".into()
                                ));
                            }
                        }
                        _ => {
                            return Err(bad(format!(
                                "escalation rule {} is not due on case {}",
                                f.rule, e.case
                            )));
                        }
                    }
                }
            }
        }
        eng.replaying = false;
        Ok(eng)
    }

    /// Rebuilds an engine from exported JSON lines: when the lines carry `hash` members the
    /// audit chain is verified first ([`crate::audit::verify_json_lines`]), then the events are
    /// replayed with every check ([`Engine::replay`]).
    ///
    /// # Errors
    /// The first broken link of the chain; then as [`Engine::events_from_json_lines`] and
    /// [`Engine::replay`].
    pub fn replay_json_lines(model: Arc<Model>, text: &str) -> Result<Engine> {
        if text.lines().any(|l| l.contains("\"hash\"")) {
            crate::audit::verify_json_lines(text)?;
        }
        Engine::replay(model, &Engine::events_from_json_lines(text)?)
    }

    /// One event as a JSON object of the documented schema. `with_contact` includes the
    /// citizen contact of report events.
    pub fn event_json(event: &Event, with_contact: bool) -> Value {
        let mut m = Map::new();
        m.insert("v".into(), json!(EVENT_SCHEMA_VERSION));
        m.insert("seq".into(), json!(event.seq));
        m.insert("case".into(), json!(event.case));
        m.insert("at".into(), json!(event.at));
        m.insert(
            "actor".into(),
            serde_json::to_value(&event.actor).unwrap_or(Value::Null),
        );
        let body = match &event.body {
            EventBody::Report(r) => {
                let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
                if let Value::Object(o) = &mut v {
                    // The digest always stands for the contact (so exports with and without
                    // it, and their replays, agree); the contact itself only on request.
                    if let Some(c) = &r.contact {
                        o.insert(
                            "contact_sha256".into(),
                            json!(crate::audit::contact_digest(c)),
                        );
                        if !with_contact {
                            o.remove("contact");
                        }
                    }
                    o.insert("action".into(), json!("report"));
                }
                v
            }
            EventBody::Action(a) => serde_json::to_value(a).unwrap_or(Value::Null),
            EventBody::Escalation(f) => {
                let mut v = serde_json::to_value(f).unwrap_or(Value::Null);
                if let Value::Object(o) = &mut v {
                    o.insert("action".into(), json!("escalate"));
                }
                v
            }
        };
        if let Value::Object(o) = body {
            m.extend(o);
        }
        if let Some(l) = event.limit {
            m.insert("limit".into(), json!(l.to_string()));
        }
        Value::Object(m)
    }

    /// Reads one event from its JSON object.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the bad member.
    pub fn event_from_json(value: Value) -> Result<Event> {
        let Value::Object(mut m) = value else {
            return Err(Error::invalid(
                "event",
                "(not an object)",
                "an event is a JSON object",
            ));
        };
        m.remove("hash");
        if m.contains_key("contact") {
            m.remove("contact_sha256"); // derived from the contact itself
        }
        let mut take = |k: &str| m.remove(k);
        let version = take("v").and_then(|v| v.as_u64());
        if version != Some(u64::from(EVENT_SCHEMA_VERSION)) {
            return Err(Error::invalid(
                "event.v",
                format!("{version:?}"),
                format!("this library reads event schema version {EVENT_SCHEMA_VERSION}"),
            ));
        }
        let int = |v: Option<Value>, k: &str| -> Result<i64> {
            v.as_ref().and_then(Value::as_i64).ok_or_else(|| {
                Error::invalid(format!("event.{k}"), format!("{v:?}"), "must be an integer")
            })
        };
        let seq = int(take("seq"), "seq")?;
        let case = int(take("case"), "case")?;
        let at = int(take("at"), "at")?;
        let actor: Actor = serde_json::from_value(take("actor").unwrap_or(Value::Null))
            .map_err(|e| Error::invalid("event.actor", "?", e.to_string()))?;
        let limit = match take("limit") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.parse::<TimeLimit>()?),
            Some(other) => return Err(Error::invalid("event.limit", other, "must be a string")),
        };
        let name = m.get("action").and_then(Value::as_str).map(str::to_owned);
        let body = if name.as_deref() == Some("escalate") {
            m.remove("action");
            EventBody::Escalation(
                serde_json::from_value(Value::Object(m))
                    .map_err(|e| Error::invalid("event", "escalate", e.to_string()))?,
            )
        } else if name.as_deref() == Some("report") {
            m.remove("action");
            EventBody::Report(Box::new(
                serde_json::from_value(Value::Object(m))
                    .map_err(|e| Error::invalid("event", "report", e.to_string()))?,
            ))
        } else {
            EventBody::Action(Action::from_json(Value::Object(m))?)
        };
        let (Ok(seq), Ok(case)) = (u64::try_from(seq), u64::try_from(case)) else {
            return Err(Error::invalid("event.seq", seq, "must not be negative"));
        };
        Ok(Event {
            seq,
            case,
            at,
            actor,
            body,
            limit,
        })
    }

    /// All events as JSON lines. Contact data is included only when `viewer` is a worker whose
    /// role may see it ([`CONTACT_ROLES`]).
    ///
    /// # Errors
    /// [`Error::PermissionDenied`] when a viewer is given who may not see contact data.
    pub fn events_json_lines(&self, viewer: Option<&Actor>) -> Result<String> {
        let with_contact = match viewer {
            None => false,
            Some(v) => {
                self.may_see_contact(v)?;
                true
            }
        };
        let mut out = String::new();
        let mut prev = crate::audit::GENESIS;
        for e in &self.events {
            prev = crate::audit::link(&prev, &crate::audit::canonical(e));
            let mut v = Engine::event_json(e, with_contact);
            if let Value::Object(o) = &mut v {
                o.insert("hash".into(), json!(crate::audit::hex(&prev)));
            }
            out.push_str(&v.to_string());
            out.push('\n');
        }
        Ok(out)
    }

    /// Checks the engine's own hash chain (its export verified by
    /// [`crate::audit::verify_json_lines`]) and returns the head of the chain. Recorded events
    /// are immutable in memory, so this mainly gives the head to keep; the check that finds
    /// tampering runs on stored exports ([`crate::audit::verify_json_lines`]).
    ///
    /// # Errors
    /// As [`crate::audit::verify_json_lines`].
    pub fn verify(&self) -> Result<crate::audit::Verified> {
        crate::audit::verify_json_lines(&self.events_json_lines(None)?)
    }

    fn may_see_contact(&self, viewer: &Actor) -> Result<()> {
        let org = self.model.org();
        if let Actor::Worker(id) = viewer {
            let w = org.worker(org.find_worker(id)?);
            if CONTACT_ROLES.contains(&w.role) {
                return Ok(());
            }
        }
        Err(Error::PermissionDenied {
            actor: viewer.to_string(),
            action: "see citizen contact data".into(),
            reason: "only acceptors, shift leaders and managers may".into(),
        })
    }

    /// Parses JSON lines written by [`Engine::events_json_lines`] (blank lines are skipped).
    ///
    /// # Errors
    /// [`Error::Parse`] or [`Error::InvalidValue`] naming the line number.
    pub fn events_from_json_lines(text: &str) -> Result<Vec<Event>> {
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let v: Value = serde_json::from_str(line).map_err(|e| Error::Parse {
                format: "JSON",
                message: format!("line {}: {e}", i + 1),
            })?;
            out.push(
                Engine::event_from_json(v).map_err(|e| {
                    Error::invalid(format!("line {}", i + 1), "event", e.to_string())
                })?,
            );
        }
        Ok(out)
    }
}
