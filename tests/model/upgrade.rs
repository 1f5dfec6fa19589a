//! Mixed groups and the online upgrade/downgrade between the classic and the consumer (KIP-848)
//! protocol, as Kafka 4.1.2's `GroupMetadataManager` does them under
//! `group.consumer.migration.policy`: a classic cooperative-sticky group rolled one member at a time
//! to `group.protocol=consumer` converts when the first such member joins, its classic members keep
//! working through JoinGroup/SyncGroup/Heartbeat answered by the consumer group, no partition is
//! ever owned twice, and it converts back when the last consumer-protocol member leaves.

use crate::common::*;
use rebalance_lab::session::{Lab, Session, Strategy};
use rebalance_lab::sim::invariants::InvariantChecker;
use rebalance_lab::sim::{Action, InstanceIdChange, Millis, TraceEvent, World};
use std::collections::BTreeMap;

/// Three classic cooperative-sticky consumers c1 < c2 < c3 of group `g` on `t` (6 partitions).
fn classic_group(broker: &str) -> World {
    let s = three_on_six(
        r#"{ "partition.assignment.strategy": "cooperative-sticky" }"#,
        broker,
    );
    World::new(&s).unwrap()
}

/// Checks after every event: the invariants, and that no partition of `t` is owned by two running
/// consumers that the coordinator counts as members of `g` (whichever protocol they speak).
struct Watch {
    checker: InvariantChecker,
    events: usize,
}

impl Watch {
    fn new() -> Self {
        Self {
            checker: InvariantChecker::new(),
            events: 0,
        }
    }

    fn run(&mut self, world: &mut World, until: Millis) {
        self.check(world);
        while world.next_event_time().is_some_and(|next| next <= until) {
            world.process_next_event();
            self.check(world);
        }
        world.run_until(until);
    }

    fn check(&mut self, world: &World) {
        self.events += 1;
        self.checker
            .check(world)
            .unwrap_or_else(|e| panic!("invariant violated: {e}"));
        if let Some(double) = owned_twice(world) {
            panic!("{}: {double}", world.now());
        }
    }
}

/// A partition owned by two running consumers that are members of the group now.
fn owned_twice(world: &World) -> Option<String> {
    let snapshot = world.snapshot();
    let mut members: Vec<&str> = Vec::new();
    for g in snapshot.groups.iter().filter(|g| g.group_id == "g") {
        members.extend(g.members.iter().map(|m| m.member_id.as_str()));
    }
    for g in snapshot
        .consumer_groups
        .iter()
        .filter(|g| g.group_id == "g")
    {
        members.extend(g.members.iter().map(|m| m.member_id.as_str()));
    }
    let mut owner: BTreeMap<(&str, i32), &str> = BTreeMap::new();
    for c in &snapshot.consumers {
        if !c.state.is_running() || !members.contains(&c.member_id.as_str()) {
            continue;
        }
        for tp in &c.owned {
            if let Some(other) = owner.insert((&tp.topic, tp.partition), &c.handle) {
                return Some(format!("{tp} owned by both {other} and {}", c.handle));
            }
        }
    }
    None
}

/// `close()`, the consumer's settings changed while it is down, and the same consumer restarted
/// (with its `group.instance.id`, if it has one) `down_ms` after the close.
fn roll(
    world: &mut World,
    watch: &mut Watch,
    handle: &str,
    at: Millis,
    down_ms: Millis,
    settings: &[(&str, &str)],
) {
    apply(
        world,
        Action::CloseConsumer {
            consumer: handle.into(),
        },
    );
    watch.run(world, at + down_ms);
    for (name, value) in settings {
        apply(
            world,
            Action::SetConsumerConfig {
                consumer: handle.into(),
                name: name.to_string(),
                value: value.to_string(),
            },
        );
    }
    apply(
        world,
        Action::RestartConsumer {
            consumer: handle.into(),
            group_instance_id: InstanceIdChange::Keep,
        },
    );
}

