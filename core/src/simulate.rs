//! A seeded simulator: a city's problems through the case engine, day after day, for demos,
//! benchmarks and the tests of everything that reads engine histories ("a month of the sample
//! city").
//!
//! [`simulate`] runs a [`Model`] through a new [`Engine`] over the window
//! `[start, start + days × 24 h)` and returns the engine with everything that happened: the
//! reports, every lifecycle action, and the escalations fired by a sweep every 30 minutes of
//! simulated time (and by the actions themselves). The result is a function of the model and the
//! [`Simulation`] alone: no clock, no threads, no hash-map iteration order; the same seed gives
//! an equal engine (`==`), and [`Engine::replay`] of its events gives it again.
//!
//! # The city's day
//!
//! | who | what |
//! |---|---|
//! | volume | `reports_per_day` (±15 %) on a working day of the model's calendar, 40 % of that on a day off (weekends, holidays; 调休 Saturdays count as working days) |
//! | supervisors (≈ 65 %) | report on patrol in one of their own grids, during the calendar's working windows (09:00–12:00 and 14:00–17:00 on days off), components and events alike; ≈ 5 % are fixed on the spot (`self_handle`) and closed |
//! | citizens (≈ 35 %) | report through the hotline (50 %, with a phone number as contact data), the app (40 %, also with contact) or the media (10 %), mostly events, 07:00–23:00 (a few at night), in a grid drawn by population; ≈ 3 % are rejected by the acceptor, ≈ 8 % verified as invalid, ≈ 3 % voided by the shift leader instead of filed |
//! | the centre | acceptors, shift leaders and dispatchers work 07:00–22:00 every day; untimed steps (accept, file, close, decisions) take minutes to two hours |
//! | timed stages | each step that ends a timed stage (verify, dispatch, handle, check) is placed relative to the stage's deadline ([`Engine::deadline`]), in the limit's own measure (working time or continuous time): most at 10–90 % of the time left; late ones 5–80 % of the limit past the deadline — 15 % of handling runs, 5 % of the other stages |
//! | departments | a handler of the dispatched unit starts soon; ≈ 4 % of cases are returned once and re-dispatched by the duty matrix (the centre upholds it); ≈ 5 % ask for a postponement (30–100 % of the limit), approved (70 %) or denied by a shift leader or dispatcher; ≈ 1 % are shelved (挂账) with a shift leader's approval and stay shelved |
//! | checks | a supervisor of the grid checks; ≈ 12 % fail (at most twice per case) and go back to the unit for rework |
//! | citizens again | 85 % of closed public cases are rated, mostly 4–5 (lower after a rework or a late handling); ≈ 35 % of ratings of 1–2 get the case reopened once by a shift leader, and it runs again from dispatch |
//! | sweeps | [`Engine::sweep`] every 30 minutes and at the end of the window |
//!
//! Actors are drawn (seeded) among the workers whose role the model's permission matrix allows
//! for the action, preferring the role of the default matrix, and within their scope
//! ([`crate::access`]): supervisors of the case's grid, handlers of the case's unit, centre
//! roles whose unit's jurisdiction holds the grid. So no action is refused. When nobody may do a
//! step (say, a unit with no handler), that case stops where it is — a dispatched case then
//! simply runs overdue and escalates, as it would in the city. In the sample city every unit
//! the duty matrix routes to has handlers. Reports are drawn only for (category, grid) pairs the
//! duty matrix can route, and public reports only in grids that have a supervisor (someone must
//! verify them).
//!
//! What is still running at the end of the window stays as it is (open cases, pending requests,
//! unrated cases): the engine is a snapshot of the city at that instant. Deadlines must be
//! computable, so a window that ends close to the end of the calendar's covered years may fail
//! with [`Error::CalendarRange`] naming the first uncovered date; extend the calendar.
//!
//! ```
//! use std::sync::Arc;
//! use gridgov::simulate::{Simulation, simulate};
//!
//! let model = Arc::new(gridgov::Model::sample());
//! let start = model.calendar().parse_local("2026-03-02")?;      // a Monday
//! let eng = simulate(Arc::clone(&model), &Simulation::new(start, 2))?;
//! assert!(eng.cases().len() > 150 && eng.denials().is_empty());
//! assert!(eng == simulate(model, &Simulation::new(start, 2))?);  // deterministic
//! # Ok::<(), gridgov::Error>(())
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::access::{Party, Permissions};
use crate::calendar::{DAY_MS, MINUTE_MS, Millis, TimeLimit, Window};
use crate::case::{Action, ActionKind, Actor, CaseId, Report, Source};
use crate::catalog::Family;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::escalation::EscalationAction;
use crate::model::Model;
use crate::org::{Role, UnitId};
use crate::territory::AreaId;

