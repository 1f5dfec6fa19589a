//! Figures in the browser, printed and never checked (run by hand, not by CI): the assignors on the
//! big conformance cases timed as `lab assign --bench` times them natively, and the event loop's
//! speed curve (60 simulated seconds, Kafka's defaults). Build it as the page is built, size-tuned:
//!
//! `cargo test --profile web --target wasm32-unknown-unknown --test web_bench -- --nocapture`
//!
//! (wasm-bindgen-test-runner drives headless Chromium through chromedriver and prints the console.)
#![cfg(target_arch = "wasm32")]

use rebalance_lab::sim::assign::bench::{bench_case, write_bench, BenchOptions};
use rebalance_lab::sim::assign::conformance::parse_cases;
use rebalance_lab::sim::scenario::{ConsumerSpec, GroupSpec, Scenario, TopicSpec};
use rebalance_lab::sim::World;
use std::collections::BTreeMap;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .expect("a browser with performance.now()")
        .now()
}

#[wasm_bindgen_test]
fn assignors_on_the_big_cases_in_the_browser() {
    let text = include_str!("data/conformance/public-cases.json");
    let cases = parse_cases(text).expect("valid cases");
    let options = BenchOptions::default();
    let rows: Vec<_> = cases
        .cases
        .iter()
        .filter(|c| c.big)
        .map(|case| bench_case(case, &options, &mut now_ms))
        .collect();
    let agent = web_sys::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .unwrap_or_default();
    console_log!(
        "{}",
        write_bench(&rows, &format!("rebalance-lab wasm32 in {agent}"), 1)
    );
}

#[wasm_bindgen_test]
fn event_loop_speed_curve_in_the_browser() {
    console_log!("speed curve in the browser: 60 s simulated, Kafka's defaults, World::new + run_until");
    console_log!("consumers partitions   real ms  sim s per real s  ns per c·p·sim-s");
    for (consumers, partitions) in [(10usize, 60i32), (30, 120), (100, 1_000), (1_000, 10_000)] {
        let scenario = Scenario {
            name: "curve".into(),
            description: String::new(),
            seed: 1,
            network_latency_ms: 2,
            broker: BTreeMap::new(),
            topics: vec![TopicSpec {
                name: "orders".into(),
                partitions,
            }],
            groups: vec![GroupSpec {
                group_id: "orders-app".into(),
                config: BTreeMap::new(),
            }],
            consumers: vec![ConsumerSpec {
                group: "orders-app".into(),
                topics: vec!["orders".into()],
                config: BTreeMap::new(),
                start_at_ms: 0,
                count: consumers,
            }],
            actions: Vec::new(),
            duration_ms: 60_000,
        };
        let runs = if consumers >= 1_000 { 1 } else { 3 };
        let best = (0..runs)
            .map(|_| {
                let start = now_ms();
                let mut world = World::new(&scenario).expect("valid scenario");
                world.run_until(60_000);
                let elapsed = now_ms() - start;
                drop(world);
                elapsed
            })
            .fold(f64::INFINITY, f64::min);
        console_log!(
            "{consumers:>9} {partitions:>10} {best:>9.1} {:>17.0} {:>17.3}",
            60_000.0 / best,
            best * 1e6 / (consumers as f64 * f64::from(partitions) * 60.0)
        );
    }
}
