//! Building [`Records`] from columns: [`Records::from_columns`] checks the column names, types
//! and lengths and the required columns, resolves the text and person columns (each on its own
//! thread for large tables), reads the instants, counts and flags, and applies the row rules
//! (instants in lifecycle order, state, satisfaction) in row chunks on all cores.

use std::borrow::Cow;
use std::sync::Arc;

use crate::calendar::{Calendar, Millis};
use crate::case::{Source, State, VoidCause};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::parallel;
use crate::score::local::local_text;

use super::columns::{ColumnData, Columns, bool_column, count_column, int_column, time_column};
use super::schema::{
    ColumnType, DEADLINE_COLUMNS, KNOWN_VERSIONS, NO_TIME, NONE, PERSON_COLUMNS, SCHEMA_VERSION,
    SHELF_COLUMNS, TIME_COLUMNS, bad, column_type, schema_columns, since_version, t,
};
use super::table::Records;
use super::text::resolve_text;

/// A text lookup shared by validation threads: value → index, or why it is refused.
type Lookup<'m> = &'m (dyn Fn(&str) -> std::result::Result<u32, String> + Sync);

/// A person column: per row an index into its own list of ids.
type PersonColumn = (Vec<u32>, Vec<Arc<str>>);

/// Resolving one text column, run on a worker thread for large tables.
type ColumnJob<'s> = Box<dyn FnOnce() -> Result<PersonColumn> + Send + 's>;

/// Tables at least this long are validated on all cores.
const PARALLEL_ROWS: usize = 1 << 16;

