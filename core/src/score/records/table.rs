//! The validated case records, [`Records`]: one row per case, stored by column, codes resolved
//! to the model's indices; and what can be asked of them (size, model, as-of instant, the load
//! per unit grid, the records as columns again).

use std::borrow::Cow;
use std::sync::Arc;

use crate::calendar::Millis;
use crate::case::{Source, State, VoidCause};
use crate::model::Model;

use super::columns::{ColumnData, Columns};
use super::schema::{
    DEADLINE_COLUMNS, LIST_SEPARATOR, NONE, PERSON_COLUMNS, SCHEMA_VERSION, SHELF_COLUMNS,
    TIME_COLUMNS, schema_columns, t,
};

/// Validated case records, one row per case, stored by column.
#[derive(Debug, Clone)]
pub struct Records<'a> {
    pub(crate) model: Arc<Model>,
    pub(crate) id: Cow<'a, [i64]>,
    /// Catalog leaf index ([`NONE`]: not given).
    pub(crate) category: Vec<u32>,
    /// Index into the catalog's urgencies.
    pub(crate) urgency: Vec<u8>,
    /// Area index of the unit grid.
    pub(crate) grid: Vec<u32>,
    pub(crate) source: Vec<Source>,
    pub(crate) state: Vec<State>,
    /// Per person column: the ids given.
    pub(crate) people: [Vec<Arc<str>>; 9],
    /// Per person column: index into its `people` list.
    pub(crate) person: [Vec<u32>; 9],
    /// Unit index ([`NONE`]: not dispatched).
    pub(crate) unit: Vec<u32>,
    /// The second-level unit's index ([`NONE`]: not passed on); empty when the table has no
    /// such column (no memory for a version-3 table of 10^8 rows): read it with
    /// [`Records::second_unit_at`].
    pub(crate) second_unit: Vec<u32>,
    /// Per row: the co-handlers (`co_units`) and those on time (`co_on_time`), as an index
    /// into `co_lists` ([`NONE`]: none); empty when the column is absent: read them with
    /// [`Records::co_at`].
    pub(crate) co: [Vec<u32>; 2],
    /// The distinct lists of unit indices the `co` columns name.
    pub(crate) co_lists: [Vec<Box<[u32]>>; 2],
    pub(crate) time: [Cow<'a, [Millis]>; 9],
    pub(crate) deadline: [Cow<'a, [Millis]>; 4],
    /// `shelved_at`, `resumed_at` ([`SHELF_COLUMNS`](super::SHELF_COLUMNS)).
    pub(crate) shelf: [Cow<'a, [Millis]>; 2],
    pub(crate) rework: Vec<u32>,
    pub(crate) returns: Vec<u32>,
    /// Approved returns for a wrong unit (a version-1 or 2 table: every return).
    pub(crate) wrong_unit_returns: Vec<u32>,
    /// The cause of an approved void after filing: 0 none, else 1 + its index in
    /// [`VoidCause::ALL`].
    pub(crate) void_cause: Vec<u8>,
    /// 督办 orders issued, and those answered on time.
    pub(crate) orders: [Vec<u32>; 2],
    /// Checks done (failed ones included), and those done by their check deadline (schema 4;
    /// a table without the columns: one check per checked case).
    pub(crate) checks: [Vec<u32>; 2],
    /// `last_checked_at`: the last check, passed or failed.
    pub(crate) last_checked_at: Cow<'a, [Millis]>,
    pub(crate) postponements: Vec<u32>,
    pub(crate) extension_minutes: Cow<'a, [i64]>,
    pub(crate) shelved: Cow<'a, [bool]>,
    pub(crate) self_handled: Cow<'a, [bool]>,
    /// 0: not rated.
    pub(crate) satisfaction: Vec<u8>,
    pub(crate) as_of: Millis,
}

impl Records<'_> {
    /// The second-level unit of `row` ([`NONE`]: none).
    pub(crate) fn second_unit_at(&self, row: usize) -> u32 {
        self.second_unit.get(row).copied().unwrap_or(NONE)
    }

    /// The co-handlers of `row` (`k` = 0) or those of them on time (`k` = 1), as unit indices.
    pub(crate) fn co_at(&self, k: usize, row: usize) -> &[u32] {
        match self.co[k].get(row) {
            Some(&i) if i != NONE => &self.co_lists[k][i as usize],
            _ => &[],
        }
    }

    /// The earliest `reported_at`, `None` for no records.
    pub fn reported_min(&self) -> Option<Millis> {
        self.time[t::REPORTED].iter().copied().min()
    }

    /// Cases reported in `[start, end)` per unit grid, in the order of
    /// [`Territory::grids`](crate::territory::Territory::grids): the load
    /// [`division_report`](crate::division::division_report) takes.
    pub fn grid_load(&self, start: Millis, end: Millis) -> Vec<u64> {
        let territory = self.model.territory();
        let mut per_area = vec![0; territory.len()];
        for (&g, &t) in self.grid.iter().zip(self.time[t::REPORTED].iter()) {
            if t >= start && t < end {
                per_area[g as usize] += 1;
            }
        }
        territory
            .grids()
            .iter()
            .map(|g| per_area[g.index()])
            .collect()
    }

    /// The records with every column owned (no borrow of the input arrays left).
    pub fn into_owned(self) -> Records<'static> {
        let own = |c: Cow<'_, [Millis]>| Cow::Owned(c.into_owned());
        Records {
            model: self.model,
            id: Cow::Owned(self.id.into_owned()),
            category: self.category,
            urgency: self.urgency,
            grid: self.grid,
            source: self.source,
            state: self.state,
            people: self.people,
            person: self.person,
            unit: self.unit,
            second_unit: self.second_unit,
            co: self.co,
            co_lists: self.co_lists,
            time: self.time.map(own),
            deadline: self.deadline.map(own),
            shelf: self.shelf.map(own),
            rework: self.rework,
            returns: self.returns,
            wrong_unit_returns: self.wrong_unit_returns,
            void_cause: self.void_cause,
            orders: self.orders,
            checks: self.checks,
            last_checked_at: own(self.last_checked_at),
            postponements: self.postponements,
            extension_minutes: Cow::Owned(self.extension_minutes.into_owned()),
            shelved: Cow::Owned(self.shelved.into_owned()),
            self_handled: Cow::Owned(self.self_handled.into_owned()),
            satisfaction: self.satisfaction,
            as_of: self.as_of,
        }
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.id.len()
    }

    /// `true` when there are no records.
    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }

    /// The model the records were validated against.
    pub fn model(&self) -> &Arc<Model> {
        &self.model
    }

    /// The instant statuses are judged at by default.
    pub fn as_of(&self) -> Millis {
        self.as_of
    }

    /// The records as columns, in the schema's order (text dictionary-encoded, missing
    /// instants [`NO_TIME`](crate::score::NO_TIME)), `schema_version` the current
    /// [`SCHEMA_VERSION`](crate::score::SCHEMA_VERSION) on every row.
    pub fn to_columns(&self) -> Columns<'_> {
        let n = self.len();
        let mut cols = Columns::new();
        let text = |values: Vec<String>, rows: &dyn Fn(usize) -> i64| ColumnData::Text {
            codes: Cow::Owned((0..n).map(rows).collect()),
            values,
        };
        let territory = self.model.territory();
        let catalog = self.model.catalog();
        let org = self.model.org();
        for name in schema_columns() {
            let data = match name {
                "schema_version" => ColumnData::Int(Cow::Owned(vec![SCHEMA_VERSION; n])),
                "id" => ColumnData::Int(Cow::Borrowed(&self.id)),
                "category" => text(
                    catalog
                        .categories()
                        .iter()
                        .map(|c| c.key.as_str().to_owned())
                        .collect(),
                    &|i| opt(self.category[i]),
                ),
                "urgency" => text(catalog.urgencies().to_vec(), &|i| {
                    i64::from(self.urgency[i])
                }),
                "grid" => text(
                    territory
                        .areas()
                        .iter()
                        .map(|a| a.code.as_str().to_owned())
                        .collect(),
                    &|i| i64::from(self.grid[i]),
                ),
                "source" => text(
                    Source::ALL.iter().map(|s| s.as_str().to_owned()).collect(),
                    &|i| self.source[i] as i64,
                ),
                "state" => text(
                    State::ALL.iter().map(|s| s.as_str().to_owned()).collect(),
                    &|i| {
                        State::ALL
                            .iter()
                            .position(|s| *s == self.state[i])
                            .unwrap_or(0) as i64
                    },
                ),
                "unit" => text(org.units().iter().map(|u| u.id.clone()).collect(), &|i| {
                    opt(self.unit[i])
                }),
                "satisfaction" => ColumnData::Float(Cow::Owned(
                    self.satisfaction
                        .iter()
                        .map(|&s| if s == 0 { f64::NAN } else { f64::from(s) })
                        .collect(),
                )),
                "second_unit" => text(org.units().iter().map(|u| u.id.clone()).collect(), &|i| {
                    opt(self.second_unit_at(i))
                }),
                "co_units" | "co_on_time" => {
                    let k = usize::from(name == "co_on_time");
                    let sep = LIST_SEPARATOR.to_string();
                    let values = self.co_lists[k]
                        .iter()
                        .map(|list| {
                            list.iter()
                                .map(|&u| org.units()[u as usize].id.as_str())
                                .collect::<Vec<_>>()
                                .join(&sep)
                        })
                        .collect();
                    text(values, &|i| opt(self.co[k].get(i).copied().unwrap_or(NONE)))
                }
                "rework" => ints(&self.rework),
                "returns" => ints(&self.returns),
                "wrong_unit_returns" => ints(&self.wrong_unit_returns),
                "orders" => ints(&self.orders[0]),
                "orders_replied_on_time" => ints(&self.orders[1]),
                "checks" => ints(&self.checks[0]),
                "checks_on_time" => ints(&self.checks[1]),
                "last_checked_at" => ColumnData::Time(Cow::Borrowed(&self.last_checked_at)),
                "void_cause" => text(
                    VoidCause::ALL
                        .iter()
                        .map(|c| c.as_str().to_owned())
                        .collect(),
                    &|i| i64::from(self.void_cause[i]) - 1,
                ),
                "postponements" => ints(&self.postponements),
                "extension_minutes" => ColumnData::Int(Cow::Borrowed(&self.extension_minutes)),
                "shelved" => ColumnData::Bool(Cow::Borrowed(&self.shelved)),
                "self_handled" => ColumnData::Bool(Cow::Borrowed(&self.self_handled)),
                n if PERSON_COLUMNS.contains(&n) => {
                    let k = PERSON_COLUMNS.iter().position(|x| *x == n).unwrap_or(0);
                    text(
                        self.people[k].iter().map(ToString::to_string).collect(),
                        &|i| opt(self.person[k][i]),
                    )
                }
                n => {
                    if let Some(k) = TIME_COLUMNS.iter().position(|x| *x == n) {
                        ColumnData::Time(Cow::Borrowed(&self.time[k]))
                    } else if let Some(k) = SHELF_COLUMNS.iter().position(|x| *x == n) {
                        ColumnData::Time(Cow::Borrowed(&self.shelf[k]))
                    } else {
                        let k = DEADLINE_COLUMNS.iter().position(|x| *x == n).unwrap_or(0);
                        ColumnData::Time(Cow::Borrowed(&self.deadline[k]))
                    }
                }
            };
            cols.push(name, data);
        }
        cols
    }
}

fn opt(v: u32) -> i64 {
    if v == NONE { -1 } else { i64::from(v) }
}

fn ints(v: &[u32]) -> ColumnData<'static> {
    ColumnData::Int(Cow::Owned(v.iter().map(|&x| i64::from(x)).collect()))
}