/// Rolled to `group.protocol=consumer` (without `partition.assignment.strategy`, which Kafka
/// refuses with that protocol).
fn roll_to_consumer(world: &mut World, watch: &mut Watch, handle: &str, at: Millis) {
    let settings = [
        ("partition.assignment.strategy", ""),
        ("group.protocol", "consumer"),
    ];
    roll(world, watch, handle, at, 15_000, &settings);
}

fn conversions(world: &World) -> Vec<(Millis, String, String)> {
    world
        .trace()
        .iter()
        .filter_map(|e| match &e.event {
            TraceEvent::GroupConverted { to, consumer, .. } => {
                Some((e.at, to.clone(), consumer.clone()))
            }
            _ => None,
        })
        .collect()
}

/// Each member's protocol as the consumer group's snapshot shows it.
fn protocols(world: &World) -> BTreeMap<String, String> {
    let snapshot = world.snapshot();
    snapshot
        .consumer_groups
        .iter()
        .filter(|g| g.group_id == "g")
        .flat_map(|g| g.members.iter())
        .map(|m| (m.consumer.clone(), m.protocol.clone()))
        .collect()
}

/// The protocols map [`protocols`] should show: each consumer with its `group.protocol`.
fn protocols_are(members: &[(&str, &str)]) -> BTreeMap<String, String> {
    members
        .iter()
        .map(|(c, p)| (c.to_string(), p.to_string()))
        .collect()
}

fn all_six_owned_once(world: &World) -> bool {
    let mut all: Vec<i32> = ownership(world).into_values().flatten().collect();
    all.sort();
    all == (0..6).collect::<Vec<_>>()
}

#[test]
fn a_rolling_upgrade_converts_at_the_first_consumer_member_and_never_owns_a_partition_twice() {
    let mut world = classic_group("{}");
    let mut watch = Watch::new();
    watch.run(&mut world, 20_000);
    assert!(all_six_owned_once(&world), "{:?}", ownership(&world));
    assert!(world.snapshot().consumer_groups.is_empty());

    roll_to_consumer(&mut world, &mut watch, "c1", 20_000);
    watch.run(&mut world, 60_000);
    let converted = conversions(&world);
    assert_eq!(converted.len(), 1, "{converted:?}");
    assert_eq!(
        (converted[0].1.as_str(), converted[0].2.as_str()),
        ("consumer", "c1")
    );
    let snapshot = world.snapshot();
    assert!(
        snapshot.groups.iter().all(|g| g.group_id != "g"),
        "no classic group g any more"
    );
    let expected = protocols_are(&[("c1", "consumer"), ("c2", "classic"), ("c3", "classic")]);
    assert_eq!(protocols(&world), expected);
    assert!(all_six_owned_once(&world), "{:?}", ownership(&world));
    assert!(
        !owned(&world, "c1").is_empty(),
        "the consumer-protocol member got partitions"
    );
    // A classic member's card reads its assignment and session from the consumer group.
    let snapshot = world.snapshot();
    let c2 = snapshot
        .consumers
        .iter()
        .find(|c| c.handle == "c2")
        .unwrap();
    assert_eq!(c2.assigned_by_coordinator, c2.owned);
    assert!(c2.session_deadline.is_some_and(|d| d > world.now()));

    roll_to_consumer(&mut world, &mut watch, "c2", 60_000);
    watch.run(&mut world, 100_000);
    roll_to_consumer(&mut world, &mut watch, "c3", 100_000);
    watch.run(&mut world, 160_000);

    assert_eq!(
        conversions(&world).len(),
        1,
        "no conversion back while consumer members remain"
    );
    let expected = protocols_are(&[("c1", "consumer"), ("c2", "consumer"), ("c3", "consumer")]);
    assert_eq!(protocols(&world), expected);
    let snapshot = world.snapshot();
    let group = &snapshot.consumer_groups[0];
    assert_eq!(group.state.to_string(), "Stable");
    assert!(all_six_owned_once(&world), "{:?}", ownership(&world));
    for c in ["c1", "c2", "c3"] {
        assert_eq!(owned(&world, c).len(), 2, "{c}: {:?}", ownership(&world));
    }
    assert!(watch.events > 1000, "checked after every event");
}

