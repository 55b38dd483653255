//! `crs` on the grid-map builders: boundaries digitised on GCJ-02 or BD-09 tiles, from text
//! and from a file, give the map of the same boundaries in WGS-84.

mod common;

use gridgov::spatial::{Crs, GridFeature, GridMap, GridMapOptions, convert};
use gridgov::{ErrorKind, Model};
use serde_json::{Value, json};

fn shifted(v: &mut Value, to: Crs) {
    match v {
        Value::Array(items) if items.first().is_some_and(Value::is_number) => {
            let (x, y) = (
                items[0].as_f64().expect("lon"),
                items[1].as_f64().expect("lat"),
            );
            let (gx, gy) = convert(x, y, Crs::Wgs84, to).expect("in range");
            *v = json!([gx, gy]);
        }
        Value::Array(items) => items.iter_mut().for_each(|i| shifted(i, to)),
        _ => {}
    }
}

#[test]
fn bd09_and_gcj02_files_load_to_the_wgs84_map() {
    let model = Model::sample();
    let map = model.grid_map().expect("sample boundaries");
    let dir = std::env::temp_dir();
    let (lon, lat) = common::random_points(20_000, map.bbox().expect("not empty"), 0.0, 15);
    let mut want = vec![0i64; lon.len()];
    map.locate_many(&lon, &lat, Crs::Wgs84, 0, &mut want)
        .expect("valid");
    for crs in [Crs::Gcj02, Crs::Bd09] {
        let mut v: Value = serde_json::from_str(&map.to_geojson()).expect("json");
        for f in v["features"].as_array_mut().expect("features") {
            shifted(&mut f["geometry"]["coordinates"], crs);
        }
        let path = dir.join(format!("gridgov_test_{}_{crs}.geojson", std::process::id()));
        std::fs::write(&path, v.to_string()).expect("temp file");
        let options = GridMapOptions {
            crs,
            ..GridMapOptions::new("code")
        };
        let back = GridMap::load_with(&path, &options).expect("valid");
        std::fs::remove_file(&path).expect("temp file");
        assert_eq!(back.codes(), map.codes());
        let mut got = vec![0i64; lon.len()];
        back.locate_many(&lon, &lat, Crs::Wgs84, 0, &mut got)
            .expect("valid");
        assert_eq!(got, want, "{crs}");
        // Read as WGS-84 by mistake, the same file is shifted by hundreds of metres.
        let text = v.to_string();
        let wrong = GridMap::from_geojson_str(&text, "code").expect("valid");
        let mut moved = vec![0i64; lon.len()];
        wrong
            .locate_many(&lon, &lat, Crs::Wgs84, 0, &mut moved)
            .expect("valid");
        assert!(moved.iter().zip(&want).filter(|(a, b)| a != b).count() > 1_000);
    }
}

#[test]
fn from_features_converts_too_and_missing_files_name_the_path() {
    let square = |x0: f64, y0: f64| {
        vec![
            [x0, y0],
            [x0 + 0.01, y0],
            [x0 + 0.01, y0 + 0.01],
            [x0, y0 + 0.01],
            [x0, y0],
        ]
    };
    let options = GridMapOptions {
        crs: Crs::Bd09,
        ..GridMapOptions::default()
    };
    let map = GridMap::from_features(
        vec![GridFeature {
            code: "A".into(),
            polygons: vec![vec![square(117.0, 36.7)]],
        }],
        &options,
    )
    .expect("valid");
    assert_eq!(
        map.locate_in(117.005, 36.705, Crs::Bd09).expect("valid"),
        Some(0)
    );
    assert_eq!(map.locate(117.005, 36.705), None); // ~1 km from the WGS-84 square
    let err = GridMap::load_with("/nonexistent/grids.geojson", &options).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    assert!(
        err.to_string().contains("/nonexistent/grids.geojson"),
        "{err}"
    );
}
