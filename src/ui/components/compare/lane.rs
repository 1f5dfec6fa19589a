//! One column of compare mode: a strategy's group state, last rebalance, consumers, partitions and timeline.

use super::metrics_table::format_value;
use crate::session::explain::metrics::PAUSE_TITLE;
use crate::sim::time::Millis;
use crate::ui::components::consumer::labels::partition_list;
use crate::ui::components::palette::{lane_stroke, swatch_for};
use crate::ui::components::partitions::TopicView;
use crate::ui::components::tabs::timeline::Timeline;
use crate::ui::state::LaneView;
use yew::prelude::*;

/// Lane `i`'s column for `group`; `playing`: the clock plays.
pub fn lane_column(i: usize, lane: &LaneView, group: &str, playing: bool) -> Html {
    let group_state = lane.snapshot.groups.iter().find(|g| g.group_id == group);
    let consumer_group = lane
        .snapshot
        .consumer_groups
        .iter()
        .find(|g| g.group_id == group);
    html! {
        <div class="compare-column" role="region" aria-label={format!("Lane {}", lane.strategy.label())}>
            <h3><span class="lane-key" style={format!("background:{}", lane_stroke(i))}></span>{ lane.strategy.label() }</h3>
            <p class="lane-state">{ match (group_state, consumer_group) {
                (_, Some(g)) => format!("{} · group epoch {}", g.state, g.group_epoch),
                (Some(g), None) => format!("{:?} · generation {}", g.state, g.generation),
                (None, None) => "no group yet".to_string(),
            } }</p>
            { last_rebalance(lane, group) }
            <MiniCards cards={lane.snapshot.consumers.iter().filter(|c| c.group == group).map(|c| MiniCard {
                handle: c.handle.clone(),
                owned: partition_list(&c.owned),
                longest_pause_ms: lane.metrics.consumers.get(&c.handle).map_or(0, |m| m.longest_pause_ms),
            }).collect::<Vec<_>>()} />
            <TopicView snapshot={lane.snapshot.clone()} only_group={Some(group.to_string())} compact=true />
            <Timeline metrics={lane.metrics.clone()} group={group.to_string()} now={lane.metrics.until} id={format!("cmp{i}")} compact=true live={playing} />
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
                { format!("last rebalance: {} {} · {}", if r.epoch_bump { "group epoch" } else { "generation" }, r.generation, if r.reason_label.is_empty() { "rebalance" } else { r.reason_label.as_str() }) }
            </p>
        },
        None => html! {},
    }
}

/// What a lane says about one consumer: what it owns and its longest pause.
#[derive(Clone, Debug, PartialEq)]
pub struct MiniCard {
    handle: String,
    owned: String,
    longest_pause_ms: Millis,
}

#[derive(Properties, PartialEq)]
struct MiniCardsProps {
    cards: Vec<MiniCard>,
}

/// The lane's consumers: a component of its own, rebuilt only when an ownership or a pause changes,
/// not with every frame's countdowns (50 consumers in three lanes).
#[function_component(MiniCards)]
fn mini_cards(props: &MiniCardsProps) -> Html {
    html! {
        <ul class="mini-cards">
            { for props.cards.iter().map(|c| html! {
                <li style={format!("--owner:{}", swatch_for(&c.handle).colour)}>
                    <strong>{ &c.handle }</strong>{ " " }<span>{ &c.owned }</span>
                    <span class="pause" title={PAUSE_TITLE}>
                        { format!(" · longest pause {}", format_value(c.longest_pause_ms as f64 / 1000.0, " s")) }
                    </span>
                </li>
            }) }
        </ul>
    }
}
