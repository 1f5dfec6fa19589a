//! `lab`: the command-line interface over the Rebalance Lab model. This binary owns what is about the
//! command line (arguments, files, exit codes); the model formats its own trace and summary.

mod assign;
mod run;

use assign::{assign_file, AssignOptions};
use run::{progress, run_scenario_file, RunOptions};
use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage:
  lab run SCENARIO.json [--hide-routine] [--until MS] [--no-trace | --json]
                          simulate a scenario, print its trace and a summary
                          (--json: the trace alone as one JSON document, as the page exports it)
  lab partition VECTORS.json
                          print the keyed-partition vectors with the model's murmur2 and
                          partition for each key (kafka-keyed-partition-vectors/1)
  lab assign CASES.json   run assignor oracle cases, print results JSON
  lab assign --bench [--big] [--warmup-ms MS] [--iterations N] [--sample-ms MS] CASES.json
                          time each case's assign call (warm-up, then the median of N
                          samples, each back-to-back calls filling MS ms, 1 by default; 0:
                          one call per sample), print the kafka-assignor-oracle-bench/1 JSON";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("assign") => assign(&args[1..]),
        Some("partition") => partition(&args[1..]),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// `lab run`: simulate a scenario, print its trace and a summary.
fn run(args: &[String]) -> ExitCode {
    let options = match RunOptions::parse(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("lab run: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    finish("run", run_scenario_file(&options, &mut progress()))
}

/// `lab assign CASES.json`: results in the `kafka-assignor-oracle-results/1` format on stdout;
/// with `--bench`, timings in the `kafka-assignor-oracle-bench/1` format.
fn assign(args: &[String]) -> ExitCode {
    let options = match AssignOptions::parse(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("lab assign: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    finish("assign", assign_file(&options))
}

/// `lab partition VECTORS.json`: the same vectors with the model's partition for each key.
fn partition(args: &[String]) -> ExitCode {
    let [path] = args else {
        eprintln!("lab partition: give one vector file\n{USAGE}");
        return ExitCode::from(2);
    };
    let outcome = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {path}: {e}"))
        .and_then(|text| {
            rebalance_lab::sim::producer::vectors::answer_vectors(&text)
                .map_err(|e| format!("{path}: {e}"))
        });
    finish("partition", outcome)
}

/// Prints a command's output, or its error on stderr with a failing exit code.
fn finish(command: &str, outcome: Result<String, impl std::fmt::Display>) -> ExitCode {
    match outcome {
        // A closed pipe (`lab run x | head`) is not an error worth a panic.
        Ok(text) => match std::io::stdout().lock().write_all(text.as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("lab {command}: cannot write output: {e}");
                ExitCode::FAILURE
            }
        },
        Err(message) => {
            eprintln!("lab {command}: {message}");
            ExitCode::FAILURE
        }
    }
}
