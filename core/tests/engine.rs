//! The case engine: every lifecycle path, deadlines on the calendar, lights, the permission
//! matrix, refusals, events and replay, escalation sweeps, and a randomised property test.
#![allow(
    clippy::unwrap_used,
    clippy::many_single_char_names,
    clippy::nonminimal_bool,
    clippy::match_same_arms,
    clippy::items_after_statements,
    reason = "test code: short names and unwraps on known-good fixtures"
)]

mod common;

use std::sync::Arc;

use gridgov::case::{Action, ActionKind, Actor, Light, Report, Source, State};
use gridgov::engine::Engine;
use gridgov::event::EventBody;
use gridgov::{ErrorKind, Model};

const GRID: &str = "37990100100101"; // patrolled by SV001, district 东湖区
const GRID_W: &str = "37990200100101"; // 西山区: E01 events go to SANIT-W

fn report(category: &str, grid: &str, source: Source) -> Report {
    Report {
        category: category.into(),
        grid: grid.into(),
        point: None,
        urgency: None,
        source,
        description: "test".into(),
        contact: None,
        contact_sha256: None,
    }
}

fn engine() -> Engine {
    Engine::new(Arc::new(Model::sample()))
}

fn reason(s: &str) -> String {
    s.into()
}

/// Reports a supervisor case and drives it to `dispatched` at `t`.
fn dispatched(eng: &mut Engine, category: &str, t: i64) -> u64 {
    let id = eng
        .report(w("SV001"), t, report(category, GRID, Source::Supervisor))
        .unwrap();
    eng.act(id, w("AC01"), t, Action::Accept).unwrap();
    eng.act(id, w("SL01"), t, Action::File).unwrap();
    eng.act(
        id,
        w("DP01"),
        t,
        Action::Dispatch {
            unit: None,
            reason: None,
        },
    )
    .unwrap();
    id
}

/// As [`dispatched`], to `unit` rather than the duty matrix's unit.
fn dispatched_to(eng: &mut Engine, category: &str, t: i64, unit: &str) -> u64 {
    let id = eng
        .report(w("SV001"), t, report(category, GRID, Source::Supervisor))
        .unwrap();
    eng.act(id, w("AC01"), t, Action::Accept).unwrap();
    eng.act(id, w("SL01"), t, Action::File).unwrap();
    eng.act(
        id,
        w("DP01"),
        t,
        Action::Dispatch {
            unit: Some(unit.into()),
            reason: Some(reason("the test's unit")),
        },
    )
    .unwrap();
    id
}

/// Reports a citizen's case through the app and drives it to `dispatched` at `t`.
fn public_dispatched(eng: &mut Engine, citizen: &Actor, category: &str, t: i64) -> u64 {
    let id = eng
        .report(citizen.clone(), t, report(category, GRID, Source::App))
        .unwrap();
    eng.act(id, w("AC01"), t, Action::Accept).unwrap();
    eng.act(id, w("SV001"), t, Action::Verify { valid: true })
        .unwrap();
    eng.act(id, w("SL01"), t, Action::File).unwrap();
    eng.act(
        id,
        w("DP01"),
        t,
        Action::Dispatch {
            unit: None,
            reason: None,
        },
    )
    .unwrap();
    id
}

fn handler_of(eng: &Engine, id: u64) -> Actor {
    let unit = eng.case(id).unwrap().unit.unwrap();
    let org = eng.model().org();
    let h = org
        .workers_with(Some(gridgov::org::Role::Handler))
        .find(|x| x.unit == unit)
        .unwrap();
    w(&h.id)
}

#[test]
fn main_path_public_report() {
    let mut eng = engine();
    let t = at(2025, 11, 3, 9, 0);
    let citizen = Actor::Citizen("c-1".into());
    let mut r = report("E0102", GRID, Source::App);
    r.contact = Some("13800000000".into());
    let id = eng.report(citizen.clone(), t, r).unwrap();
    eng.act(id, w("AC01"), t, Action::Accept).unwrap();
    assert_eq!(
        eng.case(id).unwrap().timer.as_ref().unwrap().stage,
        gridgov::catalog::Stage::Verify
    );
    // a public report cannot be filed before it is verified
    let e = eng.act(id, w("SL01"), t, Action::File).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidTransition);
    eng.act(id, w("SV001"), t, Action::Verify { valid: true })
        .unwrap();
    eng.act(id, w("SL01"), t, Action::File).unwrap();
    eng.act(
        id,
        w("DP01"),
        t,
        Action::Dispatch {
            unit: None,
            reason: None,
        },
    )
    .unwrap();
    assert_eq!(
        eng.model()
            .org()
            .unit(eng.case(id).unwrap().unit.unwrap())
            .id,
        "SANIT"
    );
    let h = handler_of(&eng, id);
    eng.act(id, h.clone(), t + 60_000, Action::Start).unwrap();
    eng.act(
        id,
        h,
        t + 120_000,
        Action::Handle {
            result: reason("cleaned"),
        },
    )
    .unwrap();
    eng.act(id, w("SV001"), t + 180_000, Action::Check { passed: true })
        .unwrap();
    eng.act(
        id,
        w("SL01"),
        t + 240_000,
        Action::Close {
            reason: reason("fixed"),
        },
    )
    .unwrap();
    eng.act(
        id,
        citizen.clone(),
        t + 300_000,
        Action::Rate { satisfaction: 5 },
    )
    .unwrap();
    let c = eng.case(id).unwrap();
    assert_eq!(c.state, State::Closed);
    assert_eq!(c.satisfaction, Some(5));
    assert_eq!(c.closing_reason.as_deref(), Some("fixed"));
    // once per closing
    let e = eng
        .act(id, citizen, t + 360_000, Action::Rate { satisfaction: 1 })
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidTransition);
    assert_eq!(eng.history(id).unwrap().len(), 10);
}

#[test]
fn rework_twice_keeps_the_handling_clock() {
    let mut eng = engine();
    let t = at(2025, 11, 3, 9, 0);
    let id = dispatched(&mut eng, "E0102", t);
    let h = handler_of(&eng, id);
    for round in 1..=2 {
        let t1 = t + i64::from(round) * 3_600_000;
        eng.act(
            id,
            h.clone(),
            t1,
            Action::Handle {
                result: reason("done"),
            },
        )
        .unwrap();
        eng.act(id, w("SV001"), t1, Action::Check { passed: false })
            .unwrap();
        let c = eng.case(id).unwrap();
        assert_eq!((c.state, c.rework_count), (State::Dispatched, round));
        // rework keeps the original (bundle) deadline: the handling run started at dispatch
        assert_eq!(c.timer.as_ref().unwrap().started, t);
    }
    eng.act(
        id,
        h,
        t + 3 * 3_600_000,
        Action::Handle {
            result: reason("done"),
        },
    )
    .unwrap();
    eng.act(
        id,
        w("SV001"),
        t + 3 * 3_600_000,
        Action::Check { passed: true },
    )
    .unwrap();
    assert_eq!(eng.case(id).unwrap().state, State::Checked);
}

#[test]
fn return_and_redispatch() {
    let mut eng = engine();
    let t = at(2025, 11, 3, 9, 0);
    let id = dispatched(&mut eng, "C0101", t);
    let h = handler_of(&eng, id);
    eng.act(
        id,
        h.clone(),
        t,
        Action::RequestReturn {
            cause: gridgov::case::ReturnCause::WrongUnit,
            reason: reason("not ours"),
        },
    )
    .unwrap();
    eng.act(id, w("SL01"), t, Action::ApproveReturn).unwrap();
    let c = eng.case(id).unwrap();
    assert_eq!(
        (c.state, c.unit, c.return_count),
        (State::Returned, None, 1)
    );
    // the old handler lost scope
    let e = eng.act(id, h, t, Action::Start).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PermissionDenied);
    // overriding the duty matrix needs a reason
    let e = eng
        .act(
            id,
            w("DP01"),
            t,
            Action::Dispatch {
                unit: Some("POWER".into()),
                reason: None,
            },
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidValue);
    eng.act(
        id,
        w("DP01"),
        t,
        Action::Dispatch {
            unit: Some("POWER".into()),
            reason: Some("power cover".into()),
        },
    )
    .unwrap();
    assert_eq!(
        eng.model()
            .org()
            .unit(eng.case(id).unwrap().unit.unwrap())
            .id,
        "POWER"
    );
    let e = eng.act(
        id,
        w("DP01"),
        t,
        Action::Dispatch {
            unit: Some("NOPE".into()),
            reason: Some("x".into()),
        },
    );
    assert!(e.is_err());
}

