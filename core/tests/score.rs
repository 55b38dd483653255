//! Scoring: every indicator against a hand-computed case table, merge == whole, ranking with
//! tiny samples and shrinkage, bad records named by row and column, engine export.

mod common;

use std::sync::{Arc, OnceLock};

use gridgov::calendar::Millis;
use gridgov::case::{Action, Actor, Report, Source};
use gridgov::engine::Engine;
use gridgov::score::{Records, Scorecard, Table, compare, score};
use gridgov::{Error, Model};

/// The text of the score city, `tests/fixtures/score/city.toml` (read once).
fn city_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| common::fixture("score/city.toml"))
}

/// Its hand-made cases, `tests/fixtures/score/cases.csv` (read once).
fn cases_csv() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| common::fixture("score/cases.csv"))
}

/// The cases of issue 12's indicators, `tests/fixtures/score/cases_v2.csv` (read once):
/// record schema version 2, with what is due and what is shelved.
fn cases_v2_csv() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| common::fixture("score/cases_v2.csv"))
}

fn city() -> Arc<Model> {
    Arc::new(Model::from_str_auto(city_text()).expect("score city loads"))
}

fn local(m: &Model, s: &str) -> Millis {
    m.calendar().parse_local(s).expect("local time")
}

/// March 2026, as of 2026-04-10.
fn march(m: &Arc<Model>) -> Scorecard {
    let rec = Records::from_csv(Arc::clone(m), cases_csv(), None).expect("cases load");
    score(
        &rec,
        local(m, "2026-03-01"),
        local(m, "2026-04-01"),
        Some(local(m, "2026-04-10")),
    )
    .expect("scores")
}

fn close(a: Option<f64>, b: f64, what: &str) {
    let a = a.unwrap_or_else(|| panic!("{what}: undefined, expected {b}"));
    assert!((a - b).abs() < 1e-9, "{what}: {a} != {b}");
}

fn check_row(t: &Table, id: &str, expected: &[(&str, Option<f64>)]) {
    for &(name, want) in expected {
        let got = t.value(id, name);
        match want {
            None => assert_eq!(got, None, "{id}.{name}"),
            Some(w) => close(got, w, &format!("{id}.{name}")),
        }
    }
}

#[test]
fn areas_by_hand() {
    let m = city();
    let card = march(&m);
    let grids = card.areas("grid").expect("grid table");
    let days = 31.0 / 30.0;
    check_row(
        &grids,
        "37990100100101",
        &[
            ("reported", Some(3.0)),
            ("public_reported", Some(1.0)),
            ("filed", Some(2.0)),
            ("public_filed", Some(1.0)),
            ("closed", Some(2.0)),
            ("closed_on_time", Some(1.0)),
            ("rated", Some(1.0)),
            ("satisfied", Some(1.0)),
            ("public_share", Some(0.5)),
            ("closure_rate", Some(1.0)),
            ("on_time_closure_rate", Some(0.5)),
            ("satisfaction_rate", Some(1.0)),
            ("cases_per_10k", Some(30.0)),
            ("filed_per_grid_month", Some(2.0 / days)),
            ("mean_response_hours", Some(50.0 / 60.0)),
            ("mean_handle_hours", Some(260.0 / 60.0)),
        ],
    );
    check_row(
        &grids,
        "37990100100102",
        &[
            ("reported", Some(4.0)),
            ("public_reported", Some(2.0)),
            ("filed", Some(1.0)),
            ("public_filed", Some(0.0)),
            ("closed", Some(0.0)),
            ("public_share", Some(0.0)),
            ("closure_rate", Some(0.0)),
            ("satisfaction_rate", None),
            ("cases_per_10k", Some(20.0)),
            ("mean_response_hours", Some(10.0 / 60.0)),
            ("mean_handle_hours", None),
        ],
    );
    let g1 = grids.row("37990100100101").expect("grid 1");
    close(g1.score, 73.0, "grid 1 score");
    assert_eq!(g1.grade, Some('C'));
    let g2 = grids.row("37990100100102").expect("grid 2");
    close(g2.score, 28.0, "grid 2 score");
    assert_eq!(g2.grade, Some('E'));
    // Samples of 2 and 1 are below the default minimum of 5: listed, not ranked.
    assert_eq!((g1.rank, g2.rank), (None, None));

    let community = card.areas("community").expect("community table");
    check_row(
        &community,
        "379901001001",
        &[
            ("reported", Some(7.0)),
            ("filed", Some(3.0)),
            ("public_share", Some(1.0 / 3.0)),
            ("closure_rate", Some(2.0 / 3.0)),
            ("on_time_closure_rate", Some(1.0 / 3.0)),
            ("cases_per_10k", None),
            ("filed_per_grid_month", Some(1.5 / days)),
        ],
    );
    close(community.rows[0].score, 58.0, "community score");
    // Every level has the same totals at the top.
    let city = card.areas("city").expect("city table");
    assert_eq!(city.value("379900", "reported"), Some(7.0));
    assert!(matches!(card.areas("ward"), Err(Error::Unknown { .. })));
    // The same tables by name, as the bindings ask for them.
    assert_eq!(card.table("areas:grid").ok(), Some(grids));
    assert_eq!(card.table("departments").ok(), Some(card.departments()));
    assert!(matches!(
        card.table("areas:ward"),
        Err(Error::Unknown { .. })
    ));
    assert!(
        matches!(card.table("grids"), Err(Error::InvalidValue { what, .. }) if what == "table")
    );
}

#[test]
fn departments_by_hand() {
    let m = city();
    let t = march(&m).departments();
    assert_eq!(
        t.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["A", "B"],
        "the command centre had nothing dispatched to it"
    );
    check_row(
        &t,
        "A",
        &[
            ("due", Some(3.0)),
            ("handled", Some(3.0)),
            ("handled_on_time", Some(2.0)),
            ("overdue_handled", Some(1.0)),
            ("overdue_unhandled", Some(0.0)),
            ("rework", Some(1.0)),
            ("postponed", Some(0.0)),
            ("handle_rate", Some(1.0)),
            ("on_time_rate", Some(2.0 / 3.0)),
            ("overdue_unhandled_rate", Some(0.0)),
            ("rework_rate", Some(1.0 / 3.0)),
            ("postponement_rate", Some(0.0)),
            ("mean_handle_hours", Some(580.0 / 3.0 / 60.0)),
            ("median_handle_hours", Some(2.0)),
        ],
    );
    close(t.row("A").and_then(|r| r.score), 250.0 / 3.0, "A score");
    check_row(
        &t,
        "B",
        &[
            ("due", Some(1.0)),
            ("handled", Some(0.0)),
            ("overdue_unhandled", Some(1.0)),
            ("postponed", Some(1.0)),
            ("rework_rate", None),
            ("postponement_rate", Some(1.0)),
            ("mean_handle_hours", None),
            ("median_handle_hours", None),
        ],
    );
    close(t.row("B").and_then(|r| r.score), 0.0, "B score");
    assert_eq!(t.row("B").and_then(|r| r.grade), Some('E'));
}

