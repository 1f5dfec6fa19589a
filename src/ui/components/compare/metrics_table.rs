//! Compare mode's table: rebalances, partitions revoked or lost, partition-seconds without a consumer
//! and the longest pause, per strategy, as `sim::consumption` reckons them and
//! `session::explain::metrics` words them; and what the table cannot say.

use super::LaneMetrics;
use crate::session::explain::metrics::{
    best_marks, CompareRow, BEST_NOTE, COMPARE_ROWS, DUPLICATES_ROW, TRADE_OFF,
};
use crate::sim::consumption::{rebalance_cost, RebalanceCost};
use crate::ui::components::palette::lane_stroke;
use yew::prelude::*;

/// One row of the table as drawn: what it counts and a value per lane.
pub struct MetricRow {
    pub row: &'static CompareRow,
    pub values: Vec<f64>,
}

pub fn metric_rows(lanes: &[LaneMetrics], group: &str) -> Vec<MetricRow> {
    let costs: Vec<RebalanceCost> = lanes
        .iter()
        .map(|(_, metrics)| rebalance_cost(metrics, group))
        .collect();
    let with_records = costs.iter().any(|c| c.records_processed > 0);
    COMPARE_ROWS
        .iter()
        .chain(with_records.then_some(&DUPLICATES_ROW))
        .map(|row| MetricRow {
            row,
            values: costs.iter().map(row.value).collect(),
        })
        .collect()
}

/// The table: a row per figure, a column per lane, the lowest value of a ranked row marked ✓ (see
/// `best_marks`: not for timing noise).
pub fn metrics_table(lanes: &[LaneMetrics], group: &str) -> Html {
    let rows = metric_rows(lanes, group);
    // In a box of its own that scrolls sideways when the screen is narrower than the table (a
    // phone held upright): the page itself must not. Focusable, so a keyboard can scroll it.
    html! {
        <div class="table-scroll" role="region" aria-label="Comparison metrics table" tabindex="0">
        <table class="metrics-table" aria-label="Comparison metrics">
            <thead><tr><th scope="col">{ "metric" }</th>
                { for lanes.iter().enumerate().map(|(i, (strategy, _))| html! { <th scope="col"><span class="lane-key" style={format!("background:{}", lane_stroke(i))}></span>{ strategy.label() }</th> }) }
            </tr></thead>
            <tbody>
                { for rows.iter().map(|r| {
                    let marks = best_marks(&r.values, r.row.ranked);
                    html! {
                        <tr>
                            <th scope="row" title={r.row.title}>{ r.row.label }</th>
                            { for r.values.iter().zip(marks).map(|(v, wins)| {
                                html! { <td class={classes!(wins.then_some("best"))}>{ format_value(*v, r.row.unit) }{ if wins { " ✓" } else { "" } }</td> }
                            }) }
                        </tr>
                    }
                }) }
            </tbody>
        </table>
        </div>
    }
}

/// What the table cannot say by itself: the two protocols stop different partitions for different
/// lengths of time, so each can win a different row.
pub fn trade_off_note() -> Html {
    html! {
        <div class="hint compare-note">
            { for TRADE_OFF.iter().map(|(name, text)| html! { <p><strong>{ *name }</strong>{ *text }</p> }) }
            <p>{ BEST_NOTE }</p>
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
