//! Grid-division analysis: household bounds, Tukey fences on load per worker (computed by hand
//! below), adjacency from declared neighbours and from boundaries, merge and split
//! suggestions, and the errors of bad configurations and loads.
#![allow(
    clippy::unwrap_used,
    clippy::many_single_char_names,
    reason = "test code: short names and unwraps on known-good fixtures"
)]

use std::collections::BTreeSet;
use std::fmt::Write as _;

use gridgov::division::{
    AdjacencyChoice, AdjacencySource, DivisionConfig, DivisionReport, Suggestion, adjacency_graph,
    division_report,
};
use gridgov::spatial::{GridMap, GridMapOptions};
use gridgov::{Error, ErrorKind, Model};

const C1: &str = "110101001001";
const C2: &str = "110101001002";

/// One unit grid of the fixture: letter, code, community, households, declared neighbours
/// (letters; written on this side only, so the graph must make them symmetric), cases.
struct G {
    letter: char,
    code: &'static str,
    community: &'static str,
    households: Option<u64>,
    neighbours: &'static str,
    cases: u64,
}

/// The fixture, with the figures worked out by hand:
///
/// | grid | community | households | cases | supervisors (share) | workers | load/worker |
/// |---|---|---|---|---|---|---|
/// | A | C1 | 150  | 0  | SV1 (1/2)            | 0.5 | 0  |
/// | B | C1 | 200  | 2  | SV1 (1/2)            | 0.5 | 4  |
/// | C | C1 | 250  | 5  | SV2 (1)              | 1   | 5  |
/// | D | C1 | 450  | 6  | SV3 (1)              | 1   | 6  |
/// | E | C2 | 100  | 3  | SV4 (1/2)            | 0.5 | 6  |
/// | F | C2 | 1200 | 60 | SV4 (1/2), SV5 (1)   | 1.5 | 40 |
/// | G | C2 | 400  | 7  | —                    | 0   | —  |
/// | H | C2 | ?    | 9  | —                    | 0   | —  |
/// | I | C2 | 290  | 3  | SV6 (1/2)            | 0.5 | 6  |
/// | J | C2 | 260  | 4  | SV6 (1/2)            | 0.5 | 8  |
///
/// Declared adjacency: A-B, B-C, C-D, C-E, D-F, E-F, F-G, G-H, H-I, I-J.
const GRIDS: [G; 10] = [
    G {
        letter: 'A',
        code: "11010100100101",
        community: C1,
        households: Some(150),
        neighbours: "B",
        cases: 0,
    },
    G {
        letter: 'B',
        code: "11010100100102",
        community: C1,
        households: Some(200),
        neighbours: "C",
        cases: 2,
    },
    G {
        letter: 'C',
        code: "11010100100103",
        community: C1,
        households: Some(250),
        neighbours: "DE",
        cases: 5,
    },
    G {
        letter: 'D',
        code: "11010100100104",
        community: C1,
        households: Some(450),
        neighbours: "F",
        cases: 6,
    },
    G {
        letter: 'E',
        code: "11010100100201",
        community: C2,
        households: Some(100),
        neighbours: "F",
        cases: 3,
    },
    G {
        letter: 'F',
        code: "11010100100202",
        community: C2,
        households: Some(1200),
        neighbours: "",
        cases: 60,
    },
    G {
        letter: 'G',
        code: "11010100100203",
        community: C2,
        households: Some(400),
        neighbours: "FH",
        cases: 7,
    },
    G {
        letter: 'H',
        code: "11010100100204",
        community: C2,
        households: None,
        neighbours: "I",
        cases: 9,
    },
    G {
        letter: 'I',
        code: "11010100100205",
        community: C2,
        households: Some(290),
        neighbours: "J",
        cases: 3,
    },
    G {
        letter: 'J',
        code: "11010100100206",
        community: C2,
        households: Some(260),
        neighbours: "",
        cases: 4,
    },
];

/// Supervisors and the letters of their grids.
const SUPERVISORS: [(&str, &str); 6] = [
    ("SV1", "AB"),
    ("SV2", "C"),
    ("SV3", "D"),
    ("SV4", "EF"),
    ("SV5", "F"),
    ("SV6", "IJ"),
];

fn code(letter: char) -> &'static str {
    GRIDS.iter().find(|g| g.letter == letter).unwrap().code
}