#[test]
fn posts_by_hand() {
    let m = city();
    let card = march(&m);
    let sup = card.posts("supervisor").expect("supervisors");
    check_row(
        &sup,
        "S1",
        &[
            ("reports", Some(2.0)),
            ("valid_reports", Some(2.0)),
            ("verify_due", Some(1.0)),
            ("verified_on_time", Some(1.0)),
            // Every check counts (issue 12, item 12): case 2's failed check (`rework` 1 in a
            // table without the check columns) besides the two passed ones.
            ("check_due", Some(3.0)),
            ("failed_checks", Some(1.0)),
            ("checked_on_time", Some(1.0)),
            ("filed_in_grids", Some(2.0)),
            ("missed", Some(1.0)),
            ("valid_report_rate", Some(1.0)),
            ("missed_rate", Some(0.5)),
        ],
    );
    // 40 × 1 + 20 × (1 − 0.5) + 20 × 1 + 20 × 1/3
    close(
        sup.row("S1").and_then(|r| r.score),
        40.0 + 10.0 + 20.0 + 20.0 / 3.0,
        "S1 score",
    );
    check_row(
        &sup,
        "S2",
        &[
            ("reports", Some(2.0)),
            ("valid_reports", Some(1.0)),
            // Verification tasks count in the period they were issued (issue 12, item 12b):
            // case 8's, accepted March 31 17:05 and verified April 1 08:30 (due 09:00), is
            // March's; case 3's was late.
            ("verify_due", Some(2.0)),
            ("verified", Some(2.0)),
            ("verified_on_time", Some(1.0)),
            ("check_on_time_rate", None),
            ("missed_rate", Some(0.0)),
        ],
    );
    // (40 × 0.5 + 20 × 1 + 20 × 0.5) / 80 × 100
    close(sup.row("S2").and_then(|r| r.score), 62.5, "S2 score");

    let acc = card.posts("acceptor").expect("acceptors");
    check_row(
        &acc,
        "AC1",
        &[
            ("accepted", Some(6.0)),
            ("accepted_on_time", Some(5.0)),
            ("accepted_accurate", Some(5.0)),
        ],
    );
    close(acc.row("AC1").and_then(|r| r.score), 62.5, "AC1 score");

    let sl = card.posts("shift_leader").expect("shift leaders");
    check_row(
        &sl,
        "SL1",
        &[
            ("filing_decisions", Some(4.0)),
            ("filed_on_time", Some(4.0)),
            ("voided", Some(1.0)),
            ("closings", Some(3.0)),
            ("closed_on_time", Some(2.0)),
            ("filing_accuracy_rate", Some(0.75)),
            ("closing_on_time_rate", Some(2.0 / 3.0)),
        ],
    );
    close(
        sl.row("SL1").and_then(|r| r.score),
        235.0 / 3.0,
        "SL1 score",
    );

    let d = card.posts("dispatcher").expect("dispatchers");
    check_row(
        &d,
        "D1",
        &[
            ("dispatched", Some(4.0)),
            ("dispatched_on_time", Some(2.0)),
            ("returned", Some(1.0)),
            ("dispatch_accuracy_rate", Some(0.75)),
        ],
    );
    close(d.row("D1").and_then(|r| r.score), 50.0, "D1 score");
    assert!(matches!(card.posts("handler"), Err(Error::Unknown { .. })));
}

#[test]
fn as_of_hides_what_happened_later() {
    let m = city();
    let rec = Records::from_csv(Arc::clone(&m), cases_csv(), None).expect("cases");
    // As of 2026-03-03 00:00, case 2 was dispatched but not handled (its deadline, 03-02
    // 16:00, had passed), and nothing was closed in grid 1 but case 1.
    let card = score(
        &rec,
        local(&m, "2026-03-01"),
        local(&m, "2026-04-01"),
        Some(local(&m, "2026-03-03")),
    )
    .expect("scores");
    let dept = card.departments();
    assert_eq!(dept.value("A", "handled"), Some(2.0));
    assert_eq!(dept.value("A", "overdue_unhandled"), Some(1.0));
    let grids = card.areas("grid").expect("grids");
    assert_eq!(grids.value("37990100100101", "closed"), Some(1.0));
    // Default as_of: one millisecond after the latest instant (case 8's verification).
    assert_eq!(rec.as_of(), local(&m, "2026-04-01 08:30") + 1);
}

#[test]
fn merge_equals_whole() {
    let m = city();
    let rec = Records::from_csv(Arc::clone(&m), cases_csv(), None).expect("cases");
    let as_of = Some(local(&m, "2026-04-10"));
    let cut = [
        "2026-02-01",
        "2026-03-02 09:30",
        "2026-03-03",
        "2026-03-20",
        "2026-04-02",
    ]
    .map(|s| local(&m, s));
    let whole = score(&rec, cut[0], cut[4], as_of).expect("whole");
    let mut merged = score(&rec, cut[0], cut[1], as_of).expect("first");
    for w in cut[1..].windows(2) {
        merged = merged
            .merge(&score(&rec, w[0], w[1], as_of).expect("chunk"))
            .expect("merge");
    }
    assert_eq!(merged, whole);
    for level in ["grid", "street", "city"] {
        assert_eq!(merged.areas(level).ok(), whole.areas(level).ok());
    }
    assert_eq!(merged.departments(), whole.departments());
    // Through JSON, as between machines.
    let back = Scorecard::from_json(Arc::clone(&m), &merged.to_json()).expect("reads back");
    assert_eq!(back, whole);

    // Periods with a gap, different as_of: refused.
    let a = score(&rec, cut[0], cut[1], as_of).expect("a");
    let c = score(&rec, cut[2], cut[3], as_of).expect("c");
    assert!(matches!(a.merge(&c), Err(Error::InvalidValue { what, .. }) if what == "other.period"));
    let d = score(&rec, cut[1], cut[2], None).expect("d");
    assert!(matches!(a.merge(&d), Err(Error::InvalidValue { what, .. }) if what == "other.as_of"));
}

