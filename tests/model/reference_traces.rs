//! The shape of what a real Kafka 4.1.2 broker and Java consumers did (tests/data/reference-traces),
//! compared with the model under the same setup: 6 partitions, session timeout 10 s, no initial delay.
//! Timing differs (JVMs, a busy machine); who revokes what, how many rounds, and the final ownership
//! must not.

use crate::common::*;
use rebalance_lab::sim::invariants::InvariantChecker;
use rebalance_lab::sim::scenario::ConfigOverrides;
use rebalance_lab::sim::{Action, World};
use rebalance_lab::sim::{CallbackKind, TraceEvent};
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

/// The reference harness named its consumers by `client.id` (member ids `c1-<UUID>`, ...), which
/// decides the range order; the model's consumers are named the same way.
pub fn model(strategy: &str) -> (World, InvariantChecker) {
    let consumers: Vec<String> = (1..=3)
        .map(|i| format!(
            r#"{{ "group": "g", "topics": ["t"],
                 "config": {{ "session.timeout.ms": 10000, "partition.assignment.strategy": "{strategy}", "client.id": "c{i}" }} }}"#
        ))
        .collect();
    let s = scenario(&format!(
        r#"{{ "seed": 11, "broker": {{ "group.initial.rebalance.delay.ms": 0 }},
             "topics": [{{ "name": "t", "partitions": 6 }}],
             "consumers": [{}] }}"#,
        consumers.join(", ")
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
                ("client.id".to_string(), "c4".into()),
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

/// Cooperative-sticky: initial ownership depends on member-id hashes, so compare the shape only:
/// how many rounds, how many partitions each revocation gave up, and whether only the leaver revoked.
fn compare_cooperative(name: &str, action: Action) -> World {
    let reference = reference(name);
    let (mut world, mut checker) = model("cooperative-sticky");
    let victim = match &action {
        Action::CloseConsumer { consumer } | Action::KillConsumer { consumer } => {
            Some(consumer.clone())
        }
        _ => None,
    };
    world.apply(action).unwrap();
    run_checked(&mut world, &mut checker, 80_000);
    let shape = |revoked: &BTreeMap<String, Vec<Vec<i32>>>| -> Vec<usize> {
        let mut sizes: Vec<usize> = revoked.values().flatten().map(Vec::len).collect();
        sizes.sort();
        sizes
    };
    assert_eq!(
        shape(&revoked_by(&world, 20_000)),
        shape(&reference.revoked),
        "{name}: revocation sizes"
    );
    assert_eq!(
        assigned_generations_since(&world, 20_000),
        reference.assigned_generations,
        "{name}: rounds"
    );
    if let Some(victim) = victim {
        let revokers: Vec<String> = revoked_by(&world, 20_000).into_keys().collect();
        let expected: Vec<String> = reference
            .revoked
            .into_keys()
            .map(|k| if k == "c2" { victim.clone() } else { k })
            .collect();
        assert_eq!(revokers, expected, "{name}: who revoked");
    }
    world
}

#[test]
fn cooperative_sticky_join_matches_kafka() {
    compare_cooperative(
        "cooperative-sticky-a-join",
        Action::AddConsumer {
            group: "g".into(),
            topics: vec!["t".into()],
            config: [
                ("session.timeout.ms".to_string(), "10000".into()),
                (
                    "partition.assignment.strategy".to_string(),
                    "cooperative-sticky".into(),
                ),
                ("client.id".to_string(), "c4".into()),
            ]
            .into_iter()
            .collect::<ConfigOverrides>(),
        },
    );
}

#[test]
fn cooperative_sticky_leave_matches_kafka() {
    compare_cooperative(
        "cooperative-sticky-b-leave-close",
        Action::CloseConsumer {
            consumer: "c2".into(),
        },
    );
}

#[test]
fn cooperative_sticky_crash_matches_kafka() {
    compare_cooperative(
        "cooperative-sticky-c-crash",
        Action::KillConsumer {
            consumer: "c2".into(),
        },
    );
}