fn codes(letters: &str) -> Vec<String> {
    letters.chars().map(|l| code(l).to_owned()).collect()
}

fn quoted(letters: &str) -> String {
    letters
        .chars()
        .map(|l| format!("\"{}\"", code(l)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn fixture_toml() -> String {
    let mut s = String::from(
        r#"
name = "division test city"
duty_fallback = "none"
[[areas]]
code = "110100"
name = "city"
level = "city"
[[areas]]
code = "110101"
name = "district"
level = "district"
parent = "110100"
[[areas]]
code = "110101001"
name = "street"
level = "street"
parent = "110101"
[[areas]]
code = "110101001001"
name = "community 1"
level = "community"
parent = "110101001"
[[areas]]
code = "110101001002"
name = "community 2"
level = "community"
parent = "110101001"
[[units]]
id = "CMD"
name = "command centre"
kind = "command_centre"
jurisdiction = ["110100"]
"#,
    );
    for g in &GRIDS {
        writeln!(
            s,
            "[[areas]]\ncode = \"{}\"\nname = \"grid {}\"\nlevel = \"grid\"\nparent = \"{}\"",
            g.code, g.letter, g.community
        )
        .unwrap();
        if let Some(h) = g.households {
            writeln!(s, "households = {h}").unwrap();
        }
        if !g.neighbours.is_empty() {
            writeln!(s, "neighbours = [{}]", quoted(g.neighbours)).unwrap();
        }
    }
    for (id, grids) in SUPERVISORS {
        writeln!(
            s,
            "[[workers]]\nid = \"{id}\"\nname = \"{id}\"\nrole = \"supervisor\"\nunit = \"CMD\"\ngrids = [{}]",
            quoted(grids)
        )
        .unwrap();
    }
    s
}

fn fixture() -> Model {
    Model::from_str_auto(&fixture_toml()).unwrap_or_else(|e| panic!("{e}"))
}

/// The load array (one entry per unit grid, in the order of `Territory::grids`), with `cases`
/// per grid.
fn load_of(model: &Model, cases: impl Fn(&str) -> u64) -> Vec<u64> {
    let t = model.territory();
    t.grids()
        .iter()
        .map(|g| cases(t.area(*g).code.as_str()))
        .collect()
}

fn fixture_load(model: &Model) -> Vec<u64> {
    load_of(model, |c| GRIDS.iter().find(|g| g.code == c).unwrap().cases)
}

fn report(model: &Model, config: &DivisionConfig) -> DivisionReport {
    division_report(model, &fixture_load(model), config).unwrap_or_else(|e| panic!("{e}"))
}

/// Letters of the grids carrying a flag.
fn flagged(r: &DivisionReport, flag: impl Fn(&gridgov::division::GridFigures) -> bool) -> String {
    r.grids
        .iter()
        .filter(|g| flag(g))
        .map(|g| GRIDS.iter().find(|x| x.code == g.code).unwrap().letter)
        .collect()
}

#[track_caller]
fn close(got: Option<f64>, want: f64) {
    let got = got.unwrap_or_else(|| panic!("expected {want}, got None"));
    assert!((got - want).abs() < 1e-12, "got {got}, want {want}");
}

fn merges(r: &DivisionReport) -> Vec<Vec<String>> {
    r.merges().map(|m| m.grids.clone()).collect()
}

#[test]
fn figures_per_grid() {
    let m = fixture();
    let r = report(&m, &DivisionConfig::default());
    assert_eq!(r.grids.len(), 10);
    // Territory order is file order here.
    let order: Vec<&str> = r.grids.iter().map(|g| g.code.as_str()).collect();
    assert_eq!(order, GRIDS.iter().map(|g| g.code).collect::<Vec<_>>());
    let f = r.grid(code('F')).unwrap();
    assert_eq!(f.community.as_deref(), Some(C2));
    assert_eq!((f.households, f.cases, f.supervisors), (Some(1200), 60, 2));
    close(Some(f.workers), 1.5);
    close(f.load_per_worker, 40.0);
    let a = r.grid(code('A')).unwrap();
    close(Some(a.workers), 0.5);
    close(a.load_per_worker, 0.0);
    let h = r.grid(code('H')).unwrap();
    assert_eq!((h.households, h.supervisors, h.workers), (None, 0, 0.0));
    assert_eq!(h.load_per_worker, None);
    assert_eq!(h.name, "grid H");
    assert_eq!(r.summary.cases, 99);
}

#[test]
fn household_bounds_and_tukey_fences_by_hand() {
    let m = fixture();
    let r = report(&m, &DivisionConfig::default());
    // Bounds 300-500; H's households are unknown: neither flag.
    assert_eq!(flagged(&r, |g| g.households_low), "ABCEIJ");
    assert_eq!(flagged(&r, |g| g.households_high), "F");
    assert_eq!(r.summary.households_known, 9);
    assert_eq!(r.summary.households_in_bounds, 2); // D, G
    assert_eq!(flagged(&r, |g| g.no_workers), "GH");

    // Load per worker of the 8 grids with workers, sorted: [0, 4, 5, 6, 6, 6, 8, 40].
    // Linear interpolation at (n-1)q = 7q:
    //   Q1: 1.75 -> 4 + 0.75 (5 - 4) = 4.75; median: 3.5 -> 6; Q3: 5.25 -> 6 + 0.25 (8 - 6) = 6.5
    //   IQR 1.75; k = 1.5: fences 4.75 - 2.625 = 2.125 and 6.5 + 2.625 = 9.125.
    let s = &r.summary;
    close(s.load_q1, 4.75);
    close(s.load_median, 6.0);
    close(s.load_q3, 6.5);
    close(s.load_iqr, 1.75);
    close(s.lower_fence, 2.125);
    close(s.upper_fence, 9.125);
    assert_eq!(flagged(&r, |g| g.load_low), "A"); // 0 < 2.125; B's 4 is not
    assert_eq!(flagged(&r, |g| g.load_high), "F"); // 40 > 9.125; J's 8 is not
    assert_eq!(
        (
            s.grids,
            s.grids_with_workers,
            s.no_workers,
            s.load_low,
            s.load_high
        ),
        (10, 8, 2, 1, 1)
    );
    // Only D is in bounds, within the fences and covered.
    assert_eq!(s.flagged, 9);
    assert_eq!(
        flagged(&r, gridgov::division::GridFigures::is_flagged),
        "ABCEFGHIJ"
    );

    // k = 0: the fences are the quartiles themselves.
    let k0 = report(
        &m,
        &DivisionConfig {
            outlier_k: 0.0,
            ..DivisionConfig::default()
        },
    );
    close(k0.summary.lower_fence, 4.75);
    close(k0.summary.upper_fence, 6.5);
    assert_eq!(flagged(&k0, |g| g.load_low), "AB"); // 0, 4 < 4.75
    assert_eq!(flagged(&k0, |g| g.load_high), "FJ"); // 40, 8 > 6.5

    // Other bounds: 200-1200 makes A and E low, nothing high.
    let wide = report(
        &m,
        &DivisionConfig {
            households_min: 200,
            households_max: 1200,
            ..DivisionConfig::default()
        },
    );
    assert_eq!(flagged(&wide, |g| g.households_low), "AE");
    assert_eq!(flagged(&wide, |g| g.households_high), "");
}

#[test]
fn declared_adjacency_is_symmetric() {
    let m = fixture();
    let r = report(&m, &DivisionConfig::default());
    assert_eq!(r.adjacency_source, AdjacencySource::Declared);
    let pairs: Vec<(String, String)> = r
        .adjacency
        .iter()
        .map(|p| (p.a.clone(), p.b.clone()))
        .collect();
    let want: Vec<(String, String)> = ["AB", "BC", "CD", "CE", "DF", "EF", "FG", "GH", "HI", "IJ"]
        .iter()
        .map(|p| {
            let v = codes(p);
            (v[0].clone(), v[1].clone())
        })
        .collect();
    assert_eq!(pairs, want);
    assert!(r.adjacency.iter().all(|p| p.shared_m.is_none()));
    assert_eq!(r.summary.edges, 10);
    let g = r.graph();
    assert_eq!((g.node_count(), g.edge_count()), (10, 10));
    // G (index 6) neighbours F and H, declared from G's side only for F.
    let mut nb: Vec<usize> = g
        .neighbors(petgraph::graph::NodeIndex::new(6))
        .map(|n| g[n])
        .collect();
    nb.sort_unstable();
    assert_eq!(nb, vec![5, 7]);
    // Asking for boundaries on a model without them is an error naming the setting.
    let e = division_report(
        &m,
        &fixture_load(&m),
        &DivisionConfig {
            adjacency: AdjacencyChoice::Boundaries,
            ..DivisionConfig::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidValue);
    assert!(e.to_string().contains("adjacency"), "{e}");
}

#[test]
fn merge_and_split_suggestions() {
    let m = fixture();
    let r = report(&m, &DivisionConfig::default());
    // Under-loaded: A, B, C, E, I, J (F is load_high). Adjacent pairs among them:
    //   A-B (C1, 350 households)  -> merged (smallest combined first)
    //   B-C (C1, 450)             -> B already taken
    //   C-E (350, but C1 and C2)  -> different communities
    //   I-J (C2, 550 > 500)       -> too many households together
    //   E-I (C2, 390)             -> not adjacent
    assert_eq!(merges(&r), vec![codes("AB")]);
    let Suggestion::Merge(mg) = &r.suggestions[0] else {
        panic!("merges come first: {:?}", r.suggestions);
    };
    assert_eq!(mg.community.as_deref(), Some(C1));
    assert_eq!(mg.households, vec![150, 200]);
    assert_eq!(mg.cases, vec![0, 2]);
    assert_eq!((mg.combined_households, mg.combined_cases), (350, 2));
    close(Some(mg.combined_workers), 1.0);
    close(mg.combined_load_per_worker, 2.0);
    assert_eq!(mg.shared_m, None);
    for needle in [
        code('A'),
        code('B'),
        "350 households",
        "below 300",
        "below the lower fence 2.12",
    ] {
        assert!(
            mg.reason.contains(needle),
            "{needle:?} not in {}",
            mg.reason
        );
    }

    // F: 1200 households > 500 and 40 cases per worker > 9.125: split into ceil(1200/500) = 3.
    let splits: Vec<_> = r.splits().collect();
    assert_eq!(splits.len(), 1);
    let sp = splits[0];
    assert_eq!(sp.grids, codes("F"));
    assert_eq!((sp.households, sp.cases, sp.parts), (Some(1200), 60, 3));
    close(sp.households_per_part, 400.0);
    close(sp.load_per_worker, 40.0);
    close(Some(sp.workers), 1.5);
    close(sp.median_load_per_worker, 6.0);
    close(sp.q3_load_per_worker, 6.5);
    close(sp.upper_fence, 9.125);
    for needle in [
        "1200 households, above 500",
        "40.00 cases per worker",
        "3 parts",
    ] {
        assert!(
            sp.reason.contains(needle),
            "{needle:?} not in {}",
            sp.reason
        );
    }
    assert_eq!(
        (r.summary.merge_suggestions, r.summary.split_suggestions),
        (1, 1)
    );
}

#[test]
fn what_must_not_merge() {
    let m = fixture();
    // With a 600-household ceiling, I-J (550) fits and merges too; A-B still comes first, and
    // C-E still does not (different communities), nor E-I (not adjacent).
    let r = report(
        &m,
        &DivisionConfig {
            households_max: 600,
            ..DivisionConfig::default()
        },
    );
    assert_eq!(merges(&r), vec![codes("AB"), codes("IJ")]);
    // Raising the floor to 455 makes D (450) under-loaded too, but C-D (700) is too big,
    // and B-C (450) loses to A-B: still only those two.
    let r = report(
        &m,
        &DivisionConfig {
            households_min: 455,
            households_max: 600,
            ..DivisionConfig::default()
        },
    );
    assert_eq!(merges(&r), vec![codes("AB"), codes("IJ")]);
    // A wider fence changes no household flag: A-B still merge.
    let r = report(
        &m,
        &DivisionConfig {
            outlier_k: 3.0, // lower fence 4.75 - 5.25 < 0: A is no longer load_low
            ..DivisionConfig::default()
        },
    );
    assert_eq!(flagged(&r, |g| g.load_low), "");
    assert_eq!(merges(&r), vec![codes("AB")]);
}

#[test]
fn a_single_pair_per_grid_and_a_load_high_grid_never_merges() {
    // Give A a huge load: it becomes load_high, so it is no longer a merge candidate, and
    // the C1 merge is B-C.
    let m = fixture();
    let load = load_of(&m, |c| {
        if c == code('A') {
            1000
        } else {
            GRIDS.iter().find(|g| g.code == c).unwrap().cases
        }
    });
    let r = division_report(&m, &load, &DivisionConfig::default()).unwrap();
    assert_eq!(flagged(&r, |g| g.load_high), "AF");
    assert_eq!(merges(&r), vec![codes("BC")]);
    // A is split (load only: 150 households -> the minimum of 2 parts).
    let split_a = r.splits().find(|s| s.grids == codes("A")).unwrap();
    assert_eq!(split_a.parts, 2);
    close(split_a.households_per_part, 75.0);
    let all: BTreeSet<&String> = r.suggestions.iter().flat_map(Suggestion::grids).collect();
    assert_eq!(
        all.len(),
        r.suggestions.iter().map(|s| s.grids().len()).sum::<usize>()
    );
}

/// A square `GeoJSON` feature of side 0.001° with its south-west corner at (lon, lat).
fn square(code: &str, lon: f64, lat: f64) -> String {
    let (e, n) = (lon + 0.001, lat + 0.001);
    format!(
        r#"{{"type": "Feature", "properties": {{"code": "{code}"}}, "geometry": {{"type": "Polygon",
        "coordinates": [[[{lon}, {lat}], [{e}, {lat}], [{e}, {n}], [{lon}, {n}], [{lon}, {lat}]]]}}}}"#
    )
}

