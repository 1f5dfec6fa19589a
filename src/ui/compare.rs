//! Compare: the same scenario under two or three strategies, every action applied to all. A metrics
//! table with the best value of each row marked, a plot of partitions being consumed over time, and a
//! column per strategy with its partitions and timeline.

use super::palette::swatch_for;
use super::state::LaneView;
use super::timeline::{consumed_series, Timeline};
use super::topic_view::TopicView;
use crate::sim::metrics::Metrics;
use crate::sim::time::Millis;
use yew::prelude::*;

/// Line colours of the lanes in the plot (not consumer colours: lanes are strategies).
const LANE_STROKES: [&str; 3] = ["#B3261E", "#0B5CAD", "#5E35B1"];

#[derive(Properties, PartialEq)]
pub struct CompareProps {
    pub lanes: Vec<LaneView>,
    pub group: String,
}

/// One row of the table: a label, a value per lane, and whether lower is better.
pub struct MetricRow {
    pub label: &'static str,
    pub values: Vec<f64>,
    pub unit: &'static str,
}

pub fn metric_rows(lanes: &[LaneView], group: &str) -> Vec<MetricRow> {
    let per = |f: &dyn Fn(&Metrics) -> f64| lanes.iter().map(|l| f(&l.metrics)).collect::<Vec<_>>();
    vec![
        MetricRow {
            label: "Rebalances (generations)",
            values: per(&|m| m.rebalance_count(group) as f64),
            unit: "",
        },
        MetricRow {
            label: "Partitions revoked",
            values: per(&|m| {
                m.groups
                    .get(group)
                    .map_or(0, |g| g.partitions_revoked + g.partitions_lost) as f64
            }),
            unit: "",
        },
        MetricRow {
            label: "Partition-seconds without a consumer",
            values: per(&|m| {
                m.groups.get(group).map_or(0, |g| g.unconsumed_partition_ms) as f64 / 1000.0
            }),
            unit: " s",
        },
        MetricRow {
            label: "Longest pause of a consumer",
            values: per(&|m| {
                m.consumers
                    .values()
                    .filter(|c| c.group == group)
                    .map(|c| c.longest_pause_ms)
                    .max()
                    .unwrap_or(0) as f64
                    / 1000.0
            }),
            unit: " s",
        },
    ]
}

