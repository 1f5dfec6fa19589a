//! Compare: the same scenario under two or three strategies, every action applied to all. A metrics
//! table with the best value of each row marked, a plot of partitions being consumed over time, and a
//! column per strategy with its partitions and timeline. Consumer controls sit on top: every action
//! is applied to all lanes.

use super::compare_controls::{consumers_by_lane, CompareControls};
use super::hooks::width::use_width;
use super::palette::swatch_for;
use super::state::{Dispatch, LaneView, Notice, NoticeAt};
use super::timeline::Timeline;
use super::topic_view::TopicView;
use crate::sim::consumption::{consumed_series, rebalance_cost, RebalanceCost};
use crate::sim::time::Millis;
use yew::prelude::*;

/// Line colours of the lanes in the plot (not consumer colours: lanes are strategies).
pub const LANE_STROKES: [&str; 3] = ["#B3261E", "#0B5CAD", "#5E35B1"];

#[derive(Properties, PartialEq)]
pub struct CompareProps {
    pub dispatch: Dispatch,
    pub lanes: Vec<LaneView>,
    pub group: String,
    pub notice: Option<Notice>,
}

/// One row of the table: a label, a value per lane, and whether the lowest value wins a ✓.
pub struct MetricRow {
    pub label: &'static str,
    pub values: Vec<f64>,
    pub unit: &'static str,
    /// Lower is plainly better (idle time, pauses, revocations). Not so for the rebalance count:
    /// cooperative's second round is the price of letting everyone else keep consuming.
    pub ranked: bool,
}

pub fn metric_rows(lanes: &[LaneView], group: &str) -> Vec<MetricRow> {
    let costs: Vec<RebalanceCost> = lanes
        .iter()
        .map(|l| rebalance_cost(&l.metrics, group))
        .collect();
    let per = |f: fn(&RebalanceCost) -> f64| costs.iter().map(f).collect::<Vec<_>>();
    vec![
        MetricRow {
            label: "Rebalances (generations)",
            values: per(|c| c.rebalances as f64),
            unit: "",
            ranked: false,
        },
        MetricRow {
            label: "Partitions revoked",
            values: per(|c| c.partitions_taken as f64),
            unit: "",
            ranked: true,
        },
        MetricRow {
            label: "Partition-seconds without a consumer",
            values: per(|c| c.unconsumed_partition_ms as f64 / 1000.0),
            unit: " s",
            ranked: true,
        },
        MetricRow {
            label: "Longest pause of a consumer",
            values: per(|c| c.longest_pause_ms as f64 / 1000.0),
            unit: " s",
            ranked: true,
        },
    ]
}

