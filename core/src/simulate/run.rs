//! One simulation in progress, [`Run`]: the engine, what the simulator knows of each case (its
//! seeded stream and fate, [`Fate`]), the queue of next steps ([`Step`]), and the primitives
//! the steps are written with (draw an allowed actor, act, schedule).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::access::{Party, Permissions};
use crate::calendar::Millis;
use crate::case::{Action, ActionKind, Actor, CaseId};
use crate::engine::Engine;
use crate::error::Result;
use crate::escalation::EscalationAction;
use crate::model::Model;
use crate::org::Role;

use super::rng::Rng;
use super::staff::Staff;

/// The next thing to happen to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    /// The acceptor accepts or rejects.
    Intake,
    /// The reporting supervisor fixes it on the spot.
    SelfHandle,
    /// The supervisor the verification task was assigned to verifies (a supervisor of the
    /// grid where none was).
    Verify,
    /// The shift leader files or voids.
    File,
    /// The dispatcher dispatches (again).
    Dispatch,
    /// A handler starts it or asks to return it.
    Receive,
    /// The shift leader approves or denies the return request.
    DecideReturn,
    /// The shift leader asks to void the filed case.
    RequestVoid,
    /// The manager approves or denies the void request.
    DecideVoid,
    RequestShelve,
    ApproveShelve,
    RequestPostpone,
    DecidePostpone,
    Handle,
    /// A supervisor of the grid checks.
    Check,
    Close,
    /// The citizen rates.
    Rate,
    Reopen,
}

/// What the simulator knows of a case beyond the engine: its seeded stream and fate.
#[derive(Debug, Clone)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "independent draws of one case's fate, not states"
)]
pub(super) struct Fate {
    pub(super) rng: Rng,
    pub(super) public: bool,
    pub(super) reject: bool,
    pub(super) invalid: bool,
    pub(super) void: bool,
    /// The shift leader asks to void it after filing.
    pub(super) void_filed: bool,
    /// A manager issues a 督办 order when the unit starts (answered at the unit's next step).
    pub(super) order: bool,
    /// The acceptor calls the citizen back before closing (once).
    pub(super) callback: bool,
    pub(super) ret: bool,
    pub(super) postpone: bool,
    pub(super) approve: bool,
    pub(super) shelve: bool,
    pub(super) returned: bool,
    /// The unit passes it on to a sub-unit when it receives it (once).
    pub(super) subdispatch: bool,
    /// The dispatcher names co-handlers (协办) at the first dispatch.
    pub(super) joint: bool,
    /// The current handling run is late.
    pub(super) late: bool,
    /// Some handling run was late (citizens notice).
    pub(super) was_late: bool,
}

/// One simulation in progress.
pub(super) struct Run {
    pub(super) model: Arc<Model>,
    pub(super) eng: Engine,
    pub(super) perms: Permissions,
    pub(super) staff: Staff,
    pub(super) fates: Vec<Fate>,
    /// The next step of each case in progress, by (instant, case): one per case at most.
    pub(super) queue: BTreeMap<(Millis, CaseId), Step>,
    pub(super) seed: u64,
    /// The model has escalation rules that move cases to another unit: sweep before a handler
    /// acts, so that the handler is drawn from the case's unit as it is then.
    reassigning: bool,
}

impl Run {
    pub(super) fn new(model: Arc<Model>, seed: u64) -> Run {
        let eng = Engine::new(Arc::clone(&model));
        let perms = eng.config().permissions.clone();
        let reassigning = eng
            .config()
            .rules
            .iter()
            .any(|r| matches!(r.action, EscalationAction::Reassign(_)));
        Run {
            staff: Staff::new(&model),
            model,
            eng,
            perms,
            fates: Vec::new(),
            queue: BTreeMap::new(),
            seed,
            reassigning,
        }
    }

    pub(super) fn rng(&mut self, id: CaseId) -> &mut Rng {
        &mut self.fates[(id - 1) as usize].rng
    }

    pub(super) fn fate(&mut self, id: CaseId) -> &mut Fate {
        &mut self.fates[(id - 1) as usize]
    }

    pub(super) fn schedule(&mut self, id: CaseId, at: Millis, step: Step) {
        self.queue.insert((at, id), step);
    }

    /// A worker allowed to perform `kind` on case `id` now (see [`Staff::pick`]).
    pub(super) fn who(
        &mut self,
        id: CaseId,
        kind: ActionKind,
        prefer: &[Role],
    ) -> Result<Option<Actor>> {
        let c = self.eng.case(id)?;
        // a handler of the sub-unit it was passed on to does the work
        let (grid, unit) = (c.grid, c.second_unit.or(c.unit));
        Ok(self.who_of(id, kind, prefer, grid, unit))
    }

    /// A worker allowed to perform `kind` on case `id` in `grid`, a handler drawn from `unit`.
    pub(super) fn who_of(
        &mut self,
        id: CaseId,
        kind: ActionKind,
        prefer: &[Role],
        grid: crate::territory::AreaId,
        unit: Option<crate::org::UnitId>,
    ) -> Option<Actor> {
        let idx = (id - 1) as usize;
        self.staff.pick(
            &self.model,
            &self.perms,
            kind,
            prefer,
            grid,
            unit,
            &mut self.fates[idx].rng,
        )
    }

    /// The reporter of case `id`, when `party` may perform `kind` (self-handling, rating).
    pub(super) fn reporter_if(
        &self,
        id: CaseId,
        party: Party,
        kind: ActionKind,
    ) -> Result<Option<Actor>> {
        let reporter = &self.eng.case(id)?.reporter;
        Ok(self.perms.permits(party, kind).then(|| reporter.clone()))
    }

    pub(super) fn act(
        &mut self,
        id: CaseId,
        actor: Actor,
        at: Millis,
        action: Action,
    ) -> Result<()> {
        self.eng.act(id, actor, at, action).map(|_| ())
    }

    /// A handler of the case's unit (after the escalations due, when they may move it).
    pub(super) fn handler(
        &mut self,
        id: CaseId,
        t: Millis,
        kind: ActionKind,
    ) -> Result<Option<Actor>> {
        if self.reassigning {
            self.eng.sweep(t)?;
        }
        self.who(id, kind, &[Role::Handler])
    }
}
