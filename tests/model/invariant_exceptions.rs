//! Situations Kafka really produces that the §8 invariants must allow (found by `random_actions`),
//! each run with the invariant checker after every event.

use crate::common::*;
use rebalance_lab::sim::invariants::InvariantChecker;
use rebalance_lab::sim::scenario::{ConfigOverrides, ConfigValue};
use rebalance_lab::sim::vocab::RemovalCause;
use rebalance_lab::sim::{Action, World};
use rebalance_lab::sim::{CallbackKind, TraceEvent};

const NO_DELAY: &str = r#"{ "group.initial.rebalance.delay.ms": 0 }"#;

fn removed(world: &World, consumer: &str, cause: RemovalCause) -> bool {
    world.trace().iter().any(|e| {
        matches!(&e.event, TraceEvent::MemberRemoved { consumer: c, cause: k, .. } if c == consumer && *k == cause)
    })
}

/// A consumer stuck between polls when a rebalance starts is removed at the rebalance timeout
/// (NotRejoined) and its partitions go to the others, while it still believes it owns them until its
/// next heartbeat is answered UNKNOWN_MEMBER_ID: a zombie, not a second owner.
#[test]
fn a_member_removed_while_stalled_is_a_zombie_not_a_second_owner() {
    let config = r#"{ "session.timeout.ms": 10000, "heartbeat.interval.ms": 3000, "max.poll.interval.ms": 10000 }"#;
    let mut world = World::new(&three_on_six(config, NO_DELAY)).unwrap();
    let mut checker = InvariantChecker::new();
    // Just after c1's heartbeat (they run at 3 s intervals from ~0.008 s), so it hears late.
    run_checked(&mut world, &mut checker, 21_100);
    let mut short = ConfigOverrides::new();
    for (name, value) in [
        ("session.timeout.ms", "10000"),
        ("heartbeat.interval.ms", "3000"),
        ("max.poll.interval.ms", "10000"),
    ] {
        short.insert(name.into(), ConfigValue(value.into()));
    }
    apply(
        &mut world,
        Action::AddConsumer {
            group: "g".into(),
            topics: vec!["t".into()],
            config: short,
        },
    );
    // c1 polls once more after the rebalance started, before a heartbeat tells it, then stalls.
    run_checked(&mut world, &mut checker, 21_400);
    apply(
        &mut world,
        Action::StallConsumer {
            consumer: "c1".into(),
            ms: 30_000,
        },
    );
    let mut zombie_seen = false;
    while world.now() < 40_000 {
        let next = world.now() + 1;
        run_checked(&mut world, &mut checker, next);
        let snapshot = world.snapshot();
        let c1 = &snapshot.consumers[0];
        zombie_seen |= !c1.owned.is_empty()
            && snapshot.consumers[1..]
                .iter()
                .any(|c| c.owned.iter().any(|tp| c1.owned.contains(tp)));
    }
    assert!(removed(&world, "c1", RemovalCause::NotRejoined));
    assert!(
        zombie_seen,
        "c1 should have kept its partitions for a while after the others got them"
    );
    // Its heartbeat heard UNKNOWN_MEMBER_ID; its next poll, when the stall ends, reports them lost.
    let c1 = &world.snapshot().consumers[0];
    assert!(
        c1.generation == -1 || c1.member_id.is_empty(),
        "c1's generation was reset"
    );
    run_checked(&mut world, &mut checker, 55_000);
    let lost = callbacks(&world, CallbackKind::Lost, 21_000);
    // groupMetadata() still reports the generation of c1's last completed join, not the reset -1.
    assert_eq!(lost, vec![("c1".to_string(), vec![0, 1], 1)]);
}

