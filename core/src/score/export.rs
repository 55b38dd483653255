//! The engine's cases as case records.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use crate::calendar::Millis;
use crate::case::{Action, Actor, Timer, stage_started};
use crate::catalog::Stage;
use crate::engine::Engine;
use crate::error::Result;
use crate::event::EventBody;

use super::records::{
    ColumnData, Columns, DEADLINE_COLUMNS, LIST_SEPARATOR, NO_TIME, PERSON_COLUMNS, Records,
    SCHEMA_VERSION, SHELF_COLUMNS, TIME_COLUMNS, p, t,
};

/// What the walk over a case's events keeps.
#[derive(Default)]
struct Acc {
    time: [Option<Millis>; 9],
    person: [Option<Arc<str>>; 9],
    deadline: [Option<Millis>; 4],
    timer: Option<Timer>,
    /// The handling run a feedback ended, kept for a failed check to resume (the engine's
    /// rework on the original deadline).
    held: Option<Timer>,
    /// Checks done (failed ones included), those done by their check deadline, and when
    /// the last was done.
    checks: [u32; 2],
    last_checked_at: Option<Millis>,
    pending_postpone: i64,
    postponements: u32,
    shelved: bool,
    /// `shelved_at`, `resumed_at`: the last time on the shelf.
    shelf: [Option<Millis>; 2],
    unit: Option<Arc<str>>,
    /// The dispatch columns (schema 4): second-level unit, co-handlers, those on time.
    second_unit: Option<Arc<str>>,
    co_units: Option<String>,
    co_on_time: Option<String>,
}

fn actor_id(a: &Actor) -> Option<Arc<str>> {
    match a {
        Actor::Worker(id) | Actor::Citizen(id) => Some(Arc::clone(id)),
        Actor::System => None,
    }
}

