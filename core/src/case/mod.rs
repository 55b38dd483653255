//! Cases and the lifecycle state machine: what a case is ([`Case`]), who acts ([`Actor`]),
//! what they report ([`Report`]) and do ([`Action`]), and which action may move a case from
//! which state ([`transition`]). The names of the states and actions are in
//! [`crate::lifecycle`] (re-exported here); how a case's stage is timed is
//! [`crate::engine`]'s `timers`; what the engine records is [`crate::event`].
//!
//! # The state machine
//!
//! One table, [`transition`], says which action may move a case from which state and where to.
//! Actions that do not change the state (supervise, postponement and shelving requests,
//! decisions on postponements, ratings) are listed there too, with the states they are allowed
//! in. Everything else is refused with [`Error::InvalidTransition`].
//!
//! | from | action | to |
//! |---|---|---|
//! | (new) | report | reported — acceptance (受理) is timed from the report |
//! | reported | accept | accepted — then verification, or filing for a source not verified |
//! | reported | reject (reason) | rejected (final) |
//! | reported | `self_handle` (result) | checked — a supervisor fixed it on the spot (自行处置) |
//! | accepted | verify (valid = true) | verified |
//! | accepted | verify (valid = false) | invalid (final) |
//! | accepted | file | filed — only for reports whose source is not verified (`[engine] verified_sources`) |
//! | accepted, verified | void (reason) | voided (final): the shift leader's decision not to file (作废/不予立案) |
//! | filed and after, open | void | refused: a filed case is voided only on approval |
//! | filed and after, open | `request_void` (cause, reason) | unchanged; one request pending at a time |
//! | (a void pending) | `approve_void` | voided (final; the cause and reason are kept) |
//! | (a void pending) | `deny_void` | unchanged |
//! | verified | file | filed (立案) |
//! | filed, returned | dispatch (unit) | dispatched (派遣) |
//! | dispatched, handling | `request_return` (cause, reason) | unchanged; one request pending at a time |
//! | (a return pending) | `approve_return` | returned (回退): back to the centre for dispatch |
//! | (a return pending) | `deny_return` | unchanged; the unit keeps the case |
//! | dispatched, handling | return (reason) | refused: a return needs approval (read back from journals written before approvals) |
//! | dispatched, shelved | start | handling |
//! | dispatched, handling | handle (result) | handled (反馈) — refused while a co-handler has not fed back, when the model requires it (`[engine] co_feedback_required`, default true) |
//! | dispatched, handling | subdispatch (unit) | unchanged; passed on to a sub-unit (二级派遣), on the same deadline |
//! | dispatched, handling | `co_dispatch` (unit) | unchanged; the unit becomes a co-handler (协办) |
//! | dispatched, handling, handled | `co_feedback` (result) | unchanged; that co-handler's feedback (once per co-handler) |
//! | handled | check (passed = true) | checked (核查) |
//! | handled | check (passed = false) | dispatched — rework (返工), on the handling deadline it failed (the bundle deadline) unless `[engine] rework = "restart"` |
//! | checked, shelved | close (reason) | closed (结案; the reason is kept: closed ≠ fixed) |
//! | closed | reopen (reason) | filed |
//! | dispatched, handling | `request_postpone` (minutes) | unchanged; one request pending at a time |
//! | (a postponement pending) | `approve_postpone` / `deny_postpone` | unchanged; approval moves the deadline |
//! | dispatched, handling | `request_shelve` (reason) | unchanged; one request pending at a time |
//! | (a shelving pending) | `approve_shelve` | shelved (挂账: the clock stops) |
//! | closed | rate (satisfaction 1–5) | unchanged; once per closing |
//! | any open state | supervise (note, level) | unchanged; issues a 督办 order (one unanswered at a time) |
//! | (an order unanswered) | reply (note) | unchanged; the order is answered |
//! | checked (a public report) | callback (satisfaction 1–5) | unchanged (回访 before closing); dispatched for redo when the rating is below `[engine.callback] satisfied` and the model has `redo = true` |
//!
//! Final states: rejected, invalid, voided. A closed case is not final (it can be reopened).
//!
//! # Returns and voids are approved
//!
//! **回退 (return)**: the unit asks for it with a cause ([`ReturnCause`]: wrong unit, outside its
//! duty, other) and a reason; the shift leader approves or denies (`[engine.permissions]` may
//! add the manager, who approves the other returns in the source below); only an approved return
//! sends the case back to the centre for dispatch (the `dispatch` stage starts). A unit's own
//! `return`, without approval, is refused ([`crate::Error::InvalidTransition`] naming the case
//! and the action); it is still read back from journals written before approvals existed.
//!
//! **作废 (void) after filing**: the shift leader asks for it with a cause ([`VoidCause`]:
//! duplicate, outside city management, problem gone) and a reason; the manager approves or
//! denies; the approved void ends the case (voided, final) with the cause and reason kept. A
//! `void` of a filed case without approval is refused likewise. Before filing, `void` stays the
//! shift leader's own decision not to file.
//!
//! Source: a 数字城管 centre's notice on the approval of 延期, 回退 and 挂账 (2014): a return for
//! a dispatch error goes back only after the shift leader (值班长) confirms it, other returns need
//! the unit's signed request and the centre leader's approval; voiding a filed case (duplicate,
//! outside city management, problem gone) is approved likewise, with the reason kept (gathered
//! in the project's domain facts, §11). Scoring: an approved "wrong unit" return is the
//! dispatcher's error, other returns are not; a void for a problem gone after filing is
//! justified and not the shift leader's filing error ([`crate::score`]).
//!
//! # Two-level and joint dispatch
//!
//! Systems record a first and a second unit (the department and its sub-unit), and cases
//! needing several departments go to a lead unit (主办) with co-handlers (协办) (domain facts
//! §11, from public 数字城管 system descriptions).
//!
//! **Second-level dispatch (二级派遣)**: a handler of the unit the case is dispatched to may pass
//! it on (`subdispatch`) to a **sub-unit**: a unit whose chain of parents (`parent` in the
//! model's `[[units]]`) reaches that unit, at any depth (a district 环卫所 under the city's
//! 环卫 centre, a team under the 所). A handler of the second-level unit may pass it on again,
//! to a sub-unit of its own. Anything else is refused ([`crate::Error::InvalidValue`] naming the
//! case, the target and the unit holding the case); a handler of a unit that does not hold the
//! case is refused by the access rules ([`crate::access`]). The case stays the first unit's
//! (its `unit`, the one the centre dispatched to and scores), and `second_unit` is the last
//! unit it was passed on to; handlers of both may act on it. Passing on does **not** restart
//! the handling deadline: the centre gave the first unit one deadline for the disposal (the
//! bundle deadline, 捆绑时限); how the unit organises its work inside does not buy it time, or a
//! unit could reset its clock by passing cases down. Only approved postponements move it.
//!
//! **Joint dispatch (主办/协办)**: after dispatching a case (to its lead unit), the dispatcher
//! names co-handlers one by one (`co_dispatch`, at the same instant or later while the case is
//! being handled). Each co-handler gives its own feedback (`co_feedback`, once), on time when
//! by the case's handling deadline. By default (`[engine] co_feedback_required = true`) the
//! lead's feedback (`handle`) is **refused** while a co-handler has not fed back, with an
//! [`crate::Error::InvalidValue`] naming the case and the missing co-handlers: in hotline
//! practice the lead answers for the whole case and gathers the co-handlers' opinions before
//! it replies, so a feedback without them would be incomplete. The engine refuses rather than
//! waits: an action either happens or is refused, and a lead feedback held back invisibly would
//! make the handling time lie. With `co_feedback_required = false` the lead's feedback alone
//! handles the case, and co-handlers may still feed back after it. A failed check sends the
//! case back to the lead (and its second-level unit), on the same deadline as any rework; the
//! co-handlers' feedback stands (the check judged the lead's disposal; a co-handler is not
//! asked to repeat a part nobody found wanting). An approved return (回退), a new dispatch or
//! a reassignment by escalation clears the second-level unit and the co-handlers: the case
//! starts over at its new unit.
//!
//! # Every node is timed
//!
//! Every open state runs a stage timer ([`Timer`], with a limit from the catalog:
//! [`crate::catalog::Stage`]), so every open case has a deadline, a light and escalation
//! triggers — a report nobody accepts is overdue like any other stage. Practice: acceptance,
//! verification, filing, dispatch, handling, check and closing each have a time limit in
//! public 数字城管 systems (their per-node limits, e.g. "核实时限"), and the to-do queues 待受理,
//! 待立案, 待派遣, 待核查, 待结案 are watched like the departments' handling.
//!
//! | state | running stage |
//! |---|---|
//! | reported | `accept` |
//! | accepted | `verify` when the source is verified, else `file` |
//! | verified | `file` |
//! | filed, returned | `dispatch` |
//! | dispatched, handling | `handle` (paused while shelved) |
//! | handled | `check` |
//! | checked | `close` |
//! | closed and final states | none |
//!
//! **Verification depends on the source** ([`crate::policy::EngineConfig::verifies`]): by
//! default public (hotline, app) and media reports are verified on site, and supervisors',
//! leaders' and sensors' reports are filed straight away — as a city's 数字城管 handbook (桂林)
//! describes, where referrals from higher authorities and leaders' instructions are filed and
//! dispatched directly by the centre.
//!
//! **Rework keeps the original deadline** by default ([`crate::policy::Rework`]): a failed
//! check resumes the handling run it failed, with its deadline (the bundle deadline, 捆绑时限,
//! against which eGova-style statistics judge the final disposal), its approved postponements
//! and the escalations armed on it; only an approved postponement moves it. A clock restarted at
//! every rework lets a unit feed back a sham fix late and still be on time.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::calendar::{Millis, TimeLimit};
use crate::catalog::Stage;
use crate::error::{Error, Result};
use crate::org::UnitId;
use crate::territory::AreaId;

