//! `lab`: the command-line interface over the Rebalance Lab model. This binary owns what is about the
//! command line (arguments, files, exit codes); the model formats its own trace and summary.

mod assign;
mod run;

use assign::{assign_file, AssignOptions};
use run::{progress, run_scenario_file, RunOptions};
use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage:
  lab run SCENARIO.json [--hide-routine] [--until MS] [--no-trace]
                          simulate a scenario, print its trace and a summary
  lab assign CASES.json   run assignor oracle cases, print results JSON
  lab assign --bench [--big] [--warmup-ms MS] [--iterations N] CASES.json
                          time each case's assign call (warm-up, then N timed runs), print
                          the kafka-assignor-oracle-bench/1 JSON";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("assign") => assign(&args[1..]),
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
