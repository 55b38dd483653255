//! The static check on a generated city agrees with routing every cell.

mod common;

use gridgov::{ErrorKind, Model};

#[test]
fn generated_city_check_matches_routing() {
    let mut file = common::large_city(2, 5, 4, 7);
    // Knock out one department's rule and add a conflicting one, so both kinds occur.
    file.duty.retain(|r| r.category != "C03");
    file.duty_fallback = None;
    file.duty.push(gridgov::duty::DutyRuleConfig {
        category: "E0201".into(),
        area: Some("110101".into()),
        unit: "DEPT-C01".into(),
    });
    file.duty.push(gridgov::duty::DutyRuleConfig {
        category: "E0201".into(),
        area: Some("110101".into()),
        unit: "DEPT-C02".into(),
    });
    let m = Model::from_file(file).expect("valid");
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
    assert_eq!(report.cells, 48 * 1000);
    assert_eq!((report.gap_cells, report.conflict_cells), (gaps, conflicts));
    assert!(gaps > 0 && conflicts > 0);
}

#[test]
fn generated_city_is_clean() {
    let m = Model::from_file(common::large_city(1, 3, 3, 1)).expect("valid");
    assert!(m.check().is_clean());
}