#[test]
fn boundaries_decide_adjacency_when_present() {
    // Boundaries for E and I only, side by side: now E-I (390 households, C2) is the one
    // adjacent pair; A-B are no longer adjacent.
    let geojson = format!(
        r#"{{"type": "FeatureCollection", "features": [{}, {}]}}"#,
        square(code('E'), 117.0, 36.7),
        square(code('I'), 117.001, 36.7)
    );
    let map = GridMap::from_geojson_str_with(&geojson, &GridMapOptions::default()).unwrap();
    let m = fixture().with_grid_map(map).unwrap();
    let r = report(&m, &DivisionConfig::default());
    assert_eq!(r.adjacency_source, AdjacencySource::Boundaries);
    assert_eq!(r.adjacency.len(), 1);
    assert_eq!(
        (r.adjacency[0].a.as_str(), r.adjacency[0].b.as_str()),
        (code('E'), code('I'))
    );
    let shared = r.adjacency[0].shared_m.unwrap();
    // The shared edge runs north-south over 0.001° of latitude: about 111 m at 36.7°N.
    assert!((shared - 111.0).abs() < 0.5, "{shared}");
    assert_eq!(r.summary.grids_without_boundary, 8);
    assert_eq!(merges(&r), vec![codes("EI")]);
    assert_eq!(r.merges().next().unwrap().shared_m, Some(shared));
    // Declared neighbours can still be asked for.
    let d = report(
        &m,
        &DivisionConfig {
            adjacency: AdjacencyChoice::Declared,
            ..DivisionConfig::default()
        },
    );
    assert_eq!(d.adjacency_source, AdjacencySource::Declared);
    assert_eq!(merges(&d), vec![codes("AB")]);
    // A minimum shared length above the edge's: no adjacency at all.
    let far = report(
        &m,
        &DivisionConfig {
            min_shared_m: 200.0,
            ..DivisionConfig::default()
        },
    );
    assert!(far.adjacency.is_empty() && far.merges().next().is_none());
}

