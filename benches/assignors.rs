//! Assignors at scale: the `big` conformance cases (200 members × 2000 partitions, fresh and with
//! prior ownership), each through the assignor it names.
//!
//! Before Criterion runs, a table compares our median over 20 runs (Kafka's own iteration count)
//! with Kafka 4.1.2's timings from `tests/data/conformance/bench-public.json`.
//! `cargo bench --bench assignors` (add a filter such as `sticky` to narrow Criterion's part).

use criterion::{black_box, Criterion};
use rebalance_lab::sim::assign::conformance::{parse_cases, Case, PreparedCase};
use serde::Deserialize;
use std::time::{Duration, Instant};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/conformance");

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KafkaBench {
    rows: Vec<KafkaRow>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KafkaRow {
    id: String,
    median_ms: f64,
    with_ownership: bool,
}

fn big_cases() -> Vec<Case> {
    let text = std::fs::read_to_string(format!("{DATA}/public-cases.json")).expect("cases");
    parse_cases(&text)
        .expect("valid cases")
        .cases
        .into_iter()
        .filter(|c| c.big)
        .collect()
}

fn median_ms(case: &PreparedCase, runs: usize) -> f64 {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let _ = black_box(black_box(case).run());
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2].as_secs_f64() * 1e3
}

fn print_comparison_with_kafka(cases: &[Case]) {
    let text = std::fs::read_to_string(format!("{DATA}/bench-public.json")).expect("bench file");
    let kafka: KafkaBench = serde_json::from_str(&text).expect("valid bench file");
    println!(
        "{:<24} {:<19} {:>6} {:>12} {:>12} {:>9}",
        "case", "assignor", "owned", "Kafka ms", "ours ms", "speed-up"
    );
    for row in &kafka.rows {
        let Some(case) = cases.iter().find(|c| c.id == row.id) else {
            continue;
        };
        let prepared = PreparedCase::new(case);
        if prepared.run().is_err() {
            println!("{:<24} {:<19} (not implemented)", case.id, case.assignor);
            continue;
        }
        let ours = median_ms(&prepared, 20);
        println!(
            "{:<24} {:<19} {:>6} {:>12.3} {:>12.3} {:>8.1}x",
            case.id,
            case.assignor,
            row.with_ownership,
            row.median_ms,
            ours,
            row.median_ms / ours
        );
    }
}

fn bench_big_cases(c: &mut Criterion, cases: &[Case]) {
    let mut group = c.benchmark_group("big");
    group.sample_size(20);
    for case in cases {
        let prepared = PreparedCase::new(case);
        if prepared.run().is_err() {
            continue;
        }
        group.bench_function(format!("{} {}", case.id, case.assignor), |b| {
            b.iter(|| black_box(&prepared).run())
        });
    }
    group.finish();
}

fn main() {
    let cases = big_cases();
    print_comparison_with_kafka(&cases);
    let mut criterion = Criterion::default().configure_from_args();
    bench_big_cases(&mut criterion, &cases);
    criterion.final_summary();
}