#[test]
fn postponement_approved_moves_the_deadline_denied_does_not() {
    let mut eng = engine();
    let t = at(2025, 11, 3, 9, 0); // Monday
    let id = dispatched(&mut eng, "E0102", t); // 4 working hours: 09-12, 14-15
    assert_eq!(eng.deadline(id).unwrap(), Some(at(2025, 11, 3, 15, 0)));
    let h = handler_of(&eng, id);
    eng.act(id, h.clone(), t, Action::RequestPostpone { minutes: 120 })
        .unwrap();
    // the request alone does not move it
    assert_eq!(eng.deadline(id).unwrap(), Some(at(2025, 11, 3, 15, 0)));
    let e = eng
        .act(id, h.clone(), t, Action::RequestPostpone { minutes: 60 })
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidTransition);
    eng.act(id, w("SL01"), t, Action::DenyPostpone).unwrap();
    assert_eq!(eng.deadline(id).unwrap(), Some(at(2025, 11, 3, 15, 0)));
    eng.act(id, h, t, Action::RequestPostpone { minutes: 120 })
        .unwrap();
    eng.act(id, w("DP01"), t, Action::ApprovePostpone).unwrap();
    assert_eq!(eng.deadline(id).unwrap(), Some(at(2025, 11, 3, 17, 0)));
    assert_eq!(eng.case(id).unwrap().postponed_minutes, 120);
    let e = eng
        .act(id, w("SL01"), t, Action::ApprovePostpone)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidTransition);
}

#[test]
fn shelving_stops_the_clock() {
    let mut eng = engine();
    let t = at(2025, 11, 3, 9, 0);
    let id = dispatched(&mut eng, "E0102", t);
    let h = handler_of(&eng, id);
    let ten = at(2025, 11, 3, 10, 0);
    eng.act(
        id,
        h.clone(),
        ten,
        Action::RequestShelve {
            reason: reason("needs a budget"),
        },
    )
    .unwrap();
    eng.act(id, w("MG01"), ten, Action::ApproveShelve).unwrap();
    assert_eq!(eng.case(id).unwrap().state, State::Shelved);
    assert_eq!(eng.deadline(id).unwrap(), None);
    assert_eq!(eng.light(id, at(2025, 11, 20, 9, 0)).unwrap(), None);
    // resumed the next day with 3 working hours left: 09:00-12:00
    eng.act(id, h, at(2025, 11, 4, 9, 0), Action::Start)
        .unwrap();
    assert_eq!(eng.deadline(id).unwrap(), Some(at(2025, 11, 4, 12, 0)));
    // a shelved case can also be closed from the problem bank
    let id2 = dispatched(&mut eng, "E0102", t);
    let h2 = handler_of(&eng, id2);
    eng.act(
        id2,
        h2,
        ten,
        Action::RequestShelve {
            reason: reason("x"),
        },
    )
    .unwrap();
    eng.act(id2, w("SL01"), ten, Action::ApproveShelve).unwrap();
    eng.act(
        id2,
        w("SL01"),
        ten,
        Action::Close {
            reason: reason("closed from the problem bank"),
        },
    )
    .unwrap();
    assert_eq!(eng.case(id2).unwrap().state, State::Closed);
}

#[test]
fn self_handled_supervised_and_reopened() {
    let mut eng = engine();
    let t = at(2025, 11, 3, 9, 0);
    let id = eng
        .report(w("SV001"), t, report("E0102", GRID, Source::Supervisor))
        .unwrap();
    eng.act(
        id,
        w("SV001"),
        t,
        Action::SelfHandle {
            result: reason("picked up"),
        },
    )
    .unwrap();
    assert!(eng.case(id).unwrap().self_handled);
    eng.act(
        id,
        w("SL01"),
        t,
        Action::Close {
            reason: reason("self-handled"),
        },
    )
    .unwrap();

    let id = dispatched(&mut eng, "C0101", t);
    eng.act(
        id,
        w("MG01"),
        t,
        Action::Supervise {
            note: reason("fix today"),
            level: None,
        },
    )
    .unwrap();
    // one unanswered 督办 order at a time: the unit replies, then a second order
    let again = Action::Supervise {
        note: reason("again"),
        level: Some(gridgov::case::SuperviseLevel::Leader),
    };
    let e = eng.act(id, w("MG01"), t, again.clone()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidTransition);
    let replier = handler_of(&eng, id);
    eng.act(
        id,
        replier,
        t,
        Action::Reply {
            note: reason("on it"),
        },
    )
    .unwrap();
    eng.act(id, w("MG01"), t, again).unwrap();
    assert_eq!(eng.case(id).unwrap().supervised_count, 2);
    let h = handler_of(&eng, id);
    eng.act(
        id,
        h,
        t,
        Action::Handle {
            result: reason("done"),
        },
    )
    .unwrap();
    eng.act(id, w("SV001"), t, Action::Check { passed: true })
        .unwrap();
    eng.act(
        id,
        w("SL01"),
        t,
        Action::Close {
            reason: reason("fixed"),
        },
    )
    .unwrap();
    eng.act(
        id,
        w("MG01"),
        t + 1,
        Action::Reopen {
            reason: reason("citizen complaint"),
        },
    )
    .unwrap();
    let c = eng.case(id).unwrap();
    assert_eq!(
        (c.state, c.reopen_count, c.closing_reason.clone()),
        (State::Filed, 1, None)
    );
    // only the reporting supervisor may self-handle
    let id = eng
        .report(w("SV001"), t, report("E0102", GRID, Source::Supervisor))
        .unwrap();
    let mut other = Model::sample().file().clone();
    other.workers.push(gridgov::org::WorkerConfig {
        id: "SV-X".into(),
        name: "x".into(),
        role: gridgov::org::Role::Supervisor,
        unit: "SUP".into(),
        grids: vec![GRID.into()],
    });
    let mut eng2 = Engine::new(Arc::new(Model::from_file(other).unwrap()));
    let id2 = eng2
        .report(w("SV001"), t, report("E0102", GRID, Source::Supervisor))
        .unwrap();
    let e = eng2
        .act(
            id2,
            w("SV-X"),
            t,
            Action::SelfHandle {
                result: reason("x"),
            },
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PermissionDenied);
    assert_eq!(eng.case(id).unwrap().state, State::Reported);
}

#[test]
fn terminal_paths() {
    let mut eng = engine();
    let t = at(2025, 11, 3, 9, 0);
    let a = eng
        .report(w("SV001"), t, report("C0101", GRID, Source::Supervisor))
        .unwrap();
    eng.act(
        a,
        w("AC01"),
        t,
        Action::Reject {
            reason: reason("duplicate"),
        },
    )
    .unwrap();
    let b = eng
        .report(w("AC01"), t, report("C0101", GRID, Source::Hotline))
        .unwrap();
    eng.act(b, w("AC01"), t, Action::Accept).unwrap();
    eng.act(b, w("SV001"), t, Action::Verify { valid: false })
        .unwrap();
    let c = eng
        .report(w("SV001"), t, report("C0101", GRID, Source::Supervisor))
        .unwrap();
    eng.act(c, w("AC01"), t, Action::Accept).unwrap();
    eng.act(
        c,
        w("SL01"),
        t,
        Action::Void {
            reason: reason("not a city matter"),
        },
    )
    .unwrap();
    for (id, s) in [
        (a, State::Rejected),
        (b, State::Invalid),
        (c, State::Voided),
    ] {
        let case = eng.case(id).unwrap();
        assert_eq!(case.state, s);
        assert!(case.state.is_final() && case.timer.is_none());
        let e = eng
            .act(
                id,
                w("MG01"),
                t,
                Action::Supervise {
                    note: reason("x"),
                    level: None,
                },
            )
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidTransition);
    }
}

/// Deadlines across a weekend, a 调休 Saturday, a holiday week and the lunch break, for a unit
/// on the model's (China) calendar: the sample city's sanitation units, which E0102 routes to,
/// work 7 days, so the case goes to the enforcement bureau (a standard-week unit).
#[test]
fn deadlines_on_the_calendar() {
    let cases = [
        // (dispatched at, due at) for E0102 暴露垃圾: 4 working hours
        (at(2025, 11, 3, 11, 0), at(2025, 11, 3, 17, 0)), // lunch break
        (at(2025, 11, 7, 16, 30), at(2025, 11, 10, 10, 30)), // weekend
        (at(2025, 10, 10, 17, 0), at(2025, 10, 11, 11, 0)), // 调休 Saturday 2025-10-11
        (at(2025, 9, 30, 16, 0), at(2025, 10, 9, 10, 0)), // National Day + Mid-Autumn week
        (at(2024, 2, 2, 16, 0), at(2024, 2, 4, 10, 0)),   // 调休 Sunday 2024-02-04
        (at(2025, 11, 3, 20, 0), at(2025, 11, 4, 12, 0)), // reported in the evening
    ];
    for (t, due) in cases {
        let mut eng = engine();
        let id = dispatched_to(&mut eng, "E0102", t, "ENFORCE");
        assert_eq!(eng.deadline(id).unwrap(), Some(due), "dispatched at {t}");
    }
    // C0101 normal is 36 continuous hours: the holiday does not count
    let mut eng = engine();
    let t = at(2025, 9, 30, 16, 0);
    let id = dispatched(&mut eng, "C0101", t);
    assert_eq!(eng.deadline(id).unwrap(), Some(t + 36 * 3_600_000));
}

