//! Records: producers, partition logs, positions, commits, lag and records processed twice.

use crate::common::{all_log_ends, count_requests, generation, log_ends};
use rebalance_lab::sim::consumption::rebalance_cost;
use rebalance_lab::sim::delivery::{partition_lags, Delivery};
use rebalance_lab::sim::metrics;
use rebalance_lab::sim::producer::partitioner::{murmur2, partition_for_key};
use rebalance_lab::sim::vocab::RebalanceReason;
use rebalance_lab::sim::{ConsumerState, Scenario, TraceEvent, World};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Kafka 4.1.2's own answers for 2,000 keys (`tests/data/partitioner-keyed.json`).
#[test]
fn the_keyed_partitioner_matches_every_kafka_vector() {
    let text = include_str!("../data/partitioner-keyed.json");
    let file: Value = serde_json::from_str(text).unwrap();
    let vectors = file["vectors"].as_array().unwrap();
    assert_eq!(vectors.len(), 2_000);
    for v in vectors {
        let key = v["key"].as_str().unwrap();
        let partitions = v["partitions"].as_i64().unwrap() as i32;
        assert_eq!(
            i64::from(murmur2(key.as_bytes())),
            v["murmur2"].as_i64().unwrap(),
            "murmur2 of {key:?}"
        );
        assert_eq!(
            i64::from(partition_for_key(key, partitions)),
            v["partition"].as_i64().unwrap(),
            "partition of {key:?} among {partitions}"
        );
    }
}

/// A scenario with one producer on `orders` and `consumers` consumers of `app`.
fn scenario(assignor: &str, consumers: usize, extra: Value, actions: Value) -> Scenario {
    let mut config = json!({
        "partition.assignment.strategy": assignor,
        "auto.offset.reset": "earliest",
        "processing.time.ms": 20,
        "processing.time.per.record.ms": 1,
        "max.poll.records": 100,
    });
    for (k, v) in extra.as_object().unwrap() {
        config[k] = v.clone();
    }
    let text = json!({
        "name": "records",
        "seed": 11,
        "topics": [{ "name": "orders", "partitions": 6 }],
        "groups": [{ "group_id": "app", "config": config }],
        "consumers": [{ "group": "app", "topics": ["orders"], "count": consumers }],
        "producers": [{ "topic": "orders", "records_per_sec": 200, "keys": 50, "stop_at_ms": 40000 }],
        "actions": actions,
        "duration_ms": 60000,
    });
    Scenario::from_json(&text.to_string()).expect("valid scenario")
}

fn run(scenario: &Scenario) -> World {
    let mut world = World::new(scenario).unwrap();
    world.run_until(scenario.duration_ms);
    world
}

fn assert_everything_processed(world: &World, group: &str) {
    let delivery = Delivery::from_trace(world.trace());
    let g = delivery
        .groups
        .get(group)
        .expect("the group processed records");
    for (topic, ends) in all_log_ends(world) {
        for (p, &end) in ends.iter().enumerate() {
            let tp = rebalance_lab::sim::assign::TopicPartition::new(topic.as_str(), p as i32);
            let missing = g.processed.get(&tp).map_or(end, |o| o.missing_below(end));
            assert_eq!(
                missing, 0,
                "{tp}: {missing} of {end} records never processed"
            );
        }
    }
}

#[test]
fn consumers_read_every_record_and_the_lag_drains() {
    let world = run(&scenario("range", 2, json!({}), json!([])));
    let produced: i64 = log_ends(&world, "orders").iter().sum();
    assert_eq!(produced, 8_000, "200 records/s for 40 s");
    assert_eq!(world.snapshot().producers[0].records_sent, 8_000);
    assert_everything_processed(&world, "app");
    let delivery = Delivery::from_trace(world.trace());
    assert_eq!(delivery.groups["app"].duplicates, 0);
    assert_eq!(delivery.groups["app"].records_processed, 8_000);
    for lag in partition_lags(&world) {
        assert_eq!(
            lag.lag, 0,
            "{}: committed {:?}",
            lag.partition, lag.committed
        );
        assert_eq!(lag.position, Some(lag.log_end_offset));
    }
}

