//! Staffing gaps in the model check (issue 14): a unit that receives cases with no handler, a
//! unit grid no supervisor patrols — `tests/fixtures/cities/unstaffed.toml` has one of each.

mod common;

use gridgov::Model;

#[test]
fn the_unstaffed_city_has_a_unit_without_handler_and_a_grid_without_supervisor() {
    let m = Model::from_str_auto(&common::fixture("cities/unstaffed.toml")).expect("loads");
    let report = m.check();
    let staffing = &report.staffing;
    let units: Vec<&str> = staffing
        .units_without_handler
        .iter()
        .map(|u| u.unit.as_str())
        .collect();
    assert_eq!(units, ["B"]);
    assert!(!staffing.units_without_handler[0].rules.is_empty());
    let grids: Vec<&str> = staffing
        .grids_without_supervisor
        .iter()
        .map(|g| g.code.as_str())
        .collect();
    assert_eq!(grids, ["37990100100102"]);
    assert!(!staffing.is_empty());
    // The matrix itself is sound: staffing is reported apart from gaps and conflicts.
    assert!(report.is_clean());
    let json = report.to_json();
    assert!(
        json.contains("\"units_without_handler\":[{\"unit\":\"B\""),
        "{json}"
    );
    assert!(
        json.contains("\"grids_without_supervisor\":[{\"code\":\"37990100100102\""),
        "{json}"
    );
}

#[test]
fn the_sample_city_is_staffed() {
    let report = Model::sample().check();
    assert!(report.staffing.is_empty(), "{:?}", report.staffing);
}
