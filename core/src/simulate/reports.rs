//! The reports: every report of the window drawn in advance, day by day (volume, who reports,
//! when, in which grid, what), and each report's entry into the engine, where its case's fate
//! is drawn and its first step scheduled.

use std::sync::Arc;

use crate::access::Party;
use crate::calendar::{Millis, Window};
use crate::case::{ActionKind, Actor, Report, Source};
use crate::catalog::Family;
use crate::error::{Error, Result};
use crate::org::Role;
use crate::territory::AreaId;

use super::mix::{
    CITIZENS, DAY_OFF_PATROL, DAY_OFF_VOLUME, MINUTE, P_APPROVE, P_CALLBACK, P_INVALID, P_JOINT,
    P_ORDER, P_POSTPONE, P_REJECT, P_RETURN, P_SELF_HANDLE, P_SHELVE, P_SUBDISPATCH, P_URGENT,
    P_VOID, P_VOID_FILED, SUPERVISOR_SHARE,
};
use super::rng::Rng;
use super::run::{Fate, Run, Step};
use super::simulation::Simulation;

/// A report drawn in advance.
#[derive(Debug)]
pub(super) struct Planned {
    pub(super) at: Millis,
    actor: Actor,
    report: Report,
    self_handle: bool,
}

impl Run {
    /// Every report of the window, in time order.
    #[allow(
        clippy::too_many_lines,
        reason = "one pass over the days reads best in one place"
    )]
    pub(super) fn plan(
        &self,
        sim: &Simulation,
        start: Millis,
        end: Millis,
    ) -> Result<Vec<Planned>> {
        let model = &*self.model;
        let (cal, territory, catalog) = (model.calendar(), model.territory(), model.catalog());
        let mut rng = Rng::new(self.seed, 0);
        let sup_report = self
            .perms
            .permits(Party::Role(Role::Supervisor), ActionKind::Report);
        let citizen_report = self.perms.permits(Party::Citizen, ActionKind::Report);
        let self_handle = self
            .perms
            .permits(Party::Role(Role::Supervisor), ActionKind::SelfHandle);
        let supervisors: Vec<usize> = if sup_report {
            self.staff
                .by_role
                .get(&Role::Supervisor)
                .map_or_else(Vec::new, |s| {
                    s.iter()
                        .copied()
                        .filter(|&w| !model.org().workers()[w].grids.is_empty())
                        .collect()
                })
        } else {
            Vec::new()
        };
        // Public reports: grids with a supervisor (to verify), drawn by population.
        let mut public_grids: Vec<AreaId> = territory
            .grids()
            .iter()
            .copied()
            .filter(|g| !self.staff.of_grid[g.index()].is_empty())
            .collect();
        if public_grids.is_empty() {
            public_grids = territory.grids().to_vec();
        }
        let mut cumulative = Vec::with_capacity(public_grids.len());
        let mut total = 0u64;
        for g in &public_grids {
            total += territory.area(*g).population.unwrap_or(1).max(1);
            cumulative.push(total);
        }
        let by_family = |f: Family| -> Vec<usize> {
            (0..catalog.categories().len())
                .filter(|&i| catalog.categories()[i].family == f)
                .collect()
        };
        let (components, events) = (by_family(Family::Component), by_family(Family::Event));
        let other_urgencies: Vec<&str> = catalog
            .urgencies()
            .iter()
            .map(String::as_str)
            .filter(|u| *u != catalog.default_urgency())
            .collect();
        let can_supervisor = !supervisors.is_empty();
        let can_public = citizen_report && !territory.grids().is_empty();
        let mut out = Vec::new();
        if !(can_supervisor || can_public) || catalog.categories().is_empty() {
            return Ok(out);
        }
        let last = cal.try_local_date(end - 1)?;
        let mut date = cal.try_local_date(start)?;
        while date <= last {
            let workday = cal.is_workday(date)?;
            let volume =
                f64::from(sim.reports_per_day) * if workday { 1.0 } else { DAY_OFF_VOLUME };
            let n = (volume * rng.range(0.85, 1.15)).round() as usize;
            let mut patrol: Vec<(u16, u16)> = if workday {
                cal.windows_on(date)?
                    .iter()
                    .map(|w: &Window| (w.start, w.end))
                    .collect()
            } else {
                Vec::new()
            };
            if patrol.is_empty() {
                patrol = DAY_OFF_PATROL.to_vec();
            }
            let patrol_minutes: usize = patrol.iter().map(|(a, b)| usize::from(b - a)).sum();
            for _ in 0..n {
                let by_supervisor = can_supervisor && (!can_public || rng.chance(SUPERVISOR_SHARE));
                let (minute, actor, grid, source, contact) = if by_supervisor {
                    let mut m = rng.below(patrol_minutes);
                    let mut minute = 0;
                    for (a, b) in &patrol {
                        let len = usize::from(b - a);
                        if m < len {
                            minute = usize::from(*a) + m;
                            break;
                        }
                        m -= len;
                    }
                    let w = supervisors[rng.below(supervisors.len())];
                    let grids = &model.org().workers()[w].grids;
                    let grid = grids[rng.below(grids.len())];
                    let actor = Actor::Worker(Arc::clone(&self.staff.ids[w]));
                    (minute, actor, grid, Source::Supervisor, None)
                } else {
                    let minute = if rng.chance(0.93) {
                        7 * 60 + rng.below(16 * 60)
                    } else {
                        rng.below(24 * 60)
                    };
                    let r = rng.below(total as usize) as u64;
                    let grid = public_grids[cumulative.partition_point(|&c| c <= r)];
                    let citizen = rng.below(CITIZENS);
                    let u = rng.unit();
                    let source = if u < 0.5 {
                        Source::Hotline
                    } else if u < 0.9 {
                        Source::App
                    } else {
                        Source::Media
                    };
                    let contact = (source != Source::Media).then(|| format!("1380{citizen:07}"));
                    let actor = Actor::Citizen(format!("citizen-{citizen:04}").into());
                    (minute, actor, grid, source, contact)
                };
                let at = cal.local_instant(date, minute as u32) + rng.ms(0, MINUTE);
                let code = territory.area(grid).code.as_str();
                // mostly events from the public; components and events alike on patrol
                let family = if by_supervisor {
                    rng.chance(0.5)
                } else {
                    rng.chance(0.15)
                };
                let (first, second) = if family {
                    (&components, &events)
                } else {
                    (&events, &components)
                };
                let pool = if first.is_empty() { second } else { first };
                let mut category = None;
                for _ in 0..8 {
                    let c = &catalog.categories()[pool[rng.below(pool.len())]];
                    if model.route_detail(c.key.as_str(), code).is_ok() {
                        category = Some(c);
                        break;
                    }
                }
                let urgency = (!other_urgencies.is_empty() && rng.chance(P_URGENT))
                    .then(|| other_urgencies[rng.below(other_urgencies.len())].to_owned());
                let fix_on_spot = by_supervisor && self_handle && rng.chance(P_SELF_HANDLE);
                let Some(category) = category else { continue };
                if at < start || at >= end {
                    continue;
                }
                out.push(Planned {
                    at,
                    actor,
                    report: Report {
                        category: category.key.as_str().into(),
                        grid: code.into(),
                        point: None,
                        urgency,
                        source,
                        description: category.name.clone(),
                        contact,
                        contact_sha256: None,
                    },
                    self_handle: fix_on_spot,
                });
            }
            date = date
                .succ_opt()
                .ok_or_else(|| Error::invalid("date", date, "has no next day"))?;
        }
        out.sort_by_key(|p| p.at);
        Ok(out)
    }

    pub(super) fn report(&mut self, p: Planned) -> Result<()> {
        let public = matches!(p.actor, Actor::Citizen(_));
        let id = self.eng.report(p.actor, p.at, p.report)?;
        debug_assert_eq!(id as usize, self.fates.len() + 1);
        let mut rng = Rng::new(self.seed, id);
        let mut fate = Fate {
            public,
            reject: public && rng.chance(P_REJECT),
            invalid: public && rng.chance(P_INVALID),
            void: public && rng.chance(P_VOID),
            ret: rng.chance(P_RETURN),
            postpone: rng.chance(P_POSTPONE),
            approve: rng.chance(P_APPROVE),
            shelve: rng.chance(P_SHELVE),
            void_filed: rng.chance(P_VOID_FILED),
            order: rng.chance(P_ORDER),
            callback: public && rng.chance(P_CALLBACK),
            subdispatch: rng.chance(P_SUBDISPATCH),
            joint: rng.chance(P_JOINT),
            returned: false,
            late: false,
            was_late: false,
            rng,
        };
        if p.self_handle {
            let at = p.at + fate.rng.ms(5 * MINUTE, 40 * MINUTE);
            self.fates.push(fate);
            self.queue.insert((at, id), Step::SelfHandle);
            return Ok(());
        }
        self.fates.push(fate);
        // Accepted within the acceptance limit but for the share that goes late.
        self.schedule_on_time_mostly(id, p.at, Step::Intake)
    }
}