#[test]
fn keys_land_where_kafkas_partitioner_puts_them() {
    // One key only: every record goes to the one partition Kafka's partitioner names for it.
    let text = json!({
        "topics": [{ "name": "orders", "partitions": 6 }],
        "producers": [{ "topic": "orders", "records_per_sec": 100, "keys": 1, "stop_at_ms": 5000 }],
        "duration_ms": 6000,
    });
    let world = run(&Scenario::from_json(&text.to_string()).unwrap());
    let ends = &log_ends(&world, "orders");
    let p = partition_for_key("key-0", 6) as usize;
    assert_eq!(ends[p], 500);
    assert_eq!(ends.iter().sum::<i64>(), 500);
}

#[test]
fn unkeyed_records_stick_to_one_partition_per_batch() {
    let text = json!({
        "topics": [{ "name": "orders", "partitions": 6 }],
        "producers": [{ "topic": "orders", "records_per_sec": 1000, "stop_at_ms": 10000 }],
        "duration_ms": 11000,
    });
    let world = run(&Scenario::from_json(&text.to_string()).unwrap());
    // 1,000 records/s with linger.ms=5: a send every 6 ms (the first record waits 1 ms, then lingers
    // 5 ms), 6 records each; 164 records of 100 bytes fill the
    // 16,384-byte batch.size, so a send touches one partition, or two when the sticky one changes.
    let mut sends = 0;
    let mut switches = 0;
    for entry in world.trace() {
        let TraceEvent::MessageSent { message, .. } = &entry.event else {
            continue;
        };
        if let rebalance_lab::sim::protocol::Message::Request {
            body: rebalance_lab::sim::protocol::Request::Produce(r),
            ..
        } = &**message
        {
            sends += 1;
            assert!(r.batches.len() <= 2, "{r:?}");
            switches += r.batches.len() - 1;
        }
    }
    assert_eq!(sends, 1_667);
    assert!(switches <= 10_000 / 164, "{switches} switches");
    assert_eq!(log_ends(&world, "orders").iter().sum::<i64>(), 10_000);
}

/// A third consumer joins at 20 s. Eager members commit in `onJoinPrepare` and stop reading until the
/// new assignment, so nothing is read twice; cooperative members commit in `onJoinPrepare` too but go
/// on reading the partitions they will give up until the assignment revokes them, and those records
/// are read again by the new owner from the older committed offset.
#[test]
fn eager_reads_nothing_twice_where_cooperative_rereads_what_moved() {
    let join = json!([{ "at_ms": 20000, "action": { "type": "add_consumer", "group": "app", "topics": ["orders"] } }]);
    let eager = run(&scenario("range", 2, json!({}), join.clone()));
    let cooperative = run(&scenario("cooperative-sticky", 2, json!({}), join));
    for world in [&eager, &cooperative] {
        assert_everything_processed(world, "app");
    }
    // The Metrics tab and Compare count the same duplicates, per rebalance.
    for world in [&eager, &cooperative] {
        let m = metrics::compute(world.trace(), world.now());
        let g = &m.groups["app"];
        let d = &Delivery::from_trace(world.trace()).groups["app"];
        assert_eq!(g.duplicates, d.duplicates);
        assert_eq!(
            g.rebalances.iter().map(|r| r.duplicates).sum::<u64>(),
            d.duplicates
        );
        assert_eq!(rebalance_cost(&m, "app").duplicates, d.duplicates);
    }
    let eager = Delivery::from_trace(eager.trace());
    let cooperative = Delivery::from_trace(cooperative.trace());
    assert_eq!(eager.groups["app"].duplicates, 0);
    let dup = &cooperative.groups["app"];
    assert!(dup.duplicates > 0, "cooperative re-reads what moved");
    // All of them fall to the rebalance that moved the partitions to the newcomer.
    assert_eq!(
        dup.duplicates_by_generation.len(),
        1,
        "{:?}",
        dup.duplicates_by_generation
    );
    assert_eq!(
        dup.duplicates_per_consumer.keys().collect::<Vec<_>>(),
        vec!["c3"]
    );
}

