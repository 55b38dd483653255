//! Header drift check: regenerating `include/gridgov.h` from the sources must not change it.
//! Run with `GRIDGOV_BLESS=1` (or `make header`) to rewrite the header.

use std::path::PathBuf;

#[test]
fn header_is_up_to_date() {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("ffi/cbindgen.toml is readable");
    let bindings = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let path = crate_dir.join("../include/gridgov.h");
    if std::env::var_os("GRIDGOV_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("write include/gridgov.h");
        return;
    }
    let current = std::fs::read(&path).unwrap_or_default();
    assert!(
        current == generated,
        "include/gridgov.h is out of date: run `make header` and commit it"
    );
}
