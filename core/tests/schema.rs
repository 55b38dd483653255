//! JSON Schema drift check: the schema generated from the model types must equal the checked-in
//! `schema/model.schema.json`. Run with `GRIDGOV_BLESS=1` (or `make header`) to rewrite it.

use std::path::PathBuf;

#[test]
fn schema_is_up_to_date() {
    let generated = gridgov::ModelFile::json_schema();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema/model.schema.json");
    if std::env::var_os("GRIDGOV_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("write schema/model.schema.json");
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == generated,
        "schema/model.schema.json is out of date: run `make header` and commit it"
    );
}

#[test]
fn schema_describes_the_sections() {
    let schema: serde_json::Value =
        serde_json::from_str(&gridgov::ModelFile::json_schema()).expect("valid JSON");
    let props = &schema["properties"];
    for key in [
        "name", "areas", "units", "workers", "duty", "catalog", "calendar", "levels",
    ] {
        assert!(props.get(key).is_some(), "schema lacks {key}");
    }
}
