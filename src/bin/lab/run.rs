//! `lab run SCENARIO.json [--hide-routine] [--until MS] [--no-trace | --json]`: the command line's side of a
//! run (its arguments, the file, the time limit); the model prints the trace and the summary.

use rebalance_lab::sim::delivery::LagHistory;
use rebalance_lab::sim::report::trace_json::trace_json;
use rebalance_lab::sim::report::{format_trace, lag_over_time, summary};
use rebalance_lab::sim::time::format_millis;
use rebalance_lab::sim::{Millis, Scenario, World};
use std::time::Instant;

/// The longest simulated time `lab run` will go through (24 h): beyond it a run would only repeat heartbeats.
pub const MAX_RUN_MS: Millis = 86_400_000;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunOptions {
    pub path: String,
    /// Leave out routine heartbeats, metadata refreshes and commits; errors stay.
    pub hide_routine: bool,
    pub until: Option<Millis>,
    pub show_trace: bool,
    /// The trace as one JSON document (the page's trace export), instead of lines and a summary.
    pub json: bool,
}

impl RunOptions {
    pub fn parse(args: &[String]) -> Result<RunOptions, String> {
        let mut options = RunOptions {
            show_trace: true,
            ..Default::default()
        };
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            match arg.as_str() {
                // `--hide-heartbeats` was the flag's first name.
                "--hide-routine" | "--hide-heartbeats" => options.hide_routine = true,
                "--no-trace" => options.show_trace = false,
                "--json" => options.json = true,
                "--until" => {
                    let value = iter.next().ok_or("--until needs a time in milliseconds")?;
                    options.until = Some(value.parse().map_err(|_| {
                        format!("--until needs a time in milliseconds, not \"{value}\"")
                    })?);
                }
                flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
                path if options.path.is_empty() => options.path = path.to_string(),
                extra => return Err(format!("unexpected argument \"{extra}\"")),
            }
        }
        if options.until.is_some_and(|u| u > MAX_RUN_MS) {
            return Err(format!(
                "--until is at most {MAX_RUN_MS} ms (24 h of simulated time)"
            ));
        }
        if options.json && !options.show_trace {
            return Err("--json prints the trace as JSON; --no-trace would leave nothing".into());
        }
        if options.path.is_empty() {
            return Err("which scenario? give the path of a scenario JSON file".into());
        }
        Ok(options)
    }
}

/// Reads, runs and reports a scenario file. `progress(now, until)` is called after every simulated
/// second, so a long run can say how far it is.
pub fn run_scenario_file(
    options: &RunOptions,
    progress: &mut dyn FnMut(Millis, Millis),
) -> Result<String, String> {
    let bytes =
        std::fs::read(&options.path).map_err(|e| format!("cannot read {}: {e}", options.path))?;
    let scenario = Scenario::from_bytes(&bytes).map_err(|e| format!("{}: {e}", options.path))?;
    let mut world = World::new(&scenario).map_err(|e| format!("{}: {e}", options.path))?;
    let until = options.until.unwrap_or(world.duration_ms());
    if until > MAX_RUN_MS {
        return Err(format!(
            "{}: duration_ms is at most {MAX_RUN_MS} ms (24 h of simulated time), not {until}",
            options.path
        ));
    }
    // Checked before running: a run's time and its trace's memory grow with consumers × seconds.
    scenario
        .check_run_length(until)
        .map_err(|e| format!("{}: --until {until}: {e}", options.path))?;
    // A second at a time: progress on long runs, and with records the lag sampled on the way.
    let mut history = LagHistory::default();
    while world.now() < until {
        world.run_until(world.now().saturating_add(1_000).min(until));
        progress(world.now(), until);
        if scenario.has_records() {
            history.sample(&world);
        }
    }
    if options.json {
        // stdout stays one JSON document: the warnings go to stderr.
        for warning in scenario.warnings() {
            eprintln!("warning: {warning}");
        }
        return Ok(trace_json(&scenario, &world, options.hide_routine));
    }
    let mut out = String::new();
    for warning in scenario.warnings() {
        out.push_str(&format!("warning: {warning}\n"));
    }
    if options.show_trace {
        out.push_str(&format_trace(&world, options.hide_routine));
        out.push('\n');
    }
    out.push_str(&summary(&world));
    out.push_str(&lag_over_time(&history, 10_000));
    Ok(out)
}

