//! The KIP-848 consumer protocol (`group.protocol=consumer`): spec §7's KIP-848 column (a–f), each
//! row with Kafka's defaults and with short classroom timings, the client config rules, and §8's
//! invariants after every event.

use crate::common::*;
use rebalance_lab::sim::invariants::InvariantChecker;
use rebalance_lab::sim::scenario::ConfigOverrides;
use rebalance_lab::sim::vocab::{ConsumerGroupRemoval, EpochBumpReason};
use rebalance_lab::sim::{Action, CallbackKind, InstanceIdChange, Millis, TraceEvent, World};
use std::collections::BTreeMap;

/// The timings a §7 row runs with: the consumers' and the broker's overrides (JSON objects), and
/// what they amount to.
pub struct Timing {
    pub consumer: &'static str,
    pub broker: &'static str,
    pub session: Millis,
    pub heartbeat: Millis,
    pub max_poll: Millis,
}

/// Kafka 4.1 as shipped: `group.consumer.session.timeout.ms` 45 s, `group.consumer.heartbeat.interval.ms`
/// 5 s, `max.poll.interval.ms` 5 min.
pub const DEFAULTS: Timing = Timing {
    consumer: "{}",
    broker: "{}",
    session: 45_000,
    heartbeat: 5_000,
    max_poll: 300_000,
};

/// Short timings for a classroom: the broker's session and heartbeat (the client may not set
/// them under this protocol) and a short poll interval.
pub const SHORT: Timing = Timing {
    consumer: r#"{ "max.poll.interval.ms": 8000 }"#,
    broker: r#"{ "group.consumer.min.session.timeout.ms": 10000, "group.consumer.session.timeout.ms": 10000,
                 "group.consumer.min.heartbeat.interval.ms": 1000, "group.consumer.heartbeat.interval.ms": 1000 }"#,
    session: 10_000,
    heartbeat: 1_000,
    max_poll: 8_000,
};

/// `count` consumers of group `g` under the timings `t`, settled (see [`kip848_world`]).
pub fn timed_world(count: usize, t: &Timing) -> (World, InvariantChecker) {
    kip848_world(count, t.consumer, t.broker)
}

/// `count` consumers of group `g` on topic `t` (6 partitions) under the consumer protocol, with the
/// given consumer overrides and broker settings (JSON objects), run until the group settled.
pub fn kip848_world(count: usize, config: &str, broker: &str) -> (World, InvariantChecker) {
    let consumers: Vec<String> = (0..count)
        .map(|_| format!(r#"{{ "group": "g", "topics": ["t"], "config": {config} }}"#))
        .collect();
    let s = scenario(&format!(
        r#"{{ "seed": 5, "network_latency_ms": 2, "broker": {broker},
             "topics": [{{ "name": "t", "partitions": 6 }}],
             "groups": [{{ "group_id": "g", "config": {{ "group.protocol": "consumer" }} }}],
             "consumers": [{}], "duration_ms": 600000 }}"#,
        consumers.join(", ")
    ));
    let mut world = World::new(&s).unwrap();
    let mut checker = InvariantChecker::new();
    run_checked(&mut world, &mut checker, 30_000);
    (world, checker)
}

pub fn add_consumer(config: &[(&str, &str)]) -> Action {
    Action::AddConsumer {
        group: "g".into(),
        topics: vec!["t".into()],
        config: config
            .iter()
            .map(|(k, v)| (k.to_string(), (*v).into()))
            .collect::<ConfigOverrides>(),
    }
}

/// Group epoch bumps after `since`, with their reasons.
pub fn bumps_since(world: &World, since: Millis) -> Vec<(i32, EpochBumpReason)> {
    world
        .trace()
        .iter()
        .filter(|e| e.at >= since)
        .filter_map(|e| match &e.event {
            TraceEvent::GroupEpochBumped { epoch, reason, .. } => Some((*epoch, reason.clone())),
            _ => None,
        })
        .collect()
}

pub fn group_epoch(world: &World) -> i32 {
    world.snapshot().consumer_groups[0].group_epoch
}

/// Every partition is consumed by exactly one running consumer.
fn all_six_owned_once(world: &World) -> bool {
    let mut all: Vec<i32> = ownership(world).into_values().flatten().collect();
    all.sort();
    all == (0..6).collect::<Vec<_>>()
}

fn removals(world: &World) -> Vec<(String, ConsumerGroupRemoval, Millis)> {
    world
        .trace()
        .iter()
        .filter_map(|e| match &e.event {
            TraceEvent::ConsumerGroupMemberRemoved {
                consumer, cause, ..
            } => Some((consumer.clone(), *cause, e.at)),
            _ => None,
        })
        .collect()
}

#[test]
fn three_members_settle_with_two_partitions_each_and_one_target_epoch() {
    let (world, _) = kip848_world(3, "{}", "{}");
    let snapshot = world.snapshot();
    let g = &snapshot.consumer_groups[0];
    assert_eq!(g.group_epoch, 3, "one bump per joining member");
    assert_eq!(g.assignment_epoch, 3);
    assert_eq!(
        g.assignor.as_deref(),
        Some("uniform"),
        "the broker's default"
    );
    assert!(g.members.iter().all(|m| m.member_epoch == 3));
    for (handle, owned) in ownership(&world) {
        assert_eq!(owned.len(), 2, "{handle}");
    }
    // Member ids are 22-character URL-safe base64 UUIDs made by the client.
    for c in &snapshot.consumers {
        assert_eq!(c.member_id.len(), 22, "{}", c.member_id);
    }
    // Only ConsumerGroupHeartbeat (and commits): no JoinGroup, SyncGroup, Heartbeat or Metadata.
    for api in [
        "JoinGroup",
        "SyncGroup",
        "Heartbeat",
        "Metadata",
        "LeaveGroup",
    ] {
        assert_eq!(count_requests(&world, "c1", api, 0), 0, "{api}");
    }
}

