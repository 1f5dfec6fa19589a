//! The layers stay apart: `ui → session → sim`, and only `ui` may touch the browser. The model and
//! the session run natively (the CLI, these tests) exactly as in the page, which holds only while no
//! web crate creeps in below `ui/`. (No module cycles: see `architecture.rs`.)

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
