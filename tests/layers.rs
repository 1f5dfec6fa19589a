//! The layers stay apart: `ui → session → sim`, and only `ui` may touch the browser. The model and
//! the session run natively (the CLI, these tests) exactly as in the page, which holds only while no
//! web crate creeps in below `ui/`. And no module uses a module that uses it back: each arrow points
//! one way, so every module can be read knowing only what is beneath it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Crates that exist only for the browser.
const WEB_CRATES: [&str; 5] = ["yew", "web_sys", "wasm_bindgen", "js_sys", "gloo_timers"];

fn source_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("source directory is readable") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// A file's code without its comments: a comment may well say "no yew here".
fn code_of(path: &Path) -> String {
    std::fs::read_to_string(path)
        .expect("source file is readable")
        .lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `word` occurs in `code` as a whole identifier.
fn names(code: &str, word: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    code.match_indices(word).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = code[at + word.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// Every `file: name` under `dir` whose code names one of `forbidden` (crates or module paths).
fn uses_of(dir: &str, forbidden: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    source_files(&root)
        .into_iter()
        .flat_map(|path| {
            let code = code_of(&path);
            forbidden
                .iter()
                .filter(|name| names(&code, name))
                .map(|name| format!("{}: {name}", path.display()))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn the_model_uses_no_web_crate() {
    assert_eq!(uses_of("src/sim", &WEB_CRATES), Vec::<String>::new());
}

#[test]
fn the_session_layer_uses_no_web_crate() {
    assert_eq!(uses_of("src/session", &WEB_CRATES), Vec::<String>::new());
}

#[test]
fn the_session_layer_does_not_reach_up_into_the_page() {
    assert_eq!(uses_of("src/session", &["crate::ui"]), Vec::<String>::new());
}

#[test]
fn the_model_knows_neither_the_session_nor_the_page() {
    assert_eq!(
        uses_of("src/sim", &["crate::session", "crate::ui"]),
        Vec::<String>::new()
    );
}

#[test]
fn a_web_crate_is_found_where_it_is_used() {
    let code = "use yew::prelude::*;\nlet x = web_sys::window();";
    assert!(names(code, "yew") && names(code, "web_sys"));
    assert!(!names("let yew_tree = 1;", "yew"), "part of a longer name");
}

/// A module of the library: its path from the crate root (`["ui", "components", "group", "card"]`)
/// and its code before any `#[cfg(test)]` (tests may use what they like).
struct Module {
    path: Vec<String>,
    code: String,
}

/// Every module of the library, from its files (`src/lib.rs` and the binaries left out).
fn library_modules() -> Vec<Module> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    source_files(&src)
        .into_iter()
        .filter_map(|file| {
            let relative = file.strip_prefix(&src).ok()?.with_extension("");
            let mut path: Vec<String> = relative
                .iter()
                .map(|part| part.to_string_lossy().into_owned())
                .collect();
            if matches!(
                path.first().map(String::as_str),
                Some("bin" | "main" | "lib")
            ) {
                return None;
            }
            if path.last().is_some_and(|last| last == "mod") {
                path.pop();
            }
            let code = code_of(&file);
            let code = code.split("#[cfg(test)]").next().unwrap_or("").to_string();
            Some(Module { path, code })
        })
        .collect()
}

/// The paths of one `use` tree, braces expanded: `a::{b, c::{d, self}}` gives `a::b`, `a::c::d`, `a::c`.
fn expand_use_tree(tree: &str) -> Vec<String> {
    let Some(open) = tree.find('{') else {
        let path = tree.trim_end_matches("::*").trim_end_matches("::self");
        return vec![path.to_string()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut branches = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                branches.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    branches.push(&inner[start..]);
    branches
        .into_iter()
        .filter(|b| !b.is_empty())
        .flat_map(|b| expand_use_tree(&format!("{prefix}{b}")))
        .collect()
}

/// Every path a module's code names: its `use` trees, and the paths written inline that start at
/// `crate::`, `super::`, `self::` or one of `children` (the module's own submodules), each as segments.
fn named_paths(code: &str, children: &[String]) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    for statement in code.split(';') {
        let statement = statement.trim_start();
        let tree = ["pub use ", "pub(crate) use ", "use "]
            .iter()
            .find_map(|start| statement.strip_prefix(start));
        if let Some(tree) = tree {
            // `x as y` names x; whitespace never matters inside a path.
            let words: Vec<&str> = tree.split_whitespace().collect();
            let mut kept = String::new();
            let mut i = 0;
            while i < words.len() {
                if words[i] == "as" {
                    i += 2;
                    continue;
                }
                kept.push_str(words[i]);
                i += 1;
            }
            paths.extend(expand_use_tree(&kept));
        }
    }
    let roots = ["crate", "super", "self"]
        .into_iter()
        .map(str::to_string)
        .chain(children.iter().cloned())
        .map(|root| format!("{root}::"));
    for root in roots {
        for (at, _) in code.match_indices(&root) {
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let path: String = code[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            paths.push(path.trim_end_matches(':').to_string());
        }
    }
    paths
        .into_iter()
        .map(|p| p.split("::").map(str::to_string).collect())
        .collect()
}

/// The module a path, named inside module `from`, points into: the longest known module it starts
/// with. `None` for other crates and for the module itself.
fn target_of(
    from: &[String],
    path: &[String],
    known: &BTreeSet<Vec<String>>,
) -> Option<Vec<String>> {
    let absolute: Vec<String> = match path.first().map(String::as_str) {
        Some("crate") => path[1..].to_vec(),
        Some("self") => [from, &path[1..]].concat(),
        Some("super") => {
            let up = path.iter().take_while(|s| *s == "super").count();
            let base = &from[..from.len().checked_sub(up)?];
            [base, &path[up..]].concat()
        }
        // A relative path names a child module, or something that is not a module of ours.
        Some(first) if known.contains(&[from, &[first.to_string()]].concat()) => {
            [from, path].concat()
        }
        _ => return None,
    };
    let target = (1..=absolute.len())
        .rev()
        .map(|n| absolute[..n].to_vec())
        .find(|prefix| known.contains(prefix))?;
    (target != from).then_some(target)
}

/// Which modules under `roots` (e.g. `["ui"]`) each module there uses.
fn uses_between(roots: &[&str]) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let modules = library_modules();
    let known: BTreeSet<Vec<String>> = modules.iter().map(|m| m.path.clone()).collect();
    let inside = |path: &[String]| path.first().is_some_and(|r| roots.contains(&r.as_str()));
    modules
        .iter()
        .filter(|m| inside(&m.path))
        .map(|m| {
            let children: Vec<String> = known
                .iter()
                .filter(|k| k.len() == m.path.len() + 1 && k.starts_with(&m.path))
                .map(|k| k[m.path.len()].clone())
                .collect();
            let targets = named_paths(&m.code, &children)
                .iter()
                .filter_map(|p| target_of(&m.path, p, &known))
                .filter(|t| inside(t))
                .collect();
            (m.path.clone(), targets)
        })
        .collect()
}

/// A cycle in `graph`, as the modules along it (the first repeated at the end), if there is one.
fn find_cycle(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Option<Vec<String>> {
    fn visit(
        node: &Vec<String>,
        graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        done: &mut BTreeSet<Vec<String>>,
        stack: &mut Vec<Vec<String>>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle: Vec<String> = stack[at..].iter().map(|n| n.join("::")).collect();
            cycle.push(node.join("::"));
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, done, stack) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node.clone());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut done, &mut Vec::new()))
}

#[test]
fn no_module_of_the_page_or_the_session_uses_one_that_uses_it_back() {
    let graph = uses_between(&["ui", "session"]);
    assert!(
        graph.len() > 30,
        "every module of ui/ and session/ is read: {}",
        graph.len()
    );
    assert_eq!(find_cycle(&graph), None);
}

#[test]
fn the_page_is_wired_as_its_files_say() {
    let graph = uses_between(&["ui"]);
    let module = |p: &str| p.split("::").map(str::to_string).collect::<Vec<_>>();
    let uses = |from: &str, to: &str| graph[&module(from)].contains(&module(to));
    assert!(uses("ui", "ui::app"), "pub use app::App");
    assert!(uses("ui::components::group", "ui::components::group::card"));
    assert!(uses(
        "ui::components::group::card",
        "ui::components::consumer::actions"
    ));
    assert!(uses(
        "ui::components::compare::consumer_rows",
        "ui::components::consumer::actions"
    ));
    assert!(uses("ui::components::group::card", "ui::state"));
    assert!(uses(
        "ui::components::toolbar",
        "ui::components::toolbar::speed"
    ));
    assert!(!uses("ui::state", "ui::components"));
}

#[test]
fn a_cycle_is_found_and_named() {
    let module = |p: &str| p.split("::").map(str::to_string).collect::<Vec<_>>();
    let graph: BTreeMap<_, BTreeSet<_>> = [
        (module("ui::a"), [module("ui::b")].into()),
        (module("ui::b"), [module("ui::c")].into()),
        (module("ui::c"), [module("ui::a")].into()),
    ]
    .into();
    assert_eq!(
        find_cycle(&graph),
        Some(vec![
            "ui::a".to_string(),
            "ui::b".into(),
            "ui::c".into(),
            "ui::a".into()
        ])
    );
}

#[test]
fn use_trees_are_read_as_rust_reads_them() {
    assert_eq!(
        expand_use_tree("crate::ui::{state::{self,Dispatch},hooks::*}"),
        [
            "crate::ui::state",
            "crate::ui::state::Dispatch",
            "crate::ui::hooks"
        ]
    );
    let code = "use card::ConsumerCard as Card;\nlet x = super::meters::seconds(speed::label(1));";
    assert_eq!(
        named_paths(code, &["speed".to_string()]),
        [
            vec!["card".to_string(), "ConsumerCard".into()],
            vec!["super".to_string(), "meters".into(), "seconds".into()],
            vec!["speed".to_string(), "label".into()]
        ]
    );
}