pub use crate::lifecycle::{ActionKind, State};

mod action;

pub use action::{Action, ReturnCause, SuperviseLevel, VoidCause};

/// Identifier of a case: its position in the engine, from 1.
pub type CaseId = u64;

/// Urgency is one of the catalog's urgency ids (`"urgent"`, `"normal"` by default).
pub type Urgency = String;

/// The channel a report came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A supervisor (grid worker) on patrol.
    #[default]
    Supervisor,
    /// The 12345 (or 12319) hotline.
    Hotline,
    /// A citizen app or mini-program.
    App,
    /// Media.
    Media,
    /// A leader's referral.
    Leader,
    /// A sensor or video AI alert.
    Sensor,
}

impl Source {
    /// Every channel, in declaration order (`Source::ALL[s as usize] == s`).
    pub const ALL: [Source; 6] = [
        Source::Supervisor,
        Source::Hotline,
        Source::App,
        Source::Media,
        Source::Leader,
        Source::Sensor,
    ];

    /// The `snake_case` name, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Supervisor => "supervisor",
            Source::Hotline => "hotline",
            Source::App => "app",
            Source::Media => "media",
            Source::Leader => "leader",
            Source::Sensor => "sensor",
        }
    }

    /// The channel of a `snake_case` name.
    pub fn parse(name: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// `true` for channels through which the public reports (used for the public-report share).
    pub fn is_public(self) -> bool {
        matches!(self, Source::Hotline | Source::App | Source::Media)
    }
}