/// A member killed mid-stream: its partitions move after the session timeout, and whatever it read
/// after its last auto-commit is read again by the new owner.
#[test]
fn a_crash_makes_the_new_owner_reread_since_the_last_commit() {
    let kill = json!([{ "at_ms": 12000, "action": { "type": "kill_consumer", "consumer": "c1" } }]);
    let world = run(&scenario(
        "range",
        2,
        json!({"session.timeout.ms": 10000}),
        kill,
    ));
    assert_everything_processed(&world, "app");
    let delivery = Delivery::from_trace(world.trace());
    assert!(delivery.groups["app"].duplicates > 0);
    assert_eq!(
        delivery.groups["app"]
            .duplicates_per_consumer
            .keys()
            .collect::<Vec<_>>(),
        vec!["c2"]
    );
}

/// Manual `commitSync()` after each batch: a stall past `max.poll.interval.ms` gets the member removed;
/// its commit after the stall is not even sent and fails with CommitFailedException.
#[test]
fn a_commit_after_a_long_stall_fails_with_commit_failed_exception() {
    let stall = json!([{ "at_ms": 10000, "action": { "type": "stall_consumer", "consumer": "c1", "ms": 20000 } }]);
    let extra = json!({"enable.auto.commit": false, "manual.commit": "sync", "max.poll.interval.ms": 10000});
    let world = run(&scenario("range", 2, extra, stall));
    let failure = world.trace().iter().find_map(|e| match &e.event {
        TraceEvent::CommitFailed { consumer, error } if consumer == "c1" => Some(error.clone()),
        _ => None,
    });
    let failure = failure.expect("c1's commit fails");
    assert!(failure.starts_with("CommitFailedException"), "{failure}");
    assert_everything_processed(&world, "app");
}

#[test]
fn auto_offset_reset_none_throws_no_offset_for_partition() {
    let world = run(&scenario(
        "range",
        1,
        json!({"auto.offset.reset": "none"}),
        json!([]),
    ));
    match world.snapshot().consumers[0].state.clone() {
        ConsumerState::Failed(error) => assert!(
            error.starts_with("NoOffsetForPartitionException: Undefined offset with no reset policy for partitions: [orders-0"),
            "{error}"
        ),
        other => panic!("expected a failure, got {other:?}"),
    }
}

/// The exception leaves the application's try block, and close() runs on the way out, as in the Code
/// tab's program: the failed consumer commits nothing (it has no position), gives its partitions up
/// and sends LeaveGroup, so the group rebalances at once instead of waiting out its session. The
/// other member, which may start from the earliest offset, then reads everything.
#[test]
fn a_consumer_that_throws_no_offset_for_partition_closes_and_leaves_the_group_at_once() {
    let text = json!({
        "seed": 11,
        "topics": [{ "name": "orders", "partitions": 6 }],
        "groups": [{ "group_id": "app", "config": { "processing.time.ms": 20, "session.timeout.ms": 45000 } }],
        "consumers": [
            { "group": "app", "topics": ["orders"], "config": { "auto.offset.reset": "earliest" } },
            { "group": "app", "topics": ["orders"], "config": { "auto.offset.reset": "none" } }
        ],
        "producers": [{ "topic": "orders", "records_per_sec": 200, "keys": 50, "stop_at_ms": 40000 }],
        "duration_ms": 60000,
    });
    let world = run(&Scenario::from_json(&text.to_string()).unwrap());
    let c2 = world.snapshot().consumers[1].clone();
    let ConsumerState::Failed(error) = &c2.state else {
        panic!("c2 should have failed: {:?}", c2.state);
    };
    assert!(
        error.starts_with("NoOffsetForPartitionException"),
        "{error}"
    );
    let failed_at = c2.stopped_at.expect("a failed consumer has stopped");
    assert_eq!(count_requests(&world, "c2", "LeaveGroup", failed_at), 1);
    // The group rebalanced because c2 left, long before its 45 s session could have expired.
    let left = world.trace().iter().find_map(|e| match &e.event {
        TraceEvent::RebalanceStarted {
            reason: RebalanceReason::MemberLeft { .. },
            ..
        } => Some(e.at),
        _ => None,
    });
    let left = left.expect("c2's LeaveGroup starts a rebalance");
    assert!(
        left >= failed_at && left < failed_at + 1_000,
        "failed at {failed_at}, rebalance at {left}"
    );
    assert!(!world.trace().iter().any(|e| matches!(
        &e.event,
        TraceEvent::RebalanceStarted {
            reason: RebalanceReason::SessionExpired { .. },
            ..
        }
    )));
    assert_everything_processed(&world, "app");
}

