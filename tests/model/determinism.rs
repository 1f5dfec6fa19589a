//! Same scenario → byte-identical trace, run after run; and the committed digest that the wasm test
//! (`tests/web.rs`) checks in headless Chromium, so native and WebAssembly give the same trace.
//! After an intended model change: `UPDATE_GOLDEN=1 cargo test --test model determinism`.

use crate::common;
use crate::digest;

#[test]
fn the_same_scenario_gives_the_same_trace_twice() {
    assert_eq!(digest::run(digest::SCENARIO), digest::run(digest::SCENARIO));
}

/// Every example and every lesson (plain, and with a scripted tour under four strategies) gives the
/// committed trace digest; `tests/web.rs` holds the WebAssembly build to the same file.
#[test]
fn every_trace_matches_the_committed_digests() {
    let actual = digest::computed();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/golden/traces.digest"
        );
        std::fs::write(path, &actual).expect("golden file is writable");
        return;
    }
    let changed: Vec<&str> = actual
        .lines()
        .filter(|line| !digest::GOLDEN.lines().any(|golden| golden == *line))
        .collect();
    assert!(
        changed.is_empty() && actual.lines().count() == digest::GOLDEN.lines().count(),
        "traces changed: {changed:#?}; if intended, run UPDATE_GOLDEN=1 cargo test --test model determinism"
    );
}

/// The page advances the clock frame by frame; a replay advances straight to each action. Both must
/// give the same trace, or share links and strategy changes would not reproduce what the user saw.
#[test]
fn advancing_in_frames_or_at_once_gives_the_same_trace() {
    use rebalance_lab::sim::{Scenario, World};
    let scenario = Scenario::from_json(digest::SCENARIO).unwrap();
    let mut at_once = World::new(&scenario).unwrap();
    at_once.run_until(scenario.duration_ms);
    let mut framed = World::new(&scenario).unwrap();
    let mut t = 0;
    while t < scenario.duration_ms {
        t = (t + 37).min(scenario.duration_ms);
        framed.run_until(t);
    }
    assert_eq!(
        serde_json::to_string(at_once.trace()).unwrap(),
        serde_json::to_string(framed.trace()).unwrap()
    );
}

/// A session rebuilt from its saved form (share link, strategy change) equals the live one.
#[test]
fn a_replayed_session_equals_the_live_one() {
    use rebalance_lab::session::lessons::LESSONS;
    use rebalance_lab::session::{Lab, Session, Strategy};
    use rebalance_lab::sim::Action;
    let session = Session {
        scenario: LESSONS[0].scenario(),
        strategies: vec![Strategy::EagerRange, Strategy::CooperativeSticky],
        actions: Vec::new(),
        until_ms: 0,
    };
    let mut live = Lab::new(session).unwrap();
    let mut t = 0;
    for (at, action) in [
        (
            12_345,
            Action::KillConsumer {
                consumer: "c2".into(),
            },
        ),
        (
            31_000,
            Action::AddConsumer {
                group: "orders-app".into(),
                topics: vec!["orders".into()],
                config: Default::default(),
            },
        ),
    ] {
        while t < at {
            t = (t + 33).min(at);
            live.run_until(t);
        }
        live.apply(action).unwrap();
    }
    live.run_until(50_000);
    let replayed = Lab::new(live.saved_session()).unwrap();
    assert_eq!(live.snapshots(), replayed.snapshots());
    for (a, b) in live.lanes.iter().zip(&replayed.lanes) {
        assert_eq!(a.world.trace(), b.world.trace());
    }
}

/// The page's "Scenario file" export, run as a plain scenario, reproduces the live session.
#[test]
fn an_exported_session_is_a_scenario_that_replays_it() {
    use rebalance_lab::session::lessons::LESSONS;
    use rebalance_lab::session::Strategy;
    use rebalance_lab::sim::{Action, Scenario, World};
    let mut live = common::lab(LESSONS[0].scenario(), vec![Strategy::EagerRange]);
    live.run_until(14_000);
    live.apply(Action::CloseConsumer {
        consumer: "c1".into(),
    })
    .unwrap();
    live.run_until(30_000);
    let exported = live.saved_session().as_scenario().to_json();
    let scenario = Scenario::from_json(&exported)
        .unwrap()
        .with_assignment_strategy(None, &Strategy::EagerRange.assignors());
    let mut world = World::new(&scenario).unwrap();
    world.run_until(30_000);
    assert_eq!(world.snapshot(), live.snapshots()[0].as_ref().clone());
}

/// The digests cover every example: `digest::EXAMPLES` (written out by hand, since the wasm test
/// cannot read a directory) names exactly the files in `examples/`.
#[test]
fn the_digest_examples_are_exactly_the_files_in_examples() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .expect("examples/")
        .map(|entry| entry.expect("a directory entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .map(|name| format!("examples/{name}"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = digest::EXAMPLES
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    listed.sort();
    assert_eq!(
        listed, on_disk,
        "tests/model/digest.rs's EXAMPLES must list every examples/*.json (then \
         UPDATE_GOLDEN=1 cargo test --test model determinism)"
    );
}
