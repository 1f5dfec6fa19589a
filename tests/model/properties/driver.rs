//! Runs property cases from a seed, shrinks each failure to a minimal case with proptest's value
//! trees, and writes every minimal case as a scenario file `lab run` replays. Unlike
//! `proptest!`, it goes on after a failure (a soak counts them all) and times every case.

use super::run::{check, Ran};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use rebalance_lab::sim::Scenario;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How many simpler candidates one failure may try before the smallest so far is reported.
const MAX_SHRINK_STEPS: usize = 2_000;

/// How long one failure may shrink (`PROPERTY_SHRINK_SECS`, default 300 s): a big failing case
/// takes seconds per candidate, and the smallest so far is already worth reading.
fn shrink_budget() -> Duration {
    Duration::from_secs(
        std::env::var("PROPERTY_SHRINK_SECS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(300),
    )
}

/// A failure, shrunk: the minimal case, what failed, and where its file was written.
pub struct Failure<T = Scenario> {
    pub case: T,
    pub error: String,
    pub file: PathBuf,
}

/// What a run of `cases` cases did.
pub struct Summary<T = Scenario> {
    pub ran: usize,
    pub failures: Vec<Failure<T>>,
    pub events: usize,
    /// Actions refused (and checked to change nothing) in the passing cases.
    pub refused: usize,
    /// Passing cases whose liveness was checked (Kafka promises they settle).
    pub liveness: usize,
    /// The slowest case and how long it took.
    pub slowest: Option<(Duration, T)>,
}

/// A kind of case the driver can run: its checks, and how a failing one is written down.
pub trait Case: Clone + std::fmt::Debug {
    /// Every check; the error says which failed.
    fn check(&self) -> Result<Ran, String>;
    /// Writes the case where a developer can replay it; returns the file.
    fn write(&self, error: &str) -> PathBuf;
    /// One line about its size.
    fn size(&self) -> String;
    /// The case as the file `write` writes, to print.
    fn text(&self) -> String;
    /// How big the case is, most important first (actions, then consumers, ...): of the failing
    /// cases a shrink meets, the smallest is reported. proptest regenerates the actions when it
    /// simplifies the scenario they depend on, so the last failing case is not always the smallest.
    fn weight(&self) -> Vec<u64>;
}

impl Case for Scenario {
    fn check(&self) -> Result<Ran, String> {
        check(self)
    }

    fn write(&self, error: &str) -> PathBuf {
        let mut scenario = self.clone();
        scenario.description = format!("Found by tests/model/properties: {error}");
        if error.starts_with("(as found") {
            scenario.name.push_str("-as-found");
        }
        write_case(&scenario)
    }

    fn text(&self) -> String {
        self.to_json()
    }

    fn weight(&self) -> Vec<u64> {
        vec![
            self.actions.len() as u64,
            self.consumers.len() as u64,
            self.producers.len() as u64,
            self.topics.iter().map(|t| t.partitions.max(0) as u64).sum(),
            self.duration_ms,
        ]
    }

    fn size(&self) -> String {
        format!(
            "{} consumers, {} partitions, {} actions, {} ms",
            self.consumers.len(),
            self.topics.iter().map(|t| t.partitions).sum::<i32>(),
            self.actions.len(),
            self.duration_ms
        )
    }
}

/// Runs the checks, turning a panic into an error with its message.
pub fn run_case<T: Case>(case: &T) -> Result<Ran, String> {
    catch_unwind(AssertUnwindSafe(|| case.check())).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "(no message)".to_string());
        Err(format!("panicked: {message}"))
    })
}