fn scenario_a_join(t: &Timing) {
    let (mut world, mut checker) = timed_world(3, t);
    let before = ownership(&world);
    let epoch = group_epoch(&world);
    apply(&mut world, add_consumer(&[]));
    run_checked(&mut world, &mut checker, 60_000);
    let bumps = bumps_since(&world, 30_000);
    assert_eq!(bumps.len(), 1, "one epoch bump: {bumps:?}");
    assert_eq!(bumps[0].0, epoch + 1);
    let revoked = revoked_by(&world, 30_000);
    assert_eq!(revoked.len(), 1, "exactly one owner revokes: {revoked:?}");
    let (owner, lists) = revoked.iter().next().unwrap();
    assert_eq!(
        lists,
        &vec![vec![*before[owner].iter().max().unwrap()]],
        "its higher partition"
    );
    // c4's first onPartitionsAssigned is empty, at once; its second brings the revoked partition.
    let c4: Vec<Vec<i32>> = callbacks(&world, CallbackKind::Assigned, 30_000)
        .into_iter()
        .filter(|(c, _, _)| c == "c4")
        .map(|(_, p, _)| p)
        .collect();
    assert_eq!(c4, vec![vec![], lists[0].clone()]);
    // Nobody else stopped: no one but the owner had a revocation, and ownership is complete.
    assert!(all_six_owned_once(&world));
    let moved_at = world
        .trace()
        .iter()
        .find(|e| matches!(&e.event, TraceEvent::OwnershipChanged { consumer, owned, .. } if consumer == "c4" && !owned.is_empty()))
        .unwrap()
        .at;
    assert!(
        moved_at <= 30_000 + 2 * t.heartbeat + 200,
        "c4 consumes within two heartbeat intervals: {moved_at}"
    );
}

#[test]
fn a_join_moves_one_partition_from_exactly_one_owner_with_defaults() {
    scenario_a_join(&DEFAULTS);
}

#[test]
fn a_join_moves_one_partition_from_exactly_one_owner_with_short_timeouts() {
    scenario_a_join(&SHORT);
}

fn scenario_b_leave(t: &Timing) {
    let (mut world, mut checker) = timed_world(3, t);
    apply(
        &mut world,
        Action::CloseConsumer {
            consumer: "c2".into(),
        },
    );
    run_checked(&mut world, &mut checker, 40_000);
    let bumps = bumps_since(&world, 30_000);
    assert_eq!(bumps.len(), 1, "{bumps:?}");
    assert!(
        matches!(&bumps[0].1, EpochBumpReason::MemberRemoved { consumer, cause: ConsumerGroupRemoval::Left } if consumer == "c2")
    );
    let revoked = revoked_by(&world, 30_000);
    assert_eq!(
        revoked.keys().collect::<Vec<_>>(),
        ["c2"],
        "only the leaver revokes (in close())"
    );
    // Orphans are picked up on each survivor's next heartbeat.
    run_checked(&mut world, &mut checker, 30_000 + t.heartbeat + 300);
    assert!(all_six_owned_once(&world), "{:?}", ownership(&world));
    assert_eq!(
        ownership(&world).values().map(Vec::len).collect::<Vec<_>>(),
        [3, 3]
    );
}

#[test]
fn b_a_graceful_leave_hands_the_orphans_out_without_revocations_with_defaults() {
    scenario_b_leave(&DEFAULTS);
}

#[test]
fn b_a_graceful_leave_hands_the_orphans_out_without_revocations_with_short_timeouts() {
    scenario_b_leave(&SHORT);
}

fn scenario_c_crash(t: &Timing) {
    let (mut world, mut checker) = timed_world(3, t);
    let lost = owned(&world, "c2");
    apply(
        &mut world,
        Action::KillConsumer {
            consumer: "c2".into(),
        },
    );
    let last_heartbeat = world.snapshot().consumer_groups[0]
        .members
        .iter()
        .find(|m| m.consumer == "c2")
        .and_then(|m| m.session_deadline)
        .unwrap()
        - t.session;
    run_checked(&mut world, &mut checker, last_heartbeat + t.session - 1);
    let orphaned: Vec<i32> = ownership(&world)
        .into_values()
        .flatten()
        .filter(|p| lost.contains(p))
        .collect();
    assert!(
        orphaned.is_empty(),
        "nobody consumes the crashed member's partitions before the fence"
    );
    run_checked(
        &mut world,
        &mut checker,
        last_heartbeat + t.session + t.heartbeat + 300,
    );
    let fenced = removals(&world);
    assert_eq!(
        fenced,
        vec![(
            "c2".to_string(),
            ConsumerGroupRemoval::SessionExpired,
            last_heartbeat + t.session
        )]
    );
    assert!(all_six_owned_once(&world));
    assert!(revoked_by(&world, 30_000).is_empty(), "no revocations");
}

#[test]
fn c_a_crash_is_noticed_at_the_session_timeout_and_survivors_take_their_share_with_defaults() {
    scenario_c_crash(&DEFAULTS);
}

#[test]
fn c_a_crash_is_noticed_at_the_session_timeout_and_survivors_take_their_share_with_short_timeouts()
{
    scenario_c_crash(&SHORT);
}

fn scenario_d_dynamic_stall(t: &Timing) {
    let (mut world, mut checker) = timed_world(3, t);
    let stall = t.max_poll + 10_000;
    apply(
        &mut world,
        Action::StallConsumer {
            consumer: "c2".into(),
            ms: stall,
        },
    );
    run_checked(&mut world, &mut checker, 30_000 + stall + 6 * t.heartbeat);
    let bumps: Vec<_> = bumps_since(&world, 30_000)
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    assert!(
        matches!(&bumps[0], EpochBumpReason::MemberRemoved { consumer, cause: ConsumerGroupRemoval::Left } if consumer == "c2"),
        "{bumps:?}"
    );
    assert!(
        matches!(&bumps[1], EpochBumpReason::SubscriptionChanged { consumer } if consumer == "c2"),
        "{bumps:?}"
    );
    assert_eq!(bumps.len(), 2);
    // On its return c2 reports its partitions lost, rejoins, and gets some back incrementally.
    let lost = callbacks(&world, CallbackKind::Lost, 30_000);
    assert_eq!(lost.len(), 1);
    assert_eq!(lost[0].0, "c2");
    assert!(poll_timeout_expired(&world, "c2", 30_000).is_some());
    assert!(all_six_owned_once(&world));
    assert_eq!(owned(&world, "c2").len(), 2);
    // c1 and c3 never lost a partition they kept: only what they handed back was revoked.
    for (consumer, lists) in revoked_by(&world, 30_000) {
        assert_ne!(consumer, "c2");
        assert_eq!(
            lists.iter().flatten().count(),
            1,
            "{consumer} gives back one partition"
        );
    }
}

