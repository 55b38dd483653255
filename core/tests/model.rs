//! Model loading, the sample city, routing precedence and the static duty check.

use gridgov::{Error, ErrorKind, Model};

/// A small city: one district, two streets, two communities, four grids; the default catalog.
fn city(duty: &str, extra: &str) -> String {
    format!(
        r#"
name = "test city"
duty_fallback = "none"
{extra}
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
name = "street 1"
level = "street"
parent = "110101"
[[areas]]
code = "110101002"
name = "street 2"
level = "street"
parent = "110101"
[[areas]]
code = "110101001001"
name = "community 1"
level = "community"
parent = "110101001"
[[areas]]
code = "110101002001"
name = "community 2"
level = "community"
parent = "110101002"
[[areas]]
code = "11010100100101"
name = "g1"
level = "grid"
parent = "110101001001"
[[areas]]
code = "11010100100102"
name = "g2"
level = "grid"
parent = "110101001001"
[[areas]]
code = "11010100200101"
name = "g3"
level = "grid"
parent = "110101002001"
[[areas]]
code = "11010100200102"
name = "g4"
level = "grid"
parent = "110101002001"

[[units]]
id = "CMD"
name = "command centre"
kind = "command_centre"
jurisdiction = ["110100"]
[[units]]
id = "A"
name = "dept A"
parent = "CMD"
[[units]]
id = "B"
name = "dept B"
parent = "CMD"
[[units]]
id = "S1"
name = "street office 1"
kind = "street_office"
parent = "CMD"
jurisdiction = ["110101001"]
[[units]]
id = "S2"
name = "street office 2"
kind = "street_office"
parent = "CMD"
jurisdiction = ["110101002"]

[[workers]]
id = "sv1"
name = "supervisor"
role = "supervisor"
unit = "CMD"
grids = ["11010100100101"]
{duty}
"#
    )
}

fn rule(category: &str, area: Option<&str>, unit: &str) -> String {
    match area {
        Some(a) => {
            format!("[[duty]]\ncategory = \"{category}\"\narea = \"{a}\"\nunit = \"{unit}\"\n")
        }
        None => format!("[[duty]]\ncategory = \"{category}\"\nunit = \"{unit}\"\n"),
    }
}

