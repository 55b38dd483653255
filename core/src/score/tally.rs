//! Additive tallies: the mergeable partial aggregate behind a scorecard.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::calendar::{Calendar, Millis, TimeLimit};
use crate::case::{Source, State};
use crate::catalog::Stage;
use crate::error::{Error, Result};
use crate::org::UnitId;
use crate::parallel;

use super::config::ScoringConfig;
use super::records::{NO_TIME, NONE, Records, TIME_COLUMNS, p, t};

/// Counts of one area (unit grids only; rolled up when tables are built), in the order of
/// the area table's count columns, then the time sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct AreaTally {
    pub counts: [u64; AREA_COUNTS],
    /// Working milliseconds report → dispatch, and cases.
    pub response_ms: i128,
    pub response_n: u64,
    /// Working milliseconds dispatch → feedback, and cases.
    pub handle_ms: i128,
    pub handle_n: u64,
}

impl AreaTally {
    pub(crate) fn add(&mut self, o: &AreaTally) {
        // Counts can come from a scorecard file: they saturate rather than wrap (no real
        // city reaches 2^64 cases).
        for (a, b) in self.counts.iter_mut().zip(o.counts) {
            *a = a.saturating_add(b);
        }
        self.response_ms = self.response_ms.saturating_add(o.response_ms);
        self.response_n = self.response_n.saturating_add(o.response_n);
        self.handle_ms = self.handle_ms.saturating_add(o.handle_ms);
        self.handle_n = self.handle_n.saturating_add(o.handle_n);
    }
}

/// Number of count columns of an area ([`AREA`](super::spec::AREA)).
pub(crate) const AREA_COUNTS: usize = 11;
/// Number of count columns of a department ([`DEPARTMENT`](super::spec::DEPARTMENT)).
pub(crate) const DEPT_COUNTS: usize = 13;
/// The department counts of a card written before two-level and joint dispatch (the leading
/// ones; the four after them are the second-level and co-handler counts).
pub(crate) const DEPT_COUNTS_BEFORE_DISPATCH: usize = 9;

/// Positions of the area counts (the leading columns of [`AREA`](super::spec::AREA)).
pub(crate) mod ac {
    pub const REPORTED: usize = 0;
    pub const PUBLIC_REPORTED: usize = 1;
    pub const FILED: usize = 2;
    pub const PUBLIC_FILED: usize = 3;
    pub const DUE_TO_CLOSE: usize = 4;
    pub const CLOSED: usize = 5;
    pub const CLOSED_ON_TIME: usize = 6;
    pub const SHELVED: usize = 7;
    pub const RATED: usize = 8;
    pub const SATISFIED: usize = 9;
    pub const MISSED: usize = 10;
}

/// Positions of the department counts (the leading columns of
/// [`DEPARTMENT`](super::spec::DEPARTMENT)).
pub(crate) mod dc {
    pub const DUE: usize = 0;
    pub const HANDLED: usize = 1;
    pub const HANDLED_ON_TIME: usize = 2;
    pub const OVERDUE_HANDLED: usize = 3;
    pub const OVERDUE_UNHANDLED: usize = 4;
    pub const REWORKED: usize = 5;
    pub const REWORK: usize = 6;
    pub const POSTPONED: usize = 7;
    pub const SHELVED: usize = 8;
    pub const SECOND_HANDLED: usize = 9;
    pub const SECOND_ON_TIME: usize = 10;
    pub const CO_ASSIGNED: usize = 11;
    pub const CO_ON_TIME: usize = 12;
}

/// Counts of one unit, in the order of the department table's count columns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct DeptTally {
    pub counts: [u64; DEPT_COUNTS],
    /// Working milliseconds dispatch → feedback over handled cases.
    pub handle_ms: i128,
    /// Handled cases per whole working minute of handling.
    pub minutes: Vec<u64>,
}

impl DeptTally {
    fn add(&mut self, o: &DeptTally) {
        for (a, b) in self.counts.iter_mut().zip(o.counts) {
            *a = a.saturating_add(b);
        }
        self.handle_ms = self.handle_ms.saturating_add(o.handle_ms);
        if self.minutes.len() < o.minutes.len() {
            self.minutes.resize(o.minutes.len(), 0);
        }
        for (a, b) in self.minutes.iter_mut().zip(&o.minutes) {
            *a = a.saturating_add(*b);
        }
    }

