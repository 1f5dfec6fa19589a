//! Text output of `lab run`: the trace, one line per event, and a summary read from the metrics.

use super::delivery::{partition_lags, LagHistory};
use super::metrics::{self, Metrics};
use super::time::{format_millis, Millis};
use super::trace::TraceEvent;
use super::world::World;
use std::fmt::Write;

mod kip848;
pub mod trace_json;

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
    for refused in world.refused_actions() {
        let _ = writeln!(
            out,
            "refused action at {} ({}): {}",
            format_millis(refused.at),
            refused.kind,
            refused.error
        );
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
        if matches!(g.selected_assignor.as_deref(), Some("range" | "roundrobin")) {
            let _ = writeln!(
                out,
                "  {} order (static members by group.instance.id, then member ids): {}",
                g.selected_assignor.as_deref().unwrap_or_default(),
                g.assignment_order().join(" < ")
            );
        }
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
    kip848::consumer_groups(&mut out, world, &snapshot);
    for c in &snapshot.consumers {
        let cm = m.consumers.get(&c.handle);
        let _ = writeln!(
            out,
            "{} [{}] {} {} {} owns {} (longest pause {} ms)",
            c.handle,
            c.group,
            c.state,
            if c.kip848.is_some() { "epoch" } else { "gen" },
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
    if world.scenario().has_records() {
        records(&mut out, world);
    }
    out
}

/// Scenarios with producers: what was produced, processed, processed twice (per rebalance) and is
/// still to process, per group, partition and consumer.
fn records(out: &mut String, world: &World) {
    let _ = writeln!(out, "== records ==");
    for p in world.producers() {
        let _ = writeln!(
            out,
            "{} -> {}: {} record(s) sent, {}",
            p.handle,
            p.spec.topic,
            p.records_sent(),
            if p.spec.is_keyed() {
                format!("keyed ({} keys, murmur2 partitioner)", p.spec.keys)
            } else {
                "unkeyed (sticky partitioner)".to_string()
            }
        );
    }
    let delivery = world.delivery();
    let lags = partition_lags(world);
    let mut groups: Vec<&str> = lags.iter().map(|l| l.group.as_str()).collect();
    groups.dedup();
    for group in groups {
        let d = delivery.groups.get(group).cloned().unwrap_or_default();
        let total_lag: i64 = lags
            .iter()
            .filter(|l| l.group == group)
            .map(|l| l.lag)
            .sum();
        let _ = writeln!(
            out,
            "group {group}: {} record(s) processed, {} processed more than once, lag {total_lag}",
            d.records_processed, d.duplicates
        );
        // A KIP-848 member reads under its member epoch, a classic one under the group's generation.
        let epoch_name = if world.broker().consumer_groups().hosts(group) {
            "member epoch"
        } else {
            "generation"
        };
        if d.records_skipped > 0 {
            let _ = writeln!(
                out,
                "  {} record(s) skipped by seek() past a record the deserializer rejected (never processed)",
                d.records_skipped
            );
        }
        for c in world.consumers().iter().filter(|c| c.group_id == group) {
            if let Some(f) = c.stuck_on() {
                let _ = writeln!(
                    out,
                    "  {} is stuck: every poll() throws {}",
                    c.handle,
                    f.message()
                );
            }
        }
        for (generation, count) in &d.duplicates_by_generation {
            let _ = writeln!(
                out,
                "  {count} duplicate(s) read under {epoch_name} {generation}'s assignment"
            );
        }
        for l in lags.iter().filter(|l| l.group == group) {
            let _ = writeln!(
                out,
                "  {}: log-end {}, committed {}, position {}, lag {}{}",
                l.partition,
                l.log_end_offset,
                l.committed.map_or("-".to_string(), |c| c.to_string()),
                l.position.map_or("-".to_string(), |c| c.to_string()),
                l.lag,
                l.owner
                    .as_ref()
                    .map(|o| format!(" (owner {o})"))
                    .unwrap_or_default()
            );
        }
        for (consumer, count) in &d.per_consumer {
            let dup = d
                .duplicates_per_consumer
                .get(consumer)
                .copied()
                .unwrap_or(0);
            let _ = writeln!(
                out,
                "  {consumer}: {count} record(s) processed, {dup} of them already processed before"
            );
        }
    }
}

/// Each group's total lag over the run: its peak and one sample every `every_ms`.
pub fn lag_over_time(history: &LagHistory, every_ms: Millis) -> String {
    let mut out = String::new();
    let Some((_, last)) = history.samples.last() else {
        return out;
    };
    let _ = writeln!(out, "== lag over time ==");
    for group in last.keys() {
        if let Some((at, peak)) = history.peak(group) {
            let _ = writeln!(
                out,
                "group {group}: peak lag {peak} at {}",
                format_millis(at)
            );
        }
        let mut next = 0;
        let mut points = Vec::new();
        for (at, lags) in &history.samples {
            if *at >= next {
                points.push(format!(
                    "{}s:{}",
                    at / 1000,
                    lags.get(group).copied().unwrap_or(0)
                ));
                next = at + every_ms;
            }
        }
        let _ = writeln!(out, "  {}", points.join(" "));
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
