//! The house rules a newcomer relies on, checked on the source itself: no file under
//! `src/` over 700 lines of code (tests excepted), no import cycle between files, and the
//! layers only look down (`ARCHITECTURE.md`).
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Most lines of code a file under `src/` may have, its tests not counted.
const MAX_LINES: usize = 700;

/// Every `.rs` file under `src/`, with its code (the `#[cfg(test)]` part cut off).
fn sources() -> BTreeMap<PathBuf, String> {
    fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, String>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                let code = match text.find("#[cfg(test)]") {
                    Some(i) => &text[..i],
                    None => &text,
                };
                // Comments name things without importing them.
                let code: String = code
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .map(|l| format!("{l}\n"))
                    .collect();
                out.insert(p, code);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    out
}

/// Each grouped path a file names, one per line: `use crate::{a, b::{c, d}};` gives
/// `crate::a;`, `crate::b::c;` and `crate::b::d;`, so the rules below see through the braces.
fn ungroup(code: &str) -> String {
    fn expand(prefix: &str, inner: &str, out: &mut String) {
        let mut depth = 0;
        let mut start = 0;
        let mut parts = Vec::new();
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
        for part in parts.into_iter().map(str::trim).filter(|p| !p.is_empty()) {
            match part.split_once("::{") {
                Some((head, rest)) => {
                    let rest = rest.strip_suffix('}').unwrap_or(rest);
                    expand(&format!("{prefix}::{head}"), rest, out);
                }
                None => {
                    let path = part.split(" as ").next().unwrap_or(part).trim();
                    out.push_str(&format!("{prefix}::{path};\n"));
                }
            }
        }
    }
    let mut out = String::new();
    let mut rest = code;
    while let Some(i) = rest.find("::{") {
        // The path before the brace: back to the start of its identifiers and `::`.
        let head_start = rest[..i]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .map_or(0, |j| j + 1);
        let head = &rest[head_start..i];
        let body = &rest[i + 3..];
        let mut depth = 1;
        let end = body
            .char_indices()
            .find(|&(_, c)| {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map_or(body.len(), |(j, _)| j);
        if !head.is_empty() {
            expand(head, &body[..end], &mut out);
        }
        rest = &body[end.min(body.len())..];
    }
    out
}

/// The code with its grouped paths spelled out (see [`ungroup`]).
fn seen(code: &str) -> String {
    format!("{code}{}", ungroup(code))
}

/// The code without `pub use` statements (re-exports).
fn without_reexports(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(i) = rest.find("pub use ") {
        out.push_str(&rest[..i]);
        rest = rest[i..].split_once(';').map_or("", |(_, after)| after);
    }
    out.push_str(rest);
    out
}

/// The module path of a file: `src/engine/backend/mod.rs` is `engine::backend`.
fn module_of(file: &Path) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let rel = file.strip_prefix(&src).unwrap();
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs").to_string();
    if stem != "mod" && stem != "lib" && stem != "main" {
        parts.push(stem);
    }
    parts
}

/// The paths a file's code names: `crate::a::b`, `super::c`, `self::d`, and its own
/// child modules used by name; each as an absolute module path (segments).
fn references(
    module: &[String],
    is_mod_file: bool,
    code: &str,
    children: &BTreeSet<String>,
) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < bytes.len() {
        if !ident(bytes[i]) || (i > 0 && (ident(bytes[i - 1]) || bytes[i - 1] == b':')) {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut segs = Vec::new();
        loop {
            let s = j;
            while j < bytes.len() && ident(bytes[j]) {
                j += 1;
            }
            segs.push(code[s..j].to_string());
            if code[j..].starts_with("::") && j + 2 < bytes.len() && ident(bytes[j + 2]) {
                j += 2;
            } else {
                break;
            }
        }
        i = j.max(i + 1);
        if segs.len() < 2 {
            continue;
        }
        // A file's own module: `mod.rs` is the module; `x.rs` is module x, its parent is `super`.
        let here: Vec<String> = module.to_vec();
        let parent: Vec<String> = if is_mod_file || module.is_empty() {
            here.iter()
                .take(here.len().saturating_sub(1))
                .cloned()
                .collect()
        } else {
            here[..here.len() - 1].to_vec()
        };
        let abs = match segs[0].as_str() {
            "crate" => segs[1..].to_vec(),
            "super" => {
                let mut base = parent.clone();
                let mut rest = &segs[1..];
                while rest.first().is_some_and(|s| s == "super") {
                    base.pop();
                    rest = &rest[1..];
                }
                base.into_iter().chain(rest.iter().cloned()).collect()
            }
            "self" => here
                .iter()
                .cloned()
                .chain(segs[1..].iter().cloned())
                .collect(),
            first if children.contains(first) => {
                here.iter().cloned().chain(segs.iter().cloned()).collect()
            }
            _ => continue,
        };
        out.push(abs);
    }
    out
}

/// The child modules a file declares (`mod x;`).
fn declared_children(code: &str) -> BTreeSet<String> {
    code.lines()
        .filter_map(|l| {
            let l = l.trim();
            let l = l.strip_prefix("pub ").unwrap_or(l);
            let l = l.strip_prefix("pub(crate) ").unwrap_or(l);
            l.strip_prefix("mod ")?
                .strip_suffix(';')
                .map(str::to_string)
        })
        .collect()
}

/// Which file each reference lands in: the longest module prefix that is a file.
fn edges(files: &BTreeMap<PathBuf, String>) -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let by_module: BTreeMap<Vec<String>, PathBuf> = files
        .keys()
        .filter(|f| !f.ends_with("main.rs"))
        .map(|f| (module_of(f), f.clone()))
        .collect();
    let mut out = BTreeMap::new();
    for (file, code) in files {
        if file.ends_with("main.rs") {
            continue;
        }
        // A module re-exporting its child's items (`pub use child::X;`) is its public
        // face, not a use: the child may still use its parent.
        let code = &seen(&without_reexports(code));
        let module = module_of(file);
        let is_mod = file.ends_with("mod.rs") || file.ends_with("lib.rs");
        let children = declared_children(code);
        let mut to = BTreeSet::new();
        for r in references(&module, is_mod, code, &children) {
            for n in (1..=r.len()).rev() {
                if let Some(target) = by_module.get(&r[..n]) {
                    if target != file {
                        to.insert(target.clone());
                    }
                    break;
                }
            }
        }
        out.insert(file.clone(), to);
    }
    out
}

