//! Timing the assignors as Kafka's own figures were taken (`tests/data/conformance/bench-public.json`,
//! format `kafka-assignor-oracle-bench/1`): each case is turned into its assignor's inputs once, the
//! assign call is warmed up, then timed a fixed number of times and the median taken; only the
//! assign call is timed (no parsing, no conversion of the result, no printing, no freeing).
//! `lab assign --bench` natively and the wasm test in headless Chromium both use it, each with its
//! own clock.
//!
//! A browser's clock is coarse (`performance.now()` ticks every 5 µs in a cross-origin-isolated
//! page, every 100 µs otherwise), and the smallest big cases take 10–30 µs: one call between two
//! readings would measure the clock. So each timed sample is a batch of back-to-back calls, enough
//! of them to last [`BenchOptions::sample_ms`] (and at least 200 ticks of the clock as measured),
//! timed between two readings and divided by the batch's size. Within a batch each answer is
//! freed before the next call (so a batched figure includes freeing; keeping the answers until the
//! sample ends would instead time every call writing cold memory). Natively the same batches are
//! timed, so both sides are measured alike. A call that alone lasts longer than a sample is timed
//! one at a time, its answer freed outside the timing, as Kafka timed every call.

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
    /// Timed samples after the warm-up (Kafka's figures: 20 runs).
    pub iterations: usize,
    /// A timed sample lasts at least this long (and at least 200 ticks of the clock): calls
    /// shorter than that are timed in batches (see the module's notes).
    pub sample_ms: f64,
    /// The clock's step, as [`clock_tick`] measured it (0: a fine clock).
    pub clock_tick_ms: f64,
}

impl BenchOptions {
    /// How long a timed sample lasts at least: [`BenchOptions::sample_ms`], or 200 ticks of the
    /// clock if that is longer (a reading is off by up to one tick: 0.5 % at most).
    pub fn min_sample_ms(&self) -> f64 {
        self.sample_ms.max(200.0 * self.clock_tick_ms)
    }
}

