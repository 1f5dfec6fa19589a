//! One consumer group: the coordinator's view in the header (state, generation, protocol, leader)
//! and a [`card`] per consumer with the client's own view and its controls.

pub mod card;
mod consumer_group;
mod meters;

use crate::session::explain::consumer::leader_title;
use crate::session::explain::group::{group_note, member_order};
use crate::sim::assign::RebalanceProtocol;
use crate::sim::snapshot::{ConsumerGroupSnapshot, ConsumerSnapshot, GroupSnapshot};
use crate::sim::time::Millis;
use crate::ui::state::{Dispatch, Notice, NoticeAt};
use card::ConsumerCard;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct GroupPanelProps {
    pub dispatch: Dispatch,
    /// The coordinator's state; `None` before any member reached the coordinator.
    pub group: Option<GroupSnapshot>,
    /// The KIP-848 coordinator's state, for a `group.protocol=consumer` group.
    #[prop_or_default]
    pub consumer_group: Option<ConsumerGroupSnapshot>,
    pub group_id: String,
    /// Shared with the page state (see `LaneView::consumers`): an unchanged consumer is the same `Rc`.
    pub consumers: Vec<Rc<ConsumerSnapshot>>,
    pub now: Millis,
    pub selected: Option<String>,
    pub notice: Option<Notice>,
    /// Said on screen when nothing happens (a static member back without a rebalance).
    #[prop_or_default]
    pub callout: Option<String>,
    /// The clock plays: cards out of view keep their countdowns as they were (see `ConsumerCard`).
    #[prop_or_default]
    pub playing: bool,
}

#[function_component(GroupPanel)]
pub fn group_panel(props: &GroupPanelProps) -> Html {
    html! {
        <section class="group-panel" aria-label={format!("Group {}", props.group_id)}>
            if let Some(g) = &props.consumer_group {
                { consumer_group::consumer_group_header(g) }
            } else {
                { group_header(&props.group_id, props.group.as_ref()) }
            }
            if let Some(text) = &props.callout {
                <p class="quiet-callout" role="status" aria-label="Nothing happened">{ text }</p>
            }
            <ul class="cards" aria-label={format!("Consumers of {}", props.group_id)}>
                { for props.consumers.iter().map(|c| html! {
                    <ConsumerCard dispatch={props.dispatch.clone()} consumer={c.clone()} now={props.now} live={props.playing}
                        selected={props.selected.as_deref() == Some(c.handle.as_str())}
                        leader={shows_leader_chip(props.group.as_ref(), c).then(|| props.group.as_ref().and_then(|g| g.selected_assignor.clone()).unwrap_or_default())}
                        notice={Notice::text_at(props.notice.as_ref(), &NoticeAt::Consumer(c.handle.clone()))} />
                }) }
            </ul>
        </section>
    }
}

fn group_header(group_id: &str, group: Option<&GroupSnapshot>) -> Html {
    let Some(g) = group else {
        return html! { <h2 class="group-title">{ format!("Group {group_id}") }<span class="chip">{ "not created yet" }</span></h2> };
    };
    let protocol = match g.rebalance_protocol {
        Some(RebalanceProtocol::Eager) => "eager",
        Some(RebalanceProtocol::Cooperative) => "cooperative",
        None => "—",
    };
    let state = format!("{:?}", g.state);
    // The leader runs the assignor; its title says so, to keep the facts on one projector line.
    let leader = g.leader_consumer.clone().unwrap_or_else(|| "none".into());
    let leader_title = leader_title(g.selected_assignor.as_deref());
    html! {
        <div class="group-head">
            <h2 class="group-title">{ format!("Group {group_id}") }</h2>
            <dl class="group-facts">
                <div><dt>{ "state" }</dt><dd class={classes!("state-chip", state.to_ascii_lowercase())} aria-label="Group state">{ state.clone() }</dd></div>
                <div><dt>{ "generation" }</dt><dd class="big-number" aria-label="Generation">{ g.generation }</dd></div>
                <div><dt>{ "protocol" }</dt><dd>{ protocol }</dd></div>
                <div><dt>{ "assignor" }</dt><dd>{ g.selected_assignor.clone().unwrap_or_else(|| "—".into()) }</dd></div>
                <div><dt>{ "leader" }</dt><dd aria-label="Leader" title={leader_title}>{ leader }</dd></div>
                if let Some((order, why)) = member_order(g) {
                    <div><dt title={why.clone()}>{ "order" }</dt><dd class="member-order" aria-label="Assignor order" title={why}>{ order }</dd></div>
                }
            </dl>
            if let Some(note) = group_note(g) {
                <p class="group-note" role="note" aria-label="Rebalance in progress">{ note }</p>
            }
        </div>
    }
}

/// The chip goes to the member the coordinator names as leader, and only while that process runs:
/// a closed or killed client still remembers it led, but it no longer assigns anything.
fn shows_leader_chip(group: Option<&GroupSnapshot>, c: &ConsumerSnapshot) -> bool {
    c.state.is_running()
        && group.and_then(|g| g.leader_consumer.as_deref()) == Some(c.handle.as_str())
}