#[test]
fn merge_equals_whole_on_random_records() {
    let m = Arc::new(Model::sample());
    let csv = common::random_records_csv(&m, 20_000, 7);
    let rec = Records::from_csv(Arc::clone(&m), &csv, None).expect("random records load");
    let months: Vec<Millis> = (1..=7)
        .map(|mo| local(&m, &format!("2026-{mo:02}-01")))
        .collect();
    let as_of = Some(rec.as_of());
    let whole = score(&rec, months[0], months[6], as_of).expect("whole");
    let mut merged: Option<Scorecard> = None;
    for w in months.windows(2) {
        let part = score(&rec, w[0], w[1], as_of).expect("month");
        merged = Some(match merged {
            None => part,
            Some(acc) => acc.merge(&part).expect("merge"),
        });
    }
    let merged = merged.expect("six months");
    assert_eq!(merged, whole);
    for level in m.territory().levels() {
        assert_eq!(merged.areas(level).ok(), whole.areas(level).ok());
    }
    for role in ["supervisor", "acceptor", "shift_leader", "dispatcher"] {
        assert_eq!(merged.posts(role).ok(), whole.posts(role).ok());
    }
    // Disjoint record sets of one period (two "workers" of a cluster).
    let (odd, even) = common::split_csv_rows(&csv);
    let a = Records::from_csv(Arc::clone(&m), &odd, as_of).expect("odd rows");
    let b = Records::from_csv(Arc::clone(&m), &even, as_of).expect("even rows");
    let ab = score(&a, months[0], months[6], as_of)
        .expect("a")
        .merge(&score(&b, months[0], months[6], as_of).expect("b"))
        .expect("merge");
    assert_eq!(ab, whole);
    // Something was counted.
    let t = whole.areas("city").expect("city");
    assert!(t.rows[0].values[2].unwrap_or(0.0) > 1000.0);
}

#[test]
fn tiny_samples_are_listed_not_ranked_and_shrinkage_tempers_them() {
    let m = city();
    let rec = Records::from_csv(Arc::clone(&m), cases_csv(), None).expect("cases");
    let (start, end) = (local(&m, "2026-03-01"), local(&m, "2026-04-01"));
    let mut config = m.scoring_config().clone();
    config.min_sample = 1;
    let card = Scorecard::compute(&rec, start, end, None, Some(config.clone())).expect("card");
    let grids = card.areas("grid").expect("grids");
    assert_eq!(grids.row("37990100100101").and_then(|r| r.rank), Some(1));
    assert_eq!(grids.row("37990100100102").and_then(|r| r.rank), Some(2));
    config.min_sample = 2;
    let card = Scorecard::compute(&rec, start, end, None, Some(config.clone())).expect("card");
    let grids = card.areas("grid").expect("grids");
    assert_eq!(grids.row("37990100100101").and_then(|r| r.rank), Some(1));
    assert_eq!(
        grids.row("37990100100102").and_then(|r| r.rank),
        None,
        "sample 1 < 2"
    );

    // Shrinkage: department B (one case, nothing handled) is pulled toward the pooled rates.
    config.min_sample = 1;
    config.shrinkage = 4.0;
    let card = Scorecard::compute(&rec, start, end, None, Some(config)).expect("card");
    let t = card.departments();
    let b = t.row("B").expect("B");
    // Pooled handle rate 3/4, on-time 2/4, overdue-unhandled 1/4, rework 1/3 (of handled).
    let handle = (0.0 + 4.0 * 0.75) / (1.0 + 4.0);
    let on_time = (0.0 + 4.0 * 0.5) / 5.0;
    let overdue = (1.0 + 4.0 * 0.25) / 5.0;
    let rework = (0.0 + 4.0 / 3.0) / (0.0 + 4.0);
    let want = (40.0 * handle + 40.0 * on_time + 10.0 * (1.0 - overdue) + 10.0 * (1.0 - rework))
        * 100.0
        / 100.0;
    close(b.score, want, "B shrunk score");
    // The raw rates stay in the table.
    assert_eq!(t.value("B", "handle_rate"), Some(0.0));
    // Equal scores share a rank.
    let ranks: Vec<Option<u32>> = t.rows.iter().map(|r| r.rank).collect();
    assert_eq!(ranks, [Some(1), Some(2)]);
}

/// The fixture's naive local times rewritten as spreadsheets and other exports write them
/// (`2026/3/2 8:10`, UTC with `Z`, another zone's offset): the same records.
#[test]
fn csv_instants_in_every_export_form_are_the_same_records() {
    let m = city();
    let want = Records::from_csv(Arc::clone(&m), cases_csv(), None)
        .expect("cases")
        .to_csv();
    let rewrite = |f: &dyn Fn(&str) -> String| -> String {
        let mut out = String::new();
        for (i, line) in cases_csv().lines().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            // Fields that look like `YYYY-MM-DD HH:MM` are the instants; the note is quoted.
            let mut first = true;
            for field in line.split(',') {
                if !first {
                    out.push(',');
                }
                first = false;
                if field.len() == 16 && field.as_bytes()[4] == b'-' && field.as_bytes()[10] == b' '
                {
                    out.push_str(&f(field));
                } else {
                    out.push_str(field);
                }
            }
        }
        out
    };
    let slashes = rewrite(&|t| {
        let (y, mo, d, h, mi) = (&t[0..4], &t[5..7], &t[8..10], &t[11..13], &t[14..16]);
        let strip = |s: &str| s.trim_start_matches('0').to_string();
        format!(
            "{y}/{}/{} {}:{mi}",
            strip(mo),
            strip(d),
            strip(h).max("0".into())
        )
    });
    let utc = rewrite(&|t| {
        let ms = m.calendar().parse_local(t).expect("local");
        chrono::DateTime::from_timestamp_millis(ms)
            .expect("in range")
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    });
    let tokyo = rewrite(&|t| {
        let ms = m.calendar().parse_local(t).expect("local") + 3_600_000;
        let wall = chrono::DateTime::from_timestamp_millis(ms + 8 * 3_600_000).expect("in range");
        format!("{}+0900", wall.format("%Y-%m-%d %H:%M:%S"))
    });
    for (name, text) in [("slashes", slashes), ("utc", utc), ("tokyo", tokyo)] {
        assert_ne!(text, cases_csv(), "{name}: the rewrite changed nothing");
        let got = Records::from_csv(Arc::clone(&m), &text, None)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .to_csv();
        assert_eq!(got, want, "{name}");
    }
}

