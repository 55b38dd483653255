//! The mutation harness (issue 16): every text input the library takes, from valid seeds (the
//! shared fixtures and the built-in data), mutated byte by byte — flips, insertions, deletions,
//! truncations, duplications, splices with another seed, deep nesting, huge numbers and long
//! strings — and fed to its parser and what follows it. Every call must return (no panic),
//! within a time limit, with bounded memory (a counting allocator watches the peak), and a
//! failure must be a typed error with a bounded, non-empty message (a model error lists its
//! problems). Case records that read must write back to CSV that reads again (the round trip
//! of finding 3).
//!
//! Seeded and deterministic: `GRIDGOV_FUZZ_SEED` (default 16) picks the stream,
//! `GRIDGOV_FUZZ_SECS` (default 40) the time budget; `make test` runs the default, `make fuzz` a
//! long run in release mode, printing the number of inputs per target. A failing input is
//! written to `target/fuzz-failures/` with its target's name.

#![allow(clippy::unwrap_used, reason = "tests")]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use gridgov::case::{Action, Actor, Report};
use gridgov::division::{DivisionConfig, division_report};
use gridgov::engine::Engine;
use gridgov::model::Format;
use gridgov::score::{Records, Scorecard, score};
use gridgov::simulate::{Simulation, simulate};
use gridgov::spatial::GridMap;
use gridgov::{Error, ErrorKind, Model};

