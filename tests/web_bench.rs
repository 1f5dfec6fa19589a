//! Figures in the browser, printed and never checked (run by hand, not by CI): the assignors on the
//! big conformance cases timed as `lab assign --bench` times them natively, and the event loop's
//! speed curve (60 simulated seconds, Kafka's defaults), without records and with producers at
//! 10,000 records/s (the load `benches/records.rs` runs natively), and what a seek across a lesson's
//! 10-minute run costs (rewind). Build it as the page is built,
//! size-tuned:
//!
//! `cargo test --profile web --target wasm32-unknown-unknown --test web_bench -- --nocapture`
//!
//! (wasm-bindgen-test-runner drives headless Chromium through chromedriver and prints the console.)
#![cfg(target_arch = "wasm32")]

use rebalance_lab::sim::assign::bench::{bench_case, clock_tick, write_bench, BenchOptions};
use rebalance_lab::sim::assign::conformance::parse_cases;
use rebalance_lab::sim::delivery::Delivery;
use rebalance_lab::sim::scenario::{ConsumerSpec, GroupSpec, Scenario, TopicSpec};
use rebalance_lab::sim::World;
use std::collections::BTreeMap;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "../benches/common/records_load.rs"]
mod records_load;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .expect("a browser with performance.now()")
        .now()
}

/// The big cases from `first` on, `count` of them. The test runner gives up on a page that stays
/// busy for 20 s, so the cases are timed a few per test.
fn bench_big_cases(first: usize, count: usize) {
    let text = include_str!("data/conformance/public-cases.json");
    let cases = parse_cases(text).expect("valid cases");
    // `performance.now()` is coarse (5 µs, or 100 µs without cross-origin isolation): the bench
    // times batches of calls long enough for the clock (see `sim::assign::bench`).
    let options = BenchOptions {
        warmup_ms: 500.0,
        clock_tick_ms: clock_tick(&mut now_ms),
        ..BenchOptions::default()
    };
    let rows: Vec<_> = cases
        .cases
        .iter()
        .filter(|c| c.big)
        .skip(first)
        .take(count)
        .map(|case| bench_case(case, &options, &mut now_ms))
        .collect();
    let agent = web_sys::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .unwrap_or_default();
    console_log!(
        "{}",
        write_bench(
            &rows,
            &format!("rebalance-lab wasm32 in {agent}"),
            1,
            &options
        )
    );
}

#[wasm_bindgen_test]
fn assignors_big_cases_1_to_5() {
    bench_big_cases(0, 5);
}

#[wasm_bindgen_test]
fn assignors_big_cases_6_to_10() {
    bench_big_cases(5, 5);
}

#[wasm_bindgen_test]
fn assignors_big_cases_11_to_15() {
    bench_big_cases(10, 5);
}

#[wasm_bindgen_test]
fn assignors_big_cases_16_to_19() {
    bench_big_cases(15, 5);
}

/// 60 simulated seconds at one size with Kafka's defaults: one line of the speed curve.
fn speed_curve_line(consumers: usize, partitions: i32) {
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
        producers: Vec::new(),
        trace_record_flow: true,
        actions: Vec::new(),
        duration_ms: 60_000,
    };
    let runs = if consumers >= rebalance_lab::sim::limits::MAX_CONSUMERS {
        1
    } else {
        3
    };
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
        "speed curve in the browser (60 s simulated, Kafka's defaults, World::new + run_until, best of {runs}): \
         {consumers} consumers x {partitions} partitions: {best:.1} ms real, {:.0} sim s per real s, \
         {:.3} ns per consumer-partition-sim-second",
        60_000.0 / best,
        best * 1e6 / (consumers as f64 * f64::from(partitions) * 60.0)
    );
}

#[wasm_bindgen_test]
fn speed_curve_10_x_60() {
    speed_curve_line(10, 60);
}

