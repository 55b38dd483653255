//! Tests across the exports that C cannot observe: the handles made from one model share it.

use std::ffi::c_char;
use std::ptr::null_mut;
use std::sync::Arc;

use gridgov::Model;

use crate::engine::{
    gridgov_engine, gridgov_engine_events_json, gridgov_engine_free, gridgov_engine_new,
    gridgov_engine_replay,
};
use crate::error::gridgov_status;
use crate::handle::Handle;
use crate::model::{gridgov_model, gridgov_model_free, gridgov_model_sample};
use crate::score::{
    GRIDGOV_NO_TIME, gridgov_engine_records, gridgov_records, gridgov_records_free,
    gridgov_records_from_csv, gridgov_records_to_csv, gridgov_score, gridgov_scorecard,
    gridgov_scorecard_free, gridgov_scorecard_from_json, gridgov_scorecard_to_json,
};
use crate::simulate::gridgov_engine_simulate;
use crate::status::gridgov_string_free;

/// Monday 2025-11-03 09:00 (UTC+8), inside the sample calendar.
const T0: i64 = 1_762_131_600_000;
const DAY: i64 = 24 * 3_600_000;

fn ok(status: gridgov_status) {
    assert_eq!(status, gridgov_status::Ok);
}

fn model_of<H: Handle>(ptr: *const H, model: impl FnOnce(&H::Inner) -> &Model) -> *const Model {
    let Ok(inner) = H::borrow(ptr) else {
        panic!("a {} handle", H::NAME)
    };
    model(inner)
}

/// Takes a string returned by the library.
fn take(s: *mut c_char) -> String {
    // SAFETY: `s` came from `out_string` and is freed right after the copy.
    let text = unsafe { std::ffi::CStr::from_ptr(s) }
        .to_str()
        .expect("UTF-8")
        .to_owned();
    // SAFETY: returned by this library, freed once.
    unsafe { gridgov_string_free(s) };
    text
}

#[test]
fn handles_made_from_one_model_share_it() {
    let mut m: *mut gridgov_model = null_mut();
    // SAFETY (every block below): valid out pointers, handles from this library.
    ok(unsafe { gridgov_model_sample(&raw mut m) });
    let Ok(shared) = gridgov_model::borrow(m) else {
        panic!("a model")
    };
    let shared: Arc<Model> = Arc::clone(shared);
    let same = |p: *const Model| std::ptr::eq(p, Arc::as_ptr(&shared));

    let (mut fresh, mut sim, mut replayed) = (null_mut(), null_mut(), null_mut());
    ok(unsafe { gridgov_engine_new(m, &raw mut fresh) });
    ok(unsafe { gridgov_engine_simulate(m, T0, 1, 7, 20, &raw mut sim) });
    let mut events = null_mut();
    ok(unsafe { gridgov_engine_events_json(sim, std::ptr::null(), &raw mut events, null_mut()) });
    let events = take(events);
    ok(unsafe {
        gridgov_engine_replay(m, events.as_ptr().cast(), events.len(), &raw mut replayed)
    });
    for e in [fresh, sim, replayed] {
        assert!(same(model_of::<gridgov_engine>(e, |eng| eng.model())));
    }

    let (mut from_engine, mut from_csv) = (null_mut(), null_mut());
    ok(unsafe { gridgov_engine_records(sim, &raw mut from_engine) });
    let mut csv = null_mut();
    ok(unsafe { gridgov_records_to_csv(from_engine, &raw mut csv, null_mut()) });
    let csv = take(csv);
    ok(unsafe {
        gridgov_records_from_csv(
            m,
            csv.as_ptr().cast(),
            csv.len(),
            GRIDGOV_NO_TIME,
            &raw mut from_csv,
        )
    });
    for r in [from_engine, from_csv] {
        assert!(same(model_of::<gridgov_records>(r, |r| r.model())));
    }

    let (mut card, mut read_back) = (null_mut(), null_mut());
    ok(unsafe { gridgov_score(from_csv, T0, T0 + DAY, GRIDGOV_NO_TIME, &raw mut card) });
    let mut json = null_mut();
    ok(unsafe { gridgov_scorecard_to_json(card, &raw mut json, null_mut()) });
    let json = take(json);
    ok(unsafe {
        gridgov_scorecard_from_json(m, json.as_ptr().cast(), json.len(), &raw mut read_back)
    });
    for c in [card, read_back] {
        assert!(same(model_of::<gridgov_scorecard>(c, |c| c.model())));
    }

    // The test's own reference, the handle's, three engines, two record sets and two cards.
    assert_eq!(Arc::strong_count(&shared), 9);
    unsafe {
        gridgov_model_free(m);
        for e in [fresh, sim, replayed] {
            gridgov_engine_free(e);
        }
        gridgov_records_free(from_engine);
        gridgov_records_free(from_csv);
        gridgov_scorecard_free(card);
        gridgov_scorecard_free(read_back);
    }
    assert_eq!(Arc::strong_count(&shared), 1);
}
