//! Text output of `lab run`: the trace, one line per event, and a summary read from the metrics.

use super::metrics::{self, Metrics};
use super::scenario::Scenario;
use super::time::{format_millis, Millis};
use super::trace::TraceEvent;
use super::world::World;
use std::fmt::Write;

/// The longest simulated time `lab run` will go through (24 h): beyond it a run would only repeat heartbeats.
pub const MAX_RUN_MS: Millis = 86_400_000;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunOptions {
    pub path: String,
    /// Leave out routine heartbeats, metadata refreshes and commits; errors stay.
    pub hide_routine: bool,
    pub until: Option<Millis>,
    pub show_trace: bool,
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
        if options.path.is_empty() {
            return Err("which scenario? give the path of a scenario JSON file".into());
        }
        Ok(options)
    }
}

/// Reads, runs and reports a scenario file.
pub fn run_scenario_file(options: &RunOptions) -> Result<String, String> {
    let text = std::fs::read_to_string(&options.path)
        .map_err(|e| format!("cannot read {}: {e}", options.path))?;
    let scenario = Scenario::from_json(&text).map_err(|e| format!("{}: {e}", options.path))?;
    let mut world = World::new(&scenario).map_err(|e| format!("{}: {e}", options.path))?;
    let until = options.until.unwrap_or(world.duration_ms());
    if until > MAX_RUN_MS {
        return Err(format!(
            "{}: duration_ms is at most {MAX_RUN_MS} ms (24 h of simulated time), not {until}",
            options.path
        ));
    }
    world.run_until(until);
    let mut out = String::new();
    if options.show_trace {
        out.push_str(&format_trace(&world, options.hide_routine));
        out.push('\n');
    }
    out.push_str(&summary(&world));
    Ok(out)
}

/// One line per trace entry, `mm:ss.mmm  event`.
pub fn format_trace(world: &World, hide_routine: bool) -> String {
    let mut out = String::new();
    for entry in world.trace() {
        if hide_routine && entry.event.is_routine() {
            continue;
        }
        let _ = writeln!(out, "{entry}");
    }
    out
}

/// Generations, rebalances with reason and duration, and each consumer's assignment over time.
pub fn summary(world: &World) -> String {
    let m: Metrics = metrics::compute(world.trace(), world.now());
    let mut out = String::new();
    let _ = writeln!(out, "== summary at {} ==", format_millis(world.now()));
    for (at, error) in world.refused_actions() {
        let _ = writeln!(out, "refused action at {}: {error}", format_millis(*at));
    }
    let snapshot = world.snapshot();
    for g in &snapshot.groups {
        let gm = m.groups.get(&g.group_id);
        let _ = writeln!(
            out,
            "group {}: {} at generation {}, assignor {}, {} rebalance(s), {} partition(s) revoked, {} lost, {:.1} partition-seconds unconsumed",
            g.group_id,
            g.state,
            g.generation,
            g.selected_assignor.as_deref().unwrap_or("-"),
            gm.map_or(0, |x| x.rebalances.len()),
            gm.map_or(0, |x| x.partitions_revoked),
            gm.map_or(0, |x| x.partitions_lost),
            gm.map_or(0, |x| x.unconsumed_partition_ms) as f64 / 1000.0
        );
        for r in gm.map(|x| x.rebalances.as_slice()).unwrap_or_default() {
            let _ = writeln!(
                out,
                "  generation {:>3}: started {} ({}), join done {}, {}",
                r.generation,
                format_millis(r.started_at),
                if r.reason_label.is_empty() {
                    "-"
                } else {
                    &r.reason_label
                },
                format_millis(r.join_completed_at),
                match (r.stable_at, r.duration_ms) {
                    (Some(at), Some(d)) => format!("stable {} after {d} ms", format_millis(at)),
                    _ => "did not reach Stable".to_string(),
                }
            );
        }
        static_resumes(&mut out, world, &g.group_id);
        if let Some(gap) = &g.skipped_assignment_gap {
            let _ = writeln!(out, "  note: {}", gap.explanation());
        }
    }
    for c in &snapshot.consumers {
        let cm = m.consumers.get(&c.handle);
        let _ = writeln!(
            out,
            "{} [{}] {} gen {} owns {} (longest pause {} ms)",
            c.handle,
            c.group,
            c.state,
            c.generation,
            list(&c.owned),
            cm.map_or(0, |x| x.longest_pause_ms)
        );
        if let Some(cm) = cm {
            for (at, owned) in &cm.ownership {
                let _ = writeln!(out, "    {}  {}", format_millis(*at), list(owned));
            }
        }
    }
    out
}

/// Static restarts that caused no rebalance: they leave no generation behind, so list them apart.
fn static_resumes(out: &mut String, world: &World, group_id: &str) {
    for entry in world.trace() {
        if let TraceEvent::StaticMemberResumed {
            group,
            group_instance_id,
            consumer,
            generation,
        } = &entry.event
        {
            if group == group_id {
                let _ = writeln!(
                    out,
                    "  static member {group_instance_id} ({consumer}) back {}: generation {generation} kept, no rebalance",
                    format_millis(entry.at)
                );
            }
        }
    }
}

fn list(partitions: &[super::assign::TopicPartition]) -> String {
    let items: Vec<String> = partitions.iter().map(|tp| tp.to_string()).collect();
    format!("[{}]", items.join(", "))
}
