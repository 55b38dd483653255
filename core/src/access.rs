//! Access control: who may perform which action, and where — the one file that answers "who
//! may dispatch", "may this supervisor act in that grid", "who sees citizen contact data".
//!
//! [`Permissions::authorize`] checks the role ([`Permissions`], the matrix below) and the
//! scope (the rules below); the engine calls it before every report and action, and writes
//! each refusal to its security log as a [`Denial`].
//!
//! # Default permission matrix
//!
//! | action | roles |
//! |---|---|
//! | report | supervisor, acceptor, manager, citizen |
//! | accept, reject | acceptor |
//! | verify, check | supervisor |
//! | `self_handle` | supervisor (only on a case they reported) |
//! | file, void, close | `shift_leader` |
//! | dispatch | dispatcher |
//! | start, handle, `request_postpone`, `request_shelve`, `request_return` | handler |
//! | return (refused by the engine: returns are approved) | handler |
//! | `approve_return`, `deny_return` | `shift_leader` |
//! | `request_void` (a filed case) | `shift_leader` |
//! | `approve_void`, `deny_void` | manager |
//! | `approve_postpone`, `deny_postpone` | `shift_leader`, dispatcher |
//! | `approve_shelve` | `shift_leader`, manager |
//! | reopen | `shift_leader`, manager |
//! | supervise (a 督办 order) | manager |
//! | reply (to the order) | handler, dispatcher, `shift_leader` |
//! | callback (回访) | acceptor |
//! | subdispatch (二级派遣, to a sub-unit) | handler |
//! | `co_dispatch` (add a 协办 co-handler) | dispatcher |
//! | `co_feedback` (a co-handler's own feedback) | handler |
//! | rate | citizen (only on a case they reported) |
//!
//! The auditor performs no action (read-only). A model overrides rows with
//! `[engine.permissions]`, e.g. `dispatch = ["dispatcher", "shift_leader"]`.
//!
//! # Scope
//!
//! - a supervisor acts only on cases in the grids assigned to them;
//! - a verification task is assigned to one supervisor when the report is accepted
//!   ([`Case::verify_assignee`]): only that supervisor verifies it; another role the model lets
//!   verify (`[engine.permissions] verify = ["supervisor", "shift_leader"]`: the shift leader
//!   taking over a task) is not bound by the assignment, and a task assigned to nobody (no
//!   other supervisor patrols the grid) is any of the grid's supervisors' to do;
//! - a handler acts only on cases dispatched to their own unit, or passed on to it by that unit
//!   (the second-level unit of [`crate::case`]'s two-level dispatch); a `co_feedback` only on
//!   cases where their unit is a co-handler (协办), and a co-handler's handler does nothing else
//!   on the case;
//! - centre roles (acceptor, shift leader, dispatcher, manager) act on cases whose grid lies in
//!   their unit's jurisdiction;
//! - a citizen reports anywhere and rates only the cases they reported;
//! - a report's channel must fit its reporter ([`check_source`]): citizens report through the
//!   app, the hotline or the media, and only supervisors through the supervisor channel.
//!
//! # Citizen contact data
//!
//! Exports include a report's contact only for a worker whose role is in [`CONTACT_ROLES`]
//! (they call citizens back); [`may_see_contact`] checks it.

use std::collections::BTreeMap;

use crate::calendar::Millis;
use crate::case::{ActionKind, Actor, Case, CaseId, Source};
use crate::error::{Error, Issues, Result};
use crate::org::{Organisation, Role, Worker};
use crate::territory::{AreaId, Territory};

/// Roles allowed to see citizen contact data in exports (they call citizens back).
pub const CONTACT_ROLES: [Role; 3] = [Role::Acceptor, Role::ShiftLeader, Role::Manager];

/// Who may be the actor of an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// A worker with this role.
    Role(Role),
    /// A citizen.
    Citizen,
}

impl Party {
    fn parse(s: &str) -> Result<Party> {
        if s == "citizen" {
            Ok(Party::Citizen)
        } else {
            s.parse().map(Party::Role)
        }
    }
}

/// The permission matrix: for each action, the parties allowed to perform it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permissions {
    table: BTreeMap<ActionKind, Vec<Party>>,
}

