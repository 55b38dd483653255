//! What can be done to a case: [`Action`] with its fields and their checks, and the causes and
//! levels actions carry (回退 [`ReturnCause`], 作废 [`VoidCause`], 督办 [`SuperviseLevel`]). Which
//! state allows which action is the lifecycle table in the parent module.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

use crate::lifecycle::ActionKind;

/// The level of a 督办 order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SuperviseLevel {
    /// A general order (一般督办).
    #[default]
    General,
    /// A leader's order (领导督办), reported apart in weekly reports.
    Leader,
}

impl SuperviseLevel {
    /// Every level.
    pub const ALL: [SuperviseLevel; 2] = [SuperviseLevel::General, SuperviseLevel::Leader];

    /// The `snake_case` name.
    pub fn as_str(self) -> &'static str {
        match self {
            SuperviseLevel::General => "general",
            SuperviseLevel::Leader => "leader",
        }
    }
}

/// Why a unit asks to return a case (回退).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnCause {
    /// Dispatched to the wrong unit (the dispatcher's error, 错误派遣).
    WrongUnit,
    /// The unit's, but outside what it is charged with (e.g. needs another body's permit).
    OutsideDuty,
    /// Any other cause, explained in the reason.
    Other,
}

impl ReturnCause {
    /// Every cause.
    pub const ALL: [ReturnCause; 3] = [
        ReturnCause::WrongUnit,
        ReturnCause::OutsideDuty,
        ReturnCause::Other,
    ];

    /// The `snake_case` name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReturnCause::WrongUnit => "wrong_unit",
            ReturnCause::OutsideDuty => "outside_duty",
            ReturnCause::Other => "other",
        }
    }

    /// The cause of a `snake_case` name.
    pub fn parse(name: &str) -> Option<ReturnCause> {
        ReturnCause::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

/// Why a filed case is voided (作废).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoidCause {
    /// A duplicate of another case.
    Duplicate,
    /// Outside city management (not a matter for the centre).
    OutsideScope,
    /// The problem went away after filing.
    ProblemGone,
}

impl VoidCause {
    /// Every cause.
    pub const ALL: [VoidCause; 3] = [
        VoidCause::Duplicate,
        VoidCause::OutsideScope,
        VoidCause::ProblemGone,
    ];

    /// The `snake_case` name.
    pub fn as_str(self) -> &'static str {
        match self {
            VoidCause::Duplicate => "duplicate",
            VoidCause::OutsideScope => "outside_scope",
            VoidCause::ProblemGone => "problem_gone",
        }
    }

    /// The cause of a `snake_case` name.
    pub fn parse(name: &str) -> Option<VoidCause> {
        VoidCause::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// Whether the void shows that filing was a mistake: a duplicate or a matter outside city
    /// management could be seen at filing; a problem gone after filing could not (a justified
    /// void, not a filing error).
    pub fn is_filing_error(self) -> bool {
        !matches!(self, VoidCause::ProblemGone)
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
    /// 回退 to the centre without approval: refused by the engine (kept to read journals
    /// written before returns were approved).
    Return {
        /// Why.
        reason: String,
    },
    /// Ask the centre to take the case back (回退申请).
    RequestReturn {
        /// The cause category.
        cause: ReturnCause,
        /// Why, in words.
        reason: String,
    },
    /// Approve the pending return: the case goes back for dispatch.
    ApproveReturn,
    /// Deny the pending return: the unit keeps the case.
    DenyReturn,
    /// Ask to void a filed case (作废申请).
    RequestVoid {
        /// The cause category.
        cause: VoidCause,
        /// Why, in words.
        reason: String,
    },
    /// Approve the pending void: the case is voided.
    ApproveVoid,
    /// Deny the pending void.
    DenyVoid,
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
    /// 督办: issues an order with a reply deadline.
    Supervise {
        /// Instruction.
        note: String,
        /// The order's level (general when omitted).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        level: Option<SuperviseLevel>,
    },
    /// 回访: the acceptor calls the citizen back before closing and records their rating.
    Callback {
        /// 1 (very unsatisfied) to 5 (very satisfied).
        satisfaction: u8,
    },
    /// Answers the unanswered 督办 order.
    Reply {
        /// The reply.
        note: String,
    },
    /// 自行处置 on the spot by the reporting supervisor.
    SelfHandle {
        /// What was done.
        result: String,
    },
    /// 二级派遣: the unit holding the case passes it on to one of its sub-units.
    Subdispatch {
        /// The sub-unit's id.
        unit: Arc<str>,
    },
    /// 协办: the dispatcher names a co-handler of the dispatched case (the unit it was
    /// dispatched to leads, 主办).
    CoDispatch {
        /// The co-handler's unit id.
        unit: Arc<str>,
    },
    /// 协办反馈: a co-handler's own feedback on its part.
    CoFeedback {
        /// What was done.
        result: String,
    },
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
            Action::RequestReturn { .. } => ActionKind::RequestReturn,
            Action::ApproveReturn => ActionKind::ApproveReturn,
            Action::DenyReturn => ActionKind::DenyReturn,
            Action::RequestVoid { .. } => ActionKind::RequestVoid,
            Action::ApproveVoid => ActionKind::ApproveVoid,
            Action::DenyVoid => ActionKind::DenyVoid,
            Action::Reply { .. } => ActionKind::Reply,
            Action::Callback { .. } => ActionKind::Callback,
            Action::Subdispatch { .. } => ActionKind::Subdispatch,
            Action::CoDispatch { .. } => ActionKind::CoDispatch,
            Action::CoFeedback { .. } => ActionKind::CoFeedback,
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
        let kind = ActionKind::from_name(name)
            .filter(|k| *k != ActionKind::Report)
            .ok_or_else(|| {
                Error::invalid(
                    "action",
                    name,
                    "is not an action on a case (accept, reject, verify, file, void, dispatch, \
                     return, start, request_postpone, approve_postpone, deny_postpone, \
                     request_shelve, approve_shelve, handle, check, close, rate, reopen, \
                     supervise, self_handle, request_return, approve_return, deny_return, \
                     request_void, approve_void, deny_void, reply, callback, subdispatch, \
                     co_dispatch, co_feedback)",
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
            | Action::Reopen { reason }
            | Action::RequestReturn { reason, .. }
            | Action::RequestVoid { reason, .. } => text("reason", reason),
            Action::Handle { result }
            | Action::SelfHandle { result }
            | Action::CoFeedback { result } => text("result", result),
            Action::Subdispatch { unit } | Action::CoDispatch { unit } => text("unit", unit),
            Action::Supervise { note, .. } | Action::Reply { note } => text("note", note),
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
            Action::Rate { satisfaction } | Action::Callback { satisfaction } => {
                if (1..=5).contains(satisfaction) {
                    Ok(())
                } else {
                    Err(Error::invalid(
                        format!("{}.satisfaction", self.kind()),
                        satisfaction,
                        "must be from 1 to 5",
                    ))
                }
            }
            _ => Ok(()),
        }
    }
}
