//! The details under the main view, one tab each: the ownership [`timeline`], the [`protocol`]
//! sequence diagram, the group's [`metrics`] and the selected consumer's [`code`].

pub mod code;
pub mod lag_chart;
pub mod metrics;
pub mod protocol;
pub mod timeline;

use crate::session::explain::consumer::short_member_id;
use crate::sim::Snapshot;
use crate::ui::state::{Dispatch, LaneView, PageAction, Tab};
use code::CodePanel;
use metrics::MetricsPanel;
use protocol::{LaneHead, ProtocolLog};
use std::rc::Rc;
use timeline::Timeline;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TabsProps {
    pub dispatch: Dispatch,
    /// The lane the tabs show: the main one (compare mode's first column).
    pub lane: LaneView,
    /// The group the tabs talk about.
    pub group: String,
    pub tab: Tab,
    pub comparing: bool,
    /// The selected consumer's handle, for the Code tab.
    pub selected: Option<String>,
    pub hide_heartbeats: bool,
    pub selected_message: Option<usize>,
    /// The selected message's fields (see `PageState::selected_fields`).
    #[prop_or_default]
    pub selected_fields: Option<Rc<str>>,
    /// The clock plays (parts out of view may wait to be redrawn).
    #[prop_or_default]
    pub playing: bool,
    /// Controls shown at the end of the tab bar (the export menu).
    #[prop_or_default]
    pub tools: Html,
}

#[function_component(Tabs)]
pub fn tabs(props: &TabsProps) -> Html {
    let lane = &props.lane;
    let group = &props.group;
    // One callback for as long as the dispatcher lives: a new one every frame would make the
    // timeline's props differ and rebuild its hundreds of rows thirty times a second.
    let on_seek = use_callback(props.dispatch.clone(), |t, d| {
        d.dispatch(PageAction::SeekTo(t))
    });
    let tab_button = |tab: Tab, label: &'static str| {
        let dispatch = props.dispatch.clone();
        let open = props.tab == tab;
        html! {
            <button role="tab" aria-selected={open.to_string()} class={classes!("tab", open.then_some("active"))}
                onclick={Callback::from(move |_: MouseEvent| dispatch.dispatch(PageAction::ShowTab(tab)))}>{ label }</button>
        }
    };
    let body = match props.tab {
        Tab::Timeline => {
            html! { <Timeline metrics={lane.metrics.clone()} group={group.clone()} now={lane.metrics.until} id="main" on_seek={on_seek} live={props.playing} /> }
        }
        Tab::Protocol => html! {
            <ProtocolLog dispatch={props.dispatch.clone()} messages={lane.messages.clone()}
                consumers={lane_heads(&lane.snapshot)}
                hide_heartbeats={props.hide_heartbeats} selected={props.selected_message} fields={props.selected_fields.clone()} />
        },
        Tab::Metrics => {
            let lag = lane.lag.iter().find(|c| &c.group == group).cloned();
            html! { <MetricsPanel metrics={lane.metrics.clone()} group={group.clone()} lag={lag} /> }
        }
        Tab::Code => {
            // Copied only when the Code tab shows it, not on every frame of the other tabs.
            let consumer = props
                .selected
                .as_ref()
                .and_then(|h| lane.snapshot.consumers.iter().find(|c| &c.handle == h))
                .cloned();
            html! { <CodePanel consumer={consumer} /> }
        }
    };
    let title = if props.comparing {
        format!("{} (first column)", lane.strategy.label())
    } else {
        format!("group {group}")
    };
    html! {
        <section class="tabs-panel" aria-label="Details">
            <div class="tab-bar" role="tablist" aria-label="Views">
                { tab_button(Tab::Timeline, "Timeline") }
                { tab_button(Tab::Protocol, "Protocol") }
                { tab_button(Tab::Metrics, "Metrics") }
                { tab_button(Tab::Code, "Code") }
                <span class="tab-context">{ title }</span>
            </div>
            // Outside the tablist, which may hold only tabs; placed at the bar's end by the CSS.
            { props.tools.clone() }
            <div class="tab-body" role="tabpanel">{ body }</div>
        </section>
    }
}

/// Each consumer's lane head: its short member id, and the leader mark for the member its group's
/// coordinator names as leader while that process runs (as the card's chip).
pub fn lane_heads(s: &Snapshot) -> Vec<LaneHead> {
    s.consumers
        .iter()
        .map(|c| LaneHead {
            handle: c.handle.clone(),
            short_id: (!c.member_id.is_empty())
                .then(|| short_member_id(&c.member_id, &c.client_id)),
            leader: c.state.is_running()
                && s.groups.iter().any(|g| {
                    g.group_id == c.group && g.leader_consumer.as_deref() == Some(c.handle.as_str())
                }),
        })
        .collect()
}
