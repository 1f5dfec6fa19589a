//! Spec §7 scenarios under the 4.x default (eager + range), each run with Kafka's default timeouts and with
//! short classroom ones, checking the §8 invariants after every event. Times are asserted relative to the
//! configured values.

use crate::common::*;
use rebalance_lab::sim::invariants::InvariantChecker;
use rebalance_lab::sim::scenario::ConfigOverrides;
use rebalance_lab::sim::vocab::ClassicGroupState;
use rebalance_lab::sim::{Action, Millis, World};
use rebalance_lab::sim::{CallbackKind, TraceEvent};
use std::collections::BTreeMap;

/// The timeouts a scenario runs with: the JSON overrides given to every consumer and to the broker, and
/// the values they amount to.
struct Timeouts {
    consumer: &'static str,
    broker: &'static str,
    session: Millis,
    heartbeat: Millis,
    max_poll: Millis,
    metadata_max_age: Millis,
    initial_delay: Millis,
}

/// Kafka 4.x as shipped: nothing overridden.
const DEFAULTS: Timeouts = Timeouts {
    consumer: "{}",
    broker: "{}",
    session: 45_000,
    heartbeat: 3_000,
    max_poll: 300_000,
    metadata_max_age: 300_000,
    initial_delay: 3_000,
};

/// Short timeouts for a classroom, where waiting five minutes for max.poll.interval.ms is not an option.
const SHORT: Timeouts = Timeouts {
    consumer: r#"{ "session.timeout.ms": 10000, "heartbeat.interval.ms": 1000, "max.poll.interval.ms": 30000, "metadata.max.age.ms": 15000 }"#,
    broker: r#"{ "group.initial.rebalance.delay.ms": 0 }"#,
    session: 10_000,
    heartbeat: 1_000,
    max_poll: 30_000,
    metadata_max_age: 15_000,
    initial_delay: 0,
};

/// When every scenario acts: the group of `started` has long been Stable.
const ACT_AT: Millis = 20_000;

fn map(entries: &[(&str, &[i32])]) -> BTreeMap<String, Vec<i32>> {
    entries
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_vec()))
        .collect()
}

/// A newcomer configured like the rest of the group, named by `client.id` so it sorts after c1…c6.
fn add_consumer(t: &Timeouts, client_id: &str) -> Action {
    let config: ConfigOverrides =
        serde_json::from_str(&with_client_id(t.consumer, client_id)).expect("overrides parse");
    Action::AddConsumer {
        group: "g".into(),
        topics: vec!["t".into()],
        config,
    }
}

fn started(t: &Timeouts) -> (World, InvariantChecker) {
    let mut world = World::new(&three_on_six(t.consumer, t.broker)).unwrap();
    let mut checker = InvariantChecker::new();
    run_checked(&mut world, &mut checker, ACT_AT);
    assert_eq!(
        ownership(&world),
        map(&[("c1", &[0, 1]), ("c2", &[2, 3]), ("c3", &[4, 5])])
    );
    (world, checker)
}

/// The consumer that leads the group now.
fn leader(world: &World) -> String {
    group(world, "g")
        .leader_consumer
        .expect("the group has a leader")
}

/// Peers hear of a rebalance at their next heartbeat and rejoin at their next poll, so a rebalance among
/// live, polling members settles within about one heartbeat interval (plus round trips).
fn assert_settles_within_a_heartbeat(
    world: &World,
    t: &Timeouts,
    generation: i32,
    started: Millis,
) {
    let stable = stable_at(world, "g", generation).expect("the group settled");
    assert!(
        stable - started <= t.heartbeat + 500,
        "settled {} ms after it started (heartbeat.interval.ms {})",
        stable - started,
        t.heartbeat
    );
}

fn scenario_a_join(t: &Timeouts) {
    let (mut world, mut checker) = started(t);
    let before = generation(&world, "g");
    apply(&mut world, add_consumer(t, "c4"));
    run_checked(&mut world, &mut checker, ACT_AT + 60_000);

    assert_eq!(generation(&world, "g"), before + 1, "one rebalance");
    let rebalances = rebalances_since(&world, "g", ACT_AT);
    assert_eq!(rebalances.len(), 1);
    assert_eq!(rebalances[0].1, "member joined");
    assert_settles_within_a_heartbeat(&world, t, before + 1, rebalances[0].2);
    // Everyone revokes everything (eager), and c4 sorts last: {0,1},{2,3},{4},{5}.
    let revoked = revoked_by(&world, ACT_AT);
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
    scenario_a_join(&DEFAULTS);
}

#[test]
fn a_fourth_consumer_joins_with_short_timeouts() {
    scenario_a_join(&SHORT);
}

