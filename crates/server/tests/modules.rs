//! The server's modules form layers, never a circle: `clock` and `db` at the bottom, then
//! `error`, `auth`, `store`, `app`, the `services`, and `http`, `demo` and `cli` on top. A circle
//! (the store reaching for the HTTP error, the database for the reports) is how a change in one
//! place starts breaking another; this test reads the sources and names any circle it finds, among
//! the crate's top-level modules and among the submodules of each of them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// The module path of a source file: `http/tasks.rs` → ["http", "tasks"], `db/mod.rs` → ["db"].
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The module paths a file names: `crate::a::b`, `crate::{a, b::c}`, and `super::x` resolved
/// against the file's own module. Comments are skipped.
fn references(module: &[String], text: &str) -> BTreeSet<Vec<String>> {
    let code: String = text.lines().filter(|line| !line.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    let mut found = BTreeSet::new();
    let ident = |s: &str| -> Vec<String> {
        s.split("::")
            .map(|p| p.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<String>())
            .take_while(|p| !p.is_empty() && p.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .collect()
    };
    for (prefix, base) in [("crate::", Vec::new()), ("super::", module[..module.len().saturating_sub(1)].to_vec())] {
        let mut rest = code.as_str();
        while let Some(at) = rest.find(prefix) {
            // `crate::` inside a longer identifier (`hourbank_crate::`) is not ours.
            let before = rest[..at].chars().last();
            rest = &rest[at + prefix.len()..];
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let paths: Vec<Vec<String>> = if let Some(group) = rest.strip_prefix('{') {
                let group = &group[..group.find('}').unwrap_or(group.len())];
                group.split(',').map(|item| ident(item.trim())).collect()
            } else {
                vec![ident(rest)]
            };
            for path in paths.into_iter().filter(|p| !p.is_empty()) {
                let mut full = base.clone();
                full.extend(path);
                found.insert(full);
            }
        }
    }
    found
}

/// A circle in `edges`, if any, as the list of its nodes.
fn find_circle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut circle = path[at..].to_vec();
            circle.push(node.to_string());
            return Some(circle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(circle) = visit(next, edges, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    edges.keys().find_map(|node| visit(node, edges, &mut Vec::new(), &mut done))
}

/// Edges between the children of `parent` (the crate's top level when empty): a file anywhere
/// under child `a` naming anything under sibling `b` is an edge a → b.
fn edges_among_children_of(
    parent: &[String],
    files: &[(Vec<String>, BTreeSet<Vec<String>>)],
) -> BTreeMap<String, BTreeSet<String>> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, refs) in files {
        if module.len() <= parent.len() || module[..parent.len()] != *parent {
            continue;
        }
        let from = &module[parent.len()];
        for target in refs {
            if target.len() > parent.len() && target[..parent.len()] == *parent {
                let to = &target[parent.len()];
                if to != from {
                    edges.entry(from.clone()).or_default().insert(to.clone());
                }
            }
        }
    }
    edges
}

fn server_modules() -> Vec<(Vec<String>, BTreeSet<Vec<String>>)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    sources(&src)
        .into_iter()
        .map(|file| {
            let module = module_of(&src, &file);
            let refs = references(&module, &std::fs::read_to_string(&file).unwrap());
            (module, refs)
        })
        .filter(|(module, _)| !matches!(module.first().map(String::as_str), Some("lib" | "main")))
        .collect()
}

#[test]
fn the_server_has_no_import_circles() {
    let files = server_modules();
    let parents: BTreeSet<Vec<String>> =
        files.iter().map(|(m, _)| m[..m.len() - 1].to_vec()).chain([Vec::new()]).collect();
    for parent in parents {
        let edges = edges_among_children_of(&parent, &files);
        if let Some(circle) = find_circle(&edges) {
            let place =
                if parent.is_empty() { "the crate".to_string() } else { format!("crate::{}", parent.join("::")) };
            panic!("a circle among the modules of {place}: {}", circle.join(" → "));
        }
    }
}

/// The check finds a circle where there is one, written in each form it reads.
#[test]
fn a_circle_is_found_in_every_form_of_import() {
    let m = |p: &str| p.split('/').map(str::to_string).collect::<Vec<_>>();
    for (a, b) in [
        ("use crate::store::Page;", "use crate::http::ApiError;"),
        ("use crate::{db, store};", "fn f() { crate::http::x(); }"),
        ("use super::b::X;", "use super::a;"),
    ] {
        let (ma, mb) = if a.contains("super") { (m("services/a"), m("services/b")) } else { (m("http"), m("store")) };
        let files = vec![(ma.clone(), references(&ma, a)), (mb.clone(), references(&mb, b))];
        let parent = ma[..ma.len() - 1].to_vec();
        let edges = edges_among_children_of(&parent, &files);
        assert!(find_circle(&edges).is_some(), "no circle found in {a:?} / {b:?}: {edges:?}");
        // And none once one direction is gone.
        let files = vec![(ma.clone(), references(&ma, a)), (mb.clone(), BTreeSet::new())];
        assert!(find_circle(&edges_among_children_of(&parent, &files)).is_none());
    }
}
