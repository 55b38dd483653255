//! The per-case drill-down: the rows behind the area and department counts of a card.
//!
//! [`drill_down`] gives one row per case that enters the period `[start, end)` in any cohort
//! (reported, filed, dispatched, or rated in it), with each stage's deadline, whether the stage
//! was on time, whether handling is overdue as of `as_of`, whether the case is on the shelf,
//! the working hours used, and one flag per count of the card's area and department tables
//! (`closed_on_time`, `dept_overdue_unhandled`, …): the number of rows of a grid (or unit)
//! with a flag set is that grid's (unit's) count in the card scored over the same period and
//! `as_of`, so an analyst can list a department's overdue cases. The statuses follow the
//! definitions of the module documentation of [`crate::score`] (cohorts, "handled on time",
//! "overdue", shelved cases); `core/tests/drill_down.rs` checks that the flags add up to the
//! card's counts on a simulated month. Posts' counts are not drilled into.

use std::borrow::Cow;

use crate::calendar::{Calendar, Millis};
use crate::case::State;
use crate::catalog::Stage;
use crate::error::{Error, Result};
use crate::org::UnitId;
use crate::territory::AreaId;

use super::records::{ColumnData, Columns, NO_TIME, NONE, Records, t};

/// The columns of [`drill_down`], in order.
pub const DRILL_COLUMNS: [&str; 45] = [
    "id",
    "grid",
    "unit",
    "category",
    "urgency",
    "source",
    "state",
    "reported_at",
    "filed_at",
    "dispatched_at",
    "handled_at",
    "closed_at",
    "verify_deadline",
    "dispatch_deadline",
    "handle_deadline",
    "check_deadline",
    "verify_on_time",
    "dispatch_on_time",
    "handle_on_time",
    "check_on_time",
    "overdue",
    "on_shelf",
    "response_hours",
    "handle_hours",
    "reported",
    "public_reported",
    "filed",
    "public_filed",
    "due_to_close",
    "closed",
    "closed_on_time",
    "shelved",
    "dept_due",
    "dept_handled",
    "dept_handled_on_time",
    "dept_overdue_handled",
    "dept_overdue_unhandled",
    "dept_shelved",
    "dept_postponed",
    "dept_second_handled",
    "dept_second_handled_on_time",
    "dept_co",
    "second_unit",
    "co_units",
    "co_on_time",
];

