//! The shape of the code, checked: no module cycles anywhere under `src/` (among the children of each
//! module, a path from one to another counts as an edge: in a `use`, in code, in types, in test
//! modules too) and no source file past ~600 lines of code without a reason written at its top. The
//! layers' direction is `layers.rs`.
//!
//! The sources are read with `syn`, Rust's own grammar, so comments, strings and char literals never
//! count, and a name is followed through `pub use` re-exports to the module that defines it: a
//! sibling's type reached through the parent's re-export is still an edge to that sibling.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use syn::visit::Visit;

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");

type ModPath = Vec<String>;

/// Every `.rs` file under `src/` with the module path it defines. The library's modules are
/// `sim::client::membership`; a binary's are under its own root (`<bin lab>::run`), since `crate::`
/// in a binary names that binary.
fn modules() -> Vec<(ModPath, PathBuf)> {
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
        .map(|f| {
            let rel = f.strip_prefix(SRC).unwrap().with_extension("");
            let mut path: ModPath = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if path.first().is_some_and(|p| p == "bin") {
                // src/bin/lab/main.rs and its modules, or src/bin/x.rs: one crate each.
                path.remove(0);
                let name = path.remove(0);
                path.insert(0, format!("<bin {name}>"));
            } else if path == ["main"] {
                path = vec!["<bin playground>".to_string()];
            }
            if path
                .last()
                .is_some_and(|l| l == "mod" || l == "lib" || l == "main")
            {
                path.pop();
            }
            (path, f)
        })
        .collect()
}

/// The crate root a module belongs to: `[]` for the library, `[<bin lab>]` for a binary.
fn crate_root(module: &[String]) -> ModPath {
    module
        .first()
        .filter(|m| m.starts_with("<bin "))
        .map(|m| vec![m.clone()])
        .unwrap_or_default()
}

/// What one module (a file, or an inline `mod` in it) defines, re-exports and names.
#[derive(Default)]
struct ModuleFacts {
    /// Items defined here (types, functions, traits, constants, macros, child modules).
    defines: BTreeSet<String>,
    /// `pub use` re-exports: the name they give, and the path they name (as written, from here).
    reexports: Vec<(String, ModPath)>,
    /// `pub use path::*`: the module paths (as written) whose items this module re-exports.
    glob_reexports: Vec<ModPath>,
    /// `use path::*` of any visibility: where a bare name may come from.
    glob_imports: Vec<ModPath>,
    /// Every path named here (in `use` trees, code, types, patterns), as written.
    named: Vec<ModPath>,
}

/// Walks a file's syntax, keeping the inline module it is in.
struct Collector<'a> {
    scope: ModPath,
    facts: &'a mut BTreeMap<ModPath, ModuleFacts>,
}

