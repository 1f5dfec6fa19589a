//! Shared by the native and the wasm determinism tests: run every example and every lesson (as it is,
//! and with a scripted tour of kills, stalls, restarts, closes and new partitions under four
//! classic strategies and KIP-848's consumer protocol) and reduce each whole trace to a digest, so both targets — and every refactor — can be
//! held to the same committed values in `tests/data/golden/traces.digest`.

use rebalance_lab::session::lessons::LESSONS;
use rebalance_lab::session::Strategy;
use rebalance_lab::sim::assign::AssignorName;
use rebalance_lab::sim::scenario::TimedAction;
use rebalance_lab::sim::InstanceIdChange;
use rebalance_lab::sim::{Action, Scenario, World};

/// FNV-1a, 64 bits: tiny, stable, and the same on every target.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Runs the scenario to its end; returns (trace digest, number of trace entries, final snapshot JSON).
pub fn run_scenario(scenario: &Scenario) -> (String, usize, String) {
    let mut world = World::new(scenario).expect("scenario builds");
    world.run_until(scenario.duration_ms);
    let trace = serde_json::to_string(world.trace()).expect("trace serializes");
    let snapshot = serde_json::to_string(&world.snapshot()).expect("snapshot serializes");
    (
        format!("{:016x}", fnv1a(trace.as_bytes())),
        world.trace().len(),
        snapshot,
    )
}

/// Runs a scenario file's text to its end (see [`run_scenario`]).
pub fn run(scenario_json: &str) -> (String, usize, String) {
    run_scenario(&Scenario::from_json(scenario_json).expect("valid scenario"))
}

/// Every file in `examples/`, by name.
pub const EXAMPLES: &[(&str, &str)] = &[
    (
        "examples/cooperative-sticky-join.json",
        include_str!("../../examples/cooperative-sticky-join.json"),
    ),
    (
        "examples/eager-range-join.json",
        include_str!("../../examples/eager-range-join.json"),
    ),
    (
        "examples/kip848-join.json",
        include_str!("../../examples/kip848-join.json"),
    ),
    (
        "examples/stall-and-crash.json",
        include_str!("../../examples/stall-and-crash.json"),
    ),
    (
        "examples/static-restart.json",
        include_str!("../../examples/static-restart.json"),
    ),
    (
        "examples/records-join-and-crash.json",
        include_str!("../../examples/records-join-and-crash.json"),
    ),
    (
        "examples/rolling-upgrade-kip848.json",
        include_str!("../../examples/rolling-upgrade-kip848.json"),
    ),
    (
        "examples/rolling-downgrade-static.json",
        include_str!("../../examples/rolling-downgrade-static.json"),
    ),
];

pub const SCENARIO: &str = EXAMPLES[1].1;

/// `name hash entries`, one line per case.
pub const GOLDEN: &str = include_str!("../data/golden/traces.digest");

/// The strategies each lesson's tour runs under.
const TOUR_STRATEGIES: &[(&str, &[AssignorName])] = &[
    (
        "kafka-default",
        &[AssignorName::Range, AssignorName::CooperativeSticky],
    ),
    ("roundrobin", &[AssignorName::RoundRobin]),
    ("sticky", &[AssignorName::Sticky]),
    ("cooperative-sticky", &[AssignorName::CooperativeSticky]),
];

fn consumer(handle: &str) -> String {
    handle.to_string()
}

/// A lesson with a tour of every kind of action, spread over five minutes so both classroom and
/// default timings see sessions expire, poll timers run out and static members come back.
fn tour(mut scenario: Scenario, topic: &str, group: &str) -> Scenario {
    let actions = [
        (
            15_000,
            Action::KillConsumer {
                consumer: consumer("c2"),
            },
        ),
        (
            21_000,
            Action::StallConsumer {
                consumer: consumer("c1"),
                ms: 50_000,
            },
        ),
        (
            24_000,
            Action::RestartConsumer {
                consumer: consumer("c2"),
                group_instance_id: InstanceIdChange::Keep,
            },
        ),
        (
            40_000,
            Action::AddPartitions {
                topic: topic.to_string(),
                total: 9,
            },
        ),
        (
            55_000,
            Action::CloseConsumer {
                consumer: consumer("c3"),
            },
        ),
        (
            70_000,
            Action::AddConsumer {
                group: group.to_string(),
                topics: vec![topic.to_string()],
                config: Default::default(),
            },
        ),
        (
            90_000,
            Action::SetConsumerConfig {
                consumer: consumer("c1"),
                name: "processing.time.ms".to_string(),
                value: "700".to_string(),
            },
        ),
        (
            120_000,
            Action::KillConsumer {
                consumer: consumer("c1"),
            },
        ),
        (
            125_000,
            Action::RestartConsumer {
                consumer: consumer("c1"),
                group_instance_id: InstanceIdChange::Set("tour-1".to_string()),
            },
        ),
        (
            180_000,
            Action::StallConsumer {
                consumer: consumer("c2"),
                ms: 400_000,
            },
        ),
        (
            200_000,
            Action::DeleteTopic {
                name: topic.to_string(),
            },
        ),
    ];
    scenario.actions.extend(
        actions
            .into_iter()
            .map(|(at_ms, action)| TimedAction { at_ms, action }),
    );
    scenario.duration_ms = 300_000;
    scenario
}

/// Every case the golden file covers, in the file's order.
pub fn cases() -> Vec<(String, Scenario)> {
    let mut cases: Vec<(String, Scenario)> = EXAMPLES
        .iter()
        .map(|(name, json)| {
            (
                name.to_string(),
                Scenario::from_json(json).expect("example is valid"),
            )
        })
        .collect();
    for lesson in LESSONS {
        let scenario = lesson.scenario();
        cases.push((format!("lesson/{}", lesson.id), scenario.clone()));
        let topic = scenario.topics[0].name.clone();
        let group = scenario.consumers[0].group.clone();
        for (label, assignors) in TOUR_STRATEGIES {
            let strategy = scenario.with_assignment_strategy(None, assignors);
            cases.push((
                format!("lesson/{}/tour/{label}", lesson.id),
                tour(strategy, &topic, &group),
            ));
        }
        // The lesson as the page's KIP-848 lane runs it, as it is and with the tour.
        let kip848 = Strategy::Kip848.scenario_for(&scenario);
        cases.push((format!("lesson/{}/kip848", lesson.id), kip848.clone()));
        cases.push((
            format!("lesson/{}/tour/kip848", lesson.id),
            tour(kip848, &topic, &group),
        ));
    }
    cases
}

/// Each case's `name hash entries` line, computed now.
pub fn computed() -> String {
    cases()
        .iter()
        .map(|(name, scenario)| {
            let (hash, len, _) = run_scenario(scenario);
            format!("{name} {hash} {len}\n")
        })
        .collect()
}
