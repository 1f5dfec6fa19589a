//! The first, hand-rolled random-action generator (SplitMix64 seeds): random but valid scenarios,
//! then random actions (valid and invalid) at random times while the clock runs in random chunks,
//! with the §8 invariants after every event, refusals that change nothing and exact replays.
//! `properties` does all this with proptest now (and shrinks what it finds, and checks liveness);
//! this file keeps what only these seeds can give: the golden trace digests of seeds 0–99 (which run
//! every check too), and every seed that ever found a bug, by name.
//!
//! A range of seeds again: `RANDOM_ACTION_SEEDS=5000 cargo test --release --test model
//! random_actions`. One seed alone: `RANDOM_ACTION_SEED=1234 cargo test --test model random_actions
//! -- --nocapture` (prints its actions and writes it as a scenario file).

use rebalance_lab::session::{Lab, Session, Strategy};
use rebalance_lab::sim::invariants::InvariantChecker;
use rebalance_lab::sim::scenario::{
    strip_classic_only, ConfigOverrides, ConfigValue, ConsumerSpec, GroupSpec, TopicSpec,
};
use rebalance_lab::sim::InstanceIdChange;
use rebalance_lab::sim::{Action, Millis, Scenario, TraceEntry, World};
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::common::consumer_handles;
use crate::common::SplitMix as Rng;

/// Each seed's own stream.
fn seeded(seed: u64) -> Rng {
    Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
}

const STRATEGIES: &[&str] = &[
    "range",
    "roundrobin",
    "sticky",
    "cooperative-sticky",
    "range,cooperative-sticky",
];
const TOPICS: &[&str] = &["t0", "t1", "t2", "t3", "t4"];
const GROUPS: &[&str] = &["g0", "g1", "g2"];
const INSTANCE_IDS: &[&str] = &["i1", "i2", "i3", "i4"];

fn put(config: &mut ConfigOverrides, name: &str, value: impl ToString) {
    config.insert(name.to_string(), ConfigValue(value.to_string()));
}

/// Valid timeouts: Kafka's defaults, or classroom ones.
fn timeouts(rng: &mut Rng, config: &mut ConfigOverrides) {
    if rng.chance(60) {
        let session = rng.range(6_000, 12_000);
        put(config, "session.timeout.ms", session);
        put(config, "heartbeat.interval.ms", rng.range(500, session / 3));
        put(config, "max.poll.interval.ms", rng.range(4_000, 30_000));
        if rng.chance(30) {
            put(config, "metadata.max.age.ms", rng.range(1_000, 20_000));
        }
    }
}

fn app_knobs(rng: &mut Rng, config: &mut ConfigOverrides) {
    if rng.chance(70) {
        put(config, "processing.time.ms", rng.range(1, 3_000));
    }
    if rng.chance(25) {
        put(config, "poll.timeout.ms", 0);
    } else if rng.chance(30) {
        put(config, "poll.timeout.ms", rng.range(1, 2_000));
    }
}

fn topic_subset(rng: &mut Rng, available: &[String]) -> Vec<String> {
    let mut topics: Vec<String> = available
        .iter()
        .filter(|_| rng.chance(50))
        .cloned()
        .collect();
    if topics.is_empty() {
        topics.push(rng.pick(available).clone());
    }
    topics
}