/// After two seconds of real time, a line on stderr every five: how far the simulated clock is.
pub fn progress() -> impl FnMut(Millis, Millis) {
    let start = Instant::now();
    let mut lines = ProgressLines::default();
    move |now, until| {
        if let Some(line) = lines.after(start.elapsed().as_secs(), now, until) {
            eprintln!("{line}");
        }
    }
}

/// When [`progress`] speaks and what it says, given the whole seconds of real time elapsed: a run
/// that ends within two seconds says nothing, a longer one a line at 2 s and then every 5 s.
#[derive(Default)]
struct ProgressLines {
    /// The elapsed second of the last line (0: none yet).
    shown: u64,
}

impl ProgressLines {
    fn after(&mut self, elapsed: u64, now: Millis, until: Millis) -> Option<String> {
        if elapsed < 2 || (self.shown != 0 && elapsed < self.shown + 5) {
            return None;
        }
        self.shown = elapsed;
        Some(format!(
            "lab run: simulated {} of {} ({}%), {elapsed} s so far",
            format_millis(now),
            format_millis(until),
            now.saturating_mul(100) / until.max(1)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A long run's progress: nothing in its first two seconds, then a line at 2 s and every 5 s,
    /// each saying how far the simulated clock is.
    #[test]
    fn a_long_run_prints_its_progress_at_2_s_then_every_5_s() {
        let mut lines = ProgressLines::default();
        let until = 600_000;
        let said: Vec<(u64, String)> = (0..=13u64)
            .filter_map(|s| lines.after(s, s * 30_000, until).map(|line| (s, line)))
            .collect();
        let at: Vec<u64> = said.iter().map(|(s, _)| *s).collect();
        assert_eq!(at, [2, 7, 12]);
        assert_eq!(
            said[0].1,
            "lab run: simulated 01:00.000 of 10:00.000 (10%), 2 s so far"
        );
    }

    /// `run_scenario_file` hands its progress every simulated second, to the end.
    #[test]
    fn a_run_reports_its_progress_every_simulated_second() {
        let path = std::env::temp_dir().join(format!("lab-progress-{}.json", std::process::id()));
        std::fs::write(
            &path,
            r#"{ "topics": [{ "name": "t", "partitions": 2 }],
                 "consumers": [{ "group": "g", "topics": ["t"] }], "duration_ms": 4500 }"#,
        )
        .unwrap();
        let options = RunOptions {
            path: path.to_string_lossy().into_owned(),
            ..RunOptions::default()
        };
        let mut seen = Vec::new();
        let report = run_scenario_file(&options, &mut |now, until| seen.push((now, until)));
        std::fs::remove_file(&path).unwrap();
        assert!(report.is_ok(), "{report:?}");
        assert_eq!(
            seen,
            [
                (1_000, 4_500),
                (2_000, 4_500),
                (3_000, 4_500),
                (4_000, 4_500),
                (4_500, 4_500)
            ]
        );
    }

    fn parse(args: &[&str]) -> Result<RunOptions, String> {
        RunOptions::parse(&args.iter().map(|a| a.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn flags_go_anywhere_around_the_path() {
        assert_eq!(
            parse(&["--no-trace", "x.json", "--until", "5000", "--hide-routine"]),
            Ok(RunOptions {
                path: "x.json".into(),
                hide_routine: true,
                until: Some(5_000),
                show_trace: false,
                json: false,
            })
        );
        assert!(parse(&["x.json", "--json"]).unwrap().json);
    }

    #[test]
    fn bad_arguments_are_explained() {
        assert!(parse(&[]).unwrap_err().contains("which scenario?"));
        assert!(parse(&["a.json", "b.json"])
            .unwrap_err()
            .contains("unexpected argument \"b.json\""));
        assert!(parse(&["a.json", "--until"])
            .unwrap_err()
            .contains("needs a time"));
        assert!(parse(&["a.json", "--until", "soon"])
            .unwrap_err()
            .contains("not \"soon\""));
        assert!(parse(&["a.json", "--until", "86400001"])
            .unwrap_err()
            .contains("at most"));
        assert!(parse(&["a.json", "--json", "--no-trace"])
            .unwrap_err()
            .contains("would leave nothing"));
        assert!(parse(&["a.json", "--verbose"])
            .unwrap_err()
            .contains("unknown option --verbose"));
    }
}