impl Default for Permissions {
    fn default() -> Self {
        use ActionKind as A;
        use Role as R;
        let r = Party::Role;
        let rows: [(ActionKind, Vec<Party>); 32] = [
            (
                A::Report,
                vec![
                    r(R::Supervisor),
                    r(R::Acceptor),
                    r(R::Manager),
                    Party::Citizen,
                ],
            ),
            (A::Accept, vec![r(R::Acceptor)]),
            (A::Reject, vec![r(R::Acceptor)]),
            (A::Verify, vec![r(R::Supervisor)]),
            (A::File, vec![r(R::ShiftLeader)]),
            (A::Void, vec![r(R::ShiftLeader)]),
            (A::Dispatch, vec![r(R::Dispatcher)]),
            (A::Return, vec![r(R::Handler)]),
            (A::Start, vec![r(R::Handler)]),
            (A::RequestPostpone, vec![r(R::Handler)]),
            (
                A::ApprovePostpone,
                vec![r(R::ShiftLeader), r(R::Dispatcher)],
            ),
            (A::DenyPostpone, vec![r(R::ShiftLeader), r(R::Dispatcher)]),
            (A::RequestShelve, vec![r(R::Handler)]),
            (A::ApproveShelve, vec![r(R::ShiftLeader), r(R::Manager)]),
            (A::Handle, vec![r(R::Handler)]),
            (A::Check, vec![r(R::Supervisor)]),
            (A::Close, vec![r(R::ShiftLeader)]),
            (A::Rate, vec![Party::Citizen]),
            (A::Reopen, vec![r(R::ShiftLeader), r(R::Manager)]),
            (A::Supervise, vec![r(R::Manager)]),
            (A::SelfHandle, vec![r(R::Supervisor)]),
            // 回退 and 作废 after filing: the shift leader confirms returns, the centre's
            // manager approves voids (domain facts §11: a centre's 2014 approval notice).
            (A::RequestReturn, vec![r(R::Handler)]),
            (A::ApproveReturn, vec![r(R::ShiftLeader)]),
            (A::DenyReturn, vec![r(R::ShiftLeader)]),
            (A::RequestVoid, vec![r(R::ShiftLeader)]),
            (A::ApproveVoid, vec![r(R::Manager)]),
            (A::DenyVoid, vec![r(R::Manager)]),
            // 督办 orders are answered by the unit handling the case, or by the centre while
            // the case is there.
            (
                A::Reply,
                vec![r(R::Handler), r(R::Dispatcher), r(R::ShiftLeader)],
            ),
            // 回访: the acceptor calls the citizen back (acceptors see contact data).
            (A::Callback, vec![r(R::Acceptor)]),
            // Two-level and joint dispatch (domain facts §11): the unit holding a case passes
            // it on to a sub-unit; the dispatcher names co-handlers (协办); each co-handler's
            // handlers give its own feedback.
            (A::Subdispatch, vec![r(R::Handler)]),
            (A::CoDispatch, vec![r(R::Dispatcher)]),
            (A::CoFeedback, vec![r(R::Handler)]),
        ];
        Permissions {
            table: rows.into_iter().collect(),
        }
    }
}

impl Permissions {
    /// The defaults with the rows of `overrides` replaced (action name → role names, with
    /// `"citizen"` for citizens), recording every problem under `path`.
    pub fn with_overrides(
        overrides: &BTreeMap<String, Vec<String>>,
        path: &str,
        issues: &mut Issues,
    ) -> Permissions {
        let mut p = Permissions::default();
        for (action, parties) in overrides {
            let Some(kind) = ActionKind::from_name(action) else {
                issues.push(
                    format!("{path}.{action}"),
                    format!("unknown action {action:?}"),
                );
                continue;
            };
            let mut row = Vec::with_capacity(parties.len());
            for (i, s) in parties.iter().enumerate() {
                match Party::parse(s) {
                    Ok(Party::Role(Role::Auditor)) => issues.push(
                        format!("{path}.{action}[{i}]"),
                        "the auditor is read-only and performs no action",
                    ),
                    Ok(party) => row.push(party),
                    Err(_) => issues.push(
                        format!("{path}.{action}[{i}]"),
                        format!("unknown role {s:?} (a role of the model, or \"citizen\")"),
                    ),
                }
            }
            row.sort();
            row.dedup();
            p.table.insert(kind, row);
        }
        p
    }

