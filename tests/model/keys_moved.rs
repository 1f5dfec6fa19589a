//! Adding partitions changes where keys land: once the producer's metadata shows the new count, the
//! keys whose `murmur2 % partitions` changed go elsewhere, and the snapshot says which.

use crate::common::log_ends;
use rebalance_lab::sim::producer::keys_moved::KeysMoved;
use rebalance_lab::sim::producer::partitioner::partition_for_key;
use rebalance_lab::sim::{Action, Scenario, World};
use serde_json::json;

#[test]
fn the_producer_reports_which_keys_moved_after_it_learns_of_new_partitions() {
    let text = json!({
        "name": "keys-moved",
        "seed": 2,
        "topics": [{ "name": "orders", "partitions": 6 }],
        "groups": [{ "group_id": "app", "config": { "auto.offset.reset": "earliest" } }],
        "consumers": [{ "group": "app", "topics": ["orders"], "count": 1 }],
        "producers": [{ "topic": "orders", "records_per_sec": 100, "keys": 40 }],
        "actions": [],
        "duration_ms": 400000,
    });
    let scenario = Scenario::from_json(&text.to_string()).unwrap();
    let mut world = World::new(&scenario).unwrap();
    world.run_until(10_000);
    assert!(world.snapshot().producers[0].keys_moved.is_none());
    world
        .apply(Action::AddPartitions {
            topic: "orders".into(),
            total: 8,
        })
        .unwrap();
    world.run_until(20_000);
    // The producer still partitions by its old metadata (metadata.max.age.ms: 5 minutes).
    assert!(world.snapshot().producers[0].keys_moved.is_none());
    assert_eq!(world.snapshot().producers[0].known_partitions, Some(6));
    world.run_until(320_000);
    assert_eq!(world.snapshot().producers[0].known_partitions, Some(8));
    let moved = world.snapshot().producers[0]
        .keys_moved
        .clone()
        .expect("keys moved");
    assert_eq!(moved, KeysMoved::compute(40, 6, 8));
    let (key, old, new) = &moved.sample[0];
    assert_eq!(
        (partition_for_key(key, 6), partition_for_key(key, 8)),
        (*old, *new)
    );
    // The new partitions receive records only after the producer learned of them.
    let ends = &log_ends(&world, "orders");
    assert!(ends[6] + ends[7] > 0, "{ends:?}");
}
