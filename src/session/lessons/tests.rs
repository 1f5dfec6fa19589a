//! Each lesson's blurb promises something; these run the lesson and check the promise.

use super::*;
use crate::session::{Lab, Session, Strategy};
use crate::sim::{Action, InstanceIdChange, Millis, World};

#[test]
fn every_lesson_builds_a_world() {
    for lesson in LESSONS {
        let world = World::new(&lesson.scenario());
        assert!(world.is_ok(), "{}: {:?}", lesson.id, world.err());
    }
}

fn lab(id: &str, strategy: Strategy, until: Millis) -> Lab {
    Lab::new(Session {
        scenario: lesson(id).unwrap().scenario(),
        strategies: vec![strategy],
        actions: Vec::new(),
        until_ms: until,
    })
    .unwrap()
}

/// Who owns each partition of orders, by number.
fn owners(lab: &Lab) -> Vec<Option<String>> {
    let s = lab.lanes[0].world.snapshot();
    (0..6)
        .map(|p| {
            s.consumers
                .iter()
                .find(|c| c.owned.iter().any(|tp| tp.partition == p))
                .map(|c| c.handle.clone())
        })
        .collect()
}

fn generation(lab: &Lab) -> i32 {
    lab.lanes[0].world.snapshot().groups[0].generation
}

#[test]
fn kafka_defaults_a_killed_members_partitions_wait_for_its_session_from_the_last_heartbeat() {
    let blurb = lesson("kafka-defaults").unwrap().blurb;
    assert!(blurb.contains("45 s after the last heartbeat it received (42–45 s after the kill)"));
    let mut lab = lab("kafka-defaults", Strategy::KafkaDefault, 60_000);
    let before = owners(&lab);
    let orphan = before
        .iter()
        .position(|o| o.as_deref() == Some("c2"))
        .unwrap();
    lab.apply(Action::KillConsumer {
        consumer: "c2".into(),
    })
    .unwrap();
    lab.run_until(60_000 + 41_900);
    assert_eq!(
        owners(&lab)[orphan],
        None,
        "nobody consumes it before the session expires"
    );
    let mut t = 60_000 + 41_900;
    while owners(&lab)[orphan].is_none() {
        t += 100;
        assert!(
            t <= 60_000 + 49_000,
            "consumed again within 45 s + a heartbeat + the rebalance"
        );
        lab.run_until(t);
    }
}

#[test]
fn idle_only_cooperative_sticky_hands_the_idle_member_the_orphan() {
    for strategy in [Strategy::EagerRange, Strategy::CooperativeSticky] {
        let mut lab = lab("idle", strategy, 30_000);
        let before = owners(&lab);
        let s = lab.lanes[0].world.snapshot();
        let idle = s
            .consumers
            .iter()
            .find(|c| c.owned.is_empty())
            .unwrap()
            .handle
            .clone();
        assert_eq!(s.consumers.iter().filter(|c| c.owned.is_empty()).count(), 1);
        // Kill the owner of P2: under range, the members owning P3, P4, P5 sort after it.
        let victim = before[2].clone().unwrap();
        lab.apply(Action::KillConsumer {
            consumer: victim.clone(),
        })
        .unwrap();
        lab.run_until(60_000);
        let after = owners(&lab);
        match strategy {
            Strategy::EagerRange => {
                assert_eq!(
                    after[5].as_deref(),
                    Some(idle.as_str()),
                    "the idle member gets the last partition"
                );
                for p in 2..5 {
                    assert_eq!(after[p], before[p + 1], "P{} moved up to P{p}", p + 1);
                }
            }
            _ => {
                assert_eq!(
                    after[2].as_deref(),
                    Some(idle.as_str()),
                    "the idle member gets the orphan"
                );
                for p in [0, 1, 3, 4, 5] {
                    assert_eq!(after[p], before[p], "P{p} stays where it was");
                }
            }
        }
    }
    let blurb = lesson("idle").unwrap().blurb;
    assert!(blurb.contains("range moves everyone after it up one"));
    assert!(blurb.contains("only cooperative-sticky gives the idle one the orphan"));
    assert!(!blurb.contains("the idle one takes over"));
}

#[test]
fn static_a_restart_within_the_session_needs_no_rebalance_a_later_one_two() {
    let restart = |lab: &mut Lab| {
        lab.apply(Action::RestartConsumer {
            consumer: "c2".into(),
            group_instance_id: InstanceIdChange::Keep,
        })
        .unwrap()
    };
    // Within the session (it ends 10 s after the last heartbeat, at least 7 s after the kill).
    let mut quick = lab("static", Strategy::KafkaDefault, 30_000);
    let g = generation(&quick);
    let before = owners(&quick);
    quick
        .apply(Action::KillConsumer {
            consumer: "c2".into(),
        })
        .unwrap();
    quick.run_until(36_500);
    restart(&mut quick);
    quick.run_until(60_000);
    assert_eq!(generation(&quick), g, "same generation: no rebalance");
    assert_eq!(owners(&quick), before, "same partitions");
    // After the session expired: a rebalance without it, another when it returns.
    let mut late = lab("static", Strategy::KafkaDefault, 30_000);
    late.apply(Action::KillConsumer {
        consumer: "c2".into(),
    })
    .unwrap();
    late.run_until(41_000);
    assert_eq!(
        generation(&late),
        g + 1,
        "expired and rebalanced without c2"
    );
    restart(&mut late);
    late.run_until(60_000);
    assert_eq!(generation(&late), g + 2, "and again when it returned");
    let blurb = lesson("static").unwrap().blurb;
    assert!(blurb.contains("10 s from its last heartbeat, which may be up to 3 s before the kill"));
}