/// What to simulate: the window, the seed and the volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Simulation {
    /// First instant of the window (epoch milliseconds, UTC); usually local midnight.
    pub start: Millis,
    /// Length of the window in days of 24 hours (at least 1).
    pub days: u32,
    /// The seed: the same seed (and model) gives the same history.
    pub seed: u64,
    /// Reports on a working day (a day off gets 40 % of it); default 120.
    pub reports_per_day: u32,
}

impl Simulation {
    /// Reports on a working day unless told otherwise.
    pub const DEFAULT_REPORTS_PER_DAY: u32 = 120;
    /// The seed unless told otherwise.
    pub const DEFAULT_SEED: u64 = 1;
    /// The longest window, in days (ten years).
    pub const MAX_DAYS: u32 = 3660;
    /// The most reports per working day.
    pub const MAX_REPORTS_PER_DAY: u32 = 100_000;

    /// `days` days from `start`, with seed 1 and 120 reports per working day.
    pub fn new(start: Millis, days: u32) -> Simulation {
        Simulation {
            start,
            days,
            seed: Simulation::DEFAULT_SEED,
            reports_per_day: Simulation::DEFAULT_REPORTS_PER_DAY,
        }
    }

    /// The same with another seed.
    #[must_use]
    pub fn with_seed(self, seed: u64) -> Simulation {
        Simulation { seed, ..self }
    }

    /// The same with another volume.
    #[must_use]
    pub fn with_reports_per_day(self, reports_per_day: u32) -> Simulation {
        Simulation {
            reports_per_day,
            ..self
        }
    }

    /// Checks the parameters against the model's calendar; returns the window `(start, end)`.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] for `days` 0 or above [`Simulation::MAX_DAYS`], too many reports
    /// per day, a `NaT` start or a window that overflows; [`Error::CalendarRange`] when the
    /// window's first or last day lies outside the calendar's covered years.
    pub fn window(&self, model: &Model) -> Result<(Millis, Millis)> {
        if self.start == i64::MIN {
            return Err(Error::invalid("start", "NaT", "is not a time"));
        }
        if self.days == 0 || self.days > Simulation::MAX_DAYS {
            return Err(Error::invalid(
                "days",
                self.days,
                format!("must be from 1 to {}", Simulation::MAX_DAYS),
            ));
        }
        if self.reports_per_day > Simulation::MAX_REPORTS_PER_DAY {
            return Err(Error::invalid(
                "reports_per_day",
                self.reports_per_day,
                format!("must be at most {}", Simulation::MAX_REPORTS_PER_DAY),
            ));
        }
        let end = self
            .start
            .checked_add(i64::from(self.days) * DAY_MS)
            .ok_or_else(|| Error::invalid("start", self.start, "the window overflows"))?;
        let cal = model.calendar();
        for t in [self.start, end - 1] {
            cal.is_workday(cal.try_local_date(t)?)?;
        }
        Ok((self.start, end))
    }
}

/// Runs `model` through a new engine as described in the [module documentation](self).
///
/// # Errors
/// As [`Simulation::window`] for bad parameters; [`Error::CalendarRange`] when a deadline or an
/// escalation instant falls past the calendar's covered years. No action is refused: an engine
/// error other than these is a bug of the simulator.
pub fn simulate(model: Arc<Model>, sim: &Simulation) -> Result<Engine> {
    let (start, end) = sim.window(&model)?;
    let run = Run::new(model, sim.seed);
    let plan = run.plan(sim, start, end)?;
    run.run(plan, start, end)
}

// ---------------------------------------------------------------------------------------------
// Shares of the mix (see the module documentation).
// ---------------------------------------------------------------------------------------------

const MINUTE: i64 = MINUTE_MS;
const HOUR: i64 = 60 * MINUTE_MS;
const SWEEP_EVERY: i64 = 30 * MINUTE_MS;