#[function_component(Compare)]
pub fn compare(props: &CompareProps) -> Html {
    let plot_wrap = use_node_ref();
    let plot_width = use_width(plot_wrap.clone(), 1000.0);
    let rows = metric_rows(&props.lanes, &props.group);
    let controls = consumers_by_lane(
        &props
            .lanes
            .iter()
            .map(|l| (l.strategy.label(), l.snapshot.consumers.as_slice()))
            .collect::<Vec<_>>(),
        &props.group,
    );
    let notice = props.notice.as_ref().and_then(|n| match &n.at {
        NoticeAt::Consumer(h) => Some((h.clone(), n.text.clone())),
        _ => None,
    });
    // Derived views follow the metrics refresh, not every frame.
    let now = props.lanes.first().map_or(0, |l| l.metrics.until);
    html! {
        <section class="compare" aria-label="Compare protocols">
            <h2>{ format!("Compare · group {}", props.group) }</h2>
            <CompareControls dispatch={props.dispatch.clone()} consumers={controls} notice={notice} />
            <table class="metrics-table" aria-label="Comparison metrics">
                <thead><tr><th scope="col">{ "metric" }</th>
                    { for props.lanes.iter().enumerate().map(|(i, l)| html! { <th scope="col"><span class="lane-key" style={format!("background:{}", LANE_STROKES[i % 3])}></span>{ l.strategy.label() }</th> }) }
                </tr></thead>
                <tbody>
                    { for rows.iter().map(|row| {
                        let best = row.values.iter().cloned().fold(f64::INFINITY, f64::min);
                        let all_equal = !row.ranked || row.values.iter().all(|v| (*v - best).abs() < 1e-9);
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
            { trade_off_note() }
            <div ref={plot_wrap}>{ consumption_plot(&props.lanes, &props.group, now, plot_width) }</div>
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
                            { last_rebalance(lane, &props.group) }
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

/// What the table cannot say by itself: the two protocols stop different partitions for different
/// lengths of time, so each can win a different row.
fn trade_off_note() -> Html {
    html! {
        <div class="hint compare-note">
            <p>
                <strong>{ "Eager" }</strong>{ ": every member stops and hands back all its partitions, the whole group waits for one round, then resumes. \
                   Everyone pauses, but only once, so the stop is short." }
            </p>
            <p>
                <strong>{ "Cooperative" }</strong>{ ": only the partitions that move stop; everyone else keeps consuming. \
                   A moving partition is revoked in one round and handed to its new owner in a second, so those few wait longer. \
                   That is why eager can have fewer partition-seconds without a consumer while cooperative has the shorter longest pause." }
            </p>
            <p>{ "✓ marks the lowest value where lower is plainly better. The rebalance count gets none: cooperative's extra round is the price of not stopping everyone." }</p>
        </div>
    }
}

/// The lane's latest rebalance with its reason, so an action's effect can be read per lane.
fn last_rebalance(lane: &LaneView, group: &str) -> Html {
    match lane
        .metrics
        .groups
        .get(group)
        .and_then(|g| g.rebalances.last())
    {
        Some(r) => html! {
            <p class="lane-last" aria-label="Last rebalance">
                { format!("last rebalance: generation {} · {}", r.generation, if r.reason_label.is_empty() { "rebalance" } else { r.reason_label.as_str() }) }
            </p>
        },
        None => html! {},
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
fn consumption_plot(lanes: &[LaneView], group: &str, now: Millis, width: f64) -> Html {
    // As wide as its box, so 13 px text is 13 px on screen.
    let w = width.max(320.0);
    const H: f64 = 150.0;
    const PAD: f64 = 36.0;
    let until = now.max(30_000);
    let series: Vec<_> = lanes
        .iter()
        .map(|lane| consumed_series(&lane.metrics, group, now, 400))
        .collect();
    let total = series.first().map_or(0, |s| s.partitions).max(1);
    let x = |t: Millis| PAD + (w - PAD - 8.0) * t as f64 / until as f64;
    // The top 24 px hold the caption, clear of the lines.
    let y = |n: usize| H - 20.0 - (H - 44.0) * n as f64 / total as f64;
    html! {
        <svg class="consumption" viewBox={format!("0 0 {w} {H}")} role="img" aria-label="Partitions consumed over time">
            <text x={(w - 8.0).to_string()} y="15" text-anchor="end" class="axis-label">{ format!("partitions being consumed (of {total}) over time") }</text>
            <line x1={PAD.to_string()} x2={(w - 8.0).to_string()} y1={y(0).to_string()} y2={y(0).to_string()} class="tick-line" />
            <line x1={PAD.to_string()} x2={(w - 8.0).to_string()} y1={y(total).to_string()} y2={y(total).to_string()} class="tick-line" />
            <text x={(PAD - 4.0).to_string()} y={(y(total) + 4.0).to_string()} text-anchor="end" class="tick-label">{ total }</text>
            <text x={(PAD - 4.0).to_string()} y={(y(0) + 4.0).to_string()} text-anchor="end" class="tick-label">{ "0" }</text>
            <text x={(w - 8.0).to_string()} y={(H - 4.0).to_string()} text-anchor="end" class="tick-label">{ format!("{} s", until / 1000) }</text>
            { for lanes.iter().zip(&series).enumerate().map(|(i, (lane, series))| {
                let points = series.points.iter().map(|(t, n)| format!("{:.1},{:.1}", x(*t), y(*n))).collect::<Vec<_>>().join(" ");
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
