//! Cases, actions, events and the lifecycle state machine (DESIGN §3.6).
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
//! | reported | accept | accepted |
//! | reported | reject (reason) | rejected (final) |
//! | reported | `self_handle` (result) | checked — a supervisor fixed it on the spot (自行处置) |
//! | accepted | verify (valid = true) | verified |
//! | accepted | verify (valid = false) | invalid (final) |
//! | accepted | file | filed — only for reports by a supervisor, which need no verification |
//! | accepted, verified | void (reason) | voided (final) |
//! | verified | file | filed (立案) |
//! | filed, returned | dispatch (unit) | dispatched (派遣) |
//! | dispatched, handling | return (reason) | returned (回退) |
//! | dispatched, shelved | start | handling |
//! | dispatched, handling | handle (result) | handled (反馈) |
//! | handled | check (passed = true) | checked (核查) |
//! | handled | check (passed = false) | dispatched — rework (返工), the handling clock restarts |
//! | checked, shelved | close (reason) | closed (结案; the reason is kept: closed ≠ fixed) |
//! | closed | reopen (reason) | filed |
//! | dispatched, handling | `request_postpone` (minutes) | unchanged; one request pending at a time |
//! | (a postponement pending) | `approve_postpone` / `deny_postpone` | unchanged; approval moves the deadline |
//! | dispatched, handling | `request_shelve` (reason) | unchanged; one request pending at a time |
//! | (a shelving pending) | `approve_shelve` | shelved (挂账: the clock stops) |
//! | closed | rate (satisfaction 1–5) | unchanged; once per closing |
//! | any open state | supervise (note) | unchanged (督办) |
//!
//! Final states: rejected, invalid, voided. A closed case is not final (it can be reopened).

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::calendar::{Millis, TimeLimit};
use crate::catalog::Stage;
use crate::error::{Error, Result};

/// Identifier of a case: its position in the engine, from 1.
pub type CaseId = u64;

/// Where a case is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// 上报: reported, waiting for the acceptor.
    Reported,
    /// 受理: accepted, waiting for verification (or filing, for a supervisor's report).
    Accepted,
    /// 核实: verified as a real problem.
    Verified,
    /// 立案: filed, waiting for dispatch.
    Filed,
    /// 派遣: dispatched to a unit.
    Dispatched,
    /// 回退: returned by the unit to the centre for re-dispatch.
    Returned,
    /// The unit is working on it.
    Handling,
    /// 反馈: the unit reported it done; waiting for the on-site check.
    Handled,
    /// 核查: checked on site as done; waiting to be closed.
    Checked,
    /// 结案: closed, with a reason.
    Closed,
    /// 挂账: shelved in the problem bank; the clock is stopped.
    Shelved,
    /// 不予受理: rejected by the acceptor (final).
    Rejected,
    /// Verified as not a real problem (final).
    Invalid,
    /// 作废: voided instead of filed (final).
    Voided,
}

impl State {
    /// Every state.
    pub const ALL: [State; 14] = [
        State::Reported,
        State::Accepted,
        State::Verified,
        State::Filed,
        State::Dispatched,
        State::Returned,
        State::Handling,
        State::Handled,
        State::Checked,
        State::Closed,
        State::Shelved,
        State::Rejected,
        State::Invalid,
        State::Voided,
    ];

