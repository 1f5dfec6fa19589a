//! The ownership timeline: one row per partition, the owner's colour over time, hatched gaps where
//! nobody consumes, and a band per rebalance with its reason and duration. Focusing a band shows the
//! assignment before and after it.

use super::palette::swatch_for;
use crate::sim::metrics::{Metrics, PartitionTimeline, RebalanceRecord};
use crate::sim::time::Millis;
use std::rc::Rc;
use yew::prelude::*;

const WIDTH: f64 = 1000.0;
const LABEL_W: f64 = 64.0;
const ROW_H: f64 = 22.0;
const HEAD_H: f64 = 34.0;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub metrics: Rc<Metrics>,
    pub group: String,
    /// The time the metrics were computed at (not the clock): the chart redraws only when they refresh.
    pub now: Millis,
    /// Distinguishes the SVG pattern ids when several timelines share the page.
    pub id: String,
    #[prop_or_default]
    pub compact: bool,
}

struct Axis {
    span: Millis,
}

impl Axis {
    fn x(&self, t: Millis) -> f64 {
        LABEL_W + (WIDTH - LABEL_W - 8.0) * (t as f64 / self.span as f64)
    }
}

#[function_component(Timeline)]
pub fn timeline(props: &TimelineProps) -> Html {
    let rows: Vec<&PartitionTimeline> = props
        .metrics
        .timelines
        .iter()
        .filter(|t| t.group == props.group)
        .collect();
    if rows.is_empty() {
        return html! { <p class="empty">{ format!("No partitions to show for {} yet.", props.group) }</p> };
    }
    let axis = Axis {
        span: axis_span(props.now),
    };
    let row_h = if props.compact { 14.0 } else { ROW_H };
    let height = HEAD_H + row_h * rows.len() as f64 + 20.0;
    let hatch = format!("hatch-{}", props.id);
    let multi_topic = rows
        .windows(2)
        .any(|w| w[0].partition.topic != w[1].partition.topic);
    let rebalances: Vec<&RebalanceRecord> = props
        .metrics
        .groups
        .get(&props.group)
        .map(|g| g.rebalances.iter().collect())
        .unwrap_or_default();
    html! {
        <svg class="timeline" viewBox={format!("0 0 {WIDTH} {height}")} role="img"
            aria-label={format!("Ownership timeline of {}", props.group)}>
            <defs>
                <pattern id={hatch.clone()} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                    <rect width="6" height="6" class="gap-bg" />
                    <line x1="0" y1="0" x2="0" y2="6" class="gap-line" stroke-width="3" />
                </pattern>
            </defs>
            { time_ticks(&axis, height) }
            { for rows.iter().enumerate().map(|(i, row)| partition_row(row, i, &axis, row_h, &hatch, multi_topic, props.now)) }
            // Labels alternate between two lines so that neighbouring rebalances stay readable.
            { for rebalances.iter().enumerate().map(|(i, r)| rebalance_band(r, &axis, height, &rows, props.now, rebalances.get(i + 1).map(|n| n.started_at), (!props.compact).then_some(i % 2))) }
            <line class="now-line" x1={axis.x(props.now).to_string()} x2={axis.x(props.now).to_string()} y1={HEAD_H.to_string()} y2={(height - 16.0).to_string()} />
        </svg>
    }
}

fn time_ticks(axis: &Axis, height: f64) -> Html {
    let step = nice_step(axis.span);
    let ticks: Vec<Millis> = (0..=axis.span / step).map(|i| i * step).collect();
    html! {
        <g class="ticks">
            { for ticks.into_iter().map(|t| html! {
                <g>
                    <line x1={axis.x(t).to_string()} x2={axis.x(t).to_string()} y1={(HEAD_H - 4.0).to_string()} y2={(height - 16.0).to_string()} class="tick-line" />
                    <text x={axis.x(t).to_string()} y={(height - 3.0).to_string()} class="tick-label" text-anchor="middle">{ format!("{}s", t / 1000) }</text>
                </g>
            }) }
        </g>
    }
}