fn random_scenario(rng: &mut Rng, seed: u64) -> Scenario {
    let topic_count = rng.range(1, 3) as usize;
    let topics: Vec<TopicSpec> = TOPICS[..topic_count]
        .iter()
        .map(|name| TopicSpec {
            name: name.to_string(),
            partitions: rng.range(1, 24) as i32,
        })
        .collect();
    let names: Vec<String> = topics.iter().map(|t| t.name.clone()).collect();
    let group_count = rng.range(1, 3) as usize;
    let groups: Vec<GroupSpec> = GROUPS[..group_count]
        .iter()
        .map(|g| {
            let mut config = ConfigOverrides::new();
            put(
                &mut config,
                "partition.assignment.strategy",
                rng.pick(STRATEGIES),
            );
            timeouts(rng, &mut config);
            GroupSpec {
                group_id: g.to_string(),
                config,
            }
        })
        .collect();
    let mut consumers = Vec::new();
    let mut statics: Vec<(String, String)> = Vec::new();
    for _ in 0..rng.range(1, 8) {
        let group = GROUPS[rng.below(group_count)].to_string();
        let mut config = ConfigOverrides::new();
        app_knobs(rng, &mut config);
        if rng.chance(10) {
            timeouts(rng, &mut config);
        }
        if rng.chance(30) {
            // A valid scenario gives each static member of a group its own id.
            let id = rng.pick(INSTANCE_IDS).to_string();
            if !statics.contains(&(group.clone(), id.clone())) {
                statics.push((group.clone(), id.clone()));
                put(&mut config, "group.instance.id", id);
            }
        }
        consumers.push(ConsumerSpec {
            group,
            topics: if rng.chance(70) {
                names[..1].to_vec()
            } else {
                topic_subset(rng, &names)
            },
            config,
            start_at_ms: if rng.chance(40) {
                0
            } else {
                rng.range(0, 5_000)
            },
            count: 1,
        });
    }
    let mut broker = ConfigOverrides::new();
    if rng.chance(50) {
        put(&mut broker, "group.initial.rebalance.delay.ms", 0);
    }
    if rng.chance(10) {
        put(&mut broker, "group.max.size", rng.range(1, 4));
    }
    Scenario {
        name: format!("random-{seed}"),
        description: String::new(),
        seed,
        network_latency_ms: rng.range(0, 5),
        broker,
        topics,
        groups,
        consumers,
        producers: Vec::new(),
        trace_record_flow: true,
        actions: Vec::new(),
        duration_ms: rng.range(30_000, 120_000),
    }
}

fn handle(rng: &mut Rng, handles: &[String]) -> String {
    if handles.is_empty() || rng.chance(8) {
        format!("c{}", rng.range(0, 12))
    } else {
        rng.pick(handles).clone()
    }
}

/// A config setting and value, valid or not, for `set_consumer_config`.
fn setting(rng: &mut Rng) -> (String, String) {
    let (name, value): (&str, String) = match rng.below(12) {
        0 | 1 => (
            "poll.timeout.ms",
            rng.pick(&["0", "1", "100", "1500"]).to_string(),
        ),
        2 | 3 => ("processing.time.ms", rng.range(1, 3_000).to_string()),
        4 => (
            "session.timeout.ms",
            rng.pick(&["3000", "6000", "10000", "45000", "-1", "abc"])
                .to_string(),
        ),
        5 => (
            "heartbeat.interval.ms",
            rng.pick(&["0", "1000", "3000", "50000"]).to_string(),
        ),
        6 => (
            "group.instance.id",
            rng.pick(&["i1", "i2", "i5", "", "null", " "]).to_string(),
        ),
        7 => (
            "partition.assignment.strategy",
            rng.pick(&["range", "cooperative-sticky", "sticky,range", "fair", ""])
                .to_string(),
        ),
        8 => (
            "max.poll.interval.ms",
            rng.pick(&["0", "5000", "300000", "9999999999"]).to_string(),
        ),
        9 => ("group.id", "other".to_string()),
        10 => (
            "processing.time.ms",
            rng.pick(&["0", "x", "-5"]).to_string(),
        ),
        _ => ("no.such.setting", "1".to_string()),
    };
    (name.to_string(), value)
}

