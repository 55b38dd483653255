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
//! | citizens (≈ 35 %) | report through the hotline (50 %, with a phone number as contact data), the app (40 %, also with contact) or the media (10 %), mostly events, 07:00–23:00 (a few at night), in a grid drawn by population; ≈ 3 % are rejected by the acceptor, ≈ 8 % verified as invalid, ≈ 3 % voided by the shift leader instead of filed; ≈ 1 % of all cases, once filed, get a void request from the shift leader (作废: duplicate 50 %, outside city management 15 %, problem gone 35 %), which a manager approves (80 %: voided) or denies (dispatched) |
//! | the centre | acceptors, shift leaders and dispatchers work 07:00–22:00 every day; the centre's steps (accept, file, close) and decisions take minutes to two hours — accept, file and close are timed by the engine too (10 working minutes in the default catalog), so many run overdue and escalate to the shift leader, as in a centre behind on its queue; sources are verified or filed straight away as the model's `verified_sources` say |
//! | timed stages | each step that ends a timed stage (verify, dispatch, handle, check) is placed relative to the stage's deadline ([`Engine::deadline`]), in the limit's own measure (working time or continuous time): most at 10–90 % of the time left; late ones 5–80 % of the limit past the deadline — 15 % of handling runs, 5 % of the other stages |
//! | departments | a handler of the dispatched unit starts soon; ≈ 4 % of cases get a return request once (回退: cause wrong unit 60 %, outside the unit's duty 25 %, other 15 %), which a shift leader approves (75 %: the case is re-dispatched by the duty matrix) or denies (the unit starts on it); ≈ 5 % ask for a postponement (30–100 % of the limit), approved (70 %) or denied by a shift leader or dispatcher; ≈ 1 % are shelved (挂账) with a shift leader's approval and stay shelved; ≈ 3 % get a 督办 order from a manager when the unit starts (20 % of them a leader's), which the unit answers at its next step — on time or late as its work goes, an unanswered order escalating at its reply deadline |
//! | two-level and joint dispatch | ≈ 30 % of the cases a unit receives are passed on (二级派遣) by one of its handlers to a sub-unit with handlers whose jurisdiction holds the grid (in the sample city, 环卫 cases of the east district go from SANIT to SANIT-E), whose handlers then work on it; ≈ 3 % of dispatched cases get one co-handler (协办; two for 30 % of them), a department with handlers other than the lead, named by the dispatcher at the dispatch; each co-handler feeds back (`co_feedback`) before the lead does, at a time drawn between the case's last event and the lead's feedback |
//! | checks | a supervisor of the grid checks; ≈ 12 % fail (at most twice per case) and go back to the unit for rework, on the handling deadline they failed (or a restarted one, as the model's `rework` says) |
//! | callbacks | before closing, the acceptor calls back half of the checked public cases (回访), the rating drawn as the citizens' below; a rating under the model's `satisfied` sends the case back for redo when the model says so (the sample city does) |
//! | citizens again | 85 % of closed public cases are rated, mostly 4–5 (lower after a rework or a late handling); ≈ 35 % of ratings of 1–2 get the case reopened once by a shift leader, and it runs again from dispatch |
//! | rates | the shares of returns, voids, 督办 orders, callbacks, second-level and joint dispatch and their causes, levels and decisions are our assumptions: no published rates were found (the approval rules themselves follow a centre's 2014 notice, see [`crate::case`]) |
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
//!
//! # Where things are
//!
//! - `mod.rs`: [`simulate`] and its loop: the reports and the cases' next steps in time order,
//!   a sweep every 30 minutes.
//! - `simulation.rs`: [`Simulation`], the parameters, and their checks.
//! - `reports.rs`: the reports of every day, drawn in advance, and each report's entry into the
//!   engine with its case's fate.
//! - `run.rs`: one simulation in progress (the engine, the cases' fates, the queue of next
//!   steps) and drawing an actor allowed to act.
//! - `steps.rs`: the per-stage actors: what each step does and what it schedules next.
//! - `timing.rs`: when steps happen: the centre's and the citizens' hours, times relative to a
//!   stage's deadline, late runs.
//! - `staff.rs`: the workers, indexed by role, grid, unit and scope.
//! - `mix.rs`: the shares and hours of the table above.
//! - `rng.rs`: the seeded random streams (`SplitMix64`).
//! - `counts.rs`: [`Counts`], what happened in an engine's history.
//!
//! [`Error::CalendarRange`]: crate::Error::CalendarRange

use std::sync::Arc;

use crate::calendar::Millis;
use crate::engine::Engine;
use crate::error::Result;
use crate::model::Model;

mod counts;
mod mix;
mod reports;
mod rng;
mod run;
mod simulation;
mod staff;
mod steps;
mod timing;

pub use counts::Counts;
pub use simulation::Simulation;

use mix::SWEEP_EVERY;
use reports::Planned;
use run::Run;

/// Runs `model` through a new engine as described in the [module documentation](self).
///
/// # Errors
/// As [`Simulation::window`] for bad parameters;
/// [`Error::CalendarRange`](crate::Error::CalendarRange) when a deadline or an escalation
/// instant falls past the calendar's covered years. No action is refused: an engine error other
/// than these is a bug of the simulator.
pub fn simulate(model: Arc<Model>, sim: &Simulation) -> Result<Engine> {
    let (start, end) = sim.window(&model)?;
    let run = Run::new(model, sim.seed);
    let plan = run.plan(sim, start, end)?;
    run.run(plan, start, end)
}

impl Run {
    /// The loop: the planned reports and the cases' next steps in time order, with a sweep every
    /// 30 minutes of simulated time and one at the end of the window.
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

    /// The earliest next step of any case, done.
    fn next_step(&mut self) -> Result<()> {
        let Some(((t, id), step)) = self.queue.pop_first() else {
            return Ok(());
        };
        self.step(id, t, step)
    }
}
