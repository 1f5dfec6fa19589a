//! The Metrics tab's lag chart: draws a `session::lag_chart::LagChart` as an SVG line chart. Every
//! number, label and mark comes from the session; here only pixels are chosen. Lines differ by dash
//! pattern as well as colour, and the legend shows both, so the chart reads without colour too.

use crate::session::lag_chart::{seconds, LagChart};
use crate::sim::time::Millis;
use yew::prelude::*;

const W: f64 = 960.0;
const H: f64 = 340.0;
const LEFT: f64 = 96.0;
const RIGHT: f64 = 44.0;
const TOP: f64 = 34.0;
const BOTTOM: f64 = 64.0;

/// (colour, dash pattern) per line, by index: Okabe–Ito colours, each with its own dash.
const STYLES: [(&str, &str); 8] = [
    ("#0072B2", ""),
    ("#D55E00", "14 6"),
    ("#009E73", "4 5"),
    ("#CC79A7", "18 5 4 5"),
    ("#E69F00", "2 7"),
    ("#56B4E9", "10 4 2 4 2 4"),
    ("#7a7a7a", "24 8"),
    ("#8c5a00", "6 3"),
];

fn style(i: usize) -> (&'static str, &'static str) {
    STYLES[i % STYLES.len()]
}

#[derive(Properties, PartialEq)]
pub struct LagChartProps {
    pub chart: LagChart,
}

#[function_component(LagChartView)]
pub fn lag_chart_view(props: &LagChartProps) -> Html {
    let c = &props.chart;
    let span = c.time_ticks.last().copied().unwrap_or(c.until).max(1) as f64;
    let x = move |t: Millis| LEFT + (t as f64 / span) * (W - LEFT - RIGHT);
    let y = |lag: i64| H - BOTTOM - (lag as f64 / c.lag_max.max(1) as f64) * (H - TOP - BOTTOM);
    // A rebalance's label is drawn only where it does not run into the previous one.
    let mut last_label = f64::NEG_INFINITY;
    let labelled: Vec<bool> = c
        .rebalances
        .iter()
        .map(|r| {
            let at = x(r.started_at);
            let room = at - last_label >= 64.0;
            if room {
                last_label = at;
            }
            room
        })
        .collect();
    html! {
        <figure class="lag-chart" data-peak-lag={c.peak.lag.to_string()} data-peak-at={c.peak.at.to_string()}>
            <svg viewBox={format!("0 0 {W} {H}")} role="img" aria-label={c.summary.clone()}>
                // Rebalances: a shaded band from the start to the stable group.
                { for c.rebalances.iter().zip(&labelled).map(|(r, &labelled)| {
                    let from = x(r.started_at);
                    let to = x(r.stable_at.unwrap_or(c.until)).max(from + 3.0);
                    html! {
                        <g class="lag-rebalance">
                            <rect x={from.to_string()} y={TOP.to_string()} width={(to - from).to_string()}
                                height={(H - TOP - BOTTOM).to_string()} />
                            if labelled {
                                <text x={from.to_string()} y={(TOP - 8.0).to_string()}>{ format!("→ {}", r.label) }</text>
                            }
                        </g>
                    }
                }) }
                // Axes, ticks and grid.
                { for c.lag_ticks.iter().map(|&v| html! {
                    <g class="lag-tick">
                        <line x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={y(v).to_string()} y2={y(v).to_string()} />
                        <text x={(LEFT - 8.0).to_string()} y={(y(v) + 5.0).to_string()} text-anchor="end">{ v }</text>
                    </g>
                }) }
                { for c.time_ticks.iter().map(|&t| html! {
                    <text class="lag-tick-label" x={x(t).to_string()} y={(H - BOTTOM + 22.0).to_string()} text-anchor="middle">{ seconds(t) }</text>
                }) }
                <line class="lag-axis" x1={LEFT.to_string()} x2={LEFT.to_string()} y1={TOP.to_string()} y2={(H - BOTTOM).to_string()} />
                <line class="lag-axis" x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={(H - BOTTOM).to_string()} y2={(H - BOTTOM).to_string()} />
                <text class="lag-axis-label" x={((LEFT + W - RIGHT) / 2.0).to_string()} y={(H - 10.0).to_string()} text-anchor="middle">{ "time (seconds)" }</text>
                <text class="lag-axis-label" transform={format!("translate(18 {}) rotate(-90)", (TOP + H - BOTTOM) / 2.0)} text-anchor="middle">{ "lag (records)" }</text>
                // The lines.
                { for c.lines.iter().enumerate().map(|(i, line)| {
                    let (colour, dash) = style(i);
                    let points: Vec<String> = line.points.iter().map(|&(t, l)| format!("{:.1},{:.1}", x(t), y(l))).collect();
                    html! {
                        <polyline class="lag-line" data-line={line.label.clone()} points={points.join(" ")}
                            stroke={colour} stroke-dasharray={dash} />
                    }
                }) }
                // Moments: a static member back, caught up.
                { for c.marks.iter().enumerate().map(|(i, m)| html! {
                    <g class="lag-mark">
                        <line x1={x(m.at).to_string()} x2={x(m.at).to_string()} y1={TOP.to_string()} y2={(H - BOTTOM).to_string()} />
                        <text x={(x(m.at) + 5.0).to_string()} y={(TOP + 18.0 + (i % 2) as f64 * 22.0).to_string()}>{ &m.label }</text>
                    </g>
                }) }
                // The peak.
                <circle class="lag-peak" cx={x(c.peak.at).to_string()} cy={y(c.peak.lag).to_string()} r="7" />
                <text class="lag-peak-label" x={(x(c.peak.at) + if x(c.peak.at) > W * 0.7 { -12.0 } else { 12.0 }).to_string()}
                    y={(y(c.peak.lag) + 22.0).min(H - BOTTOM - 6.0).to_string()}
                    text-anchor={if x(c.peak.at) > W * 0.7 { "end" } else { "start" }}>
                    { format!("peak {} at {}", c.peak.lag, seconds(c.peak.at)) }
                </text>
            </svg>
            <figcaption>
                <ul class="lag-legend" aria-label="Lines">
                    { for c.lines.iter().enumerate().map(|(i, line)| {
                        let (colour, dash) = style(i);
                        html! {
                            <li>
                                <svg class="lag-swatch" viewBox="0 0 48 12" aria-hidden="true">
                                    <line x1="0" y1="6" x2="48" y2="6" stroke={colour} stroke-dasharray={dash} />
                                </svg>
                                { &line.label }
                            </li>
                        }
                    }) }
                    if !c.rebalances.is_empty() {
                        <li><span class="lag-swatch-band" aria-hidden="true"></span>{ "rebalance in progress (→ the generation or group epoch it led to)" }</li>
                    }
                </ul>
            </figcaption>
        </figure>
    }
}