#[test]
fn lights() {
    let mut eng = engine();
    let t = at(2025, 11, 3, 9, 0);
    let id = dispatched(&mut eng, "E0102", t); // due 15:00, 4 h
    assert_eq!(
        eng.light(id, at(2025, 11, 3, 14, 0)).unwrap(),
        Some(Light::Green)
    ); // 75 %
    assert_eq!(
        eng.light(id, at(2025, 11, 3, 14, 30)).unwrap(),
        Some(Light::Yellow)
    ); // 87.5 %
    assert_eq!(
        eng.light(id, at(2025, 11, 3, 15, 0)).unwrap(),
        Some(Light::Red)
    );
    // lunch time counts nothing: 12:30 is still 3 h used
    assert_eq!(
        eng.light(id, at(2025, 11, 3, 12, 30)).unwrap(),
        Some(Light::Green)
    );
    let h = handler_of(&eng, id);
    eng.act(
        id,
        h,
        at(2025, 11, 3, 16, 0),
        Action::Handle {
            result: reason("done"),
        },
    )
    .unwrap();
    // now the check stage runs
    assert!(eng.light(id, at(2025, 11, 3, 16, 0)).unwrap().is_some());
}

#[test]
fn refusals_leave_the_engine_unchanged() {
    let mut eng = engine();
    let t = at(2025, 11, 3, 9, 0);
    let id = dispatched(&mut eng, "C0101", t);
    let before = eng.clone();
    let h = handler_of(&eng, id);
    let attempts: Vec<(Actor, i64, Action, ErrorKind)> = vec![
        (
            w("SV001"),
            t,
            Action::Close {
                reason: reason("x"),
            },
            ErrorKind::PermissionDenied,
        ),
        (
            w("AU01"),
            t,
            Action::Supervise {
                note: reason("x"),
                level: None,
            },
            ErrorKind::PermissionDenied,
        ),
        (
            w("SV002"),
            t,
            Action::Check { passed: true },
            ErrorKind::PermissionDenied,
        ),
        (
            w("H-POWER-1"),
            t,
            Action::Start,
            ErrorKind::PermissionDenied,
        ),
        (h.clone(), t - 1, Action::Start, ErrorKind::InvalidValue),
        (
            h.clone(),
            t,
            Action::Check { passed: true },
            ErrorKind::PermissionDenied,
        ),
        (
            w("SL01"),
            t,
            Action::Close {
                reason: reason("x"),
            },
            ErrorKind::InvalidTransition,
        ),
        (
            h.clone(),
            t,
            Action::Handle {
                result: reason("  "),
            },
            ErrorKind::InvalidValue,
        ),
        (
            h.clone(),
            t,
            Action::RequestPostpone { minutes: 0 },
            ErrorKind::InvalidValue,
        ),
        (w("nobody"), t, Action::Start, ErrorKind::Unknown),
        (
            Actor::Citizen("c".into()),
            t,
            Action::Rate { satisfaction: 9 },
            ErrorKind::PermissionDenied,
        ),
        (Actor::System, t, Action::Start, ErrorKind::PermissionDenied),
    ];
    let denials_before = eng.denials().len();
    for (actor, time, action, kind) in attempts {
        let e = eng
            .act(id, actor.clone(), time, action.clone())
            .unwrap_err();
        assert_eq!(e.kind(), kind, "{actor} {action:?}: {e}");
        assert!(eng == before, "{action:?} changed the engine");
    }
    assert_eq!(
        eng.act(999, h, t, Action::Start).unwrap_err().kind(),
        ErrorKind::Unknown
    );
    assert_eq!(eng.denials().len(), denials_before + 7);
    // a citizen rating out of range on their own case
    let c = Actor::Citizen("c-9".into());
    let id = eng
        .report(c.clone(), t, report("E0102", GRID, Source::App))
        .unwrap();
    let e = eng
        .act(id, c, t, Action::Rate { satisfaction: 0 })
        .unwrap_err();
    assert!(matches!(
        e.kind(),
        ErrorKind::InvalidTransition | ErrorKind::InvalidValue
    ));
}

#[test]
fn report_refusals() {
    let mut eng = engine();
    let t = at(2025, 11, 3, 9, 0);
    let err =
        |eng: &mut Engine, actor: Actor, r: Report| eng.report(actor, t, r).unwrap_err().kind();
    assert_eq!(
        err(
            &mut eng,
            w("SV002"),
            report("C0101", GRID, Source::Supervisor)
        ),
        ErrorKind::PermissionDenied
    );
    assert_eq!(
        err(
            &mut eng,
            w("DP01"),
            report("C0101", GRID, Source::Supervisor)
        ),
        ErrorKind::PermissionDenied
    );
    assert_eq!(
        err(
            &mut eng,
            w("SV001"),
            report("C9999", GRID, Source::Supervisor)
        ),
        ErrorKind::Unknown
    );
    assert_eq!(
        err(&mut eng, w("SV001"), report("X1", GRID, Source::Supervisor)),
        ErrorKind::InvalidCode
    );
    assert_eq!(
        err(
            &mut eng,
            w("SV001"),
            report("C0101", "379901", Source::Supervisor)
        ),
        ErrorKind::Unknown
    );
    let mut r = report("C0101", GRID, Source::Supervisor);
    r.urgency = Some("whenever".into());
    assert_eq!(err(&mut eng, w("SV001"), r), ErrorKind::Unknown);
    assert!(eng.cases().is_empty() && eng.events().is_empty());
    assert_eq!(
        eng.report(
            w("SV001"),
            i64::MIN,
            report("C0101", GRID, Source::Supervisor)
        )
        .unwrap_err()
        .kind(),
        ErrorKind::InvalidValue
    );
    // a citizen may report anywhere
    assert!(
        eng.report(
            Actor::Citizen("c".into()),
            t,
            report("C0101", GRID_W, Source::App)
        )
        .is_ok()
    );
}

