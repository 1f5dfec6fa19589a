//! Timing the assignors as Kafka's own figures were taken (`tests/data/conformance/bench-public.json`,
//! format `kafka-assignor-oracle-bench/1`): each case is turned into its assignor's inputs once, the
//! assign call is warmed up, then run a fixed number of times; only the assign call is timed (no
//! parsing, no conversion of the result, no printing). `lab assign --bench` natively and the wasm
//! test in headless Chromium both use it, each with its own clock.

use super::conformance::{Case, PreparedCase, KAFKA_VERSION};
use crate::sim::sort;
use serde::Serialize;
use std::hint::black_box;

pub const BENCH_FORMAT: &str = "kafka-assignor-oracle-bench/1";

/// How long to warm up and how many runs to time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BenchOptions {
    /// Warm-up goes on until this much time has passed…
    pub warmup_ms: f64,
    /// …and at least this many runs were made (Kafka's slowest cases had 5).
    pub min_warmup_runs: usize,
    /// Timed runs after the warm-up (Kafka's figures: 20).
    pub iterations: usize,
}

impl Default for BenchOptions {
    fn default() -> Self {
        BenchOptions {
            warmup_ms: 1_000.0,
            min_warmup_runs: 5,
            iterations: 20,
        }
    }
}

/// One case's figures, as Kafka's bench file writes a row.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BenchRow {
    pub id: String,
    pub assignor: String,
    pub members: usize,
    pub topics: usize,
    pub partitions: i64,
    pub with_ownership: bool,
    pub warmup_runs: usize,
    pub iterations: usize,
    pub min_ms: f64,
    pub median_ms: f64,
    pub max_ms: f64,
    /// Set when the case cannot run (an assignor we do not provide, an invalid case): no timings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Times one case. `clock` returns milliseconds from any fixed origin (`Instant` natively,
/// `performance.now()` in a browser).
pub fn bench_case(case: &Case, options: &BenchOptions, clock: &mut dyn FnMut() -> f64) -> BenchRow {
    let mut row = BenchRow {
        id: case.id.clone(),
        assignor: case.assignor.clone(),
        members: case.members.len(),
        topics: case.topics.len(),
        partitions: case.topics.iter().map(|(_, n)| i64::from(*n)).sum(),
        with_ownership: case.members.iter().any(|m| !m.owned.is_empty()),
        warmup_runs: 0,
        iterations: 0,
        min_ms: 0.0,
        median_ms: 0.0,
        max_ms: 0.0,
        error: None,
    };
    let prepared = PreparedCase::new(case);
    if let Err(message) = prepared.compute() {
        row.error = Some(message);
        return row;
    }
    let start = clock();
    while row.warmup_runs < options.min_warmup_runs || clock() - start < options.warmup_ms {
        let _ = black_box(black_box(&prepared).compute());
        row.warmup_runs += 1;
    }
    let mut times: Vec<f64> = (0..options.iterations.max(1))
        .map(|_| {
            let start = clock();
            let answer = black_box(black_box(&prepared).compute());
            let elapsed = clock() - start;
            // Freeing the answer is not part of the call (Kafka's collector frees it later).
            drop(answer);
            elapsed
        })
        .collect();
    sort::sort_by(&mut times, f64::total_cmp);
    row.iterations = times.len();
    row.min_ms = times[0];
    row.max_ms = times[times.len() - 1];
    row.median_ms = median(&times);
    row
}

/// The median of sorted figures (the mean of the middle two for an even count).
fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// The bench file in the layout of Kafka's own: a header, then one row per line. `runtime` says
/// what ran (e.g. `rebalance-lab native` or the browser's user agent), `processors` the cores seen.
pub fn write_bench(rows: &[BenchRow], runtime: &str, processors: usize) -> String {
    let runtime = serde_json::to_string(runtime).expect("a string serializes");
    let mut out = format!(
        "{{\n\"format\":\"{BENCH_FORMAT}\",\n\"kafkaVersion\":\"{KAFKA_VERSION}\",\n\"runtime\":{runtime},\n\
         \"availableProcessors\":{processors},\n\
         \"measures\":\"wall time of the assign() call only, after warm-up\",\n"
    );
    out.push_str("\"rows\":[\n");
    let lines: Vec<String> = rows
        .iter()
        .map(|r| serde_json::to_string(r).expect("bench rows serialize"))
        .collect();
    out.push_str(&lines.join(",\n"));
    out.push_str("\n]\n}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::assign::conformance::parse_cases;

    fn cases() -> Vec<Case> {
        let text = r#"{"format":"kafka-assignor-oracle-cases/1","cases":[
            {"id":"a","assignor":"range","topics":{"t":4,"u":2},"members":[
              {"id":"m1","topics":["t","u"],"owned":[["t",0]],"generation":1},{"id":"m2","topics":["t"]}]},
            {"id":"b","assignor":"nonsense","topics":{"t":1},"members":[{"id":"m","topics":["t"]}]}]}"#;
        parse_cases(text).unwrap().cases
    }

    #[test]
    fn a_row_describes_the_case_and_counts_its_runs() {
        // A fake clock that advances 1 ms per reading: the figures are exact.
        let mut now = 0.0;
        let mut clock = || {
            now += 1.0;
            now
        };
        let options = BenchOptions {
            warmup_ms: 10.0,
            min_warmup_runs: 3,
            iterations: 4,
        };
        let row = bench_case(&cases()[0], &options, &mut clock);
        assert_eq!((row.members, row.topics, row.partitions), (2, 2, 6));
        assert!(row.with_ownership);
        assert!(row.warmup_runs >= 3);
        assert_eq!(row.iterations, 4);
        assert_eq!((row.min_ms, row.median_ms, row.max_ms), (1.0, 1.0, 1.0));
        assert_eq!(row.error, None);
    }

    #[test]
    fn a_case_that_cannot_run_has_an_error_and_no_timings() {
        let row = bench_case(&cases()[1], &BenchOptions::default(), &mut || 0.0);
        assert!(row.error.as_deref().unwrap().contains("nonsense"));
        assert_eq!(row.iterations, 0);
    }

    #[test]
    fn the_file_has_kafkas_layout() {
        let row = bench_case(&cases()[1], &BenchOptions::default(), &mut || 0.0);
        let text = write_bench(&[row], "test", 2);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["format"], BENCH_FORMAT);
        assert_eq!(value["rows"][0]["id"], "b");
        assert_eq!(value["rows"][0]["warmupRuns"], 0);
        assert!(text.lines().any(|l| l.starts_with("{\"id\":\"b\"")));
    }
}
