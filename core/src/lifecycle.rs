//! The words of the lifecycle: the states a case can be in ([`State`]) and the actions that
//! move it ([`ActionKind`]), with their stable `snake_case` names as used in JSON, C and
//! Python.
//!
//! Which action may move a case from which state, and where to, is the table of
//! [`crate::case::transition`]. This module holds only the names, so that every other module
//! (errors included) can use them without depending on the engine.

use std::fmt;

use serde::{Deserialize, Serialize};

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

    /// `true` from filing (立案) on: filed, returned, dispatched, handling, handled, checked,
    /// closed and shelved (a voided case may have been filed or not: `false`).
    pub fn is_filed(self) -> bool {
        matches!(
            self,
            State::Filed
                | State::Returned
                | State::Dispatched
                | State::Handling
                | State::Handled
                | State::Checked
                | State::Closed
                | State::Shelved
        )
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

/// The name of an action, without its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// A new report.
    Report,
    /// [`Action::Accept`](crate::case::Action::Accept)
    Accept,
    /// [`Action::Reject`](crate::case::Action::Reject)
    Reject,
    /// [`Action::Verify`](crate::case::Action::Verify)
    Verify,
    /// [`Action::File`](crate::case::Action::File)
    File,
    /// [`Action::Void`](crate::case::Action::Void)
    Void,
    /// [`Action::Dispatch`](crate::case::Action::Dispatch)
    Dispatch,
    /// [`Action::Return`](crate::case::Action::Return)
    Return,
    /// [`Action::RequestReturn`](crate::case::Action::RequestReturn)
    RequestReturn,
    /// [`Action::ApproveReturn`](crate::case::Action::ApproveReturn)
    ApproveReturn,
    /// [`Action::DenyReturn`](crate::case::Action::DenyReturn)
    DenyReturn,
    /// [`Action::RequestVoid`](crate::case::Action::RequestVoid)
    RequestVoid,
    /// [`Action::ApproveVoid`](crate::case::Action::ApproveVoid)
    ApproveVoid,
    /// [`Action::DenyVoid`](crate::case::Action::DenyVoid)
    DenyVoid,
    /// [`Action::Reply`](crate::case::Action::Reply)
    Reply,
    /// [`Action::Callback`](crate::case::Action::Callback)
    Callback,
    /// [`Action::Start`](crate::case::Action::Start)
    Start,
    /// [`Action::RequestPostpone`](crate::case::Action::RequestPostpone)
    RequestPostpone,
    /// [`Action::ApprovePostpone`](crate::case::Action::ApprovePostpone)
    ApprovePostpone,
    /// [`Action::DenyPostpone`](crate::case::Action::DenyPostpone)
    DenyPostpone,
    /// [`Action::RequestShelve`](crate::case::Action::RequestShelve)
    RequestShelve,
    /// [`Action::ApproveShelve`](crate::case::Action::ApproveShelve)
    ApproveShelve,
    /// [`Action::Handle`](crate::case::Action::Handle)
    Handle,
    /// [`Action::Check`](crate::case::Action::Check)
    Check,
    /// [`Action::Close`](crate::case::Action::Close)
    Close,
    /// [`Action::Rate`](crate::case::Action::Rate)
    Rate,
    /// [`Action::Reopen`](crate::case::Action::Reopen)
    Reopen,
    /// [`Action::Supervise`](crate::case::Action::Supervise)
    Supervise,
    /// [`Action::SelfHandle`](crate::case::Action::SelfHandle)
    SelfHandle,
    /// [`Action::Subdispatch`](crate::case::Action::Subdispatch)
    Subdispatch,
    /// [`Action::CoDispatch`](crate::case::Action::CoDispatch)
    CoDispatch,
    /// [`Action::CoFeedback`](crate::case::Action::CoFeedback)
    CoFeedback,
}

impl ActionKind {
    /// Every action kind, reporting first.
    pub const ALL: [ActionKind; 32] = [
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
        ActionKind::RequestReturn,
        ActionKind::ApproveReturn,
        ActionKind::DenyReturn,
        ActionKind::RequestVoid,
        ActionKind::ApproveVoid,
        ActionKind::DenyVoid,
        ActionKind::Reply,
        ActionKind::Callback,
        ActionKind::Subdispatch,
        ActionKind::CoDispatch,
        ActionKind::CoFeedback,
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
            ActionKind::RequestReturn => "request_return",
            ActionKind::ApproveReturn => "approve_return",
            ActionKind::DenyReturn => "deny_return",
            ActionKind::RequestVoid => "request_void",
            ActionKind::ApproveVoid => "approve_void",
            ActionKind::DenyVoid => "deny_void",
            ActionKind::Reply => "reply",
            ActionKind::Callback => "callback",
            ActionKind::Subdispatch => "subdispatch",
            ActionKind::CoDispatch => "co_dispatch",
            ActionKind::CoFeedback => "co_feedback",
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
            ActionKind::RequestReturn | ActionKind::RequestVoid => &["cause", "reason"],
            ActionKind::Verify => &["valid"],
            ActionKind::Dispatch => &["unit", "reason"],
            ActionKind::RequestPostpone => &["minutes"],
            ActionKind::Handle | ActionKind::SelfHandle | ActionKind::CoFeedback => &["result"],
            ActionKind::Subdispatch | ActionKind::CoDispatch => &["unit"],
            ActionKind::Check => &["passed"],
            ActionKind::Rate | ActionKind::Callback => &["satisfaction"],
            ActionKind::Supervise => &["note", "level"],
            ActionKind::Reply => &["note"],
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
            | ActionKind::ApproveShelve
            | ActionKind::ApproveReturn
            | ActionKind::DenyReturn
            | ActionKind::ApproveVoid
            | ActionKind::DenyVoid => &[],
        }
    }

    /// The kind of a `snake_case` name (`"request_postpone"`), `None` for an unknown name.
    pub fn from_name(name: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
