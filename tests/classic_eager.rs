//! Spec §7 scenarios under the 4.x default (eager + range), with default and with short timeouts,
//! checking the §8 invariants after every event.

mod common;

use common::*;
use rebalance_lab::sim::invariants::InvariantChecker;
use rebalance_lab::sim::scenario::ConfigOverrides;
use rebalance_lab::sim::trace::{CallbackKind, TraceEvent};
use rebalance_lab::sim::{Action, World};
use std::collections::BTreeMap;

const SHORT: &str = r#"{ "session.timeout.ms": 10000, "heartbeat.interval.ms": 1000, "max.poll.interval.ms": 30000 }"#;
const NO_DELAY: &str = r#"{ "group.initial.rebalance.delay.ms": 0 }"#;

fn map(entries: &[(&str, &[i32])]) -> BTreeMap<String, Vec<i32>> {
    entries
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_vec()))
        .collect()
}

fn add_consumer() -> Action {
    Action::AddConsumer {
        group: "g".into(),
        topics: vec!["t".into()],
        config: ConfigOverrides::new(),
    }
}

fn started(config: &str, broker: &str) -> (World, InvariantChecker) {
    let mut world = World::new(&three_on_six(config, broker)).unwrap();
    let mut checker = InvariantChecker::new();
    run_checked(&mut world, &mut checker, 20_000);
    assert_eq!(
        ownership(&world),
        map(&[("c1", &[0, 1]), ("c2", &[2, 3]), ("c3", &[4, 5])])
    );
    (world, checker)
}

fn scenario_a_join(config: &str, broker: &str) {
    let (mut world, mut checker) = started(config, broker);
    let before = generation(&world, "g");
    apply(&mut world, add_consumer());
    run_checked(&mut world, &mut checker, 80_000);

    assert_eq!(generation(&world, "g"), before + 1, "one rebalance");
    let rebalances = rebalances_since(&world, "g", 20_000);
    assert_eq!(rebalances.len(), 1);
    assert_eq!(rebalances[0].1, "member joined");
    // Everyone revokes everything (eager), and c4 sorts last: {0,1},{2,3},{4},{5}.
    let revoked = revoked_by(&world, 20_000);
    assert_eq!(revoked.len(), 3);
    assert_eq!(revoked["c1"], vec![vec![0, 1]]);
    assert_eq!(revoked["c2"], vec![vec![2, 3]]);
    assert_eq!(revoked["c3"], vec![vec![4, 5]]);
    assert_eq!(
        ownership(&world),
        map(&[("c1", &[0, 1]), ("c2", &[2, 3]), ("c3", &[4]), ("c4", &[5])])
    );
}

#[test]
fn a_fourth_consumer_joins_with_defaults() {
    scenario_a_join("{}", "{}");
}

#[test]
fn a_fourth_consumer_joins_with_short_timeouts() {
    scenario_a_join(SHORT, NO_DELAY);
}

fn scenario_b_leave(config: &str, broker: &str) {
    let (mut world, mut checker) = started(config, broker);
    apply(
        &mut world,
        Action::CloseConsumer {
            consumer: "c2".into(),
        },
    );
    run_checked(&mut world, &mut checker, 80_000);

    let rebalances = rebalances_since(&world, "g", 20_000);
    assert_eq!(rebalances.len(), 1);
    assert_eq!(rebalances[0].1, "member left");
    assert_eq!(
        rebalances[0].2,
        20_000 + 2,
        "the LeaveGroup starts it on arrival"
    );
    let revoked = revoked_by(&world, 20_000);
    assert_eq!(
        revoked["c2"],
        vec![vec![2, 3]],
        "close() revokes through the listener"
    );
    assert_eq!(revoked["c1"], vec![vec![0, 1]]);
    assert_eq!(revoked["c3"], vec![vec![4, 5]]);
    assert_eq!(
        ownership(&world),
        map(&[("c1", &[0, 1, 2]), ("c3", &[3, 4, 5])])
    );
}

#[test]
fn b_graceful_leave_with_defaults() {
    scenario_b_leave("{}", "{}");
}

#[test]
fn b_graceful_leave_with_short_timeouts() {
    scenario_b_leave(SHORT, NO_DELAY);
}

