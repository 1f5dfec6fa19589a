//! The lesson "Records processed twice": a partition that moves before its owner committed what it
//! processed is read again by its new owner from the last committed offset (at-least-once).

use super::guide::{Moment, Question, Step, Watch};
use super::steps::{action_time, add_consumer, group_forms, GROUP};
use super::{scenario, settings, CLASSROOM};
use crate::session::Lab;
use crate::sim::delivery::Delivery;
use crate::sim::producer::ProducerSpec;
use crate::sim::{Action, Millis, Scenario};

/// Records a second the producer sends, over six partitions.
const RATE: u64 = 120;

/// Three consumers with auto-commit (every 5 s, Kafka's default) reading from the earliest offset,
/// and a producer.
pub(super) fn scenario_of() -> Scenario {
    let mut s = scenario(
        "Records processed twice",
        &[("orders", 6)],
        &[("orders-app", 3)],
        CLASSROOM,
    );
    s.groups[0]
        .config
        .extend(settings(&[("auto.offset.reset", "earliest")]));
    s.producers.push(
        serde_json::from_str::<ProducerSpec>(&format!(
            r#"{{ "topic": "orders", "records_per_sec": {RATE}, "keys": 60 }}"#
        ))
        .expect("a valid producer"),
    );
    s
}

/// Records lane `lane` processed more than once, in all.
pub(super) fn duplicates(lab: &Lab, lane: usize) -> u64 {
    lab.lanes[lane]
        .world
        .delivery()
        .groups
        .get(GROUP)
        .map_or(0, |g| g.duplicates)
}

/// Duplicates in lane `lane` since `since`, counted from the processed ranges after it.
fn duplicates_since(lab: &Lab, lane: usize, since: Millis) -> u64 {
    let trace = lab.lanes[lane].world.trace();
    let cut = trace.partition_point(|e| e.at < since);
    duplicates(lab, lane)
        - Delivery::from_entries(trace.iter().take(cut))
            .groups
            .get(GROUP)
            .map_or(0, |g| g.duplicates)
}

pub(super) fn steps() -> Vec<Step> {
    vec![
        group_forms(
            "Compare: three consumers read orders from the earliest offset, eager range on the left, cooperative-sticky on the right. A producer writes 120 records a second; each consumer auto-commits what it has processed every 5 s (auto.commit.interval.ms).",
            None,
            "Both groups are Stable and consuming. Compare's metrics table counts the records each group processed twice.",
        ),
        Step {
            text: "A fourth consumer joins both groups. A partition that moves is read by its new owner from the group's last committed offset.",
            watch: Watch::Compare,
            actions: vec![add_consumer()],
            question: Some(Question {
                prompt: "How many records does each group process twice while c4 joins?",
                choices: &[
                    "None in either group",
                    "None in the eager group, a few in the cooperative group",
                    "A few in the eager group, none in the cooperative group",
                    "Hundreds in both",
                ],
                answer: 1,
                why: "Both commit in onJoinPrepare, as the rebalance begins. Eager then revokes everything at once, so nothing is processed past that commit. Cooperative keeps consuming through the first rebalance and revokes the moving partitions after it without committing again: what it processed in between is read again by c4.",
                truth: |lab| {
                    let since = action_time(lab, |a| matches!(a, Action::AddConsumer { .. })).unwrap_or(0);
                    let (eager, cooperative) = (duplicates_since(lab, 0, since), duplicates_since(lab, 1, since));
                    match (eager, cooperative) {
                        (0, 0) => 0,
                        (0, 1..=50) => 1,
                        (1..=50, 0) => 2,
                        _ => 3,
                    }
                },
            }),
            until: Moment::CaughtUp { group: GROUP },
            then: "The metrics table shows the duplicates per strategy. Committing after processing gives at-least-once delivery: when a partition moves, some records may be processed twice.",
        },
        Step {
            text: "c1's process is killed: what it processed since its last auto-commit was never committed.",
            watch: Watch::Compare,
            actions: vec![Action::KillConsumer {
                consumer: "c1".into(),
            }],
            question: Some(Question {
                prompt: "Where do c1's partitions' new owners start reading?",
                choices: &[
                    "Where c1 stopped: nothing is read twice",
                    "At the last committed offsets: up to 5 s of c1's records are processed again",
                    "At the earliest offset: everything is read again",
                ],
                answer: 1,
                why: "A new owner starts at the group's committed offset. c1 committed every 5 s, so up to 5 s of what it processed is processed again, however the group rebalances.",
                truth: |lab| {
                    let since = action_time(lab, |a| matches!(a, Action::KillConsumer { .. })).unwrap_or(0);
                    let within = |d: u64| (1..=RATE * 5).contains(&d);
                    let (eager, cooperative) = (duplicates_since(lab, 0, since), duplicates_since(lab, 1, since));
                    match (eager, cooperative) {
                        (0, 0) => 0,
                        (e, c) if within(e) && within(c) => 1,
                        _ => 2,
                    }
                },
            }),
            until: Moment::CaughtUp { group: GROUP },
            then: "The duplicates after the crash depend on when c1 last committed, not on the strategy.",
        },
    ]
}
