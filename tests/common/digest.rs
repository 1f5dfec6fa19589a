//! Shared by the native and the wasm determinism tests: run a scenario and reduce its whole trace to
//! a digest, so both targets can be held to the same committed value.

use rebalance_lab::sim::{Scenario, World};

/// FNV-1a, 64 bits: tiny, stable, and the same on every target.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Runs the scenario to its end; returns (trace digest, number of trace entries, final snapshot JSON).
pub fn run(scenario_json: &str) -> (String, usize, String) {
    let scenario = Scenario::from_json(scenario_json).expect("valid scenario");
    let mut world = World::new(&scenario).expect("scenario builds");
    world.run_until(scenario.duration_ms);
    let trace = serde_json::to_string(world.trace()).expect("trace serializes");
    let snapshot = serde_json::to_string(&world.snapshot()).expect("snapshot serializes");
    (
        format!("{:016x}", fnv1a(trace.as_bytes())),
        world.trace().len(),
        snapshot,
    )
}

pub const SCENARIO: &str = include_str!("../../examples/eager-range-join.json");
pub const GOLDEN: &str = include_str!("../data/golden/eager-range-join.digest");