    fn push_minutes(&mut self, ms: i64) {
        let m = usize::try_from(ms / 60_000).unwrap_or(0);
        if m >= self.minutes.len() {
            self.minutes.resize(m + 1, 0);
        }
        self.minutes[m] += 1;
    }
}

/// The `void_cause` code of a justified void (problem gone after filing).
const JUSTIFIED_VOID: u8 = crate::case::VoidCause::ProblemGone as u8 + 1;

/// Post tallies per role: person id → counts.
pub(crate) type PostTally = BTreeMap<Arc<str>, Vec<u64>>;

/// Counts per post role, in [`Subject`](super::spec::Subject) order from the supervisor.
pub(crate) const POST_COUNTS: [usize; 4] = [8, 3, 5, 5];

/// Per person column (in `PERSON_COLUMNS` order): the post role it counts for, the offset of
/// its counts in that role's tally, and how many it has.
/// A width of 0: the column is not counted (the checks are credited to `last_checker`).
const PERSON_SLOTS: [(usize, usize, usize); 9] = [
    (0, 0, 2), // reporter: supervisor reports, valid reports
    (1, 0, 3), // acceptor: accepted, on time, accurate
    (0, 2, 0), // verifier: the verification done, counted with its task below
    (2, 0, 3), // filer: shift-leader filing decisions, on time, voided
    (3, 0, 5), // dispatcher: dispatched, on time, returned, 督办 orders, replied on time
    (0, 5, 0), // checker: the last passed check, counted with every check below
    (2, 3, 2), // closer: shift-leader closings, on time
    (0, 5, 3), // last_checker: supervisor checks (failed included), failed, on time
    (0, 2, 3), // verify_assignee: verification tasks assigned, done, done on time
];

/// The partial aggregate of a period: additive in every field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Tally {
    /// Per area index.
    pub areas: Vec<AreaTally>,
    /// Per unit index.
    pub units: Vec<DeptTally>,
    /// Supervisor, acceptor, shift leader, dispatcher.
    pub posts: [PostTally; 4],
}

impl Tally {
    pub(crate) fn empty(areas: usize, units: usize) -> Tally {
        Tally {
            areas: vec![AreaTally::default(); areas],
            units: vec![DeptTally::default(); units],
            posts: Default::default(),
        }
    }

    pub(crate) fn add(&mut self, o: &Tally) {
        for (a, b) in self.areas.iter_mut().zip(&o.areas) {
            a.add(b);
        }
        for (a, b) in self.units.iter_mut().zip(&o.units) {
            a.add(b);
        }
        for (mine, theirs) in self.posts.iter_mut().zip(&o.posts) {
            for (id, counts) in theirs {
                let e = mine
                    .entry(Arc::clone(id))
                    .or_insert_with(|| vec![0; counts.len()]);
                for (a, b) in e.iter_mut().zip(counts) {
                    *a = a.saturating_add(*b);
                }
            }
        }
    }
}

/// The window and rules a tally is taken under.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window<'a> {
    pub start: Millis,
    pub end: Millis,
    pub as_of: Millis,
    pub config: &'a ScoringConfig,
}

fn err_at(row: usize, column: &str, value: Millis, e: &Error) -> Error {
    Error::invalid(format!("records[{row}].{column}"), value, e.to_string())
}