// A counting allocator: the live bytes and their peak since the last reset.

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; the counters only watch.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded; `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded; the caller upholds realloc's contract.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let grow = new_size - layout.size();
                let now = LIVE.fetch_add(grow, Ordering::Relaxed) + grow;
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// The most memory one call may hold beyond what was live before it.
const MEMORY_LIMIT: usize = 256 << 20;

/// The longest one call may take (debug builds, a shared machine: generous).
const TIME_LIMIT: Duration = Duration::from_secs(20);

/// The longest message an error may have (a model's lists at most 50 problems).
const MESSAGE_LIMIT: usize = 40_000;

// Targets: one input each, run against shared read-only state.

struct World {
    rules: Arc<Model>,
    score_city: Arc<Model>,
    /// An engine on the rules city with one dispatched case (cloned per act).
    engine: Engine,
}

type Run = fn(&World, &str) -> Result<(), Error>;

struct Target {
    name: &'static str,
    seeds: Vec<String>,
    run: Run,
}

fn model_toml(_: &World, text: &str) -> Result<(), Error> {
    let m = Model::from_str_as(text, Format::Toml)?;
    let _ = m.check();
    // What a model says runs: a simulated day of cases through the engine, with its
    // escalation rules swept every half hour (finding 1 was a valid model whose first
    // dispatch panicked).
    let sim = Simulation::new(1_772_409_600_000, 1)
        .with_seed(7)
        .with_reports_per_day(4);
    if let Ok(eng) = simulate(Arc::new(m), &sim) {
        let _ = eng.events_json_lines(None).map(|t| t.len());
        let _ = eng.records().map(|r| r.to_csv());
    }
    Ok(())
}

fn model_json(_: &World, text: &str) -> Result<(), Error> {
    let m = Model::from_str_as(text, Format::Json)?;
    // What loads writes back and loads again.
    Model::from_str_as(&m.to_json(), Format::Json).map(|_| ())
}

fn geojson(w: &World, text: &str) -> Result<(), Error> {
    let map = GridMap::from_geojson_str(text, "code")?;
    for i in 0..map.len() {
        let _ = map.code(i);
    }
    let _ = (*w.rules).clone().with_grid_map(map);
    Ok(())
}

fn actor_report(w: &World, text: &str) -> Result<(), Error> {
    // `{"actor": ..., "report": ...}`: both parsed as the bindings parse them.
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::Parse {
        format: "JSON",
        message: e.to_string(),
    })?;
    let actor: Actor = serde_json::from_value(v.get("actor").cloned().unwrap_or_default())
        .map_err(|e| Error::invalid("actor", "(value)", e.to_string()))?;
    let report = Report::from_json(v.get("report").cloned().unwrap_or_default())?;
    let mut eng = Engine::new(Arc::clone(&w.rules));
    let at = v.get("at").and_then(serde_json::Value::as_i64).unwrap_or(0);
    let id = eng.report(actor, at, report)?;
    let _ = eng.case_json(id, at);
    let _ = eng.records().map(|r| r.to_csv());
    Ok(())
}

fn action(w: &World, text: &str) -> Result<(), Error> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::Parse {
        format: "JSON",
        message: e.to_string(),
    })?;
    let actor: Actor = serde_json::from_value(v.get("actor").cloned().unwrap_or_default())
        .map_err(|e| Error::invalid("actor", "(value)", e.to_string()))?;
    let act = Action::from_json(v.get("action").cloned().unwrap_or_default())?;
    let at = v.get("at").and_then(serde_json::Value::as_i64).unwrap_or(0);
    let mut eng = w.engine.clone();
    eng.act(1, actor, at, act)?;
    let _ = eng.sweep(at.saturating_add(30 * 86_400_000));
    let _ = eng.case_json(1, at);
    Ok(())
}

fn replay(w: &World, text: &str) -> Result<(), Error> {
    let _ = gridgov::audit::verify_json_lines(text);
    let _ = Engine::replay_json_lines_unverified(Arc::clone(&w.score_city), text);
    Engine::replay_json_lines(Arc::new(Model::sample()), text).map(|_| ())
}

fn records_csv(w: &World, text: &str) -> Result<(), Error> {
    let rec = Records::from_csv(Arc::clone(&w.score_city), text, None)?;
    // The documented round trip: what reads writes back and reads again.
    let again = Records::from_csv(Arc::clone(&w.score_city), &rec.to_csv(), Some(rec.as_of()))
        .unwrap_or_else(|e| panic!("the written CSV does not read back: {e}"));
    assert_eq!(again.len(), rec.len());
    if let Ok(card) = score(&rec, 1_772_323_200_000, 1_775_001_600_000, None) {
        let _ = card.areas("grid");
        let _ = card.to_json();
    }
    Ok(())
}

fn scorecard_json(w: &World, text: &str) -> Result<(), Error> {
    let card = Scorecard::from_json(Arc::clone(&w.score_city), text)?;
    for level in ["grid", "street", "city"] {
        let _ = card.areas(level);
    }
    let _ = card.merge(&card).map(|m| m.areas("grid"));
    Ok(())
}

fn division_config(w: &World, text: &str) -> Result<(), Error> {
    let config = DivisionConfig::from_json(text)?;
    let n = w.score_city.territory().grids().len();
    let load: Vec<u64> = (0..n as u64).map(|i| i * 7 % 13).collect();
    division_report(&w.score_city, &load, &config).map(|r| drop(r.to_json()))
}

fn calendar(_: &World, text: &str) -> Result<(), Error> {
    let cal = if text.trim_start().starts_with('{') {
        gridgov::calendar::Calendar::from_json_str(text)?
    } else {
        gridgov::calendar::Calendar::from_toml_str(text)?
    };
    let _ = cal.add_working(1_772_409_600_000, 3_600_000);
    Ok(())
}

fn targets(w: &World) -> Vec<Target> {
    let f = common::fixture;
    let cities: Vec<String> = ["tiny", "rules", "pair", "unstaffed", "bad_model"]
        .iter()
        .map(|c| f(&format!("cities/{c}.toml")))
        .chain([f("score/city.toml")])
        .collect();
    let json_cities: Vec<String> = [&w.rules, &w.score_city]
        .iter()
        .map(|m| m.to_json())
        .collect();
    let events: Vec<String> = f("events/sample_2w.jsonl")
        .lines()
        .take(60)
        .map(|l| format!("{l}\n"))
        .collect::<Vec<_>>()
        .chunks(20)
        .scan(String::new(), |acc, c| {
            acc.push_str(&c.concat());
            Some(acc.clone())
        })
        .collect();
    let cases = f("score/cases.csv");
    let card = score(
        &Records::from_csv(Arc::clone(&w.score_city), &cases, None).unwrap(),
        1_772_323_200_000,
        1_775_001_600_000,
        None,
    )
    .unwrap()
    .to_json();
    vec![
        Target {
            name: "model_toml",
            seeds: cities,
            run: model_toml,
        },
        Target {
            name: "model_json",
            seeds: json_cities,
            run: model_json,
        },
        Target {
            name: "geojson",
            seeds: vec![f("boundaries/two_grids.geojson")],
            run: geojson,
        },
        Target {
            name: "actor_report",
            seeds: vec![
                r#"{"actor": {"worker": "SV1"}, "at": 1772409600000, "report": {"category": "C0101", "grid": "37990100100101", "urgency": "normal", "source": "supervisor", "description": "井盖缺失"}}"#.into(),
                r#"{"actor": {"citizen": "c-1"}, "at": 1772409600000, "report": {"category": "E0101", "grid": "37990100100101", "source": "app", "contact": "138"}}"#.into(),
                r#"{"actor": {"worker": "SV1"}, "at": 1772409600000, "report": {"category": "C0101", "point": {"lon": 117.05, "lat": 36.74, "crs": "gcj02"}}}"#.into(),
            ],
            run: actor_report,
        },
        Target {
            name: "action",
            seeds: vec![
                r#"{"actor": {"worker": "H1"}, "at": 1772413200000, "action": {"action": "handle", "result": "fixed"}}"#.into(),
                r#"{"actor": {"worker": "H1"}, "at": 1772413200000, "action": {"action": "request_postpone", "minutes": 120}}"#.into(),
                r#"{"actor": {"worker": "DP1"}, "at": 1772413200000, "action": {"action": "dispatch", "unit": "A", "reason": "x"}}"#.into(),
                r#"{"actor": {"worker": "SL1"}, "at": 1772413200000, "action": {"action": "supervise", "note": "催办"}}"#.into(),
            ],
            run: action,
        },
        Target {
            name: "event_lines",
            seeds: events,
            run: replay,
        },
        Target {
            name: "records_csv",
            seeds: vec![cases.clone(), cases.lines().take(4).collect::<Vec<_>>().join("\n")],
            run: records_csv,
        },
        Target {
            name: "scorecard_json",
            seeds: vec![card],
            run: scorecard_json,
        },
        Target {
            name: "division_config",
            seeds: vec![
                "{}".into(),
                r#"{"households": [300, 500], "outlier_factor": 1.5, "adjacency": "boundaries"}"#.into(),
            ],
            run: division_config,
        },
        Target {
            name: "calendar",
            seeds: vec![f("calendars/china_2027.toml")],
            run: calendar,
        },
    ]
}

// Mutations.

const TOKENS: &[&str] = &[
    "0",
    "-1",
    "4294967295",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551616",
    "18446744073709551615",
    "9007199254740993",
    "1e308",
    "-1e309",
    "NaN",
    "\"\"",
    "\\u0000",
    "\u{0}",
    "\n",
    "\"",
    "{",
    "}",
    "[",
    "]",
    ",",
    "=",
    ":",
    "null",
    "true",
    "*",
    "..",
    "9000000000000000000",
    "2200-01-02",
    "1969-12-31",
    "24:00",
    "\u{feff}",
    "中",
];

fn mutate(rng: &mut common::Rng, seeds: &[String], all: &[String]) -> Vec<u8> {
    let mut b = seeds[rng.below(seeds.len() as u64) as usize]
        .as_bytes()
        .to_vec();
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        let len = b.len().max(1);
        let at = rng.below(len as u64 + 1) as usize;
        let at = at.min(b.len());
        match rng.below(11) {
            0 => {
                if !b.is_empty() {
                    let i = at.min(b.len() - 1);
                    b[i] ^= 1 << rng.below(8);
                }
            }
            1 => b.insert(at, rng.below(256) as u8),
            2 => {
                let n = (rng.below(16) as usize).min(b.len() - at);
                b.drain(at..at + n);
            }
            3 => b.truncate(at),
            4 => {
                let t = TOKENS[rng.below(TOKENS.len() as u64) as usize];
                b.splice(at..at, t.bytes());
            }
            5 => {
                // Replace a run of digits with a huge or odd number.
                if let Some(start) = b[at..].iter().position(u8::is_ascii_digit).map(|p| p + at) {
                    let end = b[start..]
                        .iter()
                        .position(|c| !c.is_ascii_digit())
                        .map_or(b.len(), |p| p + start);
                    let t = TOKENS[rng.below(11) as usize];
                    b.splice(start..end, t.bytes());
                }
            }
            6 => {
                // Duplicate a chunk.
                let n = (rng.below(200) as usize).min(b.len() - at);
                let chunk = b[at..at + n].to_vec();
                let to = rng.below(b.len() as u64 + 1) as usize;
                b.splice(to..to, chunk);
            }
            7 => {
                // Splice with another seed of any target.
                let other = all[rng.below(all.len() as u64) as usize].as_bytes();
                let from = rng.below(other.len() as u64 + 1) as usize;
                b.truncate(at);
                b.extend_from_slice(&other[from..]);
            }
            8 => {
                // Deep nesting.
                let depth = 1 << rng.below(15);
                let (open, close) = if rng.below(2) == 0 {
                    ("[", "]")
                } else {
                    ("{\"a\":", "}")
                };
                let mut nest = open.repeat(depth);
                if rng.below(2) == 0 {
                    nest.push_str(&close.repeat(depth));
                }
                b.splice(at..at, nest.bytes());
            }
            9 => {
                // A long string.
                let n = 1 << (8 + rng.below(13));
                let c = [b'a', b'9', b' ', b'\\', b'"'][rng.below(5) as usize];
                b.splice(at..at, std::iter::repeat_n(c, n));
            }
            _ => {
                // Swap two lines.
                let text = String::from_utf8_lossy(&b).into_owned();
                let mut lines: Vec<&str> = text.lines().collect();
                if lines.len() > 1 {
                    let i = rng.below(lines.len() as u64) as usize;
                    let j = rng.below(lines.len() as u64) as usize;
                    lines.swap(i, j);
                    b = lines.join("\n").into_bytes();
                }
            }
        }
    }
    b
}

/// One call: its outcome, checked. Returns a description of what is wrong, if anything.
fn check(world: &World, t: &Target, input: &str) -> Option<String> {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let start = Instant::now();
    let out = catch_unwind(AssertUnwindSafe(|| (t.run)(world, input)));
    let took = start.elapsed();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    let problem = match out {
        Err(p) => Some(format!(
            "panic: {}",
            p.downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default()
        )),
        Ok(Err(e)) => {
            let m = e.to_string();
            if m.is_empty() || m.len() > MESSAGE_LIMIT {
                Some(format!("message of {} bytes", m.len()))
            } else if e.kind() == ErrorKind::Model
                && (e.issues().is_empty() || e.issues().iter().any(|i| i.message.is_empty()))
            {
                Some(format!("a model error without its problems: {m}"))
            } else {
                None
            }
        }
        Ok(Ok(())) => None,
    };
    problem.or_else(|| {
        if took > TIME_LIMIT {
            Some(format!("took {took:?}"))
        } else if peak > MEMORY_LIMIT {
            Some(format!("held {} MB", peak >> 20))
        } else {
            None
        }
    })
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn mutated_inputs_never_panic_hang_or_blow_up() {
    let seed = env_u64("GRIDGOV_FUZZ_SEED", 16);
    let budget = Duration::from_secs(env_u64("GRIDGOV_FUZZ_SECS", 40));
    let rules = Arc::new(Model::from_str_auto(&common::fixture("cities/rules.toml")).unwrap());
    let score_city = Arc::new(Model::from_str_auto(&common::fixture("score/city.toml")).unwrap());
    let mut engine = Engine::new(Arc::clone(&rules));
    let t0 = 1_772_409_600_000;
    let id = engine
        .report(
            Actor::Worker("SV1".into()),
            t0,
            Report::from_json(serde_json::json!({"category": "C0101", "grid": "37990100100101"}))
                .unwrap(),
        )
        .unwrap();
    for (who, act) in [
        ("AC1", serde_json::json!({"action": "accept"})),
        ("SL1", serde_json::json!({"action": "file"})),
        ("DP1", serde_json::json!({"action": "dispatch"})),
    ] {
        engine
            .act(
                id,
                Actor::Worker(who.into()),
                t0,
                Action::from_json(act).unwrap(),
            )
            .unwrap();
    }
    let world = World {
        rules,
        score_city,
        engine,
    };
    let targets = targets(&world);
    let all: Vec<String> = targets.iter().flat_map(|t| t.seeds.clone()).collect();
    // The seeds themselves pass.
    for t in &targets {
        for s in &t.seeds {
            assert_eq!(check(&world, t, s), None, "{}: a seed fails", t.name);
        }
    }
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut rng = common::Rng::new(seed);
    let mut counts = vec![0_u64; targets.len()];
    let mut failures = Vec::new();
    let start = Instant::now();
    // Each target gets an equal share of the time: the next input goes to the one that has
    // had the least so far.
    let mut spent = vec![Duration::ZERO; targets.len()];
    let mut slowest = vec![Duration::ZERO; targets.len()];
    while start.elapsed() < budget && failures.len() < 20 {
        let k = (0..targets.len()).min_by_key(|&k| spent[k]).unwrap_or(0);
        let t = &targets[k];
        let bytes = mutate(&mut rng, &t.seeds, &all);
        let input = String::from_utf8_lossy(&bytes);
        counts[k] += 1;
        let began = Instant::now();
        let problem = check(&world, t, &input);
        let took = began.elapsed();
        spent[k] += took;
        slowest[k] = slowest[k].max(took);
        if let Some(problem) = problem {
            let dir =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/fuzz-failures");
            let _ = std::fs::create_dir_all(&dir);
            let file = dir.join(format!("{}-{}.txt", t.name, failures.len()));
            let _ = std::fs::write(&file, input.as_bytes());
            failures.push(format!(
                "{}: {problem} (input in {})",
                t.name,
                file.display()
            ));
        }
    }
    std::panic::set_hook(quiet);
    let total: u64 = counts.iter().sum();
    println!(
        "mutation harness: seed {seed}, {total} inputs in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    for (k, t) in targets.iter().enumerate() {
        println!(
            "  {:<16} {:>8} inputs, slowest {:.3} s",
            t.name,
            counts[k],
            slowest[k].as_secs_f64()
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