const SUPERVISOR_SHARE: f64 = 0.65;
const DAY_OFF_VOLUME: f64 = 0.4;
const P_URGENT: f64 = 0.1;
const P_REJECT: f64 = 0.03;
const P_INVALID: f64 = 0.08;
const P_VOID: f64 = 0.03;
const P_SELF_HANDLE: f64 = 0.05;
const P_RETURN: f64 = 0.04;
const P_LATE_HANDLE: f64 = 0.15;
const P_LATE_OTHER: f64 = 0.05;
const P_POSTPONE: f64 = 0.05;
const P_APPROVE: f64 = 0.7;
const P_SHELVE: f64 = 0.01;
const P_CHECK_FAIL: f64 = 0.12;
const MAX_REWORK: u32 = 2;
const P_RATE: f64 = 0.85;
const P_REOPEN: f64 = 0.35;
/// Distinct citizens who report.
const CITIZENS: usize = 5000;
/// The centre's hours (minutes from local midnight), every day.
const CENTRE_HOURS: (u32, u32) = (7 * 60, 22 * 60);
/// When citizens rate (minutes from local midnight).
const CITIZEN_HOURS: (u32, u32) = (8 * 60, 22 * 60);
/// Supervisors' patrol windows on a day off (and on a working day without windows).
const DAY_OFF_PATROL: [(u16, u16); 2] = [(9 * 60, 12 * 60), (14 * 60, 17 * 60)];

/// `SplitMix64`: small, fast, and the same on every platform.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    /// An independent stream per (seed, stream).
    fn new(seed: u64, stream: u64) -> Rng {
        let mut r = Rng(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        let s = r.next();
        Rng(s ^ stream)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `0..n` (0 for `n == 0`).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform milliseconds in `[lo, hi)`.
    fn ms(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo).max(1) as usize) as i64
    }
}

/// The next thing to happen to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// The acceptor accepts or rejects.
    Intake,
    /// The reporting supervisor fixes it on the spot.
    SelfHandle,
    /// A supervisor of the grid verifies.
    Verify,
    /// The shift leader files or voids.
    File,
    /// The dispatcher dispatches (again).
    Dispatch,
    /// A handler starts or returns it.
    Receive,
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
struct Fate {
    rng: Rng,
    public: bool,
    reject: bool,
    invalid: bool,
    void: bool,
    ret: bool,
    postpone: bool,
    approve: bool,
    shelve: bool,
    returned: bool,
    /// The current handling run is late.
    late: bool,
    /// Some handling run was late (citizens notice).
    was_late: bool,
}

/// A report drawn in advance.
#[derive(Debug)]
struct Planned {
    at: Millis,
    actor: Actor,
    report: Report,
    self_handle: bool,
}

/// The workers, indexed for drawing actors within their scope.
#[derive(Debug)]
struct Staff {
    ids: Vec<Arc<str>>,
    by_role: BTreeMap<Role, Vec<usize>>,
    /// Supervisors by grid (area index).
    of_grid: Vec<Vec<usize>>,
    /// Handlers by unit index.
    of_unit: Vec<Vec<usize>>,
    /// Workers of a centre role whose unit's jurisdiction holds a grid (filled on demand).
    in_scope: BTreeMap<(Role, AreaId), Vec<usize>>,
}

