//! The shape of the code, checked: no module cycles anywhere under `src/` (among the children of each
//! module, a `use` or a path from one to another counts as an edge) and no source file past ~600
//! lines of code without a reason written at its top. The layers' direction is `layers.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");

/// Every `.rs` file under `src/`, with the module path it defines (`sim::client::membership`).
fn modules() -> Vec<(Vec<String>, PathBuf)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src is readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(Path::new(SRC), &mut files);
    files.sort();
    files
        .into_iter()
        .filter(|f| !f.starts_with(Path::new(SRC).join("bin")) && !f.ends_with("main.rs"))
        .map(|f| {
            let rel = f.strip_prefix(SRC).unwrap().with_extension("");
            let mut path: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if path.last().is_some_and(|l| l == "mod" || l == "lib") {
                path.pop();
            }
            (path, f)
        })
        .collect()
}

/// The code without comments and string literals, so paths in prose do not count.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if c == '"' && !escaped {
                        break;
                    }
                    escaped = c == '\\' && !escaped;
                }
                out.push_str("\"\"");
            }
            _ => out.push(c),
        }
    }
    out
}

/// Every path a file names, from `use` trees and inline `crate::`/`super::` paths, as segments.
fn named_paths(code: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    for statement in code.split(';') {
        let Some(start) = statement.find("use ") else {
            continue;
        };
        let before = &statement[..start];
        let at_item_start = before
            .chars()
            .last()
            .is_none_or(|c| c.is_whitespace() || c == '}' || c == '{');
        if !at_item_start {
            continue;
        }
        expand(statement[start + 4..].trim(), Vec::new(), &mut paths);
    }
    // Inline paths such as `crate::sim::trace::TraceEvent::X` or `super::config::ConfigError`.
    let bytes: Vec<char> = code.chars().collect();
    let text: String = bytes.iter().collect();
    for root in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(root) {
            let i = from + i;
            let before = text[..i].chars().last();
            from = i + root.len();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let tail: String = text[i..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            paths.push(
                tail.split("::")
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
            );
        }
    }
    paths
}

/// Expands a `use` tree (`a::{b, c::{d, e}}`) into its paths.
fn expand(tree: &str, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let tree = tree.trim().trim_start_matches("pub ").trim();
    if let Some(open) = tree.find('{') {
        let mut head = prefix.clone();
        head.extend(
            tree[..open]
                .split("::")
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from),
        );
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let mut depth = 0;
        let mut part = String::new();
        for c in inner.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&part, head.clone(), out);
                    part.clear();
                    continue;
                }
                _ => {}
            }
            part.push(c);
        }
        if !part.trim().is_empty() {
            expand(&part, head, out);
        }
    } else {
        let mut path = prefix;
        let name = tree.split(" as ").next().unwrap_or(tree);
        path.extend(
            name.split("::")
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from),
        );
        out.push(path);
    }
}

/// The module a path from `module` (a file's module; `is_dir_module` for `mod.rs`/`lib.rs`) refers to.
fn resolve(
    module: &[String],
    is_dir_module: bool,
    path: &[String],
    known: &BTreeSet<Vec<String>>,
) -> Option<Vec<String>> {
    let mut base: Vec<String> = module.to_vec();
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            rest = &rest[1..];
        }
        Some("super") => {
            // `super` in `a/b.rs` (module a::b) is `a`; in `a/b/mod.rs` (also a::b) it is `a` too.
            let _ = is_dir_module;
            while rest.first().map(String::as_str) == Some("super") {
                base.pop();
                rest = &rest[1..];
            }
        }
        Some("self") => rest = &rest[1..],
        _ => return None, // an external crate or a name in scope
    }
    let mut best = None;
    let mut candidate = base.clone();
    if known.contains(&candidate) {
        best = Some(candidate.clone());
    }
    for segment in rest {
        candidate.push(segment.clone());
        if known.contains(&candidate) {
            best = Some(candidate.clone());
        } else {
            break;
        }
    }
    best
}

