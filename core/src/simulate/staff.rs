//! The workers, indexed for drawing actors within their scope: [`Staff`] by role, supervisors by
//! grid, handlers by unit, centre roles by jurisdiction; and the draw of a worker the permission
//! matrix allows for an action.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::access::{Party, Permissions};
use crate::case::{ActionKind, Actor};
use crate::model::Model;
use crate::org::{Role, UnitId};
use crate::territory::AreaId;

use super::rng::Rng;

/// The workers, indexed for drawing actors within their scope.
#[derive(Debug)]
pub(super) struct Staff {
    pub(super) ids: Vec<Arc<str>>,
    pub(super) by_role: BTreeMap<Role, Vec<usize>>,
    /// Supervisors by grid (area index).
    pub(super) of_grid: Vec<Vec<usize>>,
    /// Handlers by unit index.
    of_unit: Vec<Vec<usize>>,
    /// Workers of a centre role whose unit's jurisdiction holds a grid (filled on demand).
    in_scope: BTreeMap<(Role, AreaId), Vec<usize>>,
}

impl Staff {
    pub(super) fn new(model: &Model) -> Staff {
        let org = model.org();
        let mut staff = Staff {
            ids: Vec::with_capacity(org.workers().len()),
            by_role: BTreeMap::new(),
            of_grid: vec![Vec::new(); model.territory().len()],
            of_unit: vec![Vec::new(); org.units().len()],
            in_scope: BTreeMap::new(),
        };
        for (i, w) in org.workers().iter().enumerate() {
            staff.ids.push(Arc::from(w.id.as_str()));
            staff.by_role.entry(w.role).or_default().push(i);
            match w.role {
                Role::Supervisor => {
                    for g in &w.grids {
                        staff.of_grid[g.index()].push(i);
                    }
                }
                Role::Handler => staff.of_unit[w.unit.index()].push(i),
                _ => {}
            }
        }
        staff
    }

    /// Whether `unit` has handlers.
    pub(super) fn has_handlers(&self, unit: UnitId) -> bool {
        self.of_unit
            .get(unit.index())
            .is_some_and(|h| !h.is_empty())
    }

    /// Workers of `role` who may act on a case in `grid` dispatched to `unit`.
    fn candidates(
        &mut self,
        model: &Model,
        role: Role,
        grid: AreaId,
        unit: Option<UnitId>,
    ) -> &[usize] {
        match role {
            Role::Supervisor => self.of_grid.get(grid.index()).map_or(&[], Vec::as_slice),
            Role::Handler => unit
                .and_then(|u| self.of_unit.get(u.index()))
                .map_or(&[], Vec::as_slice),
            Role::Auditor => &[],
            _ => {
                let by_role = &self.by_role;
                self.in_scope.entry((role, grid)).or_insert_with(|| {
                    let org = model.org();
                    by_role.get(&role).map_or_else(Vec::new, |ws| {
                        ws.iter()
                            .copied()
                            .filter(|&w| {
                                org.in_jurisdiction(org.workers()[w].unit, grid, model.territory())
                            })
                            .collect()
                    })
                })
            }
        }
    }

    /// A worker allowed to perform `kind` on a case in `grid` dispatched to `unit`: of the first
    /// role of `prefer` that the permission matrix allows and that has someone in scope, else of
    /// any other allowed role.
    #[allow(
        clippy::too_many_arguments,
        reason = "a private helper taking disjoint borrows of the run"
    )]
    pub(super) fn pick(
        &mut self,
        model: &Model,
        perms: &Permissions,
        kind: ActionKind,
        prefer: &[Role],
        grid: AreaId,
        unit: Option<UnitId>,
        rng: &mut Rng,
    ) -> Option<Actor> {
        let allowed = perms.allowed(kind);
        let roles = prefer
            .iter()
            .copied()
            .chain(Role::ALL.into_iter().filter(|r| !prefer.contains(r)))
            .filter(|r| allowed.contains(&Party::Role(*r)));
        for role in roles {
            let c = self.candidates(model, role, grid, unit);
            if !c.is_empty() {
                let w = c[rng.below(c.len())];
                return Some(Actor::Worker(Arc::clone(&self.ids[w])));
            }
        }
        None
    }
}