#[test]
fn the_group_converts_back_to_classic_when_the_last_consumer_member_leaves() {
    let mut world = classic_group("{}");
    let mut watch = Watch::new();
    watch.run(&mut world, 20_000);
    roll_to_consumer(&mut world, &mut watch, "c1", 20_000);
    watch.run(&mut world, 60_000);
    assert_eq!(conversions(&world).len(), 1);

    // The rollback: the only consumer-protocol member leaves.
    apply(
        &mut world,
        Action::CloseConsumer {
            consumer: "c1".into(),
        },
    );
    watch.run(&mut world, 100_000);
    let converted = conversions(&world);
    assert_eq!(converted.len(), 2, "{converted:?}");
    assert_eq!(
        (converted[1].1.as_str(), converted[1].2.as_str()),
        ("classic", "c1")
    );
    let snapshot = world.snapshot();
    assert!(
        snapshot.consumer_groups.is_empty(),
        "no consumer group g any more"
    );
    let classic = snapshot.groups.iter().find(|g| g.group_id == "g").unwrap();
    assert_eq!(classic.state.to_string(), "Stable");
    assert_eq!(classic.members.len(), 2);
    // The downgrade starts a rebalance at once ("Downgrade group g from consumer to classic for
    // member leaving."), and the two classic members share the six partitions again.
    assert!(world.trace().iter().any(|e| matches!(
        &e.event,
        TraceEvent::RebalanceStarted { reason, .. }
            if reason.to_string() == "Downgrade group g from consumer to classic for member leaving."
    )));
    assert_eq!(owned(&world, "c2").len() + owned(&world, "c3").len(), 6);
    assert!(all_six_owned_once(&world), "{:?}", ownership(&world));
}

