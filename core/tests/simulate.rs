//! The seeded simulator: determinism, the lifecycle paths a month of the sample city goes
//! through, no refusals, escalations, replay, and bad parameters.
#![allow(
    clippy::unwrap_used,
    reason = "test code: unwraps on known-good fixtures"
)]

mod common;

use std::sync::{Arc, OnceLock};

use gridgov::case::{Action, Actor, Source, State};
use gridgov::engine::Engine;
use gridgov::event::EventBody;
use gridgov::simulate::{Counts, Simulation, simulate};
use gridgov::{ErrorKind, Model};

fn model() -> Arc<Model> {
    static MODEL: OnceLock<Arc<Model>> = OnceLock::new();
    Arc::clone(MODEL.get_or_init(|| Arc::new(Model::sample())))
}

/// 2026-03-02 00:00 in Beijing, a Monday.
fn march_2026() -> i64 {
    model().calendar().parse_local("2026-03-02").unwrap()
}

/// The 30-day run of the sample city from 2026-03-02, seed 1 (computed once).
fn month() -> &'static Engine {
    static MONTH: OnceLock<Engine> = OnceLock::new();
    MONTH.get_or_init(|| simulate(model(), &Simulation::new(march_2026(), 30)).unwrap())
}

#[test]
fn same_seed_same_engine_other_seed_other_engine() {
    let sim = Simulation::new(march_2026(), 5).with_seed(7);
    let a = simulate(model(), &sim).unwrap();
    let b = simulate(model(), &sim).unwrap();
    assert!(a == b);
    assert_eq!(
        a.events_json_lines(None).unwrap(),
        b.events_json_lines(None).unwrap()
    );
    let c = simulate(model(), &sim.with_seed(8)).unwrap();
    assert!(a != c);
    // the month is the same whether computed here or elsewhere
    let again = simulate(model(), &Simulation::new(march_2026(), 30)).unwrap();
    assert!(&again == month());
}

#[test]
fn a_month_goes_through_every_path() {
    let eng = month();
    let n = Counts::of(eng).unwrap();
    eprintln!("{n:#?}");
    // volume: 22 working days and 8 days off (2026-03-02 .. 2026-03-31)
    assert!((3_000..3_500).contains(&n.cases), "{}", n.cases);
    let share = n.public as f64 / n.cases as f64;
    assert!((0.3..0.4).contains(&share), "public share {share}");
    for state in [
        State::Closed,
        State::Rejected,
        State::Invalid,
        State::Voided,
        State::Shelved,
        State::Dispatched,
        State::Handling,
    ] {
        assert!(
            n.states.get(state.as_str()).copied().unwrap_or(0) > 0,
            "no case is {state}: {:?}",
            n.states
        );
    }
    let closed = n.states["closed"];
    assert!(closed as f64 > 0.8 * n.cases as f64, "{closed} closed");
    for (what, count, lo, hi) in [
        (
            "returned and re-dispatched",
            n.returned_and_redispatched,
            50,
            200,
        ),
        ("return denied", n.return_denied, 8, 60),
        ("voided after filing", n.voided_after_filing, 8, 50),
        ("void denied", n.void_denied, 2, 25),
        ("督办 orders", n.orders, 40, 130),
        ("orders answered on time", n.orders_replied_on_time, 20, 100),
        ("orders answered late", n.orders_replied_late, 5, 50),
        ("callbacks", n.callbacks, 250, 600),
        ("callbacks sent back for redo", n.callback_redos, 40, 180),
        ("reworked", n.reworked, 200, 500),
        ("postponed", n.postponed, 60, 160),
        ("postponement denied", n.postponement_denied, 20, 80),
        ("shelved", n.shelved, 10, 60),
        ("self-handled", n.self_handled, 60, 160),
        ("rated", n.rated, 600, 1000),
        ("reopened", n.reopened, 2, 60),
        // two-level and joint dispatch (rates: the simulator's assumptions)
        ("passed on to a sub-unit", n.subdispatched, 40, 200),
        ("sent jointly", n.joint, 40, 150),
        ("co-handlers", n.co_handlers, 50, 200),
        ("co-handlers' feedback", n.co_feedback, 40, 200),
        (
            "co-handlers' feedback on time",
            n.co_feedback_on_time,
            30,
            180,
        ),
    ] {
        assert!(
            (lo..hi).contains(&count),
            "{what}: {count} not in {lo}..{hi}"
        );
    }
    let late = n.handled_late as f64 / n.handled as f64;
    assert!((0.1..0.22).contains(&late), "late share {late}");
    assert_eq!(n.states.get("shelved"), Some(&n.shelved));
    assert!(n.escalations > 500);
}