#[function_component(Compare)]
pub fn compare(props: &CompareProps) -> Html {
    let rows = metric_rows(&props.lanes, &props.group);
    // Derived views follow the metrics refresh, not every frame.
    let now = props.lanes.first().map_or(0, |l| l.metrics.until);
    html! {
        <section class="compare" aria-label="Compare protocols">
            <h2>{ format!("Compare · group {}", props.group) }</h2>
            <table class="metrics-table" aria-label="Comparison metrics">
                <thead><tr><th scope="col">{ "metric" }</th>
                    { for props.lanes.iter().enumerate().map(|(i, l)| html! { <th scope="col"><span class="lane-key" style={format!("background:{}", LANE_STROKES[i % 3])}></span>{ l.strategy.label() }</th> }) }
                </tr></thead>
                <tbody>
                    { for rows.iter().map(|row| {
                        let best = row.values.iter().cloned().fold(f64::INFINITY, f64::min);
                        let all_equal = row.values.iter().all(|v| (*v - best).abs() < 1e-9);
                        html! {
                            <tr>
                                <th scope="row">{ row.label }</th>
                                { for row.values.iter().map(|v| {
                                    let wins = !all_equal && (*v - best).abs() < 1e-9;
                                    html! { <td class={classes!(wins.then_some("best"))}>{ format_value(*v, row.unit) }{ if wins { " ✓" } else { "" } }</td> }
                                }) }
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            <p class="hint compare-note">
                { "Eager: every member revokes everything and waits at the barrier until the slowest member's next poll. \
                   Cooperative: only partitions that move are revoked, and they need two rebalances to reach their new owner; \
                   everyone else keeps consuming. The lowest value of each row is marked ✓." }
            </p>
            { consumption_plot(&props.lanes, &props.group, now) }
            <div class="compare-columns" style={format!("grid-template-columns: repeat({}, minmax(0, 1fr))", props.lanes.len())}>
                { for props.lanes.iter().enumerate().map(|(i, lane)| {
                    let group = lane.snapshot.groups.iter().find(|g| g.group_id == props.group);
                    html! {
                        <div class="compare-column" role="region" aria-label={format!("Lane {}", lane.strategy.label())}>
                            <h3><span class="lane-key" style={format!("background:{}", LANE_STROKES[i % 3])}></span>{ lane.strategy.label() }</h3>
                            <p class="lane-state">{ match group {
                                Some(g) => format!("{:?} · generation {}", g.state, g.generation),
                                None => "no group yet".to_string(),
                            } }</p>
                            <ul class="mini-cards">
                                { for lane.snapshot.consumers.iter().filter(|c| c.group == props.group).map(|c| html! {
                                    <li style={format!("--owner:{}", swatch_for(&c.handle).colour)}>
                                        <strong>{ &c.handle }</strong>{ " " }<span>{ super::group_panel::partition_list(&c.owned) }</span>
                                        <span class="pause" title="Longest stretch this consumer held partitions but consumed nothing">
                                            { format!(" · longest pause {}", format_value(lane.metrics.consumers.get(&c.handle).map_or(0, |m| m.longest_pause_ms) as f64 / 1000.0, " s")) }
                                        </span>
                                    </li>
                                }) }
                            </ul>
                            <TopicView snapshot={lane.snapshot.clone()} only_group={Some(props.group.clone())} compact=true />
                            <Timeline metrics={lane.metrics.clone()} group={props.group.clone()} now={lane.metrics.until} id={format!("cmp{i}")} compact=true />
                        </div>
                    }
                }) }
            </div>
        </section>
    }
}

/// Counts as whole numbers; durations under a second in milliseconds, so a short eager pause does
/// not read as "0.0 s" next to a true zero.
fn format_value(v: f64, unit: &str) -> String {
    match unit {
        "" => format!("{v:.0}"),
        " s" if v < 1.0 => format!("{:.0} ms", v * 1000.0),
        _ => format!("{v:.1}{unit}"),
    }
}

/// Partitions being consumed over time, one line per strategy: dips are rebalances.
fn consumption_plot(lanes: &[LaneView], group: &str, now: Millis) -> Html {
    const W: f64 = 1000.0;
    const H: f64 = 150.0;
    const PAD: f64 = 36.0;
    let until = now.max(30_000);
    let total = lanes
        .first()
        .map(|l| {
            l.metrics
                .timelines
                .iter()
                .filter(|t| t.group == group)
                .count()
        })
        .unwrap_or(0)
        .max(1);
    let x = |t: Millis| PAD + (W - PAD - 8.0) * t as f64 / until as f64;
    // The top 24 px hold the caption, clear of the lines.
    let y = |n: usize| H - 20.0 - (H - 44.0) * n as f64 / total as f64;
    html! {
        <svg class="consumption" viewBox={format!("0 0 {W} {H}")} role="img" aria-label="Partitions consumed over time">
            <text x={(W - 8.0).to_string()} y="12" text-anchor="end" class="axis-label">{ format!("partitions being consumed (of {total}) over time") }</text>
            <line x1={PAD.to_string()} x2={(W - 8.0).to_string()} y1={y(0).to_string()} y2={y(0).to_string()} class="tick-line" />
            <line x1={PAD.to_string()} x2={(W - 8.0).to_string()} y1={y(total).to_string()} y2={y(total).to_string()} class="tick-line" />
            <text x={(PAD - 4.0).to_string()} y={(y(total) + 4.0).to_string()} text-anchor="end" class="tick-label">{ total }</text>
            <text x={(PAD - 4.0).to_string()} y={(y(0) + 4.0).to_string()} text-anchor="end" class="tick-label">{ "0" }</text>
            <text x={(W - 8.0).to_string()} y={(H - 4.0).to_string()} text-anchor="end" class="tick-label">{ format!("{} s", until / 1000) }</text>
            { for lanes.iter().enumerate().map(|(i, lane)| {
                let series = consumed_series(&lane.metrics, group, now, 400);
                let points = series.iter().map(|(t, n)| format!("{:.1},{:.1}", x(*t), y(*n))).collect::<Vec<_>>().join(" ");
                // Lines often coincide: the first is drawn wide and the others narrower or dashed on top.
                let (width, dash) = match i {
                    0 => ("6", "none"),
                    1 => ("2.5", "none"),
                    _ => ("2.5", "7 4"),
                };
                html! { <polyline points={points} fill="none" stroke={LANE_STROKES[i % 3]} stroke-width={width} stroke-dasharray={dash} class={format!("series lane-{i}")}><title>{ lane.strategy.label() }</title></polyline> }
            }) }
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::format_value;

    #[test]
    fn short_durations_read_in_milliseconds() {
        assert_eq!(format_value(0.008, " s"), "8 ms");
        assert_eq!(format_value(0.0, " s"), "0 ms");
        assert_eq!(format_value(3.1, " s"), "3.1 s");
        assert_eq!(format_value(6.0, ""), "6");
    }
}
