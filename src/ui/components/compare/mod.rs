//! Compare: the same scenario under two or three strategies, every action applied to all. Consumer
//! controls on top ([`consumer_rows`]: every action is applied to all lanes), a [`metrics_table`](mod@metrics_table)
//! with the best value of each row marked, a [`plot`] of partitions being consumed over time, and a
//! column per strategy ([`lane`]) with its partitions and timeline.

pub mod consumer_rows;
pub mod lane;
pub mod metrics_table;
pub mod plot;

use crate::ui::hooks::width::use_width;
use crate::ui::state::{Dispatch, LaneView, Notice, NoticeAt};
use consumer_rows::{consumers_by_lane, ConsumerRows};
use lane::lane_column;
use metrics_table::{metrics_table, trade_off_note};
use plot::consumption_plot;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CompareProps {
    pub dispatch: Dispatch,
    pub lanes: Vec<LaneView>,
    pub group: String,
    pub notice: Option<Notice>,
}

#[function_component(Compare)]
pub fn compare(props: &CompareProps) -> Html {
    let plot_wrap = use_node_ref();
    let plot_width = use_width(plot_wrap.clone(), 1000.0);
    let rows = consumers_by_lane(
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
            <ConsumerRows dispatch={props.dispatch.clone()} consumers={rows} notice={notice} />
            { metrics_table(&props.lanes, &props.group) }
            { trade_off_note() }
            <div ref={plot_wrap}>{ consumption_plot(&props.lanes, &props.group, now, plot_width) }</div>
            <div class="compare-columns" style={format!("grid-template-columns: repeat({}, minmax(0, 1fr))", props.lanes.len())}>
                { for props.lanes.iter().enumerate().map(|(i, lane)| lane_column(i, lane, &props.group)) }
            </div>
        </section>
    }
}