/// The axis grows in steps (30 s, 60 s, 90 s, …, then whole minutes): bars stay put between steps,
/// so the chart is not laid out anew on every frame.
fn axis_span(now: Millis) -> Millis {
    let step = if now < 180_000 { 30_000 } else { 60_000 };
    (now / step + 1).max(1) * step
}

/// 5 s, 10 s, 30 s, 1 min, … so that about eight ticks fit.
fn nice_step(span: Millis) -> Millis {
    const STEPS: [Millis; 8] = [
        5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000,
    ];
    STEPS
        .into_iter()
        .find(|s| span / s <= 8)
        .unwrap_or(1_800_000)
}

fn partition_row(
    row: &PartitionTimeline,
    i: usize,
    axis: &Axis,
    row_h: f64,
    hatch: &str,
    multi_topic: bool,
    now: Millis,
) -> Html {
    let y = HEAD_H + row_h * i as f64;
    let label = if multi_topic {
        row.partition.to_string()
    } else {
        format!("P{}", row.partition.partition)
    };
    html! {
        <g class="row">
            <text x="4" y={(y + row_h * 0.72).to_string()} class="row-label">{ label }</text>
            { for row.intervals.iter().map(|iv| {
                let x0 = axis.x(iv.from);
                let x1 = axis.x(iv.to.min(now));
                let w = (x1 - x0).max(0.0);
                let fill = match (&iv.owner, iv.consuming) {
                    (Some(owner), true) => swatch_for(owner).colour.to_string(),
                    _ => format!("url(#{hatch})"),
                };
                let title = match (&iv.owner, iv.consuming) {
                    (Some(o), true) => format!("{}: {o} consuming, {:.1}–{:.1} s", row.partition, iv.from as f64 / 1000.0, iv.to as f64 / 1000.0),
                    (Some(o), false) => format!("{}: owned by {o} but not consumed, {:.1}–{:.1} s", row.partition, iv.from as f64 / 1000.0, iv.to as f64 / 1000.0),
                    (None, _) => format!("{}: nobody consuming, {:.1}–{:.1} s", row.partition, iv.from as f64 / 1000.0, iv.to as f64 / 1000.0),
                };
                html! {
                    <rect x={x0.to_string()} y={(y + 2.0).to_string()} width={w.to_string()} height={(row_h - 4.0).to_string()} fill={fill} class="interval">
                        <title>{ title }</title>
                    </rect>
                }
            }) }
        </g>
    }
}

/// Who owned each partition just before `t`, as "c1: P0 P1 · c2: P2".
fn owners_before(rows: &[&PartitionTimeline], t: Millis) -> String {
    owners_by(rows, |row| {
        row.intervals
            .iter()
            .find(|iv| iv.from < t && t <= iv.to.max(iv.from + 1))
            .and_then(|iv| iv.owner.clone())
    })
}

/// Who each partition went to once a rebalance ended at `end`: its first owner from then on, up to
/// `until` (the next rebalance, or now). The group turns Stable before its members have received
/// their SyncGroup answers, so the owner at the very instant `end` is often still nobody.
fn owners_after(rows: &[&PartitionTimeline], end: Millis, until: Millis) -> String {
    owners_by(rows, |row| {
        row.intervals
            .iter()
            .filter(|iv| iv.to.max(iv.from + 1) > end && iv.from <= until)
            .find_map(|iv| iv.owner.clone())
    })
}

