//! Invariants of the layout (`ARCHITECTURE.md`), checked on the sources:
//!
//! - no module of `core/src`, `ffi/src` or `python/src` imports a module that imports it back
//!   (directly or through others);
//! - the core has no unsafe code and no FFI or Python dependency.
//!
//! A module is a file. Module A depends on module B when A's code (outside comments, unit-test
//! modules and `pub use` re-exports, which only present other modules' items) names B or an
//! item of B: `use crate::b::..`, `crate::b::x`, `super::..`, or a child module's name. What a
//! text check cannot see: calls to methods of a type defined elsewhere (`impl` blocks spread
//! over files), which go through the type's module.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.rs` file under `src`, by module path (`engine::queue`; the crate root is `""`).
fn modules(src: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("a source folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).expect("under src");
            let mut parts: Vec<String> = rel
                .iter()
                .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
                .collect();
            if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
                parts.pop();
            }
            let text = std::fs::read_to_string(&path).expect("readable source");
            out.insert(parts.join("::"), text);
        }
    }
    out
}

/// The code of a file without comments and without its `#[cfg(test)]` module (inline unit
/// tests name their own module as `super`).
fn code(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            break;
        }
        if t.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The paths a use tree names (`a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`).
fn expand(tree: &str) -> Vec<String> {
    let tree: String = tree.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(open) = tree.find('{') else {
        return vec![tree];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| expand(p).into_iter().map(move |x| format!("{prefix}{x}")))
        .collect()
}

/// The items a module re-exports (`pub use child::{A, B}`), with the path each comes from.
fn reexports(text: &str) -> BTreeMap<String, String> {
    let code = code(text);
    let mut out = BTreeMap::new();
    let mut rest = code.as_str();
    while let Some(i) = find_use(rest) {
        let end = rest[i..].find(';').map_or(rest.len(), |j| i + j + 1);
        let stmt = rest[i..end].trim_end_matches(';');
        if let Some(k) = stmt.find("use ")
            && stmt[..k].trim_start().starts_with("pub")
        {
            for path in expand(&stmt[k + 4..]) {
                let name = path.rsplit("::").next().unwrap_or_default().to_owned();
                out.insert(name, path);
            }
        }
        rest = &rest[end..];
    }
    out
}

/// The module a path from module `from` lands in: the longest prefix that is a module, or,
/// when the next segment is an item that module only re-exports, where the item comes from.
fn resolve(from: &str, path: &str, mods: &BTreeMap<String, String>) -> Option<String> {
    resolve_in(from, path, mods, 0).filter(|m| m != from)
}

fn resolve_in(
    from: &str,
    path: &str,
    mods: &BTreeMap<String, String>,
    depth: usize,
) -> Option<String> {
    let mut segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut base: Vec<&str> = if from.is_empty() {
        Vec::new()
    } else {
        from.split("::").collect()
    };
    match segs.first().copied() {
        Some("crate") => {
            base.clear();
            segs.remove(0);
        }
        Some("super") => {
            while segs.first() == Some(&"super") {
                base.pop();
                segs.remove(0);
            }
        }
        Some("self") => {
            segs.remove(0);
        }
        _ => {}
    }
    let mut best = None;
    for n in 0..=segs.len() {
        let candidate: Vec<&str> = base.iter().chain(&segs[..n]).copied().collect();
        let name = candidate.join("::");
        if mods.contains_key(&name) {
            best = Some((name, n));
        }
    }
    let (module, n) = best?;
    // An item the module re-exports lives where the re-export points.
    if depth < 8
        && let Some(item) = segs.get(n)
        && let Some(source) = reexports(&mods[&module]).get(*item)
        && let Some(real) = resolve_in(&module, source, mods, depth + 1)
    {
        return Some(real);
    }
    Some(module)
}

/// Where the next `use` item starts (`use` or `pub use`/`pub(crate) use` at the start of a
/// statement).
fn find_use(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(j) = text[from..].find("use ") {
        let i = from + j;
        let before = text[..i].trim_end();
        let start = if let Some(b) = before.strip_suffix("pub") {
            Some(b.len())
        } else if before.ends_with(')') && before.contains("pub(") {
            before.rfind("pub(")
        } else {
            Some(i)
        };
        if let Some(s) = start {
            let head = text[..s].trim_end();
            if head.is_empty() || head.ends_with([';', '{', '}', ']']) {
                return Some(s);
            }
        }
        from = i + 4;
    }
    None
}