/// Runs `cases` generated cases from `seed`. Panics are caught (and not printed) while it runs.
pub fn run<T: Case>(strategy: &impl Strategy<Value = T>, seed: u64, cases: usize) -> Summary<T> {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let _quiet = QuietPanics::on_this_thread();
    let verbose = std::env::var_os("PROPERTY_VERBOSE").is_some();
    // Soaks report their progress every so many cases.
    let progress: Option<usize> = std::env::var("PROPERTY_PROGRESS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0);
    let begun = Instant::now();
    let mut summary = Summary {
        ran: 0,
        failures: Vec::new(),
        events: 0,
        refused: 0,
        liveness: 0,
        slowest: None,
    };
    for _ in 0..cases {
        let mut tree = match strategy.new_tree(&mut runner) {
            Ok(tree) => tree,
            Err(reason) => panic!("the strategy gave no case: {reason}"),
        };
        if progress.is_some() {
            // A soak writes each case before it runs it: if one never ends, its file shows which.
            let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("property-failures");
            let _ = std::fs::create_dir_all(&dir);
            let _ = std::fs::write(
                dir.join(format!("running-seed-{seed}.json")),
                tree.current().text(),
            );
        }
        let start = Instant::now();
        let outcome = run_case(&tree.current());
        let took = start.elapsed();
        summary.ran += 1;
        if took.as_secs() >= 20 {
            eprintln!(
                "slow case ({:.0} s, {}) written to {}",
                took.as_secs_f64(),
                tree.current().size(),
                tree.current().write("slow").display()
            );
        }
        if progress.is_some_and(|every| summary.ran % every == 0) {
            eprintln!(
                "{} of {cases} cases, {} failed ({:.0} s)",
                summary.ran,
                summary.failures.len(),
                begun.elapsed().as_secs_f64()
            );
        }
        if verbose {
            eprintln!(
                "case {}: {:.2} s, {}: {}",
                summary.ran,
                took.as_secs_f64(),
                tree.current().size(),
                match &outcome {
                    Ok(ran) => format!("ok, {} events", ran.events),
                    Err(e) => e.clone(),
                }
            );
        }
        if summary.slowest.as_ref().is_none_or(|(t, _)| took > *t) {
            summary.slowest = Some((took, tree.current()));
        }
        match outcome {
            Ok(ran) => {
                summary.events += ran.events;
                summary.refused += ran.refused;
                summary.liveness += usize::from(ran.liveness);
            }
            Err(error) => summary.failures.push(shrink(&mut tree, error)),
        }
    }
    summary
}

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// While it lives, a panic on this thread is not printed (the driver catches and reports it, and
/// a shrink may panic hundreds of times); other tests running at the same time print theirs as
/// usual. The process's hook is wrapped once and never swapped back and forth between threads.
struct QuietPanics;

impl QuietPanics {
    fn on_this_thread() -> QuietPanics {
        static WRAP: std::sync::Once = std::sync::Once::new();
        WRAP.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                if !QUIET.with(|q| q.get()) {
                    previous(info);
                }
            }));
        });
        QUIET.with(|q| q.set(true));
        QuietPanics
    }
}

impl Drop for QuietPanics {
    fn drop(&mut self) {
        QUIET.with(|q| q.set(false));
    }
}

/// proptest's shrinking loop: simplify while the case still fails, step back when it passes.
fn shrink<T: Case>(tree: &mut impl ValueTree<Value = T>, error: String) -> Failure<T> {
    // The case as found, before shrinking: if the shrink is cut short, this is still there.
    let found = tree
        .current()
        .write(&format!("(as found, before shrinking) {error}"));
    eprintln!(
        "failure found ({error}); written to {}; shrinking…",
        found.display()
    );
    let mut minimal = (tree.current(), error);
    let mut steps = 0;
    let start = Instant::now();
    let budget = shrink_budget();
    if tree.simplify() {
        while steps < MAX_SHRINK_STEPS && start.elapsed() < budget {
            steps += 1;
            let stepped = match run_case(&tree.current()) {
                Err(error) => {
                    let case = tree.current();
                    if case.weight() <= minimal.0.weight() {
                        minimal = (case, error);
                    }
                    tree.simplify()
                }
                Ok(_) => tree.complicate(),
            };
            if !stepped {
                break;
            }
        }
    }
    let (case, error) = minimal;
    let file = case.write(&error);
    Failure { case, error, file }
}

/// Writes a case as a scenario file under `target/property-failures/`.
pub fn write_case(scenario: &Scenario) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("property-failures");
    let _ = std::fs::create_dir_all(&dir);
    let file = dir.join(format!("{}.json", scenario.name));
    let _ = std::fs::write(&file, scenario.to_json());
    file
}

/// How to read a failure: the error, the file, how to replay it and check it again.
pub fn describe<T: Case>(f: &Failure<T>) -> String {
    format!(
        "{}\n  minimal case ({}): {}\n  replay: cargo run --bin lab -- run {}\n  \
         check again: PROPERTY_FILE={} cargo test --test model regressions::one_file -- --nocapture\n  \
         keep it: copy the file to tests/data/regressions/ and add a named test in tests/model/regressions.rs\n{}",
        f.error,
        f.case.size(),
        f.file.display(),
        f.file.display(),
        f.file.display(),
        f.case.text()
    )
}
