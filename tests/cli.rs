//! `lab run` end to end through the real binary.

use std::process::Command;

fn lab(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lab"))
        .args(args)
        .output()
        .expect("lab runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/eager-range-join.json"
);

#[test]
fn run_prints_a_timestamped_trace_and_a_summary() {
    let (ok, out, err) = lab(&["run", EXAMPLE]);
    assert!(ok, "{err}");
    assert!(
        out.lines().any(|l| l.starts_with("00:20.000  c4 started")),
        "{out}"
    );
    assert!(out.contains("Heartbeat gen=1"));
    assert!(out.contains("== summary at 00:40.000 =="));
    assert!(out.contains("generation   2: started 00:20.006 (member joined)"));
    assert!(out.contains("c4 [orders-app] Stable gen 2 owns [orders-5]"));
}

#[test]
fn heartbeats_can_be_hidden() {
    let (ok, out, _) = lab(&["run", EXAMPLE, "--hide-heartbeats"]);
    assert!(ok);
    assert!(!out.contains("Heartbeat"));
    assert!(out.contains("JoinGroup"));
}

#[test]
fn bad_input_fails_cleanly() {
    let (ok, _, err) = lab(&["run", "/nonexistent/scenario.json"]);
    assert!(!ok);
    assert!(
        err.contains("cannot read /nonexistent/scenario.json"),
        "{err}"
    );

    let dir = std::env::temp_dir().join(format!("lab-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.json");
    std::fs::write(&broken, "{ \"topics\": [ }").unwrap();
    let (ok, _, err) = lab(&["run", broken.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("invalid scenario JSON"), "{err}");

    let invalid = dir.join("invalid.json");
    std::fs::write(
        &invalid,
        r#"{ "consumers": [{ "group": "g", "topics": ["t"], "config": { "heartbeat.interval.ms": 50000 } }] }"#,
    )
    .unwrap();
    let (ok, _, err) = lab(&["run", invalid.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("heartbeat.interval.ms (50000) must be lower than session.timeout.ms (45000)"),
        "{err}"
    );
    assert!(!err.contains("panicked"));

    let (ok, _, err) = lab(&["run"]);
    assert!(!ok);
    assert!(err.contains("usage"));
}
