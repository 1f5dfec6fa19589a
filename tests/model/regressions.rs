//! Every failure the property tests ever found, kept as a named test: each is a scenario file under
//! `tests/data/regressions/` (as `properties` wrote it, shrunk) run through the very same checks,
//! liveness included. `PROPERTY_FILE=path cargo test --test model regressions::one_file --
//! --nocapture` runs any scenario file through them.

use crate::properties as prop;

use rebalance_lab::sim::Scenario;
use std::path::Path;

fn check_file(path: &Path) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let scenario =
        Scenario::from_bytes(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let deadline = prop::run::liveness_deadline(&scenario);
    assert!(
        scenario.duration_ms >= deadline,
        "{}: duration_ms must reach the liveness deadline, {deadline} ms",
        path.display()
    );
    match prop::driver::run_case(&scenario) {
        Ok(ran) => assert!(
            ran.liveness || std::env::var_os("PROPERTY_FILE").is_some(),
            "{}: a regression must meet Kafka's promise to settle, so its liveness is checked",
            path.display()
        ),
        Err(e) => panic!("{}: {e}", path.display()),
    }
}

fn regression(name: &str) {
    check_file(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/regressions")
            .join(name),
    );
}

/// Any scenario file, through every property check.
#[test]
fn one_file() {
    if let Some(path) = std::env::var_os("PROPERTY_FILE") {
        let start = std::time::Instant::now();
        check_file(Path::new(&path));
        eprintln!(
            "{} passes every check ({:.2} s)",
            Path::new(&path).display(),
            start.elapsed().as_secs_f64()
        );
    }
}

/// Every file in the directory has its named test below.
#[test]
fn every_regression_file_has_a_named_test() {
    let source = include_str!("regressions.rs");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/regressions");
    for entry in std::fs::read_dir(dir).expect("tests/data/regressions") {
        let name = entry.expect("a directory entry").file_name();
        let name = name.to_string_lossy();
        assert!(
            source.contains(&format!("\"{name}\"")),
            "tests/data/regressions/{name} has no named test in tests/model/regressions.rs"
        );
    }
}

/// Runs a regression file with its actions as `lab run` schedules them and returns the partitions
/// the group's snapshot first names as KIP-814's blind spot.
fn first_gap(name: &str, group: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/regressions")
        .join(name);
    let scenario = Scenario::from_bytes(&std::fs::read(path).unwrap()).unwrap();
    let mut world = rebalance_lab::sim::World::new(&scenario).unwrap();
    while world
        .next_event_time()
        .is_some_and(|t| t <= scenario.duration_ms)
    {
        world.process_next_event();
        let snapshot = world.snapshot();
        let g = snapshot.groups.iter().find(|g| g.group_id == group);
        if let Some(gap) = g.and_then(|g| g.skipped_assignment_gap.as_ref()) {
            return gap.partitions.iter().map(ToString::to_string).collect();
        }
    }
    Vec::new()
}

/// Random-action seed 5680 (kept as a seed in tests/model/random_actions.rs too): Kafka's KIP-814 blind
/// spot, t2-14…t2-21 unassigned until a session expiry rebalances g1.
#[test]
fn seed_5680_static_leader_skips_assignment() {
    let name = "seed-5680-kip-814-static-leader-skips-assignment.json";
    regression(name);
    let expected: Vec<String> = (14..22).map(|p| format!("t2-{p}")).collect();
    assert_eq!(first_gap(name, "g1"), expected);
}

/// Random-action seed 14082: the same blind spot, t1-5…t1-10 unassigned to the end.
#[test]
fn seed_14082_static_leader_skips_assignment() {
    let name = "seed-14082-kip-814-static-leader-skips-assignment.json";
    regression(name);
    let expected: Vec<String> = (5..11).map(|p| format!("t1-{p}")).collect();
    assert_eq!(first_gap(name, "g1"), expected);
}