#[test]
fn policy_disabled_refuses_the_upgrade_with_kafkas_error() {
    let mut world = classic_group(r#"{ "group.consumer.migration.policy": "disabled" }"#);
    let mut watch = Watch::new();
    watch.run(&mut world, 20_000);
    roll_to_consumer(&mut world, &mut watch, "c1", 20_000);
    watch.run(&mut world, 60_000);
    assert!(conversions(&world).is_empty());
    let snapshot = world.snapshot();
    let c1 = snapshot
        .consumers
        .iter()
        .find(|c| c.handle == "c1")
        .unwrap();
    assert!(!c1.state.is_running(), "c1 failed: {}", c1.state);
    let message =
        "Cannot upgrade classic group g to consumer group because online upgrade is disabled.";
    let failure = failure_of(&world, "c1");
    assert!(failure.contains("GROUP_ID_NOT_FOUND"), "{failure}");
    assert!(failure.contains(message), "{failure}");
    // The classic group goes on without c1.
    assert_eq!(owned(&world, "c2").len() + owned(&world, "c3").len(), 6);
}

/// Policy `upgrade`: the group converts, but does not convert back; `downgrade`: it never converts.
#[test]
fn policies_upgrade_and_downgrade_allow_one_direction_each() {
    let mut world = classic_group(r#"{ "group.consumer.migration.policy": "upgrade" }"#);
    let mut watch = Watch::new();
    watch.run(&mut world, 20_000);
    roll_to_consumer(&mut world, &mut watch, "c1", 20_000);
    watch.run(&mut world, 60_000);
    apply(
        &mut world,
        Action::CloseConsumer {
            consumer: "c1".into(),
        },
    );
    watch.run(&mut world, 100_000);
    assert_eq!(conversions(&world).len(), 1, "upgraded, never downgraded");
    let expected = protocols_are(&[("c2", "classic"), ("c3", "classic")]);
    assert_eq!(
        protocols(&world),
        expected,
        "a consumer group of classic members"
    );
    assert!(all_six_owned_once(&world), "{:?}", ownership(&world));

    let mut world = classic_group(r#"{ "group.consumer.migration.policy": "downgrade" }"#);
    let mut watch = Watch::new();
    watch.run(&mut world, 20_000);
    roll_to_consumer(&mut world, &mut watch, "c1", 20_000);
    watch.run(&mut world, 60_000);
    assert!(conversions(&world).is_empty());
    assert!(failure_of(&world, "c1").contains("online upgrade is disabled"));
}

#[test]
fn an_unknown_migration_policy_is_refused_as_the_broker_refuses_it() {
    let s = scenario(
        r#"{ "broker": { "group.consumer.migration.policy": "sideways" },
             "topics": [{ "name": "t", "partitions": 1 }], "duration_ms": 1000 }"#,
    );
    let error = World::new(&s).unwrap_err().to_string();
    assert!(
        error.contains("Invalid value sideways for configuration group.consumer.migration.policy: String must be one of (case insensitive): bidirectional, upgrade, downgrade, disabled"),
        "{error}"
    );
}

/// The fatal error a consumer failed with, as its trace records it.
fn failure_of(world: &World, handle: &str) -> String {
    world
        .trace()
        .iter()
        .filter(|e| e.event.to_string().contains(handle))
        .map(|e| e.event.to_string())
        .filter(|text| text.contains("Exception") || text.contains("GROUP_ID_NOT_FOUND"))
        .collect::<Vec<_>>()
        .join(" | ")
}

/// `examples/rolling-upgrade-kip848.json`: the same roll as a scenario file, checked event by event.
#[test]
fn the_example_scenario_rolls_the_group_over_with_one_owner_per_partition() {
    let s = scenario(include_str!("../../examples/rolling-upgrade-kip848.json"));
    let mut world = World::new(&s).unwrap();
    let mut checker = InvariantChecker::new();
    run_checked(&mut world, &mut checker, s.duration_ms);
    let converted: Vec<(String, String)> = conversions(&world)
        .into_iter()
        .map(|(_, to, consumer)| (to, consumer))
        .collect();
    assert_eq!(converted, [("consumer".to_string(), "c1".to_string())]);
    let snapshot = world.snapshot();
    let group = &snapshot.consumer_groups[0];
    assert!(group.members.iter().all(|m| m.protocol == "consumer"));
    assert_eq!(group.state.to_string(), "Stable");
    let mut all: Vec<i32> = ownership(&world).into_values().flatten().collect();
    all.sort();
    assert_eq!(all, (0..6).collect::<Vec<_>>());
}

/// `examples/rolling-downgrade-static.json`: the static rolling downgrade as a scenario file,
/// checked event by event: converted back once, at c3, with no rebalance and nobody moved.
#[test]
fn the_downgrade_example_converts_back_at_the_last_member_without_a_rebalance() {
    let s = scenario(include_str!("../../examples/rolling-downgrade-static.json"));
    let mut world = World::new(&s).unwrap();
    let mut checker = InvariantChecker::new();
    run_checked(&mut world, &mut checker, 20_000);
    let before = ownership(&world);
    run_checked(&mut world, &mut checker, s.duration_ms);
    let converted: Vec<(Millis, String, String)> = conversions(&world);
    assert_eq!(converted.len(), 1, "{converted:?}");
    assert_eq!(
        (
            converted[0].0,
            converted[0].1.as_str(),
            converted[0].2.as_str()
        ),
        (110_002, "classic", "c3")
    );
    assert_eq!(rebalances_started(&world), Vec::<String>::new());
    let snapshot = world.snapshot();
    assert!(snapshot.consumer_groups.is_empty());
    let classic = &snapshot.groups[0];
    assert_eq!(classic.state.to_string(), "Stable");
    assert_eq!(ownership(&world), before);
}

/// The page opens the example under the strategy its groups set (KIP-848, `Session::loaded`), not
/// the page's default, and runs the same downgrade there.
#[test]
fn the_page_opens_the_downgrade_example_under_kip848_and_converts_back_the_same_way() {
    let s = scenario(include_str!("../../examples/rolling-downgrade-static.json"));
    let session = Session::loaded(s, vec![Strategy::KafkaDefault]);
    assert_eq!(session.strategies, [Strategy::Kip848]);
    let mut lab = Lab::new(session).expect("the page accepts the example");
    lab.run_until(140_000);
    let world = &lab.lanes[0].world;
    let converted = conversions(world);
    assert_eq!(converted.len(), 1, "{converted:?}");
    assert_eq!(
        (converted[0].1.as_str(), converted[0].2.as_str()),
        ("classic", "c3")
    );
    assert_eq!(rebalances_started(world), Vec::<String>::new());
}

/// `validateOnlineUpgrade` refuses a classic group larger than `group.consumer.max.size`
/// (GROUP_ID_NOT_FOUND); one exactly that large converts nothing either, the new member being
/// refused GROUP_MAX_SIZE_REACHED.
#[test]
fn the_consumer_group_size_limit_is_checked_before_the_upgrade() {
    for (max, error, message) in [
        (
            "1",
            "GroupIdNotFoundException",
            "Cannot upgrade classic group g to consumer group because the group size exceeds the consumer group maximum size.",
        ),
        (
            "2",
            "GroupMaxSizeReachedException",
            "The consumer group has reached its maximum capacity of 2 members.",
        ),
    ] {
        let mut world = classic_group(&format!(r#"{{ "group.consumer.max.size": {max} }}"#));
        let mut watch = Watch::new();
        watch.run(&mut world, 20_000);
        roll_to_consumer(&mut world, &mut watch, "c1", 20_000);
        watch.run(&mut world, 60_000);
        assert!(conversions(&world).is_empty(), "max {max}");
        let failure = failure_of(&world, "c1");
        assert!(failure.contains(error) && failure.contains(message), "{failure}");
        assert_eq!(owned(&world, "c2").len() + owned(&world, "c3").len(), 6);
    }
}

/// Three classic cooperative-sticky static consumers c1 < c2 < c3 (`group.instance.id` i1, i2,
/// i3) of group `g` on `t` (6 partitions), with Kafka's 45 s session timeout.
fn static_classic_group() -> World {
    let consumers: Vec<String> = (1..=3)
        .map(|i| {
            format!(
                r#"{{ "group": "g", "topics": ["t"], "config": {{ "client.id": "c{i}",
                     "group.instance.id": "i{i}",
                     "partition.assignment.strategy": "cooperative-sticky" }} }}"#
            )
        })
        .collect();
    let s = scenario(&format!(
        r#"{{ "seed": 7, "network_latency_ms": 2, "topics": [{{ "name": "t", "partitions": 6 }}],
             "consumers": [{}], "duration_ms": 600000 }}"#,
        consumers.join(", ")
    ));
    World::new(&s).unwrap()
}