impl Default for BenchOptions {
    fn default() -> Self {
        BenchOptions {
            warmup_ms: 1_000.0,
            min_warmup_runs: 5,
            iterations: 20,
            sample_ms: 1.0,
            clock_tick_ms: 0.0,
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
    /// Timed samples; each is the mean of `calls_per_sample` back-to-back calls.
    pub iterations: usize,
    /// Calls timed together between two clock readings (1: each call timed alone, as Kafka did).
    pub calls_per_sample: usize,
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
        calls_per_sample: 0,
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
    // The warm-up's mean call decides the batch: enough calls to fill a sample.
    let per_call = (clock() - start) / row.warmup_runs as f64;
    let sample_ms = options.min_sample_ms();
    let calls = if per_call > 0.0 {
        ((sample_ms / per_call).ceil() as usize).clamp(1, MAX_CALLS_PER_SAMPLE)
    } else {
        MAX_CALLS_PER_SAMPLE
    };
    let mut times: Vec<f64> = (0..options.iterations.max(1))
        .map(|_| {
            if calls == 1 {
                let start = clock();
                let answer = black_box(black_box(&prepared).compute());
                let elapsed = clock() - start;
                // Freeing the answer is not part of the call (Kafka's collector frees it later).
                drop(answer);
                return elapsed;
            }
            // Each answer is freed before the next call, inside the sample: keeping a batch of
            // answers alive would time cold memory instead (every call writing fresh memory made
            // the smallest cases 60–90 % slower natively), while freeing adds little.
            let start = clock();
            for _ in 0..calls {
                drop(black_box(black_box(&prepared).compute()));
            }
            (clock() - start) / calls as f64
        })
        .collect();
    sort::sort_by(&mut times, f64::total_cmp);
    row.iterations = times.len();
    row.calls_per_sample = calls;
    row.min_ms = times[0];
    row.max_ms = times[times.len() - 1];
    row.median_ms = median(&times);
    row
}

/// At most this many calls in one sample (and answers kept at once), whatever the clock.
const MAX_CALLS_PER_SAMPLE: usize = 100_000;

/// The smallest step the clock is seen to take (ms): read until it moves, a few times.
pub fn clock_tick(clock: &mut dyn FnMut() -> f64) -> f64 {
    let mut tick = f64::INFINITY;
    for _ in 0..5 {
        let first = clock();
        let mut next = clock();
        let mut reads = 0;
        while next == first && reads < 1_000_000 {
            next = clock();
            reads += 1;
        }
        if next > first {
            tick = tick.min(next - first);
        }
    }
    if tick.is_finite() {
        tick
    } else {
        0.0
    }
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
/// what ran (e.g. `rebalance-lab native` or the browser's user agent), `processors` the cores seen,
/// `options` how the rows were taken.
pub fn write_bench(
    rows: &[BenchRow],
    runtime: &str,
    processors: usize,
    options: &BenchOptions,
) -> String {
    let runtime = serde_json::to_string(runtime).expect("a string serializes");
    let (sample_ms, tick_ms) = (options.min_sample_ms(), options.clock_tick_ms);
    let mut out = format!(
        "{{\n\"format\":\"{BENCH_FORMAT}\",\n\"kafkaVersion\":\"{KAFKA_VERSION}\",\n\"runtime\":{runtime},\n\
         \"availableProcessors\":{processors},\n\
         \"measures\":\"wall time of the assign() call after warm-up: the median of {} samples, each \
         callsPerSample back-to-back calls between two clock readings divided by their number, enough \
         for a sample of at least {sample_ms} ms (a batched figure includes freeing each answer before \
         the next call); a call longer than that is timed alone, its answer freed outside the timing\",\n\"clockTickMs\":{tick_ms},\n",
        options.iterations.max(1)
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

    /// A clock that advances 1 ms per reading: the figures are exact.
    fn fake_clock() -> impl FnMut() -> f64 {
        let mut now = 0.0;
        move || {
            now += 1.0;
            now
        }
    }

    #[test]
    fn a_row_describes_the_case_and_counts_its_runs() {
        let mut clock = fake_clock();
        let options = BenchOptions {
            warmup_ms: 10.0,
            min_warmup_runs: 3,
            iterations: 4,
            sample_ms: 1.0,
            clock_tick_ms: 0.0,
        };
        let row = bench_case(&cases()[0], &options, &mut clock);
        assert_eq!((row.members, row.topics, row.partitions), (2, 2, 6));
        assert!(row.with_ownership);
        assert!(row.warmup_runs >= 3);
        assert_eq!(row.iterations, 4);
        // The warm-up's calls seemed to take 11/12 ms each: two fill a 1 ms sample.
        assert_eq!(row.calls_per_sample, 2);
        assert_eq!((row.min_ms, row.median_ms, row.max_ms), (0.5, 0.5, 0.5));
        assert_eq!(row.error, None);
    }

    #[test]
    fn short_calls_are_timed_in_batches_between_two_readings() {
        // A sample is two readings 1 ms apart, whatever it runs.
        let mut clock = fake_clock();
        let options = BenchOptions {
            warmup_ms: 10.0,
            min_warmup_runs: 3,
            iterations: 3,
            sample_ms: 10.0,
            clock_tick_ms: 0.0,
        };
        let row = bench_case(&cases()[0], &options, &mut clock);
        // 12 warm-up runs in 11 ms: 11 calls fill a 10 ms sample, and each sample is 1 ms / 11.
        assert_eq!(row.warmup_runs, 12);
        assert_eq!(row.calls_per_sample, 11);
        assert_eq!(
            (row.min_ms, row.median_ms, row.max_ms),
            (1.0 / 11.0, 1.0 / 11.0, 1.0 / 11.0)
        );
        // A coarse clock makes the samples longer: 200 ticks of 0.5 ms.
        let coarse = BenchOptions {
            clock_tick_ms: 0.5,
            ..options
        };
        assert_eq!(coarse.min_sample_ms(), 100.0);
    }

    #[test]
    fn the_clock_tick_is_its_smallest_step() {
        let mut reads = 0u64;
        let mut clock = || {
            reads += 1;
            (reads / 7) as f64 * 0.25
        };
        assert_eq!(clock_tick(&mut clock), 0.25);
        assert_eq!(clock_tick(&mut || 3.0), 0.0);
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
        let text = write_bench(&[row], "test", 2, &BenchOptions::default());
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["format"], BENCH_FORMAT);
        assert_eq!(value["rows"][0]["id"], "b");
        assert_eq!(value["rows"][0]["warmupRuns"], 0);
        assert!(text.lines().any(|l| l.starts_with("{\"id\":\"b\"")));
    }
}
