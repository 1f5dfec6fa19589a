//! Static members catching up (KIP-345): back within its session, a static member keeps its
//! partitions and nobody rebalances, but it comes back to the lag they built up while it was away.
//! The session reads that lag at the instant of the return, and predicts from the consumer's
//! processing rate how long working it off takes; these tests hold both against the model.

use crate::common;
use rebalance_lab::session::catch_up::static_catch_ups;
use rebalance_lab::session::lag_chart::lag_charts;
use rebalance_lab::sim::assign::TopicPartition;
use rebalance_lab::sim::delivery::partition_lags;
use rebalance_lab::sim::metrics;
use rebalance_lab::sim::{Millis, Scenario, TraceEvent, World};
use serde_json::json;

const KILL_AT: Millis = 20_000;
const RESTART_AT: Millis = 27_000;

/// Three static consumers of `orders` (6 partitions), committing after each batch; c2 is killed
/// (closed, under KIP-848) at 20 s and restarted at 27 s, within its session.
fn static_restart(protocol: &str) -> Scenario {
    restart(protocol, true)
}

fn restart(protocol: &str, is_static: bool) -> Scenario {
    // KIP-848: a static member's close() sends epoch -2 and its new process takes the place; a
    // killed one's new process gets UNRELEASED_INSTANCE_ID until the old session expires.
    let stop = if protocol == "consumer" {
        "close_consumer"
    } else {
        "kill_consumer"
    };
    let mut group = json!({
        "session.timeout.ms": 10_000,
        "heartbeat.interval.ms": 1_000,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": false,
        "processing.time.ms": 20,
        "processing.time.per.record.ms": 1,
        "max.poll.records": 100,
    });
    if protocol == "consumer" {
        group = json!({
            "group.protocol": "consumer",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": false,
            "processing.time.ms": 20,
            "processing.time.per.record.ms": 1,
            "max.poll.records": 100,
        });
    }
    let consumer = |id: &str| {
        let config = if is_static {
            json!({ "group.instance.id": id })
        } else {
            json!({})
        };
        json!({ "group": "app", "topics": ["orders"], "config": config })
    };
    let text = json!({
        "name": "static-catch-up",
        "seed": 3,
        "broker": { "group.initial.rebalance.delay.ms": 0 },
        "topics": [{ "name": "orders", "partitions": 6 }],
        "groups": [{ "group_id": "app", "config": group }],
        "consumers": [consumer("app-1"), consumer("app-2"), consumer("app-3")],
        "producers": [{ "topic": "orders", "records_per_sec": 300, "keys": 60 }],
        "actions": [
            { "at_ms": KILL_AT, "action": { "type": stop, "consumer": "c2" } },
            { "at_ms": RESTART_AT, "action": { "type": "restart_consumer", "consumer": "c2" } },
        ],
        "duration_ms": 60_000,
    });
    Scenario::from_json(&text.to_string()).expect("valid scenario")
}

fn owned_before_kill(scenario: &Scenario) -> Vec<TopicPartition> {
    let mut w = World::new(scenario).unwrap();
    w.run_until(KILL_AT - 1);
    let snapshot = w.snapshot();
    let c2 = snapshot
        .consumers
        .iter()
        .find(|c| c.handle == "c2")
        .unwrap();
    c2.owned.clone()
}