fn replacements(world: &World) -> Vec<String> {
    world
        .trace()
        .iter()
        .filter_map(|e| match &e.event {
            TraceEvent::StaticMemberReplaced { consumer, .. } => Some(consumer.clone()),
            _ => None,
        })
        .collect()
}

/// A static rolling upgrade: each member closed (a static member sends no LeaveGroup, so its
/// partitions stay assigned to it) and restarted on `group.protocol=consumer` with its
/// `group.instance.id` within the session timeout. The first such join converts the group, and
/// every consumer-protocol join replaces the classic member of its instance id at once: Kafka's
/// `getOrMaybeSubscribeStaticConsumerGroupMember` skips the UNRELEASED_INSTANCE_ID check when the
/// existing member uses the classic protocol. The new member takes the replaced member's
/// assignment and subscription, so the group epoch does not move and nobody else rebalances.
#[test]
fn a_static_rolling_upgrade_replaces_each_classic_member_and_keeps_every_assignment() {
    let mut world = static_classic_group();
    let mut watch = Watch::new();
    watch.run(&mut world, 20_000);
    assert!(all_six_owned_once(&world), "{:?}", ownership(&world));
    let before = ownership(&world);
    let generation = world
        .snapshot()
        .groups
        .iter()
        .find(|g| g.group_id == "g")
        .unwrap()
        .generation;

    roll_to_consumer(&mut world, &mut watch, "c1", 20_000);
    watch.run(&mut world, 60_000);
    let converted = conversions(&world);
    assert_eq!(converted.len(), 1, "{converted:?}");
    assert_eq!(
        (converted[0].1.as_str(), converted[0].2.as_str()),
        ("consumer", "c1")
    );
    assert_eq!(replacements(&world), ["c1"]);
    let expected = protocols_are(&[("c1", "consumer"), ("c2", "classic"), ("c3", "classic")]);
    assert_eq!(protocols(&world), expected);
    // c1 is back with the partitions its classic member held; nobody else moved.
    assert_eq!(ownership(&world), before);
    let snapshot = world.snapshot();
    let group = &snapshot.consumer_groups[0];
    assert_eq!(
        group.group_epoch, generation,
        "no epoch bump: same subscription"
    );
    assert_eq!(group.state.to_string(), "Stable");

    roll_to_consumer(&mut world, &mut watch, "c2", 60_000);
    watch.run(&mut world, 100_000);
    roll_to_consumer(&mut world, &mut watch, "c3", 100_000);
    watch.run(&mut world, 160_000);

    assert_eq!(conversions(&world).len(), 1, "converted once");
    assert_eq!(replacements(&world), ["c1", "c2", "c3"]);
    let expected = protocols_are(&[("c1", "consumer"), ("c2", "consumer"), ("c3", "consumer")]);
    assert_eq!(protocols(&world), expected);
    assert_eq!(
        ownership(&world),
        before,
        "every member kept its partitions"
    );
    assert!(!world
        .trace()
        .iter()
        .any(|e| e.event.to_string().contains("UNRELEASED_INSTANCE_ID")));
    let snapshot = world.snapshot();
    assert_eq!(snapshot.consumer_groups[0].group_epoch, generation);
    assert!(watch.events > 1000, "checked after every event");
}