impl<'a> Records<'a> {
    /// Validates a table against `model` (the rules of the schema in [`crate::score`]).
    /// `as_of` overrides the records' own as-of instant (default: one millisecond after
    /// the latest instant in the table).
    ///
    /// # Errors
    /// The first problem, as [`Error::InvalidValue`] whose `what` is `records[ROW].COLUMN`
    /// (`records.COLUMN` for a column-wide problem).
    pub fn from_columns(
        model: Arc<Model>,
        cols: &Columns<'a>,
        as_of: Option<Millis>,
    ) -> Result<Records<'a>> {
        Self::validate(model, cols, as_of).map_err(|e| name_the_case(e, cols))
    }

    pub(super) fn validate(
        model: Arc<Model>,
        cols: &Columns<'a>,
        as_of: Option<Millis>,
    ) -> Result<Records<'a>> {
        if let Some(t) = as_of {
            crate::limits::check_instant("as_of", t)?;
        }
        // Column names, types and lengths.
        let mut n = None;
        for (i, (name, data)) in cols.columns.iter().enumerate() {
            let Some(ty) = column_type(name) else {
                return Err(Error::invalid(
                    format!("records.{name}"),
                    name,
                    format!(
                        "is not a column of the case-record schema ({})",
                        schema_columns().join(", ")
                    ),
                ));
            };
            if cols.columns[..i].iter().any(|(m, _)| m == name) {
                return Err(Error::invalid(
                    format!("records.{name}"),
                    name,
                    "is given twice",
                ));
            }
            let ok = matches!(
                (ty, data),
                (
                    ColumnType::Int,
                    ColumnData::Int(_) | ColumnData::Float(_) | ColumnData::Bool(_)
                ) | (ColumnType::Time, ColumnData::Time(_) | ColumnData::Int(_))
                    | (
                        ColumnType::Text,
                        ColumnData::Text { .. } | ColumnData::Utf8 { .. }
                    )
                    | (ColumnType::Bool, _)
            ) || (ty == ColumnType::Time
                && matches!(data, ColumnData::Text { codes, .. } if codes.iter().all(|&c| c < 0)))
                || (ty == ColumnType::Time
                    && matches!(data, ColumnData::Float(v) if v.iter().all(|x| x.is_nan())));
            if !ok {
                return Err(Error::invalid(
                    format!("records.{name}"),
                    data.type_name(),
                    format!("must hold {}", ty.as_str()),
                ));
            }
            match n {
                None => n = Some(data.len()),
                Some(m) if m != data.len() => {
                    return Err(Error::invalid(
                        format!("records.{name}"),
                        data.len(),
                        format!("rows, where the other columns have {m}"),
                    ));
                }
                Some(_) => {}
            }
        }
        let n = n.unwrap_or(0);
        if u32::try_from(n).is_err() {
            return Err(Error::invalid("records", n, "rows exceed 2^32 − 1"));
        }
        check_version(cols, n)?;
        let territory = model.territory();
        let cal = model.calendar();
        let catalog = model.catalog();
        let org = model.org();

        // Required columns.
        let Some(id_data) = cols.get("id") else {
            return Err(Error::invalid("records.id", "", "is a required column"));
        };
        if let ColumnData::Float(v) = id_data
            && let Some(row) = v.iter().position(|x| x.is_nan())
        {
            return Err(bad(
                row,
                "id",
                &"NaN",
                "is missing (the column is required)",
            ));
        }
        let id = int_column(cols, "id", n, 0)?;
        check_unique_ids(&id)?;
        let Some(reported) = time_column(cols, "reported_at", n)? else {
            return Err(Error::invalid(
                "records.reported_at",
                "",
                "is a required column",
            ));
        };
        if let Some(row) = reported.iter().position(|&t| t == NO_TIME) {
            return Err(bad(
                row,
                "reported_at",
                &"NaT",
                "is missing (the column is required)",
            ));
        }

        // Text columns, each resolved on its own thread for large tables.
        let grid_of = |code: &str| {
            territory
                .find_grid(code)
                .map(|a| a.0)
                .map_err(|e| e.to_string())
        };
        let category_of = |key: &str| {
            catalog.get(key).map_err(|e| e.to_string()).and_then(|_| {
                catalog
                    .index_of(key)
                    .and_then(|i| u32::try_from(i).ok())
                    .ok_or_else(|| "is not a leaf category".to_owned())
            })
        };
        let labels = model.record_labels();
        let urgency_of = |u: &str| {
            let u = labels.urgency(u);
            catalog
                .urgencies()
                .iter()
                .position(|x| x == u)
                .and_then(|i| u32::try_from(i).ok())
                .ok_or_else(|| {
                    format!(
                        "is not an urgency of the catalog ({})",
                        catalog.urgencies().join(", ")
                    )
                })
        };
        let source_index = |s: &str| {
            labels.source(s).map(|s| s as u32).ok_or_else(|| {
                "is not a source (supervisor, hotline, app, media, leader, sensor, or a label \
                 of one such as 12345热线)"
                    .to_owned()
            })
        };
        let state_of = |s: &str| {
            labels
                .state(s)
                .and_then(|st| State::ALL.iter().position(|x| *x == st))
                .map(|i| i as u32)
                .ok_or_else(|| {
                    "is not a lifecycle state (or a label of one such as 已结案)".to_owned()
                })
        };
        let unit_of = |u: &str| org.find_unit(u).map(|u| u.0).map_err(|e| e.to_string());
        let specs: [(&str, bool, Lookup<'_>); 6] = [
            ("grid", true, &grid_of),
            ("category", false, &category_of),
            ("urgency", false, &urgency_of),
            ("source", false, &source_index),
            ("state", false, &state_of),
            ("unit", false, &unit_of),
        ];
        let text_one = |(name, required, f): (&str, bool, Lookup<'_>)| {
            resolve_text(cols, name, n, required, f).map(|r| r.rows)
        };
        // People: each person column keeps its own dictionary (no hashing of 10^6 citizen
        // ids); posts are merged by id only when tables are built.
        let person_one = |name: &str| {
            let mut dict: Vec<Arc<str>> = Vec::new();
            let rows = resolve_text(cols, name, n, false, |id| {
                if id.is_empty() {
                    return Ok(NONE);
                }
                if let Some(c) = crate::limits::control_char(id) {
                    return Err(crate::limits::control_reason(c));
                }
                dict.push(Arc::from(id));
                Ok(dict.len() as u32 - 1)
            })?
            .rows;
            Ok((rows, dict))
        };
        // One job per text column (a looked-up column has no dictionary of its own); large
        // tables give every job its own thread.
        let mut jobs: Vec<ColumnJob<'_>> = Vec::with_capacity(specs.len() + PERSON_COLUMNS.len());
        for spec in specs {
            jobs.push(Box::new(move || {
                text_one(spec).map(|rows| (rows, Vec::new()))
            }));
        }
        for name in PERSON_COLUMNS {
            jobs.push(Box::new(move || person_one(name)));
        }
        let threads = if n < PARALLEL_ROWS { 1 } else { jobs.len() };
        let mut resolved = parallel::map(jobs, threads, |job| job()).into_iter();
        let texts: Vec<Result<Vec<u32>>> = resolved
            .by_ref()
            .take(specs.len())
            .map(|r| r.map(|(rows, _)| rows))
            .collect();
        let persons: Vec<Result<PersonColumn>> = resolved.collect();
        let mut texts = texts.into_iter();
        let mut next_text = || texts.next().unwrap_or_else(|| Ok(Vec::new()));
        let grid = next_text()?;
        let category = next_text()?;
        let default_urgency = catalog
            .urgencies()
            .iter()
            .position(|u| u == catalog.default_urgency())
            .unwrap_or(0);
        let urgency: Vec<u8> = next_text()?
            .into_iter()
            .map(|u| {
                if u == NONE {
                    default_urgency as u8
                } else {
                    u as u8
                }
            })
            .collect();
        let source: Vec<Source> = next_text()?
            .into_iter()
            .map(|s| {
                if s == NONE {
                    Source::Supervisor
                } else {
                    Source::ALL[s as usize]
                }
            })
            .collect();
        let state_given = cols.get("state").is_some();
        let states = next_text()?;
        let unit = next_text()?;
        let mut people: [Vec<Arc<str>>; 9] = Default::default();
        let mut person: [Vec<u32>; 9] = Default::default();
        for (k, r) in persons.into_iter().enumerate() {
            let (rows, dict) = r?;
            person[k] = rows;
            people[k] = dict;
        }

        // Instants.
        let mut time: [Cow<'a, [Millis]>; 9] = Default::default();
        time[0] = reported;
        for (k, name) in TIME_COLUMNS.iter().enumerate().skip(1) {
            time[k] = time_column(cols, name, n)?.unwrap_or_else(|| Cow::Owned(vec![NO_TIME; n]));
        }
        let mut given_deadline: [Option<Cow<'a, [Millis]>>; 4] = Default::default();
        for (k, name) in DEADLINE_COLUMNS.iter().enumerate() {
            given_deadline[k] = time_column(cols, name, n)?;
            if let Some(col) = &given_deadline[k]
                && let Some(row) = col
                    .iter()
                    .position(|&v| v != NO_TIME && crate::limits::check_instant(name, v).is_err())
            {
                return Err(bad(row, name, &col[row], instant_reason()));
            }
        }

        let mut shelf: [Cow<'a, [Millis]>; 2] = Default::default();
        for (k, name) in SHELF_COLUMNS.iter().enumerate() {
            shelf[k] = time_column(cols, name, n)?.unwrap_or_else(|| Cow::Owned(vec![NO_TIME; n]));
        }

        let rework = count_column(cols, "rework", n)?;
        let returns = count_column(cols, "returns", n)?;
        // Schema 3: returns and voids after filing are approved, with causes. Without the
        // columns (versions 1 and 2) every return counts as a wrong unit, as it did then.
        let wrong_unit_returns = if cols.get("wrong_unit_returns").is_some() {
            let v = count_column(cols, "wrong_unit_returns", n)?;
            if let Some(row) = (0..n).find(|&r| v[r] > returns[r]) {
                return Err(bad(
                    row,
                    "wrong_unit_returns",
                    &v[row],
                    format!("exceeds returns ({})", returns[row]),
                ));
            }
            v
        } else {
            returns.clone()
        };
        // 督办 orders (schema 3): absent, none.
        let orders = [
            count_column(cols, "orders", n)?,
            count_column(cols, "orders_replied_on_time", n)?,
        ];
        if let Some(row) = (0..n).find(|&r| orders[1][r] > orders[0][r]) {
            return Err(bad(
                row,
                "orders_replied_on_time",
                &orders[1][row],
                format!("exceeds orders ({})", orders[0][row]),
            ));
        }
        // Checks (schema 4): every check done, failed ones included. Absent, the fallback
        // after the deadlines are known (one check per checked case).
        let checks_given = cols.get("checks").is_some();
        let checks = [
            count_column(cols, "checks", n)?,
            count_column(cols, "checks_on_time", n)?,
        ];
        if !checks_given && cols.get("checks_on_time").is_some() {
            return Err(Error::invalid(
                "records.checks_on_time",
                "checks_on_time",
                "is given without checks (give both columns, or neither)",
            ));
        }
        if checks_given && let Some(row) = (0..n).find(|&r| checks[1][r] > checks[0][r]) {
            return Err(bad(
                row,
                "checks_on_time",
                &checks[1][row],
                format!("exceeds checks ({})", checks[0][row]),
            ));
        }
        if checks_given && let Some(row) = (0..n).find(|&r| rework[r] > checks[0][r]) {
            return Err(bad(
                row,
                "rework",
                &rework[row],
                format!(
                    "exceeds checks ({}): every failed check is a check",
                    checks[0][row]
                ),
            ));
        }
        let last_checked_at = time_column(cols, "last_checked_at", n)?;
        if let Some(col) = &last_checked_at
            && let Some(row) = col.iter().position(|&v| {
                v != NO_TIME && crate::limits::check_instant("last_checked_at", v).is_err()
            })
        {
            return Err(bad(row, "last_checked_at", &col[row], instant_reason()));
        }
        let void_cause: Vec<u8> = resolve_text(cols, "void_cause", n, false, |c| {
            VoidCause::parse(c).map(|c| c as u32).ok_or_else(|| {
                "is not a void cause (duplicate, outside_scope, problem_gone)".to_owned()
            })
        })?
        .rows
        .into_iter()
        .map(|c| if c == NONE { 0 } else { c as u8 + 1 })
        .collect();
        let postponements = count_column(cols, "postponements", n)?;
        let extension_minutes = int_column(cols, "extension_minutes", n, 0)?;
        if let Some(row) = extension_minutes.iter().position(|&x| x < 0) {
            return Err(bad(
                row,
                "extension_minutes",
                &extension_minutes[row],
                "is negative",
            ));
        }
        let shelved_given = cols.get("shelved").is_some();
        let shelved = if shelved_given || cols.get("shelved_at").is_none() {
            bool_column(cols, "shelved", n, labels)?
        } else {
            // Without the flag, a case put on the shelf is one that was shelved.
            Cow::Owned(shelf[0].iter().map(|&v| v != NO_TIME).collect())
        };
        let self_handled = bool_column(cols, "self_handled", n, labels)?;
        let sat_raw = int_column(cols, "satisfaction", n, 0)?;
        let mut satisfaction = Vec::with_capacity(n);
        for (row, &s) in sat_raw.iter().enumerate() {
            match s {
                0 => satisfaction.push(0),
                1..=5 => {
                    if time[t::RATED][row] == NO_TIME {
                        return Err(bad(row, "satisfaction", &s, "is given without rated_at"));
                    }
                    satisfaction.push(s as u8);
                }
                _ => return Err(bad(row, "satisfaction", &s, "is not a rating 1–5")),
            }
        }

        // Row rules: order of instants, states (in row chunks on all cores).
        let check_rows = |rows: std::ops::Range<usize>| -> Result<(Vec<State>, i64)> {
            let mut latest = i64::MIN;
            let mut state = Vec::with_capacity(rows.len());
            for row in rows {
                let mut last: Option<usize> = None;
                for (k, col) in time.iter().enumerate() {
                    let v = col[row];
                    if v == NO_TIME {
                        continue;
                    }
                    if crate::limits::check_instant(TIME_COLUMNS[k], v).is_err() {
                        return Err(bad(row, TIME_COLUMNS[k], &v, instant_reason()));
                    }
                    if let Some(j) = last
                        && v < time[j][row]
                    {
                        return Err(bad(
                            row,
                            TIME_COLUMNS[k],
                            &local_text(cal, v),
                            format!(
                                "is earlier than {} ({})",
                                TIME_COLUMNS[j],
                                local_text(cal, time[j][row])
                            ),
                        ));
                    }
                    last = Some(k);
                    latest = latest.max(v);
                }
                latest = latest.max(check_shelf(cal, row, &time, &shelf, shelved[row])?);
                let s = if states[row] == NONE {
                    if state_given {
                        return Err(bad(row, "state", &"", "is missing"));
                    }
                    derive_state(&time, row)
                } else {
                    State::ALL[states[row] as usize]
                };
                if s == State::Closed && time[t::CLOSED][row] == NO_TIME {
                    return Err(bad(row, "state", &"closed", "is given without closed_at"));
                }
                if satisfaction[row] == 0 && time[t::RATED][row] != NO_TIME {
                    return Err(bad(
                        row,
                        "rated_at",
                        &time[t::RATED][row],
                        "is given without satisfaction",
                    ));
                }
                state.push(s);
            }
            Ok((state, latest))
        };
        let threads = if n < PARALLEL_ROWS {
            1
        } else {
            parallel::thread_count(0, n, 1)
        };
        let chunks = parallel::map_chunks(0..n, threads, check_rows);
        let mut state = Vec::with_capacity(n);
        let mut latest = i64::MIN;
        for c in chunks {
            let (s, l) = c?;
            state.extend(s);
            latest = latest.max(l);
        }

        if let Some(row) = (0..n).find(|&r| void_cause[r] != 0 && state[r] != State::Voided) {
            return Err(bad(
                row,
                "void_cause",
                &VoidCause::ALL[usize::from(void_cause[row]) - 1].as_str(),
                format!("is given for a case that is {}", state[row]),
            ));
        }
        let (second_unit, co, co_lists) = dispatch_columns(cols, n, org)?;
        let mut records = Records {
            model,
            id,
            category,
            urgency,
            grid,
            source,
            state,
            people,
            person,
            unit,
            second_unit,
            co,
            co_lists,
            time,
            deadline: Default::default(),
            shelf,
            rework,
            returns,
            wrong_unit_returns,
            void_cause,
            orders,
            checks,
            last_checked_at: Cow::Owned(Vec::new()),
            postponements,
            extension_minutes,
            shelved,
            self_handled,
            satisfaction,
            as_of: as_of.unwrap_or(if latest == i64::MIN {
                0
            } else {
                latest.saturating_add(1)
            }),
        };
        for (k, given) in given_deadline.into_iter().enumerate() {
            records.deadline[k] = match given {
                Some(v) => v,
                None => Cow::Owned(records.compute_deadlines(k)?),
            };
        }
        // Tables before schema 4: the failed checks (`rework`) and the last passed one, all
        // credited to its checker at `checked_at`; only the passed one is judged on time
        // (by `check_deadline`: the failed checks' deadlines are not in the table).
        records.last_checked_at =
            last_checked_at.unwrap_or_else(|| records.time[t::CHECKED].clone());
        if cols.get("last_checker").is_none() {
            // (positions p::CHECKER and p::LAST_CHECKER)
            let [_, _, _, _, _, checker, _, last, _] = &mut records.person;
            last.clone_from(checker);
            let [_, _, _, _, _, checker, _, last, _] = &mut records.people;
            last.clone_from(checker);
        }
        // Tables before schema 4: the verification done, by its verifier, is the task.
        if cols.get("verify_assignee").is_none() {
            // (positions p::VERIFIER and p::VERIFY_ASSIGNEE)
            let [_, _, verifier, _, _, _, _, _, assignee] = &mut records.person;
            assignee.clone_from(verifier);
            let [_, _, verifier, _, _, _, _, _, assignee] = &mut records.people;
            assignee.clone_from(verifier);
        }
        if !checks_given {
            let checked = &records.time[t::CHECKED];
            let deadline = &records.deadline[3];
            for row in 0..n {
                let done = checked[row] != NO_TIME;
                records.checks[0][row] = records.rework[row].saturating_add(u32::from(done));
                records.checks[1][row] =
                    u32::from(done && deadline[row] != NO_TIME && checked[row] <= deadline[row]);
            }
        }
        Ok(records)
    }
}

/// The dispatch columns (schema 4, [`DISPATCH_COLUMNS`](super::DISPATCH_COLUMNS)): the
/// second-level unit, and the co-handler lists (unit ids joined by `;`, each distinct list
/// resolved once) with the on-time ones a subset of the co-handlers on every row.
#[allow(clippy::type_complexity)]
fn dispatch_columns(
    cols: &Columns<'_>,
    n: usize,
    org: &crate::org::Organisation,
) -> Result<(Vec<u32>, [Vec<u32>; 2], [Vec<Box<[u32]>>; 2])> {
    // An absent column costs no memory (the accessors read a missing row as none).
    let second_unit = if cols.get("second_unit").is_none() {
        Vec::new()
    } else {
        resolve_text(cols, "second_unit", n, false, |u| {
            org.find_unit(u).map(|u| u.0).map_err(|e| e.to_string())
        })?
        .rows
    };
    let mut co: [Vec<u32>; 2] = Default::default();
    let mut co_lists: [Vec<Box<[u32]>>; 2] = Default::default();
    for (k, name) in ["co_units", "co_on_time"].into_iter().enumerate() {
        if cols.get(name).is_none() {
            continue;
        }
        let lists = &mut co_lists[k];
        co[k] = resolve_text(cols, name, n, false, |text| {
            let mut list = Vec::new();
            for id in text.split(super::LIST_SEPARATOR).map(str::trim) {
                let u = org.find_unit(id).map_err(|e| {
                    format!(
                        "{e} (a list of unit ids joined by \"{}\")",
                        super::LIST_SEPARATOR
                    )
                })?;
                if list.contains(&u.0) {
                    return Err(format!("names unit {id:?} twice"));
                }
                list.push(u.0);
            }
            lists.push(list.into_boxed_slice());
            Ok(lists.len() as u32 - 1)
        })?
        .rows;
    }
    for (row, &on_time) in co[1].iter().enumerate() {
        let all = co[0].get(row).copied().unwrap_or(NONE);
        if on_time == NONE {
            continue;
        }
        let given = |k: usize, i: u32| -> &[u32] {
            if i == NONE {
                &[]
            } else {
                &co_lists[k][i as usize]
            }
        };
        if let Some(&u) = given(1, on_time)
            .iter()
            .find(|u| !given(0, all).contains(u))
        {
            return Err(bad(
                row,
                "co_on_time",
                &org.units()[u as usize].id,
                "is not one of the row's co_units",
            ));
        }
    }
    Ok((second_unit, co, co_lists))
}

/// The `schema_version` column, when given: one version this gridgov reads, the same on every
/// row, and no column the stated version does not have.
fn check_version(cols: &Columns<'_>, n: usize) -> Result<()> {
    if cols.get("schema_version").is_none() {
        return Ok(());
    }
    let v = int_column(cols, "schema_version", n, i64::MIN)?;
    let Some(&first) = v.first() else {
        return Ok(());
    };
    for (row, &x) in v.iter().enumerate() {
        if x == i64::MIN {
            return Err(bad(
                row,
                "schema_version",
                &"NaN",
                "is missing (state the version on every row, or leave the column out)",
            ));
        }
        if !(1..=SCHEMA_VERSION).contains(&x) {
            return Err(bad(
                row,
                "schema_version",
                &x,
                format!(
                    "is not a case-record schema version this gridgov reads ({KNOWN_VERSIONS}): \
                     the table was written by a newer gridgov, or the column is not a version"
                ),
            ));
        }
        if x != first {
            return Err(bad(
                row,
                "schema_version",
                &x,
                format!("differs from records[0].schema_version ({first}): one table, one version"),
            ));
        }
    }
    if let Some((name, _)) = cols
        .columns
        .iter()
        .find(|(name, _)| since_version(name) > first)
    {
        return Err(Error::invalid(
            format!("records.{name}"),
            name,
            format!(
                "is a column of schema version {}, but the table states schema_version {first}",
                since_version(name)
            ),
        ));
    }
    Ok(())
}

/// The shelf instants of one row: in range, `shelved_at` with the dispatch it follows and the
/// `shelved` flag, `resumed_at` after `shelved_at`. Returns the latest of them.
fn check_shelf(
    cal: &Calendar,
    row: usize,
    time: &[Cow<'_, [Millis]>; 9],
    shelf: &[Cow<'_, [Millis]>; 2],
    shelved: bool,
) -> Result<Millis> {
    let (on, off) = (shelf[0][row], shelf[1][row]);
    for (k, v) in [on, off].into_iter().enumerate() {
        if v != NO_TIME && crate::limits::check_instant(SHELF_COLUMNS[k], v).is_err() {
            return Err(bad(row, SHELF_COLUMNS[k], &v, instant_reason()));
        }
    }
    if on != NO_TIME {
        let dispatched = time[t::DISPATCHED][row];
        if dispatched == NO_TIME {
            return Err(bad(
                row,
                "shelved_at",
                &local_text(cal, on),
                "is given without dispatched_at (only a dispatched case is shelved)",
            ));
        }
        if on < dispatched {
            return Err(bad(
                row,
                "shelved_at",
                &local_text(cal, on),
                format!(
                    "is earlier than dispatched_at ({})",
                    local_text(cal, dispatched)
                ),
            ));
        }
        if !shelved {
            return Err(bad(
                row,
                "shelved",
                &false,
                "is false, but shelved_at is given",
            ));
        }
    }
    if off != NO_TIME {
        if on == NO_TIME {
            return Err(bad(
                row,
                "resumed_at",
                &local_text(cal, off),
                "is given without shelved_at",
            ));
        }
        if off < on {
            return Err(bad(
                row,
                "resumed_at",
                &local_text(cal, off),
                format!("is earlier than shelved_at ({})", local_text(cal, on)),
            ));
        }
    }
    Ok(on.max(off))
}

/// The state implied by the latest instant present.
fn derive_state(time: &[Cow<'_, [Millis]>; 9], row: usize) -> State {
    const BY_STAGE: [(usize, State); 7] = [
        (t::CLOSED, State::Closed),
        (t::CHECKED, State::Checked),
        (t::HANDLED, State::Handled),
        (t::DISPATCHED, State::Dispatched),
        (t::FILED, State::Filed),
        (t::VERIFIED, State::Verified),
        (t::ACCEPTED, State::Accepted),
    ];
    BY_STAGE
        .iter()
        .find(|(k, _)| time[*k][row] != NO_TIME)
        .map_or(State::Reported, |&(_, s)| s)
}

/// A case id appears once: a duplicated row would be counted twice in every table. Ids that
/// increase row by row (how exports come, sorted by case) are checked in one pass; otherwise
/// they are sorted. The error names the later row and the row it repeats.
fn check_unique_ids(id: &[i64]) -> Result<()> {
    if id.windows(2).all(|w| w[0] < w[1]) {
        return Ok(());
    }
    let mut order: Vec<(i64, usize)> = id.iter().copied().zip(0..).collect();
    order.sort_unstable();
    let first_dup = order
        .windows(2)
        .filter(|w| w[0].0 == w[1].0)
        .map(|w| (w[1].1, w[0].1))
        .min();
    match first_dup {
        None => Ok(()),
        Some((row, earlier)) => Err(bad(
            row,
            "id",
            &id[row],
            format!("duplicates the case id of records[{earlier}] (each case is one row)"),
        )),
    }
}

/// Adds the case id to an error about a row (`records[3].filed_at`), so an analyst can find
/// the case in the centre's system: "… (case 1004)". The row stays in `what`.
fn name_the_case(e: Error, cols: &Columns<'_>) -> Error {
    let Error::InvalidValue {
        what,
        value,
        reason,
    } = e
    else {
        return e;
    };
    let row = what
        .strip_prefix("records[")
        .and_then(|rest| rest.split_once(']'))
        .and_then(|(r, _)| r.parse::<usize>().ok());
    let id = row.and_then(|r| match cols.get("id") {
        Some(ColumnData::Int(v)) => v.get(r).map(ToString::to_string),
        Some(ColumnData::Float(v)) => v
            .get(r)
            .filter(|x| x.fract() == 0.0 && x.abs() < 9.0e15)
            .map(|x| format!("{x:.0}")),
        _ => None,
    });
    let reason = match id {
        Some(id) if what.rsplit_once('.').map(|(_, c)| c) != Some("id") => {
            format!("{reason} (case {id})")
        }
        _ => reason,
    };
    Error::InvalidValue {
        what,
        value,
        reason,
    }
}

/// Why an instant outside the accepted range is refused.
fn instant_reason() -> String {
    format!(
        "is outside the instants gridgov accepts, {}",
        crate::limits::INSTANT_RANGE
    )
}