/// Every role × every action, in scope and out of scope, against the documented table.
#[test]
fn permission_matrix() {
    use gridgov::org::Role;
    let allowed: &[(ActionKind, &[&str])] = &[
        (ActionKind::Accept, &["acceptor"]),
        (ActionKind::Reject, &["acceptor"]),
        (ActionKind::Verify, &["supervisor"]),
        (ActionKind::File, &["shift_leader"]),
        (ActionKind::Void, &["shift_leader"]),
        (ActionKind::Dispatch, &["dispatcher"]),
        (ActionKind::Return, &["handler"]),
        (ActionKind::Start, &["handler"]),
        (ActionKind::RequestPostpone, &["handler"]),
        (ActionKind::ApprovePostpone, &["shift_leader", "dispatcher"]),
        (ActionKind::DenyPostpone, &["shift_leader", "dispatcher"]),
        (ActionKind::RequestShelve, &["handler"]),
        (ActionKind::ApproveShelve, &["shift_leader", "manager"]),
        (ActionKind::Handle, &["handler"]),
        (ActionKind::Check, &["supervisor"]),
        (ActionKind::Close, &["shift_leader"]),
        (ActionKind::Rate, &["citizen"]),
        (ActionKind::Reopen, &["shift_leader", "manager"]),
        (ActionKind::Supervise, &["manager"]),
        (ActionKind::SelfHandle, &["supervisor"]),
    ];
    // A model with out-of-scope centre workers (jurisdiction 西山区 only).
    let mut file = Model::sample().file().clone();
    for (id, role) in [
        ("X-AC", Role::Acceptor),
        ("X-SL", Role::ShiftLeader),
        ("X-DP", Role::Dispatcher),
        ("X-MG", Role::Manager),
    ] {
        file.workers.push(gridgov::org::WorkerConfig {
            id: id.into(),
            name: id.into(),
            role,
            unit: "D379902".into(),
            grids: vec![],
        });
    }
    let model = Arc::new(Model::from_file(file).unwrap());
    let t = at(2025, 11, 3, 9, 0);
    let citizen = Actor::Citizen("c-1".into());
    let mut base = Engine::new(Arc::clone(&model));
    let id = public_dispatched(&mut base, &citizen, "C0101", t);
    let in_scope: [(&str, Actor); 8] = [
        ("supervisor", w("SV001")),
        ("acceptor", w("AC01")),
        ("shift_leader", w("SL01")),
        ("dispatcher", w("DP01")),
        ("handler", w("H-WATER-1")),
        ("manager", w("MG01")),
        ("auditor", w("AU01")),
        ("citizen", citizen),
    ];
    let out_of_scope: [(&str, Actor); 7] = [
        ("supervisor", w("SV002")),
        ("acceptor", w("X-AC")),
        ("shift_leader", w("X-SL")),
        ("dispatcher", w("X-DP")),
        ("handler", w("H-POWER-1")),
        ("manager", w("X-MG")),
        ("citizen", Actor::Citizen("someone-else".into())),
    ];
    let mut checked = 0;
    for &(kind, roles) in allowed {
        for (role, actor) in &in_scope {
            let mut eng = base.clone();
            let r = eng.act(id, actor.clone(), t, action_of(kind));
            let denied = matches!(&r, Err(e) if e.kind() == ErrorKind::PermissionDenied);
            // self_handle is also limited to the reporter, rate to the citizen who reported
            let may = roles.contains(role) && !(kind == ActionKind::SelfHandle);
            assert_eq!(!denied, may, "{role} {kind}: {r:?}");
            checked += 1;
        }
        for (role, actor) in &out_of_scope {
            let mut eng = base.clone();
            let r = eng.act(id, actor.clone(), t, action_of(kind));
            assert!(
                matches!(&r, Err(e) if e.kind() == ErrorKind::PermissionDenied),
                "{role} out of scope may {kind}: {r:?}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 20 * 15);
}

#[test]
fn events_round_trip_and_replay() {
    let mut eng = engine();
    let t = at(2025, 11, 3, 9, 0);
    let id = dispatched(&mut eng, "E0102", t);
    let h = handler_of(&eng, id);
    eng.act(id, h.clone(), t, Action::RequestPostpone { minutes: 60 })
        .unwrap();
    eng.act(id, w("SL01"), t, Action::ApprovePostpone).unwrap();
    let mut r = report("C0101", GRID, Source::Hotline);
    r.contact = Some("13900000000".into());
    eng.report(w("AC01"), t, r).unwrap();
    let lines = eng.events_json_lines(None).unwrap();
    assert!(
        !lines.contains("13900000000"),
        "contact leaked into an export"
    );
    assert!(eng.events_json_lines(Some(&w("SV001"))).is_err());
    let with = eng.events_json_lines(Some(&w("AC01"))).unwrap();
    assert!(with.contains("13900000000"));
    assert!(lines.lines().next().unwrap().contains("\"v\":1"));
    let events = gridgov::event::from_json_lines(&with).unwrap();
    assert_eq!(events, eng.events());
    let again = Engine::replay(Arc::new(Model::sample()), &events).unwrap();
    assert!(again == eng);
    assert_eq!(again.deadline(id).unwrap(), eng.deadline(id).unwrap());
    // the limit snapshot wins over the model on replay
    assert!(events.iter().any(|e| e.limit.is_some()));
    // a corrupted stream is refused with the event named
    let mut bad = events.clone();
    bad[3].actor = w("SV002");
    let e = Engine::replay(Arc::new(Model::sample()), &bad).unwrap_err();
    assert!(e.to_string().contains("events[3]"), "{e}");
    let e = gridgov::event::from_json_lines("{\"v\":2}").unwrap_err();
    assert!(e.to_string().contains("line 1"), "{e}");
    assert!(matches!(eng.events()[0].body, EventBody::Report(_)));
}

fn action_of(k: ActionKind) -> Action {
    match k {
        ActionKind::Accept => Action::Accept,
        ActionKind::Reject => Action::Reject {
            reason: reason("r"),
        },
        ActionKind::Verify => Action::Verify { valid: true },
        ActionKind::File => Action::File,
        ActionKind::Void => Action::Void {
            reason: reason("r"),
        },
        ActionKind::Dispatch => Action::Dispatch {
            unit: None,
            reason: None,
        },
        ActionKind::Return => Action::Return {
            reason: reason("r"),
        },
        ActionKind::Start => Action::Start,
        ActionKind::RequestPostpone => Action::RequestPostpone { minutes: 90 },
        ActionKind::ApprovePostpone => Action::ApprovePostpone,
        ActionKind::DenyPostpone => Action::DenyPostpone,
        ActionKind::RequestShelve => Action::RequestShelve {
            reason: reason("r"),
        },
        ActionKind::ApproveShelve => Action::ApproveShelve,
        ActionKind::Handle => Action::Handle {
            result: reason("r"),
        },
        ActionKind::Check => Action::Check { passed: true },
        ActionKind::Close => Action::Close {
            reason: reason("r"),
        },
        ActionKind::Rate => Action::Rate { satisfaction: 4 },
        ActionKind::Reopen => Action::Reopen {
            reason: reason("r"),
        },
        ActionKind::Supervise => Action::Supervise {
            note: reason("r"),
            level: None,
        },
        ActionKind::Reply => Action::Reply { note: reason("r") },
        ActionKind::Callback => Action::Callback { satisfaction: 4 },
        ActionKind::SelfHandle => Action::SelfHandle {
            result: reason("r"),
        },
        ActionKind::RequestReturn => Action::RequestReturn {
            cause: gridgov::case::ReturnCause::WrongUnit,
            reason: reason("r"),
        },
        ActionKind::ApproveReturn => Action::ApproveReturn,
        ActionKind::DenyReturn => Action::DenyReturn,
        ActionKind::RequestVoid => Action::RequestVoid {
            cause: gridgov::case::VoidCause::Duplicate,
            reason: reason("r"),
        },
        ActionKind::ApproveVoid => Action::ApproveVoid,
        ActionKind::DenyVoid => Action::DenyVoid,
        ActionKind::Subdispatch => Action::Subdispatch {
            unit: "SANIT-E".into(),
        },
        ActionKind::CoDispatch => Action::CoDispatch {
            unit: "WATER".into(),
        },
        ActionKind::CoFeedback => Action::CoFeedback {
            result: reason("r"),
        },
        ActionKind::Report => Action::Accept,
    }
}

const PROPERTY_RULES: &str = r#"[[escalation]]
name = "80 %"
trigger = { share = 0.8 }
action = { warn = "yellow" }
repeat = { every = "1 working_hours", times = 2 }
[[escalation]]
name = "overdue"
trigger = { overdue = true }
action = { escalate = 1 }
[[escalation]]
name = "reworked"
trigger = { rework = 1 }
action = { supervise = true }"#;

/// Escalation events as (case, instant, rule, firing), by case then time: what a sweep fires,
/// whatever order it fires in.
fn firings_by_case(events: &[gridgov::event::Event]) -> Vec<(u64, i64, u32, u32)> {
    let mut firings: Vec<_> = events
        .iter()
        .filter_map(|e| match &e.body {
            EventBody::Escalation(f) => Some((e.case, e.at, f.rule, f.firing)),
            _ => None,
        })
        .collect();
    firings.sort_unstable();
    firings
}

/// Random action sequences from random actors never panic; refusals leave the engine equal;
/// replay equals the engine; a running stage's deadline never moves earlier.
#[test]
fn property_random_sequences() {
    let model = Arc::new(Model::sample());
    let actors: Vec<Actor> = [
        "SV001",
        "SV002",
        "AC01",
        "SL01",
        "DP01",
        "H-WATER-1",
        "H-SANIT-1",
        "H-ENFORCE-1",
        "MG01",
        "AU01",
        "nobody",
    ]
    .iter()
    .map(|s| w(s))
    .chain([
        Actor::Citizen("c-1".into()),
        Actor::Citizen("c-2".into()),
        Actor::System,
    ])
    .collect();
    let categories = ["C0101", "E0102", "E0101", "C0201", "E0401"];
    let grids = [GRID, "37990100100102", GRID_W];
    let mut later_firings = 0;
    for seed in 1..=6u64 {
        let mut rng = common::Rng::new(seed * 7919);
        let mut eng = rules_engine(PROPERTY_RULES);
        let mut t = at(2025, 11, 3, 8, 0);
        let end = at(2026, 6, 1, 0, 0);
        for _ in 0..1500 {
            let step = rng.below(4 * 3_600_000) as i64;
            t = (t + step).min(end);
            // Sweep first, so that no escalation is due when the action comes (an action fires
            // what is due before it, which a refusal would not undo).
            eng.sweep(t).unwrap();
            let actor = actors[rng.below(actors.len() as u64) as usize].clone();
            let when = if rng.below(20) == 0 { t - 3_600_000 } else { t };
            if eng.cases().is_empty() || rng.below(6) == 0 {
                let r = Report {
                    category: categories[rng.below(5) as usize].into(),
                    point: None,
                    grid: grids[rng.below(3) as usize].into(),
                    urgency: if rng.below(3) == 0 {
                        Some("urgent".into())
                    } else {
                        None
                    },
                    source: [Source::Supervisor, Source::App, Source::Hotline]
                        [rng.below(3) as usize],
                    description: String::new(),
                    contact: None,
                    contact_sha256: None,
                };
                let before = eng.clone();
                if eng.report(actor, when, r).is_err() {
                    assert!(eng == before);
                }
                continue;
            }
            let open: Vec<u64> = eng
                .cases()
                .iter()
                .filter(|c| c.state.is_open())
                .map(|c| c.id)
                .collect();
            let id = if !open.is_empty() && rng.below(4) != 0 {
                open[rng.below(open.len() as u64) as usize]
            } else {
                1 + rng.below(eng.cases().len() as u64 + 1)
            };
            let mut kind = ActionKind::ALL[1 + rng.below(20) as usize];
            let action = |kind: ActionKind, rng: &mut common::Rng| match kind {
                ActionKind::Verify => Action::Verify {
                    valid: rng.below(4) != 0,
                },
                ActionKind::RequestPostpone => Action::RequestPostpone {
                    minutes: rng.below(600) as i64 - 5,
                },
                ActionKind::Check => Action::Check {
                    passed: rng.below(3) != 0,
                },
                ActionKind::Rate => Action::Rate {
                    satisfaction: rng.below(7) as u8,
                },
                other => action_of(other),
            };
            let mut action = action(kind, &mut rng);
            // Half of the time, an action the lifecycle table allows in the case's state.
            if let Ok(c) = eng.case(id)
                && rng.below(2) == 0
            {
                // voids end cases, orders wait for replies: drawn seldom, so that enough cases
                // reach closing
                let allow_void = rng.below(8) == 0;
                let valid: Vec<ActionKind> = ActionKind::ALL[1..]
                    .iter()
                    .copied()
                    .filter(|k| {
                        allow_void
                            || !matches!(
                                k,
                                ActionKind::RequestVoid
                                    | ActionKind::ApproveVoid
                                    | ActionKind::DenyVoid
                                    | ActionKind::Supervise
                                    | ActionKind::Reply
                            )
                    })
                    .filter(|k| {
                        let a = match k {
                            ActionKind::Verify => Action::Verify { valid: true },
                            ActionKind::Check => Action::Check { passed: true },
                            ActionKind::Rate => Action::Rate { satisfaction: 3 },
                            _ => action_of(*k),
                        };
                        gridgov::case::transition(c.state, &a).is_some()
                    })
                    .collect();
                if !valid.is_empty() {
                    kind = valid[rng.below(valid.len() as u64) as usize];
                    let mut a = action_of(kind);
                    if let Action::Verify { valid } = &mut a {
                        *valid = rng.below(4) != 0;
                    }
                    if let Action::Check { passed } = &mut a {
                        *passed = rng.below(3) != 0;
                    }
                    action = a;
                }
            }
            // Half of the time, the actor the permission table expects (so that cases advance).
            let actor = match eng.case(id) {
                Ok(c) if rng.below(2) == 0 => {
                    let org = model.org();
                    let pick = |role: gridgov::org::Role| {
                        org.workers_with(Some(role))
                            .find(|x| match role {
                                gridgov::org::Role::Supervisor => x.grids.contains(&c.grid),
                                gridgov::org::Role::Handler => Some(x.unit) == c.unit,
                                _ => true,
                            })
                            .map_or(actor.clone(), |x| w(&x.id))
                    };
                    use gridgov::org::Role as R;
                    match kind {
                        ActionKind::Accept | ActionKind::Reject | ActionKind::Callback => {
                            pick(R::Acceptor)
                        }
                        ActionKind::Verify | ActionKind::Check => pick(R::Supervisor),
                        ActionKind::SelfHandle | ActionKind::Rate => c.reporter.clone(),
                        ActionKind::File
                        | ActionKind::Void
                        | ActionKind::Close
                        | ActionKind::Reopen
                        | ActionKind::RequestVoid
                        | ActionKind::ApproveReturn
                        | ActionKind::DenyReturn => pick(R::ShiftLeader),
                        ActionKind::Dispatch
                        | ActionKind::ApprovePostpone
                        | ActionKind::DenyPostpone => pick(R::Dispatcher),
                        ActionKind::ApproveShelve
                        | ActionKind::Supervise
                        | ActionKind::ApproveVoid
                        | ActionKind::DenyVoid => pick(R::Manager),
                        _ => pick(R::Handler),
                    }
                }
                _ => actor,
            };
            let before = eng.clone();
            let old = eng
                .case(id)
                .ok()
                .map(|c| (c.timer.clone(), eng.deadline(id).ok().flatten()));
            match eng.act(id, actor, when, action.clone()) {
                Err(_) => assert!(eng == before, "a refused {action:?} changed the engine"),
                Ok(_) => {
                    let c = eng.case(id).unwrap();
                    if let (Some((Some(old_timer), Some(old_due))), Some(new_timer)) =
                        (&old, &c.timer)
                        && old_timer.stage == new_timer.stage
                        && old_timer.started == new_timer.started
                        && let Some(new_due) = eng.deadline(id).unwrap()
                    {
                        assert!(
                            new_due >= *old_due,
                            "deadline moved earlier after {action:?}"
                        );
                    }
                }
            }
        }
        let closed = eng
            .cases()
            .iter()
            .filter(|c| c.state == State::Closed)
            .count();
        assert!(
            eng.events().len() > 300 && closed > 2,
            "seed {seed}: too few accepted actions ({}) or closed cases ({closed})",
            eng.events().len()
        );
        let config = eng.config().clone();
        let again =
            Engine::replay_with_config(Arc::clone(&model), config.clone(), eng.events()).unwrap();
        assert!(again == eng, "seed {seed}: replay differs");
        // The replay builds its escalation queue once, at its end: a later sweep fires what
        // the original's fires, and what a scan of every case finds due, case by case (also
        // halfway, where more cases are open).
        let later = eng.events().last().unwrap().at + 20 * 86_400_000;
        let fired = eng.clone().sweep(later).unwrap().to_vec();
        assert_eq!(again.clone().sweep(later).unwrap(), fired, "seed {seed}");
        let by_scan = eng.clone().sweep_by_scan(later).unwrap().to_vec();
        assert_eq!(
            firings_by_case(&fired),
            firings_by_case(&by_scan),
            "seed {seed}"
        );
        let half = &eng.events()[..eng.events().len() / 2];
        let mut halfway =
            Engine::replay_with_config(Arc::clone(&model), config.clone(), half).unwrap();
        let later = half.last().unwrap().at + 20 * 86_400_000;
        let by_scan = firings_by_case(halfway.clone().sweep_by_scan(later).unwrap());
        later_firings += by_scan.len();
        assert_eq!(
            firings_by_case(halfway.sweep(later).unwrap()),
            by_scan,
            "seed {seed}"
        );
        let lines = eng.events_json_lines(None).unwrap();
        let back = gridgov::event::from_json_lines(&lines).unwrap();
        assert!(Engine::replay_with_config(Arc::clone(&model), config, &back).unwrap() == eng);
        // every escalation fires once per trigger: no (case, rule, instant) twice
        let mut seen = std::collections::HashSet::new();
        let mut escalations = 0;
        for e in eng.events() {
            if let EventBody::Escalation(f) = &e.body {
                escalations += 1;
                assert!(
                    seen.insert((e.case, f.rule, e.at, f.firing)),
                    "fired twice: {e:?}"
                );
            }
        }
        assert!(escalations > 0, "seed {seed}: no escalation fired");
    }
    assert!(
        later_firings > 0,
        "no escalation left after a halfway replay"
    );
}

// ---------------------------------------------------------------------------------------------
// Escalation rules and sweeps
// ---------------------------------------------------------------------------------------------

use gridgov::engine::EngineConfig;
use gridgov::escalation::{EscalationRule, EscalationRuleConfig};

use common::{at, w};

fn rules_engine(rules_toml: &str) -> Engine {
    #[derive(serde::Deserialize)]
    struct Doc {
        escalation: Vec<EscalationRuleConfig>,
    }
    let doc: Doc = toml::from_str(rules_toml).unwrap();
    let model = Arc::new(Model::sample());
    let mut issues = gridgov::Issues::default();
    let rules = EscalationRule::from_configs(
        &doc.escalation,
        model.territory(),
        model.org(),
        model.catalog().urgencies(),
        &mut issues,
    );
    assert!(issues.is_empty(), "{issues}");
    Engine::with_config(
        model,
        EngineConfig {
            rules,
            ..EngineConfig::default()
        },
    )
}

/// Replaying the engine's events with its own configuration rebuilds an equal engine.
fn assert_replays(eng: &Engine) {
    let again = Engine::replay_with_config(
        Arc::new(Model::sample()),
        eng.config().clone(),
        eng.events(),
    )
    .unwrap();
    assert!(again == *eng);
}

fn firings(events: &[gridgov::event::Event]) -> Vec<(u64, i64, String, Option<String>, u32)> {
    events
        .iter()
        .filter_map(|e| match &e.body {
            EventBody::Escalation(f) => Some((
                e.case,
                e.at,
                f.effect().to_string(),
                f.target.as_deref().map(str::to_owned),
                f.firing,
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn share_trigger_fires_once_at_its_instant() {
    let mut eng = rules_engine(
        r#"[[escalation]]
name = "80 %"
stages = ["handle"]
trigger = { share = 0.8 }
action = { warn = "yellow" }"#,
    );
    let id = dispatched(&mut eng, "E0102", at(2025, 11, 3, 9, 0)); // 4 h, due 15:00
    assert!(eng.sweep(at(2025, 11, 3, 14, 0)).unwrap().is_empty());
    // 80 % of 4 h = 3 h 12 min: 09:00-12:00, then 14:00-14:12
    let fired = eng.sweep(at(2025, 11, 3, 14, 12)).unwrap();
    assert_eq!(
        firings(fired),
        vec![(
            id,
            at(2025, 11, 3, 14, 12),
            "warn".into(),
            Some("yellow".into()),
            1
        )]
    );
    assert!(
        eng.sweep(at(2025, 11, 3, 14, 12)).unwrap().is_empty(),
        "not idempotent"
    );
    assert!(eng.sweep(at(2025, 11, 5, 9, 0)).unwrap().is_empty());
}

#[test]
fn late_sweep_fires_each_missed_trigger_once_at_its_own_instant() {
    let mut eng = rules_engine(
        r#"[[escalation]]
name = "overdue: escalate"
trigger = { overdue = true }
action = { escalate = 1 }
repeat = { every = "1 working_hours", times = 2 }"#,
    );
    let id = dispatched(&mut eng, "E0102", at(2025, 11, 3, 9, 0)); // due 15:00
    let fired = eng.sweep(at(2025, 11, 4, 10, 0)).unwrap();
    let want: Vec<_> = [15, 16, 17]
        .iter()
        .enumerate()
        .map(|(i, h)| {
            (
                id,
                at(2025, 11, 3, *h, 0),
                "escalate".to_owned(),
                Some("CMD".to_owned()),
                i as u32 + 1,
            )
        })
        .collect();
    assert_eq!(firings(fired), want);
    assert!(eng.sweep(at(2025, 11, 4, 10, 0)).unwrap().is_empty());
    assert!(eng.sweep(at(2025, 11, 20, 10, 0)).unwrap().is_empty());
    assert_replays(&eng);
}

#[test]
fn working_time_triggers_fall_on_working_instants() {
    let mut eng = rules_engine(
        r#"[[escalation]]
name = "an hour late"
trigger = { after = "1 working_hours" }
action = { supervise = true }
[[escalation]]
name = "two hours late, by the clock"
trigger = { after = "2 hours" }
action = { notify = "$unit" }"#,
    );
    // Friday 13:00 (lunch) + 4 working hours = Friday 18:00
    let id = dispatched(&mut eng, "E0102", at(2025, 11, 7, 13, 0));
    assert_eq!(eng.deadline(id).unwrap(), Some(at(2025, 11, 7, 18, 0)));
    let fired = firings(eng.sweep(at(2025, 11, 10, 12, 0)).unwrap());
    assert_eq!(fired.len(), 2);
    assert_eq!(fired[0].1, at(2025, 11, 7, 20, 0)); // continuous: Friday 20:00
    // working, on the sanitation unit's 7-day calendar: Saturday 09:00, not Friday night
    assert_eq!(fired[1].1, at(2025, 11, 8, 9, 0));
    assert_eq!(eng.case(id).unwrap().supervised_count, 1);
}

#[test]
fn the_firing_map_is_a_map_whatever_its_storage() {
    use gridgov::case::Fired;
    let mut a = Fired::default();
    assert!(a.is_empty() && a.get(3).is_none());
    a.insert(3, (1, 1));
    assert_eq!((a.len(), a.get(3), a.get(2)), (1, Some((1, 1)), None));
    a.insert(3, (1, 2)); // an update stays inline
    assert_eq!((a.len(), a.get(3)), (1, Some((1, 2))));
    for r in [7, 0, 5] {
        a.insert(r, (0, r + 10));
    }
    a.insert(5, (2, 1));
    let entries: Vec<_> = a.iter().collect();
    assert_eq!(
        entries,
        vec![(0, (0, 10)), (3, (1, 2)), (5, (2, 1)), (7, (0, 17))]
    );
    // the same entries inserted in another order give an equal map
    let mut b = Fired::default();
    for (r, v) in entries.iter().rev() {
        b.insert(*r, *v);
    }
    assert_eq!(a, b);
    b.insert(0, (0, 11));
    assert_ne!(a, b);
}

#[test]
fn escalation_events_from_json_are_checked() {
    let mut eng = rules_engine(
        r#"[[escalation]]
name = "overdue: escalate"
trigger = { overdue = true }
action = { escalate = 1 }"#,
    );
    dispatched(&mut eng, "E0102", at(2025, 11, 3, 9, 0));
    assert_eq!(eng.sweep(at(2025, 11, 4, 10, 0)).unwrap().len(), 1);
    let lines: Vec<serde_json::Value> = eng
        .events_json_lines(None)
        .unwrap()
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("hash");
            v
        })
        .collect();
    let last = lines.len() - 1;
    assert_eq!(lines[last]["action"], "escalate");
    assert_eq!(lines[last]["effect"], "escalate");
    let replay = |change: (&str, serde_json::Value)| {
        let mut lines = lines.clone();
        lines[last][change.0] = change.1;
        let text = lines
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n");
        gridgov::event::from_json_lines(&text).and_then(|events| {
            Engine::replay_with_config(Arc::new(Model::sample()), eng.config().clone(), &events)
        })
    };
    assert!(replay(("firing", 1.into())).unwrap() == eng);
    for (change, message) in [
        (("effect", "shout".into()), "unknown effect \"shout\""),
        (("extra", 1.into()), "unknown field `extra`"),
        (
            ("name", "renamed".into()),
            "differs from what the rules give",
        ),
        (("target", "A".into()), "differs from what the rules give"),
        (("firing", 2.into()), "is not due"),
    ] {
        let e = replay(change.clone()).unwrap_err().to_string();
        assert!(e.contains(message), "{change:?}: {e}");
    }
}

#[test]
fn rework_and_unsatisfied_triggers() {
    let mut eng = rules_engine(
        r#"[[escalation]]
name = "reworked twice"
trigger = { rework = 2 }
action = { supervise = true }
[[escalation]]
name = "unhappy citizen"
trigger = { unsatisfied = 2 }
action = { notify = "CMD" }"#,
    );
    let t = at(2025, 11, 3, 9, 0);
    let c = Actor::Citizen("c-1".into());
    let id = public_dispatched(&mut eng, &c, "E0102", t);
    let h = handler_of(&eng, id);
    for k in 1..=3 {
        let tk = t + k * 600_000;
        eng.act(
            id,
            h.clone(),
            tk,
            Action::Handle {
                result: reason("done"),
            },
        )
        .unwrap();
        eng.act(id, w("SV001"), tk, Action::Check { passed: k == 3 })
            .unwrap();
        eng.sweep(tk).unwrap();
    }
    assert_eq!(
        eng.case(id).unwrap().supervised_count,
        1,
        "fires once, at the second rework"
    );
    eng.act(
        id,
        w("SL01"),
        t + 3_600_000,
        Action::Close {
            reason: reason("fixed"),
        },
    )
    .unwrap();
    eng.act(id, c, t + 7_200_000, Action::Rate { satisfaction: 1 })
        .unwrap();
    let fired = firings(eng.sweep(t + 7_200_000).unwrap());
    assert_eq!(
        fired,
        vec![(id, t + 7_200_000, "notify".into(), Some("CMD".into()), 1)]
    );
    assert_replays(&eng);
}

#[test]
fn an_action_after_a_due_trigger_records_the_escalation_first() {
    let mut eng = rules_engine(
        r#"[[escalation]]
name = "80 %"
trigger = { share = 0.8 }
action = { warn = "yellow" }"#,
    );
    let id = dispatched(&mut eng, "E0102", at(2025, 11, 3, 9, 0));
    let h = handler_of(&eng, id);
    eng.act(
        id,
        h,
        at(2025, 11, 3, 16, 0),
        Action::Handle {
            result: reason("late"),
        },
    )
    .unwrap();
    let hist = eng.history(id).unwrap();
    let kinds: Vec<bool> = hist
        .iter()
        .map(|e| matches!(e.body, EventBody::Escalation(_)))
        .collect();
    assert_eq!(kinds, vec![false, false, false, false, true, false]);
    assert_eq!(hist[4].at, at(2025, 11, 3, 14, 12));
}

#[test]
fn sweep_agrees_with_a_full_scan() {
    let rules = r#"[[escalation]]
name = "80 %"
trigger = { share = 0.8 }
action = { warn = "yellow" }
repeat = { every = "30 working_minutes", times = 3 }
[[escalation]]
name = "overdue"
stages = ["handle", "check"]
trigger = { overdue = true }
action = { escalate = 2 }"#;
    let mut a = rules_engine(rules);
    let mut rng = common::Rng::new(5);
    let t0 = at(2025, 11, 3, 8, 0);
    for i in 0..300 {
        let t = t0 + rng.below(5 * 24 * 3_600_000) as i64;
        let cat = ["E0102", "C0101", "E0101", "C0201"][i % 4];
        dispatched(&mut a, cat, t);
    }
    let mut b = a.clone();
    let mut now = t0;
    for _ in 0..40 {
        now += rng.below(6 * 3_600_000) as i64;
        let x = firings(a.sweep(now).unwrap());
        let y = firings(b.sweep_by_scan(now).unwrap());
        let (mut xs, mut ys) = (x.clone(), y.clone());
        xs.sort();
        ys.sort();
        assert_eq!(xs, ys, "at {now}");
    }
    assert!(
        a.events()
            .iter()
            .filter(|e| matches!(e.body, EventBody::Escalation(_)))
            .count()
            > 100
    );
}

#[test]
fn bad_escalation_rules_are_reported_with_paths() {
    #[derive(serde::Deserialize)]
    struct Doc {
        escalation: Vec<EscalationRuleConfig>,
    }
    let doc: Doc = toml::from_str(
        r#"[[escalation]]
name = "a"
trigger = { share = 0.8, rework = 2 }
action = { notify = "NOBODY" }
[[escalation]]
name = "b"
areas = ["999999"]
trigger = { share = 1.5 }
action = { escalate = 99 }
[[escalation]]
name = "c"
trigger = { unsatisfied = 2 }
action = { reassign = "GHOST" }
repeat = { every = "1 hours", times = 0 }"#,
    )
    .unwrap();
    let m = Model::sample();
    let mut issues = gridgov::Issues::default();
    let rules = EscalationRule::from_configs(
        &doc.escalation,
        m.territory(),
        m.org(),
        m.catalog().urgencies(),
        &mut issues,
    );
    assert!(rules.is_empty());
    let paths: Vec<&str> = issues.0.iter().map(|i| i.path.as_str()).collect();
    for p in [
        "escalation[0].trigger",
        "escalation[0].action.notify",
        "escalation[1].areas[0]",
        "escalation[1].trigger.share",
        "escalation[1].action.escalate",
        "escalation[2].action.reassign",
        "escalation[2].repeat.times",
    ] {
        assert!(paths.contains(&p), "missing {p} in {paths:?}");
    }
}

#[test]
fn report_by_point() {
    use gridgov::case::Point;
    use gridgov::spatial::{Crs, convert};
    let model = Arc::new(Model::sample());
    let map = model.grid_map().expect("the sample city has boundaries");
    let want = map.index_of(GRID).unwrap();
    let [x0, y0, x1, y1] = map.bbox().unwrap();
    // a point inside GRID, found on a lattice over the map
    let mut inside = None;
    'search: for i in 0..400 {
        for j in 0..400 {
            let (lon, lat) = (
                x0 + (x1 - x0) * f64::from(i) / 400.0,
                y0 + (y1 - y0) * f64::from(j) / 400.0,
            );
            if map.locate(lon, lat) == Some(want) {
                inside = Some((lon, lat));
                break 'search;
            }
        }
    }
    let (lon, lat) = inside.expect("a lattice point falls in the grid");
    let mut eng = Engine::new(Arc::clone(&model));
    let t = at(2025, 11, 3, 9, 0);
    let by_point = |lon: f64, lat: f64, crs: Crs, grid: &str| Report {
        category: "C0101".into(),
        grid: grid.into(),
        point: Some(Point { lon, lat, crs }),
        urgency: None,
        source: Source::App,
        description: String::new(),
        contact: None,
        contact_sha256: None,
    };
    let c = Actor::Citizen("c-1".into());
    let id = eng
        .report(c.clone(), t, by_point(lon, lat, Crs::Wgs84, ""))
        .unwrap();
    assert_eq!(
        eng.model()
            .territory()
            .area(eng.case(id).unwrap().grid)
            .code
            .as_str(),
        GRID
    );
    // the recorded report carries the located grid
    match &eng.history(id).unwrap()[0].body {
        EventBody::Report(r) => assert_eq!(&*r.grid, GRID),
        other => panic!("{other:?}"),
    }
    // the same place in Amap's GCJ-02
    let (glon, glat) = convert(lon, lat, Crs::Wgs84, Crs::Gcj02).unwrap();
    let id2 = eng
        .report(c.clone(), t, by_point(glon, glat, Crs::Gcj02, GRID))
        .unwrap();
    assert_eq!(eng.case(id2).unwrap().grid, eng.case(id).unwrap().grid);
    // outside every grid, a contradicting grid code, NaN: typed errors, nothing recorded
    let n = eng.events().len();
    for (r, what) in [
        (
            by_point(100.0, 30.0, Crs::Wgs84, ""),
            "lies in no unit grid",
        ),
        (
            by_point(lon, lat, Crs::Wgs84, "37990200100101"),
            "the point lies in grid",
        ),
        (by_point(f64::NAN, lat, Crs::Wgs84, ""), "NaN"),
    ] {
        let e = eng.report(c.clone(), t, r).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidValue, "{e}");
        assert!(e.to_string().contains(what), "{e}");
    }
    assert_eq!(eng.events().len(), n);
    let lines = eng.events_json_lines(None).unwrap();
    assert!(lines.contains("\"point\""));
    let again = Engine::replay(model, &gridgov::event::from_json_lines(&lines).unwrap()).unwrap();
    assert!(again == eng);
}

#[test]
fn audit_chain_names_the_first_broken_link() {
    use gridgov::audit::verify_json_lines;
    let mut eng = engine();
    let t = at(2025, 11, 3, 9, 0);
    let c = Actor::Citizen("c-1".into());
    let mut r = report("E0102", GRID, Source::Hotline);
    r.contact = Some("13800000000".into());
    let id = eng.report(c, t, r).unwrap();
    eng.act(id, w("AC01"), t, Action::Accept).unwrap();
    let id2 = dispatched(&mut eng, "C0101", t + 60_000);
    eng.act(
        id2,
        w("MG01"),
        t + 120_000,
        Action::Supervise {
            note: reason("today"),
            level: None,
        },
    )
    .unwrap();
    let plain = eng.events_json_lines(None).unwrap();
    let full = eng.events_json_lines(Some(&w("SL01"))).unwrap();
    let a = verify_json_lines(&plain).unwrap();
    let b = verify_json_lines(&full).unwrap();
    assert_eq!((a.events, &a.head), (eng.events().len(), &b.head));
    assert_eq!(eng.verify().unwrap().head, a.head);
    assert!(!plain.contains("13800000000") && plain.contains("contact_sha256"));
    // a replay from a hashed export gives the same engine
    let again = Engine::replay(
        Arc::new(Model::sample()),
        &gridgov::event::from_json_lines(&full).unwrap(),
    )
    .unwrap();
    assert!(again == eng);

    let lines: Vec<&str> = plain.lines().collect();
    let broken_at = |text: String| verify_json_lines(&text).unwrap_err().to_string();
    // an edited field
    let edited = plain
        .replacen("\"reason\":\"\"", "\"reason\":\"x\"", 1)
        .replacen("\"note\":\"today\"", "\"note\":\"tomorrow\"", 1);
    assert!(broken_at(edited).contains(&format!("line {}", lines.len())));
    // a removed line, two swapped lines
    let mut removed = lines.clone();
    removed.remove(2);
    assert!(broken_at(removed.join("\n")).contains("line 3"));
    let mut swapped = lines.clone();
    swapped.swap(3, 4);
    assert!(broken_at(swapped.join("\n")).contains("line 4"));
    // a changed contact in a full export
    let forged = full.replace("13800000000", "13900000000");
    assert!(broken_at(forged).contains("line 1"));
    // a missing hash
    assert!(broken_at(lines[0].replace("\"hash\"", "\"hush\"")).contains("line 1"));
}

/// Every line's `hash` member removed (a host that stripped them, or a forger).
fn strip_hashes(text: &str) -> String {
    text.lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("hash");
            v.to_string() + "\n"
        })
        .collect()
}

#[test]
fn replay_verifies_the_chain_unless_asked_not_to() {
    let mut eng = engine();
    let t = at(2025, 11, 3, 9, 0);
    let id = dispatched(&mut eng, "C0101", t);
    eng.act(
        id,
        w("MG01"),
        t + 120_000,
        Action::Supervise {
            note: reason("today"),
            level: None,
        },
    )
    .unwrap();
    let model = Arc::new(Model::sample());
    let text = eng.events_json_lines(None).unwrap();
    assert!(Engine::replay_json_lines(Arc::clone(&model), &text).unwrap() == eng);

    // Hashes stripped, then the content edited: the verified replay refuses the first line.
    let forged = strip_hashes(&text).replace("\"note\":\"today\"", "\"note\":\"never\"");
    let e = Engine::replay_json_lines(Arc::clone(&model), &forged).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidValue);
    assert!(
        e.to_string().contains("line 1") && e.to_string().contains("hash"),
        "{e}"
    );
    // One line without its hash among hashed ones: refused too, naming it.
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[2] = strip_hashes(&lines[2]).trim_end().to_owned();
    let e = Engine::replay_json_lines(Arc::clone(&model), &lines.join("\n")).unwrap_err();
    assert!(e.to_string().contains("line 3"), "{e}");

    // Asked for explicitly, the unverified replay takes the edited log: what it gives up.
    let edited = Engine::replay_json_lines_unverified(Arc::clone(&model), &forged).unwrap();
    assert!(edited != eng);
    assert_eq!(edited.cases(), eng.cases());
    // and on an untouched log without hashes it gives the same engine
    let plain = Engine::replay_json_lines_unverified(model, &strip_hashes(&text)).unwrap();
    assert!(plain == eng);
}

#[test]
fn strict_json_and_recorded_dispatch_units() {
    use serde_json::json;
    let bad = |v: serde_json::Value| Action::from_json(v).unwrap_err();
    for (v, needle) in [
        (json!({"action": "start", "why": "x"}), "start.why"),
        (json!(["start"]), "JSON object"),
        (json!({"action": "teleport"}), "teleport"),
        (json!({"action": "report"}), "report"),
        (json!({"unit": "WATER"}), "member"),
        (json!({"action": "rate"}), "satisfaction"),
        (
            json!({"action": "dispatch", "unit": "WATER", "colour": 1}),
            "dispatch.colour",
        ),
    ] {
        let e = bad(v);
        assert_eq!(e.kind(), ErrorKind::InvalidValue);
        assert!(e.to_string().contains(needle), "{e}");
    }
    assert_eq!(
        Action::from_json(json!({"action": "dispatch"})).unwrap(),
        Action::Dispatch {
            unit: None,
            reason: None
        }
    );
    assert!(Report::from_json(json!(["C0101"])).is_err());
    assert!(Report::from_json(json!({"category": "C0101", "grid": GRID, "colour": 1})).is_err());

    let mut eng = engine();
    let t = at(2025, 11, 3, 9, 0);
    let id = dispatched(&mut eng, "C0101", t);
    match &eng.history(id).unwrap()[3].body {
        EventBody::Action(Action::Dispatch { unit, .. }) => {
            assert_eq!(unit.as_deref(), Some("WATER"));
        }
        other => panic!("{other:?}"),
    }
    // a report needs a grid or a point; citizens cannot use the supervisor channel
    let mut r = report("C0101", "", Source::App);
    r.grid = "".into();
    let e = eng.report(Actor::Citizen("c".into()), t, r).unwrap_err();
    assert!(
        e.kind() == ErrorKind::InvalidValue && e.to_string().contains("grid"),
        "{e}"
    );
    let e = eng
        .report(
            Actor::Citizen("c".into()),
            t,
            report("C0101", GRID, Source::Supervisor),
        )
        .unwrap_err();
    assert!(
        e.kind() == ErrorKind::InvalidValue && e.to_string().contains("source"),
        "{e}"
    );
    let e = eng
        .report(w("AC01"), t, report("C0101", GRID, Source::Supervisor))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidValue);
}

