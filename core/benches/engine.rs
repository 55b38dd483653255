//! Engine throughput in memory (the main path of many cases, 8 actions each), and the
//! escalation sweep over 10^6 open cases with 1 % due, against a full scan.

use std::sync::Arc;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use gridgov::Model;
use gridgov::case::{Action, Actor, Report, Source};
use gridgov::engine::{Engine, EngineConfig};
use gridgov::escalation::{EscalationRule, EscalationRuleConfig};

/// 2025-11-03 09:00 +08:00 (a Monday).
const T0: i64 = 1_762_131_600_000;

fn run(model: &Arc<Model>, cases: usize) -> Engine {
    let mut eng = Engine::new(Arc::clone(model));
    let w = |s: &str| Actor::Worker(s.into());
    let (sv, ac, sl, dp, h) = (w("SV001"), w("AC01"), w("SL01"), w("DP01"), w("H-SANIT-1"));
    for i in 0..cases {
        let t = T0 + (i as i64 % 3600) * 1000;
        let id = eng
            .report(
                sv.clone(),
                t,
                Report {
                    category: "E0102".into(),
                    grid: "37990100100101".into(),
                    point: None,
                    urgency: None,
                    source: Source::Supervisor,
                    description: String::new(),
                    contact: None,
                    contact_sha256: None,
                },
            )
            .expect("report");
        for (actor, action) in [
            (&ac, Action::Accept),
            (&sl, Action::File),
            (
                &dp,
                Action::Dispatch {
                    unit: None,
                    reason: None,
                },
            ),
            (&h, Action::Start),
            (
                &h,
                Action::Handle {
                    result: "done".into(),
                },
            ),
            (&sv, Action::Check { passed: true }),
            (
                &sl,
                Action::Close {
                    reason: "fixed".into(),
                },
            ),
        ] {
            eng.act(id, actor.clone(), t, action).expect("act");
        }
    }
    eng
}

fn bench(c: &mut Criterion) {
    let model = Arc::new(Model::sample());
    let cases = 20_000;
    let mut g = c.benchmark_group("engine");
    g.sample_size(10);
    g.throughput(Throughput::Elements(cases as u64 * 8));
    g.bench_function("main_path_actions", |b| b.iter(|| run(&model, cases)));
    g.finish();
}

/// 10^6 dispatched C0101 cases (36 continuous hours), one second apart, with a rule firing
/// at 80 % of the limit; returns the engine and an instant at which 1 % of them are due.
fn open_cases(model: &Arc<Model>, n: usize) -> (Engine, i64) {
    #[derive(serde::Deserialize)]
    struct Doc {
        escalation: Vec<EscalationRuleConfig>,
    }
    let doc: Doc = toml::from_str(
        r#"[[escalation]]
name = "80 % used"
trigger = { share = 0.8 }
action = { warn = "yellow" }"#,
    )
    .expect("rules");
    let mut issues = gridgov::Issues::default();
    let rules = EscalationRule::from_configs(
        &doc.escalation,
        model.territory(),
        model.org(),
        model.catalog().urgencies(),
        &mut issues,
    );
    let mut eng = Engine::with_config(
        Arc::clone(model),
        EngineConfig {
            rules,
            ..EngineConfig::default()
        },
    );
    let w = |s: &str| Actor::Worker(s.into());
    let (sv, ac, sl, dp) = (w("SV001"), w("AC01"), w("SL01"), w("DP01"));
    for i in 0..n {
        let t = T0 + i as i64 * 1000;
        let id = eng
            .report(
                sv.clone(),
                t,
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
            .expect("report");
        eng.act(id, ac.clone(), t, Action::Accept).expect("accept");
        eng.act(id, sl.clone(), t, Action::File).expect("file");
        eng.act(
            id,
            dp.clone(),
            t,
            Action::Dispatch {
                unit: None,
                reason: None,
            },
        )
        .expect("dispatch");
    }
    // 80 % of 36 h = 28.8 h after dispatch: case k is due at `first` + (k - 1) s, so the first
    // n/100 cases are due at `now`.
    let first = T0 + 103_680_000;
    let now = first + (n as i64 / 100 - 1) * 1000;
    // In service a sweep runs every few minutes; one just before the first due instant (it
    // fires nothing) leaves the queue as such a sweep would, without 28.8 hours of backlog.
    assert!(eng.sweep(first - 1).expect("sweep").is_empty());
    (eng, now)
}

fn bench_sweep(c: &mut Criterion) {
    let model = Arc::new(Model::sample());
    let n = 1_000_000;
    let (eng, now) = open_cases(&model, n);
    // A live engine has room to grow; a clone has none (its first push would move every
    // event), which is not what a sweep costs in service.
    let fresh = || {
        let mut e = eng.clone();
        e.reserve(n / 50);
        e
    };
    let mut g = c.benchmark_group("sweep_1e6_open_1pct_due");
    g.sample_size(10);
    g.bench_function("priority_queue", |b| {
        b.iter_batched(
            fresh,
            |mut e| {
                let fired = e.sweep(now).expect("sweep");
                assert_eq!(fired.len(), n / 100);
                e
            },
            BatchSize::LargeInput,
        );
    });
    g.bench_function("full_scan", |b| {
        b.iter_batched(
            fresh,
            |mut e| {
                let fired = e.sweep_by_scan(now).expect("scan");
                assert_eq!(fired.len(), n / 100);
                e
            },
            BatchSize::LargeInput,
        );
    });
    g.finish();
}

criterion_group!(benches, bench, bench_sweep);
criterion_main!(benches);