fn edge_set(
    g: &petgraph::graph::UnGraph<gridgov::territory::AreaId, Option<f64>>,
) -> BTreeSet<(u32, u32)> {
    g.raw_edges()
        .iter()
        .map(|e| {
            let (a, b) = (g[e.source()].0, g[e.target()].0);
            (a.min(b), a.max(b))
        })
        .collect()
}

#[test]
fn sample_city_declared_neighbours_equal_boundary_adjacency() {
    let m = Model::sample();
    let by_boundary = adjacency_graph(&m, AdjacencySource::Boundaries, 1.0).unwrap();
    let declared = adjacency_graph(&m, AdjacencySource::Declared, 1.0).unwrap();
    assert_eq!(by_boundary.node_count(), 408);
    assert_eq!(declared.node_count(), 408);
    assert!(
        by_boundary.edge_count() > 408,
        "{}",
        by_boundary.edge_count()
    );
    assert_eq!(edge_set(&by_boundary), edge_set(&declared));
    assert!(
        by_boundary
            .raw_edges()
            .iter()
            .all(|e| e.weight.is_some_and(|m| m > 1.0))
    );
    assert!(declared.raw_edges().iter().all(|e| e.weight.is_none()));

    // The report on the sample uses boundaries, and its graph is the same.
    let load = load_of(&m, |_| 5);
    let r = division_report(&m, &load, &DivisionConfig::default()).unwrap();
    assert_eq!(r.adjacency_source, AdjacencySource::Boundaries);
    assert_eq!(r.summary.grids_without_boundary, 0);
    let g = r.graph();
    let grids = m.territory().grids();
    let from_report: BTreeSet<(u32, u32)> = g
        .raw_edges()
        .iter()
        .map(|e| {
            let (a, b) = (grids[g[e.source()]].0, grids[g[e.target()]].0);
            (a.min(b), a.max(b))
        })
        .collect();
    assert_eq!(from_report, edge_set(&declared));
    // Every merge is within one community and between adjacent grids.
    let adjacent: BTreeSet<(&str, &str)> = r
        .adjacency
        .iter()
        .map(|p| (p.a.as_str(), p.b.as_str()))
        .collect();
    for mg in r.merges() {
        let (a, b) = (mg.grids[0].as_str(), mg.grids[1].as_str());
        assert!(adjacent.contains(&(a, b)), "{a} {b}");
        assert_eq!(r.grid(a).unwrap().community, r.grid(b).unwrap().community);
        assert!(mg.combined_households <= 500);
    }
    // A bad threshold is refused.
    let e = adjacency_graph(&m, AdjacencySource::Boundaries, f64::NAN).unwrap_err();
    assert!(e.to_string().contains("min_shared_m"), "{e}");
}

