//! Replays Kafka 4.1.2's own answers (`tests/data/conformance/`) through our assignors and compares
//! every case member by member. Prints per-assignor counts and the ids that differ; fails unless
//! every case matches (all six assignors are implemented: 342/342).

use rebalance_lab::sim::assign::conformance::{
    is_implemented, parse_cases, parse_results, run_case, CaseResult,
};
use std::collections::BTreeMap;

const CASES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/conformance/public-cases.json"
);
const EXPECTED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/conformance/public-expected.json"
);

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: Vec<String>,
    skipped: usize,
    member_order_mismatch: Vec<String>,
}

/// Names the members whose partitions differ (at most a few), for the failure report.
fn describe_difference(ours: &CaseResult, expected: &CaseResult) -> String {
    match (&ours.assignment, &expected.assignment) {
        (Some(a), Some(b)) => {
            let differing: Vec<&String> = b
                .keys()
                .chain(a.keys())
                .filter(|m| a.get(*m) != b.get(*m))
                .collect();
            format!(
                "{} member(s) differ, e.g. {:?}",
                differing.len(),
                differing.first()
            )
        }
        _ => format!("error: ours {:?}, Kafka's {:?}", ours.error, expected.error),
    }
}

#[test]
fn every_implemented_assignor_matches_kafka() {
    let cases = parse_cases(&std::fs::read_to_string(CASES).unwrap()).unwrap();
    let expected = parse_results(&std::fs::read_to_string(EXPECTED).unwrap()).unwrap();
    assert_eq!(cases.cases.len(), expected.results.len());

    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for (case, want) in cases.cases.iter().zip(&expected.results) {
        assert_eq!(case.id, want.id, "cases and results are paired by position");
        let tally = tallies.entry(case.assignor.clone()).or_default();
        let ours = run_case(case);
        if ours.java_member_order != want.java_member_order {
            tally.member_order_mismatch.push(case.id.clone());
        }
        if !is_implemented(&case.assignor) {
            tally.skipped += 1;
            continue;
        }
        if ours.assignment == want.assignment && ours.error == want.error {
            tally.passed += 1;
        } else {
            eprintln!("{}: {}", case.id, describe_difference(&ours, want));
            tally.failed.push(case.id.clone());
        }
    }

    let mut all_good = true;
    for (assignor, t) in &tallies {
        let total = t.passed + t.failed.len() + t.skipped;
        if t.skipped > 0 {
            println!("{assignor:>20}: skipped {total} cases (not implemented)");
        } else {
            println!("{assignor:>20}: {}/{total} match", t.passed);
        }
        if !t.failed.is_empty() {
            println!("{:>20}  differ: {}", "", t.failed.join(" "));
            all_good = false;
        }
        if !t.member_order_mismatch.is_empty() {
            println!(
                "{:>20}  Java member order differs: {}",
                "",
                t.member_order_mismatch.join(" ")
            );
            all_good = false;
        }
    }
    assert!(all_good, "some cases differ from Kafka 4.1.2 (see above)");
    let passed: usize = tallies.values().map(|t| t.passed).sum();
    assert_eq!(
        passed,
        cases.cases.len(),
        "every case of every assignor must run and match"
    );
}