#[test]
fn no_refusals_and_every_actor_in_scope() {
    let eng = month();
    assert!(eng.denials().is_empty(), "{:?}", &eng.denials()[..1]);
    let org = eng.model().org();
    for e in eng.events() {
        if let Actor::Worker(id) = &e.actor {
            org.find_worker(id).unwrap();
        }
    }
    // the same checks pass again on replay (every action re-authorised)
    let replayed = Engine::replay(model(), eng.events()).unwrap();
    assert!(&replayed == eng);
    assert!(replayed.denials().is_empty());
}

#[test]
fn escalations_fire() {
    let eng = month();
    let mut names = std::collections::BTreeSet::new();
    for e in eng.events() {
        if let EventBody::Escalation(f) = &e.body {
            names.insert(f.name().to_string());
        }
    }
    for needle in [
        "80 %",
        "overdue",
        "escalate one level",
        "dispatch overdue",
        "unsatisfied",
    ] {
        assert!(
            names.iter().any(|n| n.contains(needle)),
            "no escalation named like {needle:?}: {names:?}"
        );
    }
}

#[test]
fn replay_of_the_export_gives_the_engine() {
    let eng = month();
    // with the contact data (an acceptor's export), the replay is the same engine
    let full = eng
        .events_json_lines(Some(&Actor::Worker("AC01".into())))
        .unwrap();
    let replayed = Engine::replay_json_lines(model(), &full).unwrap();
    assert!(&replayed == eng);
    // without it, the same cases (the reports keep only the contact's digest)
    let plain = eng.events_json_lines(None).unwrap();
    let replayed = Engine::replay_json_lines(model(), &plain).unwrap();
    assert!(replayed.cases() == eng.cases());
    assert_eq!(replayed.events_json_lines(None).unwrap(), plain);
    eng.verify().unwrap();
}

#[test]
fn citizens_report_and_rate_only_their_own_cases() {
    let eng = month();
    for c in eng.cases() {
        assert_eq!(
            matches!(c.reporter, Actor::Citizen(_)),
            c.source.is_public()
        );
        if c.source == Source::Supervisor {
            assert!(c.satisfaction.is_none());
        }
    }
    for e in eng.events() {
        if let EventBody::Action(Action::Rate { .. }) = &e.body {
            assert_eq!(e.actor, eng.case(e.case).unwrap().reporter);
        }
    }
}

#[test]
fn reports_follow_the_calendar() {
    // Saturday 2026-03-07 and Sunday 03-08 are days off: fewer reports than on the weekdays.
    let eng = month();
    let cal = eng.model().calendar();
    let mut per_day = std::collections::BTreeMap::new();
    for c in eng.cases() {
        *per_day
            .entry(cal.try_local_date(c.reported_at).unwrap())
            .or_insert(0usize) += 1;
    }
    assert_eq!(per_day.len(), 30);
    for (day, n) in &per_day {
        let workday = cal.is_workday(*day).unwrap();
        let (lo, hi) = if workday { (95, 145) } else { (35, 60) };
        assert!((lo..hi).contains(n), "{day} ({workday}): {n} reports");
    }
    // the window is [start, start + 30 days): nothing before or after
    let start = march_2026();
    let end = start + 30 * 86_400_000;
    assert!(
        eng.events()
            .iter()
            .all(|e| (start..end + 1).contains(&e.at))
    );
}