/// A static member that rejoins a Stable group with another subscription but the same protocol takes
/// the old member's place without a rebalance (Kafka 4.1.2); the group stays Stable on an assignment
/// that does not cover the new subscription until the client sees the mismatch and rejoins.
#[test]
fn a_static_member_replaced_with_another_subscription_rejoins_on_its_own() {
    let scenario = scenario(
        r#"{
            "seed": 3,
            "broker": { "group.initial.rebalance.delay.ms": 0 },
            "topics": [{ "name": "t", "partitions": 2 }, { "name": "u", "partitions": 2 }],
            "groups": [{ "group_id": "g", "config": { "session.timeout.ms": 10000, "heartbeat.interval.ms": 1000 } }],
            "consumers": [
                { "group": "g", "topics": ["t"], "config": { "group.instance.id": "a" } },
                { "group": "g", "topics": ["t"], "start_at_ms": 500 }
            ]
        }"#,
    );
    let mut world = World::new(&scenario).unwrap();
    let mut checker = InvariantChecker::new();
    run_checked(&mut world, &mut checker, 20_000);
    let before = generation(&world, "g");
    apply(
        &mut world,
        Action::KillConsumer {
            consumer: "c1".into(),
        },
    );
    run_checked(&mut world, &mut checker, 21_000);
    let mut config = ConfigOverrides::new();
    config.insert("group.instance.id".into(), ConfigValue("a".into()));
    apply(
        &mut world,
        Action::AddConsumer {
            group: "g".into(),
            topics: vec!["u".into()],
            config,
        },
    );
    run_checked(&mut world, &mut checker, 21_003);
    assert!(removed(&world, "c1", RemovalCause::ReplacedByStaticMember));
    assert_eq!(generation(&world, "g"), before, "no rebalance at the swap");
    run_checked(&mut world, &mut checker, 40_000);
    assert!(generation(&world, "g") > before);
    assert_eq!(owned(&world, "c3"), vec![0, 1]);
    assert_eq!(world.snapshot().consumers[2].owned[0].topic, "u");
}

/// A static member that misses a join phase stays in the group with its last JoinGroup's metadata
/// (Kafka removes only dynamic members that did not rejoin). Here c4 (static `i3`, slow poll loop)
/// received t0-7 in generation 3, after its last JoinGroup; it misses generation 4's join phase, so the
/// cooperative-sticky leader sees t0-7 as free and gives it to c2 while c4 still consumes it, until c4
/// rejoins and revokes it. (Found by `random_actions`, seed 29.)
#[test]
fn a_static_member_that_missed_a_join_phase_may_overlap_until_it_rejoins() {
    let mut world = World::new(&scenario(
        r#"{
            "seed": 29,
            "network_latency_ms": 1,
            "broker": { "group.initial.rebalance.delay.ms": 0 },
            "topics": [{ "name": "t0", "partitions": 22 }],
            "groups": [
                { "group_id": "g0", "config": { "heartbeat.interval.ms": 834, "max.poll.interval.ms": 9616, "metadata.max.age.ms": 13392, "session.timeout.ms": 8494 } },
                { "group_id": "g1", "config": { "heartbeat.interval.ms": 2392, "max.poll.interval.ms": 6365, "partition.assignment.strategy": "cooperative-sticky", "session.timeout.ms": 8328 } }
            ],
            "consumers": [
                { "group": "g1", "topics": ["t0"], "config": { "processing.time.ms": 2245 }, "start_at_ms": 3245 },
                { "group": "g1", "topics": ["t0"], "config": { "group.instance.id": "i4", "poll.timeout.ms": 0 }, "start_at_ms": 1278 },
                { "group": "g0", "topics": ["t0"], "config": { "group.instance.id": "i3", "poll.timeout.ms": 1222, "processing.time.ms": 1391 } },
                { "group": "g1", "topics": ["t0"], "config": { "processing.time.ms": 867 } },
                { "group": "g1", "topics": ["t0"], "config": { "group.instance.id": "i3", "poll.timeout.ms": 0, "processing.time.ms": 2391 }, "start_at_ms": 528 },
                { "group": "g0", "topics": ["t0"], "config": { "group.instance.id": "i2", "poll.timeout.ms": 0, "processing.time.ms": 932 } }
            ],
            "actions": [
                { "at_ms": 18001, "action": { "type": "add_consumer", "group": "g2", "topics": ["t1", "t0"] } },
                { "at_ms": 25714, "action": { "type": "add_consumer", "group": "g1", "topics": ["t0"], "config": { "group.instance.id": "i4", "poll.timeout.ms": 100, "processing.time.ms": 2606 } } },
                { "at_ms": 34812, "action": { "type": "kill_consumer", "consumer": "c8" } }
            ]
        }"#,
    ))
    .unwrap();
    let mut checker = InvariantChecker::new();
    let mut overlap_seen = false;
    while world.now() < 55_000 {
        let next = world.now() + 1;
        run_checked(&mut world, &mut checker, next);
        let snapshot = world.snapshot();
        let g1 = snapshot.groups.iter().find(|g| g.group_id == "g1").unwrap();
        for stale in snapshot.consumers.iter().filter(|c| {
            c.state.is_running() && c.static_id.is_some() && c.generation < g1.generation
        }) {
            overlap_seen |= snapshot.consumers.iter().any(|c| {
                c.handle != stale.handle
                    && c.group == stale.group
                    && c.owned.iter().any(|tp| stale.owned.contains(tp))
            });
        }
    }
    assert!(
        overlap_seen,
        "the stale static member should overlap for a while"
    );
    let snapshot = world.snapshot();
    let g1 = snapshot.groups.iter().find(|g| g.group_id == "g1").unwrap();
    assert_eq!(g1.state.to_string(), "Stable");
}

