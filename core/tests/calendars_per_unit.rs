//! Calendars per unit and per stage (issue 12, item 7), hand-computed on the sample city: every
//! deadline is counted on the calendar of whoever must act. Domain facts §11: the centre works
//! in duty shifts including weekends, and some units (环卫 sanitation, emergency repair) work 7
//! days.
//!
//! The sample city: the China working calendar by default (08:00–12:00 and 14:00–18:00, Monday
//! to Friday, State Council holidays); `seven_day` (the same windows every day, holidays
//! included) for the sanitation units SANIT and SANIT-W; `duty_roster` (likewise every day) for
//! the centre's acceptance, filing, dispatch and closing. C0302 公厕 (sanitation, SANIT in the
//! east district) and C0601 液化气站 (enforcement, ENFORCE, on the standard week) both have a
//! normal handling limit of 1 working day = 8 working hours; acceptance and filing 10 working
//! minutes, verification 1 working hour.
#![allow(
    clippy::unwrap_used,
    reason = "test code: unwraps on known-good fixtures"
)]

mod common;

use std::sync::Arc;

use gridgov::case::{Action, Actor, Light, Report, Source};
use gridgov::catalog::Stage;
use gridgov::engine::Engine;
use gridgov::event::EventBody;
use gridgov::score::{ColumnData, Columns, Records, score};
use gridgov::{Error, Model};

use common::{at, w};

const GRID: &str = "37990100100101"; // east district, patrolled by SV001
const SAMPLE: &str = include_str!("../data/sample_city.toml");

fn report(category: &str, source: Source) -> Report {
    Report {
        category: category.into(),
        grid: GRID.into(),
        point: None,
        urgency: None,
        source,
        description: "test".into(),
        contact: None,
        contact_sha256: None,
    }
}

/// A supervisor's report of `category` accepted, filed and dispatched (to the duty matrix's
/// unit) at `t`.
fn dispatched(eng: &mut Engine, category: &str, t: i64) -> u64 {
    let id = eng
        .report(w("SV001"), t, report(category, Source::Supervisor))
        .unwrap();
    eng.act(id, w("AC01"), t, Action::Accept).unwrap();
    eng.act(id, w("SL01"), t, Action::File).unwrap();
    let dispatch = Action::Dispatch {
        unit: None,
        reason: None,
    };
    eng.act(id, w("DP01"), t, dispatch).unwrap();
    id
}

fn column<'c, 'a>(cols: &'c Columns<'a>, name: &str) -> Option<&'c ColumnData<'a>> {
    cols.columns.iter().find(|(n, _)| n == name).map(|(_, d)| d)
}

#[test]
fn the_sample_city_names_its_calendars_and_assigns_them() {
    let m = Model::sample();
    let names: Vec<&str> = m.calendars().map(|(n, _)| n).collect();
    assert_eq!(names, ["default", "duty_roster", "seven_day"]);
    assert_eq!(m.calendar_named("default").unwrap().name(), "china");
    assert_eq!(m.calendar_named("seven_day").unwrap().name(), "seven_day");
    assert!(matches!(
        m.calendar_named("nine_day"),
        Err(Error::Unknown { .. })
    ));
    let unit = |id: &str| Some(m.org().find_unit(id).unwrap());
    assert_eq!(
        m.calendar_name_for(Stage::Handle, unit("SANIT")),
        "seven_day"
    );
    assert_eq!(
        m.calendar_name_for(Stage::Handle, unit("SANIT-W")),
        "seven_day"
    );
    assert_eq!(
        m.calendar_name_for(Stage::Handle, unit("ENFORCE")),
        "default"
    );
    assert_eq!(m.calendar_name_for(Stage::Handle, None), "default");
    for stage in [Stage::Accept, Stage::File, Stage::Dispatch, Stage::Close] {
        assert_eq!(m.calendar_name_for(stage, None), "duty_roster", "{stage:?}");
    }
    for stage in [Stage::Verify, Stage::Check] {
        assert_eq!(m.calendar_name_for(stage, None), "default", "{stage:?}");
    }
    // a stage other than handling does not take the unit's calendar
    assert_eq!(m.calendar_name_for(Stage::Check, unit("SANIT")), "default");
    // the unit keeps the name it was given
    let sanit = m.org().unit(unit("SANIT").unwrap());
    assert_eq!(sanit.calendar.as_deref(), Some("seven_day"));
}

