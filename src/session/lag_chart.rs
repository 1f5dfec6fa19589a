//! The Metrics tab's lag chart, decided here from the World's lag samples (`sim::lag_series`) and
//! the group's rebalances (`sim::metrics`): which lines, their labels, the axes' ticks, where the
//! rebalances were, the peak and the sentence a screen reader says. The page only draws it. Because
//! the samples are the model's, a rewound run or a share link's replay draws the same chart.

pub use super::catch_up::seconds;
use super::catch_up::{static_catch_ups, StaticCatchUp};
use crate::sim::lag_series::{GroupLagSample, LagSample};
use crate::sim::metrics::Metrics;
use crate::sim::time::Millis;
use crate::sim::World;
use serde::Serialize;

/// At most this many partitions get a line each; more, and the chart has a line per consumer.
pub const MAX_PARTITION_LINES: usize = 8;

/// What one line of the chart follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum LagBy {
    Partition,
    Consumer,
}

/// One line: its label (a partition or a consumer) and its points `(time, lag)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LagLine {
    pub label: String,
    pub points: Vec<(Millis, i64)>,
}

/// A rebalance, from the moment it started to the moment the group was stable again (`None`: it has
/// not finished, or another one cut in).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RebalanceMark {
    pub label: String,
    pub started_at: Millis,
    pub stable_at: Option<Millis>,
}

/// The highest lag any line reached, and the first time it did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LagPeak {
    pub lag: i64,
    pub at: Millis,
    pub line: String,
}

/// A moment drawn as a vertical line with its label (a static member back, caught up).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChartMark {
    pub at: Millis,
    pub label: String,
}

/// One group's lag over time, ready to draw.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LagChart {
    pub group: String,
    pub by: LagBy,
    pub lines: Vec<LagLine>,
    pub rebalances: Vec<RebalanceMark>,
    /// The time axis runs from 0 to here (now).
    pub until: Millis,
    /// The lag axis runs from 0 to here.
    pub lag_max: i64,
    pub time_ticks: Vec<Millis>,
    pub lag_ticks: Vec<i64>,
    pub peak: LagPeak,
    /// What the chart shows, in one sentence (the chart's accessible name).
    pub summary: String,
    /// Static members' returns and catch-ups, marked on the time axis.
    pub marks: Vec<ChartMark>,
    /// Each static member's return: the lag it came back to and its catch-up.
    pub catch_ups: Vec<StaticCatchUp>,
}

/// A chart for every group whose lag the World sampled, with at least two instants to draw.
pub fn lag_charts(world: &World, metrics: &Metrics) -> Vec<LagChart> {
    let series = world.lag_series();
    if series.is_empty() {
        return Vec::new();
    }
    let now = world.lag_now();
    let mut samples: Vec<&LagSample> = series.samples().collect();
    if samples.last().is_some_and(|s| s.at < now.at) {
        samples.push(&now);
    }
    let mut groups: Vec<&str> = Vec::new();
    for s in &samples {
        for g in &s.groups {
            if !groups.contains(&g.group.as_str()) {
                groups.push(g.group.as_str());
            }
        }
    }
    let catch_ups = static_catch_ups(world);
    groups
        .into_iter()
        .filter_map(|group| {
            let mut c = chart(group, &samples, metrics, world.now())?;
            c.catch_ups = catch_ups
                .iter()
                .filter(|u| u.group == group)
                .cloned()
                .collect();
            for u in &c.catch_ups {
                c.marks.push(ChartMark {
                    at: u.back_at,
                    label: format!("{} back", u.consumer),
                });
                if let Some(at) = u.caught_up_at {
                    c.marks.push(ChartMark {
                        at,
                        label: format!("{} caught up", u.consumer),
                    });
                }
            }
            Some(c)
        })
        .collect()
}

fn chart(
    group: &str,
    samples: &[&LagSample],
    metrics: &Metrics,
    until: Millis,
) -> Option<LagChart> {
    let points: Vec<(Millis, &GroupLagSample)> = samples
        .iter()
        .filter_map(|s| s.group(group).map(|g| (s.at, g)))
        .collect();
    if points.len() < 2 {
        return None;
    }
    let partition_count = points.iter().map(|(_, g)| g.partitions.len()).max()?;
    let by_partition = (1..=MAX_PARTITION_LINES).contains(&partition_count)
        && points.iter().all(|(_, g)| !g.partitions.is_empty());
    let (by, lines) = if by_partition {
        (LagBy::Partition, partition_lines(&points))
    } else {
        (LagBy::Consumer, consumer_lines(&points))
    };
    let peak = peak(&lines)?;
    let rebalances = rebalance_marks(metrics, group);
    let lag_ticks = ticks(peak.lag.max(1), &[1, 2, 5]);
    let lag_max = *lag_ticks.last()?;
    let time_ticks: Vec<Millis> = ticks(
        i64::try_from(until).ok()?.max(1_000),
        &[1_000, 2_000, 5_000],
    )
    .into_iter()
    .filter_map(|t| Millis::try_from(t).ok())
    .collect();
    let summary = summary(group, by, &peak, rebalances.len());
    Some(LagChart {
        group: group.to_string(),
        by,
        lines,
        rebalances,
        until,
        lag_max,
        time_ticks,
        lag_ticks,
        peak,
        summary,
        marks: Vec::new(),
        catch_ups: Vec::new(),
    })
}