/// Kafka 4.1.2's KIP-814 blind spot (found by random-action seeds 5680 and 14082). A static leader
/// stalls; partitions are added; its heartbeat thread refreshes metadata meanwhile, but only `poll()`
/// runs the leader's partition check. Its poll timer expires (a static member sends no LeaveGroup),
/// and at its next poll it rejoins: the coordinator answers `skipAssignment` and keeps the old
/// assignment, while `ConsumerCoordinator.onLeaderElected` sets `assignmentSnapshot =
/// metadataSnapshot` (the new partition count). Nothing ever looks new again: the group stays Stable
/// with the new partitions assigned to nobody, and the snapshot explains it, until another member
/// joins and the rebalance hands them out.
#[test]
fn a_returning_static_leader_that_skips_assignment_never_sees_the_partitions_its_metadata_holds() {
    let config = r#"{ "group.instance.id": "i1", "session.timeout.ms": 30000,
        "heartbeat.interval.ms": 3000, "max.poll.interval.ms": 10000, "metadata.max.age.ms": 5000 }"#;
    let mut world = World::new(&scenario(&format!(
        r#"{{ "seed": 3, "broker": {NO_DELAY},
            "topics": [{{ "name": "t", "partitions": 3 }}],
            "consumers": [{{ "group": "g", "topics": ["t"], "config": {config} }}] }}"#
    )))
    .unwrap();
    let mut checker = InvariantChecker::new();
    run_checked(&mut world, &mut checker, 2_000);
    assert_eq!(owned(&world, "c1"), vec![0, 1, 2]);
    apply(
        &mut world,
        Action::StallConsumer {
            consumer: "c1".into(),
            ms: 20_000,
        },
    );
    apply(
        &mut world,
        Action::AddPartitions {
            topic: "t".into(),
            total: 5,
        },
    );
    run_checked(&mut world, &mut checker, 21_000);
    assert!(
        world.snapshot().consumers[0].known_partitions["t"] == 5,
        "the heartbeat thread's network polls refreshed the metadata during the stall"
    );
    // Back from the stall: lost partitions, JoinGroup, skipAssignment, the old assignment again.
    run_checked(&mut world, &mut checker, 120_000);
    assert_eq!(generation(&world, "g"), 1, "no rebalance at all");
    assert_eq!(owned(&world, "c1"), vec![0, 1, 2]);
    let snapshot = world.snapshot();
    let gap = snapshot.groups[0]
        .skipped_assignment_gap
        .as_ref()
        .expect("the snapshot explains the unassigned partitions");
    assert_eq!(gap.leader, "c1");
    let named: Vec<String> = gap.partitions.iter().map(ToString::to_string).collect();
    assert_eq!(named, ["t-3", "t-4"]);
    assert!(gap.explanation().contains("skipAssignment (KIP-814)"));
    // Another member joining rebalances the group, and the leader's assignment covers every partition.
    apply(
        &mut world,
        Action::AddConsumer {
            group: "g".into(),
            topics: vec!["t".into()],
            config: ConfigOverrides::new(),
        },
    );
    run_checked(&mut world, &mut checker, 180_000);
    let mut all: Vec<i32> = ownership(&world).into_values().flatten().collect();
    all.sort_unstable();
    assert_eq!(all, vec![0, 1, 2, 3, 4]);
    assert_eq!(world.snapshot().groups[0].skipped_assignment_gap, None);
}
