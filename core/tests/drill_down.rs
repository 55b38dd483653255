//! The per-case drill-down (issue 14): on a simulated month of the sample city its flags add up
//! to every area and department count of the card scored over the same period and `as_of`.

use std::collections::HashMap;
use std::sync::Arc;

use gridgov::Model;
use gridgov::score::{
    ColumnData, Columns, DRILL_COLUMNS, Table, drill_down, drill_down_csv, score,
};
use gridgov::simulate::{Simulation, simulate};

fn local(m: &Model, s: &str) -> i64 {
    m.calendar().parse_local(s).expect("local time")
}

fn text(cols: &Columns<'_>, name: &str) -> Vec<Option<String>> {
    let Some((_, ColumnData::Text { codes, values })) =
        cols.columns.iter().find(|(n, _)| n == name)
    else {
        panic!("{name} is a text column");
    };
    codes
        .iter()
        .map(|&c| usize::try_from(c).ok().map(|i| values[i].clone()))
        .collect()
}

fn flags(cols: &Columns<'_>, name: &str) -> Vec<bool> {
    let Some((_, ColumnData::Bool(v))) = cols.columns.iter().find(|(n, _)| n == name) else {
        panic!("{name} is a flag column");
    };
    v.to_vec()
}

/// Per key, the number of rows with `name` set.
fn counts(keys: &[Option<String>], f: &[bool]) -> HashMap<String, f64> {
    let mut out = HashMap::new();
    for (k, &set) in keys.iter().zip(f) {
        if let (Some(k), true) = (k, set) {
            *out.entry(k.clone()).or_insert(0.0) += 1.0;
        }
    }
    out
}

/// Asserts that the counts `got` (per row id) equal column `col` of `table` on every row
/// (`what` names the rows in the message).
#[track_caller]
fn same_as_table(table: &Table, got: &HashMap<String, f64>, col: &str, what: &str) {
    for row in &table.rows {
        let want = table.value(&row.id, col).expect("a count");
        let n = got.get(&row.id).copied().unwrap_or(0.0);
        assert!(
            (n - want).abs() < 0.5,
            "{col} of {what} {}: {n} != {want}",
            row.id
        );
    }
}

#[test]
fn the_drill_down_adds_up_to_the_card() {
    let m = Arc::new(Model::sample());
    let eng = simulate(
        Arc::clone(&m),
        &Simulation::new(local(&m, "2026-03-02"), 30).with_seed(5),
    )
    .expect("simulates");
    let rec = eng.records().expect("records");
    let (start, end) = (local(&m, "2026-03-01"), local(&m, "2026-04-01"));
    // Judged mid-month and after: cases in progress, overdue and on the shelf all occur.
    for as_of in [local(&m, "2026-03-20 10:00"), rec.as_of()] {
        let card = score(&rec, start, end, Some(as_of)).expect("card");
        let drill = drill_down(&rec, start, end, Some(as_of)).expect("drill-down");
        let names: Vec<&str> = drill.columns.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, DRILL_COLUMNS.to_vec());
        let grids = text(&drill, "grid");
        let areas = card.areas("grid").expect("grid table");
        for name in [
            "reported",
            "public_reported",
            "filed",
            "public_filed",
            "due_to_close",
            "closed",
            "closed_on_time",
            "shelved",
        ] {
            let got = counts(&grids, &flags(&drill, name));
            let mut total = 0.0;
            for row in &areas.rows {
                let want = areas.value(&row.id, name).expect("a count");
                total += want;
                let n = got.get(&row.id).copied().unwrap_or(0.0);
                assert!(
                    (n - want).abs() < 0.5,
                    "{name} of grid {}: {n} != {want} as of {as_of}",
                    row.id
                );
            }
            let sum = got.values().sum::<f64>();
            assert!((sum - total).abs() < 0.5, "{name}: rows outside the table");
        }
        let units = text(&drill, "unit");
        let depts = card.departments();
        for (name, col) in [
            ("dept_due", "due"),
            ("dept_handled", "handled"),
            ("dept_handled_on_time", "handled_on_time"),
            ("dept_overdue_handled", "overdue_handled"),
            ("dept_overdue_unhandled", "overdue_unhandled"),
            ("dept_shelved", "shelved"),
            ("dept_postponed", "postponed"),
        ] {
            let got = counts(&units, &flags(&drill, name));
            same_as_table(&depts, &got, col, &format!("(as of {as_of}) unit"));
        }
        // Two-level and joint dispatch: the second-level flags add up per `second_unit`, the
        // co-handler lists of the rows with `dept_co` per unit named.
        let second = text(&drill, "second_unit");
        for (name, col) in [
            ("dept_second_handled", "second_handled"),
            ("dept_second_handled_on_time", "second_handled_on_time"),
        ] {
            let got = counts(&second, &flags(&drill, name));
            same_as_table(&depts, &got, col, "unit");
        }
        let co_rows = flags(&drill, "dept_co");
        for (list, col) in [("co_units", "co_assigned"), ("co_on_time", "co_on_time")] {
            let mut got: HashMap<String, f64> = HashMap::new();
            for (ids, &set) in text(&drill, list).iter().zip(&co_rows) {
                if let (Some(ids), true) = (ids, set) {
                    for id in ids.split(';') {
                        *got.entry(id.to_owned()).or_insert(0.0) += 1.0;
                    }
                }
            }
            same_as_table(&depts, &got, col, "unit");
        }
        assert!(
            flags(&drill, "dept_second_handled").iter().any(|&x| x) && co_rows.iter().any(|&x| x),
            "no second-level or joint case as of {as_of}"
        );
        // The month has something to list in each of these.
        for name in [
            "due_to_close",
            "closed_on_time",
            "dept_overdue_unhandled",
            "dept_handled",
        ] {
            assert!(
                flags(&drill, name).iter().any(|&x| x),
                "{name} never set as of {as_of}"
            );
        }
    }
}

#[test]
fn a_departments_overdue_cases_as_csv() {
    let m = Arc::new(Model::sample());
    let eng = simulate(
        Arc::clone(&m),
        &Simulation::new(local(&m, "2026-03-02"), 10).with_seed(3),
    )
    .expect("simulates");
    let rec = eng.records().expect("records");
    let (start, end) = (local(&m, "2026-03-01"), local(&m, "2026-04-01"));
    let as_of = local(&m, "2026-03-10 12:00");
    let drill = drill_down(&rec, start, end, Some(as_of)).expect("drill-down");
    let csv = drill_down_csv(&drill, m.calendar().utc_offset_minutes());
    let mut lines = csv.lines();
    assert_eq!(lines.next().expect("header"), DRILL_COLUMNS.join(","));
    let n = drill.columns[0].1.len();
    assert_eq!(lines.count(), n);
    assert!(
        csv.contains("+08:00"),
        "instants in local time with the offset"
    );
    // Bad periods are refused with typed errors.
    assert!(drill_down(&rec, end, start, None).is_err());
    assert!(drill_down(&rec, start, end, Some(i64::MAX)).is_err());
}
