//! The GB/T 2260 check of division codes (issue 15): `tests/fixtures/cities/divisions.toml`
//! is 成都 with one real district (510104) and one coded 510199, which no list has.

mod common;

use gridgov::divisions::DivisionCodes;
use gridgov::{Error, Model};

fn text() -> String {
    common::fixture("cities/divisions.toml")
}

#[test]
fn an_unknown_county_code_is_a_warning_naming_it_and_its_first_area() {
    let m = Model::from_str_auto(&text()).expect("warn: the model loads");
    let report = m.check();
    let found = &report.unknown_divisions;
    assert_eq!(found.len(), 1, "{found:?}");
    let u = &found[0];
    assert_eq!((u.code.as_str(), u.level), ("510199", "county"));
    assert_eq!((u.area.as_str(), u.index, u.areas), ("510199", 2, 4));
    assert!(
        u.message.starts_with(
            "unknown county-level code 510199 (not in the division list of 2022-10-31"
        ),
        "{}",
        u.message
    );
    assert!(
        report
            .to_json()
            .contains("\"unknown_divisions\":[{\"code\":\"510199\"")
    );
    // The duty matrix itself is sound: the finding is reported apart.
    assert!(report.is_clean());
}

#[test]
fn check_error_refuses_the_model_naming_the_area() {
    let strict = text().replace("check = \"warn\"", "check = \"error\"");
    let err = Model::from_str_auto(&strict).unwrap_err();
    assert!(matches!(err, Error::Model(_)), "{err:?}");
    let listed: Vec<(String, String)> = err
        .issues()
        .iter()
        .map(|i| (i.path.clone(), i.message.clone()))
        .collect();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].0, "areas[2].code");
    assert!(listed[0].1.contains("unknown county-level code 510199"));
}

#[test]
fn extra_codes_and_off_silence_it() {
    let extra = text().replace(
        "check = \"warn\"",
        "check = \"error\"\nextra = [\"510199\"]",
    );
    let m = Model::from_str_auto(&extra).expect("declared codes are known");
    assert!(m.check().unknown_divisions.is_empty());
    let off = text().replace("check = \"warn\"", "check = \"off\"");
    let m = Model::from_str_auto(&off).expect("loads");
    assert!(m.check().unknown_divisions.is_empty());
    // Off only stops the check report; asking explicitly still answers.
    assert_eq!(m.unknown_divisions(DivisionCodes::builtin()).len(), 1);
}

#[test]
fn bad_extra_codes_are_model_issues() {
    let bad = text().replace("check = \"warn\"", "extra = [\"51019\", \"5101x9\"]");
    let err = Model::from_str_auto(&bad).unwrap_err().to_string();
    assert!(
        err.contains("division_codes.extra[0]: \"51019\" is not a six-digit division code"),
        "{err}"
    );
    assert!(err.contains("division_codes.extra[1]"), "{err}");
    let bad = text().replace("check = \"warn\"", "check = \"loud\"");
    let err = Model::from_str_auto(&bad).unwrap_err().to_string();
    assert!(
        err.contains("division_codes") && err.contains("loud"),
        "{err}"
    );
}

#[test]
fn a_city_list_of_its_own_replaces_the_builtin_one() {
    let m = Model::from_str_auto(&text()).expect("loads");
    // A newer list that has 510199 (say, a district created after the built-in list's date).
    let newer =
        DivisionCodes::parse("# as_of: 2027-01-01\n510100,成都市\n510104,锦江区\n510199,新区\n")
            .expect("reads");
    assert!(m.unknown_divisions(&newer).is_empty());
    let older = DivisionCodes::parse("# as_of: 2020-01-01\n510100\n").expect("reads");
    let found = m.unknown_divisions(&older);
    let codes: Vec<&str> = found.iter().map(|u| u.code.as_str()).collect();
    assert_eq!(codes, ["510104", "510199"]);
    assert!(found[0].message.contains("division list of 2020-01-01"));
}

#[test]
fn the_sample_city_declares_its_invented_codes() {
    assert!(Model::sample().check().unknown_divisions.is_empty());
}
