//! The model compiled to WebAssembly and run in headless Chromium must give the same results as natively.
//! Run with `cargo test --target wasm32-unknown-unknown --test web` (wasm-bindgen-test-runner + chromedriver).
#![cfg(target_arch = "wasm32")]

use rebalance_lab::sim::split::GroupSplit;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The same sequence as `tests/split.rs` runs natively: 6 partitions, 3 consumers, then a 4th.
#[wasm_bindgen_test]
fn range_split_in_the_browser_matches_native() {
    let mut split = GroupSplit::new("orders", 6, 3);
    split.add_consumer();
    let a = split.assignment();
    assert_eq!(a["c1"], vec![0, 1]);
    assert_eq!(a["c2"], vec![2, 3]);
    assert_eq!(a["c3"], vec![4]);
    assert_eq!(a["c4"], vec![5]);
}
