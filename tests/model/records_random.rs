//! Nothing is ever silently lost: seeded random scenarios with a producer (keyed or not) and consumers
//! of every rebalance protocol (eager and cooperative assignors, and KIP-848), then random joins, closes, kills,
//! stalls, static restarts and partition additions while records flow, with auto-commit or manual
//! commits. Once the producer stops and a fresh consumer has joined, every record produced must have
//! been processed at least once by the group (`auto.offset.reset=earliest`). The invariants are checked
//! after every event too.
//!
//! `cargo test --test model records_random` runs 60 seeds; more with `RECORD_SEEDS=500`.

use rebalance_lab::sim::assign::TopicPartition;
use rebalance_lab::sim::delivery::Delivery;
use rebalance_lab::sim::invariants::InvariantChecker;
use rebalance_lab::sim::{Action, InstanceIdChange, Scenario, World};
use serde_json::json;

use crate::common::SplitMix as Rng;
use crate::common::{all_log_ends, consumer_handles};

/// The last moment the producer sends and random actions happen.
pub(crate) const CHAOS_ENDS_MS: u64 = 40_000;
/// The longest a run may take to catch up: 32,000 records at the slowest application's 125 records/s
/// need about 256 s.
pub(crate) const CATCH_UP_CAP_MS: u64 = 1_200_000;

pub(crate) fn random_scenario(rng: &mut Rng, seed: u64, assignor: &str) -> Scenario {
    let commit = rng.pick(&["auto", "sync", "async"]).to_string();
    let mut config = json!({
        "partition.assignment.strategy": assignor,
        "auto.offset.reset": "earliest",
        "session.timeout.ms": rng.range(6_000, 15_000),
        "heartbeat.interval.ms": 2_000,
        "max.poll.interval.ms": rng.range(5_000, 20_000),
        "max.poll.records": rng.range(10, 300),
        "processing.time.ms": rng.range(0, 50),
        "processing.time.per.record.ms": rng.range(0, 3),
        "auto.commit.interval.ms": rng.range(100, 5_000),
        // Members see added partitions at their next metadata refresh: well within the run.
        "metadata.max.age.ms": rng.range(5_000, 60_000),
    });
    if assignor == "consumer" {
        // KIP-848: the broker owns the session, the heartbeat interval and the assignor.
        let settings = config.as_object_mut().expect("an object");
        for name in [
            "partition.assignment.strategy",
            "session.timeout.ms",
            "heartbeat.interval.ms",
        ] {
            settings.remove(name);
        }
        config["group.protocol"] = json!("consumer");
    }
    if commit != "auto" {
        config["enable.auto.commit"] = json!(false);
        config["manual.commit"] = json!(commit);
    }
    let static_members = rng.range(0, 3) == 0;
    let consumers: Vec<_> = (0..rng.range(1, 3))
        .map(|i| {
            let mut c =
                json!({ "group": "app", "topics": ["orders"], "start_at_ms": rng.range(0, 3_000) });
            if static_members {
                c["config"] = json!({ "group.instance.id": format!("app-{i}") });
            }
            c
        })
        .collect();
    let text = json!({
        "seed": seed,
        "topics": [{ "name": "orders", "partitions": rng.range(1, 6) }],
        "groups": [{ "group_id": "app", "config": config }],
        "consumers": consumers,
        "producers": [{
            "topic": "orders",
            "records_per_sec": rng.range(10, 800),
            "keys": *rng.pick(&[0, 0, 1, 7, 100]),
            "start_at_ms": rng.range(0, 5_000),
            "stop_at_ms": CHAOS_ENDS_MS,
        }],
        "duration_ms": CATCH_UP_CAP_MS,
    });
    Scenario::from_json(&text.to_string()).expect("valid scenario")
}

pub(crate) fn random_action(rng: &mut Rng, world: &World) -> Action {
    let handles = consumer_handles(world);
    let consumer = if handles.is_empty() {
        "c1".to_string()
    } else {
        rng.pick(&handles).clone()
    };
    match rng.range(0, 9) {
        0 | 1 => Action::AddConsumer {
            group: "app".into(),
            topics: vec!["orders".into()],
            config: Default::default(),
        },
        2 => Action::CloseConsumer { consumer },
        3 => Action::KillConsumer { consumer },
        4 | 5 => Action::StallConsumer {
            consumer,
            ms: rng.range(100, 25_000),
        },
        6 | 7 => Action::RestartConsumer {
            consumer,
            group_instance_id: InstanceIdChange::Keep,
        },
        _ => Action::AddPartitions {
            topic: "orders".into(),
            total: world.topics()["orders"] + rng.range(1, 2) as i32,
        },
    }
}

