//! The Metrics tab: every rebalance of the group with its reason and duration, and per consumer what
//! it gave up and its longest pause. All of it is read from the trace by `sim::metrics`; with
//! producers, the group's lag over time (drawn by [`super::lag_chart`]).

use super::lag_chart::LagChartView;
use crate::session::explain::metrics::{DUPLICATES_TITLE, PAUSE_TITLE, REVOKED_OR_LOST};
use crate::session::lag_chart::LagChart;
use crate::sim::metrics::Metrics;
use crate::sim::time::format_millis;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MetricsPanelProps {
    pub metrics: Rc<Metrics>,
    pub group: String,
    /// The group's lag over time, with producers.
    #[prop_or_default]
    pub lag: Option<LagChart>,
}

#[function_component(MetricsPanel)]
pub fn metrics_panel(props: &MetricsPanelProps) -> Html {
    let Some(g) = props.metrics.groups.get(&props.group) else {
        return html! { <p class="empty">{ "No rebalance yet." }</p> };
    };
    let records = g.records_processed > 0;
    html! {
        <div class="metrics-panel">
            <div class="kpis">
                <div class="kpi"><span class="kpi-value">{ g.rebalances.len() }</span><span class="kpi-label">{ "rebalances" }</span></div>
                <div class="kpi"><span class="kpi-value">{ g.partitions_revoked }</span><span class="kpi-label">{ "partitions revoked" }</span></div>
                <div class="kpi"><span class="kpi-value">{ g.partitions_lost }</span><span class="kpi-label">{ "partitions lost" }</span></div>
                <div class="kpi"><span class="kpi-value">{ format!("{:.1} s", g.unconsumed_partition_ms as f64 / 1000.0) }</span><span class="kpi-label">{ "partition-seconds without a consumer" }</span></div>
                if records {
                    <div class="kpi" title={DUPLICATES_TITLE}><span class="kpi-value">{ g.duplicates }</span><span class="kpi-label">{ format!("records processed twice (of {})", g.records_processed) }</span></div>
                }
            </div>
            if let Some(chart) = &props.lag {
                <section class="lag-over-time" aria-label="Lag over time">
                    <h3>{ "Lag over time" }</h3>
                    <p class="hint">{ &chart.summary }</p>
                    <LagChartView chart={chart.clone()} />
                    { for chart.catch_ups.iter().map(|u| html! {
                        <p class="callout catch-up" role="note" aria-label={format!("{} catching up", u.consumer)}>{ &u.text }</p>
                    }) }
                </section>
            }
            <p class="hint" aria-label="Revoked or lost">{ REVOKED_OR_LOST }</p>
            <table class="data" aria-label="Rebalances">
                <thead><tr><th>{ "generation" }</th><th>{ "reason" }</th><th>{ "started" }</th><th>{ "stable after" }</th>
                    if records { <th title={DUPLICATES_TITLE}>{ "read twice" }</th> }
                </tr></thead>
                <tbody>
                    { for g.rebalances.iter().map(|r| html! {
                        <tr>
                            <td>{ r.generation }</td>
                            <td>{ if r.reason_label.is_empty() { "—".to_string() } else { r.reason_label.clone() } }</td>
                            <td>{ format_millis(r.started_at) }</td>
                            <td>{ r.duration_ms.map_or("—".to_string(), |d| format!("{:.2} s", d as f64 / 1000.0)) }</td>
                            if records { <td>{ r.duplicates }</td> }
                        </tr>
                    }) }
                </tbody>
            </table>
            <table class="data" aria-label="Consumers">
                <thead><tr><th>{ "consumer" }</th><th>{ "revoked" }</th><th>{ "lost" }</th><th title={PAUSE_TITLE}>{ "longest pause" }</th></tr></thead>
                <tbody>
                    { for props.metrics.consumers.values().filter(|c| c.group == props.group).map(|c| html! {
                        <tr>
                            <td>{ &c.consumer }</td>
                            <td>{ c.partitions_revoked }</td>
                            <td>{ c.partitions_lost }</td>
                            <td>{ format!("{:.1} s", c.longest_pause_ms as f64 / 1000.0) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}