/// Who performs an action.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// A worker of the model, by id.
    Worker(Arc<str>),
    /// A citizen, by an id the host system assigns (phone hash, account id).
    Citizen(Arc<str>),
    /// The engine itself (escalation sweeps).
    System,
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Worker(id) => write!(f, "worker {id:?}"),
            Actor::Citizen(id) => write!(f, "citizen {id:?}"),
            Actor::System => f.write_str("the system"),
        }
    }
}

/// Where a problem was seen, when the reporter gives a point instead of a grid.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Point {
    /// Longitude in degrees.
    pub lon: f64,
    /// Latitude in degrees.
    pub lat: f64,
    /// The coordinate system of the point (default WGS-84).
    #[serde(default)]
    pub crs: crate::spatial::Crs,
}

/// A new problem report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// Leaf category key, e.g. `"C0101"`.
    pub category: Arc<str>,
    /// Unit-grid code; may be left empty when `point` is given (the engine locates the grid on
    /// the model's boundaries and records it).
    #[serde(default)]
    pub grid: Arc<str>,
    /// A point instead of (or as well as) the grid code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point: Option<Point>,
    /// Urgency id of the catalog; the catalog's default when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgency: Option<String>,
    /// Channel.
    #[serde(default)]
    pub source: Source,
    /// Free text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Citizen contact data (PII): kept out of exports unless asked for by an allowed role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// Hex SHA-256 of contact data that an export left out (set when events are read back from
    /// such an export, so the audit chain still verifies); never given with a new report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_sha256: Option<String>,
}