#[test]
fn json_shape() {
    let m = fixture();
    let r = report(&m, &DivisionConfig::default());
    let v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(v["adjacency_source"], "declared");
    assert_eq!(v["config"]["households_min"], 300);
    assert_eq!(v["config"]["adjacency"], "auto");
    assert_eq!(v["summary"]["upper_fence"], 9.125);
    assert_eq!(v["grids"].as_array().unwrap().len(), 10);
    assert_eq!(v["grids"][7]["households"], serde_json::Value::Null);
    assert_eq!(v["grids"][7]["load_per_worker"], serde_json::Value::Null);
    assert_eq!(v["grids"][7]["no_workers"], true);
    assert_eq!(v["adjacency"][0]["a"], code('A'));
    assert_eq!(v["adjacency"][0]["shared_m"], serde_json::Value::Null);
    assert_eq!(v["suggestions"][0]["kind"], "merge");
    assert_eq!(v["suggestions"][0]["combined_households"], 350);
    assert_eq!(v["suggestions"][1]["kind"], "split");
    assert_eq!(v["suggestions"][1]["parts"], 3);
    assert_eq!(v["suggestions"][1]["grids"][0], code('F'));
    // The config round-trips through its JSON.
    let back = DivisionConfig::from_json(&v["config"].to_string()).unwrap();
    assert_eq!(back, DivisionConfig::default());
}