/// Files that reach each other (strongly connected), two or more.
fn cycles(graph: &BTreeMap<PathBuf, BTreeSet<PathBuf>>) -> Vec<Vec<PathBuf>> {
    let reach = |from: &PathBuf| -> BTreeSet<PathBuf> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(f) = stack.pop() {
            for t in graph.get(&f).into_iter().flatten() {
                if seen.insert(t.clone()) {
                    stack.push(t.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&PathBuf, BTreeSet<PathBuf>> =
        graph.keys().map(|f| (f, reach(f))).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for f in graph.keys() {
        if done.contains(f) {
            continue;
        }
        let group: Vec<PathBuf> = graph
            .keys()
            .filter(|g| *g == f || (reaches[f].contains(*g) && reaches[*g].contains(f)))
            .cloned()
            .collect();
        done.extend(group.iter().cloned());
        if group.len() > 1 {
            out.push(group);
        }
    }
    out
}

fn short(p: &Path) -> String {
    p.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(p)
        .display()
        .to_string()
}

#[test]
fn no_file_is_over_700_lines_of_code() {
    let big: Vec<String> = sources()
        .iter()
        .filter(|(_, code)| code.lines().count() > MAX_LINES)
        .map(|(f, code)| format!("{} ({} lines)", short(f), code.lines().count()))
        .collect();
    assert!(big.is_empty(), "files over {MAX_LINES} lines: {big:?}");
}

#[test]
fn no_two_files_import_each_other() {
    let files = sources();
    let found: Vec<Vec<String>> = cycles(&edges(&files))
        .into_iter()
        .map(|c| c.iter().map(|f| short(f)).collect())
        .collect();
    assert!(found.is_empty(), "import cycles: {found:#?}");
}

/// Each layer, and what it must never name (`ARCHITECTURE.md`).
const LAYER_RULES: [(&str, &[&str]); 10] = [
    (
        "src/model/",
        &[
            "crate::net",
            "crate::scim",
            "crate::okta",
            "crate::engine",
            "crate::sandbox",
            "crate::ui",
            "crate::cli",
            "egui",
            "tokio",
            "reqwest",
        ],
    ),
    (
        "src/net/",
        &[
            "crate::scim",
            "crate::okta",
            "crate::engine",
            "crate::sandbox",
            "crate::ui",
            "crate::cli",
            "egui",
        ],
    ),
    (
        "src/scim/",
        &[
            "crate::okta",
            "crate::engine",
            "crate::sandbox",
            "crate::ui",
            "crate::cli",
            "egui",
        ],
    ),
    (
        "src/okta/",
        &[
            "crate::scim",
            "crate::engine",
            "crate::sandbox",
            "crate::ui",
            "crate::cli",
            "egui",
        ],
    ),
    (
        "src/engine/",
        &["crate::ui", "crate::cli", "egui", "eframe"],
    ),
    // Push backends work on the shared core, which they import from `engine::core`:
    // the workspace uses the backends, never the other way round.
    ("src/engine/backend/", &["crate::engine::workspace"]),
    (
        "src/engine/core.rs",
        &["crate::engine::workspace", "crate::engine::backend"],
    ),
    (
        "src/sandbox/",
        &[
            "crate::scim",
            "crate::okta",
            "crate::engine",
            "crate::ui",
            "crate::cli",
            "egui",
            "eframe",
        ],
    ),
    (
        "src/ui/",
        &[
            "crate::scim",
            "crate::okta",
            "crate::sandbox",
            "crate::cli",
            "reqwest",
        ],
    ),
    (
        "src/cli/",
        &["crate::scim", "crate::okta", "egui", "eframe"],
    ),
];

#[test]
fn the_layers_only_look_down() {
    let rules = LAYER_RULES;
    let mut broken = Vec::new();
    for (file, code) in sources() {
        let name = short(&file);
        let code = seen(&code);
        for (layer, banned) in rules {
            if !name.starts_with(layer) {
                continue;
            }
            for b in banned {
                if code.contains(&format!("{b}::")) || code.contains(&format!("use {b}")) {
                    broken.push(format!("{name} names {b}"));
                }
            }
        }
        // The command line opens the desktop app, and names nothing else of it.
        if name.starts_with("src/cli/") && code.replace("crate::ui::run(", "").contains("crate::ui")
        {
            broken.push(format!("{name} names crate::ui beyond crate::ui::run"));
        }
        // Nor through a relative path.
        if name.starts_with("src/engine/backend/") && code.contains("super::workspace") {
            broken.push(format!("{name} names the workspace"));
        }
        // A backend names no other backend: what they share is in `engine::core` or
        // `backend/mod.rs`.
        if let Some((own, _)) = name
            .strip_prefix("src/engine/backend/")
            .and_then(|rest| rest.split_once('/'))
        {
            let backends = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine/backend");
            for part in code.split("backend::").skip(1) {
                let next: String = part
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if next != own && !next.is_empty() && backends.join(&next).is_dir() {
                    broken.push(format!("{name} names the {next} backend"));
                }
            }
        }
        // Only the demo wiring may reach into the sandbox from the engine.
        if name.starts_with("src/engine/")
            && !name.ends_with("demo.rs")
            && code.contains("crate::sandbox")
        {
            broken.push(format!("{name} names crate::sandbox"));
        }
    }
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn grouped_imports_are_seen_through() {
    let code = "use crate::{engine::runner::Command, ui::{App, action::Action as A}};\nuse super::{x, y};\n";
    let seen = ungroup(code);
    for path in [
        "crate::engine::runner::Command;",
        "crate::ui::App;",
        "crate::ui::action::Action;",
        "super::x;",
        "super::y;",
    ] {
        assert!(seen.contains(path), "{path} in {seen:?}");
    }
    // So a model file naming the UI through braces breaks the layer rule.
    assert!(seen.contains("crate::ui::"));
}
