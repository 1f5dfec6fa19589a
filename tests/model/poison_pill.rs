//! Deserializers and the poison pill: a record the consumer's value deserializer rejects makes `poll()`
//! throw RecordDeserializationException (partition and offset named) after returning the records before
//! it, every later `poll()` throws the same, and only `seek(partition, offset + 1)` lets it go on.

use crate::common::{log_end, poison_pills};
use rebalance_lab::sim::assign::TopicPartition;
use rebalance_lab::sim::delivery::{partition_lags, Delivery};
use rebalance_lab::sim::{Action, ActionError, ConsumerState, Scenario, TraceEvent, World};
use serde_json::{json, Value};

const LONG: &str = "org.apache.kafka.common.serialization.LongDeserializer";
const STRING: &str = "org.apache.kafka.common.serialization.StringDeserializer";

/// One consumer of a 2-partition topic, a producer of 100 keyed records/s until 20 s, `actions` at
/// their times; the consumer's `value.deserializer` is `value_deserializer`.
fn scenario(value_deserializer: &str, protocol: &str, actions: Value) -> Scenario {
    let text = json!({
        "name": "poison-pill",
        "seed": 5,
        "topics": [{ "name": "orders", "partitions": 2 }],
        "groups": [{ "group_id": "app", "config": {
            "group.protocol": protocol,
            "auto.offset.reset": "earliest",
            "processing.time.ms": 10,
            "max.poll.records": 50,
            "value.deserializer": value_deserializer,
        }}],
        "consumers": [{ "group": "app", "topics": ["orders"], "count": 1 }],
        "producers": [{ "topic": "orders", "records_per_sec": 100, "keys": 10, "stop_at_ms": 20000 }],
        "actions": actions,
        "duration_ms": 60000,
    });
    Scenario::from_json(&text.to_string()).expect("valid scenario")
}

fn pill_at(ms: u64, partition: i32) -> Value {
    json!({ "at_ms": ms, "action": { "type": "produce_poison_pill", "producer": "p1", "partition": partition } })
}

fn world_at(scenario: &Scenario, t: u64) -> World {
    let mut world = World::new(scenario).unwrap();
    world.run_until(t);
    world
}

fn producer_handle(world: &World) -> String {
    world.snapshot().producers[0].handle.clone()
}