/// A Chinese centre's words for states, sources and booleans read as the schema's ids: the
/// built-in labels, then a model's own `[scoring.labels]`; a bad target is named.
#[test]
fn csv_with_chinese_labels_is_the_same_records() {
    let m = city();
    let want = Records::from_csv(Arc::clone(&m), cases_csv(), None)
        .expect("cases")
        .to_csv();
    let chinese = cases_csv()
        .replace(",closed,", ",已结案,")
        .replace(",handled,", ",待核查,")
        .replace(",supervisor,", ",监督员上报,")
        .replace(",hotline,", ",12345热线,")
        .replace(",app,", ",公众举报,")
        .replace(",false,", ",否,");
    assert_ne!(chinese, cases_csv());
    let got = Records::from_csv(Arc::clone(&m), &chinese, None).expect("chinese labels");
    assert_eq!(got.to_csv(), want);
    // A word the built-in labels do not know is refused, naming row, column and value...
    let own = cases_csv().replacen(",closed,", ",办完了,", 1);
    let err = Records::from_csv(Arc::clone(&m), &own, None).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("records[0].state") && text.contains("办完了"),
        "{text}"
    );
    // ...until the model says what it means.
    let worded = format!(
        "{}\n[scoring.labels]\nstate = {{ \"办完了\" = \"closed\" }}\n",
        city_text()
    );
    let worded = Arc::new(Model::from_str_auto(&worded).expect("worded model"));
    let got = Records::from_csv(Arc::clone(&worded), &own, None).expect("model labels");
    assert_eq!(got.to_csv(), want);
    let bad = format!(
        "{}\n[scoring.labels]\nsource = {{ \"信箱\" = \"mailbox\" }}\n",
        city_text()
    );
    let err = Model::from_str_auto(&bad).unwrap_err().to_string();
    assert!(
        err.contains("scoring.labels.source.\"信箱\"") && err.contains("mailbox"),
        "{err}"
    );
}

/// A case twice in an export would count twice in every table: refused, naming both rows.
#[test]
fn duplicate_case_ids_are_refused() {
    let m = city();
    let mut lines: Vec<&str> = cases_csv().lines().collect();
    let third = lines[3];
    lines.push(third); // case 3 again, as the last row (records[8])
    let text = lines.join("\n");
    let err = Records::from_csv(Arc::clone(&m), &text, None).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("records[8].id") && msg.contains("records[2]"),
        "{msg}"
    );
    // Unsorted but unique ids are fine.
    let mut shuffled: Vec<&str> = cases_csv().lines().collect();
    shuffled[1..].reverse();
    assert!(Records::from_csv(Arc::clone(&m), &shuffled.join("\n"), None).is_ok());
}

fn csv_error(text: &str) -> (String, String) {
    match Records::from_csv(city(), text, None) {
        Err(Error::InvalidValue { what, reason, .. }) => (what, reason),
        other => panic!("expected a row error, got {other:?}"),
    }
}

#[test]
fn bad_records_name_row_and_column() {
    let head = "id,grid,reported_at,accepted_at,filed_at,satisfaction,rated_at,unit,rework\n";
    let ok = "1,37990100100101,2026-03-02 08:00,2026-03-02 08:05,2026-03-02 08:10,,,A,0\n";
    assert!(Records::from_csv(city(), &format!("{head}{ok}"), None).is_ok());
    let cases = [
        // filed before accepted
        (
            "2,37990100100101,2026-03-02 08:00,2026-03-02 08:05,2026-03-02 08:01,,,A,0\n",
            "records[1].filed_at",
            "earlier than accepted_at",
        ),
        (
            "2,37990100100199,2026-03-02 08:00,,,,,A,0\n",
            "records[1].grid",
            "unknown",
        ),
        (
            "2,37990100100101,yesterday,,,,,A,0\n",
            "records[1].reported_at",
            "not an instant",
        ),
        (
            "2,37990100100101,,,,,,A,0\n",
            "records[1].reported_at",
            "required",
        ),
        (
            "2,37990100100101,2026-03-02 08:00,,,,,Z,0\n",
            "records[1].unit",
            "unknown",
        ),
        (
            "2,37990100100101,2026-03-02 08:00,,,7,2026-03-03 08:00,A,0\n",
            "records[1].satisfaction",
            "1–5",
        ),
        (
            "2,37990100100101,2026-03-02 08:00,,,4,,A,0\n",
            "records[1].satisfaction",
            "without rated_at",
        ),
        (
            "2,37990100100101,2026-03-02 08:00,,,,,A,-1\n",
            "records[1].rework",
            "count",
        ),
        (
            "2,37990100100101,2026-03-02 08:00,,,,,A,1.5\n",
            "records[1].rework",
            "whole",
        ),
        (
            "x,37990100100101,2026-03-02 08:00,,,,,A,0\n",
            "records[1].id",
            "number",
        ),
        (
            "2,37990100100101,2026-03-02 08:00,,,,,A\n",
            "records[1]",
            "fields",
        ),
    ];
    for (row, what, reason) in cases {
        let (w, r) = csv_error(&format!("{head}{ok}{row}"));
        assert_eq!(w, what, "{row}");
        assert!(r.contains(reason), "{row}: {r}");
    }
    // A missing required column, a column of the wrong type, an unterminated quote.
    assert_eq!(
        csv_error("id,reported_at\n1,2026-03-02 08:00\n").0,
        "records.grid"
    );
    assert_eq!(
        csv_error("id,grid,reported_at\n1,\"37990100100101,2026-03-02 08:00\n").0,
        "csv line 3"
    );
    // A deadline the catalog must compute needs the category.
    let (w, r) = csv_error(
        "id,grid,reported_at,filed_at,dispatched_at\n1,37990100100101,2026-03-02 08:00,2026-03-02 08:05,2026-03-02 08:10\n",
    );
    assert_eq!(w, "records[0].category");
    assert!(r.contains("dispatch_deadline"), "{r}");
    // A reversed period.
    let rec = Records::from_csv(city(), cases_csv(), None).expect("cases");
    assert!(score(&rec, 10, 10, None).is_err());
}

#[test]
fn deadlines_are_computed_from_the_catalog_when_absent() {
    let m = city();
    let text = "id,grid,category,urgency,reported_at,accepted_at,filed_at,dispatched_at,handled_at,extension_minutes\n\
                1,37990100100101,C0101,normal,2026-03-02 08:00,2026-03-02 08:01,2026-03-02 08:02,2026-03-02 08:05,2026-03-06 08:00,60\n";
    let rec = Records::from_csv(Arc::clone(&m), text, None).expect("loads");
    let cols = rec.to_columns();
    let get = |name: &str| match cols.columns.iter().find(|(n, _)| n == name) {
        Some((_, gridgov::score::ColumnData::Time(v))) => v[0],
        _ => panic!("{name}"),
    };
    let limit = m.catalog().limit("C0101", "normal").expect("limit");
    let mut extended = limit;
    match &mut extended {
        gridgov::calendar::TimeLimit::Working { minutes }
        | gridgov::calendar::TimeLimit::Continuous { minutes } => *minutes += 60,
        gridgov::calendar::TimeLimit::WorkingDays { .. } => panic!("C0101 is in minutes"),
    }
    let want = m
        .calendar()
        .add_limit(local(&m, "2026-03-02 08:05"), extended)
        .expect("deadline");
    assert_eq!(get("handle_deadline"), want);
    assert_eq!(
        get("verify_deadline"),
        gridgov::score::NO_TIME,
        "not a public report"
    );
    // Round trip through CSV keeps every row.
    let again = Records::from_csv(Arc::clone(&m), &rec.to_csv(), Some(rec.as_of())).expect("again");
    assert_eq!(again.to_csv(), rec.to_csv());
}

