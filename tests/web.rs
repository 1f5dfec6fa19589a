//! The model compiled to WebAssembly and run in headless Chromium gives the same trace as natively:
//! both this test and `tests/model/determinism.rs` must reproduce the committed digests.
//! Run with `cargo test --target wasm32-unknown-unknown --test web` (wasm-bindgen-test-runner + chromedriver).
#![cfg(target_arch = "wasm32")]

#[path = "model/digest.rs"]
mod digest;

use rebalance_lab::session::lessons::LESSONS;
use rebalance_lab::session::{Lab, Session, Strategy};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Every example and lesson trace (see `tests/model/digest.rs`) equals the committed native digest.
#[wasm_bindgen_test]
fn every_trace_in_the_browser_matches_the_native_digests() {
    assert_eq!(digest::GOLDEN, digest::computed());
}

/// The page's own Lab (two Worlds side by side) runs in the browser and refuses bad actions cleanly.
#[wasm_bindgen_test]
fn the_page_lab_runs_and_refuses_in_the_browser() {
    let session = Session {
        scenario: LESSONS[0].scenario(),
        strategies: vec![Strategy::EagerRange, Strategy::CooperativeSticky],
        actions: Vec::new(),
        until_ms: 0,
    };
    let mut lab = Lab::new(session).expect("lesson builds");
    lab.run_until(20_000);
    let snapshots = lab.snapshots();
    for s in &snapshots {
        let owned: usize = s.consumers.iter().map(|c| c.owned.len()).sum();
        assert_eq!(
            owned, 6,
            "every partition is owned once the group is stable"
        );
    }
    let refused = lab.apply(rebalance_lab::sim::Action::KillConsumer {
        consumer: "c9".into(),
    });
    assert!(refused.is_err());
    assert_eq!(
        lab.snapshots(),
        snapshots,
        "a refused action changes nothing"
    );
}

/// The page parses decimals with the browser's `Number.parseFloat` (`ui::number`): the same texts
/// accepted as `str::parse::<f64>`, and bit for bit the same values.
#[wasm_bindgen_test]
fn the_browser_parses_decimals_as_rust_does() {
    use rebalance_lab::ui::number::parse_f64;
    for text in [
        "2",
        "0.5",
        "0.1",
        "100",
        "5.",
        ".5",
        "+1",
        "-0",
        "1e3",
        "1E+05",
        "2.5e-3",
        "1e400",
        "1e-400",
        "0.30000000000000004",
        "123456789012345678901234567890",
        "2.2250738585072011e-308",
        "inf",
        "-Infinity",
        "NaN",
        "",
        ".",
        "e5",
        "1e",
        " 2",
        "0x10",
        "1_000",
    ] {
        let ours = parse_f64(text).map(f64::to_bits);
        let rust = text.parse::<f64>().ok().map(f64::to_bits);
        if text.eq_ignore_ascii_case("nan") {
            assert!(parse_f64(text).is_some_and(f64::is_nan), "{text:?}");
        } else {
            assert_eq!(ours, rust, "{text:?}");
        }
    }
}
