//! `lab assign` on the conformance corpus: its output must parse as a results file and agree with
//! Kafka's answers for every implemented assignor; bad input must fail cleanly.

use rebalance_lab::sim::assign::conformance::{is_implemented, parse_cases, parse_results};
use std::process::Command;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/conformance");

fn lab(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lab"))
        .args(args)
        .output()
        .expect("lab runs")
}

#[test]
fn assign_reproduces_the_expected_file() {
    let cases_path = format!("{DATA}/public-cases.json");
    let out = lab(&["assign", &cases_path]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ours = parse_results(std::str::from_utf8(&out.stdout).unwrap()).unwrap();
    let expected_text = std::fs::read_to_string(format!("{DATA}/public-expected.json")).unwrap();
    let expected = parse_results(&expected_text).unwrap();
    let cases = parse_cases(&std::fs::read_to_string(&cases_path).unwrap()).unwrap();
    assert_eq!(ours.results.len(), expected.results.len());

    let mut everything_implemented = true;
    for ((case, got), want) in cases.cases.iter().zip(&ours.results).zip(&expected.results) {
        assert_eq!(got.id, want.id);
        assert_eq!(got.java_member_order, want.java_member_order, "{}", got.id);
        if is_implemented(&case.assignor) {
            assert_eq!(got, want, "{}", got.id);
        } else {
            everything_implemented = false;
            assert!(
                got.error.is_some() && got.assignment.is_none(),
                "{}",
                got.id
            );
        }
    }
    if everything_implemented {
        // Same layout as the oracle's own file, byte for byte.
        assert_eq!(std::str::from_utf8(&out.stdout).unwrap(), expected_text);
    }
}

#[test]
fn unreadable_or_invalid_files_fail_with_a_message() {
    let missing = lab(&["assign", "/nonexistent/cases.json"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read"));

    let dir = std::env::temp_dir().join(format!("lab-assign-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        "{\"format\":\"kafka-assignor-oracle-cases/1\",\"cases\":[{]}",
    )
    .unwrap();
    let invalid = lab(&["assign", bad.to_str().unwrap()]);
    assert!(!invalid.status.success());
    assert!(String::from_utf8_lossy(&invalid.stderr).contains("invalid cases file"));
    std::fs::remove_dir_all(&dir).unwrap();

    let usage = lab(&["assign"]);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn bench_prints_kafkas_bench_format_for_the_big_cases() {
    // Timings are printed, never checked: only the shape of the file and which rows it has.
    let cases_path = format!("{DATA}/public-cases.json");
    let out = lab(&[
        "assign",
        "--bench",
        "--big",
        "--warmup-ms",
        "0",
        "--iterations",
        "1",
        &cases_path,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bench: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(bench["format"], "kafka-assignor-oracle-bench/1");
    let kafka: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{DATA}/bench-public.json")).unwrap(),
    )
    .unwrap();
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    // Every big case Kafka timed, in the same order, with Kafka's fields.
    assert_eq!(ids(&bench), ids(&kafka));
    for (ours, theirs) in bench["rows"]
        .as_array()
        .unwrap()
        .iter()
        .zip(kafka["rows"].as_array().unwrap())
    {
        for field in [
            "assignor",
            "members",
            "topics",
            "partitions",
            "withOwnership",
        ] {
            assert_eq!(ours[field], theirs[field], "{} {field}", ours["id"]);
        }
        assert_eq!(ours["iterations"], 1);
        assert!(ours["warmupRuns"].as_u64().unwrap() >= 5);
        for field in ["minMs", "medianMs", "maxMs"] {
            assert!(ours[field].as_f64().is_some(), "{} {field}", ours["id"]);
        }
    }
}

/// What Kafka's assignors are never handed is refused on the offending case, with the field and the
/// reason; the other cases of the file still run.
#[test]
fn impossible_cases_are_refused_one_by_one() {
    // 10,001 members, one more than a case may have (each would be a valid member on its own).
    let crowd: Vec<String> = (0..=10_000)
        .map(|i| format!(r#"{{"id":"m{i}","topics":["t"]}}"#))
        .collect();
    let text = format!(
        r#"{{"format":"kafka-assignor-oracle-cases/1","cases":[
        {{"id":"negative","assignor":"range","topics":{{"t":-3}},"members":[{{"id":"m","topics":["t"]}}]}},
        {{"id":"duplicate","assignor":"range","topics":{{"t":2}},"members":[{{"id":"m","topics":["t"]}},{{"id":"m","topics":["t"]}}]}},
        {{"id":"empty","assignor":"sticky","topics":{{"t":2}},"members":[{{"id":"","topics":["t"]}}]}},
        {{"id":"ghost","assignor":"cooperative-sticky","topics":{{"t":2}},"members":[{{"id":"m","topics":["t"],"owned":[["t",7]]}}]}},
        {{"id":"zero","assignor":"roundrobin","topics":{{"t":0}},"members":[{{"id":"m","topics":["t"]}}]}},
        {{"id":"twice","assignor":"range","topics":{{"t":2,"u":1,"t":3}},"members":[{{"id":"m","topics":["t"]}}]}},
        {{"id":"vast","assignor":"range","topics":{{"t":60000,"u":40001}},"members":[{{"id":"m","topics":["t","u"]}}]}},
        {{"id":"crowd","assignor":"range","topics":{{"t":2}},"members":[{crowd}]}},
        {{"id":"fine","assignor":"range","topics":{{"t":2}},"members":[{{"id":"m","topics":["t"]}}]}}]}}"#,
        crowd = crowd.join(",")
    );
    let dir = std::env::temp_dir().join(format!("lab-assign-cases-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("cases.json");
    std::fs::write(&path, &text).unwrap();
    let out = lab(&["assign", path.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(out.status.success());
    let results = parse_results(std::str::from_utf8(&out.stdout).unwrap()).unwrap();
    let error = |i: usize| results.results[i].error.clone().unwrap_or_default();
    assert_eq!(
        error(0),
        "InvalidCase: topics.t: InvalidPartitionsException: Number of partitions must be larger than 0, not -3."
    );
    assert_eq!(
        error(1),
        "InvalidCase: members[1].id \"m\" is also members[0].id; member ids are unique within a group"
    );
    assert_eq!(
        error(2),
        "InvalidCase: members[0].id is empty; the group coordinator gives every member a non-empty id"
    );
    assert_eq!(
        error(3),
        "InvalidCase: members[0].owned: t-7 does not exist (topic t has no partition 7)"
    );
    assert_eq!(
        error(4),
        "InvalidCase: topics.t: InvalidPartitionsException: Number of partitions must be larger than 0, not 0."
    );
    assert_eq!(error(5), "InvalidCase: topics: \"t\" is listed twice");
    assert_eq!(
        error(6),
        "InvalidCase: topics (partitions in all): 100001 is beyond what lab assign computes (at most 100000)"
    );
    assert_eq!(
        error(7),
        "InvalidCase: members: 10001 is beyond what lab assign computes (at most 10000)"
    );
    for r in &results.results[..8] {
        assert_eq!(r.assignment, None, "{}", r.id);
    }
    assert_eq!(results.results[8].id, "fine");
    assert_eq!(results.results[8].error, None);
    assert!(results.results[8].assignment.is_some());
}