    /// The `snake_case` name.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Reported => "reported",
            State::Accepted => "accepted",
            State::Verified => "verified",
            State::Filed => "filed",
            State::Dispatched => "dispatched",
            State::Returned => "returned",
            State::Handling => "handling",
            State::Handled => "handled",
            State::Checked => "checked",
            State::Closed => "closed",
            State::Shelved => "shelved",
            State::Rejected => "rejected",
            State::Invalid => "invalid",
            State::Voided => "voided",
        }
    }

    /// `true` for rejected, invalid and voided: nothing can happen to the case any more.
    pub fn is_final(self) -> bool {
        matches!(self, State::Rejected | State::Invalid | State::Voided)
    }

    /// `true` while the case still needs work (not closed and not final).
    pub fn is_open(self) -> bool {
        !self.is_final() && self != State::Closed
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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

/// An action on an existing case, with its fields. The JSON form is an object with an
/// `"action"` member naming it, e.g. `{"action": "dispatch", "unit": "WATER"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// 受理.
    Accept,
    /// 不予受理.
    Reject {
        /// Why.
        reason: String,
    },
    /// 核实.
    Verify {
        /// Whether the problem is real.
        valid: bool,
    },
    /// 立案.
    File,
    /// 作废.
    Void {
        /// Why.
        reason: String,
    },
    /// 派遣 to `unit` (default: the duty matrix's answer).
    Dispatch {
        /// Unit id; omitted for the duty matrix's answer.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<Arc<str>>,
        /// Required when `unit` overrides the duty matrix.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// 回退 to the centre.
    Return {
        /// Why.
        reason: String,
    },
    /// Start handling (or resume a shelved case).
    Start,
    /// Ask for more time.
    RequestPostpone {
        /// Extra minutes asked for (working minutes for working-time limits).
        minutes: i64,
    },
    /// Approve the pending postponement (moves the deadline).
    ApprovePostpone,
    /// Deny the pending postponement.
    DenyPostpone,
    /// Ask to shelve (挂账).
    RequestShelve {
        /// Why it cannot be solved within the limit.
        reason: String,
    },
    /// Approve the pending shelving.
    ApproveShelve,
    /// 反馈: report the work done.
    Handle {
        /// What was done.
        result: String,
    },
    /// 核查 on site.
    Check {
        /// Whether the problem is solved.
        passed: bool,
    },
    /// 结案.
    Close {
        /// Closing reason (closed ≠ fixed).
        reason: String,
    },
    /// Citizen satisfaction.
    Rate {
        /// 1 (very unsatisfied) to 5 (very satisfied).
        satisfaction: u8,
    },
    /// Reopen on a justified complaint.
    Reopen {
        /// Why.
        reason: String,
    },
    /// 督办.
    Supervise {
        /// Instruction.
        note: String,
    },
    /// 自行处置 on the spot by the reporting supervisor.
    SelfHandle {
        /// What was done.
        result: String,
    },
}

/// The name of an action, without its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// A new report.
    Report,
    /// [`Action::Accept`]
    Accept,
    /// [`Action::Reject`]
    Reject,
    /// [`Action::Verify`]
    Verify,
    /// [`Action::File`]
    File,
    /// [`Action::Void`]
    Void,
    /// [`Action::Dispatch`]
    Dispatch,
    /// [`Action::Return`]
    Return,
    /// [`Action::Start`]
    Start,
    /// [`Action::RequestPostpone`]
    RequestPostpone,
    /// [`Action::ApprovePostpone`]
    ApprovePostpone,
    /// [`Action::DenyPostpone`]
    DenyPostpone,
    /// [`Action::RequestShelve`]
    RequestShelve,
    /// [`Action::ApproveShelve`]
    ApproveShelve,
    /// [`Action::Handle`]
    Handle,
    /// [`Action::Check`]
    Check,
    /// [`Action::Close`]
    Close,
    /// [`Action::Rate`]
    Rate,
    /// [`Action::Reopen`]
    Reopen,
    /// [`Action::Supervise`]
    Supervise,
    /// [`Action::SelfHandle`]
    SelfHandle,
}

impl ActionKind {
    /// Every action kind, reporting first.
    pub const ALL: [ActionKind; 21] = [
        ActionKind::Report,
        ActionKind::Accept,
        ActionKind::Reject,
        ActionKind::Verify,
        ActionKind::File,
        ActionKind::Void,
        ActionKind::Dispatch,
        ActionKind::Return,
        ActionKind::Start,
        ActionKind::RequestPostpone,
        ActionKind::ApprovePostpone,
        ActionKind::DenyPostpone,
        ActionKind::RequestShelve,
        ActionKind::ApproveShelve,
        ActionKind::Handle,
        ActionKind::Check,
        ActionKind::Close,
        ActionKind::Rate,
        ActionKind::Reopen,
        ActionKind::Supervise,
        ActionKind::SelfHandle,
    ];

