//! The event export is a stored format: an engine's history must export to the same bytes
//! (the same JSON members, the same order, the same hashes) release after release, or audit
//! chains stored by hosts stop verifying. The fixtures in `tests/fixtures/events/` were written
//! by the library and are compared byte for byte. Run with `GRIDGOV_BLESS=1` to rewrite them
//! after a deliberate change of the event schema (which must then change its version).

mod common;

use std::path::PathBuf;
use std::sync::Arc;

use gridgov::Model;
use gridgov::case::{Action, Actor, Point, Report, Source, VoidCause};
use gridgov::engine::Engine;
use gridgov::simulate::{Simulation, simulate};
use gridgov::spatial::Crs;

/// Events in the stored two weeks.
const EVENTS: usize = 1219;

fn fixture(name: &str) -> PathBuf {
    common::fixture_path(&format!("events/{name}"))
}

/// Two weeks of the sample city (every lifecycle action, escalations, citizen contact data),
/// then a report located from a GCJ-02 point and a dispatch that overrides the duty matrix.
fn history() -> Engine {
    let model = Arc::new(Model::sample());
    let cal = model.calendar();
    let start = cal.parse_local("2026-03-02").expect("a covered date");
    let sim = Simulation::new(start, 14)
        .with_seed(7)
        .with_reports_per_day(12);
    let mut eng = simulate(Arc::clone(&model), &sim).expect("the simulation runs");
    let at = cal.parse_local("2026-03-17").expect("a covered date") + 9 * 3_600_000;
    let map = model.grid_map().expect("the sample city has boundaries");
    let [x0, y0, x1, y1] = map.bbox().expect("boundaries have a box");
    // the first point of a lattice over the map that falls in a grid, given as GCJ-02
    let (lon, lat) = (1..40)
        .flat_map(|i| (1..40).map(move |j| (f64::from(i) / 40.0, f64::from(j) / 40.0)))
        .map(|(fx, fy)| (x0 + (x1 - x0) * fx, y0 + (y1 - y0) * fy))
        .find(|&(lon, lat)| map.locate(lon, lat).is_some())
        .expect("a lattice point falls in a grid");
    let (lon, lat) = gridgov::spatial::convert(lon, lat, Crs::Wgs84, Crs::Gcj02).expect("in China");
    eng.report(
        Actor::Citizen("c-golden".into()),
        at,
        Report {
            category: "E0102".into(),
            grid: "".into(),
            point: Some(Point {
                lon,
                lat,
                crs: Crs::Gcj02,
            }),
            urgency: Some("urgent".into()),
            source: Source::App,
            description: "路面积水 \"深\"\n\t约 20 cm".into(),
            contact: Some("13800000000".into()),
            contact_sha256: None,
        },
    )
    .expect("the point lies in a grid");
    // A void after filing, denied once then approved (the two weeks have none).
    let sv = || Actor::Worker("SV001".into());
    let id = eng
        .report(
            sv(),
            at + 60_000,
            Report {
                category: "C0101".into(),
                grid: "37990100100101".into(),
                point: None,
                urgency: None,
                source: Source::Supervisor,
                description: String::new(),
                contact: None,
                contact_sha256: None,
            },
        )
        .expect("reports");
    let w = |id: &str| Actor::Worker(id.into());
    let void = || Action::RequestVoid {
        cause: VoidCause::Duplicate,
        reason: "same cover as an open case".into(),
    };
    for (k, (who, action)) in [
        ("AC01", Action::Accept),
        ("SL01", Action::File),
        ("SL01", void()),
        ("MG01", Action::DenyVoid),
        ("SL01", void()),
        ("MG01", Action::ApproveVoid),
    ]
    .into_iter()
    .enumerate()
    {
        eng.act(id, w(who), at + 120_000 + k as i64 * 60_000, action)
            .expect("acts");
    }
    eng
}

fn check(name: &str, text: &str) {
    let path = fixture(name);
    if std::env::var_os("GRIDGOV_BLESS").is_some() {
        std::fs::write(&path, text).expect("the fixture is writable");
        return;
    }
    let stored =
        std::fs::read_to_string(&path).expect("the fixture exists (GRIDGOV_BLESS=1 writes it)");
    if stored != text {
        let line = stored.lines().zip(text.lines()).position(|(a, b)| a != b);
        panic!(
            "{name}: the export changed (first differing line: {:?}; {} stored lines, {} now)",
            line.map(|l| l + 1),
            stored.lines().count(),
            text.lines().count()
        );
    }
}

#[test]
fn the_export_is_byte_for_byte_the_stored_one() {
    let eng = history();
    check(
        "sample_2w.jsonl",
        &eng.events_json_lines(None).expect("exports"),
    );
    let acceptor = Actor::Worker("AC01".into());
    check(
        "sample_2w_with_contact.jsonl",
        &eng.events_json_lines(Some(&acceptor))
            .expect("an acceptor sees contact data"),
    );
}

#[test]
fn the_stored_exports_replay_to_the_same_engine() {
    let eng = history();
    let model = Arc::new(Model::sample());
    let read = |name: &str| std::fs::read_to_string(fixture(name)).expect("the fixture exists");
    // With contact data: the very engine.
    let full = read("sample_2w_with_contact.jsonl");
    let replayed = Engine::replay_json_lines(Arc::clone(&model), &full).expect("replays");
    assert!(replayed == eng);
    // Without: the reports keep the contact's digest, and the engine exports the same lines.
    let text = read("sample_2w.jsonl");
    let replayed = Engine::replay_json_lines(model, &text).expect("replays");
    assert_eq!(replayed.events_json_lines(None).expect("exports"), text);
    assert_eq!(replayed.cases(), eng.cases());
}