#[test]
fn d_a_dynamic_member_past_its_poll_timeout_leaves_then_rejoins_without_blocking_anyone_with_defaults(
) {
    scenario_d_dynamic_stall(&DEFAULTS);
}

#[test]
fn d_a_dynamic_member_past_its_poll_timeout_leaves_then_rejoins_without_blocking_anyone_with_short_timeouts(
) {
    scenario_d_dynamic_stall(&SHORT);
}

fn scenario_f_idle(t: &Timing) {
    let (mut world, mut checker) = timed_world(6, t);
    let before = ownership(&world);
    apply(&mut world, add_consumer(&[]));
    run_checked(&mut world, &mut checker, 60_000);
    assert_eq!(bumps_since(&world, 30_000).len(), 1);
    assert!(revoked_by(&world, 30_000).is_empty());
    let mut after = ownership(&world);
    assert_eq!(after.remove("c7"), Some(vec![]));
    assert_eq!(after, before);
}

#[test]
fn f_a_seventh_member_on_six_partitions_stays_idle_and_nothing_moves_with_defaults() {
    scenario_f_idle(&DEFAULTS);
}

#[test]
fn f_a_seventh_member_on_six_partitions_stays_idle_and_nothing_moves_with_short_timeouts() {
    scenario_f_idle(&SHORT);
}

#[test]
fn client_settings_of_the_classic_protocol_are_refused_with_kafkas_message() {
    let (mut world, _) = kip848_world(1, "{}", "{}");
    let before = world.snapshot();
    for (settings, message) in [
        (
            vec![("session.timeout.ms", "45000")],
            "ConfigException: session.timeout.ms cannot be set when group.protocol=CONSUMER",
        ),
        (
            vec![("heartbeat.interval.ms", "3000"), ("partition.assignment.strategy", "range")],
            "ConfigException: partition.assignment.strategy, heartbeat.interval.ms cannot be set when group.protocol=CONSUMER",
        ),
    ] {
        let error = world.apply(add_consumer(&settings)).unwrap_err();
        assert_eq!(error.to_string(), message);
    }
    let classic = Action::AddConsumer {
        group: "other".into(),
        topics: vec!["t".into()],
        config: [("group.remote.assignor".to_string(), "uniform".into())]
            .into_iter()
            .collect(),
    };
    assert_eq!(
        world.apply(classic).unwrap_err().to_string(),
        "ConfigException: group.remote.assignor cannot be set when group.protocol=CLASSIC"
    );
    let typo = add_consumer(&[("group.protocol", "kip848")]);
    assert!(world.apply(typo).unwrap_err().to_string().contains(
        "Invalid value kip848 for configuration group.protocol: String must be one of (case insensitive): CLASSIC, CONSUMER"
    ));
    assert_eq!(world.snapshot(), before, "refusals change nothing");
}

#[test]
fn broker_settings_shape_the_group_and_are_checked_as_kafka_does() {
    let (world, _) = kip848_world(
        2,
        "{}",
        r#"{ "group.consumer.min.session.timeout.ms": 10000, "group.consumer.session.timeout.ms": 10000,
             "group.consumer.min.heartbeat.interval.ms": 1000, "group.consumer.heartbeat.interval.ms": 2000,
             "group.consumer.assignors": "range,uniform" }"#,
    );
    let snapshot = world.snapshot();
    assert_eq!(
        snapshot.consumer_groups[0].assignor.as_deref(),
        Some("range")
    );
    // Server range is not sticky and takes blocks: 3 + 3.
    assert_eq!(
        ownership(&world).values().map(Vec::len).collect::<Vec<_>>(),
        [3, 3]
    );
    let heartbeats = count_requests(&world, "c1", "ConsumerGroupHeartbeat", 20_000);
    assert!(
        (4..=6).contains(&heartbeats),
        "every 2 s for 10 s: {heartbeats}"
    );
    let bad = scenario(
        r#"{ "broker": { "group.consumer.heartbeat.interval.ms": 50000 }, "topics": [], "consumers": [] }"#,
    );
    let error = World::new(&bad).unwrap_err().to_string();
    assert!(error.contains("group.consumer.heartbeat.interval.ms must be less than or equal to group.consumer.max.heartbeat.interval.ms"), "{error}");
}