fn random_action(rng: &mut Rng, world: &World) -> Action {
    let handles = consumer_handles(world);
    let existing: Vec<String> = world.topics().keys().cloned().collect();
    let topic = |rng: &mut Rng| -> String {
        if existing.is_empty() || rng.chance(25) {
            rng.pick(TOPICS).to_string()
        } else {
            rng.pick(&existing).clone()
        }
    };
    match rng.below(100) {
        0..=17 => {
            let group = if rng.chance(90) {
                rng.pick(GROUPS).to_string()
            } else {
                rng.pick(&["", "new-group"]).to_string()
            };
            let mut config = ConfigOverrides::new();
            app_knobs(rng, &mut config);
            if rng.chance(25) {
                put(&mut config, "group.instance.id", rng.pick(INSTANCE_IDS));
            }
            if rng.chance(10) {
                timeouts(rng, &mut config);
            }
            if rng.chance(8) {
                let (name, value) = setting(rng);
                put(&mut config, &name, value);
            }
            let topics = if rng.chance(5) {
                Vec::new()
            } else {
                let mut t = vec![topic(rng)];
                if rng.chance(20) {
                    t.push(topic(rng));
                }
                t
            };
            Action::AddConsumer {
                group,
                topics,
                config,
            }
        }
        18..=27 => Action::CloseConsumer {
            consumer: handle(rng, &handles),
        },
        28..=39 => Action::KillConsumer {
            consumer: handle(rng, &handles),
        },
        40..=51 => Action::StallConsumer {
            consumer: handle(rng, &handles),
            ms: if rng.chance(5) {
                0
            } else if rng.chance(50) {
                rng.range(1, 3_000)
            } else {
                rng.range(3_000, 60_000)
            },
        },
        52..=67 => Action::RestartConsumer {
            consumer: handle(rng, &handles),
            group_instance_id: match rng.below(6) {
                0..=2 => InstanceIdChange::Keep,
                3 => InstanceIdChange::Unset,
                4 if rng.chance(10) => InstanceIdChange::Set(String::new()),
                _ => InstanceIdChange::Set(rng.pick(INSTANCE_IDS).to_string()),
            },
        },
        68..=73 => Action::AddTopic {
            name: if rng.chance(5) {
                "bad name".to_string()
            } else {
                topic(rng)
            },
            partitions: rng.range(0, 24) as i32 - i32::from(rng.chance(5)),
        },
        74..=78 => Action::DeleteTopic { name: topic(rng) },
        79..=86 => {
            let name = topic(rng);
            let current = world.topics().get(&name).copied().unwrap_or(1);
            Action::AddPartitions {
                total: match rng.below(4) {
                    0 => current - rng.range(0, 3) as i32,
                    _ => current + rng.range(1, 8) as i32,
                },
                topic: name,
            }
        }
        _ => {
            let (name, value) = setting(rng);
            Action::SetConsumerConfig {
                consumer: handle(rng, &handles),
                name,
                value,
            }
        }
    }
}

/// What one run did: the scenario, then each action with its time and outcome.
#[derive(Default)]
struct Log {
    scenario: Option<Scenario>,
    actions: Vec<(Millis, Action, Result<(), String>)>,
    /// With `watch_gaps`, the first KIP-814 gap each group's snapshot explained (see
    /// `GroupSnapshot::skipped_assignment_gap`): group → partitions.
    watch_gaps: bool,
    gaps: std::collections::BTreeMap<String, Vec<String>>,
}

impl Log {
    /// The seed as a scenario file: its actions (refused ones included) become timed actions.
    /// `lab run` schedules them, so at an instant where something else is due too, it may order
    /// them differently than this test, which applies each after the instant's other events.
    fn as_scenario_file(&self) -> Scenario {
        let mut scenario = self
            .scenario
            .clone()
            .unwrap_or_else(|| Scenario::from_json("{}").expect("the empty scenario"));
        scenario.actions = self
            .actions
            .iter()
            .map(
                |(at, action, _)| rebalance_lab::sim::scenario::TimedAction {
                    at_ms: *at,
                    action: action.clone(),
                },
            )
            .collect();
        scenario
    }

    fn print(&self, seed: u64) {
        eprintln!("---- seed {seed} ----");
        if let Some(s) = &self.scenario {
            eprintln!("scenario: {}", serde_json::to_string(s).unwrap_or_default());
        }
        for (at, action, outcome) in &self.actions {
            eprintln!(
                "{at:>7} ms  {}  => {}",
                serde_json::to_string(action).unwrap_or_default(),
                match outcome {
                    Ok(()) => "ok".to_string(),
                    Err(e) => format!("refused: {e}"),
                }
            );
        }
    }
}

