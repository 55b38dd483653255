//! The modules of `ffi/src` form no import cycle: no module imports one that imports it back,
//! directly or through others (`error` at the bottom, then `handle` and `panic`, then the
//! exports).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Each module of `ffi/src` (but `lib`) with the modules of the crate it names as
/// `crate::<module>`.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules = BTreeMap::new();
    for entry in std::fs::read_dir(&src).expect("ffi/src is readable") {
        let path = entry.expect("a directory entry").path();
        let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.extension().is_none_or(|e| e != "rs") || name == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a source file is readable");
        let used: BTreeSet<String> = text
            .match_indices("crate::")
            .map(|(i, m)| {
                text[i + m.len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect::<String>()
            })
            .filter(|m| m != name)
            .collect();
        modules.insert(name.to_owned(), used);
    }
    modules
}

#[test]
fn modules_import_no_cycle() {
    let graph = imports();
    assert!(graph.contains_key("error") && graph.contains_key("handle"));
    assert!(
        graph["error"].is_empty(),
        "error imports {:?}",
        graph["error"]
    );
    // Peel off modules whose imports are all peeled; what is left holds a cycle.
    let mut done: BTreeSet<&str> = BTreeSet::new();
    loop {
        let ready: Vec<&str> = graph
            .iter()
            .filter(|(m, used)| {
                !done.contains(m.as_str())
                    && used
                        .iter()
                        .all(|u| done.contains(u.as_str()) || !graph.contains_key(u))
            })
            .map(|(m, _)| m.as_str())
            .collect();
        if ready.is_empty() {
            break;
        }
        done.extend(ready);
    }
    // Of what is left, drop the modules no other left module imports: the rest is the cycles.
    let mut left: BTreeSet<&str> = graph
        .keys()
        .map(String::as_str)
        .filter(|m| !done.contains(m))
        .collect();
    loop {
        let imported: BTreeSet<&str> = left
            .iter()
            .flat_map(|m| graph[*m].iter().map(String::as_str))
            .collect();
        let before = left.len();
        left.retain(|m| imported.contains(m));
        if left.len() == before {
            break;
        }
    }
    let cycles: Vec<(&str, &BTreeSet<String>)> = left.iter().map(|m| (*m, &graph[*m])).collect();
    assert!(cycles.is_empty(), "modules in an import cycle: {cycles:?}");
}