#[test]
fn engine_exports_records_that_score() {
    let m = Arc::new(Model::sample());
    let mut eng = Engine::new(Arc::clone(&m));
    let t0 = local(&m, "2026-03-02 08:30");
    let sup = m
        .org()
        .workers()
        .iter()
        .find(|w| !w.grids.is_empty())
        .expect("a supervisor");
    let grid = m.territory().area(sup.grids[0]).code.as_str().to_owned();
    let role = |r: gridgov::org::Role| {
        let w = m
            .org()
            .workers_with(Some(r))
            .next()
            .expect("a worker of the role");
        Actor::Worker(Arc::from(w.id.as_str()))
    };
    let s = Actor::Worker(Arc::from(sup.id.as_str()));
    let id = eng
        .report(
            s.clone(),
            t0,
            Report {
                category: "C0101".into(),
                grid: grid.as_str().into(),
                point: None,
                urgency: None,
                source: Source::Supervisor,
                description: String::new(),
                contact: None,
                contact_sha256: None,
            },
        )
        .expect("report");
    let acc = role(gridgov::org::Role::Acceptor);
    let sl = role(gridgov::org::Role::ShiftLeader);
    let disp = role(gridgov::org::Role::Dispatcher);
    let min = 60_000;
    eng.act(id, acc.clone(), t0 + min, Action::Accept)
        .expect("accept");
    eng.act(id, sl.clone(), t0 + 2 * min, Action::File)
        .expect("file");
    eng.act(
        id,
        disp.clone(),
        t0 + 3 * min,
        Action::Dispatch {
            unit: None,
            reason: None,
        },
    )
    .expect("dispatch");
    let unit = eng.case(id).expect("case").unit.expect("dispatched");
    let handler = m
        .org()
        .workers()
        .iter()
        .find(|w| w.unit == unit && w.role == gridgov::org::Role::Handler)
        .map(|w| Actor::Worker(Arc::from(w.id.as_str())));
    if let Some(h) = handler.clone() {
        eng.act(
            id,
            h,
            t0 + 60 * min,
            Action::Handle {
                result: "fixed".into(),
            },
        )
        .expect("handle");
        eng.act(id, s.clone(), t0 + 70 * min, Action::Check { passed: true })
            .expect("check");
        eng.act(
            id,
            sl.clone(),
            t0 + 75 * min,
            Action::Close {
                reason: "fixed".into(),
            },
        )
        .expect("close");
    }
    let rec = eng.records().expect("records");
    assert_eq!(rec.len(), 1);
    let card = score(&rec, local(&m, "2026-03-01"), local(&m, "2026-04-01"), None).expect("score");
    let d = card.posts("dispatcher").expect("dispatchers");
    let disp_id = match &disp {
        Actor::Worker(w) => w.to_string(),
        _ => unreachable!(),
    };
    assert_eq!(d.value(&disp_id, "dispatched"), Some(1.0));
    assert_eq!(d.value(&disp_id, "dispatched_on_time"), Some(1.0));
    let dept = card.departments();
    let uid = &m.org().unit(unit).id;
    assert_eq!(dept.value(uid, "due"), Some(1.0));
    if handler.is_some() {
        assert_eq!(dept.value(uid, "handled_on_time"), Some(1.0));
        let city = card.areas("city").expect("city");
        assert_eq!(city.rows[0].values[5], Some(1.0), "closed on time");
    }
    // Comparison of a month with itself changes nothing.
    let cmp = compare(&card, &card, Some("city")).expect("compare");
    assert_eq!(cmp.len(), 4);
    assert!(cmp.iter().all(|c| c.change.is_none_or(|x| x == 0.0)));
}

#[test]
fn arrow_layout_text_columns() {
    use gridgov::score::{ColumnData, Columns};
    use std::borrow::Cow;
    let m = city();
    let g1 = b"37990100100101";
    let g2 = b"37990100100102";
    // Four strings; the array starts at 1 (an Arrow slice), so the rows are g2, g1, g2.
    let mut data = Vec::new();
    let mut offsets = vec![0i64];
    for s in [&g1[..], &g2[..], &g1[..], &g2[..]] {
        data.extend_from_slice(s);
        offsets.push(data.len() as i64);
    }
    let t0 = local(&m, "2026-03-02 08:00");
    let columns = |grid: ColumnData<'static>, unit: ColumnData<'static>| {
        let mut c = Columns::new();
        c.push("id", ColumnData::Int(Cow::Owned(vec![1, 2, 3])));
        c.push("reported_at", ColumnData::Time(Cow::Owned(vec![t0; 3])));
        c.push("grid", grid);
        c.push("unit", unit);
        c
    };
    let utf8 = |offsets: Vec<i64>, data: Vec<u8>, validity: Option<Vec<u8>>| ColumnData::Utf8 {
        offsets: Cow::Owned(offsets),
        data: Cow::Owned(data),
        validity: validity.map(Cow::Owned),
        offset: 1,
        len: 3,
    };
    let all_grids = utf8(offsets.clone(), data.clone(), None);
    // unit: "A", "", null (bit 3 clear)
    let units = ColumnData::Utf8 {
        offsets: Cow::Owned(vec![0, 0, 1, 1, 1]),
        data: Cow::Owned(b"A".to_vec()),
        validity: Some(Cow::Owned(vec![0b0111])),
        offset: 1,
        len: 3,
    };
    let rec = Records::from_columns(Arc::clone(&m), &columns(all_grids.clone(), units), None)
        .expect("arrow columns load");
    let card = score(&rec, local(&m, "2026-03-01"), local(&m, "2026-04-01"), None).expect("score");
    let grids = card.areas("grid").expect("grids");
    assert_eq!(grids.value("37990100100101", "reported"), Some(1.0));
    assert_eq!(grids.value("37990100100102", "reported"), Some(2.0));
    // A missing required grid, bytes that are not UTF-8, offsets past the data.
    let none = ColumnData::Text {
        codes: Cow::Owned(vec![-1; 3]),
        values: Vec::new(),
    };
    let bad_what = |grid: ColumnData<'static>| match Records::from_columns(
        Arc::clone(&m),
        &columns(grid, none.clone()),
        None,
    ) {
        Err(Error::InvalidValue { what, reason, .. }) => format!("{what}: {reason}"),
        other => panic!("expected an error, got {other:?}"),
    };
    let e = bad_what(utf8(offsets.clone(), data.clone(), Some(vec![0b1011])));
    assert!(e.starts_with("records[1].grid: is missing"), "{e}");
    let mut latin1 = data.clone();
    latin1[14] = 0xff;
    let e = bad_what(utf8(offsets.clone(), latin1, None));
    assert!(e.starts_with("records[0].grid: is not UTF-8"), "{e}");
    let mut past = offsets.clone();
    past[3] = 999;
    let e = bad_what(utf8(past, data.clone(), None));
    assert!(e.starts_with("records[1].grid"), "{e}");
    let e = bad_what(utf8(vec![0, 14], data, None));
    assert!(e.starts_with("records.grid"), "{e}");
}