/// Runs to `t`, checking every invariant after every single event.
fn run_checked(
    world: &mut World,
    checker: &mut InvariantChecker,
    t: Millis,
    log: &mut Log,
) -> Result<(), String> {
    while world.next_event_time().is_some_and(|next| next <= t) {
        world.process_next_event();
        checker
            .check(world)
            .map_err(|e| format!("invariant violated: {e}"))?;
        if log.watch_gaps {
            for g in world.snapshot().groups {
                if let Some(gap) = g.skipped_assignment_gap {
                    let named = gap.partitions.iter().map(ToString::to_string).collect();
                    log.gaps.entry(g.group_id).or_insert(named);
                }
            }
        }
    }
    world.run_until(t);
    Ok(())
}

/// One seed; returns its trace when `keep_trace` (for the replay comparison). With `replay`, applies
/// only the actions that run accepted, at the same times: refused actions must not have mattered.
fn run_seed(
    seed: u64,
    log: &mut Log,
    replay: Option<&Log>,
    keep_trace: bool,
) -> Result<Vec<TraceEntry>, String> {
    run_seed_with(seed, log, replay, keep_trace, |_, _| {})
}

/// [`run_seed`] with the generated scenario changed first (e.g. some groups on the consumer protocol).
fn run_seed_with(
    seed: u64,
    log: &mut Log,
    replay: Option<&Log>,
    keep_trace: bool,
    transform: fn(&mut Scenario, u64),
) -> Result<Vec<TraceEntry>, String> {
    let mut rng = seeded(seed);
    let mut scenario = random_scenario(&mut rng, seed);
    transform(&mut scenario, seed);
    log.scenario = Some(scenario.clone());
    let mut world = World::new(&scenario).map_err(|e| format!("scenario refused: {e}"))?;
    let result = drive(&mut world, &mut rng, log, replay, keep_trace);
    if result.is_err() && verbose() {
        let path = format!(
            "{}/random-actions-{seed}.trace",
            env!("CARGO_TARGET_TMPDIR")
        );
        std::fs::write(
            &path,
            rebalance_lab::sim::report::format_trace(&world, false),
        )
        .ok();
        eprintln!("trace written to {path}");
    }
    result
}

fn drive(
    world: &mut World,
    rng: &mut Rng,
    log: &mut Log,
    replay: Option<&Log>,
    keep_trace: bool,
) -> Result<Vec<TraceEntry>, String> {
    let scenario = world.scenario().clone();
    let mut checker = InvariantChecker::new();
    checker
        .check(world)
        .map_err(|e| format!("invariant violated: {e}"))?;
    let horizon = scenario.duration_ms;
    let mut planned = replay.map(|r| r.actions.iter().filter(|a| a.2.is_ok()));
    loop {
        let (at, action) = match &mut planned {
            Some(iter) => match iter.next() {
                Some((at, action, _)) => (*at, action.clone()),
                None => break,
            },
            None => {
                let at = world.now() + rng.range(1, 15_000);
                if at >= horizon {
                    break;
                }
                run_checked(world, &mut checker, at, log)?;
                (at, random_action(rng, world))
            }
        };
        run_checked(world, &mut checker, at, log)?;
        let before = world.snapshot();
        let before_len = world.trace().len();
        let before_next = world.next_event_time();
        let outcome = world.apply(action.clone()).map_err(|e| e.to_string());
        log.actions.push((at, action, outcome.clone()));
        if let Err(e) = outcome {
            if replay.is_some() {
                return Err(format!("replayed action refused: {e}"));
            }
            if world.snapshot() != before
                || world.trace().len() != before_len
                || world.next_event_time() != before_next
            {
                return Err(format!("refused action changed the World ({e})"));
            }
        }
        checker
            .check(world)
            .map_err(|e| format!("invariant violated after an action: {e}"))?;
    }
    run_checked(world, &mut checker, horizon, log)?;
    Ok(if keep_trace {
        world.trace().to_vec()
    } else {
        Vec::new()
    })
}

