//! The layering the docs promise: inside `lamina-wali` and `lamina-runtime`
//! each module uses only modules on floors below it (no import loops), and
//! nothing names a crate's root (its facade) from inside the crate.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module path (`syscalls::fs`) → source text, for every file of a crate.
fn modules(src: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let rel = path.strip_prefix(src).unwrap().with_extension("");
            let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            if parts.last().is_some_and(|p| p == "mod") {
                parts.pop();
            }
            if parts == ["lib"] || parts == ["main"] {
                continue;
            }
            out.insert(parts.join("::"), std::fs::read_to_string(&path).unwrap());
        }
    }
    out
}

/// The identifiers right after `prefix` (`crate::a`, or each of
/// `crate::{a, b::c}`), with what follows each (`b::c` gives `b::c`).
fn paths_after<'a>(text: &'a str, prefix: &str) -> Vec<&'a str> {
    let mut found = vec![];
    for (at, _) in text.match_indices(prefix) {
        let before = text[..at].chars().last();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let rest = &text[at + prefix.len()..];
        let path_end = |s: &str| s.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(s.len());
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            found.extend(group.split(',').map(str::trim).map(|p| &p[..path_end(p)]).filter(|p| !p.is_empty()));
        } else {
            found.push(&rest[..path_end(rest)]);
        }
    }
    found
}

/// The modules each module uses, from its `crate::` and `super::` paths.
/// Macros exported at the crate root resolve to the module defining them.
fn graph(src: &Path, macros: &[(&str, &str)]) -> BTreeMap<String, BTreeSet<String>> {
    let mods = modules(src);
    let resolve = |path: &str| -> Option<String> {
        let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
        (1..=segments.len()).rev().map(|n| segments[..n].join("::")).find(|m| mods.contains_key(m))
    };
    let mut edges = BTreeMap::new();
    for (name, text) in &mods {
        let mut uses = BTreeSet::new();
        for path in paths_after(text, "crate::") {
            let target = resolve(path).or_else(|| {
                macros.iter().find(|(m, _)| path.trim_end_matches('!') == *m).map(|(_, owner)| owner.to_string())
            });
            match target {
                Some(t) => uses.insert(t),
                None => panic!("{name} names `crate::{path}`, which is no module: use the module defining it"),
            };
        }
        let parent = name.rsplit_once("::").map(|(p, _)| p);
        for path in paths_after(text, "super::") {
            if let Some(parent) = parent {
                let target = resolve(&format!("{parent}::{path}")).unwrap_or_else(|| parent.to_string());
                uses.insert(target);
            }
        }
        uses.remove(name);
        edges.insert(name.clone(), uses);
    }
    edges
}

/// A cycle of `edges`, if there is one.
fn cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut loop_ = path[at..].to_vec();
            loop_.push(node.to_string());
            return Some(loop_);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    edges.keys().find_map(|n| visit(n, edges, &mut vec![], &mut done))
}

fn crate_src(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(name).join("src")
}

#[test]
fn the_syscall_layer_has_no_import_loop() {
    let edges = graph(&crate_src("lamina-wali"), &[("syscall", "entry"), ("aux", "entry"), ("import_entry", "entry")]);
    assert!(edges.len() > 15, "{edges:?}");
    assert!(edges["syscalls::fs"].contains("entry"), "{edges:?}");
    if let Some(c) = cycle(&edges) {
        panic!("import loop in lamina-wali: {}", c.join(" → "));
    }
}

#[test]
fn the_runtime_has_no_import_loop() {
    let edges = graph(&crate_src("lamina-runtime"), &[]);
    assert!(edges.len() > 10, "{edges:?}");
    if let Some(c) = cycle(&edges) {
        panic!("import loop in lamina-runtime: {}", c.join(" → "));
    }
}

#[test]
fn a_loop_is_found() {
    let edges: BTreeMap<String, BTreeSet<String>> = [("a", "b"), ("b", "c"), ("c", "a")]
        .into_iter()
        .map(|(from, to)| (from.to_string(), BTreeSet::from([to.to_string()])))
        .collect();
    assert_eq!(cycle(&edges).unwrap().len(), 4);
    assert_eq!(paths_after("use crate::{a::B, c};\nx = crate::d::e(1);", "crate::"), ["a::B", "c", "d::e"]);
}
