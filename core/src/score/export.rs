//! The engine's cases as case records.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use crate::calendar::Millis;
use crate::engine::Engine;
use crate::error::Result;

use super::records::{
    ColumnData, Columns, DEADLINE_COLUMNS, LIST_SEPARATOR, NO_TIME, PERSON_COLUMNS, Records,
    SCHEMA_VERSION, SHELF_COLUMNS, TIME_COLUMNS, t,
};
use super::trail::Trail;

/// What records take from the case beyond its trail.
struct Tail<'s> {
    /// The `handle_deadline` column ([`Trail::handle_deadline`]).
    handle_deadline: Millis,
    unit: Option<&'s str>,
    /// The dispatch columns (schema 4): second-level unit, co-handlers, those on time.
    second_unit: Option<&'s str>,
    co_units: Option<String>,
    co_on_time: Option<String>,
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
    /// One pass over the cases, not the events: the engine keeps each case's trail (what its
    /// row is built from) as it records the case's events, so the records of an engine with
    /// years of history cost what its cases cost.
    ///
    /// # Errors
    /// [`crate::Error::CalendarRange`] when a deadline falls outside the calendar (the first
    /// such deadline in event order).
    pub fn records(&self) -> Result<Records<'static>> {
        let cases = self.cases();
        let trails = self.trails();
        // The first deadline the events could not compute, as a walk over them would meet it.
        if let Some(first) = trails
            .iter()
            .filter_map(|tr| tr.error.as_deref())
            .min_by_key(|(seq, _)| *seq)
        {
            return Err(first.1.clone());
        }
        let model = self.model();
        let org = model.org();
        let mut tails = Vec::with_capacity(cases.len());
        for (tr, case) in trails.iter().zip(cases) {
            let list = |on_time_only: bool| {
                let ids: Vec<&str> = case
                    .co
                    .iter()
                    .filter(|h| !on_time_only || (h.fed_back_at.is_some() && h.on_time))
                    .map(|h| org.unit(h.unit).id.as_str())
                    .collect();
                (!ids.is_empty()).then(|| ids.join(&LIST_SEPARATOR.to_string()))
            };
            tails.push(Tail {
                handle_deadline: tr.handle_deadline(model, case.unit)?,
                unit: case.unit.or(tr.unit).map(|u| org.unit(u).id.as_str()),
                second_unit: case.second_unit.map(|u| org.unit(u).id.as_str()),
                co_units: list(false),
                co_on_time: list(true),
            });
        }
        self.columns_of(trails, &tails)
    }

    fn columns_of<'s>(
        &'s self,
        acc: &'s [Trail],
        tails: &'s [Tail<'s>],
    ) -> Result<Records<'static>> {
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
        text_col("unit", &|i| tails[i].unit);
        text_col("second_unit", &|i| tails[i].second_unit);
        text_col("co_units", &|i| tails[i].co_units.as_deref());
        text_col("co_on_time", &|i| tails[i].co_on_time.as_deref());
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
            let v = acc.iter().map(|a| a.time[k]).collect();
            cols.push(*name, ColumnData::Time(Cow::Owned(v)));
        }
        for (k, name) in SHELF_COLUMNS.iter().enumerate() {
            let v = acc.iter().map(|a| a.shelf[k]).collect();
            cols.push(*name, ColumnData::Time(Cow::Owned(v)));
        }
        for (k, name) in DEADLINE_COLUMNS.iter().enumerate() {
            let v = if k == 2 {
                tails.iter().map(|tl| tl.handle_deadline).collect()
            } else {
                acc.iter().map(|a| a.deadline[k]).collect()
            };
            cols.push(*name, ColumnData::Time(Cow::Owned(v)));
        }
        let v = acc.iter().map(|a| a.last_checked_at).collect();
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
                if acc[i].time[t::RATED] == NO_TIME {
                    0
                } else {
                    cases[i].satisfaction.map_or(0, i64::from)
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
        let as_of = self.last_event_at().map_or(0, |at| at.saturating_add(1));
        Records::from_columns(Arc::clone(self.model_arc()), &cols, Some(as_of))
    }
}