fn owners_by(
    rows: &[&PartitionTimeline],
    owner_of: impl Fn(&PartitionTimeline) -> Option<String>,
) -> String {
    let mut by_owner: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for row in rows {
        by_owner
            .entry(owner_of(row).unwrap_or_else(|| "nobody".into()))
            .or_default()
            .push(format!("P{}", row.partition.partition));
    }
    by_owner
        .into_iter()
        .map(|(o, ps)| format!("{o}: {}", ps.join(" ")))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn rebalance_band(
    r: &RebalanceRecord,
    axis: &Axis,
    height: f64,
    rows: &[&PartitionTimeline],
    now: Millis,
    next_start: Option<Millis>,
    label_line: Option<usize>,
) -> Html {
    let end = r.stable_at.unwrap_or(now).min(now);
    let x0 = axis.x(r.started_at);
    let x1 = axis.x(end).max(x0 + 3.0);
    let duration = end.saturating_sub(r.started_at) as f64 / 1000.0;
    let reason = if r.reason_label.is_empty() {
        "rebalance"
    } else {
        r.reason_label.as_str()
    };
    let summary = format!("generation {} · {reason} · {duration:.1} s", r.generation);
    let before = owners_before(rows, r.started_at);
    let after = owners_after(rows, end, next_start.unwrap_or(now).min(now));
    html! {
        <g class="rebalance" tabindex="0" aria-label={format!("Rebalance to {summary}. Before: {before}. After: {after}.")}>
            <title>{ format!("{summary}\nbefore: {before}\nafter: {after}") }</title>
            <rect x={x0.to_string()} y={(HEAD_H - 6.0).to_string()} width={(x1 - x0).to_string()} height={(height - HEAD_H - 10.0).to_string()} class="band" />
            <path d={format!("M{} {} l-5 -8 h10 z", x0, HEAD_H - 6.0)} class="marker" />
            if let Some(line) = label_line {
                <text x={(x0 + 6.0).to_string()} y={(13 + 13 * line).to_string()} class="band-label">
                    { format!("▼ gen {} · {reason} · {duration:.1} s", r.generation) }
                </text>
            }
        </g>
    }
}

/// Number of partitions being consumed in `group` at each of `samples` instants over [0, until].
pub fn consumed_series(
    metrics: &Metrics,
    group: &str,
    until: Millis,
    samples: usize,
) -> Vec<(Millis, usize)> {
    let rows: Vec<&PartitionTimeline> = metrics
        .timelines
        .iter()
        .filter(|t| t.group == group)
        .collect();
    (0..=samples)
        .map(|i| {
            let t = until * i as u64 / samples.max(1) as u64;
            let consumed = rows
                .iter()
                .filter(|row| {
                    row.intervals
                        .iter()
                        .any(|iv| iv.consuming && iv.owner.is_some() && iv.from <= t && t < iv.to)
                })
                .count();
            (t, consumed)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{owners_after, owners_before};
    use crate::sim::metrics::{compute, PartitionTimeline};
    use crate::sim::world::{Action, World};
    use crate::ui::lessons::LESSONS;

    /// The basics lesson (3 consumers, 6 partitions, eager range) with a fourth consumer at 20 s.
    fn a_fourth_joins() -> World {
        let mut world = World::new(&LESSONS[0].scenario()).unwrap();
        world.run_until(20_000);
        world
            .apply(Action::AddConsumer {
                group: "orders-app".into(),
                topics: vec!["orders".into()],
                config: Default::default(),
            })
            .unwrap();
        world.run_until(40_000);
        world
    }

    #[test]
    fn a_band_tells_the_assignment_before_and_after_its_rebalance() {
        let world = a_fourth_joins();
        let metrics = compute(world.trace(), world.now());
        let rows: Vec<&PartitionTimeline> = metrics.timelines.iter().collect();
        let r = metrics.groups["orders-app"]
            .rebalances
            .iter()
            .find(|r| r.generation == 2)
            .unwrap();
        assert_eq!(
            owners_before(&rows, r.started_at),
            "c1: P0 P1 · c2: P2 P3 · c3: P4 P5"
        );
        assert_eq!(
            owners_after(&rows, r.stable_at.unwrap(), world.now()),
            "c1: P0 P1 · c2: P2 P3 · c3: P4 · c4: P5"
        );
    }
}