    /// The parties allowed to perform `action`.
    pub fn allowed(&self, action: ActionKind) -> &[Party] {
        self.table.get(&action).map_or(&[], Vec::as_slice)
    }

    /// Whether `party` may perform `action` (scope not considered).
    pub fn permits(&self, party: Party, action: ActionKind) -> bool {
        self.allowed(action).contains(&party)
    }

    /// Checks that `actor` may perform `kind` on a case in `grid` (`case`: the case, none for
    /// a new report): the role against this matrix, then the scope (see the module's rules).
    ///
    /// # Errors
    /// [`Error::PermissionDenied`] saying why (the role, or the scope); [`Error::Unknown`] for
    /// a worker the organisation does not know; [`Error::InvalidValue`] for an actor id holding
    /// a control character ([`crate::limits`]).
    pub fn authorize(
        &self,
        org: &Organisation,
        territory: &Territory,
        actor: &Actor,
        kind: ActionKind,
        grid: AreaId,
        case: Option<&Case>,
    ) -> Result<()> {
        match actor {
            Actor::Worker(id) => crate::limits::check_identifier("actor.worker", id)?,
            Actor::Citizen(id) => crate::limits::check_identifier("actor.citizen", id)?,
            Actor::System => {}
        }
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
        if !self.permits(party, kind) {
            let who = match party {
                Party::Role(r) => format!("a {r}"),
                Party::Citizen => "a citizen".to_owned(),
            };
            return Err(denied(format!("{who} is not allowed to {kind}")));
        }
        let t = territory;
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
                if kind == ActionKind::Verify
                    && let Some(c) = case
                    && let Some(assignee) = &c.verify_assignee
                    && assignee.as_ref() != w.id.as_str()
                {
                    return Err(denied(format!(
                        "the verification of case {} is assigned to supervisor {:?}",
                        c.id, assignee
                    )));
                }
            }
            (Party::Role(Role::Handler), Some(w)) => {
                if kind == ActionKind::CoFeedback {
                    if case.is_some_and(|c| !c.co.iter().any(|h| h.unit == w.unit)) {
                        return Err(denied(format!(
                            "their unit {:?} is not a co-handler (协办) of the case",
                            org.unit(w.unit).id
                        )));
                    }
                } else if kind != ActionKind::Report
                    && let Some(c) = case
                    && c.unit != Some(w.unit)
                    && c.second_unit != Some(w.unit)
                {
                    let with = c
                        .unit
                        .map_or_else(|| "no unit".to_owned(), |u| format!("{:?}", org.unit(u).id));
                    return Err(denied(format!(
                        "case {} is not dispatched to their unit {:?} (it is with {with})",
                        c.id,
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
}

/// The party of an actor, given the worker record when the actor is a worker.
pub(crate) fn party_of(actor: &Actor, worker: Option<&Worker>) -> Result<Party> {
    match (actor, worker) {
        (Actor::Citizen(_), _) => Ok(Party::Citizen),
        (Actor::Worker(_), Some(w)) => Ok(Party::Role(w.role)),
        (Actor::Worker(id), None) => Err(Error::unknown("worker", id.to_string())),
        (Actor::System, _) => Err(Error::PermissionDenied {
            actor: actor.to_string(),
            action: String::new(),
            reason: "the system actor only records escalations".into(),
        }),
    }
}

/// A report's channel must fit its reporter: citizens report through the app, the hotline or
/// the media; only supervisors use the supervisor channel (whose reports need no verification).
///
/// # Errors
/// [`Error::InvalidValue`] naming the channel and the reporter.
pub fn check_source(org: &Organisation, actor: &Actor, source: Source) -> Result<()> {
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
            source.as_str(),
            format!(
                "does not fit {actor}: citizens report through the app, the hotline or the media; only supervisors through the supervisor channel"
            ),
        ))
    }
}

/// Checks that `viewer` may see citizen contact data: a worker whose role is in
/// [`CONTACT_ROLES`].
///
/// # Errors
/// [`Error::PermissionDenied`]; [`Error::Unknown`] for an unknown worker.
pub fn may_see_contact(org: &Organisation, viewer: &Actor) -> Result<()> {
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