/// The stored logs' hashes were written before events were written without a JSON value tree;
/// the events read back from them chain to the very same links, and verify to the head the
/// engine gives.
#[test]
fn the_stored_logs_hash_to_the_same_links() {
    let eng = history();
    for name in ["sample_2w.jsonl", "sample_2w_with_contact.jsonl"] {
        let text = std::fs::read_to_string(fixture(name)).expect("the fixture exists");
        let stated: Vec<String> = text
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
                v["hash"].as_str().expect("a hash").to_owned()
            })
            .collect();
        let events = gridgov::event::from_json_lines(&text).expect("reads");
        let links: Vec<String> = gridgov::event::chain(&events)
            .expect("chains")
            .iter()
            .map(|h| gridgov::audit::hex(h))
            .collect();
        assert_eq!(links, stated, "{name}");
        let verified = gridgov::audit::verify_json_lines(&text).expect("verifies");
        assert_eq!(verified, eng.verify().expect("verifies"), "{name}");
        assert_eq!(verified.events, EVENTS);
        assert_eq!(Some(&verified.head), stated.last());
        // the canonical text of each event is its stored line less `hash` (and `contact`)
        for (line, e) in text.lines().zip(&events) {
            let mut v: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            let o = v.as_object_mut().expect("an object");
            o.remove("hash");
            o.remove("contact");
            assert_eq!(gridgov::event::canonical(e).expect("writes"), v.to_string());
        }
    }
}

/// A log written before returns were approved (plain `return` events, six of them) still
/// verifies and replays: each plain return counts as an approved return for a wrong unit.
#[test]
fn a_log_from_before_approvals_replays() {
    let text = std::fs::read_to_string(fixture("sample_2w_before_approvals.jsonl"))
        .expect("the fixture exists");
    assert_eq!(text.matches("\"action\":\"return\"").count(), 6);
    let verified = gridgov::audit::verify_json_lines(&text).expect("verifies");
    assert_eq!(verified.events, 1348);
    let eng = Engine::replay_json_lines(Arc::new(Model::sample()), &text).expect("replays");
    let returns: u32 = eng.cases().iter().map(|c| c.return_count).sum();
    let wrong: u32 = eng.cases().iter().map(|c| c.wrong_unit_returns).sum();
    assert_eq!((returns, wrong), (6, 6));
    assert_eq!(eng.events_json_lines(None).expect("exports"), text);
}

/// Lines re-chained after an edit: each line's `hash` recomputed over its canonical text.
fn rechained(lines: &[String]) -> String {
    let mut prev = gridgov::audit::GENESIS;
    let mut out = String::new();
    for line in lines {
        let mut v: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let o = v.as_object_mut().expect("an object");
        o.remove("hash");
        o.remove("contact");
        prev = gridgov::audit::link(&prev, v.to_string().as_bytes());
        let mut v: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        v["hash"] = gridgov::audit::hex(&prev).into();
        out.push_str(&v.to_string());
        out.push('\n');
    }
    out
}

/// The verified replay reads and applies at once; its errors are still those of verifying
/// everything, then reading everything, then replaying.
#[test]
fn the_verified_replay_reports_the_error_of_verify_then_read_then_replay() {
    let model = Arc::new(Model::sample());
    let text = std::fs::read_to_string(fixture("sample_2w.jsonl")).expect("the fixture exists");
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let unreadable = |l: &str| l.replacen(r#""v":1"#, r#""v":1,"zz":0"#, 1);
    let early = |l: &str| l.replacen(r#""at":17"#, r#""at":16"#, 1);
    let reference = |text: &str| {
        gridgov::audit::verify_json_lines(text)
            .and_then(|_| gridgov::event::from_json_lines(text))
            .and_then(|events| Engine::replay(Arc::clone(&model), &events))
            .map(|e| e.events().len())
            .map_err(|e| e.to_string())
    };
    // the first action from line 300 on (an earlier report would still apply)
    let action_line = (300..lines.len())
        .find(|&i| {
            !lines[i].contains(r#""action":"report""#)
                && !lines[i].contains(r#""action":"escalate""#)
        })
        .expect("an action");
    let mut cases = vec![text.clone()];
    // a line that does not read, an event that does not apply, both (either order)
    for edits in [
        vec![(700, 0)],
        vec![(300, 1)],
        vec![(300, 1), (700, 0)],
        vec![(300, 0), (700, 1)],
    ] {
        let mut edited = lines.clone();
        for (at, kind) in edits {
            if kind == 0 {
                edited[at] = unreadable(&edited[at]);
            } else {
                let at = if at == 300 { action_line } else { at };
                edited[at] = early(&edited[at]);
            }
        }
        let chained = rechained(&edited);
        // and the same with a broken link after them
        let mut broken: Vec<String> = chained.lines().map(str::to_owned).collect();
        broken[900] = broken[900].replacen(r#""v":1"#, r#""v":1,"x":2"#, 1);
        cases.push(chained);
        cases.push(broken.join("\n"));
    }
    for (k, case) in cases.iter().enumerate() {
        let got = Engine::replay_json_lines(Arc::clone(&model), case)
            .map(|e| e.events().len())
            .map_err(|e| e.to_string());
        assert_eq!(got, reference(case), "case {k}");
        if k > 0 {
            assert!(got.is_err(), "case {k}");
        }
    }
}
