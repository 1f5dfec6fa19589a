//! The record-flow load the benchmarks share (`benches/records.rs` natively, `tests/web_bench.rs` in
//! the browser): one group of `consumers` on a topic of `partitions`, two producers of 5,000
//! records/s each (one keyed over 10,000 keys, one unkeyed), `auto.offset.reset` earliest and 5 ms of
//! processing per batch. Included as a module by path, so both measure the same scenario.

use rebalance_lab::sim::{Millis, Scenario};
use serde_json::json;

/// `consumers` in one group on a topic of `partitions`, producers at 10,000 records/s in all.
pub fn records_load(consumers: usize, partitions: i32, duration_ms: Millis) -> Scenario {
    let text = json!({
        "name": format!("{consumers} consumers × {partitions} partitions, 10,000 records/s"),
        "seed": 3,
        "topics": [{ "name": "orders", "partitions": partitions }],
        "groups": [{ "group_id": "orders-app", "config": {
            "auto.offset.reset": "earliest",
            "processing.time.ms": 5
        } }],
        "consumers": [{ "group": "orders-app", "topics": ["orders"], "count": consumers }],
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
