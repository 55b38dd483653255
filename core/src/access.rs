//! Access control: who may perform which action, and where (DESIGN §3.8).
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
//! | return, start, handle, `request_postpone`, `request_shelve` | handler |
//! | `approve_postpone`, `deny_postpone` | `shift_leader`, dispatcher |
//! | `approve_shelve` | `shift_leader`, manager |
//! | reopen | `shift_leader`, manager |
//! | supervise | manager |
//! | rate | citizen (only on a case they reported) |
//!
//! The auditor performs no action (read-only). A model overrides rows with
//! `[engine.permissions]`, e.g. `dispatch = ["dispatcher", "shift_leader"]`.
//!
//! # Scope
//!
//! - a supervisor acts only on cases in the grids assigned to them;
//! - a handler acts only on cases dispatched to their own unit;
//! - centre roles (acceptor, shift leader, dispatcher, manager) act on cases whose grid lies in
//!   their unit's jurisdiction;
//! - a citizen reports anywhere and rates only the cases they reported.

use std::collections::BTreeMap;

use crate::case::{ActionKind, Actor};
use crate::error::{Error, Issues, Result};
use crate::org::{Role, Worker};

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
        let rows: [(ActionKind, Vec<Party>); 21] = [
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
            let Ok(kind) = ActionKind::parse(action) else {
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