fn scenario_b_leave(t: &Timeouts) {
    let (mut world, mut checker) = started(t);
    apply(
        &mut world,
        Action::CloseConsumer {
            consumer: "c2".into(),
        },
    );
    run_checked(&mut world, &mut checker, ACT_AT + 60_000);

    let rebalances = rebalances_since(&world, "g", ACT_AT);
    assert_eq!(rebalances.len(), 1);
    assert_eq!(rebalances[0].1, "member left");
    // close() waits for its OffsetCommit's reply (2 + 2 ms) before sending LeaveGroup (2 ms).
    assert_eq!(
        rebalances[0].2,
        ACT_AT + 6,
        "the LeaveGroup, sent once the close-time commit is answered, starts it on arrival"
    );
    let revoked = revoked_by(&world, ACT_AT);
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
    scenario_b_leave(&DEFAULTS);
}

#[test]
fn b_graceful_leave_with_short_timeouts() {
    scenario_b_leave(&SHORT);
}

fn scenario_c_crash(t: &Timeouts) {
    let (mut world, mut checker) = started(t);
    apply(
        &mut world,
        Action::KillConsumer {
            consumer: "c2".into(),
        },
    );
    let last_heartbeat = last_heartbeat_before(&world, "c2", ACT_AT).expect("c2 heartbeated");
    let detection = last_heartbeat + t.session;
    run_checked(&mut world, &mut checker, detection - 1);
    assert!(
        rebalances_since(&world, "g", ACT_AT).is_empty(),
        "nothing happens before the session expires"
    );
    assert_eq!(owned(&world, "c1"), vec![0, 1], "survivors keep consuming");
    run_checked(&mut world, &mut checker, detection + 60_000);

    let rebalances = rebalances_since(&world, "g", ACT_AT);
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
    assert!(callbacks(&world, CallbackKind::Revoked, ACT_AT)
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
            .find(|i| i.from == ACT_AT)
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
    scenario_c_crash(&DEFAULTS);
}

#[test]
fn c_crash_is_detected_at_the_session_timeout_with_short_timeouts() {
    scenario_c_crash(&SHORT);
}

/// (d) c2 stops polling for 2·T_p while its heartbeat thread runs on; a newcomer joins meanwhile. The
/// rebalance starts at once, but the barrier waits for c2, which neither rejoins (it is not polling) nor
/// times out (it heartbeats) until its own poll timer expires at T_p and it leaves: the whole group stands
/// still until then. Back in poll(), c2 finds its partitions lost and rejoins: a second rebalance.
fn scenario_d_stall(t: &Timeouts) {
    let (mut world, mut checker) = started(t);
    let stall = 2 * t.max_poll;
    apply(
        &mut world,
        Action::StallConsumer {
            consumer: "c2".into(),
            ms: stall,
        },
    );
    let join_at = ACT_AT + 5_000;
    run_checked(&mut world, &mut checker, join_at);
    apply(&mut world, add_consumer(t, "c4"));
    let before_expiry = ACT_AT + t.max_poll - 1_000;
    run_checked(&mut world, &mut checker, before_expiry);
    // The rebalance started at once but cannot complete: c2 neither rejoins nor leaves yet.
    assert_eq!(
        group(&world, "g").state,
        ClassicGroupState::PreparingRebalance
    );
    assert!(
        owned(&world, "c1").is_empty(),
        "c1 revoked and waits at the barrier"
    );

    let back = ACT_AT + stall;
    run_checked(&mut world, &mut checker, back - 1_000);
    let (expiry, last_poll) =
        poll_timeout_expired(&world, "c2", ACT_AT).expect("c2's poll timer expired");
    assert!(
        last_poll <= ACT_AT && last_poll + 1_000 > ACT_AT,
        "its last poll was just before the stall: {last_poll}"
    );
    assert_eq!(
        expiry,
        last_poll + t.max_poll,
        "at max.poll.interval.ms after its last poll"
    );
    let rebalances = rebalances_since(&world, "g", ACT_AT);
    assert_eq!(rebalances.len(), 1);
    assert_eq!(rebalances[0].1, "member joined");
    assert!(rebalances[0].2 >= join_at && rebalances[0].2 < join_at + 100);
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
    assert_eq!(count_requests(&world, "c2", "LeaveGroup", ACT_AT), 1);

    // c2 comes back: its partitions are lost, it rejoins, and a second rebalance follows.
    run_checked(&mut world, &mut checker, back + 40_000);
    let lost = callbacks(&world, CallbackKind::Lost, ACT_AT);
    // groupMetadata() still reports the generation of c2's last completed join, not the reset -1.
    assert_eq!(lost, vec![("c2".to_string(), vec![2, 3], 1)]);
    let after = rebalances_since(&world, "g", back - 1_000);
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].1, "member joined");
    assert!(after[0].2 >= back, "started when c2 polled again");
    let all: Vec<i32> = ownership(&world).values().flatten().copied().collect();
    assert_eq!(all.len(), 6);
}