fn partition_lines(points: &[(Millis, &GroupLagSample)]) -> Vec<LagLine> {
    let last = &points.last().expect("two points at least").1.partitions;
    last.iter()
        .map(|(tp, _)| LagLine {
            label: tp.to_string(),
            points: points
                .iter()
                .map(|(at, g)| {
                    let lag = g
                        .partitions
                        .iter()
                        .find(|(p, _)| p == tp)
                        .map_or(0, |(_, l)| *l);
                    (*at, lag)
                })
                .collect(),
        })
        .collect()
}

/// The label of the lag no running consumer owns.
pub const NOBODY: &str = "no consumer";

fn consumer_lines(points: &[(Millis, &GroupLagSample)]) -> Vec<LagLine> {
    let mut handles: Vec<&str> = Vec::new();
    for (_, g) in points {
        for (h, _) in &g.by_owner {
            if !handles.contains(&h.as_str()) {
                handles.push(h.as_str());
            }
        }
    }
    let mut lines: Vec<LagLine> = handles
        .into_iter()
        .map(|h| LagLine {
            label: h.to_string(),
            // A consumer that owns nothing at an instant has no lag of its own then.
            points: points
                .iter()
                .map(|(at, g)| {
                    let lag = g
                        .by_owner
                        .iter()
                        .find(|(o, _)| o == h)
                        .map_or(0, |(_, l)| *l);
                    (*at, lag)
                })
                .collect(),
        })
        .collect();
    if points.iter().any(|(_, g)| g.unowned > 0) {
        lines.push(LagLine {
            label: NOBODY.to_string(),
            points: points.iter().map(|(at, g)| (*at, g.unowned)).collect(),
        });
    }
    lines
}

fn peak(lines: &[LagLine]) -> Option<LagPeak> {
    let mut best: Option<LagPeak> = None;
    for line in lines {
        for &(at, lag) in &line.points {
            let better = best
                .as_ref()
                .is_none_or(|b| lag > b.lag || (lag == b.lag && at < b.at));
            if better {
                best = Some(LagPeak {
                    lag,
                    at,
                    line: line.label.clone(),
                });
            }
        }
    }
    best
}

fn rebalance_marks(metrics: &Metrics, group: &str) -> Vec<RebalanceMark> {
    metrics.groups.get(group).map_or_else(Vec::new, |g| {
        g.rebalances
            .iter()
            .map(|r| RebalanceMark {
                label: if r.epoch_bump {
                    format!("epoch {}", r.generation)
                } else {
                    format!("gen {}", r.generation)
                },
                started_at: r.started_at,
                stable_at: r.stable_at,
            })
            .collect()
    })
}

/// Ticks from 0 to at least `max`, at most seven, on a 1-2-5 scale of `bases`.
fn ticks(max: i64, bases: &[i64]) -> Vec<i64> {
    let mut scale = 1;
    let step = loop {
        if let Some(&b) = bases.iter().find(|&&b| b * scale * 6 >= max) {
            break b * scale;
        }
        scale *= 10;
    };
    let count = (max + step - 1) / step;
    (0..=count).map(|i| i * step).collect()
}

fn summary(group: &str, by: LagBy, peak: &LagPeak, rebalances: usize) -> String {
    let per = match by {
        LagBy::Partition => "one line per partition",
        LagBy::Consumer => "one line per consumer",
    };
    let whose = if peak.line == NOBODY {
        "on partitions no consumer owned".to_string()
    } else {
        format!("on {}", peak.line)
    };
    let marks = match rebalances {
        0 => "no rebalance".to_string(),
        1 => "1 rebalance marked".to_string(),
        n => format!("{n} rebalances marked"),
    };
    format!(
        "Lag over time for group {group}, {per}: peak {} records {whose} at {}; {marks}.",
        peak.lag,
        seconds(peak.at)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_cover_the_maximum_on_a_one_two_five_scale() {
        assert_eq!(ticks(7, &[1, 2, 5]), vec![0, 2, 4, 6, 8]);
        assert_eq!(
            ticks(2_345, &[1, 2, 5]),
            vec![0, 500, 1_000, 1_500, 2_000, 2_500]
        );
        assert_eq!(ticks(1, &[1, 2, 5]), vec![0, 1]);
        assert_eq!(
            ticks(120_000, &[1_000, 2_000, 5_000]),
            vec![0, 20_000, 40_000, 60_000, 80_000, 100_000, 120_000]
        );
    }
}
