//! Compare mode's table: rebalances, partitions revoked, partition-seconds without a consumer and the
//! longest pause, per strategy, as `sim::consumption` reckons them; and what the table cannot say.

use super::LaneMetrics;
use crate::sim::consumption::{rebalance_cost, RebalanceCost};
use crate::ui::components::palette::lane_stroke;
use yew::prelude::*;

/// One row of the table: a label, a value per lane, and whether the lowest value wins a ✓.
pub struct MetricRow {
    pub label: &'static str,
    pub values: Vec<f64>,
    pub unit: &'static str,
    /// Lower is plainly better (idle time, pauses, revocations). Not so for the rebalance count:
    /// cooperative's second round is the price of letting everyone else keep consuming.
    pub ranked: bool,
}

pub fn metric_rows(lanes: &[LaneMetrics], group: &str) -> Vec<MetricRow> {
    let costs: Vec<RebalanceCost> = lanes
        .iter()
        .map(|(_, metrics)| rebalance_cost(metrics, group))
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

/// The table: a row per figure, a column per lane, the lowest value of a ranked row marked ✓.
pub fn metrics_table(lanes: &[LaneMetrics], group: &str) -> Html {
    let rows = metric_rows(lanes, group);
    html! {
        <table class="metrics-table" aria-label="Comparison metrics">
            <thead><tr><th scope="col">{ "metric" }</th>
                { for lanes.iter().enumerate().map(|(i, (strategy, _))| html! { <th scope="col"><span class="lane-key" style={format!("background:{}", lane_stroke(i))}></span>{ strategy.label() }</th> }) }
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
    }
}

/// What the table cannot say by itself: the two protocols stop different partitions for different
/// lengths of time, so each can win a different row.
pub fn trade_off_note() -> Html {
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

/// Counts as whole numbers; durations under a second in milliseconds, so a short eager pause does
/// not read as "0.0 s" next to a true zero.
pub fn format_value(v: f64, unit: &str) -> String {
    match unit {
        "" => format!("{v:.0}"),
        " s" if v < 1.0 => format!("{:.0} ms", v * 1000.0),
        _ => format!("{v:.1}{unit}"),
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