/// The per-case drill-down of `records` over `[start, end)`, statuses as of `as_of` (default:
/// the records' own): the columns [`DRILL_COLUMNS`] (module documentation), one row per case
/// in a cohort of the period, in the records' order.
///
/// - `id`; `grid` (the unit-grid code); `unit` (the unit dispatched to), `category`, `urgency`,
///   `source`, `state` (as exported) as text;
/// - the instants `reported_at` … `closed_at` and the four stage deadlines, instants at or
///   after `as_of` shown as missing (not yet happened), as the card judges them;
/// - `verify_on_time` … `check_on_time`: 1 when the stage was done by its deadline, 0 when
///   late, missing when the stage was not done or has no deadline (numbers);
/// - `overdue`: the handling deadline is before `as_of` and the case was not handled;
///   `on_shelf`: on the shelf (挂账) as of `as_of` (booleans);
/// - `response_hours` (reported to dispatched) and `handle_hours` (dispatched to handled):
///   working hours on the model's calendar, missing when a stage is not reached;
/// - the area counts `reported`, `public_reported`, `filed`, `public_filed`, `due_to_close`,
///   `closed`, `closed_on_time`, `shelved` (summed per grid: the card's area table) and the
///   department counts `dept_due`, `dept_handled`, `dept_handled_on_time`,
///   `dept_overdue_handled`, `dept_overdue_unhandled`, `dept_shelved`, `dept_postponed`
///   (summed per `unit`: the card's department table) as booleans;
/// - two-level and joint dispatch: `dept_second_handled`, `dept_second_handled_on_time`
///   (booleans summed per `second_unit`: its `second_handled` and `second_handled_on_time`),
///   `dept_co` (the row counts for its co-handlers: the rows with it set whose `co_units`
///   name a unit are that unit's `co_assigned`, those whose `co_on_time` name it its
///   `co_on_time`), and the text columns `second_unit`, `co_units`, `co_on_time` as in the
///   records (lists joined by `;`).
///
/// # Errors
/// [`Error::InvalidValue`] for an empty or reversed period or an `as_of` outside the range; a
/// row whose instants fall outside the calendar's years, naming the row and column.
pub fn drill_down(
    records: &Records,
    start: Millis,
    end: Millis,
    as_of: Option<Millis>,
) -> Result<Columns<'static>> {
    super::card::check_period(records.model().calendar(), start, end)?;
    if let Some(t) = as_of {
        crate::limits::check_instant("as_of", t)?;
    }
    let as_of = as_of.unwrap_or(records.as_of);
    let rec = records;
    let model = &rec.model;
    let catalog = model.catalog();
    let territory = model.territory();
    let org = model.org();
    let in_p = |v: Millis| v != NO_TIME && v >= start && v < end;
    // Working hours on the calendar of whoever acts (`Model::calendar_for`), as the tally
    // counts them: handling on the unit's, reported → dispatched on dispatch's.
    let hours = |cal: &Calendar, row: usize, a: Millis, b: Millis, col: &str| -> Result<f64> {
        if a == NO_TIME || b == NO_TIME {
            return Ok(f64::NAN);
        }
        let ms = cal
            .working_between(a, b)
            .map_err(|e| Error::invalid(format!("records[{row}].{col}"), b, e.to_string()))?;
        #[allow(clippy::cast_precision_loss)]
        Ok(ms as f64 / 3_600_000.0)
    };

    let mut rows = Vec::new();
    let mut times: [Vec<Millis>; 9] = Default::default();
    let mut flags: [Vec<f64>; 4] = Default::default();
    let mut bools: [Vec<bool>; 2] = Default::default();
    let mut hrs: [Vec<f64>; 2] = Default::default();
    let mut counts: [Vec<bool>; 18] = Default::default();
    for row in 0..rec.len() {
        let tm = |k: usize| {
            let v = rec.time[k][row];
            if v != NO_TIME && v < as_of {
                v
            } else {
                NO_TIME
            }
        };
        let state = rec.state[row];
        let public = rec.source[row].is_public();
        let handled = tm(t::HANDLED);
        let filed = tm(t::FILED);
        let dispatched = tm(t::DISPATCHED);
        let closed = tm(t::CLOSED);
        let handle_deadline = rec.deadline[2][row];
        let on_time =
            handled != NO_TIME && handle_deadline != NO_TIME && handled <= handle_deadline;
        let on_shelf = closed == NO_TIME
            && match rec.shelf[0][row] {
                NO_TIME => rec.shelved[row] && handled == NO_TIME,
                on => on < as_of && !(rec.shelf[1][row] != NO_TIME && rec.shelf[1][row] < as_of),
            };
        let overdue = handle_deadline != NO_TIME && handle_deadline < as_of;
        let reported_in = in_p(tm(t::REPORTED));
        let filed_cohort = in_p(filed) && state != State::Voided;
        let dispatched_in = in_p(dispatched) && rec.unit[row] != NONE;
        let rated_in = in_p(tm(t::RATED));
        if !(reported_in || filed_cohort || dispatched_in || rated_in) {
            continue;
        }
        rows.push(row);
        for (k, col) in [t::REPORTED, t::FILED, t::DISPATCHED, t::HANDLED, t::CLOSED]
            .into_iter()
            .enumerate()
        {
            times[k].push(tm(col));
        }
        for k in 0..4 {
            let d = rec.deadline[k][row];
            times[5 + k].push(if d == NO_TIME { NO_TIME } else { d });
        }
        // Each stage's on-time flag: done (before as_of) by its deadline.
        for (k, done) in [t::VERIFIED, t::DISPATCHED, t::HANDLED, t::CHECKED]
            .into_iter()
            .enumerate()
        {
            let (at, d) = (tm(done), rec.deadline[k][row]);
            flags[k].push(if at == NO_TIME || d == NO_TIME {
                f64::NAN
            } else {
                f64::from(u8::from(at <= d))
            });
        }
        bools[0].push(handled == NO_TIME && overdue);
        bools[1].push(on_shelf);
        let centre = model.calendar_for(Stage::Dispatch, None);
        hrs[0].push(hours(
            centre,
            row,
            tm(t::REPORTED),
            dispatched,
            "dispatched_at",
        )?);
        let unit = (rec.unit[row] != NONE).then(|| UnitId(rec.unit[row]));
        hrs[1].push(if handled != NO_TIME && dispatched != NO_TIME {
            let cal = model.calendar_for(Stage::Handle, unit);
            hours(cal, row, dispatched, handled, "handled_at")?
        } else {
            f64::NAN
        });
        // Areas (the card's area counts).
        let closed_c = filed_cohort && closed != NO_TIME;
        let area_shelved = filed_cohort && closed == NO_TIME && on_shelf;
        let due_to_close = closed_c || (filed_cohort && closed == NO_TIME && !on_shelf && overdue);
        // Departments: shelved apart; due once handled or overdue.
        let d_shelved = dispatched_in && on_shelf;
        let d_handled = dispatched_in && !on_shelf && handled != NO_TIME;
        let d_overdue_unhandled = dispatched_in && !on_shelf && handled == NO_TIME && overdue;
        let d_due = d_handled || d_overdue_unhandled;
        let values = [
            reported_in,
            reported_in && public,
            filed_cohort,
            filed_cohort && public,
            due_to_close,
            closed_c,
            closed_c && on_time,
            area_shelved,
            d_due,
            d_handled,
            d_handled && on_time,
            d_handled && !on_time,
            d_overdue_unhandled,
            d_shelved,
            d_due && rec.postponements[row] > 0,
            d_handled && rec.second_unit_at(row) != NONE,
            d_handled && on_time && rec.second_unit_at(row) != NONE,
            dispatched_in && !on_shelf && !rec.co_at(0, row).is_empty(),
        ];
        for (c, v) in counts.iter_mut().zip(values) {
            c.push(v);
        }
    }

    let mut out = Columns::new();
    out.push(
        "id",
        ColumnData::Int(Cow::Owned(rows.iter().map(|&r| rec.id[r]).collect())),
    );
    // Text columns: codes into a list of names.
    let text = |names: Vec<String>, code: &dyn Fn(usize) -> u32| -> ColumnData<'static> {
        ColumnData::Text {
            codes: Cow::Owned(
                rows.iter()
                    .map(|&r| match code(r) {
                        NONE => -1,
                        c => i64::from(c),
                    })
                    .collect(),
            ),
            values: names,
        }
    };
    let grid_codes: Vec<String> = (0..territory.len())
        .map(|i| territory.area(AreaId(i as u32)).code.to_string())
        .collect();
    out.push("grid", text(grid_codes, &|r| rec.grid[r]));
    let units: Vec<String> = org.units().iter().map(|u| u.id.clone()).collect();
    out.push("unit", text(units, &|r| rec.unit[r]));
    let cats: Vec<String> = catalog
        .categories()
        .iter()
        .map(|c| c.key.as_str().to_owned())
        .collect();
    out.push("category", text(cats, &|r| rec.category[r]));
    out.push(
        "urgency",
        text(catalog.urgencies().to_vec(), &|r| u32::from(rec.urgency[r])),
    );
    let sources: Vec<String> = crate::case::Source::ALL
        .iter()
        .map(|s| s.as_str().to_owned())
        .collect();
    out.push(
        "source",
        text(sources, &|r| {
            crate::case::Source::ALL
                .iter()
                .position(|s| *s == rec.source[r])
                .map_or(NONE, |i| i as u32)
        }),
    );
    let states: Vec<String> = State::ALL.iter().map(|s| s.as_str().to_owned()).collect();
    out.push(
        "state",
        text(states, &|r| {
            State::ALL
                .iter()
                .position(|s| *s == rec.state[r])
                .map_or(NONE, |i| i as u32)
        }),
    );
    let [reported, filed, dispatched, handled, closed, d0, d1, d2, d3] = times;
    for (name, v) in [
        ("reported_at", reported),
        ("filed_at", filed),
        ("dispatched_at", dispatched),
        ("handled_at", handled),
        ("closed_at", closed),
        ("verify_deadline", d0),
        ("dispatch_deadline", d1),
        ("handle_deadline", d2),
        ("check_deadline", d3),
    ] {
        out.push(name, ColumnData::Time(Cow::Owned(v)));
    }
    for (name, v) in DRILL_COLUMNS[16..20].iter().zip(flags) {
        out.push(*name, ColumnData::Float(Cow::Owned(v)));
    }
    for (name, v) in DRILL_COLUMNS[20..22].iter().zip(bools) {
        out.push(*name, ColumnData::Bool(Cow::Owned(v)));
    }
    for (name, v) in DRILL_COLUMNS[22..24].iter().zip(hrs) {
        out.push(*name, ColumnData::Float(Cow::Owned(v)));
    }
    for (name, v) in DRILL_COLUMNS[24..42].iter().zip(counts) {
        out.push(*name, ColumnData::Bool(Cow::Owned(v)));
    }
    let units: Vec<String> = org.units().iter().map(|u| u.id.clone()).collect();
    out.push("second_unit", text(units, &|r| rec.second_unit_at(r)));
    for (k, name) in ["co_units", "co_on_time"].into_iter().enumerate() {
        let sep = super::records::LIST_SEPARATOR.to_string();
        let lists: Vec<String> = rec.co_lists[k]
            .iter()
            .map(|l| {
                l.iter()
                    .map(|&u| org.units()[u as usize].id.as_str())
                    .collect::<Vec<_>>()
                    .join(&sep)
            })
            .collect();
        out.push(
            name,
            text(lists, &|r| rec.co[k].get(r).copied().unwrap_or(NONE)),
        );
    }
    Ok(out)
}