/// Seeds 5680 and 14082 (of 25,000) found Kafka's KIP-814 blind spot: a static leader stalls past
/// `max.poll.interval.ms` after partitions were added, its heartbeat thread refreshes the metadata,
/// it rejoins with `skipAssignment`, and `onLeaderElected` sets `assignmentSnapshot =
/// metadataSnapshot`, so the group stays Stable with the new partitions assigned to nobody. The
/// invariant checker once called that a violation; Kafka 4.1.2 does exactly this. Both seeds must pass
/// every invariant, and the snapshot must explain the gap with exactly those partitions.
fn expect_kip_814_gap(seed: u64, group: &str, partitions: &[&str]) {
    let mut log = Log {
        watch_gaps: true,
        ..Log::default()
    };
    let result = run_seed(seed, &mut log, None, false);
    if let Err(e) = result {
        log.print(seed);
        panic!("seed {seed}: {e}");
    }
    assert_eq!(
        log.gaps
            .get(group)
            .map(|p| p.iter().map(String::as_str).collect::<Vec<_>>()),
        Some(partitions.to_vec()),
        "seed {seed}: the snapshot of {group} explains its unassigned partitions"
    );
}

#[test]
fn seed_5680_a_stalled_static_leader_returns_with_skip_assignment_after_partitions_were_added() {
    let new: Vec<String> = (14..22).map(|p| format!("t2-{p}")).collect();
    expect_kip_814_gap(
        5680,
        "g1",
        &new.iter().map(String::as_str).collect::<Vec<_>>(),
    );
}

#[test]
fn seed_14082_a_stalled_static_leader_returns_with_skip_assignment_after_partitions_were_added() {
    let new: Vec<String> = (5..11).map(|p| format!("t1-{p}")).collect();
    expect_kip_814_gap(
        14082,
        "g1",
        &new.iter().map(String::as_str).collect::<Vec<_>>(),
    );
}

/// Seeds beyond the default range that once found a bug (kept as regressions).
const WORLD_REGRESSIONS: &[u64] = &[320, 1266, 1318, 1454, 1608];
const LAB_REGRESSIONS: &[u64] = &[223, 892, 1961];