/// Edges among the children of each module: `(parent, from child, to child)`.
fn sibling_edges() -> BTreeSet<(Vec<String>, String, String)> {
    let modules = modules();
    let known: BTreeSet<Vec<String>> = modules.iter().map(|(m, _)| m.clone()).collect();
    let mut edges = BTreeSet::new();
    for (module, file) in &modules {
        let text = std::fs::read_to_string(file).expect("readable");
        let is_dir_module = file.ends_with("mod.rs") || file.ends_with("lib.rs");
        for path in named_paths(&code_only(&text)) {
            let Some(target) = resolve(module, is_dir_module, &path, &known) else {
                continue;
            };
            let common = module
                .iter()
                .zip(&target)
                .take_while(|(a, b)| a == b)
                .count();
            // A module using its own ancestor or descendant is not an edge between siblings.
            if common == module.len() || common == target.len() {
                continue;
            }
            edges.insert((
                module[..common].to_vec(),
                module[common].clone(),
                target[common].clone(),
            ));
        }
    }
    edges
}

/// The cycles among the children of each module (strongly connected components of two or more).
fn cycles() -> Vec<String> {
    let edges = sibling_edges();
    let mut by_parent: BTreeMap<Vec<String>, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (parent, from, to) in &edges {
        by_parent
            .entry(parent.clone())
            .or_default()
            .entry(from.clone())
            .or_default()
            .insert(to.clone());
    }
    let mut found = Vec::new();
    for (parent, graph) in by_parent {
        let nodes: BTreeSet<&String> = graph.keys().chain(graph.values().flatten()).collect();
        let reach = |from: &String| {
            let mut seen = BTreeSet::new();
            let mut stack = vec![from.clone()];
            while let Some(n) = stack.pop() {
                for next in graph.get(&n).into_iter().flatten() {
                    if seen.insert(next.clone()) {
                        stack.push(next.clone());
                    }
                }
            }
            seen
        };
        let mut reported = BTreeSet::new();
        for node in &nodes {
            let from_node = reach(node);
            let component: BTreeSet<String> = nodes
                .iter()
                .filter(|other| from_node.contains(**other) && reach(other).contains(*node))
                .map(|s| s.to_string())
                .collect();
            if component.len() > 1 && reported.insert(component.clone()) {
                let name = if parent.is_empty() {
                    "crate".to_string()
                } else {
                    parent.join("::")
                };
                let members: Vec<String> = component.into_iter().collect();
                found.push(format!("in {name}: {}", members.join(" <-> ")));
            }
        }
    }
    found
}

#[test]
fn no_module_depends_on_itself_through_its_siblings() {
    let found = cycles();
    assert!(found.is_empty(), "module cycles:\n{}", found.join("\n"));
}

#[test]
fn the_checker_sees_a_cycle_when_there_is_one() {
    let known: BTreeSet<Vec<String>> = [vec![], vec!["a".into()], vec!["b".into()]]
        .into_iter()
        .collect();
    let path: Vec<String> = vec!["super".into(), "b".into(), "X".into()];
    assert_eq!(
        resolve(&["a".into()], false, &path, &known),
        Some(vec!["b".to_string()])
    );
    let mut paths = Vec::new();
    expand("crate::sim::{a::X, b::{c, d as e}}", Vec::new(), &mut paths);
    assert_eq!(paths.len(), 3);
    assert_eq!(paths[2], ["crate", "sim", "b", "d"]);
}

/// Lines of code: not blank, not a comment, not inside the file's `#[cfg(test)]` module.
fn lines_of_code(text: &str) -> usize {
    let code = text
        .split("#[cfg(test)]\nmod tests {")
        .next()
        .unwrap_or(text);
    code.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .count()
}

#[test]
fn no_source_file_is_too_long_without_a_reason() {
    let mut too_long = Vec::new();
    for (_, file) in modules() {
        let text = std::fs::read_to_string(&file).unwrap();
        let loc = lines_of_code(&text);
        let has_reason = text
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .any(|l| l.contains("Why this file is long:"));
        if loc > 600 && !has_reason {
            too_long.push(format!("{} ({loc} lines of code)", file.display()));
        }
    }
    assert!(
        too_long.is_empty(),
        "files past 600 lines of code with no \"Why this file is long:\" note at the top: {too_long:#?}"
    );
}