impl Engine {
    /// The engine's cases as case records (one row per case, schema in [`crate::score`]),
    /// with the exact stage deadlines (pauses and extensions included) and `as_of` one
    /// millisecond after the last event.
    ///
    /// Per case: the first acceptance, verification, filing decision and dispatch; the last
    /// feedback and the deadline of the handling run it ended (the running one's deadline
    /// while never handled); the last passed check after that feedback; the last closing and
    /// rating since the last reopening; the last time on the shelf (`shelved_at` the last
    /// approved shelving, `resumed_at` when handling resumed after it, or when a case closed
    /// from the shelf was reopened).
    ///
    /// # Errors
    /// [`crate::Error::CalendarRange`] when a deadline falls outside the calendar.
    pub fn records(&self) -> Result<Records<'static>> {
        let cases = self.cases();
        let org = self.model().org();
        let mut acc: Vec<Acc> = (0..cases.len()).map(|_| Acc::default()).collect();
        for e in self.events() {
            let a = &mut acc[(e.case - 1) as usize];
            let at = e.at;
            let who = actor_id(&e.actor);
            let action = match &e.body {
                EventBody::Report(_) => {
                    a.time[t::REPORTED] = Some(at);
                    a.person[p::REPORTER] = who;
                    continue;
                }
                EventBody::Escalation(_) => continue,
                EventBody::Action(action) => action,
            };
            // The deadline of the running timer as it ends (or is replaced) now.
            let ending = match &a.timer {
                Some(tm)
                    if e.limit.is_some()
                        || ends_timer(action)
                        || matches!(action, Action::Check { .. }) =>
                {
                    let unit = a.unit.as_deref().and_then(|u| org.find_unit(u).ok());
                    Some((tm.stage, self.timer_deadline(tm, unit)?))
                }
                _ => None,
            };
            let ended =
                |stage: Stage| ending.and_then(|(s, d)| (s == stage).then_some(d).flatten());
            if let Action::Check { .. } = action {
                // Every check counts, failed ones too (domain facts §11: 核查 counts every
                // check done; 按时核查 those done by their deadline).
                a.checks[0] += 1;
                a.checks[1] += u32::from(ended(Stage::Check).is_some_and(|d| at <= d));
                a.last_checked_at = Some(at);
                a.person[p::LAST_CHECKER].clone_from(&who);
            }
            match action {
                Action::Accept | Action::Reject { .. } => {
                    if let Some(w) = &e.assigned_to {
                        a.person[p::VERIFY_ASSIGNEE] = Some(Arc::clone(w));
                    }
                    a.time[t::ACCEPTED].get_or_insert(at);
                    if a.person[p::ACCEPTOR].is_none() {
                        a.person[p::ACCEPTOR] = who;
                    }
                }
                Action::Verify { .. } if a.time[t::VERIFIED].is_none() => {
                    a.time[t::VERIFIED] = Some(at);
                    a.person[p::VERIFIER] = who;
                    a.deadline[0] = ended(Stage::Verify);
                }
                Action::File | Action::Void { .. } if a.time[t::FILED].is_none() => {
                    a.time[t::FILED] = Some(at);
                    a.person[p::FILER] = who;
                }
                Action::Dispatch { unit, .. } => {
                    a.held = None;
                    if a.time[t::DISPATCHED].is_none() {
                        a.time[t::DISPATCHED] = Some(at);
                        a.person[p::DISPATCHER] = who;
                        a.deadline[1] = ended(Stage::Dispatch);
                    }
                    a.unit.clone_from(unit);
                }
                Action::Handle { .. } => {
                    a.held = a.timer.clone();
                    a.time[t::HANDLED] = Some(at);
                    a.deadline[2] = ended(Stage::Handle);
                    a.time[t::CHECKED] = None;
                    a.person[p::CHECKER] = None;
                    a.deadline[3] = None;
                }
                Action::SelfHandle { .. } => {
                    a.time[t::HANDLED] = Some(at);
                }
                Action::Check { passed: false } => {
                    // Rework on the original deadline: the handling run the feedback ended
                    // resumes, unless the event records a limit (the model's `restart`).
                    let held = a.held.take();
                    if e.limit.is_none() {
                        a.timer = held;
                    }
                }
                Action::Return { .. } => a.held = None,
                Action::Check { passed: true } => {
                    a.held = None;
                    a.time[t::CHECKED] = Some(at);
                    a.person[p::CHECKER] = who;
                    a.deadline[3] = ended(Stage::Check);
                }
                Action::Close { .. } => {
                    a.time[t::CLOSED] = Some(at);
                    a.person[p::CLOSER] = who;
                }
                Action::Reopen { .. } => {
                    if a.shelf[0].is_some() && a.shelf[1].is_none() {
                        a.shelf[1] = Some(at);
                    }
                    a.time[t::CLOSED] = None;
                    a.person[p::CLOSER] = None;
                    a.time[t::RATED] = None;
                }
                Action::Rate { .. } => a.time[t::RATED] = Some(at),
                Action::RequestPostpone { minutes } => a.pending_postpone = *minutes,
                Action::ApprovePostpone => {
                    a.postponements += 1;
                    if let Some(tm) = &mut a.timer {
                        tm.extension_minutes += a.pending_postpone;
                    }
                }
                Action::ApproveShelve => {
                    a.shelved = true;
                    a.shelf = [Some(at), None];
                    if let Some(tm) = &mut a.timer {
                        tm.paused_since = Some(at);
                    }
                }
                Action::Start => {
                    if a.shelf[0].is_some() && a.shelf[1].is_none() {
                        a.shelf[1] = Some(at);
                    }
                    if let Some(tm) = &mut a.timer
                        && let Some(since) = tm.paused_since.take()
                    {
                        tm.pauses.push((since, at));
                    }
                }
                _ => {}
            }
            let verified = self.config().verifies(cases[(e.case - 1) as usize].source);
            if let Some(limit) = e.limit
                && let Some(stage) = stage_started(action, verified)
            {
                a.timer = Some(Timer::start(stage, limit, at));
            } else if ends_timer(action) {
                a.timer = None;
            }
        }
        // A case never handled: the running handling run's deadline.
        for (a, case) in acc.iter_mut().zip(cases) {
            if a.time[t::HANDLED].is_none()
                && let Some(tm) = &a.timer
                && tm.stage == Stage::Handle
            {
                a.deadline[2] = self.timer_deadline(tm, case.unit)?;
            }
            if let Some(u) = case.unit {
                a.unit = Some(Arc::from(self.model().org().unit(u).id.as_str()));
            }
            // Two-level and joint dispatch, as the case holds them now.
            let org = self.model().org();
            let list = |on_time_only: bool| {
                let ids: Vec<&str> = case
                    .co
                    .iter()
                    .filter(|h| !on_time_only || (h.fed_back_at.is_some() && h.on_time))
                    .map(|h| org.unit(h.unit).id.as_str())
                    .collect();
                (!ids.is_empty()).then(|| ids.join(&LIST_SEPARATOR.to_string()))
            };
            a.co_units = list(false);
            a.co_on_time = list(true);
            a.second_unit = case.second_unit.map(|u| Arc::from(org.unit(u).id.as_str()));
        }
        self.columns_of(&acc)
    }

    fn columns_of<'s>(&'s self, acc: &'s [Acc]) -> Result<Records<'static>> {
        let cases = self.cases();
        let model = self.model();
        let n = cases.len();
        let mut cols = Columns::new();
        cols.push(
            "schema_version",
            ColumnData::Int(Cow::Owned(vec![SCHEMA_VERSION; n])),
        );
        cols.push(
            "id",
            ColumnData::Int(Cow::Owned(cases.iter().map(|c| c.id as i64).collect())),
        );
        // each distinct text once: the index borrows the values it has seen
        let mut text_col = |name: &str, get: &dyn Fn(usize) -> Option<&'s str>| {
            let mut values = Vec::new();
            let mut index: HashMap<&str, i64> = HashMap::new();
            let codes: Vec<i64> = (0..n)
                .map(|i| {
                    get(i).map_or(-1, |v| {
                        *index.entry(v).or_insert_with(|| {
                            values.push(v.to_owned());
                            values.len() as i64 - 1
                        })
                    })
                })
                .collect();
            cols.push(
                name,
                ColumnData::Text {
                    codes: Cow::Owned(codes),
                    values,
                },
            );
        };
        let territory = model.territory();
        text_col("category", &|i| Some(&cases[i].category));
        text_col("urgency", &|i| Some(&cases[i].urgency));
        text_col("grid", &|i| {
            Some(territory.area(cases[i].grid).code.as_str())
        });
        text_col("source", &|i| Some(cases[i].source.as_str()));
        text_col("state", &|i| Some(cases[i].state.as_str()));
        text_col("unit", &|i| acc[i].unit.as_deref());
        text_col("second_unit", &|i| acc[i].second_unit.as_deref());
        text_col("co_units", &|i| acc[i].co_units.as_deref());
        text_col("co_on_time", &|i| acc[i].co_on_time.as_deref());
        text_col("void_cause", &|i| {
            cases[i]
                .void_cause
                .as_ref()
                .map(|(cause, _)| cause.as_str())
        });
        for (k, name) in PERSON_COLUMNS.iter().enumerate() {
            text_col(name, &|i| acc[i].person[k].as_deref());
        }
        for (k, name) in TIME_COLUMNS.iter().enumerate() {
            let v = acc.iter().map(|a| a.time[k].unwrap_or(NO_TIME)).collect();
            cols.push(*name, ColumnData::Time(Cow::Owned(v)));
        }
        for (k, name) in SHELF_COLUMNS.iter().enumerate() {
            let v = acc.iter().map(|a| a.shelf[k].unwrap_or(NO_TIME)).collect();
            cols.push(*name, ColumnData::Time(Cow::Owned(v)));
        }
        for (k, name) in DEADLINE_COLUMNS.iter().enumerate() {
            let v = acc
                .iter()
                .map(|a| a.deadline[k].unwrap_or(NO_TIME))
                .collect();
            cols.push(*name, ColumnData::Time(Cow::Owned(v)));
        }
        let v = acc
            .iter()
            .map(|a| a.last_checked_at.unwrap_or(NO_TIME))
            .collect();
        cols.push("last_checked_at", ColumnData::Time(Cow::Owned(v)));
        let ints = |f: &dyn Fn(usize) -> i64| ColumnData::Int(Cow::Owned((0..n).map(f).collect()));
        cols.push("checks", ints(&|i| i64::from(acc[i].checks[0])));
        cols.push("checks_on_time", ints(&|i| i64::from(acc[i].checks[1])));
        cols.push("rework", ints(&|i| i64::from(cases[i].rework_count)));
        cols.push("returns", ints(&|i| i64::from(cases[i].return_count)));
        cols.push(
            "wrong_unit_returns",
            ints(&|i| i64::from(cases[i].wrong_unit_returns)),
        );
        cols.push("orders", ints(&|i| i64::from(cases[i].orders)));
        cols.push(
            "orders_replied_on_time",
            ints(&|i| i64::from(cases[i].orders_replied_on_time)),
        );
        cols.push("postponements", ints(&|i| i64::from(acc[i].postponements)));
        cols.push("extension_minutes", ints(&|i| cases[i].postponed_minutes));
        cols.push(
            "satisfaction",
            ints(&|i| {
                if acc[i].time[t::RATED].is_some() {
                    cases[i].satisfaction.map_or(0, i64::from)
                } else {
                    0
                }
            }),
        );
        cols.push(
            "shelved",
            ColumnData::Bool(Cow::Owned(acc.iter().map(|a| a.shelved).collect())),
        );
        cols.push(
            "self_handled",
            ColumnData::Bool(Cow::Owned(cases.iter().map(|c| c.self_handled).collect())),
        );
        let as_of = self.events().last().map_or(0, |e| e.at.saturating_add(1));
        Records::from_columns(Arc::clone(self.model_arc()), &cols, Some(as_of))
    }
}

/// Actions after which no stage timer runs (unless the event starts one).
fn ends_timer(action: &Action) -> bool {
    matches!(
        action,
        Action::Accept
            | Action::Reject { .. }
            | Action::Verify { .. }
            | Action::Void { .. }
            | Action::Check { passed: true }
            | Action::Close { .. }
            | Action::SelfHandle { .. }
    )
}