#[test]
fn group_remote_assignor_picks_the_server_assignor() {
    let (world, _) = kip848_world(2, r#"{ "group.remote.assignor": "range" }"#, "{}");
    assert_eq!(
        world.snapshot().consumer_groups[0].assignor.as_deref(),
        Some("range")
    );
    let (mut world, mut checker) = kip848_world(1, "{}", "{}");
    apply(
        &mut world,
        add_consumer(&[("group.remote.assignor", "sticky")]),
    );
    run_checked(&mut world, &mut checker, 40_000);
    let c2 = world
        .snapshot()
        .consumers
        .into_iter()
        .find(|c| c.handle == "c2")
        .unwrap();
    assert_eq!(
        c2.state.to_string(),
        "Failed (UnsupportedAssignorException: ServerAssignor sticky is not supported. Supported assignors: uniform, range.)"
    );
}

#[test]
fn new_partitions_are_noticed_by_the_broker_at_the_next_heartbeat() {
    let (mut world, mut checker) = kip848_world(3, "{}", "{}");
    apply(
        &mut world,
        Action::AddPartitions {
            topic: "t".into(),
            total: 9,
        },
    );
    run_checked(&mut world, &mut checker, 30_000 + 5_300);
    let bumps = bumps_since(&world, 30_000);
    assert_eq!(bumps.len(), 1);
    assert_eq!(bumps[0].1, EpochBumpReason::MetadataChanged);
    let all: usize = ownership(&world).values().map(Vec::len).sum();
    assert!(
        all >= 7,
        "the first heartbeats already hand out new partitions: {all}"
    );
    run_checked(&mut world, &mut checker, 50_000);
    assert_eq!(
        ownership(&world).values().map(Vec::len).collect::<Vec<_>>(),
        [3, 3, 3]
    );
}

#[test]
fn epochs_and_reconciliations_show_in_the_snapshot() {
    let (mut world, mut checker) = kip848_world(3, "{}", "{}");
    apply(&mut world, add_consumer(&[]));
    // Just after c4's join: the group is reconciling and someone is asked to revoke.
    let mut saw_revoke = false;
    let mut saw_waiting = false;
    while world.now() < 45_000 {
        world.process_next_event();
        checker.check(&world).unwrap();
        let s = world.snapshot();
        for m in &s.consumer_groups[0].members {
            saw_revoke |= !m.pending_revocation.is_empty();
            saw_waiting |= !m.awaiting.is_empty();
        }
    }
    assert!(saw_revoke && saw_waiting);
    let s = world.snapshot();
    let g = &s.consumer_groups[0];
    assert_eq!(g.state.to_string(), "Stable");
    let views: BTreeMap<&str, i32> = s
        .consumers
        .iter()
        .map(|c| (c.handle.as_str(), c.kip848.as_ref().unwrap().member_epoch))
        .collect();
    assert!(views.values().all(|&e| e == g.group_epoch), "{views:?}");
}

pub fn restart(handle: &str) -> Action {
    Action::RestartConsumer {
        consumer: handle.into(),
        group_instance_id: InstanceIdChange::Keep,
    }
}

/// Three static members i1, i2, i3 (c1, c2, c3) under the consumer protocol, settled. They start
/// 1.7 s apart, as real processes do, so their heartbeats do not fall on the same instants.
fn static_world(config: &str, broker: &str) -> (World, InvariantChecker) {
    let consumers: Vec<String> = (1..=3)
        .map(|i| {
            let mut map: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(config).unwrap();
            map.insert("group.instance.id".into(), format!("i{i}").into());
            format!(
                r#"{{ "group": "g", "topics": ["t"], "config": {}, "start_at_ms": {} }}"#,
                serde_json::Value::Object(map),
                (i - 1) * 1_700
            )
        })
        .collect();
    let s = scenario(&format!(
        r#"{{ "seed": 9, "network_latency_ms": 2, "broker": {broker},
             "topics": [{{ "name": "t", "partitions": 6 }}],
             "groups": [{{ "group_id": "g", "config": {{ "group.protocol": "consumer" }} }}],
             "consumers": [{}], "duration_ms": 600000 }}"#,
        consumers.join(", ")
    ));
    let mut world = World::new(&s).unwrap();
    let mut checker = InvariantChecker::new();
    run_checked(&mut world, &mut checker, 30_000);
    (world, checker)
}

fn scenario_e_close(t: &Timing) {
    let (mut world, mut checker) = static_world(t.consumer, t.broker);
    let before = ownership(&world);
    apply(
        &mut world,
        Action::CloseConsumer {
            consumer: "c2".into(),
        },
    );
    run_checked(&mut world, &mut checker, 30_000 + t.session / 2);
    // -2: the member and its assignment stay; the partitions are idle.
    let g = world.snapshot().consumer_groups[0].clone();
    let c2 = g.members.iter().find(|m| m.consumer == "c2").unwrap();
    assert_eq!(c2.member_epoch, -2);
    assert_eq!(c2.assigned.len(), 2);
    apply(&mut world, restart("c2"));
    run_checked(
        &mut world,
        &mut checker,
        30_000 + t.session + 3 * t.heartbeat,
    );
    assert!(bumps_since(&world, 30_000).is_empty(), "no epoch bump");
    assert_eq!(
        ownership(&world),
        before,
        "same partitions, nobody else moved"
    );
    assert!(revoked_by(&world, 30_000).keys().all(|c| c == "c2"));
}

#[test]
fn e_a_static_member_closed_and_restarted_within_the_session_keeps_its_partitions_with_defaults() {
    scenario_e_close(&DEFAULTS);
}

#[test]
fn e_a_static_member_closed_and_restarted_within_the_session_keeps_its_partitions_with_short_timeouts(
) {
    scenario_e_close(&SHORT);
}

/// (e′): a static member down past its session: fenced (bump), and its return joins as a new
/// member (bump); the owners give back, the newcomer takes on its next heartbeats.
fn scenario_e_prime_restart_after_the_session(t: &Timing) {
    let (mut world, mut checker) = static_world(t.consumer, t.broker);
    let expiry = world.snapshot().consumer_groups[0]
        .members
        .iter()
        .find(|m| m.consumer == "c2")
        .and_then(|m| m.session_deadline)
        .unwrap();
    apply(
        &mut world,
        Action::KillConsumer {
            consumer: "c2".into(),
        },
    );
    run_checked(&mut world, &mut checker, expiry + t.heartbeat + 1_000);
    assert_eq!(
        removals(&world),
        vec![(
            "c2".to_string(),
            ConsumerGroupRemoval::SessionExpired,
            expiry
        )]
    );
    let restarted_at = world.now();
    apply(&mut world, restart("c2"));
    run_checked(&mut world, &mut checker, restarted_at + 6 * t.heartbeat);
    let reasons: Vec<_> = bumps_since(&world, 30_000)
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        matches!(&reasons[1], EpochBumpReason::SubscriptionChanged { consumer } if consumer == "c2")
    );
    assert_eq!(
        revocation_sizes(&world, restarted_at),
        [1, 1],
        "each survivor gives one back"
    );
    assert!(all_six_owned_once(&world));
    assert_eq!(owned(&world, "c2").len(), 2);
}

