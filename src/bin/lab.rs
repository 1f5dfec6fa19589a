//! `lab`: the command-line interface over the Rebalance Lab model.

use std::io::Write;
use std::process::ExitCode;

const USAGE: &str =
    "usage: lab <command>\n  lab assign CASES.json   run assignor oracle cases, print results JSON";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("assign") => assign(&args[1..]),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// `lab assign CASES.json`: results in the `kafka-assignor-oracle-results/1` format on stdout.
fn assign(args: &[String]) -> ExitCode {
    let [path] = args else {
        eprintln!("usage: lab assign CASES.json");
        return ExitCode::from(2);
    };
    let outcome = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {path}: {e}"))
        .and_then(|text| {
            rebalance_lab::sim::assign::conformance::assign_cases_text(&text)
                .map_err(|e| format!("{path}: {e}"))
        });
    match outcome {
        // A closed pipe (`lab assign x | head`) is not an error worth a panic.
        Ok(results) => match std::io::stdout().lock().write_all(results.as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("lab assign: cannot write results: {e}");
                ExitCode::FAILURE
            }
        },
        Err(message) => {
            eprintln!("lab assign: {message}");
            ExitCode::FAILURE
        }
    }
}