/// The lifecycle table, walked exhaustively: every state × every action against the table
/// written out again here, independently of `case::transition`.
#[test]
fn lifecycle_table_exhaustive() {
    use State as S;
    let expected = |s: State, a: &Action| -> Option<Option<State>> {
        // Some(Some(next)): moves; Some(None): allowed, state unchanged; None: refused.
        let open = !matches!(s, S::Rejected | S::Invalid | S::Voided | S::Closed);
        Some(match (s, a) {
            (S::Reported, Action::Accept) => Some(S::Accepted),
            (S::Reported, Action::Reject { .. }) => Some(S::Rejected),
            (S::Reported, Action::SelfHandle { .. }) => Some(S::Checked),
            (S::Accepted, Action::Verify { valid: true }) => Some(S::Verified),
            (S::Accepted, Action::Verify { valid: false }) => Some(S::Invalid),
            (S::Accepted | S::Verified, Action::File) => Some(S::Filed),
            (S::Accepted | S::Verified, Action::Void { .. }) => Some(S::Voided),
            (S::Filed | S::Returned, Action::Dispatch { .. }) => Some(S::Dispatched),
            (S::Dispatched | S::Handling, Action::Return { .. } | Action::ApproveReturn) => {
                Some(S::Returned)
            }
            (S::Dispatched | S::Handling, Action::RequestReturn { .. } | Action::DenyReturn) => {
                None
            }
            (
                S::Filed
                | S::Returned
                | S::Dispatched
                | S::Handling
                | S::Handled
                | S::Checked
                | S::Shelved,
                Action::RequestVoid { .. } | Action::DenyVoid,
            ) => None,
            (
                S::Filed
                | S::Returned
                | S::Dispatched
                | S::Handling
                | S::Handled
                | S::Checked
                | S::Shelved,
                Action::ApproveVoid,
            ) => Some(S::Voided),
            (S::Dispatched | S::Shelved, Action::Start) => Some(S::Handling),
            (S::Dispatched | S::Handling, Action::Handle { .. }) => Some(S::Handled),
            (S::Handled, Action::Check { passed: true }) => Some(S::Checked),
            (S::Handled, Action::Check { passed: false }) => Some(S::Dispatched),
            (S::Checked | S::Shelved, Action::Close { .. }) => Some(S::Closed),
            (S::Closed, Action::Reopen { .. }) => Some(S::Filed),
            (S::Dispatched | S::Handling, Action::ApproveShelve) => Some(S::Shelved),
            (
                S::Dispatched | S::Handling,
                Action::RequestPostpone { .. }
                | Action::ApprovePostpone
                | Action::DenyPostpone
                | Action::RequestShelve { .. },
            ) => None,
            (S::Closed, Action::Rate { .. }) | (S::Checked, Action::Callback { .. }) => None,
            (
                S::Dispatched | S::Handling,
                Action::Subdispatch { .. } | Action::CoDispatch { .. },
            )
            | (S::Dispatched | S::Handling | S::Handled, Action::CoFeedback { .. }) => None,
            (_, Action::Supervise { .. } | Action::Reply { .. }) if open => None,
            _ => return None,
        })
    };
    let mut actions: Vec<Action> = ActionKind::ALL[1..].iter().map(|k| action_of(*k)).collect();
    actions.push(Action::Verify { valid: false });
    actions.push(Action::Check { passed: false });
    let mut allowed = 0;
    for s in State::ALL {
        for a in &actions {
            let got = gridgov::case::transition(s, a).map(|n| match n {
                gridgov::case::Next::To(t) => Some(t),
                gridgov::case::Next::Stay => None,
            });
            assert_eq!(got, expected(s, a), "{s} × {a:?}");
            allowed += usize::from(got.is_some());
        }
    }
    assert_eq!(State::ALL.len() * actions.len(), 14 * 33);
    // 43 before returns and voids were approved; + 2 × 3 return actions in dispatched and
    // handling, + 7 × 3 void actions from filing to shelved, + the reply to a 督办 order in
    // the 10 open states, + the callback (回访) of a checked case, + subdispatch and co_dispatch
    // in dispatched and handling, co_feedback in dispatched, handling and handled
    assert_eq!(allowed, 88, "number of allowed (state, action) pairs");
}