#[test]
fn e_prime_a_static_member_back_after_its_session_joins_as_new_with_defaults() {
    scenario_e_prime_restart_after_the_session(&DEFAULTS);
}

#[test]
fn e_prime_a_static_member_back_after_its_session_joins_as_new_with_short_timeouts() {
    scenario_e_prime_restart_after_the_session(&SHORT);
}

#[test]
fn e_a_crashed_static_member_is_refused_until_its_session_expires_then_joins_as_new() {
    let (mut world, mut checker) = static_world("{}", "{}");
    apply(
        &mut world,
        Action::KillConsumer {
            consumer: "c2".into(),
        },
    );
    run_checked(&mut world, &mut checker, 33_000);
    apply(&mut world, restart("c2"));
    run_checked(&mut world, &mut checker, 34_000);
    let state = world.snapshot().consumers[1].state.to_string();
    assert!(
        state.starts_with("Failed (UnreleasedInstanceIdException: Static member ")
            && state.contains(
                "with instance id i2 cannot join the group because the instance id is owned by"
            ),
        "{state}"
    );
    assert!(bumps_since(&world, 30_000).is_empty());
    // After the old session expires: fenced (bump), and a restart joins as a new member (bump).
    run_checked(&mut world, &mut checker, 90_000);
    assert_eq!(removals(&world).len(), 1);
    apply(&mut world, restart("c2"));
    run_checked(&mut world, &mut checker, 120_000);
    let reasons: Vec<_> = bumps_since(&world, 30_000)
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    assert!(matches!(
        &reasons[0],
        EpochBumpReason::MemberRemoved {
            cause: ConsumerGroupRemoval::SessionExpired,
            ..
        }
    ));
    assert!(
        matches!(&reasons[1], EpochBumpReason::SubscriptionChanged { consumer } if consumer == "c2")
    );
    assert_eq!(reasons.len(), 2);
    assert!(all_six_owned_once(&world));
    assert_eq!(owned(&world, "c2").len(), 2);
}

fn scenario_d_static_stall(t: &Timing) {
    let (mut world, mut checker) = static_world(t.consumer, t.broker);
    let before = ownership(&world);
    // Back in poll() half a session after the poll timer expired.
    let stall = t.max_poll + t.session / 2;
    apply(
        &mut world,
        Action::StallConsumer {
            consumer: "c2".into(),
            ms: stall,
        },
    );
    run_checked(&mut world, &mut checker, 30_000 + t.max_poll + 2_000);
    let left = world.trace().iter().any(|e| matches!(&e.event, TraceEvent::StaticMemberLeftTemporarily { consumer, .. } if consumer == "c2"));
    assert!(left, "the poll timer sent -2");
    run_checked(&mut world, &mut checker, 30_000 + stall + 4 * t.heartbeat);
    assert!(bumps_since(&world, 30_000).is_empty(), "no bump");
    assert_eq!(ownership(&world), before);
    // Its poll() after the stall reported the partitions lost, then took the same ones back.
    assert_eq!(callbacks(&world, CallbackKind::Lost, 30_000).len(), 1);
}

#[test]
fn d_a_stalled_static_member_leaves_with_minus_two_and_retakes_its_partitions_with_defaults() {
    scenario_d_static_stall(&DEFAULTS);
}

#[test]
fn d_a_stalled_static_member_leaves_with_minus_two_and_retakes_its_partitions_with_short_timeouts()
{
    scenario_d_static_stall(&SHORT);
}

/// A member asked to revoke dies at once: whichever of its rebalance timeout (`max.poll.interval.ms`,
/// from the request to revoke) and its session timeout (from its last heartbeat) ends first fences it.
/// Returns the victim, when it was asked, and the removals.
fn scenario_d_owed_revocation(
    t: &Timing,
) -> (
    String,
    Millis,
    Millis,
    Vec<(String, ConsumerGroupRemoval, Millis)>,
) {
    let (mut world, mut checker) = timed_world(3, t);
    apply(&mut world, add_consumer(&[]));
    // Run until the coordinator asks someone to revoke, then kill that process at once.
    let (victim, asked_at) = loop {
        world.process_next_event();
        checker.check(&world).unwrap();
        let s = world.snapshot();
        if let Some(m) = s.consumer_groups[0]
            .members
            .iter()
            .find(|m| !m.pending_revocation.is_empty())
        {
            break (m.consumer.clone(), world.now());
        }
        assert!(world.now() < 45_000, "nobody was asked to revoke");
    };
    let session_deadline = world.snapshot().consumer_groups[0]
        .members
        .iter()
        .find(|m| m.consumer == victim)
        .and_then(|m| m.session_deadline)
        .unwrap();
    apply(
        &mut world,
        Action::KillConsumer {
            consumer: victim.clone(),
        },
    );
    run_checked(
        &mut world,
        &mut checker,
        asked_at + t.max_poll.min(t.session) + 3 * t.heartbeat,
    );
    assert!(all_six_owned_once(&world));
    (victim, asked_at, session_deadline, removals(&world))
}

#[test]
fn d_a_member_that_does_not_revoke_within_its_rebalance_timeout_is_fenced_with_short_timeouts() {
    let (victim, asked_at, _, removals) = scenario_d_owed_revocation(&SHORT);
    assert_eq!(
        removals,
        vec![(
            victim,
            ConsumerGroupRemoval::RebalanceTimeoutExpired,
            asked_at + SHORT.max_poll
        )],
        "fenced at the rebalance timeout (8 s), before the session (10 s) would expire"
    );
}

/// With Kafka's defaults the session (45 s) ends long before the rebalance timeout (5 min).
#[test]
fn d_a_dead_member_owing_a_revocation_is_fenced_by_its_session_with_defaults() {
    let (victim, _, session_deadline, removals) = scenario_d_owed_revocation(&DEFAULTS);
    assert_eq!(
        removals,
        vec![(
            victim,
            ConsumerGroupRemoval::SessionExpired,
            session_deadline
        )]
    );
}