#[test]
fn a_month_of_the_sample_city_scores() {
    use gridgov::simulate::{Simulation, simulate};
    let m = Arc::new(Model::sample());
    let eng = simulate(
        Arc::clone(&m),
        &Simulation::new(local(&m, "2026-03-02"), 30).with_seed(5),
    )
    .expect("simulates");
    let rec = eng.records().expect("records");
    assert_eq!(rec.len(), eng.cases().len());
    let (start, mid, end) = (
        local(&m, "2026-03-01"),
        local(&m, "2026-03-16"),
        local(&m, "2026-04-01"),
    );
    let card = score(&rec, start, end, None).expect("March");
    let halves = score(&rec, start, mid, None)
        .expect("first half")
        .merge(&score(&rec, mid, end, None).expect("second half"))
        .expect("merge");
    assert_eq!(halves, card);
    let streets = card.areas("street").expect("streets");
    assert_eq!(streets.rows.len(), 6);
    assert!(
        streets
            .rows
            .iter()
            .all(|r| r.score.is_some() && r.rank.is_some())
    );
    let depts = card.departments();
    let due: f64 = depts.rows.iter().filter_map(|r| r.values[0]).sum();
    assert!(
        due > 2000.0,
        "most of the month's cases were dispatched: {due}"
    );
    for role in ["supervisor", "acceptor", "shift_leader", "dispatcher"] {
        let t = card.posts(role).expect("posts");
        assert!(
            t.rows.iter().any(|r| r.rank == Some(1)),
            "{role} has a first"
        );
    }
    // Every case of the month is in the load of its grid, and the division report reads it.
    let load = rec.grid_load(start, end);
    assert_eq!(
        load.len(),
        m.territory().grids().len(),
        "one count per unit grid"
    );
    let reported = card.areas("city").expect("city").rows[0].values[0];
    assert_eq!(Some(load.iter().sum::<u64>() as f64), reported);
    let report = gridgov::division::division_report(
        &m,
        &load,
        &gridgov::division::DivisionConfig::default(),
    )
    .expect("division report");
    assert_eq!(report.grids.len(), 408);
    // Through CSV the records read back to the same card (given the same as_of).
    let again = Records::from_csv(Arc::clone(&m), &rec.to_csv(), Some(rec.as_of())).expect("csv");
    assert_eq!(score(&again, start, end, None).expect("again"), card);
}

#[test]
fn scoring_section_of_the_model_overrides_the_defaults() {
    let city = city_text();
    let text = format!(
        "{city}\n[scoring]\nmin_sample = 1\ngrades = [80, 70, 60, 50]\naccept_limit = \"1 working_hours\"\n\
         [scoring.weights.department]\non_time_rate = 1\n\
         [scoring.weights.dispatcher]\ndispatched = 1\n\
         [scoring.steps.dispatcher.dispatched]\nat_least = [[4, 100], [2, 50]]\n"
    );
    let m = Arc::new(Model::from_str_auto(&text).expect("model with [scoring]"));
    let rec = Records::from_csv(Arc::clone(&m), cases_csv(), None).expect("cases");
    let card = score(
        &rec,
        local(&m, "2026-03-01"),
        local(&m, "2026-04-01"),
        Some(local(&m, "2026-04-10")),
    )
    .expect("scores");
    let d = card.departments();
    // Only on-time handling counts now: A 2/3, B 0.
    close(d.row("A").and_then(|r| r.score), 200.0 / 3.0, "A");
    assert_eq!(d.row("A").and_then(|r| r.grade), Some('C'));
    assert_eq!(
        d.row("A").and_then(|r| r.rank),
        Some(1),
        "min_sample 1 ranks it"
    );
    // D1 dispatched 4: 100 by the new step table.
    close(
        card.posts("dispatcher")
            .expect("dispatchers")
            .row("D1")
            .and_then(|r| r.score),
        100.0,
        "D1",
    );
    // With one working hour to accept, AC1's 09:30 acceptance of a 09:00 report is on time.
    let acc = card.posts("acceptor").expect("acceptors");
    assert_eq!(acc.value("AC1", "accepted_on_time"), Some(6.0));

    // Every problem of a bad section, with its path.
    let bad = format!(
        "{city}\n[scoring]\nshrinkage = -1\ngrades = [50, 60, 70, 80]\n\
         [scoring.weights.department]\nspeed = 1\ndue = 1\n\
         [scoring.weights.janitor]\nx = 1\n\
         [scoring.steps.area.closure_rate]\nat_least = [[1, 100]]\n"
    );
    let Err(Error::Model(issues)) = Model::from_str_auto(&bad) else {
        panic!("a bad [scoring] section is refused");
    };
    let paths: Vec<&str> = issues.0.iter().map(|i| i.path.as_str()).collect();
    for want in [
        "scoring.shrinkage",
        "scoring.grades",
        "scoring.weights.department.speed",
        "scoring.weights.department.due",
        "scoring.weights.janitor",
        "scoring.steps.area.closure_rate",
    ] {
        assert!(paths.contains(&want), "{want} missing from {paths:?}");
    }
}

/// A bad row names its case id beside the row, from CSV and from columns alike.
#[test]
fn bad_rows_name_their_case() {
    let m = city();
    let text = cases_csv().replacen("2026-03-02 08:12", "2026-03-02 08:0x", 1);
    let msg = Records::from_csv(Arc::clone(&m), &text, None)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("records[0].accepted_at") && msg.contains("(case 1)"),
        "{msg}"
    );
    let text = cases_csv()
        .replacen(",AC1,", ",,", 1)
        .replacen(",A,", ",NOPE,", 1);
    let msg = Records::from_csv(Arc::clone(&m), &text, None)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("records[0].unit") && msg.contains("(case 1)"),
        "{msg}"
    );
}