/// The modules each module depends on.
fn graph(mods: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, text) in mods {
        if name.is_empty() {
            continue; // the crate root only declares and re-exports
        }
        let mut code = code(text);
        let mut paths = Vec::new();
        // `use` statements, possibly over several lines: taken out of the code; those that are
        // not `pub use` re-exports are dependencies
        let mut rest = String::new();
        let mut text = code.as_str();
        while let Some(i) = find_use(text) {
            let end = text[i..].find(';').map_or(text.len(), |j| i + j + 1);
            let stmt = &text[i..end];
            if let Some(tree) = stmt.strip_prefix("use ") {
                paths.extend(expand(tree.trim_end_matches(';')));
            }
            rest.push_str(&text[..i]);
            text = &text[end..];
        }
        rest.push_str(text);
        code = rest;
        // paths written in the code itself
        for key in ["crate::", "super::"] {
            for (i, _) in code.match_indices(key) {
                let preceded = code[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
                if preceded {
                    continue;
                }
                let tail: String = code[i..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                    .collect();
                paths.push(tail);
            }
        }
        // a parent naming its child modules (`queue::Queue`)
        for child in mods.keys().filter_map(|m| {
            m.strip_prefix(name.as_str())
                .and_then(|r| r.strip_prefix("::"))
                .filter(|r| !r.contains("::"))
        }) {
            let needle = format!("{child}::");
            for (i, _) in code.match_indices(&needle) {
                let preceded = code[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
                if !preceded {
                    paths.push(format!("self::{child}"));
                }
            }
        }
        // a `use child::X` names a child module relative to this one
        let children: Vec<String> = mods
            .keys()
            .filter_map(|m| {
                m.strip_prefix(name.as_str())
                    .and_then(|r| r.strip_prefix("::"))
                    .filter(|r| !r.contains("::"))
                    .map(str::to_owned)
            })
            .collect();
        for p in &mut paths {
            let first = p.split("::").next().unwrap_or_default().to_owned();
            if children.contains(&first) {
                *p = format!("self::{p}");
            }
        }
        let deps = edges.entry(name.clone()).or_default();
        for p in paths {
            let p = p
                .trim_end_matches("::")
                .trim_end_matches(":*")
                .trim_end_matches("::*");
            if !(p.starts_with("crate") || p.starts_with("super") || p.starts_with("self")) {
                continue;
            }
            if let Some(target) = resolve(name, p, mods)
                && !target.is_empty()
            {
                deps.insert(target);
            }
        }
    }
    edges
}

/// The import cycles of a crate, each as the modules on it.
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Every pair (a, b) with a path a → b and b → a, found by a walk from each module.
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(m) = stack.pop() {
            for d in edges.get(&m).into_iter().flatten() {
                if seen.insert(d.clone()) {
                    stack.push(d.clone());
                }
            }
        }
        seen
    };
    let mut found: Vec<Vec<String>> = Vec::new();
    for m in edges.keys() {
        if reach(m).contains(m) {
            let mut on: Vec<String> = edges
                .keys()
                .filter(|o| *o == m || (reach(m).contains(*o) && reach(o).contains(m)))
                .cloned()
                .collect();
            on.sort();
            if !found.contains(&on) {
                found.push(on);
            }
        }
    }
    found
}

fn check_crate(src: &str) -> Vec<String> {
    let mods = modules(&repo().join(src));
    assert!(mods.len() > 3, "{src}: too few modules found");
    cycles(&graph(&mods))
        .into_iter()
        .map(|c| format!("{src}: {}", c.join(" ↔ ")))
        .collect()
}

#[test]
fn the_checker_sees_a_cycle() {
    let mut mods = BTreeMap::new();
    mods.insert("a".to_owned(), "use crate::b::{X, y::Z};\n".to_owned());
    mods.insert(
        "b".to_owned(),
        "mod y;\npub use y::*;\nfn f() { super::a::g() }\n".to_owned(),
    );
    mods.insert("b::y".to_owned(), "// use crate::a;\n".to_owned());
    mods.insert("c".to_owned(), "pub use crate::a::X;\n".to_owned());
    let edges = graph(&mods);
    assert_eq!(
        edges["a"],
        BTreeSet::from(["b".to_owned(), "b::y".to_owned()])
    );
    assert!(edges["c"].is_empty(), "a re-export is not a dependency");
    assert!(edges["b::y"].is_empty(), "a comment is not a dependency");
    assert_eq!(cycles(&edges), vec![vec!["a".to_owned(), "b".to_owned()]]);
    mods.insert(
        "b".to_owned(),
        "mod y;\npub use y::*;\nfn f() { y::g() }\n".to_owned(),
    );
    assert!(cycles(&graph(&mods)).is_empty());
    // a parent's `use child::X` while the child uses the parent
    mods.insert("b".to_owned(), "mod y;\nuse y::W;\n".to_owned());
    mods.insert("b::y".to_owned(), "use super::V;\n".to_owned());
    assert!(graph(&mods)["b"].contains("b::y"));
    assert!(cycles(&graph(&mods)).contains(&vec!["b".to_owned(), "b::y".to_owned()]));
    mods.insert("b::y".to_owned(), String::new());
    // through a facade that only re-exports: the dependency is on the module behind it
    mods.insert("a".to_owned(), "use crate::f::Y;\n".to_owned());
    mods.insert("f".to_owned(), "mod g;\npub use g::Y;\n".to_owned());
    mods.insert("f::g".to_owned(), "fn h() { crate::a::z() }\n".to_owned());
    let edges = graph(&mods);
    assert!(edges["a"].contains("f::g"), "{:?}", edges["a"]);
    assert!(cycles(&edges).contains(&vec!["a".to_owned(), "f::g".to_owned()]));
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let mut all = Vec::new();
    for src in ["core/src", "ffi/src", "python/src"] {
        all.extend(check_crate(src));
    }
    assert!(all.is_empty(), "import cycles:\n{}", all.join("\n"));
}

#[test]
fn the_core_has_no_unsafe_code_and_no_binding_dependency() {
    let lib = std::fs::read_to_string(repo().join("core/src/lib.rs")).expect("lib.rs");
    assert!(lib.contains("#![forbid(unsafe_code)]"));
    let manifest = std::fs::read_to_string(repo().join("core/Cargo.toml")).expect("Cargo.toml");
    for dep in ["pyo3", "numpy", "cbindgen", "libc"] {
        assert!(
            !manifest.lines().any(|l| l.trim_start().starts_with(dep)),
            "the core must not depend on {dep}"
        );
    }
}