/// A classic static member that restarts while the group is a consumer group (here mid-upgrade:
/// c1 already rolled to `group.protocol=consumer`, c2 still classic) rejoins without a member id,
/// and the consumer group puts it in place of the member of its `group.instance.id`
/// (`classicGroupJoinToConsumerGroup`, `getOrMaybeSubscribeStaticConsumerGroupMember`): within the
/// session timeout it keeps its partitions, the group epoch does not move and nobody rebalances.
#[test]
fn a_classic_static_member_restarted_into_the_consumer_group_keeps_its_partitions() {
    let mut world = static_classic_group();
    let mut watch = Watch::new();
    watch.run(&mut world, 20_000);
    roll_to_consumer(&mut world, &mut watch, "c1", 20_000);
    watch.run(&mut world, 60_000);
    let before = ownership(&world);
    let epoch = world.snapshot().consumer_groups[0].group_epoch;
    apply(
        &mut world,
        Action::CloseConsumer {
            consumer: "c2".into(),
        },
    );
    watch.run(&mut world, 70_000);
    apply(
        &mut world,
        Action::RestartConsumer {
            consumer: "c2".into(),
            group_instance_id: InstanceIdChange::Keep,
        },
    );
    watch.run(&mut world, 110_000);

    assert_eq!(replacements(&world), ["c1", "c2"]);
    assert_eq!(conversions(&world).len(), 1, "still the one upgrade");
    let expected = protocols_are(&[("c1", "consumer"), ("c2", "classic"), ("c3", "classic")]);
    assert_eq!(protocols(&world), expected);
    assert_eq!(ownership(&world), before, "c2 is back with its partitions");
    let snapshot = world.snapshot();
    let group = &snapshot.consumer_groups[0];
    assert_eq!(group.group_epoch, epoch, "no epoch bump: same subscription");
    assert_eq!(group.state.to_string(), "Stable");
    let c2 = group.members.iter().find(|m| m.consumer == "c2").unwrap();
    assert_eq!(
        c2.member_epoch, epoch,
        "reconciled at once to the group's epoch"
    );
}