/// The drill-down as CSV text: a header of [`DRILL_COLUMNS`], instants as ISO 8601 in the
/// calendar's zone with its offset (`2026-03-02T09:15:00+08:00`), flags `true`/`false`,
/// on-time flags `1`/`0`, hours with up to 6 decimals, an empty field for a missing value.
pub fn drill_down_csv(cols: &Columns<'_>, offset_minutes: i32) -> String {
    use std::fmt::Write as _;
    let n = cols.columns.first().map_or(0, |(_, d)| d.len());
    let mut out = String::new();
    let names: Vec<&str> = cols.columns.iter().map(|(n, _)| n.as_str()).collect();
    out.push_str(&names.join(","));
    out.push('\n');
    let zone = chrono::FixedOffset::east_opt(offset_minutes * 60)
        .unwrap_or_else(|| chrono::Offset::fix(&chrono::Utc));
    for r in 0..n {
        for (c, (_, data)) in cols.columns.iter().enumerate() {
            if c > 0 {
                out.push(',');
            }
            match data {
                ColumnData::Int(v) => {
                    let _ = write!(out, "{}", v[r]);
                }
                ColumnData::Float(v) => {
                    if !v[r].is_nan() {
                        let x = (v[r] * 1e6).round() / 1e6;
                        let _ = write!(out, "{x}");
                    }
                }
                ColumnData::Time(v) => {
                    if v[r] != NO_TIME
                        && let Some(dt) = chrono::DateTime::from_timestamp_millis(v[r])
                    {
                        let _ = write!(
                            out,
                            "{}",
                            dt.with_timezone(&zone).format("%Y-%m-%dT%H:%M:%S%:z")
                        );
                    }
                }
                ColumnData::Bool(v) => out.push_str(if v[r] { "true" } else { "false" }),
                ColumnData::Text { codes, values } => {
                    if let Some(s) = usize::try_from(codes[r]).ok().and_then(|i| values.get(i)) {
                        if s.contains([',', '"', '\n', '\r']) {
                            out.push('"');
                            out.push_str(&s.replace('"', "\"\""));
                            out.push('"');
                        } else {
                            out.push_str(s);
                        }
                    }
                }
                ColumnData::Utf8 { .. } => {}
            }
        }
        out.push('\n');
    }
    out
}