#[test]
fn d_stall_beyond_max_poll_interval_blocks_a_rebalance_until_the_member_leaves_with_defaults() {
    scenario_d_stall(&DEFAULTS);
}

#[test]
fn d_stall_beyond_max_poll_interval_blocks_a_rebalance_until_the_member_leaves_with_short_timeouts()
{
    scenario_d_stall(&SHORT);
}

/// (f) A seventh consumer on six partitions: one rebalance, range keeps everyone's partition, the
/// newcomer sorts last and owns nothing, yet heartbeats like any member.
fn scenario_f_idle_member(t: &Timeouts) {
    let scenario = scenario(&format!(
        r#"{{ "seed": 3, "broker": {}, "topics": [{{ "name": "t", "partitions": 6 }}],
             "consumers": [{}] }}"#,
        t.broker,
        (1..=6)
            .map(|i| format!(
                r#"{{ "group": "g", "topics": ["t"], "config": {} }}"#,
                with_client_id(t.consumer, &format!("c{i}"))
            ))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let mut world = World::new(&scenario).unwrap();
    let mut checker = InvariantChecker::new();
    run_checked(&mut world, &mut checker, ACT_AT);
    let before = ownership(&world);
    let g0 = generation(&world, "g");
    apply(&mut world, add_consumer(t, "c7"));
    let end = ACT_AT + 10 * t.heartbeat + 5_000;
    run_checked(&mut world, &mut checker, end);
    let rebalances = rebalances_since(&world, "g", ACT_AT);
    assert_eq!(rebalances.len(), 1);
    assert_settles_within_a_heartbeat(&world, t, g0 + 1, rebalances[0].2);
    let after = ownership(&world);
    assert_eq!(
        after["c7"],
        Vec::<i32>::new(),
        "the newcomer sorts last and stays idle"
    );
    for c in ["c1", "c2", "c3", "c4", "c5", "c6"] {
        assert_eq!(after[c], before[c], "range keeps {c}'s partition");
    }
    let stable = stable_at(&world, "g", g0 + 1).unwrap();
    let heartbeats = count_requests(&world, "c7", "Heartbeat", stable) as u64;
    assert!(
        heartbeats + 1 >= (end - stable) / t.heartbeat,
        "idle members heartbeat every heartbeat.interval.ms: {heartbeats} since {stable}"
    );
}

#[test]
fn f_more_consumers_than_partitions_leaves_an_idle_member_that_still_heartbeats_with_defaults() {
    scenario_f_idle_member(&DEFAULTS);
}

#[test]
fn f_more_consumers_than_partitions_leaves_an_idle_member_that_still_heartbeats_with_short_timeouts(
) {
    scenario_f_idle_member(&SHORT);
}

/// Groups are independent: each gets every partition, in one initial rebalance that waits
/// group.initial.rebalance.delay.ms for more members to arrive.
fn scenario_two_groups(t: &Timeouts) {
    let scenario = scenario(&format!(
        r#"{{ "broker": {}, "topics": [{{ "name": "t", "partitions": 6 }}],
             "consumers": [{{ "group": "a", "topics": ["t"], "count": 2, "config": {} }},
                           {{ "group": "b", "topics": ["t"], "count": 3, "config": {} }}] }}"#,
        t.broker, t.consumer, t.consumer
    ));
    let mut world = World::new(&scenario).unwrap();
    let mut checker = InvariantChecker::new();
    run_checked(&mut world, &mut checker, ACT_AT);
    for group in ["a", "b"] {
        let mut all: Vec<i32> = world
            .snapshot()
            .consumers
            .iter()
            .filter(|c| c.group == group)
            .flat_map(|c| c.owned.iter().map(|tp| tp.partition))
            .collect();
        all.sort();
        assert_eq!(all, vec![0, 1, 2, 3, 4, 5], "group {group}");
        assert_eq!(generation(&world, group), 1);
        let first = metrics(&world).groups[group].rebalances[0].clone();
        assert!(
            first.join_completed_at - first.started_at >= t.initial_delay,
            "group {group}: the first join phase waited the initial delay ({first:?})"
        );
    }
}

#[test]
fn two_groups_on_one_topic_each_get_every_partition_with_defaults() {
    scenario_two_groups(&DEFAULTS);
}

#[test]
fn two_groups_on_one_topic_each_get_every_partition_with_short_timeouts() {
    scenario_two_groups(&SHORT);
}