#[wasm_bindgen_test]
fn speed_curve_30_x_120() {
    speed_curve_line(30, 120);
}

#[wasm_bindgen_test]
fn speed_curve_100_x_1000() {
    speed_curve_line(100, 1_000);
}

/// The largest size, issue 12's: the model's limit on consumers (`sim::limits::MAX_CONSUMERS`).
#[wasm_bindgen_test]
fn speed_curve_1000_x_10000() {
    speed_curve_line(rebalance_lab::sim::limits::MAX_CONSUMERS, 10_000);
}

/// 60 simulated seconds at one size with producers at 10,000 records/s: one line of the speed curve
/// with records, as `cargo bench --bench records` prints it natively.
fn speed_curve_with_records_line(consumers: usize, partitions: i32, runs: usize) {
    let scenario = records_load::records_load(consumers, partitions, 60_000);
    let (best, processed) = (0..runs)
        .map(|_| {
            let start = now_ms();
            let mut world = World::new(&scenario).expect("valid scenario");
            world.run_until(60_000);
            let elapsed = now_ms() - start;
            let processed = Delivery::from_trace(world.trace())
                .groups
                .get("orders-app")
                .map_or(0, |g| g.records_processed);
            (elapsed, processed)
        })
        .fold(
            (f64::INFINITY, 0),
            |best, run| {
                if run.0 < best.0 {
                    run
                } else {
                    best
                }
            },
        );
    console_log!(
        "speed curve with records in the browser (60 s simulated, producers at 10,000 records/s, \
         World::new + run_until, best of {runs}): {consumers} consumers x {partitions} partitions: \
         {best:.1} ms real, {:.0} sim s per real s, {:.1} ns per consumer-partition-sim-second, \
         {processed} records processed, {:.2} us per record",
        60_000.0 / best,
        best * 1e6 / (consumers as f64 * f64::from(partitions) * 60.0),
        best * 1e3 / processed.max(1) as f64
    );
}

#[wasm_bindgen_test]
fn speed_curve_with_records_10_x_60() {
    speed_curve_with_records_line(10, 60, 3);
}

#[wasm_bindgen_test]
fn speed_curve_with_records_30_x_120() {
    speed_curve_with_records_line(30, 120, 3);
}

#[wasm_bindgen_test]
fn speed_curve_with_records_100_x_1000() {
    speed_curve_with_records_line(100, 1_000, 3);
}

/// One run: the test runner gives up on a page that stays busy for 20 s.
#[wasm_bindgen_test]
fn speed_curve_with_records_1000_x_10000() {
    speed_curve_with_records_line(rebalance_lab::sim::limits::MAX_CONSUMERS, 10_000, 1);
}

/// Rewind in the browser: a lesson played for 10 simulated minutes as the page plays it, then a
/// seek to every 10 s of the run (`session::rewind::scrub_figures`; natively its test prints the same).
fn scrubbing_line(lesson: &str) {
    let figures = rebalance_lab::session::rewind::scrub_figures(lesson, &mut now_ms);
    console_log!("{figures} (wasm)");
    console_log!(
        "linear memory after {lesson}: {:.1} MiB (it only grows: the most this page has held, so run one scrubbing test alone to read it as that lesson's)",
        linear_memory_bytes() as f64 / (1024.0 * 1024.0)
    );
}

/// The size of the module's linear memory, which a wasm module never gives back: its high-water mark.
fn linear_memory_bytes() -> u32 {
    use wasm_bindgen::JsCast;
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .expect("the module's memory")
        .buffer()
        .dyn_into::<js_sys::ArrayBuffer>()
        .expect("an ArrayBuffer")
        .byte_length()
}

#[wasm_bindgen_test]
fn scrubbing_the_rolling_deploy() {
    scrubbing_line("rolling-deploy");
}

#[wasm_bindgen_test]
fn scrubbing_the_records_lesson() {
    scrubbing_line("duplicates");
}