impl Staff {
    fn new(model: &Model) -> Staff {
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
    fn pick(
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

/// One simulation in progress.
struct Run {
    model: Arc<Model>,
    eng: Engine,
    perms: Permissions,
    staff: Staff,
    fates: Vec<Fate>,
    /// The next step of each case in progress, by (instant, case): one per case at most.
    queue: BTreeMap<(Millis, CaseId), Step>,
    seed: u64,
    /// The model has escalation rules that move cases to another unit: sweep before a handler
    /// acts, so that the handler is drawn from the case's unit as it is then.
    reassigning: bool,
}

impl Run {
    fn new(model: Arc<Model>, seed: u64) -> Run {
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

    // -- the reports ------------------------------------------------------------------------

    /// Every report of the window, in time order.
    #[allow(
        clippy::too_many_lines,
        reason = "one pass over the days reads best in one place"
    )]
    fn plan(&self, sim: &Simulation, start: Millis, end: Millis) -> Result<Vec<Planned>> {
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

    // -- the loop ---------------------------------------------------------------------------

    fn run(mut self, plan: Vec<Planned>, start: Millis, end: Millis) -> Result<Engine> {
        self.fates.reserve(plan.len());
        self.eng.reserve(plan.len() * 12);
        let mut reports = plan.into_iter().peekable();
        let mut cut = (start.div_euclid(SWEEP_EVERY) + 1) * SWEEP_EVERY;
        loop {
            let now = cut.min(end);
            // everything up to the sweep (the window's end is excluded)
            let limit = if now == end { end - 1 } else { now };
            loop {
                let r = reports.peek().map(|p| p.at).filter(|&a| a <= limit);
                let q = self
                    .queue
                    .first_key_value()
                    .map(|(&(a, _), _)| a)
                    .filter(|&a| a <= limit);
                match (r, q) {
                    (None, None) => break,
                    (Some(a), Some(b)) if b < a => self.next_step()?,
                    (Some(_), _) => {
                        if let Some(p) = reports.next() {
                            self.report(p)?;
                        }
                    }
                    (None, Some(_)) => self.next_step()?,
                }
            }
            self.eng.sweep(now)?;
            if now == end {
                return Ok(self.eng);
            }
            cut += SWEEP_EVERY;
        }
    }

    fn report(&mut self, p: Planned) -> Result<()> {
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
            returned: false,
            late: false,
            was_late: false,
            rng,
        };
        let (at, step) = if p.self_handle {
            (
                p.at + fate.rng.ms(5 * MINUTE, 40 * MINUTE),
                Step::SelfHandle,
            )
        } else {
            let t = p.at + fate.rng.ms(2 * MINUTE, 20 * MINUTE);
            (self.hours(t, CENTRE_HOURS, &mut fate.rng)?, Step::Intake)
        };
        self.fates.push(fate);
        self.queue.insert((at, id), step);
        Ok(())
    }

    fn next_step(&mut self) -> Result<()> {
        let Some(((t, id), step)) = self.queue.pop_first() else {
            return Ok(());
        };
        self.step(id, t, step)
    }

    // -- helpers ----------------------------------------------------------------------------

    fn rng(&mut self, id: CaseId) -> &mut Rng {
        &mut self.fates[(id - 1) as usize].rng
    }

    fn fate(&mut self, id: CaseId) -> &mut Fate {
        &mut self.fates[(id - 1) as usize]
    }

    fn schedule(&mut self, id: CaseId, at: Millis, step: Step) {
        self.queue.insert((at, id), step);
    }

    /// A worker allowed to perform `kind` on case `id` now (see [`Staff::pick`]).
    fn who(&mut self, id: CaseId, kind: ActionKind, prefer: &[Role]) -> Result<Option<Actor>> {
        let c = self.eng.case(id)?;
        let (grid, unit) = (c.grid, c.unit);
        let idx = (id - 1) as usize;
        Ok(self.staff.pick(
            &self.model,
            &self.perms,
            kind,
            prefer,
            grid,
            unit,
            &mut self.fates[idx].rng,
        ))
    }

    /// The reporter of case `id`, when `party` may perform `kind` (self-handling, rating).
    fn reporter_if(&self, id: CaseId, party: Party, kind: ActionKind) -> Result<Option<Actor>> {
        let reporter = &self.eng.case(id)?.reporter;
        Ok(self.perms.permits(party, kind).then(|| reporter.clone()))
    }

    fn act(&mut self, id: CaseId, actor: Actor, at: Millis, action: Action) -> Result<()> {
        self.eng.act(id, actor, at, action).map(|_| ())
    }

    /// `t`, or the next opening of the daily `hours` (with a few minutes' jitter) when `t`
    /// falls outside them.
    fn hours(&self, t: Millis, hours: (u32, u32), rng: &mut Rng) -> Result<Millis> {
        let cal = self.model.calendar();
        let date: NaiveDate = cal.try_local_date(t)?;
        let minute = (t - cal.local_instant(date, 0)) / MINUTE;
        let jitter = rng.ms(0, 30 * MINUTE);
        Ok(if minute < i64::from(hours.0) {
            cal.local_instant(date, hours.0) + jitter
        } else if minute >= i64::from(hours.1) {
            cal.local_instant(date, 24 * 60 + hours.0) + jitter
        } else {
            t
        })
    }

    /// `t` plus a delay drawn in `[lo, hi)`, moved into the centre's hours.
    fn centre(&mut self, id: CaseId, t: Millis, lo: i64, hi: i64) -> Result<Millis> {
        let mut rng = self.rng(id).clone();
        let at = t + rng.ms(lo, hi);
        let at = self.hours(at, CENTRE_HOURS, &mut rng)?;
        *self.rng(id) = rng;
        Ok(at)
    }

    /// When the step that ends the running timed stage of case `id` happens, from `t`: on time,
    /// a share in `[lo, hi)` of the time left to the deadline; late, 5–80 % of the limit past
    /// the deadline. Both in the limit's own measure (working or continuous time).
    fn stage_time(
        &mut self,
        id: CaseId,
        t: Millis,
        late: bool,
        lo: f64,
        hi: f64,
    ) -> Result<Millis> {
        let c = self.eng.case(id)?;
        let Some(timer) = &c.timer else {
            return Ok(t + self.rng(id).ms(10 * MINUTE, HOUR));
        };
        let model = Arc::clone(&self.model);
        let cal = model.calendar();
        let (minutes, working) = match timer.limit {
            TimeLimit::Working { minutes } => (minutes, true),
            TimeLimit::WorkingDays { days } => (days * cal.day_length_minutes(), true),
            TimeLimit::Continuous { minutes } => (minutes, false),
        };
        let limit_ms = minutes.saturating_add(timer.extension_minutes) * MINUTE;
        let Some(deadline) = self.eng.deadline(id)? else {
            return Ok(t + self.rng(id).ms(10 * MINUTE, HOUR));
        };
        let rng = self.rng(id);
        if !late && deadline > t {
            let share = rng.range(lo, hi);
            return if working {
                let left = cal.working_between(t, deadline)?;
                cal.add_working(t, (left as f64 * share) as i64)
            } else {
                Ok(t + ((deadline - t) as f64 * share) as i64)
            };
        }
        if !late {
            // already overdue: as soon as possible
            return Ok(t + rng.ms(5 * MINUTE, 30 * MINUTE));
        }
        let over = ((limit_ms as f64 * rng.range(0.05, 0.8)) as i64).max(10 * MINUTE);
        let base = deadline.max(t);
        if working {
            cal.add_working(base, over)
        } else {
            Ok(base + over)
        }
    }

    /// Whether the next run of a stage other than handling is late.
    fn late_other(&mut self, id: CaseId) -> bool {
        self.rng(id).chance(P_LATE_OTHER)
    }

    /// Schedules the handling of case `id` (a new run: late or not).
    fn schedule_handle(&mut self, id: CaseId, t: Millis, lo: f64) -> Result<()> {
        let at = {
            let late = self.fate(id).late;
            self.stage_time(id, t, late, lo, 0.9)?
        };
        self.schedule(id, at, Step::Handle);
        Ok(())
    }

    fn new_handling_run(&mut self, id: CaseId) {
        let f = self.fate(id);
        f.late = f.rng.chance(P_LATE_HANDLE);
        f.was_late |= f.late;
    }

    fn schedule_dispatch(&mut self, id: CaseId, t: Millis) -> Result<()> {
        let late = self.late_other(id);
        let at = self.stage_time(id, t, late, 0.1, 0.9)?;
        self.schedule(id, at, Step::Dispatch);
        Ok(())
    }

    fn schedule_close(&mut self, id: CaseId, t: Millis) -> Result<()> {
        let at = self.centre(id, t, 10 * MINUTE, 2 * HOUR)?;
        self.schedule(id, at, Step::Close);
        Ok(())
    }

    /// A handler of the case's unit (after the escalations due, when they may move it).
    fn handler(&mut self, id: CaseId, t: Millis, kind: ActionKind) -> Result<Option<Actor>> {
        if self.reassigning {
            self.eng.sweep(t)?;
        }
        self.who(id, kind, &[Role::Handler])
    }

    // -- the steps --------------------------------------------------------------------------

    #[allow(
        clippy::too_many_lines,
        reason = "one arm per step of the lifecycle reads best as one table"
    )]
    fn step(&mut self, id: CaseId, t: Millis, step: Step) -> Result<()> {
        use ActionKind as K;
        let public = self.fate(id).public;
        match step {
            Step::Intake => {
                if public && self.fate(id).reject {
                    if let Some(actor) = self.who(id, K::Reject, &[Role::Acceptor])? {
                        let reason = "not a matter for urban management: referred to 110".into();
                        self.act(id, actor, t, Action::Reject { reason })?;
                    }
                    return Ok(());
                }
                let Some(actor) = self.who(id, K::Accept, &[Role::Acceptor])? else {
                    return Ok(());
                };
                self.act(id, actor, t, Action::Accept)?;
                if public {
                    let late = self.late_other(id);
                    let at = self.stage_time(id, t, late, 0.1, 0.9)?;
                    self.schedule(id, at, Step::Verify);
                } else {
                    let at = self.centre(id, t, 5 * MINUTE, 30 * MINUTE)?;
                    self.schedule(id, at, Step::File);
                }
            }
            Step::SelfHandle => {
                let Some(actor) =
                    self.reporter_if(id, Party::Role(Role::Supervisor), K::SelfHandle)?
                else {
                    return Ok(());
                };
                let result = "fixed on the spot".into();
                self.act(id, actor, t, Action::SelfHandle { result })?;
                self.schedule_close(id, t)?;
            }
            Step::Verify => {
                let Some(actor) = self.who(id, K::Verify, &[Role::Supervisor])? else {
                    return Ok(());
                };
                let valid = !self.fate(id).invalid;
                self.act(id, actor, t, Action::Verify { valid })?;
                if valid {
                    let at = self.centre(id, t, 5 * MINUTE, 30 * MINUTE)?;
                    self.schedule(id, at, Step::File);
                }
            }
            Step::File => {
                if public && self.fate(id).void {
                    if let Some(actor) = self.who(id, K::Void, &[Role::ShiftLeader])? {
                        let reason = "duplicate of an open case".into();
                        self.act(id, actor, t, Action::Void { reason })?;
                    }
                    return Ok(());
                }
                let Some(actor) = self.who(id, K::File, &[Role::ShiftLeader])? else {
                    return Ok(());
                };
                self.act(id, actor, t, Action::File)?;
                self.schedule_dispatch(id, t)?;
            }
            Step::Dispatch => {
                let Some(actor) = self.who(id, K::Dispatch, &[Role::Dispatcher])? else {
                    return Ok(());
                };
                let action = Action::Dispatch {
                    unit: None,
                    reason: None,
                };
                self.act(id, actor, t, action)?;
                let at = self.stage_time(id, t, false, 0.02, 0.2)?;
                self.schedule(id, at, Step::Receive);
            }
            Step::Receive => {
                let fate = self.fate(id);
                if fate.ret && !fate.returned {
                    let Some(actor) = self.handler(id, t, K::Return)? else {
                        return Ok(());
                    };
                    let reason = "not our responsibility: please re-dispatch".into();
                    self.act(id, actor, t, Action::Return { reason })?;
                    self.fate(id).returned = true;
                    self.schedule_dispatch(id, t)?;
                    return Ok(());
                }
                let Some(actor) = self.handler(id, t, K::Start)? else {
                    return Ok(());
                };
                self.act(id, actor, t, Action::Start)?;
                self.new_handling_run(id);
                let fate = self.fate(id);
                let (shelve, postpone) = (fate.shelve, fate.postpone);
                if shelve {
                    let at = self.stage_time(id, t, false, 0.1, 0.4)?;
                    self.schedule(id, at, Step::RequestShelve);
                } else if postpone {
                    let at = self.stage_time(id, t, false, 0.3, 0.7)?;
                    self.schedule(id, at, Step::RequestPostpone);
                } else {
                    self.schedule_handle(id, t, 0.1)?;
                }
            }
            Step::RequestShelve => {
                let Some(actor) = self.handler(id, t, K::RequestShelve)? else {
                    return Ok(());
                };
                let reason = "needs a budgeted repair project".into();
                self.act(id, actor, t, Action::RequestShelve { reason })?;
                let at = self.centre(id, t, HOUR, 8 * HOUR)?;
                self.schedule(id, at, Step::ApproveShelve);
            }
            Step::ApproveShelve => {
                let prefer = [Role::ShiftLeader, Role::Manager];
                if let Some(actor) = self.who(id, K::ApproveShelve, &prefer)? {
                    self.act(id, actor, t, Action::ApproveShelve)?;
                }
            }
            Step::RequestPostpone => {
                let Some(actor) = self.handler(id, t, K::RequestPostpone)? else {
                    return Ok(());
                };
                let minutes = {
                    let case = self.eng.case(id)?;
                    let day = self.model.calendar().day_length_minutes();
                    let limit =
                        case.timer
                            .as_ref()
                            .map_or(8 * 60, |timer| match timer.limit {
                                TimeLimit::Working { minutes }
                                | TimeLimit::Continuous { minutes } => minutes,
                                TimeLimit::WorkingDays { days } => days * day,
                            });
                    let share = self.rng(id).range(0.3, 1.0);
                    (((limit as f64 * share) / 30.0).round() as i64 * 30).clamp(30, 366 * 24 * 60)
                };
                self.act(id, actor, t, Action::RequestPostpone { minutes })?;
                let at = self.centre(id, t, 10 * MINUTE, 2 * HOUR)?;
                self.schedule(id, at, Step::DecidePostpone);
            }
            Step::DecidePostpone => {
                let approve = self.fate(id).approve;
                let (kind, action) = if approve {
                    (K::ApprovePostpone, Action::ApprovePostpone)
                } else {
                    (K::DenyPostpone, Action::DenyPostpone)
                };
                let prefer = if self.rng(id).chance(0.5) {
                    [Role::ShiftLeader, Role::Dispatcher]
                } else {
                    [Role::Dispatcher, Role::ShiftLeader]
                };
                let Some(actor) = self.who(id, kind, &prefer)? else {
                    return Ok(());
                };
                self.act(id, actor, t, action)?;
                self.schedule_handle(id, t, 0.2)?;
            }
            Step::Handle => {
                let Some(actor) = self.handler(id, t, K::Handle)? else {
                    return Ok(());
                };
                let result = "done".into();
                self.act(id, actor, t, Action::Handle { result })?;
                let late = self.late_other(id);
                let at = self.stage_time(id, t, late, 0.1, 0.9)?;
                self.schedule(id, at, Step::Check);
            }
            Step::Check => {
                let Some(actor) = self.who(id, K::Check, &[Role::Supervisor])? else {
                    return Ok(());
                };
                let reworked = self.eng.case(id)?.rework_count;
                let passed = reworked >= MAX_REWORK || !self.rng(id).chance(P_CHECK_FAIL);
                self.act(id, actor, t, Action::Check { passed })?;
                if passed {
                    self.schedule_close(id, t)?;
                } else {
                    self.new_handling_run(id);
                    self.schedule_handle(id, t, 0.2)?;
                }
            }
            Step::Close => {
                let Some(actor) = self.who(id, K::Close, &[Role::ShiftLeader])? else {
                    return Ok(());
                };
                let reason = if self.eng.case(id)?.self_handled {
                    "fixed on the spot by the supervisor"
                } else {
                    "fixed"
                };
                let reason = reason.into();
                self.act(id, actor, t, Action::Close { reason })?;
                if public
                    && self.reporter_if(id, Party::Citizen, K::Rate)?.is_some()
                    && self.rng(id).chance(P_RATE)
                {
                    let mut rng = self.rng(id).clone();
                    let at = t + rng.ms(HOUR, 48 * HOUR);
                    let at = self.hours(at, CITIZEN_HOURS, &mut rng)?;
                    *self.rng(id) = rng;
                    self.schedule(id, at, Step::Rate);
                }
            }
            Step::Rate => {
                let Some(actor) = self.reporter_if(id, Party::Citizen, K::Rate)? else {
                    return Ok(());
                };
                let case = self.eng.case(id)?;
                let (reworked, reopened) = (case.rework_count > 0, case.reopen_count > 0);
                let fate = self.fate(id);
                let weights: [f64; 5] = if reworked || fate.was_late {
                    [0.14, 0.14, 0.17, 0.30, 0.25]
                } else {
                    [0.04, 0.04, 0.07, 0.27, 0.58]
                };
                let mut u = fate.rng.unit();
                let mut satisfaction = 5;
                for (i, w) in weights.iter().enumerate() {
                    if u < *w {
                        satisfaction = i as u8 + 1;
                        break;
                    }
                    u -= w;
                }
                self.act(id, actor, t, Action::Rate { satisfaction })?;
                if satisfaction <= 2 && !reopened && self.rng(id).chance(P_REOPEN) {
                    let at = self.centre(id, t, 30 * MINUTE, 6 * HOUR)?;
                    self.schedule(id, at, Step::Reopen);
                }
            }
            Step::Reopen => {
                let prefer = [Role::ShiftLeader, Role::Manager];
                let Some(actor) = self.who(id, K::Reopen, &prefer)? else {
                    return Ok(());
                };
                let reason = "justified complaint: the problem is back".into();
                self.act(id, actor, t, Action::Reopen { reason })?;
                self.schedule_dispatch(id, t)?;
            }
        }
        Ok(())
    }
}