/// Friday 16:00 + 8 working hours: 2 hours on Friday, then 6 more — on Saturday for the 7-day
/// unit (08:00–12:00, 14:00–16:00), on Monday for the standard one.
#[test]
fn a_seven_day_unit_is_due_on_saturday_a_standard_unit_on_monday() {
    let mut eng = Engine::new(Arc::new(Model::sample()));
    let friday = at(2025, 11, 7, 16, 0);
    let sanitation = dispatched(&mut eng, "C0302", friday);
    let enforcement = dispatched(&mut eng, "C0601", friday);
    let unit_of = |eng: &Engine, id| {
        let u = eng.case(id).unwrap().unit.unwrap();
        eng.model().org().unit(u).id.clone()
    };
    assert_eq!(unit_of(&eng, sanitation), "SANIT");
    assert_eq!(unit_of(&eng, enforcement), "ENFORCE");
    assert_eq!(
        eng.deadline(sanitation).unwrap(),
        Some(at(2025, 11, 8, 16, 0))
    );
    assert_eq!(
        eng.deadline(enforcement).unwrap(),
        Some(at(2025, 11, 10, 16, 0))
    );
    // Saturday 15:00: 7 of 8 hours used by the sanitation unit (yellow from 80 %), 2 of 8 by
    // the enforcement bureau, whose Saturday does not count.
    let saturday = at(2025, 11, 8, 15, 0);
    assert_eq!(
        eng.light(sanitation, saturday).unwrap(),
        Some(Light::Yellow)
    );
    assert_eq!(
        eng.light(enforcement, saturday).unwrap(),
        Some(Light::Green)
    );
    assert_eq!(
        eng.light(sanitation, at(2025, 11, 8, 16, 0)).unwrap(),
        Some(Light::Red)
    );
    // Escalation triggers on the same calendar: the sample's "handling 80 % used" warning at
    // 6 h 24 min used — Saturday 14:24 for the 7-day unit, Monday 14:24 for the other.
    eng.sweep(at(2025, 11, 8, 23, 0)).unwrap();
    let warned = |eng: &Engine, id| {
        eng.history(id)
            .unwrap()
            .into_iter()
            .filter_map(|e| match &e.body {
                EventBody::Escalation(f) if f.label.name.starts_with("handling 80 %") => Some(e.at),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(warned(&eng, sanitation), [at(2025, 11, 8, 14, 24)]);
    assert!(warned(&eng, enforcement).is_empty());
    eng.sweep(at(2025, 11, 10, 23, 0)).unwrap();
    assert_eq!(warned(&eng, enforcement), [at(2025, 11, 10, 14, 24)]);

    // The engine's records carry the same deadlines.
    let rec = eng.records().unwrap();
    let cols = rec.to_columns();
    let Some(ColumnData::Time(due)) = column(&cols, "handle_deadline") else {
        panic!("a handle_deadline column of instants");
    };
    assert_eq!(due[..2], [at(2025, 11, 8, 16, 0), at(2025, 11, 10, 16, 0)]);
}

/// The centre accepts on its duty roster, every day; the supervisors verify on the standard
/// week. A public report on Saturday 10:00: acceptance due at 10:10 the same Saturday (and the
/// shift leader alerted then); accepted late at 10:30, its verification (1 working hour) is due
/// on Monday at 09:00.
#[test]
fn a_centre_stage_runs_on_the_duty_roster() {
    let mut eng = Engine::new(Arc::new(Model::sample()));
    let saturday = at(2025, 11, 8, 10, 0);
    let id = eng
        .report(
            Actor::Citizen("c-1".into()),
            saturday,
            report("E0102", Source::App),
        )
        .unwrap();
    assert_eq!(eng.deadline(id).unwrap(), Some(at(2025, 11, 8, 10, 10)));
    assert_eq!(
        eng.light(id, at(2025, 11, 8, 10, 8)).unwrap(),
        Some(Light::Yellow)
    );
    let fired = eng.sweep(at(2025, 11, 8, 10, 30)).unwrap();
    assert_eq!(fired.len(), 1);
    assert_eq!(fired[0].at, at(2025, 11, 8, 10, 10));
    eng.act(id, w("AC01"), at(2025, 11, 8, 10, 30), Action::Accept)
        .unwrap();
    assert_eq!(
        eng.case(id).unwrap().timer.as_ref().unwrap().stage,
        Stage::Verify
    );
    assert_eq!(eng.deadline(id).unwrap(), Some(at(2025, 11, 10, 9, 0)));
    // Replayed from its events, the engine computes the same.
    let again = Engine::replay(Arc::clone(eng.model_arc()), eng.events()).unwrap();
    assert_eq!(again.deadline(id).unwrap(), Some(at(2025, 11, 10, 9, 0)));
}

/// Records without deadline columns: the handling deadline is computed from the catalog on the
/// row's unit's calendar, so a scorecard's on-time counts for the 7-day unit follow its week.
#[test]
fn records_from_the_catalog_count_on_the_units_calendar() {
    let m = Arc::new(Model::sample());
    let csv = "\
id,grid,category,source,state,reported_at,accepted_at,filed_at,dispatched_at,unit,handled_at
1,37990100100101,C0302,supervisor,handled,2025-11-07 16:00,2025-11-07 16:00,2025-11-07 16:00,2025-11-07 16:00,SANIT,2025-11-08 15:00
2,37990100100101,C0302,supervisor,handled,2025-11-07 16:00,2025-11-07 16:00,2025-11-07 16:00,2025-11-07 16:00,SANIT,2025-11-08 17:00
3,37990100100101,C0601,supervisor,handled,2025-11-07 16:00,2025-11-07 16:00,2025-11-07 16:00,2025-11-07 16:00,ENFORCE,2025-11-10 15:00
4,37990100100101,C0601,supervisor,handled,2025-11-07 16:00,2025-11-07 16:00,2025-11-07 16:00,2025-11-07 16:00,ENFORCE,2025-11-10 17:00
";
    let rec = Records::from_csv(Arc::clone(&m), csv, None).unwrap();
    let cols = rec.to_columns();
    let Some(ColumnData::Time(due)) = column(&cols, "handle_deadline") else {
        panic!("a handle_deadline column of instants");
    };
    let (sat, mon) = (at(2025, 11, 8, 16, 0), at(2025, 11, 10, 16, 0));
    assert_eq!(due[..], [sat, sat, mon, mon]);
    let card = score(&rec, at(2025, 11, 1, 0, 0), at(2025, 12, 1, 0, 0), None).unwrap();
    let dept = card.departments();
    for unit in ["SANIT", "ENFORCE"] {
        assert_eq!(dept.value(unit, "handled"), Some(2.0), "{unit}");
        assert_eq!(dept.value(unit, "handled_on_time"), Some(1.0), "{unit}");
    }
    // Handling hours on the unit's calendar: 16:00 Friday to 15:00 Saturday is 7 working hours
    // for sanitation; 16:00 Friday to 15:00 Monday is 7 for enforcement too.
    let drill =
        gridgov::score::drill_down(&rec, at(2025, 11, 1, 0, 0), at(2025, 12, 1, 0, 0), None)
            .unwrap();
    let Some(ColumnData::Float(hours)) = column(&drill, "handle_hours") else {
        panic!("a handle_hours column");
    };
    assert_eq!(hours[..], [7.0, 9.0, 7.0, 9.0]);
}

/// Every unknown calendar name is refused, naming it and its path, with the other problems.
#[test]
fn a_bad_calendar_name_is_refused_naming_it() {
    let text = SAMPLE
        .replacen(
            "calendar = \"seven_day\"",
            "calendar = \"nine_day\"",
            1,
        )
        .replacen("accept = \"duty_roster\"", "accept = \"roster\"\nhandle = \"seven_day\"\nlunch = \"seven_day\"", 1)
        .replacen(
            "[calendars.seven_day]",
            "[calendars.default]\nyears = [2025, 2025]\n\n[calendars.bad]\nyears = [2025, 2025]\nworkweek = [\"someday\"]\n\n[calendars.seven_day]",
            1,
        );
    let Err(Error::Model(issues)) = Model::from_str_auto(&text) else {
        panic!("the bad names are refused");
    };
    let found: Vec<(String, String)> = issues
        .0
        .iter()
        .map(|i| (i.path.clone(), i.message.clone()))
        .collect();
    let has = |path: &str, words: &[&str]| {
        assert!(
            found
                .iter()
                .any(|(p, m)| p == path && words.iter().all(|w| m.contains(w))),
            "{path} {words:?} in {found:#?}"
        );
    };
    let sanit = SAMPLE[..SAMPLE.find("id = \"SANIT\"").unwrap()]
        .matches("[[units]]")
        .count()
        - 1;
    has(
        &format!("units[{sanit}].calendar"),
        &["\"nine_day\"", "default, bad, duty_roster, seven_day"],
    );
    has("engine.stage_calendars.accept", &["\"roster\""]);
    has("engine.stage_calendars.handle", &["unit's calendar"]);
    has(
        "engine.stage_calendars.lunch",
        &["\"lunch\"", "not a centre stage"],
    );
    has("calendars.default", &["model's `calendar`"]);
    has("calendars.bad.workweek[0]", &["\"someday\""]);
}

/// A 督办 order is answered by whoever holds the case: its reply deadline (a general order, 1
/// working day) counts on the handling unit's calendar. Issued on Friday 16:00: Saturday 16:00
/// for the 7-day sanitation unit, Monday 16:00 for the enforcement bureau.
#[test]
fn an_order_reply_is_due_on_the_calendar_of_the_unit_that_holds_the_case() {
    let mut eng = Engine::new(Arc::new(Model::sample()));
    let friday = at(2025, 11, 7, 16, 0);
    let sanitation = dispatched(&mut eng, "C0302", friday);
    let enforcement = dispatched(&mut eng, "C0601", friday);
    for (id, due) in [
        (sanitation, at(2025, 11, 8, 16, 0)),
        (enforcement, at(2025, 11, 10, 16, 0)),
    ] {
        let order = Action::Supervise {
            note: "report progress".into(),
            level: None,
        };
        eng.act(id, w("MG01"), friday, order).unwrap();
        let o = eng.case(id).unwrap().order.unwrap();
        assert_eq!(
            (o.limit.to_string(), o.deadline),
            ("1 working_days".into(), due)
        );
    }
}