fn check_seed(seed: u64, assignor: &str) -> Result<(), String> {
    let mut rng = Rng(seed ^ 0xA5A5_5A5A_1234_5678);
    let scenario = random_scenario(&mut rng, seed, assignor);
    let mut world = World::new(&scenario).map_err(|e| e.to_string())?;
    let mut checker = InvariantChecker::default();
    let mut t = 0;
    let mut actions = Vec::new();
    while t < CHAOS_ENDS_MS {
        t += rng.range(500, 6_000);
        run_checked(&mut world, &mut checker, t)?;
        let action = random_action(&mut rng, &world);
        if world.apply(action.clone()).is_ok() {
            actions.push((t, action));
        }
    }
    add_fresh_member(&mut world, &mut checker)?;
    // Then until the group has caught up (a slow application may take minutes), or the cap.
    while world.now() < CATCH_UP_CAP_MS && !caught_up(&world) {
        world.run_until(world.now() + 10_000);
    }

    let delivery = Delivery::from_trace(world.trace());
    let group = delivery.groups.get("app");
    for (topic, ends) in all_log_ends(&world) {
        for (p, &end) in ends.iter().enumerate() {
            let tp = TopicPartition::new(topic.as_str(), p as i32);
            let missing = group
                .and_then(|g| g.processed.get(&tp))
                .map_or(end.max(0), |o| o.missing_below(end));
            if missing > 0 {
                return Err(format!(
                    "{tp}: {missing} of {end} records never processed; actions {actions:?}"
                ));
            }
        }
    }
    Ok(())
}

/// Whether every partition's committed offset reached its log end.
pub(crate) fn caught_up(world: &World) -> bool {
    rebalance_lab::sim::delivery::partition_lags(world)
        .iter()
        .all(|lag| lag.lag == 0)
}

/// After the chaos, a fresh member that stays, so the group has someone to read what is left; runs
/// a minute past the chaos with every check.
pub(crate) fn add_fresh_member(
    world: &mut World,
    checker: &mut InvariantChecker,
) -> Result<(), String> {
    world
        .apply(Action::AddConsumer {
            group: "app".into(),
            topics: vec!["orders".into()],
            config: Default::default(),
        })
        .map_err(|e| e.to_string())?;
    run_checked(world, checker, CHAOS_ENDS_MS + 60_000)
}

pub(crate) fn run_checked(
    world: &mut World,
    checker: &mut InvariantChecker,
    t: u64,
) -> Result<(), String> {
    while world.next_event_time().is_some_and(|next| next <= t) {
        world.process_next_event();
        checker
            .check(world)
            .map_err(|e| format!("invariant violated at {}: {e}", world.now()))?;
    }
    world.run_until(t);
    Ok(())
}

#[test]
fn every_record_is_processed_at_least_once_under_any_actions() {
    let seeds: u64 = std::env::var("RECORD_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let mut failures = Vec::new();
    for seed in 0..seeds {
        // Eager, cooperative and the KIP-848 consumer protocol.
        for assignor in ["range", "cooperative-sticky", "consumer"] {
            if let Err(e) = check_seed(seed, assignor) {
                failures.push(format!("seed {seed} ({assignor}): {e}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The World keeps what each group processed by reading only what the trace gained since it was last
/// asked (`World::delivery`), and finds partitions' owners in one pass over the consumers
/// (`partition_lags`). Both must say exactly what reading everything again says, at any moment of
/// any run, and a copy of the World (a rewind checkpoint) must go on from where its original was.
#[test]
fn what_the_world_keeps_of_the_records_equals_reading_the_whole_trace_again() {
    for seed in 0..8 {
        for assignor in ["range", "cooperative-sticky", "consumer"] {
            let mut rng = Rng(seed ^ 0x5EED_F00D);
            let scenario = random_scenario(&mut rng, seed, assignor);
            let mut world = World::new(&scenario).expect("a valid scenario");
            let mut copy: Option<World> = None;
            let mut t = 0;
            while t < CHAOS_ENDS_MS {
                t += rng.range(500, 6_000);
                world.run_until(t);
                let _ = world.apply(random_action(&mut rng, &world));
                for w in std::iter::once(&world).chain(&copy) {
                    let whole = Delivery::from_trace(w.trace());
                    assert_eq!(*w.delivery(), whole, "seed {seed} ({assignor}) at {t} ms");
                    assert_eq!(owners(w), owners_one_by_one(w), "seed {seed} ({assignor})");
                }
                match copy.as_mut() {
                    // The copy goes its own way: a later moment, without the original's actions.
                    Some(c) => c.run_until(t + 1_000),
                    None if t > CHAOS_ENDS_MS / 3 => copy = Some(world.clone()),
                    None => {}
                }
            }
        }
    }
}

fn owners(world: &World) -> Vec<(String, TopicPartition, Option<String>)> {
    rebalance_lab::sim::delivery::partition_lags(world)
        .into_iter()
        .map(|l| (l.group, l.partition, l.owner))
        .collect()
}

/// Each partition's owner as a look-up over every consumer finds it: the first running consumer of
/// the group, in the World's order, that says it owns the partition.
fn owners_one_by_one(world: &World) -> Vec<(String, TopicPartition, Option<String>)> {
    rebalance_lab::sim::delivery::partition_lags(world)
        .into_iter()
        .map(|l| {
            let owner = world
                .consumers()
                .iter()
                .find(|c| {
                    c.group_id == l.group && c.is_running() && c.owned().contains(&l.partition)
                })
                .map(|c| c.handle.clone());
            (l.group, l.partition, owner)
        })
        .collect()
}