/// What happened in an engine's history, counted the way the simulator aims at it (for tests,
/// demos and reports): cases per state, and cases that went through returns, reworks,
/// postponements, shelving, self-handling, ratings and reopenings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Cases.
    pub cases: usize,
    /// Events.
    pub events: usize,
    /// Cases per current state (the states that occur), by `snake_case` name.
    pub states: BTreeMap<&'static str, usize>,
    /// Cases reported by citizens (hotline, app, media).
    pub public: usize,
    /// Cases returned by a unit and dispatched again.
    pub returned_and_redispatched: usize,
    /// Cases with a failed check (rework).
    pub reworked: usize,
    /// Cases with an approved postponement.
    pub postponed: usize,
    /// Cases with a denied postponement.
    pub postponement_denied: usize,
    /// Cases shelved at some point.
    pub shelved: usize,
    /// Cases fixed on the spot by their supervisor.
    pub self_handled: usize,
    /// Cases rated by their citizen.
    pub rated: usize,
    /// Cases reopened.
    pub reopened: usize,
    /// Handling runs ended by a `handle` action.
    pub handled: usize,
    /// Of those, the runs handled after their deadline (approved postponements included;
    /// shelving pauses are not subtracted).
    pub handled_late: usize,
    /// Escalation events.
    pub escalations: usize,
}

