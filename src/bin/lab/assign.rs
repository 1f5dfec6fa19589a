//! `lab assign [--bench [--big] [--warmup-ms MS] [--iterations N] [--sample-ms MS]] CASES.json`: the command line's
//! side of the assignor oracle (its arguments, the file, the clock); the model runs and times cases.

use rebalance_lab::sim::assign::bench::{bench_case, clock_tick, write_bench, BenchOptions};
use rebalance_lab::sim::assign::conformance::{assign_cases, parse_cases_bytes};
use std::time::Instant;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct AssignOptions {
    pub path: String,
    /// Time each case's assign call instead of printing the assignments.
    pub bench: Option<BenchOptions>,
    /// With `--bench`: only the cases marked `big`.
    pub big_only: bool,
}

impl AssignOptions {
    pub fn parse(args: &[String]) -> Result<AssignOptions, String> {
        let mut options = AssignOptions::default();
        let mut bench = BenchOptions::default();
        let mut timing_flag = false;
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            match arg.as_str() {
                "--bench" => options.bench = Some(bench),
                "--big" => options.big_only = true,
                "--warmup-ms" | "--iterations" | "--sample-ms" => {
                    timing_flag = true;
                    let value = iter.next().ok_or(format!("{arg} needs a number"))?.as_str();
                    let number: usize = value
                        .parse()
                        .map_err(|_| format!("{arg} needs a number, not \"{value}\""))?;
                    if arg == "--warmup-ms" {
                        bench.warmup_ms = number as f64;
                    } else if arg == "--sample-ms" {
                        bench.sample_ms = number as f64;
                    } else if number == 0 {
                        return Err("--iterations must be at least 1".into());
                    } else {
                        bench.iterations = number;
                    }
                }
                flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
                path if options.path.is_empty() => options.path = path.to_string(),
                extra => return Err(format!("unexpected argument \"{extra}\"")),
            }
        }
        if options.bench.is_some() {
            options.bench = Some(bench);
        } else if timing_flag || options.big_only {
            return Err("--big, --warmup-ms, --iterations and --sample-ms go with --bench".into());
        }
        if options.path.is_empty() {
            return Err("which cases? give the path of a cases JSON file".into());
        }
        Ok(options)
    }
}

/// Reads the cases file and prints the results file, or with `--bench` the bench file.
pub fn assign_file(options: &AssignOptions) -> Result<String, String> {
    let path = &options.path;
    // Bytes, not text: a file that is not UTF-8 is explained by the loader, with where it breaks.
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let Some(bench) = options.bench else {
        return assign_cases(&bytes).map_err(|e| format!("{path}: {e}"));
    };
    let cases = parse_cases_bytes(&bytes).map_err(|e| format!("{path}: {e}"))?;
    let origin = Instant::now();
    let mut clock = || origin.elapsed().as_secs_f64() * 1e3;
    let bench = BenchOptions {
        clock_tick_ms: clock_tick(&mut clock),
        ..bench
    };
    let rows: Vec<_> = cases
        .cases
        .iter()
        .filter(|c| c.big || !options.big_only)
        .map(|case| bench_case(case, &bench, &mut clock))
        .collect();
    let processors = std::thread::available_parallelism().map_or(1, |n| n.get());
    let runtime = format!(
        "rebalance-lab {} native {}-{}",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::ARCH,
        std::env::consts::OS
    );
    Ok(write_bench(&rows, &runtime, processors, &bench))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<AssignOptions, String> {
        AssignOptions::parse(&args.iter().map(|a| a.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn bench_flags_go_anywhere_around_the_path() {
        let options = parse(&["--iterations", "7", "c.json", "--bench", "--big"]).unwrap();
        assert_eq!(options.path, "c.json");
        assert!(options.big_only);
        assert_eq!(options.bench.unwrap().iterations, 7);
        assert_eq!(parse(&["c.json"]).unwrap().bench, None);
    }

    #[test]
    fn bad_arguments_are_explained() {
        assert!(parse(&[]).unwrap_err().contains("which cases?"));
        assert!(parse(&["c.json", "--big"])
            .unwrap_err()
            .contains("go with --bench"));
        assert!(parse(&["c.json", "--bench", "--iterations", "0"])
            .unwrap_err()
            .contains("at least 1"));
        assert!(parse(&["c.json", "--bench", "--warmup-ms", "x"])
            .unwrap_err()
            .contains("not \"x\""));
        assert!(parse(&["a.json", "b.json"])
            .unwrap_err()
            .contains("unexpected argument"));
    }
}