impl Report {
    /// Parses a report from its JSON object (`{"category": ..., "grid": ...}`).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] for a non-object, a missing, unknown or mistyped field.
    pub fn from_json(value: serde_json::Value) -> Result<Report> {
        if !value.is_object() {
            return Err(Error::invalid(
                "report",
                value,
                "a report is a JSON object (category, grid or point, urgency, source, description, contact)",
            ));
        }
        serde_json::from_value(value)
            .map_err(|e| Error::invalid("report", "(object)", e.to_string()))
    }
}

/// A 督办 order on a case: issued by a supervise action with a level and a reply deadline
/// (the model's `[engine.order_reply]` limit of the level, from the issuing), answered by a
/// reply. An unanswered order escalates like any deadline (the `order_overdue` trigger of
/// [`crate::escalation`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    /// Its level.
    pub level: SuperviseLevel,
    /// When it was issued.
    pub issued_at: Millis,
    /// The reply limit in force when it was issued.
    pub limit: TimeLimit,
    /// The reply deadline.
    pub deadline: Millis,
    /// When it was answered.
    pub replied_at: Option<Millis>,
}

impl Order {
    /// Whether it still waits for its reply.
    pub fn is_open(&self) -> bool {
        self.replied_at.is_none()
    }
}

/// Where an allowed action leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// The case moves to this state.
    To(State),
    /// The state stays as it is.
    Stay,
}

