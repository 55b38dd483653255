//! What the journal's tests share: the sample model, a fresh folder per test, opening a
//! journal with the default options.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use gridgov::Model;
use gridgov::engine::Engine;
use gridgov::journal::OpenOptions;

/// The sample city, shared.
pub fn model() -> Arc<Model> {
    Arc::new(Model::sample())
}

/// A fresh folder for one test (under the temporary folder, named by the test and the
/// process).
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join("gridgov-journal-tests")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// The journal at `path` opened on the sample city with the default options.
pub fn open(path: &Path) -> gridgov::Result<Engine> {
    Engine::open(model(), path, &OpenOptions::default())
}
