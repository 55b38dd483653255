//! The findings of the attack on the library (issue 16), each as a test that failed before the
//! fix: unbounded escalation repeats, instants far from now, control characters in
//! identifiers, unbounded error messages. The C and Python sides have their own
//! (`tests/c/test_hardening.c`, `tests/python/test_hardening.py`).

#![allow(clippy::unwrap_used, reason = "tests")]

mod common;

use std::sync::Arc;

use gridgov::case::{Action, Actor, Report, Source};
use gridgov::engine::Engine;
use gridgov::escalation::{EscalationRule, MAX_REPEATS, Trigger};
use gridgov::event::EventBody;
use gridgov::limits::{MAX_INSTANT, MIN_INSTANT};
use gridgov::score::{Records, score};
use gridgov::{Error, ErrorKind, Model};

const GRID: &str = "37990100100101";

/// The rules city with its repeated rule's `repeat` replaced.
fn rules_city(repeat: &str) -> Result<Model, Error> {
    let text = common::fixture("cities/rules.toml").replace(
        r#"repeat = { every = "1 working_hours", times = 2 }"#,
        repeat,
    );
    Model::from_str_auto(&text)
}

fn w(id: &str) -> Actor {
    Actor::Worker(id.into())
}

fn report() -> Report {
    Report {
        category: "C0101".into(),
        grid: GRID.into(),
        point: None,
        urgency: None,
        source: Source::Supervisor,
        description: "test".into(),
        contact: None,
        contact_sha256: None,
    }
}

/// 2026-03-02 08:00 +08:00 (a Monday).
const T0: i64 = 1_772_409_600_000;

fn dispatched(eng: &mut Engine) -> u64 {
    let id = eng.report(w("SV1"), T0, report()).unwrap();
    eng.act(id, w("AC1"), T0, Action::Accept).unwrap();
    eng.act(id, w("SL1"), T0, Action::File).unwrap();
    eng.act(
        id,
        w("DP1"),
        T0,
        Action::Dispatch {
            unit: None,
            reason: None,
        },
    )
    .unwrap();
    id
}

fn message_of(e: &Error) -> String {
    e.to_string()
}

// Finding 1 and 2 -----------------------------------------------------------------------------