/// The real broker's traces (`tests/data/reference-traces/consumer-*.json`): 6 partitions, group
/// session timeout 10 s. Member ids are random, so the shape is compared: who revokes how much, how
/// many distinct epochs `onPartitionsAssigned` reported after the action, and final balance.
fn reference_world(config: &str) -> (World, InvariantChecker) {
    kip848_world(
        3,
        config,
        r#"{ "group.consumer.min.session.timeout.ms": 10000, "group.consumer.session.timeout.ms": 10000 }"#,
    )
}

fn revocation_sizes(world: &World, since: Millis) -> Vec<usize> {
    let mut sizes: Vec<usize> = revoked_by(world, since)
        .values()
        .flatten()
        .map(Vec::len)
        .collect();
    sizes.sort();
    sizes
}

fn compare_with_reference(name: &str, world: &World, since: Millis) {
    let reference = crate::reference_traces::reference(name);
    let mut expected: Vec<usize> = reference.revoked.values().flatten().map(Vec::len).collect();
    expected.sort();
    assert_eq!(
        revocation_sizes(world, since),
        expected,
        "{name}: revocation sizes"
    );
    assert_eq!(
        crate::reference_traces::assigned_generations_since(world, since),
        reference.assigned_generations,
        "{name}: distinct epochs in onPartitionsAssigned"
    );
    let mut sizes: Vec<usize> = ownership(world)
        .values()
        .map(Vec::len)
        .filter(|n| *n > 0)
        .collect();
    sizes.sort();
    let mut final_sizes: Vec<usize> = reference.final_.values().map(Vec::len).collect();
    final_sizes.sort();
    assert_eq!(sizes, final_sizes, "{name}: final balance");
}

#[test]
fn reference_a_join_has_the_shape_of_the_real_broker() {
    let (mut world, mut checker) = reference_world("{}");
    apply(&mut world, add_consumer(&[]));
    run_checked(&mut world, &mut checker, 60_000);
    compare_with_reference("consumer-a-join", &world, 30_000);
}

#[test]
fn reference_b_leave_has_the_shape_of_the_real_broker() {
    let (mut world, mut checker) = reference_world("{}");
    apply(
        &mut world,
        Action::CloseConsumer {
            consumer: "c2".into(),
        },
    );
    run_checked(&mut world, &mut checker, 60_000);
    compare_with_reference("consumer-b-leave-close", &world, 30_000);
}

#[test]
fn reference_c_crash_has_the_shape_of_the_real_broker() {
    let (mut world, mut checker) = reference_world("{}");
    let c2 = world.snapshot().consumer_groups[0]
        .members
        .iter()
        .find(|m| m.consumer == "c2")
        .cloned();
    let deadline = c2.and_then(|m| m.session_deadline).unwrap();
    apply(
        &mut world,
        Action::KillConsumer {
            consumer: "c2".into(),
        },
    );
    run_checked(&mut world, &mut checker, 60_000);
    compare_with_reference("consumer-c-crash", &world, 30_000);
    // Detected at the 10 s session timeout after its last heartbeat, not before.
    assert_eq!(removals(&world)[0].2, deadline);
}

/// The trace's static restart: the restarted process's first heartbeat came just after the old
/// member's session expired (epochs: fence, then join), so the newcomer got exactly the orphans;
/// then kept down past the session timeout and restarted (fence, survivors take the orphans; join,
/// each survivor gives one back).
#[test]
fn reference_d_static_restart_has_the_shape_of_the_real_broker() {
    let (mut world, mut checker) = static_world(
        "{}",
        r#"{ "group.consumer.min.session.timeout.ms": 10000, "group.consumer.session.timeout.ms": 10000 }"#,
    );
    let orphans = owned(&world, "c2");
    let epoch = group_epoch(&world);
    let deadline = |world: &World| {
        world.snapshot().consumer_groups[0]
            .members
            .iter()
            .find(|m| m.consumer == "c2")
            .and_then(|m| m.session_deadline)
            .unwrap()
    };
    let expiry = deadline(&world);
    apply(
        &mut world,
        Action::KillConsumer {
            consumer: "c2".into(),
        },
    );
    run_checked(&mut world, &mut checker, expiry + 1);
    apply(&mut world, restart("c2"));
    run_checked(&mut world, &mut checker, expiry + 4_000);
    assert_eq!(group_epoch(&world), epoch + 2, "fence, then join");
    assert_eq!(
        owned(&world, "c2"),
        orphans,
        "the newcomer gets exactly the orphans"
    );
    assert!(revoked_by(&world, 30_000).is_empty());
    // Down past the session timeout, then back.
    let expiry = deadline(&world);
    apply(
        &mut world,
        Action::KillConsumer {
            consumer: "c2".into(),
        },
    );
    run_checked(&mut world, &mut checker, expiry + 16_000);
    apply(&mut world, restart("c2"));
    run_checked(&mut world, &mut checker, expiry + 40_000);
    let reference = crate::reference_traces::reference("consumer-d-static-restart");
    let mut expected: Vec<usize> = reference.revoked.values().flatten().map(Vec::len).collect();
    expected.sort();
    assert_eq!(revocation_sizes(&world, 30_000), expected);
    assert_eq!(
        crate::reference_traces::assigned_generations_since(&world, 30_001),
        reference.assigned_generations
    );
    assert_eq!(
        ownership(&world).values().map(Vec::len).collect::<Vec<_>>(),
        [2, 2, 2]
    );
}