#[test]
fn eager_range_static_restart_matches_kafka() {
    let reference = reference("eager-range-d-static-restart");
    let s = scenario(
        r#"{ "seed": 11, "broker": { "group.initial.rebalance.delay.ms": 0 },
             "topics": [{ "name": "t", "partitions": 6 }],
             "consumers": [
               { "group": "g", "topics": ["t"], "config": { "session.timeout.ms": 10000, "partition.assignment.strategy": "range", "group.instance.id": "inst-1" } },
               { "group": "g", "topics": ["t"], "config": { "session.timeout.ms": 10000, "partition.assignment.strategy": "range", "group.instance.id": "inst-2" } },
               { "group": "g", "topics": ["t"], "config": { "session.timeout.ms": 10000, "partition.assignment.strategy": "range", "group.instance.id": "inst-3" } }] }"#,
    );
    let mut world = World::new(&s).unwrap();
    let mut checker = InvariantChecker::new();
    run_checked(&mut world, &mut checker, 20_000);
    assert_eq!(ownership(&world), reference.initial);
    let restart = |w: &mut World| {
        w.apply(Action::RestartConsumer {
            consumer: "c2".into(),
            group_instance_id: rebalance_lab::sim::InstanceIdChange::Keep,
        })
        .unwrap()
    };
    // Phase 1: kill -9, restart 3 s later (within the session timeout): no rebalance.
    world
        .apply(Action::KillConsumer {
            consumer: "c2".into(),
        })
        .unwrap();
    run_checked(&mut world, &mut checker, 23_000);
    restart(&mut world);
    run_checked(&mut world, &mut checker, 40_000);
    assert!(
        revoked_by(&world, 20_000).is_empty(),
        "phase 1: nobody revokes"
    );
    assert_eq!(ownership(&world), reference.initial);
    // Phases 2 and 3: kill -9, restart 16 s later: expiry rebalance, then the return rebalance.
    world
        .apply(Action::KillConsumer {
            consumer: "c2".into(),
        })
        .unwrap();
    run_checked(&mut world, &mut checker, 56_000);
    restart(&mut world);
    run_checked(&mut world, &mut checker, 90_000);
    let mut got: BTreeMap<String, Vec<Vec<i32>>> = revoked_by(&world, 40_000);
    got.retain(|_, v| !v.is_empty());
    assert_eq!(got, reference.revoked, "phases 2 and 3: who revoked what");
    let mut expected_final = reference.final_.clone();
    if let Some(p) = expected_final.remove("c2c") {
        expected_final.insert("c2".into(), p);
    }
    assert_eq!(ownership(&world), expected_final);
}

/// Kafka's `close()` commits synchronously and waits for the reply before `onPartitionsRevoked` and
/// LeaveGroup: in the real trace the revocation comes a round trip after the `close()` call. The model
/// must show OffsetCommit sent → its response → onPartitionsRevoked → LeaveGroup, in that order.
#[test]
fn close_commits_and_waits_before_revoking_and_leaving_as_kafka_does() {
    use rebalance_lab::sim::protocol::{Message, Request, Response};
    for (name, strategy) in [
        ("eager-range-b-leave-close", "range"),
        ("cooperative-sticky-b-leave-close", "cooperative-sticky"),
    ] {
        let path = format!(
            "{}/tests/data/reference-traces/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let close_at = v["actions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["action"].as_str().unwrap().contains("c2 close()"))
            .unwrap()["t"]
            .as_u64()
            .unwrap();
        let revoked_at = v["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| {
                e["consumer"] == "c2" && e["ev"] == "revoked" && e["t"].as_u64() > Some(close_at)
            })
            .unwrap()["t"]
            .as_u64()
            .unwrap();
        assert!(
            revoked_at > close_at,
            "{name}: Kafka revokes after the close-time commit returns"
        );

        let (mut world, _) = model(strategy);
        let closed_at = world.now();
        world
            .apply(Action::CloseConsumer {
                consumer: "c2".into(),
            })
            .unwrap();
        world.run_until(closed_at + 1_000);
        let mut steps = Vec::new();
        for e in world.trace().iter().filter(|e| e.at >= closed_at) {
            // The message variants box their message: matched as (event, message).
            let message = match &e.event {
                TraceEvent::MessageSent { message, .. }
                | TraceEvent::MessageDelivered { message, .. } => Some(&**message),
                _ => None,
            };
            let step = match (&e.event, message) {
                (
                    TraceEvent::MessageSent { .. },
                    Some(Message::Request {
                        body: Request::OffsetCommit(r),
                        ..
                    }),
                ) if r.member_id.starts_with("c2-") => "commit sent",
                (
                    TraceEvent::MessageDelivered {
                        to: rebalance_lab::sim::Endpoint::Consumer { handle, .. },
                        ..
                    },
                    Some(Message::Response {
                        body: Response::OffsetCommit(_),
                        ..
                    }),
                ) if handle == "c2" => "commit answered",
                (
                    TraceEvent::Callback {
                        consumer,
                        kind: CallbackKind::Revoked,
                        ..
                    },
                    _,
                ) if consumer == "c2" => "revoked",
                (
                    TraceEvent::MessageSent { .. },
                    Some(Message::Request {
                        body: Request::LeaveGroup(_),
                        ..
                    }),
                ) => "leave sent",
                _ => continue,
            };
            steps.push((step, e.at));
        }
        let names: Vec<_> = steps.iter().map(|(s, _)| *s).collect();
        assert_eq!(
            names,
            ["commit sent", "commit answered", "revoked", "leave sent"],
            "{name}: {steps:?}"
        );
        assert!(
            steps[2].1 > closed_at,
            "{name}: the revocation waits for the commit reply"
        );
    }
}
