//! One consumer group: the coordinator's view in the header (state, generation, protocol, leader)
//! and a card per consumer with the client's own view and its controls.

use super::palette::swatch_for;
use super::state::{Dispatch, Notice, NoticeAt, PageAction};
use crate::sim::assign::{RebalanceProtocol, TopicPartition};
use crate::sim::client::ConsumerState;
use crate::sim::snapshot::{ConsumerSnapshot, GroupSnapshot};
use crate::sim::time::Millis;
use crate::sim::world::{Action, InstanceIdChange};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Stall lengths offered on a card; the last is beyond the 5-minute default max.poll.interval.ms.
const STALL_CHOICES: [(Millis, &str); 5] = [
    (5_000, "5 s"),
    (15_000, "15 s"),
    (40_000, "40 s"),
    (90_000, "90 s"),
    (330_000, "5.5 min"),
];

#[derive(Properties, PartialEq)]
pub struct GroupPanelProps {
    pub dispatch: Dispatch,
    /// The coordinator's state; `None` before any member reached the coordinator.
    pub group: Option<GroupSnapshot>,
    pub group_id: String,
    pub consumers: Vec<ConsumerSnapshot>,
    pub now: Millis,
    pub selected: Option<String>,
    pub notice: Option<Notice>,
}

#[function_component(GroupPanel)]
pub fn group_panel(props: &GroupPanelProps) -> Html {
    html! {
        <section class="group-panel" aria-label={format!("Group {}", props.group_id)}>
            { group_header(&props.group_id, props.group.as_ref()) }
            <ul class="cards" aria-label={format!("Consumers of {}", props.group_id)}>
                { for props.consumers.iter().map(|c| html! {
                    <ConsumerCard dispatch={props.dispatch.clone()} consumer={c.clone()} now={props.now}
                        selected={props.selected.as_deref() == Some(c.handle.as_str())}
                        notice={props.notice.as_ref().filter(|n| n.at == NoticeAt::Consumer(c.handle.clone())).map(|n| n.text.clone())} />
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
    // The leader is the first member to join; it alone runs the assignor and sees every subscription.
    let leader = match (&g.leader_consumer, &g.selected_assignor) {
        (Some(c), Some(a)) => format!("{c} · runs {a}"),
        (Some(c), None) => c.clone(),
        (None, _) => "none".into(),
    };
    html! {
        <div class="group-head">
            <h2 class="group-title">{ format!("Group {group_id}") }</h2>
            <dl class="group-facts">
                <div><dt>{ "state" }</dt><dd class={classes!("state-chip", state.to_lowercase())} aria-label="Group state">{ state.clone() }</dd></div>
                <div><dt>{ "generation" }</dt><dd class="big-number" aria-label="Generation">{ g.generation }</dd></div>
                <div><dt>{ "protocol" }</dt><dd>{ protocol }</dd></div>
                <div><dt>{ "assignor" }</dt><dd>{ g.selected_assignor.clone().unwrap_or_else(|| "—".into()) }</dd></div>
                <div><dt>{ "leader" }</dt><dd aria-label="Leader">{ leader }</dd></div>
            </dl>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ConsumerCardProps {
    pub dispatch: Dispatch,
    pub consumer: ConsumerSnapshot,
    pub now: Millis,
    pub selected: bool,
    pub notice: Option<String>,
}

#[function_component(ConsumerCard)]
pub fn consumer_card(props: &ConsumerCardProps) -> Html {
    let c = &props.consumer;
    let handle = c.handle.clone();
    let swatch = swatch_for(&handle);
    let stall_ms = use_state(|| STALL_CHOICES[2].0);
    let act = |make: fn(&str, Millis) -> Action| {
        let page = props.dispatch.clone();
        let handle = handle.clone();
        let stall_ms = *stall_ms;
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            page.dispatch(PageAction::Do(
                make(&handle, stall_ms),
                NoticeAt::Consumer(handle.clone()),
            ));
        })
    };
    let select = {
        let page = props.dispatch.clone();
        let handle = handle.clone();
        Callback::from(move |_: MouseEvent| page.dispatch(PageAction::Select(handle.clone())))
    };
    let on_stall_choice = {
        let stall_ms = stall_ms.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(ms) = s.value().parse() {
                stall_ms.set(ms);
            }
        })
    };
    let on_static = {
        let page = props.dispatch.clone();
        let handle = handle.clone();
        let is_static = c.static_id.is_some();
        Callback::from(move |_: Event| {
            let value = if is_static {
                String::new()
            } else {
                format!("{handle}-instance")
            };
            page.dispatch(PageAction::Do(
                Action::SetConsumerConfig {
                    consumer: handle.clone(),
                    name: "group.instance.id".into(),
                    value,
                },
                NoticeAt::Consumer(handle.clone()),
            ));
        })
    };
    let state_class = state_class(&c.state);
    let running = c.state.is_running();
    let idle = running && c.owned.is_empty() && matches!(c.state, ConsumerState::Stable);
    html! {
        <li class={classes!("card", state_class, props.selected.then_some("selected"), idle.then_some("idle"))}
            style={format!("--owner:{}", swatch.colour)}
            aria-label={format!("Consumer {}", c.handle)} onclick={select}>
            <div class="card-head">
                <span class={classes!("dot", swatch.pattern)} aria-hidden="true"></span>
                <strong class="name">{ &c.handle }</strong>
                if c.is_leader { <span class="chip leader" title="First to join: runs the assignor">{ "leader" }</span> }
                if c.static_id.is_some() { <span class="chip static" title={c.static_id.clone().unwrap_or_default()}>{ "static" }</span> }
                if idle { <span class="chip idle-chip">{ "idle" }</span> }
                <span class="state" aria-label="Consumer state">{ state_label(&c.state) }</span>
            </div>
            if let Some(why) = fatal_error(&c.state) {
                <p class="fatal-error" role="status" aria-label="Fatal error">{ why }</p>
            }
            <div class="member-id" title={c.member_id.clone()}>
                { if c.member_id.is_empty() { "no member id".to_string() } else { format!("{} · gen {}", short_member_id(&c.member_id), c.generation) } }
            </div>
            <dl class="ownership">
                <div><dt>{ "owns" }</dt><dd aria-label="Owned partitions">{ partition_list(&c.owned) }</dd></div>
                <div><dt title="What the coordinator holds for this member">{ "assigned" }</dt>
                    <dd aria-label="Assigned by the coordinator" class={classes!((c.owned != c.assigned_by_coordinator).then_some("differs"))}>{ partition_list(&c.assigned_by_coordinator) }</dd></div>
            </dl>
            if running {
                { session_bar(c, props.now) }
                { poll_bar(c, props.now) }
            }
            <div class="card-actions" role="group" aria-label={format!("Actions for {}", c.handle)}>
                <button aria-label={format!("Close {}", c.handle)} title="consumer.close(): commit, revoke, LeaveGroup" onclick={act(|h, _| Action::CloseConsumer { consumer: h.into() })}>{ "Close" }</button>
                <button class="danger" aria-label={format!("Kill {}", c.handle)} title="kill -9: silence until the session expires" onclick={act(|h, _| Action::KillConsumer { consumer: h.into() })}>{ "Kill" }</button>
                <span class="stall">
                    <button aria-label={format!("Stall {}", c.handle)} title="Stop calling poll() for a while; the heartbeat thread keeps running" onclick={act(|h, ms| Action::StallConsumer { consumer: h.into(), ms })}>{ "Stall" }</button>
                    <select aria-label={format!("Stall length for {}", c.handle)} onchange={on_stall_choice} onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
                        { for STALL_CHOICES.iter().map(|(ms, label)| html! { <option value={ms.to_string()} selected={*ms == *stall_ms}>{ *label }</option> }) }
                    </select>
                </span>
                <button aria-label={format!("Restart {}", c.handle)} title="Start the process again" onclick={act(|h, _| Action::RestartConsumer { consumer: h.into(), group_instance_id: InstanceIdChange::Keep })}>{ "Restart" }</button>
                <label class="toggle" onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
                    <input type="checkbox" aria-label={format!("Static ID for {}", c.handle)} checked={c.static_id.is_some()} onchange={on_static} />
                    { "Static ID" }
                </label>
            </div>
            if let Some(text) = &props.notice {
                <p class="notice" role="alert">{ text }</p>
            }
        </li>
    }
}

fn state_class(state: &ConsumerState) -> &'static str {
    match state {
        ConsumerState::Stable => "st-stable",
        ConsumerState::Joining | ConsumerState::Syncing | ConsumerState::Unjoined => "st-joining",
        ConsumerState::Rejoining | ConsumerState::Closing => "st-revoking",
        ConsumerState::Stalled => "st-stalled",
        ConsumerState::Dead | ConsumerState::Closed => "st-dead",
        ConsumerState::Fenced(_) | ConsumerState::Failed(_) => "st-fenced",
    }
}

fn state_label(state: &ConsumerState) -> String {
    match state {
        ConsumerState::Unjoined => "unjoined".into(),
        ConsumerState::Joining => "joining".into(),
        ConsumerState::Syncing => "syncing".into(),
        ConsumerState::Stable => "stable".into(),
        ConsumerState::Rejoining => "revoking / rejoining".into(),
        ConsumerState::Stalled => "stalled".into(),
        ConsumerState::Dead => "dead".into(),
        ConsumerState::Closing => "closing".into(),
        ConsumerState::Closed => "closed".into(),
        ConsumerState::Fenced(_) => "fenced".into(),
        ConsumerState::Failed(_) => "failed".into(),
    }
}

/// The error that ended the consumer, told in full under its name: Kafka's explanations are long.
fn fatal_error(state: &ConsumerState) -> Option<&str> {
    match state {
        ConsumerState::Fenced(why) | ConsumerState::Failed(why) => Some(why),
        _ => None,
    }
}

/// `consumer-orders-app-1-bdd73226-2feb-…` is long; the card shows the client id and the UUID's start.
fn short_member_id(id: &str) -> String {
    match id.char_indices().nth(34) {
        Some((cut, _)) => format!("{}…", &id[..cut]),
        None => id.to_string(),
    }
}

pub fn partition_list(partitions: &[TopicPartition]) -> String {
    if partitions.is_empty() {
        return "—".into();
    }
    let single_topic = partitions.windows(2).all(|w| w[0].topic == w[1].topic);
    partitions
        .iter()
        .map(|tp| {
            if single_topic {
                format!("P{}", tp.partition)
            } else {
                tp.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The coordinator's session deadline against `session.timeout.ms`: how long until it would expire.
/// The heart beats when a heartbeat has just gone out.
fn session_bar(c: &ConsumerSnapshot, now: Millis) -> Html {
    let total = c.config.session_timeout_ms.max(1);
    let just_beat = c
        .last_heartbeat_sent
        .is_some_and(|t| now.saturating_sub(t) < (c.config.heartbeat_interval_ms / 5).max(200));
    match c.session_deadline {
        Some(deadline) => {
            let left = deadline.saturating_sub(now);
            countdown(
                if just_beat { "session beat" } else { "session" },
                "♥",
                left,
                total,
                "Session time left",
                "session expires unless a heartbeat arrives",
            )
        }
        None => html! { <div class="meter muted">{ "♥ no session at the coordinator" }</div> },
    }
}

/// `max.poll.interval.ms` since the last `poll()`.
fn poll_bar(c: &ConsumerSnapshot, now: Millis) -> Html {
    let total = c.config.max_poll_interval_ms.max(1);
    match c.poll_deadline {
        Some(deadline) => countdown(
            "poll",
            "⟳",
            deadline.saturating_sub(now),
            total,
            "Poll time left",
            "poll",
        ),
        None => html! { <div class="meter muted">{ "⟳ inside poll()" }</div> },
    }
}

fn countdown(
    kind: &'static str,
    icon: &str,
    left: Millis,
    total: Millis,
    label: &str,
    what: &str,
) -> Html {
    let fraction = (left as f64 / total as f64).clamp(0.0, 1.0);
    let low = fraction < 0.25;
    html! {
        <div class={classes!("meter", kind, low.then_some("low"))} aria-label={label.to_string()} title={format!("{what}: {:.1} s left of {:.1} s", left as f64 / 1000.0, total as f64 / 1000.0)}>
            <span class="meter-icon" aria-hidden="true">{ icon }</span>
            <span class="meter-track"><span class="meter-fill" style={format!("width:{:.1}%", fraction * 100.0)}></span></span>
            <span class="meter-text">{ format!("{:.1} s", left as f64 / 1000.0) }</span>
        </div>
    }
}