#[test]
fn a_rule_with_a_huge_repeat_count_is_refused_at_load() {
    let e = rules_city(r#"repeat = { every = "1 hours", times = 4294967295 }"#).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Model);
    let issue = e
        .issues()
        .iter()
        .find(|i| i.path == "escalation[1].repeat.times")
        .unwrap_or_else(|| panic!("{e}"));
    assert!(issue.message.contains("4294967295"), "{issue}");
    assert!(issue.message.contains(&MAX_REPEATS.to_string()), "{issue}");
}

#[test]
fn a_rule_repeating_more_often_than_the_minimum_interval_is_refused() {
    let e = rules_city(r#"repeat = { every = "1 minutes", times = 3 }"#).unwrap_err();
    let issue = e
        .issues()
        .iter()
        .find(|i| i.path == "escalation[1].repeat.every")
        .unwrap_or_else(|| panic!("{e}"));
    assert!(issue.message.contains("1 minutes"), "{issue}");
}

#[test]
fn max_firings_saturates_instead_of_wrapping() {
    let model = rules_city(r#"repeat = { every = "30 minutes", times = 100 }"#).unwrap();
    let mut rule: EscalationRule = model.engine_config().rules[1].clone();
    assert_eq!(rule.max_firings(), 101);
    rule.repeat = rule.repeat.map(|(every, _)| (every, u32::MAX));
    assert_eq!(rule.max_firings(), u32::MAX);
    assert!(matches!(rule.trigger, Trigger::Overdue));
}

/// At the bounds (100 repeats half an hour apart), a sweep a year late records every missed
/// firing, each at its own instant, and no more: 1 + 100 for the repeated rule, 1 for the
/// other — and dispatching the case works (it panicked, or silently never fired, before).
#[test]
fn a_late_sweep_records_at_most_the_bounded_firings_per_case() {
    let model = Arc::new(rules_city(r#"repeat = { every = "30 minutes", times = 100 }"#).unwrap());
    let mut eng = Engine::new(Arc::clone(&model));
    let id = dispatched(&mut eng);
    let late = T0 + 300 * 86_400_000;
    let fired: Vec<(u32, u32, i64)> = eng
        .sweep(late)
        .unwrap()
        .iter()
        .filter_map(|e| match &e.body {
            EventBody::Escalation(f) => Some((f.rule, f.firing, e.at)),
            _ => None,
        })
        .collect();
    assert_eq!(fired.iter().filter(|f| f.0 == 1).count(), 101);
    assert_eq!(fired.iter().filter(|f| f.0 == 0).count(), 1);
    assert!(fired.windows(2).all(|w| w[0].2 <= w[1].2), "in time order");
    assert!(eng.sweep(late + 86_400_000).unwrap().is_empty());
    assert_eq!(eng.history(id).unwrap().len(), 4 + 102);
}

// Finding 3 -----------------------------------------------------------------------------------

#[test]
fn periods_outside_the_accepted_range_are_refused() {
    let model = Arc::new(Model::sample());
    let rec =
        Records::from_csv(Arc::clone(&model), "id,grid,category,reported_at\n", None).unwrap();
    for (start, end, bad) in [
        (-1, i64::MAX, "-1"),
        (0, i64::MAX, "9223372036854775807"),
        (0, MAX_INSTANT + 1, &(MAX_INSTANT + 1).to_string()),
    ] {
        let e = score(&rec, start, end, None).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidValue);
        assert!(message_of(&e).contains(bad), "{e}");
    }
    let e = score(&rec, 0, 1, Some(-5)).unwrap_err();
    assert!(message_of(&e).contains("as_of"), "{e}");
    let card = score(&rec, MIN_INSTANT, MAX_INSTANT, None).unwrap();
    let areas = card.areas("grid").unwrap();
    assert!(!areas.rows.is_empty());
}

#[test]
fn csv_instants_outside_the_range_are_refused_naming_the_cell() {
    let model = Arc::new(Model::sample());
    for (csv, cell, value) in [
        (
            format!("id,grid,category,reported_at\n1,{GRID},C0101,9000000000000000000\n"),
            "records[0].reported_at",
            "9000000000000000000",
        ),
        (
            format!("id,grid,category,reported_at,handle_deadline\n1,{GRID},C0101,0,-1\n"),
            "records[0].handle_deadline",
            "-1",
        ),
    ] {
        let e = Records::from_csv(Arc::clone(&model), &csv, None).unwrap_err();
        let m = message_of(&e);
        assert!(m.contains(cell) && m.contains(value), "{m}");
    }
}

#[test]
fn engine_instants_outside_the_range_are_refused() {
    let mut eng = Engine::new(Arc::new(Model::sample()));
    let sv = w("SV001");
    let mut r = report();
    r.description = "x".into();
    for t in [-1, MAX_INSTANT + 1, i64::MAX] {
        let e = eng.report(sv.clone(), t, r.clone()).unwrap_err();
        assert!(message_of(&e).contains(&t.to_string()), "{e}");
        assert!(eng.sweep(t).is_err());
    }
    assert!(eng.events().is_empty());
}

// Finding 4 -----------------------------------------------------------------------------------

#[test]
fn control_characters_in_model_ids_are_refused_naming_the_field() {
    let tiny = common::fixture("cities/rules.toml");
    let toml = tiny.replacen("id = \"A\"", "id = \"A\\u0000\"", 1);
    let e = Model::from_str_auto(&toml).unwrap_err();
    let paths: Vec<&str> = e.issues().iter().map(|i| i.path.as_str()).collect();
    assert!(paths.contains(&"units[1].id"), "{e}");
    assert!(message_of(&e).contains("U+0000"), "{e}");

    let json = r#"{"name": "x\u0000", "areas": []}"#;
    let e = Model::from_str_auto(json).unwrap_err();
    assert!(e.issues().iter().any(|i| i.path == "name"), "{e}");
}

#[test]
fn control_characters_in_csv_people_are_refused() {
    let model = Arc::new(Model::sample());
    let csv = format!("id,grid,category,reported_at,reporter\n1,{GRID},C0101,0,c\u{0}x\n");
    let e = Records::from_csv(model, &csv, None).unwrap_err();
    let m = message_of(&e);
    assert!(
        m.contains("records[0].reporter") && m.contains("U+0000"),
        "{m}"
    );
}

#[test]
fn a_citizen_id_with_a_nul_is_refused_and_exports_stay_writable() {
    let model = Arc::new(Model::sample());
    let mut eng = Engine::new(Arc::clone(&model));
    let mut r = report();
    r.source = Source::App;
    let e = eng
        .report(Actor::Citizen("c\u{0}x".into()), T0, r.clone())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidValue);
    assert!(message_of(&e).contains("actor.citizen"), "{e}");
    assert!(eng.events().is_empty());
    eng.report(Actor::Citizen("c-1".into()), T0, r).unwrap();
    let csv = eng.records().unwrap().to_csv();
    assert!(!csv.contains('\0'));
}

// Finding 5 -----------------------------------------------------------------------------------

#[test]
fn error_messages_are_bounded() {
    let long_line = format!("name = \"x\"\n{}", "a".repeat(1_600_000));
    let e = Model::from_str_auto(&long_line).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Parse);
    let m = message_of(&e);
    assert!(m.len() < 4_000, "{} bytes", m.len());
    assert!(m.contains("more bytes"), "{m}");

    let huge_value = "9".repeat(1_000_000);
    let e = format!("{huge_value} hours")
        .parse::<gridgov::calendar::TimeLimit>()
        .unwrap_err();
    assert!(message_of(&e).len() < 2_000);
    assert!(message_of(&e).contains("more bytes"));
}