/// Tallies the records of `rows` (a chunk).
fn tally_chunk(rec: &Records, w: Window<'_>, rows: std::ops::Range<usize>) -> Result<Tally> {
    let model = &rec.model;
    // Each span on the calendar of whoever acts in it (`Model::calendar_for`): handling on the
    // unit's, the centre's steps on their stage's; reported → dispatched on dispatch's.
    let centre = |stage: Stage| -> &Calendar { model.calendar_for(stage, None) };
    let mut tally = Tally::empty(model.territory().len(), model.org().units().len());
    // Per person column: counts per id of its dictionary (see `PERSON_SLOTS`).
    let mut posts: [Vec<u64>; 9] =
        std::array::from_fn(|c| vec![0; rec.people[c].len() * PERSON_SLOTS[c].2]);
    let in_p = |v: Millis| v != NO_TIME && v >= w.start && v < w.end;
    // 漏报 scope per catalog leaf (and for a row without a category, the last slot).
    let categories = model.catalog().categories();
    let scoped: Vec<bool> = categories
        .iter()
        .map(|c| Some(c.key.as_str()))
        .chain([None])
        .map(|key| w.config.in_scope(key))
        .collect();
    // Patrol hours are local time (every calendar of a model has the model's UTC offset).
    let offset_ms = i64::from(model.calendar().utc_offset_minutes()) * 60_000;
    let between = |cal: &Calendar, row: usize, a: usize, b: usize| -> Result<i64> {
        cal.working_between(rec.time[a][row], rec.time[b][row])
            .map_err(|e| err_at(row, TIME_COLUMNS[b], rec.time[b][row], &e))
    };
    let within = |stage: Stage,
                  row: usize,
                  at: Millis,
                  base: Millis,
                  limit: TimeLimit,
                  col: &str|
     -> Result<bool> {
        let due = centre(stage)
            .add_limit(base, limit)
            .map_err(|e| err_at(row, col, base, &e))?;
        Ok(at <= due)
    };
    for row in rows {
        let tm = |k: usize| {
            let v = rec.time[k][row];
            if v != NO_TIME && v < w.as_of {
                v
            } else {
                NO_TIME
            }
        };
        let reported = rec.time[t::REPORTED][row];
        let public = rec.source[row].is_public();
        let state = rec.state[row];
        let handled = tm(t::HANDLED);
        let handle_deadline = rec.deadline[2][row];
        let on_time =
            handled != NO_TIME && handle_deadline != NO_TIME && handled <= handle_deadline;
        let filed = tm(t::FILED);
        let dispatched = tm(t::DISPATCHED);
        let grid = rec.grid[row] as usize;

        // On the shelf (挂账) as of `as_of`: put there before it, not taken off, not closed.
        // A row without `shelved_at` (a version-1 table) but flagged `shelved` is on the
        // shelf while neither handled nor closed.
        let closed = tm(t::CLOSED);
        let on_shelf = closed == NO_TIME
            && match rec.shelf[0][row] {
                NO_TIME => rec.shelved[row] && handled == NO_TIME,
                on => {
                    on < w.as_of && !(rec.shelf[1][row] != NO_TIME && rec.shelf[1][row] < w.as_of)
                }
            };
        let overdue = handle_deadline != NO_TIME && handle_deadline < w.as_of;

        // Areas.
        let a = &mut tally.areas[grid];
        if in_p(tm(t::REPORTED)) {
            a.counts[ac::REPORTED] += 1;
            a.counts[ac::PUBLIC_REPORTED] += u64::from(public);
        }
        let filed_cohort = in_p(filed) && state != State::Voided;
        if filed_cohort {
            a.counts[ac::FILED] += 1;
            a.counts[ac::PUBLIC_FILED] += u64::from(public);
            // 漏报: a public report in the supervisors' collection scope, made during patrol
            // hours (local time); voided cases (duplicates included) are not in F.
            if public {
                let cat = rec.category[row];
                let in_scope = scoped[if cat == NONE {
                    categories.len()
                } else {
                    cat as usize
                }];
                let minute = (reported.saturating_add(offset_ms)).rem_euclid(86_400_000) / 60_000;
                let hours = w.config.patrol_hours;
                let in_hours = (i64::from(hours[0])..i64::from(hours[1])).contains(&minute);
                a.counts[ac::MISSED] += u64::from(in_scope && in_hours);
            }
            if closed != NO_TIME {
                a.counts[ac::DUE_TO_CLOSE] += 1;
                a.counts[ac::CLOSED] += 1;
                a.counts[ac::CLOSED_ON_TIME] += u64::from(on_time);
            } else if on_shelf {
                a.counts[ac::SHELVED] += 1;
            } else if overdue {
                a.counts[ac::DUE_TO_CLOSE] += 1;
            }
        }
        let rated = tm(t::RATED);
        if in_p(rated) {
            a.counts[ac::RATED] += 1;
            a.counts[ac::SATISFIED] += u64::from(rec.satisfaction[row] >= 4);
        }
        let mut handle_ms = None;
        if handled != NO_TIME && dispatched != NO_TIME {
            let unit = (rec.unit[row] != NONE).then(|| UnitId(rec.unit[row]));
            let cal = model.calendar_for(Stage::Handle, unit);
            handle_ms = Some(between(cal, row, t::DISPATCHED, t::HANDLED)?);
        }
        if filed_cohort && dispatched != NO_TIME {
            let ms = between(centre(Stage::Dispatch), row, t::REPORTED, t::DISPATCHED)?;
            let a = &mut tally.areas[grid];
            a.response_ms += i128::from(ms);
            a.response_n += 1;
            if let Some(ms) = handle_ms {
                a.handle_ms += i128::from(ms);
                a.handle_n += 1;
            }
        }

        // Departments: a case on the shelf leaves the disposal indicators; the others are due
        // (应处置) once handled or overdue.
        let unit = rec.unit[row];
        if in_p(dispatched) && unit != NONE {
            let d = &mut tally.units[unit as usize];
            if on_shelf {
                d.counts[dc::SHELVED] += 1;
            } else if let Some(ms) = handle_ms {
                d.counts[dc::DUE] += 1;
                d.counts[dc::HANDLED] += 1;
                if on_time {
                    d.counts[dc::HANDLED_ON_TIME] += 1;
                } else {
                    d.counts[dc::OVERDUE_HANDLED] += 1;
                }
                d.counts[dc::REWORKED] += u64::from(rec.rework[row] > 0);
                d.counts[dc::REWORK] += u64::from(rec.rework[row]);
                d.counts[dc::POSTPONED] += u64::from(rec.postponements[row] > 0);
                d.handle_ms += i128::from(ms);
                d.push_minutes(ms);
            } else if overdue {
                d.counts[dc::DUE] += 1;
                d.counts[dc::OVERDUE_UNHANDLED] += 1;
                d.counts[dc::POSTPONED] += u64::from(rec.postponements[row] > 0);
            }
            // Two-level and joint dispatch: the unit above stays credited as above (the
            // centre's deadline is its own); the second-level unit is credited with the
            // handling it did, the co-handlers with their own feedback.
            if !on_shelf {
                let second = rec.second_unit_at(row);
                if second != NONE && handle_ms.is_some() {
                    let s = &mut tally.units[second as usize];
                    s.counts[dc::SECOND_HANDLED] += 1;
                    s.counts[dc::SECOND_ON_TIME] += u64::from(on_time);
                }
                for &u in rec.co_at(0, row) {
                    tally.units[u as usize].counts[dc::CO_ASSIGNED] += 1;
                }
                for &u in rec.co_at(1, row) {
                    tally.units[u as usize].counts[dc::CO_ON_TIME] += 1;
                }
            }
        }

        // Posts.
        let slot = |c: usize| rec.person[c][row] as usize * PERSON_SLOTS[c].2;
        let reporter = rec.person[p::REPORTER][row];
        if rec.source[row] == Source::Supervisor && reporter != NONE && in_p(tm(t::REPORTED)) {
            let c = &mut posts[p::REPORTER][slot(p::REPORTER)..][..2];
            c[0] += 1;
            let valid = (filed != NO_TIME && state != State::Voided) || rec.self_handled[row];
            c[1] += u64::from(valid);
        }
        // 应核实数: verification tasks assigned to the supervisor, done or not, in the period
        // they were issued (the acceptance; a row without it: the verification); 核实数 and
        // 按时核实数 the ones done (as of `as_of`), and by their deadline.
        let verified = tm(t::VERIFIED);
        let issued = match tm(t::ACCEPTED) {
            NO_TIME => verified,
            a => a,
        };
        if rec.person[p::VERIFY_ASSIGNEE][row] != NONE && in_p(issued) {
            let c = &mut posts[p::VERIFY_ASSIGNEE][slot(p::VERIFY_ASSIGNEE)..][..3];
            c[0] += 1;
            c[1] += u64::from(verified != NO_TIME);
            let dl = rec.deadline[0][row];
            c[2] += u64::from(verified != NO_TIME && dl != NO_TIME && verified <= dl);
        }
        // 核查: every check of the case, failed ones included, credited to the supervisor of
        // its last check at the instant of that check (records keep one row per case).
        let last_check = rec.last_checked_at[row];
        if rec.person[p::LAST_CHECKER][row] != NONE && last_check < w.as_of && in_p(last_check) {
            let c = &mut posts[p::LAST_CHECKER][slot(p::LAST_CHECKER)..][..3];
            c[0] += u64::from(rec.checks[0][row]);
            c[1] += u64::from(rec.rework[row].min(rec.checks[0][row]));
            c[2] += u64::from(rec.checks[1][row]);
        }
        let accepted = tm(t::ACCEPTED);
        if rec.person[p::ACCEPTOR][row] != NONE && in_p(accepted) {
            let ok = within(
                Stage::Accept,
                row,
                accepted,
                reported,
                w.config.accept_limit,
                "accepted_at",
            )?;
            let c = &mut posts[p::ACCEPTOR][slot(p::ACCEPTOR)..][..3];
            c[0] += 1;
            c[1] += u64::from(ok);
            c[2] += u64::from(state != State::Invalid);
        }
        if rec.person[p::FILER][row] != NONE && in_p(filed) {
            let base = [t::VERIFIED, t::ACCEPTED, t::REPORTED]
                .iter()
                .map(|&k| rec.time[k][row])
                .find(|&v| v != NO_TIME)
                .unwrap_or(reported);
            let ok = within(
                Stage::File,
                row,
                filed,
                base,
                w.config.file_limit,
                "filed_at",
            )?;
            let c = &mut posts[p::FILER][slot(p::FILER)..][..3];
            c[0] += 1;
            c[1] += u64::from(ok);
            // 作废数 as filing errors: a void for a problem gone after filing is justified
            // (domain facts §11), any other void counts.
            c[2] += u64::from(state == State::Voided && rec.void_cause[row] != JUSTIFIED_VOID);
        }
        if rec.person[p::CLOSER][row] != NONE && in_p(closed) {
            let base = [t::CHECKED, t::HANDLED, t::REPORTED]
                .iter()
                .map(|&k| rec.time[k][row])
                .find(|&v| v != NO_TIME)
                .unwrap_or(reported);
            let ok = within(
                Stage::Close,
                row,
                closed,
                base,
                w.config.close_limit,
                "closed_at",
            )?;
            let c = &mut posts[p::CLOSER][slot(p::CLOSER)..][..2];
            c[0] += 1;
            c[1] += u64::from(ok);
        }
        if rec.person[p::DISPATCHER][row] != NONE && in_p(dispatched) {
            let c = &mut posts[p::DISPATCHER][slot(p::DISPATCHER)..][..5];
            c[0] += 1;
            let dl = rec.deadline[1][row];
            c[1] += u64::from(dl != NO_TIME && dispatched <= dl);
            // 错误派遣: an approved return for a wrong unit; other returns are not the
            // dispatcher's error.
            c[2] += u64::from(rec.wrong_unit_returns[row] > 0);
            // 督办 orders on the cases dispatched, and those answered by their deadline.
            c[3] += u64::from(rec.orders[0][row]);
            c[4] += u64::from(rec.orders[1][row]);
        }
    }
    for (c, flat) in posts.iter().enumerate() {
        let (k, offset, width) = PERSON_SLOTS[c];
        if width == 0 {
            continue;
        }
        for (i, counts) in flat.chunks_exact(width).enumerate() {
            if counts.iter().any(|&x| x > 0) {
                let e = tally.posts[k]
                    .entry(Arc::clone(&rec.people[c][i]))
                    .or_insert_with(|| vec![0; POST_COUNTS[k]]);
                for (a, b) in e[offset..offset + width].iter_mut().zip(counts) {
                    *a += b;
                }
            }
        }
    }
    Ok(tally)
}

/// Tallies every record, on all cores (chunks merged in row order, so the first error is the
/// one of the lowest row).
pub(crate) fn tally(rec: &Records, w: Window<'_>) -> Result<Tally> {
    let n = rec.len();
    let threads = parallel::thread_count(0, n, 1 << 16);
    let results = parallel::map_chunks(0..n, threads, |rows| tally_chunk(rec, w, rows));
    let mut total: Option<Tally> = None;
    for r in results {
        let t = r?;
        match &mut total {
            None => total = Some(t),
            Some(acc) => acc.add(&t),
        }
    }
    Ok(total.unwrap_or_else(|| Tally::empty(0, 0)))
}
