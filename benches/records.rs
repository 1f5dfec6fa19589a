//! The record flow at scale: 100 consumers of one group on a 1,000-partition topic, producers sending
//! 10,000 records/s (keyed and unkeyed), 10 minutes of simulated time. Records move as offset ranges
//! and counts, so the cost follows the messages (produce batches, fetches, commits), not the records.
//!
//! Prints simulated seconds per wall second and the trace size for each case, then Criterion times a
//! one-minute run. `cargo bench --bench records`.

use criterion::{black_box, Criterion};
use rebalance_lab::sim::delivery::Delivery;
use rebalance_lab::sim::{Millis, Scenario, World};
use serde_json::json;
use std::time::Instant;

const TEN_MINUTES: Millis = 600_000;

/// 100 consumers, 1,000 partitions; two producers of 5,000 records/s each (one keyed over 10,000 keys,
/// one unkeyed), auto-commit, 0.05 ms of processing per record.
fn scenario(duration_ms: Millis) -> Scenario {
    let text = json!({
        "name": "100 consumers × 1,000 partitions, 10,000 records/s",
        "seed": 3,
        "topics": [{ "name": "orders", "partitions": 1000 }],
        "groups": [{ "group_id": "orders-app", "config": {
            "auto.offset.reset": "earliest",
            "processing.time.ms": 5
        } }],
        "consumers": [{ "group": "orders-app", "topics": ["orders"], "count": 100 }],
        "producers": [
            { "topic": "orders", "records_per_sec": 5000, "keys": 10000 },
            { "topic": "orders", "records_per_sec": 5000 }
        ],
        "duration_ms": duration_ms,
        // The records processed stay in the trace; the Produce and Fetch messages would take gigabytes.
        "trace_record_flow": false,
    });
    Scenario::from_json(&text.to_string()).expect("valid scenario")
}

fn run(s: &Scenario) -> World {
    let mut world = World::new(s).expect("scenario builds");
    world.run_until(s.duration_ms);
    world
}

fn print_figures() {
    let s = scenario(TEN_MINUTES);
    let start = Instant::now();
    let world = run(&s);
    let wall = start.elapsed().as_secs_f64();
    let delivery = Delivery::from_trace(world.trace());
    let processed = delivery
        .groups
        .get("orders-app")
        .map_or(0, |g| g.records_processed);
    let produced: i64 = world.broker().logs().log_ends()["orders"].iter().sum();
    println!("records: 100 consumers × 1,000 partitions, producers at 10,000 records/s, 10 min simulated");
    println!(
        "  {produced} records produced, {processed} processed, {} trace entries, {:.3} s wall, {:.0} simulated s per wall s",
        world.trace().len(),
        wall,
        (TEN_MINUTES as f64 / 1000.0) / wall
    );
}

fn main() {
    print_figures();
    let mut c = Criterion::default().configure_from_args().sample_size(10);
    let minute = scenario(60_000);
    c.bench_function("records 100x1000 at 10k/s, 60 s simulated", |b| {
        b.iter(|| black_box(run(&minute).trace().len()))
    });
    c.final_summary();
}
