//! `lab`: the command-line interface over the Rebalance Lab model.

use rebalance_lab::sim::report;
use std::process::ExitCode;

const USAGE: &str = "usage: lab run SCENARIO.json [--hide-heartbeats] [--until MS] [--no-trace]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// `lab run`: simulate a scenario, print its trace and a summary.
fn run(args: &[String]) -> ExitCode {
    let options = match report::RunOptions::parse(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("lab run: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match report::run_scenario_file(&options) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("lab run: {e}");
            ExitCode::FAILURE
        }
    }
}