fn scenario_leader_leaves(t: &Timeouts) {
    let (mut world, mut checker) = started(t);
    assert_eq!(leader(&world), "c1", "the first member to join leads");
    let g0 = generation(&world, "g");
    apply(
        &mut world,
        Action::CloseConsumer {
            consumer: "c1".into(),
        },
    );
    run_checked(&mut world, &mut checker, ACT_AT + 10 * t.heartbeat);
    let new_leader = leader(&world);
    assert_ne!(new_leader, "c1");
    let rebalances = rebalances_since(&world, "g", ACT_AT);
    assert_eq!(rebalances.len(), 1);
    assert_eq!(rebalances[0].1, "member left");
    assert_settles_within_a_heartbeat(&world, t, g0 + 1, rebalances[0].2);
    let assigned_by = world
        .trace()
        .iter()
        .filter(|e| e.at >= ACT_AT)
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
fn the_leader_leaving_hands_leadership_to_another_member_with_defaults() {
    scenario_leader_leaves(&DEFAULTS);
}

#[test]
fn the_leader_leaving_hands_leadership_to_another_member_with_short_timeouts() {
    scenario_leader_leaves(&SHORT);
}

/// Only the leader watches partition counts, and only through its periodic metadata refresh: new
/// partitions stay unassigned for up to metadata.max.age.ms, then the leader rejoins.
fn scenario_add_partitions(t: &Timeouts) {
    let (mut world, mut checker) = started(t);
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
    assert!(
        unseen.refresh_at > world.now() && unseen.refresh_at <= world.now() + t.metadata_max_age
    );
    // The refresh is a Metadata request: its answer arrives one round trip later.
    run_checked(&mut world, &mut checker, unseen.refresh_at + 100);
    assert_eq!(world.snapshot().partitions_unseen_by_leader("g", "t"), None);
    run_checked(
        &mut world,
        &mut checker,
        ACT_AT + t.metadata_max_age + 60_000,
    );
    let rebalances = rebalances_since(&world, "g", ACT_AT);
    assert_eq!(rebalances.len(), 1);
    assert_eq!(rebalances[0].1, "metadata changed");
    assert!(
        (unseen.refresh_at..=unseen.refresh_at + 200).contains(&rebalances[0].2),
        "the leader rejoins as soon as its refresh shows the new partitions"
    );
    assert!(
        rebalances[0].2 <= ACT_AT + t.metadata_max_age + 200,
        "within one metadata.max.age.ms"
    );
    assert_eq!(
        ownership(&world),
        map(&[("c1", &[0, 1, 2]), ("c2", &[3, 4, 5]), ("c3", &[6, 7])])
    );
}

#[test]
fn adding_partitions_is_noticed_by_the_leader_at_its_metadata_refresh_with_defaults() {
    scenario_add_partitions(&DEFAULTS);
}

#[test]
fn adding_partitions_is_noticed_by_the_leader_at_its_metadata_refresh_with_short_timeouts() {
    scenario_add_partitions(&SHORT);
}

#[test]
fn poll_zero_starts_a_join_but_does_not_finish_it() {
    let config = r#"{ "poll.timeout.ms": 0, "processing.time.ms": 1000 }"#;
    let scenario = scenario(&format!(
        r#"{{ "broker": {}, "topics": [{{ "name": "t", "partitions": 2 }}],
             "consumers": [{{ "group": "g", "topics": ["t"], "config": {config} }}] }}"#,
        SHORT.broker
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

#[test]
fn a_deleted_topics_partitions_are_held_until_the_leaders_metadata_refresh() {
    let scenario = scenario(
        r#"{ "broker": { "group.initial.rebalance.delay.ms": 0 },
             "topics": [{ "name": "orders", "partitions": 4 }, { "name": "audit", "partitions": 2 }],
             "consumers": [{ "group": "g", "topics": ["orders", "audit"], "count": 2,
                             "config": { "metadata.max.age.ms": 15000 } }] }"#,
    );
    let mut world = World::new(&scenario).unwrap();
    let mut checker = InvariantChecker::new();
    run_checked(&mut world, &mut checker, 20_000);
    apply(
        &mut world,
        Action::DeleteTopic {
            name: "orders".into(),
        },
    );
    let held = world.snapshot().deleted_topics_held("g");
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].topic, "orders");
    assert_eq!(held[0].holders, vec!["c1".to_string(), "c2".to_string()]);
    let (leader, refresh_at) = held[0].leader.clone().expect("c1 leads");
    assert_eq!(leader, "c1");
    assert!(refresh_at > 20_000 && refresh_at <= 35_000);
    run_checked(&mut world, &mut checker, 60_000);
    assert!(world.snapshot().deleted_topics_held("g").is_empty());
    assert_eq!(
        rebalances_since(&world, "g", 20_000)[0].1,
        "metadata changed"
    );
}