/// Three static members on `group.protocol=consumer`, in group `g` on `t` (6 partitions); topic `u`
/// (2 partitions) exists too, unread.
fn static_consumer_group(broker: &str) -> World {
    let consumers: Vec<String> = (1..=3)
        .map(|i| {
            format!(
                r#"{{ "group": "g", "topics": ["t"], "config": {{ "client.id": "c{i}",
                     "group.instance.id": "i{i}", "group.protocol": "consumer" }} }}"#
            )
        })
        .collect();
    let s = scenario(&format!(
        r#"{{ "seed": 7, "network_latency_ms": 2, "broker": {broker},
             "topics": [{{ "name": "t", "partitions": 6 }}, {{ "name": "u", "partitions": 2 }}],
             "consumers": [{}], "duration_ms": 600000 }}"#,
        consumers.join(", ")
    ));
    World::new(&s).unwrap()
}

/// Rolled back to `group.protocol=classic` with cooperative-sticky, 10 s after the close (a static
/// consumer-protocol member leaves with epoch -2 and keeps its partitions meanwhile).
fn roll_to_classic(world: &mut World, watch: &mut Watch, handle: &str, at: Millis) {
    let settings = [
        ("group.protocol", "classic"),
        ("partition.assignment.strategy", "cooperative-sticky"),
    ];
    roll(world, watch, handle, at, 10_000, &settings);
}

fn rebalances_started(world: &World) -> Vec<String> {
    world
        .trace()
        .iter()
        .filter_map(|e| match &e.event {
            TraceEvent::RebalanceStarted { reason, .. } => Some(reason.to_string()),
            _ => None,
        })
        .collect()
}

/// A static rolling downgrade: each member restarted on `group.protocol=classic` replaces its
/// consumer-protocol member inside the consumer group; the last replacement converts the group
/// back to a classic group (`validateOnlineDowngradeWithReplacedMember`, `convertToClassicGroup`
/// with the joining member), Stable at the group epoch with every member's target as its
/// assignment. The subscription did not change, so Kafka starts no rebalance, and nobody moves.
#[test]
fn a_static_rolling_downgrade_converts_back_at_the_last_replacement_without_a_rebalance() {
    let mut world = static_consumer_group("{}");
    let mut watch = Watch::new();
    watch.run(&mut world, 20_000);
    assert!(all_six_owned_once(&world), "{:?}", ownership(&world));
    let before = ownership(&world);
    let epoch = world.snapshot().consumer_groups[0].group_epoch;

    roll_to_classic(&mut world, &mut watch, "c1", 20_000);
    watch.run(&mut world, 50_000);
    roll_to_classic(&mut world, &mut watch, "c2", 50_000);
    watch.run(&mut world, 80_000);
    let expected = protocols_are(&[("c1", "classic"), ("c2", "classic"), ("c3", "consumer")]);
    assert_eq!(protocols(&world), expected, "mixed until the last one");
    assert!(conversions(&world).is_empty());
    assert_eq!(ownership(&world), before);

    roll_to_classic(&mut world, &mut watch, "c3", 80_000);
    watch.run(&mut world, 140_000);
    assert_eq!(replacements(&world), ["c1", "c2", "c3"]);
    let converted = conversions(&world);
    assert_eq!(converted.len(), 1, "{converted:?}");
    assert_eq!(
        (converted[0].1.as_str(), converted[0].2.as_str()),
        ("classic", "c3")
    );
    let snapshot = world.snapshot();
    assert!(
        snapshot.consumer_groups.is_empty(),
        "no consumer group g any more"
    );
    let classic = snapshot.groups.iter().find(|g| g.group_id == "g").unwrap();
    assert_eq!(classic.state.to_string(), "Stable");
    assert_eq!(
        classic.generation, epoch,
        "the classic generation is the group epoch"
    );
    assert_eq!(classic.members.len(), 3);
    assert_eq!(rebalances_started(&world), Vec::<String>::new());
    assert_eq!(
        ownership(&world),
        before,
        "every member kept its partitions"
    );
}

