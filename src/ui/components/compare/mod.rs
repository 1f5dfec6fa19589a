//! Compare: the same scenario under two or three strategies, every action applied to all. Consumer
//! controls on top ([`consumer_rows`]: every action is applied to all lanes), a [`metrics_table`](mod@metrics_table)
//! with the best value of each row marked, a [`plot`] of partitions being consumed over time, and a
//! column per strategy ([`lane`]) with its partitions and timeline.

pub mod consumer_rows;
pub mod lane;
pub mod metrics_table;
pub mod plot;

use crate::session::Strategy;
use crate::sim::metrics::Metrics;
use crate::sim::time::Millis;
use crate::ui::hooks::width::use_width;
use crate::ui::state::{Dispatch, LaneView, Notice, NoticeAt};
use consumer_rows::{consumers_by_lane, ConsumerRows};
use lane::lane_column;
use metrics_table::{metrics_table, trade_off_note};
use plot::consumption_plot;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CompareProps {
    pub dispatch: Dispatch,
    pub lanes: Vec<LaneView>,
    pub group: String,
    pub notice: Option<Notice>,
    /// The clock plays (parts out of view may wait to be redrawn).
    #[prop_or_default]
    pub playing: bool,
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
            <MetricViews lanes={SameMetrics(props.lanes.iter().map(|l| (l.strategy, l.metrics.clone())).collect())}
                group={props.group.clone()} now={now} plot_width={plot_width} plot_wrap={plot_wrap} />
            <div class="compare-columns" style={format!("grid-template-columns: repeat({}, minmax(0, 1fr))", props.lanes.len())}>
                { for props.lanes.iter().enumerate().map(|(i, lane)| lane_column(i, lane, &props.group, props.playing)) }
            </div>
            // The prose comes after the lanes: on a projector the lanes are what the room watches.
            { trade_off_note() }
        </section>
    }
}

/// A lane's strategy and its metrics.
pub type LaneMetrics = (Strategy, Rc<Metrics>);

/// The lanes' metrics, equal when they are the very same (the page keeps each lane's `Rc` between
/// metrics refreshes): comparing by identity is what lets the views below skip the frames between.
#[derive(Clone)]
pub struct SameMetrics(pub Vec<LaneMetrics>);

impl PartialEq for SameMetrics {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .iter()
                .zip(&other.0)
                .all(|((a, x), (b, y))| a == b && Rc::ptr_eq(x, y))
    }
}

#[derive(Properties, PartialEq)]
struct MetricViewsProps {
    lanes: SameMetrics,
    group: String,
    now: Millis,
    plot_width: f64,
    plot_wrap: NodeRef,
}

/// The metrics table, the note and the plot: rebuilt when the metrics refresh, not every frame.
#[function_component(MetricViews)]
fn metric_views(props: &MetricViewsProps) -> Html {
    let lanes = &props.lanes.0;
    html! {
        <>
            { metrics_table(lanes, &props.group) }
            <div ref={props.plot_wrap.clone()}>{ consumption_plot(lanes, &props.group, props.now, props.plot_width) }</div>
        </>
    }
}