/// The lifecycle table: where `action` leads from `state`, or `None` when it is not allowed
/// there. Guards that need more than the state (a pending request, the report's source, a
/// rating already given) are checked by the engine.
#[allow(
    clippy::match_same_arms,
    reason = "one row per line of the documented table reads better than merged rows"
)]
pub fn transition(state: State, action: &Action) -> Option<Next> {
    use State as S;
    let open = state.is_open();
    let next = match (state, action) {
        (S::Reported, Action::Accept) => Next::To(S::Accepted),
        (S::Reported, Action::Reject { .. }) => Next::To(S::Rejected),
        (S::Reported, Action::SelfHandle { .. }) => Next::To(S::Checked),
        (S::Accepted, Action::Verify { valid: true }) => Next::To(S::Verified),
        (S::Accepted, Action::Verify { valid: false }) => Next::To(S::Invalid),
        (S::Accepted | S::Verified, Action::File) => Next::To(S::Filed),
        (S::Accepted | S::Verified, Action::Void { .. }) => Next::To(S::Voided),
        (S::Filed | S::Returned, Action::Dispatch { .. }) => Next::To(S::Dispatched),
        (S::Dispatched | S::Handling, Action::Return { .. } | Action::ApproveReturn) => {
            Next::To(S::Returned)
        }
        (S::Dispatched | S::Handling, Action::RequestReturn { .. } | Action::DenyReturn) => {
            Next::Stay
        }
        (
            S::Filed
            | S::Returned
            | S::Dispatched
            | S::Handling
            | S::Handled
            | S::Checked
            | S::Shelved,
            Action::RequestVoid { .. } | Action::DenyVoid,
        ) => Next::Stay,
        (
            S::Filed
            | S::Returned
            | S::Dispatched
            | S::Handling
            | S::Handled
            | S::Checked
            | S::Shelved,
            Action::ApproveVoid,
        ) => Next::To(S::Voided),
        (S::Dispatched | S::Shelved, Action::Start) => Next::To(S::Handling),
        (S::Dispatched | S::Handling, Action::Subdispatch { .. } | Action::CoDispatch { .. })
        | (S::Dispatched | S::Handling | S::Handled, Action::CoFeedback { .. }) => Next::Stay,
        (S::Dispatched | S::Handling, Action::Handle { .. }) => Next::To(S::Handled),
        (S::Handled, Action::Check { passed: true }) => Next::To(S::Checked),
        (S::Handled, Action::Check { passed: false }) => Next::To(S::Dispatched),
        (S::Checked | S::Shelved, Action::Close { .. }) => Next::To(S::Closed),
        (S::Closed, Action::Reopen { .. }) => Next::To(S::Filed),
        (
            S::Dispatched | S::Handling,
            Action::RequestPostpone { .. }
            | Action::ApprovePostpone
            | Action::DenyPostpone
            | Action::RequestShelve { .. },
        )
        | (S::Closed, Action::Rate { .. })
        | (S::Checked, Action::Callback { .. }) => Next::Stay,
        (S::Dispatched | S::Handling, Action::ApproveShelve) => Next::To(S::Shelved),
        (_, Action::Supervise { .. } | Action::Reply { .. }) if open => Next::Stay,
        _ => return None,
    };
    Some(next)
}

/// The stage an action starts (`None`: it starts none), the one rule the engine and the
/// records' walk over events ([`crate::engine::Engine::records`]) both follow. `verified`: the
/// case's source is one the model verifies, so acceptance starts verification (核实), else
/// filing (立案). A failed check starts handling only when the clock restarts on rework
/// (`[engine] rework = "restart"`); by default it resumes the handling it failed instead,
/// which the engine decides.
pub fn stage_started(action: &Action, verified: bool) -> Option<Stage> {
    Some(match action {
        Action::Accept if verified => Stage::Verify,
        Action::Accept | Action::Verify { valid: true } => Stage::File,
        // 立案, a reopening and an approved return (回退) wait for dispatch.
        Action::File | Action::Reopen { .. } | Action::Return { .. } | Action::ApproveReturn => {
            Stage::Dispatch
        }
        // a callback starts handling only when it sends the case back for redo (the engine
        // decides, by the model's `[engine.callback]`)
        Action::Dispatch { .. } | Action::Check { passed: false } | Action::Callback { .. } => {
            Stage::Handle
        }
        Action::Handle { .. } => Stage::Check,
        Action::Check { passed: true } | Action::SelfHandle { .. } => Stage::Close,
        _ => return None,
    })
}

/// A running stage timer, with the policy snapshot taken when it started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timer {
    /// The stage it times.
    pub stage: Stage,
    /// The limit in force when the stage started (a later rule change does not move it).
    pub limit: TimeLimit,
    /// When the stage started.
    pub started: Millis,
    /// Approved extensions, in minutes of the limit's own measure.
    pub extension_minutes: i64,
    /// Closed pauses (shelving), in time order.
    pub pauses: Vec<(Millis, Millis)>,
    /// Start of the pause in progress, if the clock is stopped now.
    pub paused_since: Option<Millis>,
}

impl Timer {
    /// A stage started at `at` under `limit`: no extension, never paused.
    pub fn start(stage: Stage, limit: TimeLimit, at: Millis) -> Timer {
        Timer {
            stage,
            limit,
            started: at,
            extension_minutes: 0,
            pauses: Vec::new(),
            paused_since: None,
        }
    }
}