fn scenario_c_crash(config: &str, broker: &str, session_timeout: u64) {
    let (mut world, mut checker) = started(config, broker);
    apply(
        &mut world,
        Action::KillConsumer {
            consumer: "c2".into(),
        },
    );
    let last_heartbeat = last_heartbeat_before(&world, "c2", 20_000).expect("c2 heartbeated");
    let detection = last_heartbeat + session_timeout;
    run_checked(&mut world, &mut checker, detection - 1);
    assert!(
        rebalances_since(&world, "g", 20_000).is_empty(),
        "nothing happens before the session expires"
    );
    assert_eq!(owned(&world, "c1"), vec![0, 1], "survivors keep consuming");
    run_checked(&mut world, &mut checker, detection + 60_000);

    let rebalances = rebalances_since(&world, "g", 20_000);
    assert_eq!(rebalances.len(), 1);
    assert_eq!(rebalances[0].1, "session expired");
    assert_eq!(
        rebalances[0].2, detection,
        "detected exactly session.timeout.ms after the last heartbeat"
    );
    assert_eq!(
        ownership(&world),
        map(&[("c1", &[0, 1, 2]), ("c3", &[3, 4, 5])])
    );
    assert!(callbacks(&world, CallbackKind::Revoked, 20_000)
        .iter()
        .all(|(c, _, _)| c != "c2"));

    // The orphans sat without a consumer from the crash until after detection.
    let m = metrics(&world);
    for p in [2, 3] {
        let timeline = m
            .timelines
            .iter()
            .find(|t| t.group == "g" && t.partition.partition == p)
            .unwrap();
        let gap = timeline
            .intervals
            .iter()
            .find(|i| i.from == 20_000)
            .expect("an interval starts at the crash");
        assert_eq!(gap.owner, None);
        assert!(
            gap.to > detection,
            "partition {p} idle until reassigned after {detection}"
        );
    }
}

#[test]
fn c_crash_is_detected_at_the_session_timeout_with_defaults() {
    scenario_c_crash("{}", "{}", 45_000);
}

#[test]
fn c_crash_is_detected_at_the_session_timeout_with_short_timeouts() {
    scenario_c_crash(SHORT, NO_DELAY, 10_000);
}

#[test]
fn d_stall_beyond_max_poll_interval_blocks_a_rebalance_until_the_member_leaves() {
    let (mut world, mut checker) = started(SHORT, NO_DELAY);
    apply(
        &mut world,
        Action::StallConsumer {
            consumer: "c2".into(),
            ms: 60_000,
        },
    );
    run_checked(&mut world, &mut checker, 25_000);
    apply(&mut world, add_consumer());
    run_checked(&mut world, &mut checker, 49_000);
    // The rebalance started at once but cannot complete: c2 neither rejoins nor leaves yet.
    let group = world.coordinator().group("g").unwrap();
    assert_eq!(
        group.state,
        rebalance_lab::sim::coordinator::ClassicGroupState::PreparingRebalance
    );
    assert!(
        owned(&world, "c1").is_empty(),
        "c1 revoked and waits at the barrier"
    );

    run_checked(&mut world, &mut checker, 79_000);
    let expiry = world
        .trace()
        .iter()
        .find_map(|e| match &e.event {
            TraceEvent::PollTimeoutExpired { consumer, .. } if consumer == "c2" => Some(e.at),
            _ => None,
        })
        .expect("c2's poll timer expired");
    assert!(
        (49_900..=50_000).contains(&expiry),
        "at max.poll.interval.ms after its last poll: {expiry}"
    );
    let rebalances = rebalances_since(&world, "g", 20_000);
    assert_eq!(rebalances.len(), 1);
    assert_eq!(rebalances[0].1, "member joined");
    assert!(rebalances[0].2 >= 25_000 && rebalances[0].2 < 25_100);
    let join_done = world
        .trace()
        .iter()
        .find_map(|e| match &e.event {
            TraceEvent::JoinPhaseCompleted { generation, .. } if *generation == 2 => Some(e.at),
            _ => None,
        })
        .unwrap();
    assert!(
        join_done >= expiry,
        "the join phase waited for c2's LeaveGroup"
    );
    assert_eq!(count_requests(&world, "c2", "LeaveGroup", 20_000), 1);

    // c2 comes back at 80 s: its partitions are lost, it rejoins, and a second rebalance follows.
    run_checked(&mut world, &mut checker, 120_000);
    let lost = callbacks(&world, CallbackKind::Lost, 20_000);
    assert_eq!(lost, vec![("c2".to_string(), vec![2, 3], -1)]);
    let after = rebalances_since(&world, "g", 79_000);
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].1, "member joined");
    let all: Vec<i32> = ownership(&world).values().flatten().copied().collect();
    assert_eq!(all.len(), 6);
}

#[test]
fn f_more_consumers_than_partitions_leaves_an_idle_member_that_still_heartbeats() {
    let scenario = scenario(&format!(
        r#"{{ "seed": 3, "broker": {NO_DELAY}, "topics": [{{ "name": "t", "partitions": 6 }}],
             "consumers": [{{ "group": "g", "topics": ["t"], "count": 6, "config": {SHORT} }}] }}"#
    ));
    let mut world = World::new(&scenario).unwrap();
    let mut checker = InvariantChecker::new();
    run_checked(&mut world, &mut checker, 20_000);
    let before = ownership(&world);
    apply(&mut world, add_consumer());
    run_checked(&mut world, &mut checker, 40_000);
    assert_eq!(rebalances_since(&world, "g", 20_000).len(), 1);
    let after = ownership(&world);
    assert_eq!(
        after["c7"],
        Vec::<i32>::new(),
        "the newcomer sorts last and stays idle"
    );
    for c in ["c1", "c2", "c3", "c4", "c5", "c6"] {
        assert_eq!(after[c], before[c], "range keeps {c}'s partition");
    }
    assert!(
        count_requests(&world, "c7", "Heartbeat", 25_000) >= 4,
        "idle members heartbeat (every 3 s)"
    );
}