/// The same downgrade when the joining member subscribes to more than the member it replaces: the
/// classic group rebalances at once ("... for static member replacement with different
/// subscription."). A new consumer takes the closed one's `group.instance.id`.
#[test]
fn a_downgrade_by_a_replacement_with_another_subscription_rebalances() {
    let mut world = static_consumer_group("{}");
    let mut watch = Watch::new();
    watch.run(&mut world, 20_000);
    roll_to_classic(&mut world, &mut watch, "c1", 20_000);
    watch.run(&mut world, 50_000);
    roll_to_classic(&mut world, &mut watch, "c2", 50_000);
    watch.run(&mut world, 80_000);
    apply(
        &mut world,
        Action::CloseConsumer {
            consumer: "c3".into(),
        },
    );
    watch.run(&mut world, 90_000);
    let config = r#"{ "client.id": "c4", "group.instance.id": "i3", "group.protocol": "classic",
                      "partition.assignment.strategy": "cooperative-sticky" }"#;
    apply(
        &mut world,
        Action::AddConsumer {
            group: "g".into(),
            topics: vec!["t".into(), "u".into()],
            config: serde_json::from_str(config).unwrap(),
        },
    );
    watch.run(&mut world, 150_000);
    let converted = conversions(&world);
    assert_eq!(converted.len(), 1, "{converted:?}");
    assert_eq!(
        (converted[0].1.as_str(), converted[0].2.as_str()),
        ("classic", "c4")
    );
    assert_eq!(
        rebalances_started(&world),
        ["Downgrade group g from consumer to classic for static member replacement with different subscription."]
    );
    let snapshot = world.snapshot();
    let classic = snapshot.groups.iter().find(|g| g.group_id == "g").unwrap();
    assert_eq!(classic.state.to_string(), "Stable");
    let mut owned: Vec<String> = snapshot
        .consumers
        .iter()
        .filter(|c| c.state.is_running())
        .flat_map(|c| c.owned.iter().map(move |tp| format!("{}:{tp}", c.handle)))
        .collect();
    owned.sort();
    assert_eq!(
        owned,
        ["c1:t-0", "c1:t-1", "c2:t-3", "c2:t-4", "c2:t-5", "c4:t-2", "c4:u-0", "c4:u-1"],
        "c4 keeps i3's t-2 and takes u, which only it reads"
    );
}

/// With `group.consumer.migration.policy=upgrade` the last replacement does not convert: the group
/// stays a consumer group whose members all use the classic protocol.
#[test]
fn without_downgrades_the_last_replacement_leaves_a_consumer_group_of_classic_members() {
    let mut world = static_consumer_group(r#"{ "group.consumer.migration.policy": "upgrade" }"#);
    let mut watch = Watch::new();
    watch.run(&mut world, 20_000);
    let before = ownership(&world);
    for (handle, at) in [("c1", 20_000), ("c2", 50_000), ("c3", 80_000)] {
        roll_to_classic(&mut world, &mut watch, handle, at);
        watch.run(&mut world, at + 30_000);
    }
    assert!(conversions(&world).is_empty());
    let expected = protocols_are(&[("c1", "classic"), ("c2", "classic"), ("c3", "classic")]);
    assert_eq!(protocols(&world), expected);
    assert_eq!(ownership(&world), before);
}
