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
    // Every process is consumer-orders-app-1: the member ids' UUIDs decide range's order (seed 42).
    assert!(out.contains(
        "  range order (static members by group.instance.id, then member ids): c3 < c4 < c2 < c1"
    ));
    assert!(out.contains("c4 [orders-app] Stable gen 2 owns [orders-2, orders-3]"));
}

#[test]
fn routine_messages_can_be_hidden_but_errors_stay() {
    let (ok, out, _) = lab(&["run", EXAMPLE, "--hide-routine"]);
    assert!(ok);
    assert!(
        !out.contains("Heartbeat gen="),
        "routine heartbeats are hidden"
    );
    assert!(!out.contains("OffsetCommit"), "so are auto-commits");
    assert!(!out.contains("Metadata"), "and metadata refreshes");
    assert!(
        out.contains("c1 <- broker  Heartbeat response REBALANCE_IN_PROGRESS"),
        "an error answer is never routine: it is how members learn of the rebalance"
    );
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

#[test]
fn a_static_restart_without_a_rebalance_is_told_in_trace_and_summary() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/static-restart.json");
    let (ok, out, err) = lab(&["run", example, "--hide-routine"]);
    assert!(ok, "{err}");
    // c2 is killed at 20 s and restarted at 23 s, within its 10 s session.
    assert!(
        out.contains("group orders-app: static member orders-2 (c2) is back within its session: generation 1 kept, its assignment returned, no rebalance"),
        "{out}"
    );
    assert!(
        out.contains("  static member orders-2 (c2) back 00:23.0"),
        "{out}"
    );
    // Killed again at 40 s and back only at 56 s: its session expires first, so this return rebalances.
    assert_eq!(out.matches("is back within its session").count(), 1);
}

#[test]
fn a_kip848_run_reports_epochs_and_each_members_reconciliations() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/kip848-join.json");
    let (ok, out, err) = lab(&["run", example, "--hide-routine"]);
    assert!(ok, "{err}");
    assert!(out.contains("ConsumerGroupHeartbeat member="), "{out}");
    assert!(!out.contains("JoinGroup"), "no classic rounds");
    assert!(out.contains(
        "consumer group orders-app (KIP-848): Stable, group epoch 4, target epoch 4, assignor uniform"
    ));
    assert!(out.contains("  epoch   4: 00:20.002 c4 joined or changed its subscription"));
    // Exactly one owner was asked to revoke one partition for c4, and it reached epoch 4 after.
    let revokes: Vec<&str> = out
        .lines()
        .filter(|l| {
            l.contains("coordinator steps")
                && l.contains("epoch 3 UNREVOKED_PARTITIONS revoke [orders-1]")
        })
        .collect();
    assert_eq!(revokes.len(), 1, "{out}");
    assert!(out.contains("c4 [orders-app] Stable epoch 4 owns [orders-1]"));
}

/// `lab partition` answers Kafka 4.1.2's own vectors with the same partitions.
#[test]
fn partition_matches_every_shipped_vector() {
    let vectors = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/partitioner-keyed.json"
    );
    let (ok, out, err) = lab(&["partition", vectors]);
    assert!(ok, "{err}");
    let ours: serde_json::Value = serde_json::from_str(&out).unwrap();
    let kafka: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(vectors).unwrap()).unwrap();
    assert_eq!(ours["vectors"].as_array().unwrap().len(), 2_000);
    assert_eq!(ours, kafka);
    // Byte for byte: the same layout, one vector per line.
    assert_eq!(out, std::fs::read_to_string(vectors).unwrap());
    let (ok, _, err) = lab(&["partition"]);
    assert!(!ok && err.contains("give one vector file"), "{err}");
}

/// With producers, `lab run` reports records, duplicates per rebalance, lag and records per consumer.
#[test]
fn run_reports_records_duplicates_and_lag() {
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/records-join-and-crash.json"
    );
    let (ok, out, err) = lab(&["run", example, "--no-trace"]);
    assert!(ok, "{err}");
    assert!(out.contains("== records =="), "{out}");
    assert!(
        out.contains("p1 -> orders: 24000 record(s) sent, keyed (100 keys, murmur2 partitioner)")
    );
    let group = out
        .lines()
        .find(|l| l.starts_with("group orders-app: ") && l.contains("processed more than once"))
        .expect("a records line for the group");
    assert!(group.contains("record(s) processed"), "{group}");
    assert!(
        out.contains("duplicate(s) read under generation 5's assignment"),
        "{out}"
    );
    assert!(out.contains("  orders-0: log-end "), "{out}");
    assert!(out.contains("  c1: "), "{out}");
    assert!(out.contains("== lag over time =="));
    assert!(out.contains("group orders-app: peak lag "));
}

