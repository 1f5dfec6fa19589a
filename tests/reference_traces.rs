//! The shape of what a real Kafka 4.1.2 broker and Java consumers did (tests/data/reference-traces),
//! compared with the model under the same setup: 6 partitions, session timeout 10 s, no initial delay.
//! Timing differs (JVMs, a busy machine); who revokes what, how many rounds, and the final ownership
//! must not.

mod common;

use common::*;
use rebalance_lab::sim::invariants::InvariantChecker;
use rebalance_lab::sim::scenario::ConfigOverrides;
use rebalance_lab::sim::trace::{CallbackKind, TraceEvent};
use rebalance_lab::sim::{Action, World};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

pub struct Reference {
    pub initial: BTreeMap<String, Vec<i32>>,
    pub final_: BTreeMap<String, Vec<i32>>,
    /// Non-empty revocations after the action, per consumer.
    pub revoked: BTreeMap<String, Vec<Vec<i32>>>,
    /// Generations seen in onPartitionsAssigned after the action.
    pub assigned_generations: usize,
}

fn ownership_of(v: &Value) -> BTreeMap<String, Vec<i32>> {
    v.as_object()
        .unwrap()
        .iter()
        .map(|(k, p)| {
            (
                k.clone(),
                p.as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_i64().unwrap() as i32)
                    .collect(),
            )
        })
        .collect()
}

pub fn reference(name: &str) -> Reference {
    let path = format!(
        "{}/tests/data/reference-traces/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let summary = &v["summary"];
    let mut revoked: BTreeMap<String, Vec<Vec<i32>>> = BTreeMap::new();
    for (consumer, events) in summary["revokedOrLostAfterAction"].as_object().unwrap() {
        for e in events.as_array().unwrap() {
            if e["ev"] == "revoked" {
                let p = e["partitions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_i64().unwrap() as i32)
                    .collect();
                revoked.entry(consumer.clone()).or_default().push(p);
            }
        }
    }
    Reference {
        initial: ownership_of(&v["initialOwnership"]),
        final_: ownership_of(&v["finalOwnership"]),
        revoked,
        assigned_generations: summary["generationsSeenInAssignedCallbacksAfterAction"]
            .as_array()
            .unwrap()
            .len(),
    }
}

pub fn model(strategy: &str) -> (World, InvariantChecker) {
    let s = scenario(&format!(
        r#"{{ "seed": 11, "broker": {{ "group.initial.rebalance.delay.ms": 0 }},
             "topics": [{{ "name": "t", "partitions": 6 }}],
             "consumers": [{{ "group": "g", "topics": ["t"], "count": 3,
                             "config": {{ "session.timeout.ms": 10000, "partition.assignment.strategy": "{strategy}" }} }}] }}"#
    ));
    let mut world = World::new(&s).unwrap();
    let mut checker = InvariantChecker::new();
    run_checked(&mut world, &mut checker, 20_000);
    (world, checker)
}

pub fn assigned_generations_since(world: &World, since: u64) -> usize {
    callbacks(world, CallbackKind::Assigned, since)
        .into_iter()
        .map(|(_, _, g)| g)
        .collect::<BTreeSet<_>>()
        .len()
}

fn compare(name: &str, action: Action, world_and_checker: (World, InvariantChecker)) {
    let reference = reference(name);
    let (mut world, mut checker) = world_and_checker;
    assert_eq!(
        ownership(&world),
        reference.initial,
        "{name}: initial ownership"
    );
    world.apply(action).unwrap();
    run_checked(&mut world, &mut checker, 80_000);
    assert_eq!(
        ownership(&world),
        reference.final_,
        "{name}: final ownership"
    );
    assert_eq!(
        revoked_by(&world, 20_000),
        reference.revoked,
        "{name}: who revoked what"
    );
    assert_eq!(
        assigned_generations_since(&world, 20_000),
        reference.assigned_generations,
        "{name}: rounds"
    );
    assert!(world.trace().iter().all(|e| !matches!(e.event, TraceEvent::ConsumerStateChanged { ref state, .. } if state.to_string().starts_with("Failed"))));
}

#[test]
fn eager_range_join_matches_kafka() {
    compare(
        "eager-range-a-join",
        Action::AddConsumer {
            group: "g".into(),
            topics: vec!["t".into()],
            config: [
                ("session.timeout.ms".to_string(), "10000".into()),
                ("partition.assignment.strategy".to_string(), "range".into()),
            ]
            .into_iter()
            .collect::<ConfigOverrides>(),
        },
        model("range"),
    );
}

#[test]
fn eager_range_leave_matches_kafka() {
    compare(
        "eager-range-b-leave-close",
        Action::CloseConsumer {
            consumer: "c2".into(),
        },
        model("range"),
    );
}

#[test]
fn eager_range_crash_matches_kafka() {
    compare(
        "eager-range-c-crash",
        Action::KillConsumer {
            consumer: "c2".into(),
        },
        model("range"),
    );
}