/// Two groups on one topic keep their own offsets: a group that starts late with `earliest` reads
/// everything, one with `latest` starts at the end.
#[test]
fn each_group_has_its_own_offsets() {
    let text = json!({
        "topics": [{ "name": "orders", "partitions": 3 }],
        "groups": [
            { "group_id": "early", "config": { "auto.offset.reset": "earliest" } },
            { "group_id": "late-earliest", "config": { "auto.offset.reset": "earliest" } },
            { "group_id": "late-latest", "config": { "auto.offset.reset": "latest" } }
        ],
        "consumers": [
            { "group": "early", "topics": ["orders"] },
            { "group": "late-earliest", "topics": ["orders"], "start_at_ms": 20000 },
            { "group": "late-latest", "topics": ["orders"], "start_at_ms": 20000 }
        ],
        "producers": [{ "topic": "orders", "records_per_sec": 100, "stop_at_ms": 30000 }],
        "duration_ms": 40000,
    });
    let world = run(&Scenario::from_json(&text.to_string()).unwrap());
    let d = Delivery::from_trace(world.trace());
    assert_eq!(d.groups["early"].records_processed, 3_000);
    assert_eq!(d.groups["late-earliest"].records_processed, 3_000);
    let latest = d.groups["late-latest"].records_processed;
    assert!(latest > 0 && latest < 1_500, "latest read {latest}");
    // Each group committed its own offsets on the shared topic.
    let committing: BTreeSet<String> = world
        .snapshot()
        .partition_logs
        .into_iter()
        .filter(|l| l.lag.committed.is_some())
        .map(|l| l.lag.group)
        .collect();
    assert_eq!(committing.len(), 3, "{committing:?}");
}

#[test]
fn a_producer_on_a_missing_topic_is_refused() {
    let text = json!({
        "topics": [{ "name": "orders", "partitions": 3 }],
        "producers": [{ "topic": "payments", "records_per_sec": 100 }],
    });
    let error = World::new(&Scenario::from_json(&text.to_string()).unwrap()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "producers[0]: topic \"payments\" is not in topics; a producer writes to a topic the scenario creates"
    );
}