#[test]
fn two_groups_a_rebalance_in_one_never_pauses_the_other() {
    let mut lab = lab("two-groups", Strategy::KafkaDefault, 30_000);
    lab.apply(Action::KillConsumer {
        consumer: "c1".into(),
    })
    .unwrap();
    lab.run_until(60_000);
    let m = crate::sim::metrics::compute(lab.lanes[0].world.trace(), lab.now());
    assert!(m.groups["orders-app"].rebalances.len() > 1);
    assert_eq!(m.groups["analytics"].rebalances.len(), 1);
    assert!(m
        .consumers
        .values()
        .filter(|c| c.group == "analytics")
        .all(|c| c.longest_pause_ms == 0));
}

/// Every guided lesson plays from its first step to its last: each step's actions are accepted, its
/// moment comes, and each question's answer is what the model says at that moment.
#[test]
fn every_guided_lesson_plays_through_and_its_answers_are_the_models() {
    use super::guide::{begin, run_towards, trace_lengths, MOMENT_LIMIT_MS};
    for lesson in LESSONS {
        let steps = lesson.steps();
        assert!(!steps.is_empty(), "{} has steps", lesson.id);
        let mut lab = Lab::new(lesson.session()).unwrap();
        for (i, step) in steps.iter().enumerate() {
            begin(&mut lab, step).unwrap_or_else(|e| panic!("{} step {i}: {e}", lesson.id));
            let since = trace_lengths(&lab);
            let start = lab.now();
            assert!(
                run_towards(
                    &mut lab,
                    &step.until,
                    &since,
                    start,
                    start + MOMENT_LIMIT_MS
                ),
                "{} step {i}: {:?} never came",
                lesson.id,
                step.until
            );
            println!(
                "{} step {i}: {:?} at {} ms",
                lesson.id,
                step.until,
                lab.now()
            );
            if let Some(q) = &step.question {
                assert!(q.answer < q.choices.len());
                assert_eq!(
                    (q.truth)(&lab),
                    q.answer,
                    "{} step {i}: {}",
                    lesson.id,
                    q.prompt
                );
            }
        }
    }
}

/// The KIP-848 lane (`Strategy::Kip848`) opens every lesson on the consumer protocol.
#[test]
fn the_kip848_lane_runs_every_lesson_on_the_consumer_protocol_with_its_timings() {
    for lesson in LESSONS {
        let classic = lesson.scenario();
        let scenario = Strategy::Kip848.scenario_for(&classic);
        let mut world = World::new(&scenario).unwrap_or_else(|e| panic!("{}: {e}", lesson.id));
        world.run_until(30_000);
        let snapshot = world.snapshot();
        assert!(
            snapshot.groups.is_empty(),
            "{}: no classic group",
            lesson.id
        );
        assert!(!snapshot.consumer_groups.is_empty(), "{}", lesson.id);
        assert!(
            snapshot.consumers.iter().all(|c| c.kip848.is_some()),
            "{}",
            lesson.id
        );
    }
    let basics = Strategy::Kip848.scenario_for(&lesson("basics").unwrap().scenario());
    let broker = basics.broker_config().unwrap();
    assert_eq!(broker.consumer.session_timeout_ms, 10_000);
    assert_eq!(broker.consumer.heartbeat_interval_ms, 3_000);
}

/// What the static deploy's last step says: generations and the KIP-848 group epoch are where the
/// deploy found them, and each lane's partitions stood still for each member's 3 s away (two
/// partitions per member, six members: 36 partition-seconds, give or take the round trips).
#[test]
fn a_static_deploy_costs_each_members_downtime_and_no_rebalance() {
    use crate::sim::consumption::rebalance_cost;
    let unconsumed = |lab: &Lab| -> Vec<Millis> {
        lab.metrics()
            .iter()
            .map(|m| rebalance_cost(m, "orders-app").unconsumed_partition_ms)
            .collect()
    };
    let mut lab = Lab::new(lesson("rolling-deploy-static").unwrap().session()).unwrap();
    lab.run_until(super::DEPLOY_START_MS - 1);
    let generations: Vec<i32> = (0..2).map(|lane| generation_of(&lab, lane)).collect();
    let epoch = group_epoch(&lab, 2);
    assert!(epoch.is_some(), "the third lane is KIP-848");
    let before = unconsumed(&lab);
    lab.run_until(super::DEPLOY_START_MS + 5 * 15_000 + 10_000);
    assert_eq!(
        (0..2)
            .map(|lane| generation_of(&lab, lane))
            .collect::<Vec<_>>(),
        generations
    );
    assert_eq!(group_epoch(&lab, 2), epoch);
    for (lane, (after, before)) in unconsumed(&lab).into_iter().zip(before).enumerate() {
        let deploy = after - before;
        assert!(
            (36_000..=38_000).contains(&deploy),
            "lane {lane}: {deploy} partition-ms unconsumed during the deploy"
        );
    }
}