/// Groups of both protocols read one topic side by side in one World: a classic eager group and a
/// KIP-848 group each consume every partition exactly once, and neither notices the other's changes.
#[test]
fn groups_of_both_protocols_read_one_topic_side_by_side() {
    let s = scenario(
        r#"{ "seed": 4, "topics": [{ "name": "t", "partitions": 6 }],
             "groups": [{ "group_id": "classic", "config": { "session.timeout.ms": 10000 } },
                        { "group_id": "kip848", "config": { "group.protocol": "consumer" } }],
             "consumers": [{ "group": "classic", "topics": ["t"], "count": 2 },
                           { "group": "kip848", "topics": ["t"], "count": 3 }],
             "duration_ms": 120000 }"#,
    );
    let mut world = World::new(&s).unwrap();
    let mut checker = InvariantChecker::new();
    run_checked(&mut world, &mut checker, 30_000);
    let per_group = |world: &World, group: &str| -> Vec<i32> {
        let mut all: Vec<i32> = world
            .snapshot()
            .consumers
            .iter()
            .filter(|c| c.group == group && c.state.is_running())
            .flat_map(|c| c.owned.iter().map(|tp| tp.partition))
            .collect();
        all.sort();
        all
    };
    assert_eq!(per_group(&world, "classic"), (0..6).collect::<Vec<_>>());
    assert_eq!(per_group(&world, "kip848"), (0..6).collect::<Vec<_>>());
    let snapshot = world.snapshot();
    assert_eq!(snapshot.groups.len(), 1, "one classic group");
    assert_eq!(snapshot.consumer_groups.len(), 1, "one consumer group");
    // A crash in the KIP-848 group changes nothing in the classic one.
    let generation = snapshot.groups[0].generation;
    apply(
        &mut world,
        Action::KillConsumer {
            consumer: "c3".into(),
        },
    );
    run_checked(&mut world, &mut checker, 90_000);
    assert_eq!(world.snapshot().groups[0].generation, generation);
    assert_eq!(per_group(&world, "kip848"), (0..6).collect::<Vec<_>>());
    // Both grow with the topic: the classic leader at its metadata refresh, the broker at once.
    apply(
        &mut world,
        Action::AddPartitions {
            topic: "t".into(),
            total: 8,
        },
    );
    run_checked(&mut world, &mut checker, 90_000 + 10_000);
    assert_eq!(per_group(&world, "kip848"), (0..8).collect::<Vec<_>>());
}

/// What `consumer` did after `since`, in order: `commit` (an OffsetCommit sent), `committed` (its
/// answer arrived), and each listener callback (`revoked`, `assigned`).
fn commits_and_callbacks(world: &World, consumer: &str, since: Millis) -> Vec<(Millis, String)> {
    use rebalance_lab::sim::protocol::Message;
    world
        .trace()
        .iter()
        .filter(|e| e.at >= since)
        .filter_map(|e| {
            let step = match &e.event {
                TraceEvent::MessageSent { from, message, .. }
                    if from.to_string() == consumer
                        && message.api() == "OffsetCommit"
                        && matches!(&**message, Message::Request { .. }) =>
                {
                    "commit".to_string()
                }
                TraceEvent::MessageDelivered { to, message, .. }
                    if to.to_string() == consumer
                        && message.api() == "OffsetCommit"
                        && matches!(&**message, Message::Response { .. }) =>
                {
                    "committed".to_string()
                }
                TraceEvent::Callback {
                    consumer: c, kind, ..
                } if c == consumer => match kind {
                    CallbackKind::Revoked => "revoked".to_string(),
                    CallbackKind::Assigned => "assigned".to_string(),
                    CallbackKind::Lost => "lost".to_string(),
                },
                _ => return None,
            };
            Some((e.at, step))
        })
        .collect()
}

/// Auto-commit only when a reconciliation asks for it (the interval is longer than the run).
const NO_INTERVAL_COMMITS: &str = r#"{ "auto.commit.interval.ms": 3600000 }"#;

/// `AbstractMembershipManager.maybeReconcile`: with auto-commit, the owner asked to revoke first
/// commits, and `onPartitionsRevoked` runs only once the commit's answer arrived.
#[test]
fn a_revoking_member_commits_first_and_revokes_only_once_the_commit_is_answered() {
    let (mut world, mut checker) = kip848_world(3, NO_INTERVAL_COMMITS, "{}");
    apply(&mut world, add_consumer(&[]));
    run_checked(&mut world, &mut checker, 60_000);
    let revoked = revoked_by(&world, 30_000);
    assert_eq!(revoked.len(), 1, "{revoked:?}");
    let owner = revoked.keys().next().unwrap().clone();
    let steps: Vec<String> = commits_and_callbacks(&world, &owner, 30_000)
        .into_iter()
        .map(|(_, step)| step)
        .collect();
    assert_eq!(
        steps,
        ["commit", "committed", "revoked", "assigned"],
        "{owner}"
    );
    let at = |step: &str| {
        commits_and_callbacks(&world, &owner, 30_000)
            .into_iter()
            .find(|(_, s)| s == step)
            .unwrap()
            .0
    };
    assert!(at("revoked") >= at("commit") + 4, "a round trip later");
}

/// The commit comes before every reconciliation of a member that consumed something, even one
/// that only adds partitions.
#[test]
fn a_reconciliation_that_revokes_nothing_commits_first_too() {
    let (mut world, mut checker) = kip848_world(3, NO_INTERVAL_COMMITS, "{}");
    apply(
        &mut world,
        Action::CloseConsumer {
            consumer: "c2".into(),
        },
    );
    run_checked(&mut world, &mut checker, 40_000);
    assert!(revoked_by(&world, 30_000).keys().all(|c| c == "c2"));
    for survivor in ["c1", "c3"] {
        let steps: Vec<String> = commits_and_callbacks(&world, survivor, 30_000)
            .into_iter()
            .map(|(_, step)| step)
            .collect();
        assert_eq!(steps, ["commit", "committed", "assigned"], "{survivor}");
    }
}