#[test]
fn a_static_member_back_within_its_session_comes_back_to_its_partitions_lag_and_works_it_off() {
    let scenario = static_restart("classic");
    let had = owned_before_kill(&scenario);
    assert_eq!(had.len(), 2);
    let mut world = World::new(&scenario).unwrap();
    world.run_until(scenario.duration_ms);
    let rebalances = metrics::compute(world.trace(), world.now()).rebalance_count("app");
    let resumed_at = world
        .trace()
        .iter()
        .find_map(|e| {
            matches!(&e.event, TraceEvent::StaticMemberResumed { consumer, .. } if consumer == "c2")
                .then_some(e.at)
        })
        .expect("c2 resumes its static membership");
    let mut at_kill = World::new(&scenario).unwrap();
    at_kill.run_until(KILL_AT - 1);
    assert_eq!(
        metrics::compute(at_kill.trace(), at_kill.now()).rebalance_count("app"),
        rebalances,
        "no rebalance after the first: the static member kept its place"
    );

    let ups = static_catch_ups(&world);
    assert_eq!(ups.len(), 1, "{ups:#?}");
    let up = &ups[0];
    assert_eq!(up.consumer, "c2");
    assert_eq!(up.partitions, had, "it keeps the partitions it had");
    assert_eq!(up.back_at, resumed_at);
    assert!(up.left_at == KILL_AT, "{}", up.left_at);

    // The lag it comes back to is the model's at that instant.
    let mut stopped = World::new(&scenario).unwrap();
    stopped.run_until(resumed_at);
    let lag: i64 = partition_lags(&stopped)
        .iter()
        .filter(|l| had.contains(&l.partition))
        .map(|l| l.lag)
        .sum();
    assert_eq!(up.lag_at_return, lag);
    // About a third of 300 records/s for the 7 s it was away.
    assert!(
        (60.0..=160.0).contains(&up.arriving_per_sec),
        "{}",
        up.arriving_per_sec
    );
    assert!(
        up.lag_at_return - up.usual_lag > 400,
        "{} vs {}",
        up.lag_at_return,
        up.usual_lag
    );
    // 100 records per poll(), 20 ms + 1 ms each: 100 records every 120 ms.
    assert!(
        (up.processing_per_sec - 833.33).abs() < 0.01,
        "{}",
        up.processing_per_sec
    );
    let predicted = up
        .predicted_ms
        .expect("it processes faster than records arrive");
    let expected = (up.lag_at_return - up.usual_lag) as f64 * 1_000.0
        / (up.processing_per_sec - up.arriving_per_sec);
    assert_eq!(predicted, expected.round() as Millis);
    // The run agrees with the prediction, to the second the samples are taken at (plus the join,
    // OffsetFetch and first fetch a new process needs before its first batch).
    let took = up.caught_up_at.expect("it caught up within the run") - up.back_at;
    assert!(
        took + 1_000 >= predicted && took <= predicted + 2_500,
        "predicted {predicted} ms, took {took} ms"
    );
    assert!(
        up.text.contains("came back at")
            && up
                .text
                .contains(&format!("{} records of lag", up.lag_at_return))
    );
    assert!(up.text.contains("no rebalance"));

    let charts = lag_charts(&world, &metrics::compute(world.trace(), world.now()));
    let chart = &charts[0];
    assert_eq!(chart.catch_ups, ups);
    let labels: Vec<&str> = chart.marks.iter().map(|m| m.label.as_str()).collect();
    assert_eq!(labels, ["c2 back", "c2 caught up"]);
}

#[test]
fn a_kip848_static_member_back_within_its_session_catches_up_too() {
    let scenario = static_restart("consumer");
    let had = owned_before_kill(&scenario);
    let mut world = World::new(&scenario).unwrap();
    world.run_until(scenario.duration_ms);
    let ups = static_catch_ups(&world);
    assert_eq!(ups.len(), 1, "{ups:#?}");
    assert_eq!(ups[0].partitions, had);
    assert!(ups[0].lag_at_return > ups[0].usual_lag);
    assert!(ups[0].caught_up_at.is_some());
}

#[test]
fn a_dynamic_member_restarted_is_no_static_return() {
    let scenario = restart("classic", false);
    let mut world = World::new(&scenario).unwrap();
    world.run_until(scenario.duration_ms);
    assert!(static_catch_ups(&world).is_empty());
}

/// The page's Playwright test (`tests/e2e/lag.spec.ts`) loads `tests/data/static-catch-up.json`
/// under the page's default strategy and reads the catch-up note; this pins what the model says
/// (`tests/data/static-catch-up-expected.json`).
#[test]
fn the_page_tests_static_catch_up_is_the_models() {
    use rebalance_lab::session::Strategy;
    let scenario = Scenario::from_json(include_str!("../data/static-catch-up.json")).unwrap();
    let mut lab = common::lab(scenario, vec![Strategy::KafkaDefault]);
    lab.run_until(40_000);
    let ups = static_catch_ups(&lab.lanes[0].world);
    assert_eq!(ups.len(), 1);
    let got = json!({
        "consumer": ups[0].consumer,
        "lag_at_return": ups[0].lag_at_return,
        "caught_up_at_s": ups[0].caught_up_at.map(|t| t / 1_000),
        "partitions": ups[0].partitions.iter().map(ToString::to_string).collect::<Vec<_>>(),
    });
    let expected: serde_json::Value =
        serde_json::from_str(include_str!("../data/static-catch-up-expected.json")).unwrap();
    assert_eq!(got, expected);
}