fn seeds(default: u64, regressions: &[u64]) -> Vec<u64> {
    if let Some(one) = std::env::var("RANDOM_ACTION_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        return vec![one];
    }
    let n = std::env::var("RANDOM_ACTION_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default);
    // By default only the regressions: `properties` covers new ground.
    let mut all: Vec<u64> = (0..n).collect();
    all.extend(regressions.iter().filter(|s| **s >= n));
    all
}

fn verbose() -> bool {
    std::env::var_os("RANDOM_ACTION_SEED").is_some()
}

#[test]
fn regression_seeds_keep_the_world_consistent() {
    let mut failures = Vec::new();
    for seed in seeds(0, WORLD_REGRESSIONS) {
        let mut log = Log::default();
        let result = catch_unwind(AssertUnwindSafe(|| {
            run_seed(seed, &mut log, None, seed % 20 == 0)
        }))
        .unwrap_or_else(|_| Err("panicked".to_string()));
        // A few seeds run twice: once as is, once with only the accepted actions; same trace.
        let result = match result {
            Ok(trace) if seed % 20 == 0 => {
                let mut again = Log::default();
                match catch_unwind(AssertUnwindSafe(|| {
                    run_seed(seed, &mut again, Some(&log), true)
                })) {
                    Ok(Ok(second)) if second == trace => Ok(trace),
                    Ok(Ok(_)) => Err("the same seed gave a different trace".to_string()),
                    Ok(Err(e)) => Err(format!("replay: {e}")),
                    Err(_) => Err("replay panicked".to_string()),
                }
            }
            other => other,
        };
        if verbose() {
            log.print(seed);
            let path = format!("{}/random-actions-{seed}.json", env!("CARGO_TARGET_TMPDIR"));
            if std::fs::write(&path, log.as_scenario_file().to_json()).is_ok() {
                eprintln!(
                    "as a scenario file (its actions scheduled, as lab run applies them): {path}"
                );
            }
        }
        if let Err(e) = result {
            if !verbose() {
                log.print(seed);
            }
            eprintln!("seed {seed} FAILED: {e}");
            failures.push((seed, e));
            if failures.len() >= 5 {
                break;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "failing seeds (rerun one with RANDOM_ACTION_SEED=<seed> -- --nocapture): {failures:?}"
    );
}

/// The page's `Lab`: actions applied to 2–3 Worlds at once, then the saved session replays exactly.
fn run_lab_seed(seed: u64, log: &mut Log) -> Result<(), String> {
    let mut rng = seeded(seed.wrapping_mul(31).wrapping_add(7));
    let scenario = random_scenario(&mut rng, seed);
    log.scenario = Some(scenario.clone());
    let mut strategies = Strategy::ALL.to_vec();
    let count = rng.range(2, 3) as usize;
    let mut chosen = Vec::new();
    for _ in 0..count {
        chosen.push(strategies.remove(rng.below(strategies.len())));
    }
    let mut lab = Lab::new(Session {
        scenario,
        strategies: chosen,
        actions: Vec::new(),
        until_ms: 0,
    })
    .map_err(|e| format!("session refused: {e}"))?;
    let horizon = 120_000;
    loop {
        let mut at = lab.now() + rng.range(1, 15_000);
        if at >= horizon {
            break;
        }
        // The page advances frame by frame.
        while lab.now() < at {
            let frame = (lab.now() + rng.range(16, 2_000)).min(at);
            lab.run_until(frame);
        }
        if rng.chance(20) {
            at = lab.step().unwrap_or(at);
        }
        let action = random_action(&mut rng, &lab.lanes[0].world);
        let before = lab.snapshots();
        let lengths: Vec<usize> = lab.lanes.iter().map(|l| l.world.trace().len()).collect();
        let outcome = lab.apply(action.clone()).map_err(|e| e.to_string());
        log.actions.push((at, action, outcome.clone()));
        if let Err(e) = outcome {
            let after_lengths: Vec<usize> =
                lab.lanes.iter().map(|l| l.world.trace().len()).collect();
            if lab.snapshots() != before || after_lengths != lengths {
                return Err(format!("refused action changed a World ({e})"));
            }
        }
    }
    lab.run_until(horizon);
    let replayed =
        Lab::new(lab.saved_session()).map_err(|e| format!("saved session refused: {e}"))?;
    if replayed.snapshots() != lab.snapshots() {
        return Err("the replayed session has different snapshots".into());
    }
    for (a, b) in lab.lanes.iter().zip(&replayed.lanes) {
        if a.world.trace() != b.world.trace() {
            return Err(format!(
                "the replayed session has a different {} trace",
                a.strategy.short()
            ));
        }
    }
    Ok(())
}

#[test]
fn regression_seeds_on_the_page_lab_replay_exactly() {
    let mut failures = Vec::new();
    for seed in seeds(0, LAB_REGRESSIONS) {
        let mut log = Log::default();
        let result = catch_unwind(AssertUnwindSafe(|| run_lab_seed(seed, &mut log)))
            .unwrap_or_else(|_| Err("panicked".to_string()));
        if verbose() {
            log.print(seed);
        }
        if let Err(e) = result {
            if !verbose() {
                log.print(seed);
            }
            eprintln!("lab seed {seed} FAILED: {e}");
            failures.push((seed, e));
            if failures.len() >= 5 {
                break;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "failing lab seeds (rerun one with RANDOM_ACTION_SEED=<seed> -- --nocapture): {failures:?}"
    );
}

/// The generated scenarios are valid: every seed builds a World.
#[test]
fn generated_scenarios_are_valid() {
    for seed in 0..200 {
        let scenario = random_scenario(&mut seeded(seed), seed);
        assert!(World::new(&scenario).is_ok(), "seed {seed}: {scenario:?}");
    }
}

/// The traces of the first 100 seeds, held to committed digests: a refactor of the model must not
/// change one byte of any of them. After an intended model change:
/// `UPDATE_GOLDEN=1 cargo test --test model random_actions`.
#[test]
fn random_action_traces_match_the_committed_digests() {
    let mut actual = String::new();
    for seed in 0..100 {
        let trace = run_seed(seed, &mut Log::default(), None, true).expect("seed runs");
        let json = serde_json::to_string(&trace).expect("trace serializes");
        let hash = json.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
        actual.push_str(&format!("seed-{seed} {hash:016x} {}\n", trace.len()));
    }
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/golden/random-actions.digest"
    );
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, &actual).expect("golden file is writable");
        return;
    }
    let golden = std::fs::read_to_string(path).expect("golden file exists");
    let changed: Vec<&str> = actual
        .lines()
        .filter(|line| !golden.lines().any(|g| g == *line))
        .collect();
    assert!(
        changed.is_empty(),
        "random-action traces changed: {changed:#?}"
    );
}

/// Some groups of the scenario use the KIP-848 consumer protocol (with or without a
/// `group.remote.assignor`), and the broker sometimes has classroom session and heartbeat settings
/// for them. Its own RNG stream, so the actions drawn afterwards are the seed's usual ones.
fn with_consumer_protocol_groups(scenario: &mut Scenario, seed: u64) {
    let mut rng = seeded(seed ^ 0x848);
    let mut converted = Vec::new();
    for group in &mut scenario.groups {
        if !rng.chance(60) {
            continue;
        }
        strip_classic_only(&mut group.config);
        put(&mut group.config, "group.protocol", "consumer");
        if rng.chance(40) {
            put(
                &mut group.config,
                "group.remote.assignor",
                rng.pick(&["uniform", "range"]),
            );
        }
        converted.push(group.group_id.clone());
    }
    for consumer in &mut scenario.consumers {
        if converted.contains(&consumer.group) {
            strip_classic_only(&mut consumer.config);
        }
    }
    if rng.chance(50) {
        put(
            &mut scenario.broker,
            "group.consumer.min.session.timeout.ms",
            6_000,
        );
        put(
            &mut scenario.broker,
            "group.consumer.session.timeout.ms",
            rng.range(6_000, 12_000),
        );
        put(
            &mut scenario.broker,
            "group.consumer.min.heartbeat.interval.ms",
            500,
        );
        put(
            &mut scenario.broker,
            "group.consumer.heartbeat.interval.ms",
            rng.range(500, 3_000),
        );
    }
    if rng.chance(10) {
        put(
            &mut scenario.broker,
            "group.consumer.max.size",
            rng.range(1, 4),
        );
    }
}

/// Random actions over groups of both protocols on the same topics in one World (eager,
/// cooperative and KIP-848): nothing panics, refusals change nothing, §8 holds after every event, and
/// a replay of the accepted actions gives the same trace.
#[test]
fn random_actions_with_the_consumer_protocol_keep_the_world_consistent() {
    let mut failures = Vec::new();
    for seed in seeds(80, &[]) {
        let mut log = Log::default();
        let transform = with_consumer_protocol_groups;
        let result = catch_unwind(AssertUnwindSafe(|| {
            run_seed_with(seed, &mut log, None, seed % 10 == 0, transform)
        }))
        .unwrap_or_else(|_| Err("panicked".to_string()));
        let result = match result {
            Ok(trace) if seed % 10 == 0 => {
                let mut again = Log::default();
                match catch_unwind(AssertUnwindSafe(|| {
                    run_seed_with(seed, &mut again, Some(&log), true, transform)
                })) {
                    Ok(Ok(second)) if second == trace => Ok(trace),
                    Ok(Ok(_)) => Err("the same seed gave a different trace".to_string()),
                    Ok(Err(e)) => Err(format!("replay: {e}")),
                    Err(_) => Err("replay panicked".to_string()),
                }
            }
            other => other,
        };
        if let Err(e) = result {
            log.print(seed);
            eprintln!("seed {seed} FAILED: {e}");
            failures.push((seed, e));
            if failures.len() >= 5 {
                break;
            }
        }
    }
    assert!(failures.is_empty(), "failing seeds: {failures:?}");
}