/// What [`Counts::of`] saw of one case.
#[derive(Clone, Default)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "independent flags of one history"
)]
struct Seen {
    returned: bool,
    redispatched: bool,
    postponed: bool,
    denied: bool,
    shelved: bool,
    rated: bool,
    /// The handling run: its start, limit and approved extension (minutes).
    run: Option<(Millis, TimeLimit, i64)>,
    pending: i64,
}

impl Counts {
    /// Counts the history of `eng`.
    ///
    /// # Errors
    /// [`Error::CalendarRange`] when a handling deadline cannot be computed.
    pub fn of(eng: &Engine) -> Result<Counts> {
        use crate::event::EventBody;
        let cal = eng.model().calendar();
        let n = eng.cases().len();
        let mut c = Counts {
            cases: n,
            events: eng.events().len(),
            ..Counts::default()
        };
        for case in eng.cases() {
            *c.states.entry(case.state.as_str()).or_default() += 1;
        }
        let mut seen = vec![Seen::default(); n];
        for e in eng.events() {
            let s = &mut seen[(e.case - 1) as usize];
            match &e.body {
                EventBody::Escalation(_) => c.escalations += 1,
                EventBody::Report(r) => c.public += usize::from(r.source.is_public()),
                EventBody::Action(a) => match a {
                    Action::Return { .. } => s.returned = true,
                    Action::Dispatch { .. } | Action::Check { passed: false } => {
                        s.redispatched |= s.returned && matches!(a, Action::Dispatch { .. });
                        s.run = e.limit.map(|l| (e.at, l, 0));
                    }
                    Action::RequestPostpone { minutes } => s.pending = *minutes,
                    Action::ApprovePostpone => {
                        s.postponed = true;
                        if let Some(run) = &mut s.run {
                            run.2 += s.pending;
                        }
                    }
                    Action::DenyPostpone => s.denied = true,
                    Action::ApproveShelve => s.shelved = true,
                    Action::Rate { .. } => s.rated = true,
                    Action::Handle { .. } => {
                        c.handled += 1;
                        if let Some((start, limit, ext)) = s.run {
                            let (minutes, working) = match limit {
                                TimeLimit::Working { minutes } => (minutes, true),
                                TimeLimit::WorkingDays { days } => {
                                    (days * cal.day_length_minutes(), true)
                                }
                                TimeLimit::Continuous { minutes } => (minutes, false),
                            };
                            let ms = minutes.saturating_add(ext) * MINUTE;
                            let due = if working {
                                cal.add_working(start, ms)?
                            } else {
                                start + ms
                            };
                            c.handled_late += usize::from(e.at > due);
                        }
                    }
                    _ => {}
                },
            }
        }
        let count = |f: fn(&Seen) -> bool| seen.iter().filter(|s| f(s)).count();
        c.returned_and_redispatched = count(|s| s.redispatched);
        c.postponed = count(|s| s.postponed);
        c.postponement_denied = count(|s| s.denied);
        c.shelved = count(|s| s.shelved);
        c.rated = count(|s| s.rated);
        c.reworked = eng.cases().iter().filter(|x| x.rework_count > 0).count();
        c.reopened = eng.cases().iter().filter(|x| x.reopen_count > 0).count();
        c.self_handled = eng.cases().iter().filter(|x| x.self_handled).count();
        Ok(c)
    }
}