fn load(duty: &str) -> Model {
    Model::from_str_auto(&city(duty, "")).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn sample_city_sizes() {
    let m = Model::sample();
    let s = m.summary();
    let per_level: Vec<usize> = s.areas_per_level.iter().map(|(_, n)| *n).collect();
    assert_eq!(per_level, vec![1, 2, 6, 24, 408]);
    assert!(s.households > 0 && s.population > s.households);
    assert!(
        s.workers_per_role.iter().all(|(_, n)| *n > 0),
        "{:?}",
        s.workers_per_role
    );
    assert!(m.catalog().categories().len() >= 40);
    let report = m.check();
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(report.gap_cells + report.conflict_cells, 0);
    // Every supervisor patrols grids of the model; every grid has a supervisor.
    let t = m.territory();
    let mut covered = vec![false; t.len()];
    for w in m.org().workers_with(Some(gridgov::org::Role::Supervisor)) {
        assert!(!w.grids.is_empty());
        for g in &w.grids {
            covered[g.index()] = true;
        }
    }
    assert!(t.grids().iter().all(|g| covered[g.index()]));
}

#[test]
fn json_round_trip_and_load_from_file() {
    let m = Model::sample();
    let again = Model::from_str_auto(&m.to_json()).expect("JSON of a model loads");
    assert_eq!(again.file(), m.file());
    let dir = std::env::temp_dir().join(format!("gridgov-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let path = dir.join("city.json");
    std::fs::write(&path, m.to_json()).expect("write");
    assert_eq!(Model::load(&path).expect("load").summary(), m.summary());
    let missing = Model::load(dir.join("nope.toml")).expect_err("missing file");
    assert_eq!(missing.kind(), ErrorKind::Io);
    assert!(missing.to_string().contains("nope.toml"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn precedence_longest_prefix_then_deepest_area() {
    let m = load(
        &[
            rule("*", None, "CMD"),
            rule("C", Some("110100"), "A"),
            rule("C01", Some("110101"), "B"),
            rule("C0101", None, "A"),
            rule("E01", Some("110101002"), "S2"),
            rule("E01", Some("11010100200102"), "B"),
        ]
        .concat(),
    );
    let r = |c: &str, g: &str| m.route(c, g).map(|u| u.id.clone());
    // longest prefix wins even against a deeper area
    assert_eq!(r("C0101", "11010100100101").unwrap(), "A");
    assert_eq!(r("C0102", "11010100100101").unwrap(), "B");
    assert_eq!(r("C0201", "11010100100101").unwrap(), "A");
    // same prefix: deepest area wins
    assert_eq!(r("E0102", "11010100200101").unwrap(), "S2");
    assert_eq!(r("E0102", "11010100200102").unwrap(), "B");
    assert_eq!(r("E0102", "11010100100101").unwrap(), "CMD");
    let d = m.route_detail("E0102", "11010100200102").unwrap();
    assert_eq!(d.rule, Some(5));
    assert!(m.check().is_clean());
}

#[test]
fn gaps_are_reported_as_maximal_subtrees() {
    let m = load(&[rule("C", None, "A"), rule("E01", Some("110101001"), "B")].concat());
    let err = m.route("E0102", "11010100200101").expect_err("gap");
    assert_eq!(err.kind(), ErrorKind::NoResponsibleUnit);
    assert!(err.to_string().contains("11010100200101"));
    let report = m.check();
    let leaves_e = m
        .catalog()
        .categories()
        .iter()
        .filter(|c| c.key.as_str().starts_with('E'))
        .count();
    let leaves_e01 = m
        .catalog()
        .categories()
        .iter()
        .filter(|c| c.key.as_str().starts_with("E01"))
        .count();
    // E01 leaves lack street 2 only; other event leaves lack the whole city.
    assert_eq!(report.gaps.len(), leaves_e);
    let e0102 = report
        .gaps
        .iter()
        .find(|g| g.category == "E0102")
        .expect("E0102 gap");
    assert_eq!(e0102.areas, vec!["110101002".to_owned()]);
    assert_eq!(e0102.grids, 2);
    let e0201 = report
        .gaps
        .iter()
        .find(|g| g.category == "E0201")
        .expect("E0201 gap");
    assert_eq!(e0201.areas, vec!["110100".to_owned()]);
    assert_eq!(e0201.grids, 4);
    assert_eq!(
        report.gap_cells,
        (leaves_e01 as u64) * 2 + (leaves_e - leaves_e01) as u64 * 4
    );
    assert!(report.conflicts.is_empty());
}

#[test]
fn territorial_fallback_fills_gaps() {
    let text = city(&rule("C", None, "A"), "").replace(
        "duty_fallback = \"none\"",
        "duty_fallback = \"street_office\"",
    );
    let m = Model::from_str_auto(&text).expect("valid");
    assert_eq!(m.route("E0102", "11010100200101").unwrap().id, "S2");
    assert_eq!(m.route("E0102", "11010100100102").unwrap().id, "S1");
    let d = m.route_detail("E0102", "11010100100102").unwrap();
    assert_eq!(d.rule, None);
    let report = m.check();
    assert!(report.is_clean());
    let events = m
        .catalog()
        .categories()
        .iter()
        .filter(|c| c.key.as_str().starts_with('E'))
        .count();
    assert_eq!(report.fallback_cells, events as u64 * 4);
}

#[test]
fn conflicts_name_rules_units_and_cells() {
    let m = load(
        &[
            rule("*", None, "CMD"),
            rule("C01", Some("110101001"), "A"),
            rule("C01", Some("110101001"), "B"),
            // a deeper rule resolves the conflict for grid g2
            rule("C01", Some("11010100100102"), "A"),
            // duplicates naming the same unit are not a conflict
            rule("E02", Some("110101"), "A"),
            rule("E02", Some("110101"), "A"),
        ]
        .concat(),
    );
    let err = m.route("C0101", "11010100100101").expect_err("conflict");
    match &err {
        Error::DutyConflict { rules, units, .. } => {
            assert_eq!(rules, &vec![1, 2]);
            assert_eq!(units, &vec!["A".to_owned(), "B".to_owned()]);
        }
        other => panic!("expected a conflict, got {other}"),
    }
    assert_eq!(m.route("C0101", "11010100100102").unwrap().id, "A");
    let report = m.check();
    let c01 = m
        .catalog()
        .categories()
        .iter()
        .filter(|c| c.key.as_str().starts_with("C01"))
        .count();
    assert_eq!(report.conflicts.len(), c01);
    let c = &report.conflicts[0];
    assert_eq!(c.rules, vec![1, 2]);
    assert_eq!(c.units, vec!["A".to_owned(), "B".to_owned()]);
    assert_eq!(c.areas, vec!["11010100100101".to_owned()]);
    assert_eq!(c.grids, 1);
    assert_eq!(report.conflict_cells, c01 as u64);
    assert!(report.gaps.is_empty());
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).expect("json");
    assert_eq!(json["conflicts"][0]["units"][1], "B");
}

/// The check agrees with routing every single cell, on a model with many overlapping rules.
#[test]
fn check_agrees_with_route_on_every_cell() {
    let m = load(
        &[
            rule("C", Some("110101001"), "A"),
            rule("C01", Some("110101"), "B"),
            rule("C0103", Some("11010100100101"), "CMD"),
            rule("C0103", Some("11010100100101"), "A"),
            rule("E", None, "S1"),
            rule("E0102", Some("110101002001"), "S2"),
            rule("E0102", Some("110101002001"), "B"),
            rule("E05", Some("11010100200102"), "A"),
        ]
        .concat(),
    );
    let report = m.check();
    let t = m.territory();
    let (mut gaps, mut conflicts) = (0u64, 0u64);
    for c in m.catalog().categories() {
        for &g in t.grids() {
            match m.route(c.key.as_str(), t.area(g).code.as_str()) {
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::NoResponsibleUnit => gaps += 1,
                Err(e) if e.kind() == ErrorKind::DutyConflict => conflicts += 1,
                Err(e) => panic!("{e}"),
            }
        }
    }
    assert_eq!(report.gap_cells, gaps);
    assert_eq!(report.conflict_cells, conflicts);
    assert!(gaps > 0 && conflicts > 0);
}

#[test]
fn every_problem_is_reported_with_its_path() {
    let bad = city(
        &[
            rule("C01", Some("999999"), "A"),
            rule("Z1", None, "A"),
            rule("C01", None, "NOPE"),
            rule("C77", None, "A"),
        ]
        .concat(),
        "",
    )
    .replace("code = \"11010100200102\"", "code = \"11010\"")
    .replace(
        "parent = \"CMD\"\n[[units]]\nid = \"B\"",
        "parent = \"B\"\n[[units]]\nid = \"B\"",
    )
    .replace(
        "id = \"B\"\nname = \"dept B\"\nparent = \"CMD\"",
        "id = \"B\"\nname = \"dept B\"\nparent = \"A\"",
    );
    let err = Model::from_str_auto(&bad).expect_err("invalid");
    assert_eq!(err.kind(), ErrorKind::Model);
    let text = err.to_string();
    let needle = r#"areas[9].code: "11010" is not a 14- or 15-digit grid code"#;
    assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    // Territory problems stop the later sections; fix the code and look again.
    let bad2 = bad.replace("code = \"11010\"", "code = \"11010100200102\"");
    let err = Model::from_str_auto(&bad2).expect_err("invalid");
    let paths: Vec<&str> = err.issues().iter().map(|i| i.path.as_str()).collect();
    for p in [
        "units[1].parent",
        "duty[0].area",
        "duty[1].category",
        "duty[2].unit",
        "duty[3].category",
    ] {
        assert!(paths.contains(&p), "missing {p} in {paths:?}\n{err}");
    }
    assert!(
        err.to_string().contains("cycle: A -> B -> A")
            || err.to_string().contains("cycle: B -> A -> B"),
        "{err}"
    );
}

#[test]
fn shape_errors_are_all_reported() {
    let text = r#"
name = 3
colour = "red"
levels = "city"
[[areas]]
code = "110100"
name = "c"
level = "city"
population = "many"
[[areas]]
code = "110101"
name = "d"
level = "district"
parent = "110100"
size = 4
[[units]]
id = "A"
[[workers]]
id = "w"
name = "w"
role = "janitor"
unit = "A"
"#;
    let err = Model::from_str_auto(text).expect_err("invalid");
    let paths: Vec<&str> = err.issues().iter().map(|i| i.path.as_str()).collect();
    for p in [
        "name",
        "colour",
        "levels",
        "areas[0].population",
        "areas[1]",
        "units[0]",
        "workers[0].role",
    ] {
        assert!(
            paths.iter().any(|x| x.starts_with(p)),
            "missing {p} in {paths:?}\n{err}"
        );
    }
    assert!(err.to_string().contains("janitor"), "{err}");
}

#[test]
fn malformed_text_is_a_parse_error() {
    for text in ["name = \"x\"\n[[areas]\n", "{\"name\": ", "name = "] {
        let err = Model::from_str_auto(text).expect_err(text);
        assert_eq!(err.kind(), ErrorKind::Parse, "{text}: {err}");
    }
    let err = Model::from_str_auto("[1, 2]").expect_err("not a table");
    assert!(matches!(err.kind(), ErrorKind::Parse | ErrorKind::Model));
    let err = Model::from_str_as("[1, 2]", gridgov::model::Format::Json).expect_err("not a table");
    assert_eq!(err.kind(), ErrorKind::Model);
}

#[test]
fn duplicates_and_bad_references() {
    let text = city("", "")
        .replace(
            "id = \"B\"\nname = \"dept B\"",
            "id = \"A\"\nname = \"dept B\"",
        )
        .replace("code = \"11010100200102\"", "code = \"11010100200101\"")
        .replace(
            "grids = [\"11010100100101\"]",
            "grids = [\"110101001001\", \"11010100100199\"]",
        );
    let err = Model::from_str_auto(&text).expect_err("invalid");
    let msg = err.to_string();
    assert!(
        msg.contains("areas[9].code: \"11010100200101\" duplicates areas[8].code"),
        "{msg}"
    );
    let text = city("", "")
        .replace(
            "id = \"B\"\nname = \"dept B\"",
            "id = \"A\"\nname = \"dept B\"",
        )
        .replace(
            "grids = [\"11010100100101\"]",
            "grids = [\"110101001001\", \"11010100100199\"]",
        );
    let err = Model::from_str_auto(&text).expect_err("invalid");
    let msg = err.to_string();
    for needle in [
        "units[2].id: \"A\" duplicates units[1].id",
        "workers[0].grids[0]: \"110101001001\" is not a unit grid",
        "workers[0].grids[1]: \"11010100100199\" is not a unit grid",
    ] {
        assert!(msg.contains(needle), "missing {needle:?} in\n{msg}");
    }
}

#[test]
fn bad_calendar_and_catalog_sections_are_reported_with_paths() {
    let text = city(
        "",
        "calendar = { workday = [\"08:00-12:00\", \"11:00-13:00\"] }\ncatalog = { base = \"default\", categories = [{ key = \"C0101\", name = \"x\", limits = { urgent = \"1 hours\", normal = \"2 hours\", later = \"3 hours\" } }] }",
    );
    let err = Model::from_str_auto(&text).expect_err("invalid");
    let paths: Vec<&str> = err.issues().iter().map(|i| i.path.as_str()).collect();
    assert!(
        paths.iter().any(|p| p.starts_with("calendar.workday")),
        "{err}"
    );
    assert!(
        paths.iter().any(|p| p.starts_with("catalog.categories[0]")),
        "{err}"
    );
}

#[test]
fn unknown_lookups_are_typed() {
    let m = Model::sample();
    assert_eq!(
        m.route("C0101", "1").unwrap_err().kind(),
        ErrorKind::Unknown
    );
    assert_eq!(
        m.route("Q0101", "37990100100101").unwrap_err().kind(),
        ErrorKind::InvalidCode
    );
    assert_eq!(
        m.route("C9901", "37990100100101").unwrap_err().kind(),
        ErrorKind::Unknown
    );
    // a community is not a unit grid
    assert_eq!(
        m.route("C0101", "379901001001").unwrap_err().kind(),
        ErrorKind::Unknown
    );
    assert_eq!(
        m.deadline("C0101", "sometime", 1_759_219_200_000)
            .unwrap_err()
            .kind(),
        ErrorKind::Unknown
    );
    assert_eq!(
        m.deadline("E0102", "normal", 0).unwrap_err().kind(),
        ErrorKind::CalendarRange
    );
}

#[test]
fn organisation_walks() {
    let m = Model::sample();
    let org = m.org();
    let water = org.find_unit("WATER").unwrap();
    let gov = org.find_unit("GOV").unwrap();
    assert_eq!(org.escalate(water, 1), org.find_unit("CMD").unwrap());
    assert_eq!(org.escalate(water, 10), gov);
    assert!(
        org.subordinates(gov)
            .contains(&org.find_unit("CMD").unwrap())
    );
    let t = m.territory();
    let grid = t.find_grid("37990200100101").unwrap();
    assert!(org.in_jurisdiction(org.find_unit("SANIT-W").unwrap(), grid, t));
    assert!(!org.in_jurisdiction(
        org.find_unit("SANIT-W").unwrap(),
        t.find_grid("37990100100101").unwrap(),
        t
    ));
    assert_eq!(
        org.find_worker("nobody").unwrap_err().kind(),
        ErrorKind::Unknown
    );
}

#[test]
fn every_cycle_is_reported() {
    let text = city("", "")
        + "[[units]]\nid = \"X\"\nname = \"x\"\nparent = \"Y\"\n[[units]]\nid = \"Y\"\nname = \"y\"\nparent = \"X\"\n"
        + "[[units]]\nid = \"P\"\nname = \"p\"\nparent = \"Q\"\n[[units]]\nid = \"Q\"\nname = \"q\"\nparent = \"R\"\n[[units]]\nid = \"R\"\nname = \"r\"\nparent = \"P\"\n";
    let err = Model::from_str_auto(&text).expect_err("cycles");
    let cycles = err
        .issues()
        .iter()
        .filter(|i| i.message.contains("cycle"))
        .count();
    assert_eq!(cycles, 2, "{err}");
}

/// Bulk deadlines equal one call each, look each (category, urgency) up once, and name the
/// first bad element.
#[test]
fn bulk_deadlines_equal_single_ones() {
    let m = Model::sample();
    let start = m.calendar().parse_local("2026-03-02 09:00").unwrap();
    let cats = ["C0101", "E0102", "C0101", "E0102"];
    let urgs = ["normal", "urgent", "urgent", "normal"];
    let starts = [start, start + 3_600_000, start + 86_400_000, start];
    let mut out = [0; 4];
    m.deadlines(&cats, Some(&urgs), &starts, &mut out).unwrap();
    for i in 0..4 {
        assert_eq!(
            out[i],
            m.deadline(cats[i], urgs[i], starts[i]).unwrap(),
            "{i}"
        );
    }
    m.deadlines(&cats, None, &starts, &mut out).unwrap();
    assert_eq!(out[0], m.deadline("C0101", "normal", start).unwrap());
    let err = m
        .deadlines(&["C0101", "C9999"], None, &starts[..2], &mut out[..2])
        .unwrap_err();
    assert!(err.to_string().contains("categories[1]"), "{err}");
    let err = m
        .deadlines(
            &cats,
            Some(&["normal", "soon", "normal", "normal"]),
            &starts,
            &mut out,
        )
        .unwrap_err();
    assert!(err.to_string().contains("urgencies[1]"), "{err}");
    let err = m
        .deadlines(&cats, None, &starts[..3], &mut out)
        .unwrap_err();
    assert!(err.to_string().contains("same length"), "{err}");
    let far = [m.calendar().parse_local("2026-12-31 17:00").unwrap()];
    let err = m
        .deadlines(&["E0102"], None, &far, &mut out[..1])
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::CalendarRange);
}