/// The traffic light of a case (红黄绿灯), as digital city management systems show it: red for a
/// case overdue and not handled (eGova's 红灯 counts `overtimeToDisposeNum`), yellow for one about
/// to expire; the yellow threshold has no published figure and is configured
/// ([`crate::policy::EngineConfig`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    /// On time.
    Green,
    /// Most of the limit used, or close to the deadline.
    Yellow,
    /// Overdue and not done.
    Red,
}

impl Light {
    /// `green`, `yellow` or `red`.
    pub fn as_str(self) -> &'static str {
        match self {
            Light::Green => "green",
            Light::Yellow => "yellow",
            Light::Red => "red",
        }
    }
}

impl fmt::Display for Light {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
    /// The unit it is dispatched to (the lead unit, 主办, of a joint dispatch).
    pub unit: Option<UnitId>,
    /// The sub-unit it was last passed on to (二级派遣), if any.
    pub second_unit: Option<UnitId>,
    /// The co-handlers (协办) of a joint dispatch, in the order named.
    pub co: Vec<CoHandler>,
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
    /// Approved returns to the centre (回退).
    pub return_count: u32,
    /// Of those, returns for a wrong unit (the dispatcher's error).
    pub wrong_unit_returns: u32,
    /// A return request waiting for the shift leader: cause and reason.
    pub pending_return: Option<(ReturnCause, String)>,
    /// A void request waiting for the manager: cause and reason.
    pub pending_void: Option<(VoidCause, String)>,
    /// Why the case was voided after filing (an approved void): cause and reason.
    pub void_cause: Option<(VoidCause, String)>,
    /// Reopenings.
    pub reopen_count: u32,
    /// Supervisions (督办): orders issued and escalation rules' supervisions.
    pub supervised_count: u32,
    /// The last 督办 order issued.
    pub order: Option<Order>,
    /// The last callback rating (回访), 1–5.
    pub callback: Option<u8>,
    /// Callbacks made, and those that sent the case back for redo.
    pub callbacks: u32,
    /// Callbacks that sent the case back for redo.
    pub callback_redos: u32,
    /// 督办 orders issued.
    pub orders: u32,
    /// Of those, the ones answered by their reply deadline.
    pub orders_replied_on_time: u32,
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
    /// The run the running timer belongs to (its number among `runs`): a timer trigger's
    /// firings belong to it. A failed check that resumes the handling it failed resumes its
    /// run too, so the escalations armed on that deadline stay armed.
    pub timer_run: u32,
    /// The handling a failed check resumes ([`crate::policy::Rework::Keep`]): kept from the
    /// feedback until the check.
    pub held: Option<Box<HeldHandling>>,
    /// When the last check failed.
    pub last_rework_at: Option<Millis>,
    /// When it was last rated.
    pub rated_at: Option<Millis>,
    /// Escalation firings: rule index → (trigger occurrence, firings so far).
    pub fired: Fired,
    /// The supervisor the verification task was assigned to when the report was accepted
    /// (`None`: no verification, or no supervisor patrols the grid but the reporter).
    pub verify_assignee: Option<Arc<str>>,
}

/// A co-handler (协办) of a joint dispatch and its own feedback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoHandler {
    /// The co-handler's unit.
    pub unit: UnitId,
    /// When it fed back (`co_feedback`).
    pub fed_back_at: Option<Millis>,
    /// Whether that feedback came by the case's handling deadline.
    pub on_time: bool,
}

/// The handling run a case left at its feedback (反馈), kept until the check: a failed check
/// resumes it as it was — the same timer, so the same (bundle) deadline, the same run and the
/// firings its escalation rules had made — unless the model restarts the clock on rework.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldHandling {
    /// The handling timer at the feedback.
    pub timer: Timer,
    /// Its run.
    pub run: u32,
    /// The firings of that run: (rule, (occurrence, firings)) with the run as occurrence.
    pub fired: Vec<(u32, (u32, u32))>,
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