#[test]
fn two_groups_on_one_topic_each_get_every_partition() {
    let scenario = scenario(&format!(
        r#"{{ "broker": {NO_DELAY}, "topics": [{{ "name": "t", "partitions": 6 }}],
             "consumers": [{{ "group": "a", "topics": ["t"], "count": 2 }}, {{ "group": "b", "topics": ["t"], "count": 3 }}] }}"#
    ));
    let mut world = World::new(&scenario).unwrap();
    let mut checker = InvariantChecker::new();
    run_checked(&mut world, &mut checker, 20_000);
    for group in ["a", "b"] {
        let mut all: Vec<i32> = world
            .consumers()
            .iter()
            .filter(|c| c.group_id == group)
            .flat_map(|c| c.owned.iter().map(|tp| tp.partition))
            .collect();
        all.sort();
        assert_eq!(all, vec![0, 1, 2, 3, 4, 5], "group {group}");
        assert_eq!(generation(&world, group), 1);
    }
}

#[test]
fn the_leader_leaving_hands_leadership_to_another_member() {
    let (mut world, mut checker) = started(SHORT, NO_DELAY);
    let group = world.coordinator().group("g").unwrap();
    let leader = group
        .member(group.leader_id.as_ref().unwrap())
        .unwrap()
        .consumer
        .clone();
    assert_eq!(leader, "c1", "the first member to join leads");
    apply(
        &mut world,
        Action::CloseConsumer {
            consumer: "c1".into(),
        },
    );
    run_checked(&mut world, &mut checker, 40_000);
    let group = world.coordinator().group("g").unwrap();
    let new_leader = group
        .member(group.leader_id.as_ref().unwrap())
        .unwrap()
        .consumer
        .clone();
    assert_ne!(new_leader, "c1");
    let assigned_by = world
        .trace()
        .iter()
        .filter(|e| e.at >= 20_000)
        .find_map(|e| match &e.event {
            TraceEvent::AssignmentComputed { consumer, .. } => Some(consumer.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(assigned_by, new_leader);
    assert_eq!(
        ownership(&world),
        map(&[("c2", &[0, 1, 2]), ("c3", &[3, 4, 5])])
    );
}

#[test]
fn adding_partitions_is_noticed_by_the_leader_at_its_metadata_refresh() {
    let config = r#"{ "session.timeout.ms": 10000, "heartbeat.interval.ms": 1000, "metadata.max.age.ms": 15000 }"#;
    let (mut world, mut checker) = started(config, NO_DELAY);
    apply(
        &mut world,
        Action::AddPartitions {
            topic: "t".into(),
            total: 8,
        },
    );
    let unseen = world
        .snapshot()
        .partitions_unseen_by_leader("g", "t")
        .expect("the leader has not refreshed its metadata yet");
    assert_eq!((unseen.first, unseen.last), (6, 7));
    assert!(unseen.refresh_at > world.now() && unseen.refresh_at <= world.now() + 15_000);
    // The refresh is a Metadata request: its answer arrives one round trip later.
    run_checked(&mut world, &mut checker, unseen.refresh_at + 100);
    assert_eq!(world.snapshot().partitions_unseen_by_leader("g", "t"), None);
    run_checked(&mut world, &mut checker, 60_000);
    let rebalances = rebalances_since(&world, "g", 20_000);
    assert_eq!(rebalances.len(), 1);
    assert_eq!(rebalances[0].1, "metadata changed");
    assert!(
        rebalances[0].2 <= 20_000 + 15_000 + 200,
        "within one metadata.max.age.ms"
    );
    assert_eq!(
        ownership(&world),
        map(&[("c1", &[0, 1, 2]), ("c2", &[3, 4, 5]), ("c3", &[6, 7])])
    );
}

#[test]
fn poll_zero_starts_a_join_but_does_not_finish_it() {
    let config = r#"{ "poll.timeout.ms": 0, "processing.time.ms": 1000 }"#;
    let scenario = scenario(&format!(
        r#"{{ "broker": {NO_DELAY}, "topics": [{{ "name": "t", "partitions": 2 }}],
             "consumers": [{{ "group": "g", "topics": ["t"], "config": {config} }}] }}"#
    ));
    let mut world = World::new(&scenario).unwrap();
    let mut checker = InvariantChecker::new();
    run_checked(&mut world, &mut checker, 999);
    assert!(
        owned(&world, "c1").is_empty(),
        "one poll(0) only sent the first JoinGroup"
    );
    assert_eq!(count_requests(&world, "c1", "JoinGroup", 0), 1);
    run_checked(&mut world, &mut checker, 5_000);
    assert_eq!(
        owned(&world, "c1"),
        vec![0, 1],
        "later polls finish the join"
    );
}