/// `onHeartbeatRequestGenerated`: a member leaves ACKNOWLEDGING when it sends a heartbeat, not
/// when an answer comes back. With a long latency, owners finish reconciling (after their commit's
/// round trip) while their regular heartbeat travels; that heartbeat's answer must not swallow the
/// acknowledgement, which goes out as soon as nothing is in flight.
#[test]
fn an_acknowledgement_is_sent_as_soon_as_no_heartbeat_is_in_flight() {
    let latency: Millis = 1_500;
    let s = scenario(&format!(
        r#"{{ "seed": 5, "network_latency_ms": {latency},
             "topics": [{{ "name": "t", "partitions": 6 }}],
             "groups": [{{ "group_id": "g", "config": {{ "group.protocol": "consumer" }} }}],
             "consumers": [{{ "group": "g", "topics": ["t"], "count": 3, "config": {NO_INTERVAL_COMMITS} }}],
             "duration_ms": 600000 }}"#
    ));
    let mut world = World::new(&s).unwrap();
    let mut checker = InvariantChecker::new();
    run_checked(&mut world, &mut checker, 30_000);
    apply(&mut world, add_consumer(&[]));
    run_checked(&mut world, &mut checker, 90_000);
    let heartbeats_sent = |consumer: &str| -> Vec<Millis> {
        world
            .trace()
            .iter()
            .filter(|e| match &e.event {
                TraceEvent::MessageSent { from, message, .. } => {
                    from.to_string() == consumer
                        && message.api() == "ConsumerGroupHeartbeat"
                        && matches!(
                            &**message,
                            rebalance_lab::sim::protocol::Message::Request { .. }
                        )
                }
                _ => false,
            })
            .map(|e| e.at)
            .collect()
    };
    let mut waited_for_one_in_flight = false;
    let reconciling: std::collections::BTreeSet<String> =
        callbacks(&world, CallbackKind::Assigned, 30_000)
            .into_iter()
            .map(|(consumer, _, _)| consumer)
            .collect();
    for consumer in reconciling {
        for at in callbacks_at(&world, &consumer, 30_000) {
            let ack = heartbeats_sent(&consumer)
                .into_iter()
                .find(|&sent| sent >= at)
                .expect("an acknowledgement");
            assert!(
                ack <= at + 2 * latency,
                "{consumer} reconciled at {at} and acknowledged at {ack}"
            );
            waited_for_one_in_flight |= ack > at;
        }
    }
    assert!(
        waited_for_one_in_flight,
        "some reconciliation ended while a heartbeat travelled"
    );
    assert!(all_six_owned_once(&world));
}

/// When `consumer`'s `onPartitionsAssigned` ran after `since` (each ends a reconciliation).
fn callbacks_at(world: &World, consumer: &str, since: Millis) -> Vec<Millis> {
    world
        .trace()
        .iter()
        .filter(|e| e.at >= since)
        .filter_map(|e| match &e.event {
            TraceEvent::Callback {
                consumer: c,
                kind: CallbackKind::Assigned,
                ..
            } if c == consumer => Some(e.at),
            _ => None,
        })
        .collect()
}

/// With records: the owner's commit before the reconciliation carries the position of every
/// partition it consumed, the one it gives up and the ones it keeps; while that commit travels,
/// `poll()` returns records of the kept partitions only (`markPendingRevocation`).
#[test]
fn while_the_commit_travels_the_partition_to_revoke_is_no_longer_consumed() {
    use rebalance_lab::sim::protocol::{Message, Request};
    let latency: Millis = 200;
    let s = scenario(&format!(
        r#"{{ "seed": 5, "network_latency_ms": {latency},
             "topics": [{{ "name": "t", "partitions": 6 }}],
             "groups": [{{ "group_id": "g", "config": {{ "group.protocol": "consumer",
                 "auto.offset.reset": "earliest", "auto.commit.interval.ms": 3600000,
                 "processing.time.ms": 20, "processing.time.per.record.ms": 1 }} }}],
             "consumers": [{{ "group": "g", "topics": ["t"], "count": 3 }}],
             "producers": [{{ "topic": "t", "records_per_sec": 600, "keys": 60 }}],
             "duration_ms": 600000 }}"#
    ));
    let mut world = World::new(&s).unwrap();
    let mut checker = InvariantChecker::new();
    run_checked(&mut world, &mut checker, 30_000);
    apply(&mut world, add_consumer(&[]));
    run_checked(&mut world, &mut checker, 60_000);
    let revoked = revoked_by(&world, 30_000);
    assert_eq!(revoked.len(), 1, "{revoked:?}");
    let (owner, lists) = revoked.iter().next().unwrap();
    let moved = lists[0][0];
    let steps = commits_and_callbacks(&world, owner, 30_000);
    let committed_at = steps.iter().find(|(_, s)| s == "commit").unwrap().0;
    let revoked_at = steps.iter().find(|(_, s)| s == "revoked").unwrap().0;
    assert!(revoked_at >= committed_at + 2 * latency);
    // The commit: every partition it consumed.
    let commit = world
        .trace()
        .iter()
        .filter(|e| e.at == committed_at)
        .find_map(|e| match &e.event {
            TraceEvent::MessageSent { from, message, .. } if from.to_string() == *owner => {
                match &**message {
                    Message::Request {
                        body: Request::OffsetCommit(r),
                        ..
                    } => Some(r.clone()),
                    _ => None,
                }
            }
            _ => None,
        })
        .unwrap();
    let mut committed: Vec<i32> = commit
        .offsets
        .iter()
        .map(|o| o.partition.partition)
        .collect();
    committed.sort();
    let mut held: Vec<i32> = owned(&world, owner);
    held.push(moved);
    held.sort();
    assert_eq!(committed, held, "kept and revoked partitions");
    // Records processed by the owner while the commit travelled: kept partitions only.
    let during: Vec<Vec<i32>> = world
        .trace()
        .iter()
        .filter(|e| e.at > committed_at && e.at < revoked_at)
        .filter_map(|e| match &e.event {
            TraceEvent::RecordsProcessed {
                consumer, ranges, ..
            } if consumer == owner => Some(ranges.iter().map(|r| r.partition.partition).collect()),
            _ => None,
        })
        .collect();
    assert!(!during.is_empty(), "the owner kept processing");
    assert!(
        during.iter().flatten().all(|p| *p != moved),
        "nothing of partition {moved} after the commit was sent: {during:?}"
    );
}