fn failures(world: &World) -> Vec<(String, TopicPartition, i64, String)> {
    world
        .trace()
        .iter()
        .filter_map(|e| match &e.event {
            TraceEvent::RecordDeserializationFailed {
                consumer,
                partition,
                offset,
                message,
                ..
            } => Some((
                consumer.clone(),
                partition.clone(),
                *offset,
                message.clone(),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn the_producer_handle_is_p1() {
    let world = world_at(&scenario(LONG, "classic", json!([])), 0);
    assert_eq!(
        producer_handle(&world),
        "p1",
        "the scenario actions name the producer p1"
    );
}

#[test]
fn poll_throws_naming_partition_and_offset_after_returning_the_records_before_it() {
    let s = scenario(LONG, "classic", json!([pill_at(10_000, 1)]));
    let world = world_at(&s, 30_000);
    let pill = poison_pills(&world, &TopicPartition::new("orders", 1))[0];
    assert!(pill > 0, "records were sent to orders-1 before the pill");
    let thrown = failures(&world);
    assert_eq!(
        thrown.len(),
        1,
        "recorded once, however often poll() throws: {thrown:?}"
    );
    let (consumer, partition, offset, message) = &thrown[0];
    assert_eq!(
        (consumer.as_str(), partition.to_string().as_str(), *offset),
        ("c1", "orders-1", pill)
    );
    assert_eq!(
        message,
        &format!(
            "RecordDeserializationException: Error deserializing VALUE for partition orders-1 at offset {pill}. \
             If needed, please seek past the record to continue consumption."
        )
    );
    // Every record before the pill was processed; none at or after it.
    let delivery = Delivery::from_trace(world.trace());
    let processed = &delivery.groups["app"].processed[partition];
    assert_eq!(
        processed.ranges(),
        &[(0, pill)],
        "orders-1 processed up to the pill"
    );
    // The stuck consumer is still a member: poll() that throws still resets the poll timer.
    let snapshot = world.snapshot();
    let c1 = &snapshot.consumers[0];
    assert_eq!(c1.state, ConsumerState::Stable);
    assert_eq!(c1.owned.len(), 2);
    assert_eq!(
        c1.poll_deadline, None,
        "the application is always inside poll()"
    );
    let stuck = c1
        .stuck_on_record
        .as_ref()
        .expect("the card shows the exception");
    assert_eq!(
        (stuck.partition.to_string(), stuck.offset),
        ("orders-1".to_string(), pill)
    );
    assert_eq!(
        stuck.cause,
        "SerializationException: Size of data received by LongDeserializer is not 8"
    );
    // The whole consumer is stuck (the failed fetch is next in line): lag grows on both partitions.
    let lags = partition_lags(&world);
    assert!(lags.iter().all(|l| l.lag > 0), "{lags:?}");
    assert!(world.refused_actions().is_empty());
    let summary = rebalance_lab::sim::report::summary(&world);
    assert!(
        summary.contains(&format!("  c1 is stuck: every poll() throws {message}")),
        "{summary}"
    );
}

#[test]
fn stuck_past_max_poll_interval_it_stays_in_the_group_and_does_not_progress() {
    let s = scenario(LONG, "classic", json!([pill_at(5_000, 0)]));
    let mut world = World::new(&s).unwrap();
    world.run_until(10_000);
    let lag_then = partition_lags(&world).iter().map(|l| l.lag).sum::<i64>();
    world.run_until(s.duration_ms.max(360_000));
    let snapshot = world.snapshot();
    assert_eq!(snapshot.consumers[0].state, ConsumerState::Stable);
    assert!(snapshot.consumers[0].stuck_on_record.is_some());
    let left_or_expired = world.trace().iter().any(|e| {
        matches!(
            e.event,
            TraceEvent::PollTimeoutExpired { .. } | TraceEvent::RecordsProcessed { .. }
        ) && e.at > 10_000
    });
    assert!(
        !left_or_expired,
        "no poll timeout, no progress past 5 minutes (max.poll.interval.ms)"
    );
    let lag_now = partition_lags(&world).iter().map(|l| l.lag).sum::<i64>();
    assert!(lag_now > lag_then, "lag grows: {lag_then} then {lag_now}");
}

#[test]
fn seeking_past_the_pill_resumes_and_counts_it_as_skipped_never_processed() {
    for protocol in ["classic", "consumer"] {
        let s = scenario(
            LONG,
            protocol,
            json!([pill_at(10_000, 0), { "at_ms": 30_000, "action": { "type": "seek_past", "consumer": "c1" } }]),
        );
        let world = world_at(&s, 60_000);
        assert!(
            world.refused_actions().is_empty(),
            "{protocol}: {:?}",
            world.refused_actions()
        );
        let pill = poison_pills(&world, &TopicPartition::new("orders", 0))[0];
        let tp = TopicPartition::new("orders", 0);
        let delivery = Delivery::from_trace(world.trace());
        let g = &delivery.groups["app"];
        assert_eq!(g.records_skipped, 1, "{protocol}");
        assert_eq!(g.skipped[&tp].ranges(), &[(pill, pill + 1)]);
        // Processed: everything but the pill. Accounted for: everything.
        assert_eq!(
            g.processed[&tp].ranges(),
            &[(0, pill), (pill + 1, log_end(&world, &tp))],
            "{protocol}"
        );
        for p in 0..2 {
            let tp = TopicPartition::new("orders", p);
            assert_eq!(
                g.unaccounted_below(&tp, log_end(&world, &tp)),
                0,
                "{protocol} {tp}"
            );
        }
        assert_eq!(g.duplicates, 0);
        assert!(
            partition_lags(&world).iter().all(|l| l.lag == 0),
            "{protocol}: the lag drains"
        );
        assert!(world.snapshot().consumers[0].stuck_on_record.is_none());
        let seek = world
            .trace()
            .iter()
            .find(|e| matches!(e.event, TraceEvent::SeekedPastRecord { .. }))
            .expect("traced");
        assert_eq!(
            seek.event.to_string(),
            format!(
                "c1: seek(orders-0, {}) skips the record at offset {pill}",
                pill + 1
            )
        );
    }
}

#[test]
fn string_and_bytearray_deserializers_read_the_pill_as_an_ordinary_record() {
    for class in [
        STRING,
        "org.apache.kafka.common.serialization.ByteArrayDeserializer",
    ] {
        let s = scenario(class, "classic", json!([pill_at(10_000, 0)]));
        let world = world_at(&s, 60_000);
        assert!(failures(&world).is_empty(), "{class} never throws");
        let delivery = Delivery::from_trace(world.trace());
        let tp = TopicPartition::new("orders", 0);
        assert_eq!(
            delivery.groups["app"].unaccounted_below(&tp, log_end(&world, &tp)),
            0
        );
        assert_eq!(delivery.groups["app"].records_skipped, 0);
    }
}

#[test]
fn integer_and_json_deserializers_reject_the_pill_too() {
    for (class, cause) in [
        (
            "org.apache.kafka.common.serialization.IntegerDeserializer",
            "SerializationException: Size of data received by IntegerDeserializer is not 4",
        ),
        (
            "org.apache.kafka.connect.json.JsonDeserializer",
            "SerializationException wrapping Jackson's parse error: the bytes are not complete JSON",
        ),
    ] {
        let world = world_at(&scenario(class, "classic", json!([pill_at(10_000, 0)])), 30_000);
        let stuck = world.snapshot().consumers[0].stuck_on_record.clone().expect(class);
        assert_eq!(stuck.cause, cause);
        assert_eq!(stuck.deserializer, class);
    }
}

#[test]
fn a_moved_partition_makes_its_new_owner_stuck_on_the_same_pill() {
    // c1 is stuck with its position at the pill (auto-commit commits that position); when c1 is
    // killed, its session (45 s) expires and c2 starts from the committed offset: the same record.
    let s = scenario(
        LONG,
        "classic",
        json!([
            pill_at(10_000, 0),
            { "at_ms": 20_000, "action": { "type": "kill_consumer", "consumer": "c1" } },
            { "at_ms": 21_000, "action": { "type": "add_consumer", "group": "app", "topics": ["orders"] } },
        ]),
    );
    let world = world_at(&s, 120_000);
    let thrown = failures(&world);
    let pill = poison_pills(&world, &TopicPartition::new("orders", 0))[0];
    let who: Vec<(&str, i64)> = thrown.iter().map(|(c, _, o, _)| (c.as_str(), *o)).collect();
    assert_eq!(who, vec![("c1", pill), ("c2", pill)]);
}

#[test]
fn bad_actions_are_refused_and_change_nothing() {
    let s = scenario(LONG, "classic", json!([]));
    let mut world = World::new(&s).unwrap();
    world.run_until(5_000);
    let before = serde_json::to_string(&world.snapshot()).unwrap();
    let trace_len = world.trace().len();

    let not_stuck = world.apply(Action::SeekPast {
        consumer: "c1".into(),
    });
    assert!(matches!(not_stuck, Err(ActionError::NothingToSkip { .. })));
    assert_eq!(
        not_stuck.unwrap_err().to_string(),
        "consumer c1 is not stuck on a record it cannot deserialize: its poll() threw no RecordDeserializationException, so there is nothing to seek past"
    );
    let no_partition = world.apply(Action::ProducePoisonPill {
        producer: "p1".into(),
        partition: 2,
    });
    assert_eq!(
        no_partition.unwrap_err().to_string(),
        "producer p1 knows 2 partition(s) of orders, so partition 2 is not one of them: send() would wait max.block.ms for it to appear in the metadata, then throw a TimeoutException"
    );
    let no_producer = world.apply(Action::ProducePoisonPill {
        producer: "p9".into(),
        partition: 0,
    });
    assert!(matches!(
        no_producer,
        Err(ActionError::UnknownProducer { .. })
    ));
    let unknown = world.apply(Action::SeekPast {
        consumer: "c9".into(),
    });
    assert!(matches!(unknown, Err(ActionError::UnknownConsumer { .. })));
    assert_eq!(serde_json::to_string(&world.snapshot()).unwrap(), before);
    assert_eq!(world.trace().len(), trace_len);

    // A dead member cannot seek, even while its record is still in the log.
    world
        .apply(Action::ProducePoisonPill {
            producer: "p1".into(),
            partition: 0,
        })
        .unwrap();
    world.run_until(15_000);
    assert!(world.snapshot().consumers[0].stuck_on_record.is_some());
    world
        .apply(Action::KillConsumer {
            consumer: "c1".into(),
        })
        .unwrap();
    let before = serde_json::to_string(&world.snapshot()).unwrap();
    let dead = world.apply(Action::SeekPast {
        consumer: "c1".into(),
    });
    assert_eq!(
        dead.unwrap_err().to_string(),
        "consumer c1 is dead: restart it first"
    );
    assert_eq!(serde_json::to_string(&world.snapshot()).unwrap(), before);
}

#[test]
fn the_scenario_json_takes_both_actions() {
    let s = scenario(
        LONG,
        "classic",
        json!([pill_at(1_000, 1), { "at_ms": 2_000, "action": { "type": "seek_past", "consumer": "c1" } }]),
    );
    let text = serde_json::to_string(&s).unwrap();
    assert!(text.contains("\"produce_poison_pill\"") && text.contains("\"seek_past\""));
    assert_eq!(Scenario::from_json(&text).unwrap(), s);
}

#[test]
fn lab_run_reports_the_exception_and_the_skipped_record() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/poison-pill.json");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lab"))
        .args(["run", file])
        .output()
        .expect("lab runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("p1: sent a poison pill to orders-1"),
        "{stdout}"
    );
    assert!(
        stdout.contains("c1: poll() threw RecordDeserializationException: Error deserializing VALUE for partition orders-1 at offset "),
        "{stdout}"
    );
    assert!(stdout.contains("c1: seek(orders-1, "), "{stdout}");
    assert!(
        stdout.contains("  1 record(s) skipped by seek() past a record the deserializer rejected (never processed)"),
        "{stdout}"
    );
}

#[test]
fn the_records_before_the_pill_in_the_same_fetch_come_first() {
    let world = world_at(
        &scenario(LONG, "classic", json!([pill_at(10_000, 1)])),
        30_000,
    );
    let tp = TopicPartition::new("orders", 1);
    let pill = poison_pills(&world, &tp)[0];
    // The fetch that brought the pill also brought records before it (the producer's batch): the
    // last batch processed on orders-1 ends exactly at the pill, and the exception comes after it.
    let mut last_batch_end = None;
    let mut fetched_from = None;
    for e in world.trace() {
        match &e.event {
            TraceEvent::MessageDelivered { message, .. } => {
                // "Fetch response [orders-1:A..B (poison pill at [P])]"
                let text = message.to_string();
                if let Some(at) = text.find("orders-1:") {
                    let rest = &text[at + "orders-1:".len()..];
                    let range = rest.split(' ').next().unwrap_or("");
                    if rest.starts_with(&format!("{range} (poison pill at")) {
                        fetched_from = range.split("..").next().and_then(|a| a.parse::<i64>().ok());
                    }
                }
            }
            TraceEvent::RecordsProcessed { ranges, .. } => {
                for r in ranges.iter().filter(|r| r.partition == tp) {
                    last_batch_end = Some((r.from, r.to));
                }
            }
            TraceEvent::RecordDeserializationFailed { .. } => break,
            _ => {}
        }
    }
    let fetched_from = fetched_from.expect("a fetch brought the pill");
    assert!(fetched_from < pill, "the fetch began before the pill");
    let (from, to) = last_batch_end.expect("records of orders-1 processed before the failure");
    assert_eq!(
        (from, to),
        (fetched_from, pill),
        "that fetch's records up to the pill were returned"
    );
}
