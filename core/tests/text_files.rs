//! Text files as city systems save them: a UTF-8 byte-order mark (Notepad, Excel) is taken off
//! by every reader; a GBK/GB18030 file is refused naming the file, the bad byte and the
//! encoding it looks like.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod common;

use common::{fixture, fixture_path};
use gridgov::spatial::GridMap;
use gridgov::{Error, Model};

#[test]
fn geojson_with_a_byte_order_mark_reads_as_without() {
    let plain = GridMap::load(fixture_path("boundaries/two_grids.geojson"), "code").unwrap();
    let from_file = GridMap::load(fixture_path("boundaries/two_grids_bom.geojson"), "code")
        .expect("a BOM is taken off");
    let text = fixture("boundaries/two_grids_bom.geojson");
    assert!(text.starts_with('\u{feff}'), "the fixture has its BOM");
    let from_text = GridMap::from_geojson_str(&text, "code").expect("a BOM is taken off");
    for map in [&from_file, &from_text] {
        assert_eq!(map.len(), plain.len());
        assert_eq!(
            map.locate(116.001, 39.9001).unwrap(),
            plain.locate(116.001, 39.9001).unwrap()
        );
    }
}

#[test]
fn a_gbk_geojson_file_is_refused_naming_the_file_and_the_encoding() {
    let path = fixture_path("boundaries/two_grids_gbk.geojson");
    let err = GridMap::load(&path, "code").unwrap_err();
    let Error::InvalidValue {
        what,
        value,
        reason,
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(what, "GeoJSON file");
    assert!(value.ends_with("two_grids_gbk.geojson"), "{value}");
    assert!(
        reason.contains("is not UTF-8 text (bad byte 0x"),
        "{reason}"
    );
    assert!(reason.contains("GBK/GB18030"), "{reason}");
}

#[test]
fn bytes_that_are_neither_utf8_nor_gbk_get_no_gbk_hint() {
    let dir = std::env::temp_dir().join(format!("gridgov-text-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("latin1.geojson");
    // 0xFF is never a GBK lead byte
    std::fs::write(
        &path,
        b"{\"type\": \"FeatureCollection\", \"features\": []} \xff",
    )
    .unwrap();
    let err = GridMap::load(&path, "code").unwrap_err().to_string();
    assert!(err.contains("bad byte 0xff at offset 46"), "{err}");
    assert!(!err.contains("GBK"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn model_files_with_a_byte_order_mark_read_in_both_formats() {
    let sample = Model::sample();
    let json = sample.to_json();
    let from_json = Model::from_str_auto(&format!("\u{feff}{json}")).expect("JSON after a BOM");
    assert_eq!(from_json.to_json(), json);
    let toml = fixture("cities/tiny.toml");
    let plain = Model::from_str_auto(&toml).unwrap();
    let with_bom = Model::from_str_auto(&format!("\u{feff}{toml}")).expect("TOML after a BOM");
    assert_eq!(with_bom.to_json(), plain.to_json());

    let dir = std::env::temp_dir().join(format!("gridgov-model-bom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // no extension: the format is detected past the BOM
    let path = dir.join("city");
    std::fs::write(&path, format!("\u{feff}{json}")).unwrap();
    assert_eq!(Model::load(&path).unwrap().to_json(), json);
    std::fs::write(&path, b"name = \"\xb6\xab\xb9\xd8\"\n").unwrap(); // 东关 in GBK
    let err = Model::load(&path).unwrap_err().to_string();
    assert!(
        err.contains("model file") && err.contains("GBK/GB18030"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
