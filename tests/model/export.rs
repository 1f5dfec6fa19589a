//! The page's trace export is what `lab run --json` prints for the same session: the page's Lab, with
//! user actions taken frame by frame in every compare lane, against the real binary run on the
//! scenario the export carries.

use crate::common;
use rebalance_lab::session::export::{lane_scenario, lane_trace_json};
use rebalance_lab::session::lessons::LESSONS;
use rebalance_lab::session::{Lab, Strategy};
use rebalance_lab::sim::report::trace_json::TraceDocument;
use rebalance_lab::sim::Action;
use std::process::Command;

fn lab_run(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_lab"))
        .args(args)
        .output()
        .expect("lab runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// A session as a user plays it on the page: 33 ms frames, a kill, a new consumer, a close.
fn played_session(strategies: Vec<Strategy>) -> Lab {
    let mut live = common::lab(LESSONS[0].scenario(), strategies);
    let mut t = 0;
    for (at, action) in [
        (
            9_001,
            Action::KillConsumer {
                consumer: "c2".into(),
            },
        ),
        (
            21_000,
            Action::AddConsumer {
                group: "orders-app".into(),
                topics: vec!["orders".into()],
                config: Default::default(),
            },
        ),
        (
            40_500,
            Action::CloseConsumer {
                consumer: "c1".into(),
            },
        ),
    ] {
        while t < at {
            t = (t + 33).min(at);
            live.run_until(t);
        }
        live.apply(action).unwrap();
    }
    live.run_until(70_000);
    live
}

#[test]
fn the_exported_trace_is_what_lab_run_prints_for_the_same_session() {
    let lab = played_session(Strategy::COMPARE_DEFAULT.to_vec());
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("export");
    std::fs::create_dir_all(&dir).unwrap();
    for (i, strategy) in Strategy::COMPARE_DEFAULT.iter().enumerate() {
        let exported = lane_trace_json(&lab, i).unwrap();
        let path = dir.join(format!("{}.json", strategy.short()));
        std::fs::write(&path, lane_scenario(&lab, i).unwrap().to_json()).unwrap();
        let path = path.to_str().unwrap();
        let printed = lab_run(&["run", path, "--json", "--until", "70000"]);
        assert_eq!(
            exported, printed,
            "{strategy:?}: the page's export and lab run --json differ"
        );
        // And its lines are the lines `lab run` prints without --json, in the same order.
        let doc: TraceDocument = serde_json::from_str(&exported).unwrap();
        assert!(doc.events.len() > 100, "{strategy:?}: a real run");
        assert_eq!(doc.until_ms, 70_000);
        let text = lab_run(&["run", path, "--until", "70000"]);
        let trace_lines: Vec<&str> = text
            .lines()
            .skip_while(|l| l.starts_with("warning: "))
            .take_while(|l| !l.is_empty())
            .collect();
        let json_lines: Vec<&str> = doc.events.iter().map(|e| e.line.as_str()).collect();
        assert_eq!(json_lines, trace_lines, "{strategy:?}");
    }
}

#[test]
fn routine_messages_hidden_on_the_command_line_are_left_out_of_the_json_too() {
    let lab = played_session(vec![Strategy::EagerRange]);
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("export");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("hide-routine.json");
    std::fs::write(&path, lane_scenario(&lab, 0).unwrap().to_json()).unwrap();
    let all: TraceDocument = serde_json::from_str(&lane_trace_json(&lab, 0).unwrap()).unwrap();
    let printed = lab_run(&[
        "run",
        path.to_str().unwrap(),
        "--json",
        "--hide-routine",
        "--until",
        "70000",
    ]);
    let hidden: TraceDocument = serde_json::from_str(&printed).unwrap();
    assert!(hidden.hide_routine);
    assert!(hidden.events.len() < all.events.len());
    assert!(hidden.events.iter().all(|e| !e.event.is_routine()));
    assert_eq!(
        hidden.events,
        all.events
            .into_iter()
            .filter(|e| !e.event.is_routine())
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_lane_that_does_not_exist_exports_nothing() {
    let lab = played_session(vec![Strategy::EagerRange]);
    assert!(lane_trace_json(&lab, 1).is_none());
}
