//! Same scenario → byte-identical trace, run after run; and the committed digest that the wasm test
//! (`tests/web.rs`) checks in headless Chromium, so native and WebAssembly give the same trace.
//! After an intended model change: `UPDATE_GOLDEN=1 cargo test --test determinism`.

#[path = "common/digest.rs"]
mod digest;

#[test]
fn the_same_scenario_gives_the_same_trace_twice() {
    assert_eq!(digest::run(digest::SCENARIO), digest::run(digest::SCENARIO));
}

#[test]
fn the_trace_matches_the_committed_digest() {
    let (hash, len, _) = digest::run(digest::SCENARIO);
    let actual = format!("{hash} {len}\n");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/golden/eager-range-join.digest"
        );
        std::fs::write(path, &actual).expect("golden file is writable");
        return;
    }
    assert_eq!(
        digest::GOLDEN,
        actual,
        "the trace changed; if intended, run UPDATE_GOLDEN=1 cargo test --test determinism"
    );
}