fn generation_of(lab: &Lab, lane: usize) -> i32 {
    lab.snapshots()[lane]
        .groups
        .iter()
        .find(|g| g.group_id == "orders-app")
        .map_or(0, |g| g.generation)
}

/// The group epoch of a lane's KIP-848 group now.
fn group_epoch(lab: &Lab, lane: usize) -> Option<i32> {
    lab.snapshots()
        .get(lane)?
        .consumer_groups
        .iter()
        .find(|g| g.group_id == "orders-app")
        .map(|g| g.group_epoch)
}

/// Plays a guided lesson's first `n` steps, each to its moment.
fn played(id: &str, n: usize) -> Lab {
    let lesson = lesson(id).unwrap();
    let mut lab = Lab::new(lesson.session()).unwrap();
    for step in lesson.steps().iter().take(n) {
        begin_step(&mut lab, step);
    }
    lab
}

#[test]
fn slow_poll_heartbeats_go_on_only_until_the_poll_timer_runs_out() {
    use crate::sim::protocol::{Message, Request};
    use crate::sim::vocab::Endpoint;
    use crate::sim::TraceEvent;
    let text = steps::slow_poll()[1].text;
    assert!(
        text.contains(
            "Its heartbeat thread keeps heartbeating, but only until its poll timer runs out."
        ),
        "{text}"
    );
    assert!(!text.contains("keeps running"));
    // The step's stall, played by the model: c1 heartbeats while stalled, then stops.
    let mut lab = played("slow-poll", 1);
    let stall = lab.now();
    lab.apply(Action::StallConsumer {
        consumer: "c1".into(),
        ms: 45_000,
    })
    .unwrap();
    let end = stall + 44_000;
    lab.run_until(end);
    let trace = lab.lanes[0].world.trace();
    let expired = trace
        .iter()
        .find_map(|e| match &e.event {
            TraceEvent::PollTimeoutExpired { consumer, .. } if consumer == "c1" => Some(e.at),
            _ => None,
        })
        .expect("c1's poll timer runs out within the stall");
    let heartbeats = |from: Millis, to: Millis| {
        trace
            .iter()
            .filter(|e| (from..to).contains(&e.at))
            .filter(|e| {
                matches!(&e.event, TraceEvent::MessageSent {
                    from: Endpoint::Consumer { handle, .. },
                    message,
                    ..
                } if handle.as_str() == "c1"
                    && matches!(&**message, Message::Request { body: Request::Heartbeat(_), .. }))
            })
            .count()
    };
    assert!(
        heartbeats(stall, expired) >= 5,
        "heartbeats go on while c1 is stalled"
    );
    assert_eq!(
        heartbeats(expired, end),
        0,
        "none after the poll timer ran out"
    );
}

/// "The broker does not assign partitions" is false under `group.protocol=consumer` (GA in 4.x), and
/// no step of the lesson shows it (the leader lesson does): the blurb promises only what its steps show.
#[test]
fn misconceptions_promises_only_what_its_steps_show() {
    let blurb = lesson("misconceptions").unwrap().blurb;
    assert!(!blurb.contains("assign"), "{blurb}");
    assert!(
        blurb.contains("Heartbeats no longer come from poll()"),
        "{blurb}"
    );
}

#[test]
fn idle_c1_owns_p2_and_c7_is_a_spare_that_gets_a_partition_when_another_leaves() {
    let steps = steps::idle();
    assert_eq!(
        steps[0].then,
        "c7 is idle: a spare that gets a partition when another leaves."
    );
    assert!(steps[1].text.starts_with("c1 owns P2."));
    // The first step's moment: the group formed, as the captions say.
    let mut lab = played("idle", 1);
    let before = owners(&lab);
    assert_eq!(
        before[2].as_deref(),
        Some("c1"),
        "c1 owns P2 before the kill"
    );
    assert!(steps::owned(&lab, 0, "c7").is_empty(), "c7 is idle");
    // The second step's kill: c7 gets a partition (not c1's P2, under range).
    begin_step(&mut lab, &steps[1]);
    assert!(
        !steps::owned(&lab, 0, "c7").is_empty(),
        "c7 got a partition"
    );
}

fn begin_step(lab: &mut Lab, step: &super::guide::Step) {
    use super::guide::{begin, run_towards, trace_lengths, MOMENT_LIMIT_MS};
    begin(lab, step).unwrap();
    let since = trace_lengths(lab);
    let start = lab.now();
    assert!(run_towards(
        lab,
        &step.until,
        &since,
        start,
        start + MOMENT_LIMIT_MS
    ));
}
