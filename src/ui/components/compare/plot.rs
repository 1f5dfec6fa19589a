//! Compare mode's plot: how many of the group's partitions each strategy was consuming over time.

use super::LaneMetrics;
use crate::sim::consumption::consumed_series;
use crate::sim::time::Millis;
use crate::ui::components::palette::lane_stroke;
use yew::prelude::*;

/// Partitions being consumed over time, one line per strategy: dips are rebalances.
pub fn consumption_plot(lanes: &[LaneMetrics], group: &str, now: Millis, width: f64) -> Html {
    // As wide as its box, so 13 px text is 13 px on screen.
    let w = width.max(320.0);
    const H: f64 = 150.0;
    const PAD: f64 = 36.0;
    let until = now.max(30_000);
    let series: Vec<_> = lanes
        .iter()
        .map(|(_, metrics)| consumed_series(metrics, group, now, 400))
        .collect();
    let total = series.first().map_or(0, |s| s.partitions).max(1);
    let x = |t: Millis| PAD + (w - PAD - 8.0) * t as f64 / until as f64;
    // The top 24 px hold the caption, clear of the lines.
    let y = |n: usize| H - 20.0 - (H - 44.0) * n as f64 / total as f64;
    html! {
        <>
        <svg class="consumption" viewBox={format!("0 0 {w} {H}")} role="img" aria-label="Partitions consumed over time">
            <text x={(w - 8.0).to_string()} y="15" text-anchor="end" class="axis-label">{ format!("partitions being consumed (of {total}) over time") }</text>
            <line x1={PAD.to_string()} x2={(w - 8.0).to_string()} y1={y(0).to_string()} y2={y(0).to_string()} class="tick-line" />
            <line x1={PAD.to_string()} x2={(w - 8.0).to_string()} y1={y(total).to_string()} y2={y(total).to_string()} class="tick-line" />
            <text x={(PAD - 4.0).to_string()} y={(y(total) + 4.0).to_string()} text-anchor="end" class="tick-label">{ total }</text>
            <text x={(PAD - 4.0).to_string()} y={(y(0) + 4.0).to_string()} text-anchor="end" class="tick-label">{ "0" }</text>
            <text x={(w - 8.0).to_string()} y={(H - 4.0).to_string()} text-anchor="end" class="tick-label">{ format!("{} s", until / 1000) }</text>
            { for lanes.iter().zip(&series).enumerate().map(|(i, ((strategy, _), series))| {
                let points = series.points.iter().map(|(t, n)| format!("{:.1},{:.1}", x(*t), y(*n))).collect::<Vec<_>>().join(" ");
                let (width, dash) = line_style(i);
                html! { <polyline points={points} fill="none" stroke={lane_stroke(i)} stroke-width={width} stroke-dasharray={dash} class={format!("series lane-{i}")}><title>{ strategy.label() }</title></polyline> }
            }) }
        </svg>
        { legend(lanes) }
        </>
    }
}

/// Lines often coincide: the first is drawn wide and the others narrower or dashed on top, so each
/// stays visible, and the legend names them by that width and dash as well as by colour.
fn line_style(i: usize) -> (&'static str, &'static str) {
    match i {
        0 => ("6", "none"),
        1 => ("2.5", "none"),
        _ => ("2.5", "7 4"),
    }
}

fn legend(lanes: &[LaneMetrics]) -> Html {
    html! {
        <ul class="plot-legend" aria-label="Lines">
            { for lanes.iter().enumerate().map(|(i, (strategy, _))| {
                let (width, dash) = line_style(i);
                let look = match i {
                    0 => "thick line",
                    1 => "thin line",
                    _ => "dashed line",
                };
                html! {
                    <li>
                        <svg width="36" height="12" aria-hidden="true"><line x1="2" x2="34" y1="6" y2="6" stroke={lane_stroke(i)} stroke-width={width} stroke-dasharray={dash} /></svg>
                        { format!("{} ({look})", strategy.label()) }
                    </li>
                }
            }) }
        </ul>
    }
}