#[test]
fn no_workers_anywhere_means_no_fences() {
    let text = fixture_toml();
    let cut = text.find("[[workers]]").unwrap();
    let m = Model::from_str_auto(&text[..cut]).unwrap();
    let r = report(&m, &DivisionConfig::default());
    assert_eq!(r.summary.load_median, None);
    assert_eq!(r.summary.upper_fence, None);
    assert_eq!(r.summary.no_workers, 10);
    assert!(r.grids.iter().all(|g| !g.load_low && !g.load_high));
    // Household flags still drive the suggestions.
    assert_eq!(merges(&r), vec![codes("AB")]);
    let sp = r.splits().next().unwrap();
    assert_eq!(sp.median_load_per_worker, None);
    assert!(sp.reason.contains("1200 households"), "{}", sp.reason);
}

#[track_caller]
fn invalid(e: &Error, what: &str, value: &str) {
    match e {
        Error::InvalidValue {
            what: w, value: v, ..
        } => {
            assert_eq!((w.as_str(), v.as_str()), (what, value), "{e}");
        }
        other => panic!("expected InvalidValue, got {other:?}"),
    }
}

#[test]
fn bad_configurations_are_typed_errors_naming_the_field() {
    let m = fixture();
    let load = fixture_load(&m);
    let run = |c: DivisionConfig| division_report(&m, &load, &c).unwrap_err();
    let d = DivisionConfig::default;
    invalid(
        &run(DivisionConfig {
            households_min: 600,
            ..d()
        }),
        "households_min",
        "600",
    );
    invalid(
        &run(DivisionConfig {
            households_min: 0,
            households_max: 0,
            ..d()
        }),
        "households_max",
        "0",
    );
    invalid(
        &run(DivisionConfig {
            outlier_k: -1.0,
            ..d()
        }),
        "outlier_k",
        "-1",
    );
    invalid(
        &run(DivisionConfig {
            outlier_k: f64::NAN,
            ..d()
        }),
        "outlier_k",
        "NaN",
    );
    invalid(
        &run(DivisionConfig {
            outlier_k: f64::INFINITY,
            ..d()
        }),
        "outlier_k",
        "inf",
    );
    invalid(
        &run(DivisionConfig {
            min_shared_m: -0.5,
            ..d()
        }),
        "min_shared_m",
        "-0.5",
    );
    // min = max is allowed.
    let same = DivisionConfig {
        households_min: 400,
        households_max: 400,
        ..d()
    };
    assert!(division_report(&m, &load, &same).is_ok());

    // From JSON.
    assert_eq!(DivisionConfig::from_json("").unwrap(), d());
    assert_eq!(DivisionConfig::from_json(" {} ").unwrap(), d());
    let e = DivisionConfig::from_json(r#"{"households_min": 300, "outlier": 2}"#).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidValue);
    assert!(e.to_string().contains("unknown field `outlier`"), "{e}");
    let e = DivisionConfig::from_json(r#"{"households_max": -5}"#).unwrap_err();
    invalid(&e, "households_max", "-5");
    let e = DivisionConfig::from_json(r#"{"outlier_k": "big"}"#).unwrap_err();
    invalid(&e, "outlier_k", "\"big\"");
    let e = DivisionConfig::from_json(r#"{"adjacency": "roads"}"#).unwrap_err();
    invalid(&e, "adjacency", "\"roads\"");
    let e = DivisionConfig::from_json(r#"{"households_min": 900}"#).unwrap_err();
    invalid(&e, "households_min", "900");
    let e = DivisionConfig::from_json("[1, 2]").unwrap_err();
    invalid(&e, "config", "[1,2]");
    let e = DivisionConfig::from_json("{\"households_min\": ").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Parse);
}

#[test]
fn bad_loads_are_typed_errors() {
    let m = fixture();
    let n = m.territory().grids().len();
    assert_eq!(n, 10);
    let c = DivisionConfig::default();
    let e = division_report(&m, &vec![0; n - 1], &c).unwrap_err();
    invalid(&e, "load length", "9");
    assert!(e.to_string().contains("expected 10 entries"), "{e}");
    let e = division_report(&m, &[], &c).unwrap_err();
    invalid(&e, "load length", "0");
    // One entry per area (the former contract) is refused too.
    let e = division_report(&m, &vec![0; m.territory().len()], &c).unwrap_err();
    invalid(&e, "load length", "15");
    assert!(e.to_string().contains("expected 10 entries"), "{e}");
    // Two grids at u64::MAX overflow the total; the message names the second one's index.
    let mut load = vec![0; n];
    load[0] = u64::MAX;
    load[1] = 1;
    let e = division_report(&m, &load, &c).unwrap_err();
    invalid(&e, "load[1]", "1");
}

#[test]
fn the_load_is_read_in_the_order_of_the_grids() {
    let m = fixture();
    let load = fixture_load(&m);
    let r = report(&m, &DivisionConfig::default());
    let t = m.territory();
    for ((g, figures), cases) in t.grids().iter().zip(&r.grids).zip(&load) {
        assert_eq!(figures.code, t.area(*g).code.as_str());
        assert_eq!(figures.cases, *cases);
    }
}