/// Issue 12, items 9–11, computed by hand from `cases_v2.csv` (March 2026 as of April 10):
/// 结案率 and 按期结案率 over 应结案数 (closed, or overdue and not closed), 应处置数 = handled +
/// overdue unhandled, shelved cases (挂账) out of both and counted apart, 返工率 per case.
#[test]
fn closure_and_disposal_over_what_is_due() {
    let m = city();
    let rec = Records::from_csv(Arc::clone(&m), cases_v2_csv(), None).expect("cases load");
    let card = score(
        &rec,
        local(&m, "2026-03-01"),
        local(&m, "2026-04-01"),
        Some(local(&m, "2026-04-10")),
    )
    .expect("scores");
    let grids = card.areas("grid").expect("grids");
    // Grid 1: 11 closed on time, 12 closed late, 13 in progress (not due), 17 closed from the
    // shelf, 18 overdue (shelved only after as_of).
    check_row(
        &grids,
        "37990100100101",
        &[
            ("filed", Some(5.0)),
            ("due_to_close", Some(4.0)),
            ("closed", Some(3.0)),
            ("closed_on_time", Some(1.0)),
            ("shelved", Some(0.0)),
            ("closure_rate", Some(0.75)),
            ("on_time_closure_rate", Some(0.25)),
        ],
    );
    // Grid 2: 14 on the shelf, 15 overdue, 16 resumed and closed on time.
    check_row(
        &grids,
        "37990100100102",
        &[
            ("filed", Some(3.0)),
            ("due_to_close", Some(2.0)),
            ("closed", Some(1.0)),
            ("closed_on_time", Some(1.0)),
            ("shelved", Some(1.0)),
            ("closure_rate", Some(0.5)),
            ("on_time_closure_rate", Some(0.5)),
        ],
    );
    let city_row = card.areas("city").expect("city");
    check_row(
        &city_row,
        "379900",
        &[
            ("due_to_close", Some(6.0)),
            ("shelved", Some(1.0)),
            ("closure_rate", Some(4.0 / 6.0)),
        ],
    );
    let d = card.departments();
    // A: 11 and 12 handled (both reworked, 2 + 1 failed checks), 18 overdue unhandled; 13 not
    // due yet, 14 on the shelf, 17 closed from the shelf without a feedback and no deadline.
    check_row(
        &d,
        "A",
        &[
            ("due", Some(3.0)),
            ("handled", Some(2.0)),
            ("handled_on_time", Some(1.0)),
            ("overdue_handled", Some(1.0)),
            ("overdue_unhandled", Some(1.0)),
            ("reworked", Some(2.0)),
            ("rework", Some(3.0)),
            ("postponed", Some(0.0)),
            ("shelved", Some(1.0)),
            ("handle_rate", Some(2.0 / 3.0)),
            ("on_time_rate", Some(1.0 / 3.0)),
            ("overdue_unhandled_rate", Some(1.0 / 3.0)),
            // 2 reworked cases of 2 handled: 100 %, where 3 failed checks over 2 would be 150 %.
            ("rework_rate", Some(1.0)),
        ],
    );
    check_row(
        &d,
        "B",
        &[
            ("due", Some(2.0)),
            ("handled", Some(1.0)),
            ("handled_on_time", Some(1.0)),
            ("overdue_unhandled", Some(1.0)),
            ("reworked", Some(0.0)),
            ("rework_rate", Some(0.0)),
            ("postponed", Some(1.0)),
            ("postponement_rate", Some(0.5)),
            ("shelved", Some(0.0)),
        ],
    );
    // As of March 6 18:00 case 14 is on the shelf, 15 is overdue, 13 and 16–18 not dispatched.
    let early = score(
        &rec,
        local(&m, "2026-03-01"),
        local(&m, "2026-04-01"),
        Some(local(&m, "2026-03-06 18:00")),
    )
    .expect("scores");
    check_row(
        &early.departments(),
        "A",
        &[("due", Some(2.0)), ("shelved", Some(1.0))],
    );
    // Through CSV (the current schema version) the records read back to the same card.
    let again = Records::from_csv(Arc::clone(&m), &rec.to_csv(), Some(rec.as_of())).expect("csv");
    assert_eq!(
        score(
            &again,
            local(&m, "2026-03-01"),
            local(&m, "2026-04-01"),
            Some(local(&m, "2026-04-10")),
        )
        .expect("again"),
        card
    );
}