    /// The `snake_case` name used in JSON, C and Python.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Report => "report",
            ActionKind::Accept => "accept",
            ActionKind::Reject => "reject",
            ActionKind::Verify => "verify",
            ActionKind::File => "file",
            ActionKind::Void => "void",
            ActionKind::Dispatch => "dispatch",
            ActionKind::Return => "return",
            ActionKind::Start => "start",
            ActionKind::RequestPostpone => "request_postpone",
            ActionKind::ApprovePostpone => "approve_postpone",
            ActionKind::DenyPostpone => "deny_postpone",
            ActionKind::RequestShelve => "request_shelve",
            ActionKind::ApproveShelve => "approve_shelve",
            ActionKind::Handle => "handle",
            ActionKind::Check => "check",
            ActionKind::Close => "close",
            ActionKind::Rate => "rate",
            ActionKind::Reopen => "reopen",
            ActionKind::Supervise => "supervise",
            ActionKind::SelfHandle => "self_handle",
        }
    }

    /// The fields an action of this kind takes (besides `"action"`).
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            ActionKind::Reject
            | ActionKind::Void
            | ActionKind::Return
            | ActionKind::RequestShelve
            | ActionKind::Close
            | ActionKind::Reopen => &["reason"],
            ActionKind::Verify => &["valid"],
            ActionKind::Dispatch => &["unit", "reason"],
            ActionKind::RequestPostpone => &["minutes"],
            ActionKind::Handle | ActionKind::SelfHandle => &["result"],
            ActionKind::Check => &["passed"],
            ActionKind::Rate => &["satisfaction"],
            ActionKind::Supervise => &["note"],
            ActionKind::Report => &[
                "category",
                "grid",
                "point",
                "urgency",
                "source",
                "description",
                "contact",
            ],
            ActionKind::Accept
            | ActionKind::File
            | ActionKind::Start
            | ActionKind::ApprovePostpone
            | ActionKind::DenyPostpone
            | ActionKind::ApproveShelve => &[],
        }
    }

    /// Parses a name.
    ///
    /// # Errors
    /// [`Error::Unknown`] (`what = "action"`).
    pub fn parse(name: &str) -> Result<ActionKind> {
        ActionKind::ALL
            .into_iter()
            .find(|k| k.as_str() == name)
            .ok_or_else(|| Error::unknown("action", name))
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Action {
    /// The kind of this action.
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Accept => ActionKind::Accept,
            Action::Reject { .. } => ActionKind::Reject,
            Action::Verify { .. } => ActionKind::Verify,
            Action::File => ActionKind::File,
            Action::Void { .. } => ActionKind::Void,
            Action::Dispatch { .. } => ActionKind::Dispatch,
            Action::Return { .. } => ActionKind::Return,
            Action::Start => ActionKind::Start,
            Action::RequestPostpone { .. } => ActionKind::RequestPostpone,
            Action::ApprovePostpone => ActionKind::ApprovePostpone,
            Action::DenyPostpone => ActionKind::DenyPostpone,
            Action::RequestShelve { .. } => ActionKind::RequestShelve,
            Action::ApproveShelve => ActionKind::ApproveShelve,
            Action::Handle { .. } => ActionKind::Handle,
            Action::Check { .. } => ActionKind::Check,
            Action::Close { .. } => ActionKind::Close,
            Action::Rate { .. } => ActionKind::Rate,
            Action::Reopen { .. } => ActionKind::Reopen,
            Action::Supervise { .. } => ActionKind::Supervise,
            Action::SelfHandle { .. } => ActionKind::SelfHandle,
        }
    }

    /// Parses an action from its JSON form (`{"action": "dispatch", "unit": "WATER"}`).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the unknown action, the missing or extra field.
    pub fn from_json(value: serde_json::Value) -> Result<Action> {
        let serde_json::Value::Object(map) = &value else {
            return Err(Error::invalid(
                "action",
                value,
                "an action is a JSON object with an \"action\" member",
            ));
        };
        let Some(name) = map.get("action").and_then(serde_json::Value::as_str) else {
            return Err(Error::invalid(
                "action",
                "(no \"action\" member)",
                "an action is a JSON object with an \"action\" member naming it",
            ));
        };
        let kind = ActionKind::parse(name)
            .ok()
            .filter(|k| *k != ActionKind::Report)
            .ok_or_else(|| {
                Error::invalid(
                    "action",
                    name,
                    "is not an action on a case (accept, reject, verify, file, void, dispatch, \
                     return, start, request_postpone, approve_postpone, deny_postpone, \
                     request_shelve, approve_shelve, handle, check, close, rate, reopen, \
                     supervise, self_handle)",
                )
            })?;
        let fields = kind.fields();
        if let Some(extra) = map
            .keys()
            .find(|k| *k != "action" && !fields.contains(&k.as_str()))
        {
            return Err(Error::invalid(
                format!("{name}.{extra}"),
                &map[extra],
                format!("is not a field of {name} (its fields: {fields:?})"),
            ));
        }
        let name = name.to_owned();
        serde_json::from_value(value).map_err(|e| Error::invalid("action", name, e.to_string()))
    }

    /// Checks the fields of the action on their own (non-empty reasons, rating range,
    /// positive minutes).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the field and value.
    pub fn validate(&self) -> Result<()> {
        let text = |field: &str, s: &str| {
            if s.trim().is_empty() {
                Err(Error::invalid(
                    format!("{}.{field}", self.kind()),
                    format!("{s:?}"),
                    "must not be empty",
                ))
            } else {
                Ok(())
            }
        };
        match self {
            Action::Reject { reason }
            | Action::Void { reason }
            | Action::Return { reason }
            | Action::RequestShelve { reason }
            | Action::Close { reason }
            | Action::Reopen { reason } => text("reason", reason),
            Action::Handle { result } | Action::SelfHandle { result } => text("result", result),
            Action::Supervise { note } => text("note", note),
            Action::Dispatch {
                reason: Some(r), ..
            } => text("reason", r),
            Action::RequestPostpone { minutes } => {
                if *minutes <= 0 || *minutes > 366 * 24 * 60 {
                    Err(Error::invalid(
                        "request_postpone.minutes",
                        minutes,
                        "must be between 1 and 527040 (a year)",
                    ))
                } else {
                    Ok(())
                }
            }
            Action::Rate { satisfaction } => {
                if (1..=5).contains(satisfaction) {
                    Ok(())
                } else {
                    Err(Error::invalid(
                        "rate.satisfaction",
                        satisfaction,
                        "must be from 1 to 5",
                    ))
                }
            }
            _ => Ok(()),
        }
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
        (S::Dispatched | S::Handling, Action::Return { .. }) => Next::To(S::Returned),
        (S::Dispatched | S::Shelved, Action::Start) => Next::To(S::Handling),
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
        | (S::Closed, Action::Rate { .. }) => Next::Stay,
        (S::Dispatched | S::Handling, Action::ApproveShelve) => Next::To(S::Shelved),
        (_, Action::Supervise { .. }) if open => Next::Stay,
        _ => return None,
    };
    Some(next)
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

/// The traffic light of a case (DESIGN §3.7).
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