#[test]
fn volume_and_empty_days() {
    let sim = Simulation::new(march_2026(), 1).with_reports_per_day(0);
    let eng = simulate(model(), &sim).unwrap();
    assert!(eng.cases().is_empty() && eng.events().is_empty());
    let sim = Simulation::new(march_2026(), 1).with_reports_per_day(1000);
    let eng = simulate(model(), &sim).unwrap();
    assert!((850..1150).contains(&eng.cases().len()));
    assert!(eng.denials().is_empty());
}

#[test]
fn bad_parameters() {
    let start = march_2026();
    let kind = |sim: Simulation| simulate(model(), &sim).unwrap_err().kind();
    assert_eq!(kind(Simulation::new(start, 0)), ErrorKind::InvalidValue);
    assert_eq!(
        kind(Simulation::new(start, 100_000)),
        ErrorKind::InvalidValue
    );
    assert_eq!(kind(Simulation::new(i64::MIN, 3)), ErrorKind::InvalidValue);
    assert_eq!(
        kind(Simulation::new(i64::MAX - 5, 3)),
        ErrorKind::InvalidValue
    );
    assert_eq!(
        kind(Simulation::new(start, 1).with_reports_per_day(10_000_000)),
        ErrorKind::InvalidValue
    );
    let m = model();
    let cal = m.calendar();
    // the sample calendar covers 2019-2026
    let before = cal.parse_local("2018-12-31").unwrap();
    let err = simulate(model(), &Simulation::new(before, 3)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::CalendarRange);
    assert!(err.to_string().contains("2018-12-31"), "{err}");
    let late = cal.parse_local("2026-12-20").unwrap();
    let err = simulate(model(), &Simulation::new(late, 30)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::CalendarRange);
    assert!(err.to_string().contains("2027"), "{err}");
}

#[test]
fn a_window_starting_mid_day() {
    // 2026-03-02 12:00 for 1 day: reports from 12:00 to the next day 12:00 only.
    let start = march_2026() + 12 * 3_600_000;
    let eng = simulate(model(), &Simulation::new(start, 1)).unwrap();
    assert!(!eng.cases().is_empty());
    assert!(eng.cases().iter().all(|c| c.reported_at >= start));
    assert!(eng.denials().is_empty());
}

#[test]
fn runs_on_a_city_without_the_sample_rules() {
    // A tiny city with one handler-less unit (tests/fixtures/cities/unstaffed.toml): its cases
    // stay dispatched and go overdue.
    let text = common::fixture("cities/unstaffed.toml");
    let m = Arc::new(Model::from_str_auto(&text).unwrap());
    let start = m.calendar().parse_local("2025-11-03").unwrap();
    let eng = simulate(
        Arc::clone(&m),
        &Simulation::new(start, 10).with_reports_per_day(20),
    )
    .unwrap();
    assert!(eng.denials().is_empty());
    let b = m.org().find_unit("B").unwrap();
    let stuck: Vec<_> = eng.cases().iter().filter(|c| c.unit == Some(b)).collect();
    assert!(!stuck.is_empty());
    assert!(stuck.iter().all(|c| c.state == State::Dispatched));
    // public reports only in the grid with a supervisor
    assert!(
        eng.cases()
            .iter()
            .all(|c| m.territory().area(c.grid).code.as_str() == "37990100100101")
    );
    // dispatched by the shift leader, as the permission override says
    assert!(eng.events().iter().any(|e| matches!(
        &e.body,
        EventBody::Action(Action::Dispatch { .. })
    ) && e.actor == Actor::Worker("SL1".into())));
    assert!(eng.cases().iter().any(|c| c.state == State::Closed));
    assert!(Engine::replay(m, eng.events()).unwrap() == eng);
}