/// Issue 12, item 14: the record schema's version. A table without `schema_version` reads (the
/// eight cases of version 1); exports state version 2; an unknown version, versions that
/// differ, or a column the stated version does not have are refused, naming the value.
#[test]
fn record_schema_versions() {
    let m = city();
    let v1 = Records::from_csv(Arc::clone(&m), cases_csv(), None).expect("a version-1 table");
    let csv = v1.to_csv();
    assert!(
        csv.starts_with("schema_version,id,"),
        "{}",
        &csv[..40.min(csv.len())]
    );
    assert!(csv.lines().nth(1).expect("a row").starts_with("4,"));
    let stated = format!("schema_version,{}", cases_csv().replacen('\n', "\n1,", 8));
    let stated = Records::from_csv(Arc::clone(&m), &stated, None).expect("version 1 stated");
    assert_eq!(stated.to_csv(), csv);
    let err = |text: &str| match Records::from_csv(Arc::clone(&m), text, None) {
        Err(Error::InvalidValue {
            what,
            value,
            reason,
        }) => (what, value, reason),
        other => panic!("expected InvalidValue, got {other:?}"),
    };
    let head = "schema_version,id,grid,reported_at";
    let (what, value, reason) = err(&format!("{head}\n5,1,37990100100101,2026-03-02 08:00\n"));
    assert_eq!(
        (what.as_str(), value.as_str()),
        ("records[0].schema_version", "5")
    );
    assert!(reason.contains("1, 2, 3, 4"), "{reason}");
    let (what, value, _) = err(&format!(
        "{head}\n2,1,37990100100101,2026-03-02 08:00\n1,2,37990100100101,2026-03-02 08:00\n"
    ));
    assert_eq!(
        (what.as_str(), value.as_str()),
        ("records[1].schema_version", "1")
    );
    let (what, _, reason) = err(&format!("{head}\nv2,1,37990100100101,2026-03-02 08:00\n"));
    assert_eq!(what, "records[0].schema_version", "{reason}");
    let (what, value, reason) = err(
        "schema_version,id,grid,reported_at,shelved_at\n1,1,37990100100101,2026-03-02 08:00,\n",
    );
    assert_eq!(
        (what.as_str(), value.as_str()),
        ("records.shelved_at", "shelved_at")
    );
    assert!(reason.contains("schema version 2"), "{reason}");
    // Version 3's approval columns: not in a version-2 table; wrong-unit returns within the
    // returns; a void cause only on a voided case, and one of its names.
    let (what, _, reason) = err(
        "schema_version,id,grid,reported_at,void_cause\n2,1,37990100100101,2026-03-02 08:00,\n",
    );
    assert_eq!(what, "records.void_cause");
    assert!(reason.contains("schema version 3"), "{reason}");
    let (what, value, _) = err(
        "id,grid,reported_at,returns,wrong_unit_returns\n1,37990100100101,2026-03-02 08:00,1,2\n",
    );
    assert_eq!(
        (what.as_str(), value.as_str()),
        ("records[0].wrong_unit_returns", "2")
    );
    let (what, value, _) = err(
        "id,grid,reported_at,state,void_cause\n1,37990100100101,2026-03-02 08:00,reported,duplicate\n",
    );
    assert_eq!(
        (what.as_str(), value.as_str()),
        ("records[0].void_cause", "duplicate")
    );
    let (what, value, _) = err(
        "id,grid,reported_at,state,void_cause\n1,37990100100101,2026-03-02 08:00,voided,lost\n",
    );
    assert_eq!(
        (what.as_str(), value.as_str()),
        ("records[0].void_cause", "lost")
    );
    let (what, value, reason) = err(
        "id,grid,reported_at,orders,orders_replied_on_time\n1,37990100100101,2026-03-02 08:00,1,2\n",
    );
    assert_eq!(
        (what.as_str(), value.as_str()),
        ("records[0].orders_replied_on_time", "2")
    );
    assert!(reason.contains("exceeds orders"), "{reason}");
    let (what, _, _) =
        err("schema_version,id,grid,reported_at,orders\n2,1,37990100100101,2026-03-02 08:00,0\n");
    assert_eq!(what, "records.orders");
    // The shelf columns' own rules.
    let row = "id,grid,reported_at,dispatched_at,shelved,shelved_at,resumed_at\n1,37990100100101,2026-03-02 08:00,2026-03-02 09:00";
    let (what, _, _) = err(&format!("{row},true,,2026-03-02 10:00\n"));
    assert_eq!(what, "records[0].resumed_at");
    let (what, _, reason) = err(&format!("{row},true,2026-03-02 10:00,2026-03-02 09:30\n"));
    assert_eq!(what, "records[0].resumed_at", "{reason}");
    let (what, _, _) = err(&format!("{row},false,2026-03-02 10:00,\n"));
    assert_eq!(what, "records[0].shelved");
    let (what, _, _) = err(&format!("{row},true,2026-03-02 08:30,\n"));
    assert_eq!(what, "records[0].shelved_at");
    // Without the flag, a shelved_at makes the case shelved.
    let ok = Records::from_csv(
        Arc::clone(&m),
        "id,grid,category,reported_at,dispatched_at,shelved_at\n1,37990100100101,C0101,2026-03-02 08:00,2026-03-02 09:00,2026-03-02 10:00\n",
        None,
    )
    .expect("shelved_at alone");
    assert!(
        ok.to_csv()
            .contains(",true,false,2026-03-02T02:00:00.000Z,"),
        "{}",
        ok.to_csv()
    );
}

/// A scorecard file of the first format lacks the new tallies: refused, naming it.
#[test]
fn a_first_format_scorecard_file_is_refused() {
    let m = city();
    let json = march(&m).to_json();
    assert!(json.contains("gridgov-scorecard/3"));
    let old = json.replace("gridgov-scorecard/3", "gridgov-scorecard/1");
    match Scorecard::from_json(Arc::clone(&m), &old) {
        Err(Error::InvalidValue {
            what,
            value,
            reason,
        }) => {
            assert_eq!(
                (what.as_str(), value.as_str()),
                ("format", "gridgov-scorecard/1")
            );
            assert!(reason.contains("score the records again"), "{reason}");
        }
        other => panic!("expected InvalidValue, got {other:?}"),
    }
}

/// `Engine::records` fills the shelf columns exactly: recomputed here from the events of a
/// simulated month (the last approved shelving; the start or reopening after it).
#[test]
fn engine_records_fill_the_shelf_columns() {
    use gridgov::event::EventBody;
    use gridgov::score::{ColumnData, NO_TIME};
    use gridgov::simulate::{Simulation, simulate};
    let m = Arc::new(Model::sample());
    let eng = simulate(
        Arc::clone(&m),
        &Simulation::new(local(&m, "2026-03-02"), 20).with_seed(9),
    )
    .expect("simulates");
    let n = eng.cases().len();
    let mut want = vec![(NO_TIME, NO_TIME); n];
    for e in eng.events() {
        let w = &mut want[(e.case - 1) as usize];
        match &e.body {
            EventBody::Action(Action::ApproveShelve) => *w = (e.at, NO_TIME),
            EventBody::Action(Action::Start | Action::Reopen { .. })
                if w.0 != NO_TIME && w.1 == NO_TIME =>
            {
                w.1 = e.at;
            }
            _ => {}
        }
    }
    let rec = eng.records().expect("records");
    let cols = rec.to_columns();
    let column = |name: &str| match cols.columns.iter().find(|(c, _)| c == name) {
        Some((_, ColumnData::Time(v))) => v.to_vec(),
        other => panic!("{name}: {other:?}"),
    };
    let (on, off) = (column("shelved_at"), column("resumed_at"));
    let got: Vec<(i64, i64)> = on.into_iter().zip(off).collect();
    assert_eq!(got, want);
    assert!(
        got.iter().filter(|(a, _)| *a != NO_TIME).count() > 5,
        "the month shelves cases"
    );
    let version = cols.columns.iter().find(|(c, _)| c == "schema_version");
    assert!(matches!(version, Some((_, ColumnData::Int(v))) if v.iter().all(|&x| x == 4)));
}

/// A unit that is not a department is listed once a case dispatched to it is due (or on the
/// shelf); while its cases are within their limits it has nothing to show.
#[test]
fn other_units_are_listed_once_a_case_is_due() {
    let m = city();
    let csv = "id,grid,category,reported_at,dispatched_at,unit,handle_deadline\n\
               1,37990100100101,C0101,2026-03-02 08:00,2026-03-02 09:00,CMD,2026-03-02 12:00\n";
    let rec = Records::from_csv(Arc::clone(&m), csv, None).expect("loads");
    let (start, end) = (local(&m, "2026-03-01"), local(&m, "2026-04-01"));
    let early = score(&rec, start, end, Some(local(&m, "2026-03-02 10:00"))).expect("scores");
    assert!(early.departments().row("CMD").is_none());
    let late = score(&rec, start, end, Some(local(&m, "2026-03-03"))).expect("scores");
    check_row(
        &late.departments(),
        "CMD",
        &[("due", Some(1.0)), ("overdue_unhandled", Some(1.0))],
    );
}