/// Runs beyond what the model supports are refused before anything runs, naming the field and the
/// limit; a file that is not text is explained rather than run.
#[test]
fn runs_beyond_reach_and_binary_files_are_refused_up_front() {
    let dir = std::env::temp_dir().join(format!("lab-cli-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |name: &str, contents: &[u8], extra: &[&str]| {
        let path = dir.join(name);
        std::fs::write(&path, contents).unwrap();
        let mut args = vec!["run", path.to_str().unwrap()];
        args.extend_from_slice(extra);
        let (ok, out, err) = lab(&args);
        assert!(!ok, "{name} ran");
        assert!(!err.contains("panicked"), "{err}");
        // Refused up front: nothing was simulated, so nothing was printed and no progress shown.
        assert!(
            out.is_empty() && !err.contains("lab run: simulated"),
            "{name}: {out}{err}"
        );
        err
    };
    let err = run(
        "huge-topic.json",
        br#"{ "topics": [{ "name": "t", "partitions": 1000000000 }] }"#,
        &[],
    );
    assert!(
        err.contains("topics[0]: 1000000000 is beyond what this simulator supports: at most 10000 partitions per topic"),
        "{err}"
    );
    let err = run(
        "crowd.json",
        br#"{ "topics": [{ "name": "t", "partitions": 1 }],
              "consumers": [{ "group": "g", "topics": ["t"], "count": 100000 }] }"#,
        &[],
    );
    assert!(
        err.contains("consumers[0].count: 100000 is beyond what this simulator supports: at most 1000 consumers in one scenario"),
        "{err}"
    );
    let err = run(
        "long.json",
        br#"{ "topics": [{ "name": "t", "partitions": 4 }],
              "consumers": [{ "group": "g", "topics": ["t"], "count": 400 }], "duration_ms": 10000 }"#,
        &["--until", "3600000"],
    );
    assert!(
        err.contains("--until 3600000: duration_ms (400 consumers × 3600 simulated seconds): 1440000 is beyond what this simulator supports: at most 500000 consumer-seconds in one run"),
        "{err}"
    );
    let err = run("binary.json", &[0x7b, 0xff, 0xfe, 0x00], &[]);
    assert!(err.contains("not UTF-8 text"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `lab run` takes the model's 1,000 consumers, more than the page's 500: the speed curve's
/// 1,000 × 10,000 runs here.
#[test]
fn lab_run_takes_more_consumers_than_the_page() {
    let path = std::env::temp_dir().join(format!("lab-cli-thousand-{}.json", std::process::id()));
    std::fs::write(
        &path,
        r#"{ "topics": [{ "name": "t", "partitions": 1000 }],
             "consumers": [{ "group": "g", "topics": ["t"], "count": 1000 }], "duration_ms": 10000 }"#,
    )
    .unwrap();
    let (ok, out, err) = lab(&["run", path.to_str().unwrap(), "--no-trace"]);
    std::fs::remove_file(&path).unwrap();
    assert!(ok, "{err}");
    assert!(out.contains("c1000 [g] Stable gen 1 owns [t-"), "{out}");
}

/// A timed action the World refuses (here: a consumer that does not exist) is reported with its
/// time and reason, and the run goes on without it.
#[test]
fn a_refused_timed_action_is_reported_and_the_run_goes_on() {
    let dir = std::env::temp_dir().join(format!("lab-cli-refused-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ghost.json");
    std::fs::write(
        &path,
        r#"{ "topics": [{ "name": "t", "partitions": 2 }],
             "consumers": [{ "group": "g", "topics": ["t"], "count": 2 }],
             "actions": [{ "at_ms": 5000, "action": { "type": "kill_consumer", "consumer": "c9" } }],
             "duration_ms": 10000 }"#,
    )
    .unwrap();
    let (ok, out, err) = lab(&["run", path.to_str().unwrap(), "--no-trace"]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(ok, "{err}");
    assert!(
        out.contains(
            "refused action at 00:05.000 (kill_consumer): there is no consumer c9 (consumers: c1, c2)"
        ),
        "{out}"
    );
}