impl Collector<'_> {
    fn here(&mut self) -> &mut ModuleFacts {
        self.facts.entry(self.scope.clone()).or_default()
    }

    fn define(&mut self, ident: &syn::Ident) {
        self.here().defines.insert(ident.to_string());
    }

    /// Expands a `use` tree into its paths: `(path, name it gives or None for a glob)`.
    fn use_paths(tree: &syn::UseTree, prefix: ModPath, out: &mut Vec<(ModPath, Option<String>)>) {
        match tree {
            syn::UseTree::Path(p) => {
                let mut prefix = prefix;
                prefix.push(p.ident.to_string());
                Self::use_paths(&p.tree, prefix, out);
            }
            syn::UseTree::Name(n) => {
                let mut path = prefix;
                let name = n.ident.to_string();
                if name != "self" {
                    path.push(name.clone());
                }
                let given = if name == "self" {
                    path.last().cloned().unwrap_or_default()
                } else {
                    name
                };
                out.push((path, Some(given)));
            }
            syn::UseTree::Rename(r) => {
                let mut path = prefix;
                if r.ident != "self" {
                    path.push(r.ident.to_string());
                }
                out.push((path, Some(r.rename.to_string())));
            }
            syn::UseTree::Glob(_) => out.push((prefix, None)),
            syn::UseTree::Group(g) => {
                for tree in &g.items {
                    Self::use_paths(tree, prefix.clone(), out);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        self.define(&item.ident);
        if let Some((_, items)) = &item.content {
            self.scope.push(item.ident.to_string());
            self.here();
            for item in items {
                self.visit_item(item);
            }
            self.scope.pop();
        }
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        let mut paths = Vec::new();
        Self::use_paths(&item.tree, Vec::new(), &mut paths);
        // `pub`, `pub(crate)`, `pub(super)`: others may reach the name through this module.
        let public = !matches!(item.vis, syn::Visibility::Inherited);
        let facts = self.here();
        for (path, given) in paths {
            match &given {
                Some(name) if public => facts.reexports.push((name.clone(), path.clone())),
                None if public => facts.glob_reexports.push(path.clone()),
                _ => {}
            }
            if given.is_none() {
                facts.glob_imports.push(path.clone());
            }
            if !path.is_empty() {
                facts.named.push(path);
            }
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: ModPath = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.here().named.push(segments);
        syn::visit::visit_path(self, path);
    }

    fn visit_item_struct(&mut self, item: &'ast syn::ItemStruct) {
        self.define(&item.ident);
        syn::visit::visit_item_struct(self, item);
    }
    fn visit_item_enum(&mut self, item: &'ast syn::ItemEnum) {
        self.define(&item.ident);
        syn::visit::visit_item_enum(self, item);
    }
    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        self.define(&item.sig.ident);
        syn::visit::visit_item_fn(self, item);
    }
    fn visit_item_trait(&mut self, item: &'ast syn::ItemTrait) {
        self.define(&item.ident);
        syn::visit::visit_item_trait(self, item);
    }
    fn visit_item_type(&mut self, item: &'ast syn::ItemType) {
        self.define(&item.ident);
        syn::visit::visit_item_type(self, item);
    }
    fn visit_item_const(&mut self, item: &'ast syn::ItemConst) {
        self.define(&item.ident);
        syn::visit::visit_item_const(self, item);
    }
    fn visit_item_static(&mut self, item: &'ast syn::ItemStatic) {
        self.define(&item.ident);
        syn::visit::visit_item_static(self, item);
    }
    fn visit_item_union(&mut self, item: &'ast syn::ItemUnion) {
        self.define(&item.ident);
        syn::visit::visit_item_union(self, item);
    }
    fn visit_item_macro(&mut self, item: &'ast syn::ItemMacro) {
        if let Some(ident) = &item.ident {
            self.define(ident);
        }
        syn::visit::visit_item_macro(self, item);
    }
}

/// Every module's facts, read from every file under `src/`.
fn read_sources() -> BTreeMap<ModPath, ModuleFacts> {
    let mut facts = BTreeMap::new();
    for (module, file) in modules() {
        let text = std::fs::read_to_string(&file).expect("readable");
        let syntax = syn::parse_file(&text)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", file.display()));
        facts.entry(module.clone()).or_default();
        let mut collector = Collector {
            scope: module,
            facts: &mut facts,
        };
        collector.visit_file(&syntax);
    }
    facts
}

/// A path as written in `scope`, made absolute; `None` for another crate's path or a name in scope.
fn absolute(
    scope: &[String],
    path: &[String],
    facts: &BTreeMap<ModPath, ModuleFacts>,
) -> Option<ModPath> {
    let first = path.first()?;
    let mut base: ModPath = match first.as_str() {
        "crate" => crate_root(scope),
        "self" => scope.to_vec(),
        "super" => {
            let mut base = scope.to_vec();
            for _ in path.iter().take_while(|s| *s == "super") {
                base.pop();
            }
            base
        }
        // A child module named directly (`membership::join`, Rust 2018's paths).
        name => {
            let mut child = scope.to_vec();
            child.push(name.to_string());
            if !facts.contains_key(&child) {
                return None;
            }
            scope.to_vec()
        }
    };
    let skip = match first.as_str() {
        "crate" | "self" => 1,
        "super" => path.iter().take_while(|s| *s == "super").count(),
        _ => 0,
    };
    base.extend(path[skip..].iter().cloned());
    Some(base)
}

/// Whether `module` offers `name`: defined there, or re-exported (by name or through a glob).
fn offers(
    module: &[String],
    name: &str,
    facts: &BTreeMap<ModPath, ModuleFacts>,
    depth: usize,
) -> bool {
    let Some(f) = facts.get(module) else {
        return false;
    };
    if depth > 8 {
        return false;
    }
    f.defines.contains(name)
        || f.reexports.iter().any(|(given, _)| given == name)
        || f.glob_reexports
            .iter()
            .any(|g| absolute(module, g, facts).is_some_and(|g| offers(&g, name, facts, depth + 1)))
}

/// The module that defines what an absolute path names, following `pub use` re-exports.
fn defining_module(
    path: &[String],
    facts: &BTreeMap<ModPath, ModuleFacts>,
    depth: usize,
) -> ModPath {
    let known = (0..=path.len())
        .rev()
        .find(|&n| facts.contains_key(&path[..n]))
        .unwrap_or(0);
    let module = path[..known].to_vec();
    let rest = &path[known..];
    let (Some(name), Some(f)) = (rest.first(), facts.get(&module)) else {
        return module;
    };
    if depth > 8 || f.defines.contains(name) {
        return module;
    }
    for (given, target) in &f.reexports {
        if given == name {
            if let Some(mut target) = absolute(&module, target, facts) {
                target.extend(rest[1..].iter().cloned());
                return defining_module(&target, facts, depth + 1);
            }
        }
    }
    for glob in &f.glob_reexports {
        if let Some(mut target) = absolute(&module, glob, facts) {
            if offers(&target, name, facts, 0) {
                target.extend(rest.iter().cloned());
                return defining_module(&target, facts, depth + 1);
            }
        }
    }
    module
}

/// Every module another one names: `(from, to)`, each the defining module.
fn dependencies(facts: &BTreeMap<ModPath, ModuleFacts>) -> BTreeSet<(ModPath, ModPath)> {
    let mut found = BTreeSet::new();
    for (scope, f) in facts {
        for path in &f.named {
            let target = match absolute(scope, path, facts) {
                Some(path) => Some(defining_module(&path, facts, 0)),
                // A bare name brought in by a glob import (`use super::*;` then `FetchState`).
                None => f.glob_imports.iter().find_map(|glob| {
                    let mut from = absolute(scope, glob, facts)?;
                    if !offers(&from, &path[0], facts, 0) {
                        return None;
                    }
                    from.extend(path.iter().cloned());
                    Some(defining_module(&from, facts, 0))
                }),
            };
            if let Some(target) = target {
                found.insert((scope.clone(), target));
            }
        }
    }
    found
}

/// Edges among the children of each module: `(parent, from child, to child)`.
fn sibling_edges(
    dependencies: &BTreeSet<(ModPath, ModPath)>,
) -> BTreeSet<(ModPath, String, String)> {
    let mut edges = BTreeSet::new();
    for (module, target) in dependencies {
        let common = module
            .iter()
            .zip(target)
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
    edges
}

/// The cycles among the children of each module (strongly connected components of two or more).
fn cycles(edges: &BTreeSet<(ModPath, String, String)>) -> Vec<String> {
    let mut by_parent: BTreeMap<&ModPath, BTreeMap<&String, BTreeSet<&String>>> = BTreeMap::new();
    for (parent, from, to) in edges {
        by_parent
            .entry(parent)
            .or_default()
            .entry(from)
            .or_default()
            .insert(to);
    }
    let mut found = Vec::new();
    for (parent, graph) in by_parent {
        let reach = |from: &String| {
            let mut seen = BTreeSet::new();
            let mut stack = vec![from];
            while let Some(n) = stack.pop() {
                for next in graph.get(n).into_iter().flatten() {
                    if seen.insert(*next) {
                        stack.push(next);
                    }
                }
            }
            seen
        };
        let nodes: BTreeSet<&String> = graph
            .keys()
            .copied()
            .chain(graph.values().flatten().copied())
            .collect();
        let mut reported = BTreeSet::new();
        for node in &nodes {
            let from_node = reach(node);
            let component: BTreeSet<&String> = nodes
                .iter()
                .filter(|other| from_node.contains(*other) && reach(other).contains(node))
                .copied()
                .collect();
            if component.len() > 1 && reported.insert(component.clone()) {
                let name = if parent.is_empty() {
                    "crate".to_string()
                } else {
                    parent.join("::")
                };
                let members: Vec<&str> = component.into_iter().map(String::as_str).collect();
                found.push(format!("in {name}: {}", members.join(" <-> ")));
            }
        }
    }
    found
}

#[test]
fn no_module_depends_on_itself_through_its_siblings() {
    let facts = read_sources();
    let found = cycles(&sibling_edges(&dependencies(&facts)));
    assert!(found.is_empty(), "module cycles:\n{}", found.join("\n"));
}

/// The checker on a small crate of its own: a cycle hidden behind the parent's re-export and a glob
/// import, in a test module, is found; the same crate without the back edge has none.
#[test]
fn the_checker_sees_a_cycle_even_through_a_re_export() {
    let crate_of = |files: &[(&str, &str)]| {
        let mut facts = BTreeMap::new();
        for (module, text) in files {
            let module: ModPath = module
                .split("::")
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
            facts
                .entry(module.clone())
                .or_insert_with(ModuleFacts::default);
            let syntax = syn::parse_file(text).expect("parses");
            Collector {
                scope: module,
                facts: &mut facts,
            }
            .visit_file(&syntax);
        }
        cycles(&sibling_edges(&dependencies(&facts)))
    };
    let parent = (
        "client",
        "mod fetcher; mod deser; pub use fetcher::FetchState;",
    );
    let fetcher = (
        "client::fetcher",
        "pub enum FetchState {} fn f(_: super::deser::Failure) {}",
    );
    let deser = ("client::deser", "pub struct Failure; #[cfg(test)] mod tests { use super::super::*; fn g(_: FetchState) {} }");
    let root = ("", "mod client;");
    assert_eq!(
        crate_of(&[root, parent, fetcher, deser]),
        ["in client: deser <-> fetcher"]
    );
    let deser_alone = (
        "client::deser",
        "pub struct Failure; const QUOTE: char = '\"'; // super::fetcher",
    );
    assert!(crate_of(&[root, parent, fetcher, deser_alone]).is_empty());
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