/// A static member restarted within its session keeps its partitions and nobody rebalances (KIP-345),
/// but it comes back to the lag its partitions built while it was away, and catches up from the
/// group's committed offsets at its processing rate.
#[test]
fn a_static_member_restarted_in_time_catches_up_on_its_lag() {
    let text = json!({
        "seed": 5,
        "topics": [{ "name": "orders", "partitions": 4 }],
        "groups": [{ "group_id": "app", "config": {
            "auto.offset.reset": "earliest",
            "processing.time.ms": 10,
            "processing.time.per.record.ms": 2,
            "max.poll.records": 50
        } }],
        "consumers": [
            { "group": "app", "topics": ["orders"], "config": { "group.instance.id": "a" } },
            { "group": "app", "topics": ["orders"], "config": { "group.instance.id": "b" } }
        ],
        "producers": [{ "topic": "orders", "records_per_sec": 100, "keys": 20, "stop_at_ms": 85000 }],
        "actions": [
            { "at_ms": 20000, "action": { "type": "kill_consumer", "consumer": "c1" } },
            { "at_ms": 35000, "action": { "type": "restart_consumer", "consumer": "c1" } }
        ],
        "duration_ms": 90000,
    });
    let scenario = Scenario::from_json(&text.to_string()).unwrap();
    let mut world = World::new(&scenario).unwrap();
    world.run_until(19_999);
    let generation = generation(&world, "app");
    let owned: Vec<_> = world.snapshot().consumers[0].owned.clone();
    assert!(!owned.is_empty());
    let lag_of = |world: &World| -> i64 {
        partition_lags(world)
            .iter()
            .filter(|l| owned.contains(&l.partition))
            .map(|l| l.lag)
            .sum()
    };
    world.run_until(35_000);
    let built_up = lag_of(&world);
    assert!(
        built_up > 500,
        "15 s away at ~50 records/s builds lag: {built_up}"
    );
    world.run_until(90_000);
    // No rebalance: same generation, same partitions, and the lag is gone.
    assert_eq!(crate::common::generation(&world, "app"), generation);
    let back: Vec<_> = world.snapshot().consumers[0].owned.clone();
    assert_eq!(back, owned);
    // Caught up: its position is at (or a batch away from) the log end; the committed lag is what
    // auto-commit leaves between two commits.
    let behind: i64 = partition_lags(&world)
        .iter()
        .filter(|l| owned.contains(&l.partition))
        .map(|l| l.log_end_offset - l.position.unwrap_or(0))
        .sum();
    assert!(behind < 50, "{behind} records behind");
    assert!(
        lag_of(&world) < built_up / 2,
        "lag {} after {built_up}",
        lag_of(&world)
    );
    assert_everything_processed(&world, "app");
}

/// The producer control: a new rate (and keys) from now on, 0 pausing it; an unknown producer is
/// refused with a clear message and changes nothing.
#[test]
fn a_producer_changes_rate_and_keys_while_running() {
    let text = json!({
        "topics": [{ "name": "orders", "partitions": 6 }],
        "producers": [{ "topic": "orders", "records_per_sec": 100, "stop_at_ms": 30000 }],
        "actions": [
            { "at_ms": 10000, "action": { "type": "set_producer_rate", "producer": "p1", "records_per_sec": 400, "keys": 1 } },
            { "at_ms": 20000, "action": { "type": "set_producer_rate", "producer": "p1", "records_per_sec": 0 } },
            { "at_ms": 25000, "action": { "type": "set_producer_rate", "producer": "p1", "records_per_sec": 100 } }
        ],
        "duration_ms": 32000,
    });
    let scenario = Scenario::from_json(&text.to_string()).unwrap();
    let mut world = World::new(&scenario).unwrap();
    world.run_until(10_000);
    let before: Vec<i64> = log_ends(&world, "orders");
    world.run_until(20_100);
    let after: Vec<i64> = log_ends(&world, "orders");
    let key_partition = partition_for_key("key-0", 6) as usize;
    assert_eq!(
        after[key_partition] - before[key_partition],
        4_000,
        "{before:?} → {after:?}"
    );
    world.run_until(24_000);
    let paused: i64 = log_ends(&world, "orders").iter().sum();
    assert_eq!(paused, 5_000, "nothing sent while paused");
    world.run_until(32_000);
    assert_eq!(world.snapshot().producers[0].records_sent, 5_500);

    let refused = world.apply(rebalance_lab::sim::Action::SetProducerRate {
        producer: "p9".into(),
        records_per_sec: 10,
        keys: 0,
    });
    assert_eq!(
        refused.unwrap_err().to_string(),
        "there is no producer p9 (producers: p1)"
    );
}
