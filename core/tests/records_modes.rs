//! Validation modes of case records (issue 14): `raise` stops at the first bad row,
//! `collect` lists every bad row (row, case id, column, value, reason) and scores nothing,
//! `drop` scores the good rows and reports the others. Input as a city has it:
//! `tests/fixtures/score/cases_bad.csv`, the eight hand-made cases with Chinese labels and
//! local times and seven bad rows between them (the UTF-8 twin of `cases_bad_gbk.csv`).

mod common;

use std::sync::Arc;

use gridgov::score::{ColumnData, Columns, OnError, Problem, Records, score};
use gridgov::{Error, Model};

fn city() -> Arc<Model> {
    Arc::new(Model::from_str_auto(&common::fixture("score/city.toml")).expect("score city loads"))
}

fn bad_csv() -> String {
    common::fixture("score/cases_bad.csv")
}

/// `(row, id, column)` of each problem.
fn located(p: &[Problem]) -> Vec<(usize, Option<i64>, &str)> {
    p.iter().map(|p| (p.row, p.id, p.column.as_str())).collect()
}

const EXPECTED: [(usize, Option<i64>, &str); 7] = [
    (2, Some(101), "reported_at"),
    (5, Some(102), "category"),
    (7, Some(103), "state"),
    (9, Some(105), "id"),
    (11, Some(104), "satisfaction"),
    (12, Some(105), "id"),
    (14, None, "id"),
];

#[test]
fn raise_stops_at_a_bad_row() {
    let err = Records::from_csv(city(), &bad_csv(), None).expect_err("bad rows refused");
    assert!(matches!(err, Error::InvalidValue { .. }), "{err}");
    let checked = Records::from_csv_checked(city(), &bad_csv(), None, OnError::Raise);
    assert_eq!(checked.expect_err("refused").to_string(), err.to_string());
}

#[test]
fn collect_lists_every_bad_row_once() {
    let checked =
        Records::from_csv_checked(city(), &bad_csv(), None, OnError::Collect).expect("collected");
    assert!(checked.records.is_none(), "collect scores nothing");
    assert_eq!(located(&checked.problems), EXPECTED.to_vec());
    let p = &checked.problems;
    assert_eq!(p[0].value, "2026/3/32 8:10");
    assert_eq!(p[1].value, "C9999");
    assert_eq!(p[2].value, "已办毕");
    assert!(p[2].reason.contains("state"), "{}", p[2].reason);
    assert!(p[3].reason.contains("records[12]"), "{}", p[3].reason);
    assert!(p[5].reason.contains("records[9]"), "{}", p[5].reason);
    assert_eq!(p[4].value, "-1");
    assert!(p[4].reason.contains("1–5"), "{}", p[4].reason);
    assert!(p[6].reason.contains("missing"), "{}", p[6].reason);
    // The same problems as CSV text, one line each after the header.
    let csv = Problem::to_csv(p);
    assert_eq!(csv.lines().count(), 8, "{csv}");
    assert!(csv.starts_with("row,id,column,value,reason\n2,101,reported_at,"));
}

#[test]
fn drop_scores_the_good_rows_as_the_clean_file() {
    let model = city();
    let checked = Records::from_csv_checked(Arc::clone(&model), &bad_csv(), None, OnError::Drop)
        .expect("dropped");
    assert_eq!(located(&checked.problems), EXPECTED.to_vec());
    let kept = checked.records.expect("records of the good rows");
    assert_eq!(kept.len(), 8);
    let text = bad_csv();
    let good: Vec<&str> = text
        .lines()
        .enumerate()
        .filter(|(i, _)| *i == 0 || !EXPECTED.iter().any(|e| e.0 + 1 == *i))
        .map(|(_, l)| l)
        .collect();
    let clean = Records::from_csv(Arc::clone(&model), &(good.join("\n") + "\n"), None)
        .expect("the good rows alone validate");
    let cal = model.calendar();
    let day = |d: &str| cal.parse_local(d).expect("date");
    let (start, end, as_of) = (day("2026-03-01"), day("2026-04-01"), day("2026-04-10"));
    let dropped_card = score(&kept, start, end, Some(as_of)).expect("scores");
    let clean_card = score(&clean, start, end, Some(as_of)).expect("scores");
    assert_eq!(dropped_card.to_json(), clean_card.to_json());
}

#[test]
fn a_clean_table_has_no_problems_and_a_table_wide_problem_is_raised() {
    let m = city();
    let clean = common::fixture("score/cases.csv");
    for mode in [OnError::Collect, OnError::Drop] {
        let c = Records::from_csv_checked(Arc::clone(&m), &clean, None, mode).expect("clean");
        assert!(c.problems.is_empty());
        assert_eq!(c.records.is_some(), mode == OnError::Drop);
    }
    // No reported_at column: not one row's problem, refused in every mode.
    let mut cols = Columns::new();
    cols.push("id", ColumnData::Int(vec![1, 2].into()));
    cols.push(
        "grid",
        ColumnData::Text {
            codes: vec![0, 0].into(),
            values: vec!["37990100100101".into()],
        },
    );
    let err = Records::check(m, &cols, None, OnError::Collect).expect_err("refused");
    assert!(err.to_string().contains("reported_at"), "{err}");
    assert!(OnError::parse("ignore").is_err());
    assert_eq!(OnError::parse("drop").expect("a mode"), OnError::Drop);
}

#[test]
fn many_bad_rows_are_all_found() {
    // Every third row of a generated table made bad (an unknown grid): each is found once.
    let m = city();
    let n = 3000usize;
    let grids = ["37990100100101", "37990100100102", "NOPE"];
    let mut cols = Columns::new();
    cols.push(
        "id",
        ColumnData::Int((0..n as i64).collect::<Vec<_>>().into()),
    );
    cols.push(
        "grid",
        ColumnData::Text {
            codes: (0..n)
                .map(|i| if i % 3 == 2 { 2 } else { (i % 2) as i64 })
                .collect::<Vec<_>>()
                .into(),
            values: grids.iter().map(|s| (*s).to_owned()).collect(),
        },
    );
    let t0 = m.calendar().parse_local("2026-03-02 09:00").expect("time");
    cols.push(
        "reported_at",
        ColumnData::Time(
            (0..n as i64)
                .map(|i| t0 + i * 60_000)
                .collect::<Vec<_>>()
                .into(),
        ),
    );
    let c = Records::check(Arc::clone(&m), &cols, None, OnError::Drop).expect("dropped");
    assert_eq!(c.problems.len(), n / 3);
    assert!(
        c.problems
            .iter()
            .all(|p| p.row % 3 == 2 && p.column == "grid" && p.value == "NOPE")
    );
    assert_eq!(c.records.expect("kept").len(), n - n / 3);
}

#[test]
fn instants_in_messages_are_local_times() {
    let csv = "id,grid,reported_at,accepted_at,filed_at\n\
               1,37990100100101,2026-03-02 08:00,2026-03-02 09:15,2026-03-02 08:01\n";
    let err = Records::from_csv(city(), csv, None).expect_err("filed before accepted");
    let text = err.to_string();
    assert!(text.contains("\"2026-03-02 08:01 (UTC+8)\""), "{text}");
    assert!(
        text.contains("earlier than accepted_at (2026-03-02 09:15 (UTC+8))"),
        "{text}"
    );
    let c = Records::from_csv_checked(city(), csv, None, OnError::Collect).expect("collected");
    assert_eq!(c.problems[0].value, "2026-03-02 08:01 (UTC+8)");
}
