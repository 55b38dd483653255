//! Scoring by period (issue 14): months, quarters and years of a history, one card each; the
//! cards merge into the whole whatever their order; comparison refuses cards judged at
//! different instants unless asked.

use std::sync::Arc;

use gridgov::Model;
use gridgov::score::{Freq, compare_at, merge_all, periods, score, score_periods};
use gridgov::simulate::{Simulation, simulate};

fn local(m: &Model, s: &str) -> i64 {
    m.calendar().parse_local(s).expect("local time")
}

#[test]
fn periods_start_at_local_midnight_of_their_first_day() {
    let m = Model::sample();
    let cal = m.calendar();
    let q = periods(
        cal,
        local(&m, "2026-02-15 10:00"),
        local(&m, "2026-08-01"),
        Freq::Quarter,
    )
    .expect("quarters");
    let want: Vec<(i64, i64)> = [
        ("2026-01-01", "2026-04-01"),
        ("2026-04-01", "2026-07-01"),
        ("2026-07-01", "2026-10-01"),
    ]
    .iter()
    .map(|(a, b)| (local(&m, a), local(&m, b)))
    .collect();
    assert_eq!(q, want);
    let y = periods(
        cal,
        local(&m, "2025-12-31 23:59"),
        local(&m, "2026-01-01 00:01"),
        Freq::Year,
    )
    .expect("years");
    assert_eq!(y.len(), 2);
    assert_eq!(y[1], (local(&m, "2026-01-01"), local(&m, "2027-01-01")));
    let mo = periods(
        cal,
        local(&m, "2026-03-01"),
        local(&m, "2026-04-01"),
        Freq::Month,
    )
    .expect("months");
    assert_eq!(mo, vec![(local(&m, "2026-03-01"), local(&m, "2026-04-01"))]);
    for bad in ["W", "D", ""] {
        assert!(Freq::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(Freq::parse("QS").expect("quarters"), Freq::Quarter);
    assert!(periods(cal, 5, 5, Freq::Month).is_err());
}

#[test]
fn monthly_cards_merge_into_the_whole_in_any_order() {
    let m = Arc::new(Model::sample());
    let eng = simulate(
        Arc::clone(&m),
        &Simulation::new(local(&m, "2026-02-23"), 20).with_seed(4),
    )
    .expect("simulates");
    let rec = eng.records().expect("records");
    let cards = score_periods(&rec, Freq::Month, None, None, None).expect("months");
    assert_eq!(cards.len(), 2, "February and March");
    assert_eq!(cards[0].period().0, local(&m, "2026-02-01"));
    assert_eq!(
        cards[1].period(),
        (local(&m, "2026-03-01"), local(&m, "2026-04-01"))
    );
    let whole = score(&rec, local(&m, "2026-02-01"), local(&m, "2026-04-01"), None).expect("whole");
    let reversed: Vec<_> = cards.iter().rev().cloned().collect();
    assert_eq!(merge_all(&reversed).expect("merged"), whole);
    assert!(merge_all(&[]).is_err());
    // Quarters: one card, the same as the whole.
    let q = score_periods(&rec, Freq::Quarter, None, None, None).expect("quarter");
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].areas("city").expect("city").rows, {
        let c = score(&rec, local(&m, "2026-01-01"), local(&m, "2026-04-01"), None).expect("Q1");
        c.areas("city").expect("city").rows
    });
}

#[test]
fn compare_refuses_cards_judged_at_different_instants() {
    let m = Arc::new(Model::sample());
    let eng = simulate(
        Arc::clone(&m),
        &Simulation::new(local(&m, "2026-03-02"), 5).with_seed(2),
    )
    .expect("simulates");
    let rec = eng.records().expect("records");
    let (start, end) = (local(&m, "2026-03-01"), local(&m, "2026-04-01"));
    let a = score(&rec, start, end, Some(local(&m, "2026-03-05 09:15"))).expect("card");
    let b = score(&rec, start, end, Some(local(&m, "2026-03-07"))).expect("card");
    let err = compare_at(&a, &b, Some("city"), false).expect_err("refused");
    let text = err.to_string();
    assert!(text.contains("2026-03-07 00:00 (UTC+8)"), "{text}");
    assert!(text.contains("2026-03-05 09:15 (UTC+8)"), "{text}");
    let changes = compare_at(&a, &b, Some("city"), true).expect("allowed");
    assert_eq!(changes.len(), 4);
    assert_eq!(
        compare_at(&a, &a, Some("city"), false).expect("same").len(),
        4
    );
}

/// A reversed period and cards of periods that neither equal nor adjoin are named in local time
/// on the model's calendar, not in epoch milliseconds.
#[test]
fn period_errors_name_local_times() {
    let m = Arc::new(Model::sample());
    let eng = simulate(
        Arc::clone(&m),
        &Simulation::new(local(&m, "2026-03-02"), 3).with_seed(4),
    )
    .expect("simulates");
    let rec = eng.records().expect("records");
    let (mar, apr) = (local(&m, "2026-03-01"), local(&m, "2026-04-01"));
    let text = score(&rec, apr, mar, None)
        .expect_err("reversed")
        .to_string();
    assert!(
        text.contains("2026-03-01 00:00 (UTC+8)") && text.contains("2026-04-01 00:00 (UTC+8)"),
        "{text}"
    );
    assert!(!text.contains(&mar.to_string()), "{text}");
    let as_of = Some(local(&m, "2026-05-01"));
    let march = score(&rec, mar, apr, as_of).expect("card");
    let may = score(
        &rec,
        local(&m, "2026-05-01"),
        local(&m, "2026-06-01"),
        as_of,
    )
    .expect("card");
    let text = march.merge(&may).expect_err("a gap").to_string();
    assert!(
        text.contains("[2026-05-01 00:00 (UTC+8), 2026-06-01 00:00 (UTC+8))"),
        "{text}"
    );
    assert!(
        text.contains("[2026-03-01 00:00 (UTC+8), 2026-04-01 00:00 (UTC+8))"),
        "{text}"
    );
}
