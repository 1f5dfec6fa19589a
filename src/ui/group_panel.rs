//! One consumer group: the coordinator's view in the header (state, generation, protocol, leader)
//! and a card per consumer with the client's own view and its controls.

use super::palette::swatch_for;
use super::state::{Dispatch, Notice, NoticeAt, PageAction};
use crate::sim::assign::{RebalanceProtocol, TopicPartition};
use crate::sim::client::ConsumerState;
use crate::sim::consumption::is_idle;
use crate::sim::snapshot::{ConsumerSnapshot, GroupSnapshot};
use crate::sim::time::{format_millis, Millis};
use crate::sim::world::{Action, InstanceIdChange};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Stall lengths offered on a card; the last is beyond the 5-minute default max.poll.interval.ms.
pub const STALL_CHOICES: [(Millis, &str); 5] = [
    (5_000, "5 s"),
    (15_000, "15 s"),
    (40_000, "40 s"),
    (90_000, "90 s"),
    (330_000, "5.5 min"),
];

/// The stall length a consumer's controls offer, remembered per card or row.
#[hook]
pub fn use_stall_length() -> UseStateHandle<Millis> {
    use_state(|| STALL_CHOICES[2].0)
}

/// The <select> of stall lengths for `handle`, writing the choice into `stall_ms`.
pub fn stall_select(handle: &str, stall_ms: &UseStateHandle<Millis>) -> Html {
    let on_change = {
        let stall_ms = stall_ms.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(ms) = s.value().parse() {
                stall_ms.set(ms);
            }
        })
    };
    // A click on the select chooses a length; it does not also select the card.
    let stop = Callback::from(|e: MouseEvent| e.stop_propagation());
    html! {
        <select aria-label={format!("Stall length for {handle}")} title="How long to stall" onchange={on_change} onclick={stop}>
            { for STALL_CHOICES.iter().map(|(ms, label)| html! { <option value={ms.to_string()} selected={*ms == **stall_ms}>{ *label }</option> }) }
        </select>
    }
}

/// A button's click: the action `make` builds for `handle` (with the chosen stall length), with a
/// refusal shown next to that consumer. The click does not also select the card.
pub fn consumer_action(
    dispatch: &Dispatch,
    handle: &str,
    stall_ms: Millis,
    make: fn(&str, Millis) -> Action,
) -> Callback<MouseEvent> {
    let page = dispatch.clone();
    let handle = handle.to_string();
    Callback::from(move |e: MouseEvent| {
        e.stop_propagation();
        page.dispatch(PageAction::Do(
            make(&handle, stall_ms),
            NoticeAt::Consumer(handle.clone()),
        ));
    })
}

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
                        leader={shows_leader_chip(props.group.as_ref(), c)}
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
    /// Whether the card carries the leader chip (see [`shows_leader_chip`]).
    pub leader: bool,
    pub notice: Option<String>,
}

/// The chip goes to the member the coordinator names as leader, and only while that process runs:
/// a closed or killed client still remembers it led, but it no longer assigns anything.
fn shows_leader_chip(group: Option<&GroupSnapshot>, c: &ConsumerSnapshot) -> bool {
    c.state.is_running()
        && group.and_then(|g| g.leader_consumer.as_deref()) == Some(c.handle.as_str())
}

#[function_component(ConsumerCard)]
pub fn consumer_card(props: &ConsumerCardProps) -> Html {
    let c = &props.consumer;
    let handle = c.handle.clone();
    let stall_ms = use_stall_length();
    let act = |make| consumer_action(&props.dispatch, &handle, *stall_ms, make);
    let select = {
        let page = props.dispatch.clone();
        let handle = handle.clone();
        Callback::from(move |_: MouseEvent| page.dispatch(PageAction::Select(handle.clone())))
    };
    let select_by_key = {
        let page = props.dispatch.clone();
        let handle = handle.clone();
        Callback::from(move |e: KeyboardEvent| {
            // Only the focused card itself: Enter on its Close button closes, it does not select.
            let on_card = e
                .target_dyn_into::<web_sys::Element>()
                .is_some_and(|t| t.tag_name() == "LI");
            if on_card && matches!(e.key().as_str(), "Enter" | " ") {
                // Space would otherwise scroll the page, and the page's own Space plays or pauses.
                e.prevent_default();
                page.dispatch(PageAction::Select(handle.clone()));
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
    let stop = Callback::from(|e: MouseEvent| e.stop_propagation());
    let running = c.state.is_running();
    let idle = is_idle(c);
    html! {
        <li class={classes!("card", state_class(&c.state), props.selected.then_some("selected"), idle.then_some("idle"))}
            style={swatch_for(&handle).style()} tabindex="0"
            aria-label={format!("Consumer {}", c.handle)}
            aria-current={props.selected.then_some("true")}
            title="Select (click, Enter or Space): the Code tab shows this consumer"
            onclick={select} onkeydown={select_by_key}>
            { card_head(c, props.leader, idle) }
            if let Some(why) = fatal_error(&c.state) {
                <p class="fatal-error" role="status" aria-label="Fatal error">{ why }</p>
            }
            <div class="card-id">
                <span class="member-id" title={c.member_id.clone()}>
                    { if c.member_id.is_empty() { "no member id".to_string() } else { format!("gen {} · {}", c.generation, short_member_id(&c.member_id, &c.client_id)) } }
                </span>
                <label class="toggle" title="group.instance.id: applies at the next restart" onclick={stop.clone()}>
                    <input type="checkbox" aria-label={format!("Static ID for {}", c.handle)} checked={c.static_id.is_some()} onchange={on_static} />
                    { "Static ID" }
                </label>
            </div>
            <dl class="ownership">
                <div><dt>{ "owns" }</dt><dd aria-label="Owned partitions">{ partition_list(&c.owned) }</dd></div>
                <div><dt title="What the coordinator holds for this member">{ "assigned" }</dt>
                    <dd aria-label="Assigned by the coordinator" class={classes!((c.owned != c.assigned_by_coordinator).then_some("differs"))}>{ partition_list(&c.assigned_by_coordinator) }</dd></div>
            </dl>
            if running {
                <div class="meters">
                    { session_meter(c, props.now) }
                    { poll_meter(c, props.now) }
                </div>
            } else {
                { stopped_line(c, props.now) }
                { session_meter(c, props.now) }
            }
            // Only the actions that apply, so they fit one row: a running process can be closed or
            // killed, a stopped one restarted. Stall stays on both: on a stopped consumer it is
            // refused with the reason, which is itself a lesson.
            <div class="card-actions" role="group" aria-label={format!("Actions for {}", c.handle)}>
                // A stopped card keeps Kill: a second click on a dead member is explained, not hidden.
                if running {
                    <button aria-label={format!("Close {}", c.handle)} title="consumer.close(): commit, revoke, LeaveGroup" onclick={act(|h, _| Action::CloseConsumer { consumer: h.into() })}>{ "Close" }</button>
                }
                <button class="danger" aria-label={format!("Kill {}", c.handle)} title="kill -9: silence until the session expires" onclick={act(|h, _| Action::KillConsumer { consumer: h.into() })}>{ "Kill" }</button>
                if running {
                    <span class="stall">
                        <button aria-label={format!("Stall {}", c.handle)} title="Stop calling poll() for a while; the heartbeat thread keeps running" onclick={act(|h, ms| Action::StallConsumer { consumer: h.into(), ms })}>{ "Stall" }</button>
                        { stall_select(&c.handle, &stall_ms) }
                    </span>
                } else {
                    <button aria-label={format!("Restart {}", c.handle)} title="Start the process again" onclick={act(|h, _| Action::RestartConsumer { consumer: h.into(), group_instance_id: InstanceIdChange::Keep })}>{ "Restart" }</button>
                }
            </div>
            if let Some(text) = &props.notice {
                <p class="notice" role="alert">{ text }</p>
            }
        </li>
    }
}

/// Name, chips and state on one line; a stopped process gets a cross instead of its colour dot.
fn card_head(c: &ConsumerSnapshot, leader: bool, idle: bool) -> Html {
    let swatch = swatch_for(&c.handle);
    html! {
        <div class="card-head">
            if c.state.is_running() {
                <span class={classes!("dot", swatch.pattern)} aria-hidden="true"></span>
            } else {
                <span class="cross" aria-hidden="true">{ "✕" }</span>
            }
            <strong class="name">{ &c.handle }</strong>
            if leader { <span class="chip leader" aria-label="Group leader" title="Named leader by the coordinator: runs the assignor">{ "leader" }</span> }
            if c.static_id.is_some() { <span class="chip static" title={c.static_id.clone().unwrap_or_default()}>{ "static" }</span> }
            if idle { <span class="chip idle-chip">{ "idle" }</span> }
            <span class="state" aria-label="Consumer state">{ state_label(&c.state) }</span>
        </div>
    }
}

/// How long a closed or killed process has been gone: the gap the coordinator's countdown has to cover.
fn stopped_line(c: &ConsumerSnapshot, now: Millis) -> Html {
    let Some(at) = c.stopped_at else {
        return html! {};
    };
    let how = if c.state == ConsumerState::Closed {
        "closed"
    } else {
        "killed"
    };
    html! {
        <div class="stopped-since" aria-label="Stopped since" title={format!("{how} at {}", format_millis(at))}>
            { format!("{how} {:.1} s ago", seconds(now.saturating_sub(at))) }
        </div>
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
        ConsumerState::Rejoining => "revoking / rejoining".into(),
        other => state_word(other).into(),
    }
}

/// One word per state, where space is short (compare mode's rows).
pub fn state_word(state: &ConsumerState) -> &'static str {
    match state {
        ConsumerState::Unjoined => "unjoined",
        ConsumerState::Joining => "joining",
        ConsumerState::Syncing => "syncing",
        ConsumerState::Stable => "stable",
        ConsumerState::Rejoining => "revoking",
        ConsumerState::Stalled => "stalled",
        ConsumerState::Dead => "dead",
        ConsumerState::Closing => "closing",
        ConsumerState::Closed => "closed",
        ConsumerState::Fenced(_) => "fenced",
        ConsumerState::Failed(_) => "failed",
    }
}

/// The error that ended the consumer, told in full under its name: Kafka's explanations are long.
fn fatal_error(state: &ConsumerState) -> Option<&str> {
    match state {
        ConsumerState::Fenced(why) | ConsumerState::Failed(why) => Some(why),
        _ => None,
    }
}

/// A member id is `{client.id or group.instance.id}-{UUID}`, too long for a card (the generation
/// goes first, so it is what stays visible). The UUID's first
/// 8 characters are enough to see it change on a restart; the client id is the same for every
/// dynamic member of the page, so only a static member's instance id is kept. The full id is the title.
fn short_member_id(id: &str, client_id: &str) -> String {
    const UUID_LEN: usize = 36;
    let Some(cut) = id.len().checked_sub(UUID_LEN + 1) else {
        return id.to_string();
    };
    let (Some(prefix), Some(uuid)) = (id.get(..cut), id.get(cut + 1..)) else {
        return id.to_string();
    };
    let start = uuid.get(..8).unwrap_or(uuid);
    if prefix == client_id {
        format!("{start}…")
    } else {
        format!("{prefix}-{start}…")
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

fn seconds(ms: Millis) -> f64 {
    ms as f64 / 1000.0
}

/// The coordinator's countdown for this member: `session.timeout.ms` from the last heartbeat it heard.
/// Shown whenever the coordinator still holds the member, also for a killed one: a crash is noticed
/// only when this runs out. The heart beats when a heartbeat has just gone out.
fn session_meter(c: &ConsumerSnapshot, now: Millis) -> Html {
    let Some(deadline) = c.session_deadline else {
        return html! { <div class="meter muted">{ "♥ no session at the coordinator" }</div> };
    };
    let left = deadline.saturating_sub(now);
    let just_beat = c.state.is_running()
        && c.last_heartbeat_sent
            .is_some_and(|t| now.saturating_sub(t) < (c.config.heartbeat_interval_ms / 5).max(200));
    // A running card has two meters side by side, so its text stays short; a stopped one has room
    // to say whose countdown it is.
    let text = if c.state.is_running() {
        format!("{:.1} s", seconds(left))
    } else {
        format!("session expires in {:.1} s", seconds(left))
    };
    countdown(Meter {
        kind: if just_beat { "session beat" } else { "session" },
        icon: "♥",
        left,
        total: c.config.session_timeout_ms,
        label: "Session time left",
        title: format!(
            "The coordinator expires {}'s session in {:.1} s unless a heartbeat arrives (session.timeout.ms {:.1} s)",
            c.handle,
            seconds(left),
            seconds(c.config.session_timeout_ms)
        ),
        text,
    })
}

/// `max.poll.interval.ms` since the last `poll()`.
fn poll_meter(c: &ConsumerSnapshot, now: Millis) -> Html {
    let Some(deadline) = c.poll_deadline else {
        return html! { <div class="meter muted">{ "⟳ in poll()" }</div> };
    };
    let left = deadline.saturating_sub(now);
    countdown(Meter {
        kind: "poll",
        icon: "⟳",
        left,
        total: c.config.max_poll_interval_ms,
        label: "Poll time left",
        title: format!(
            "The next poll() is due within {:.1} s (max.poll.interval.ms {:.1} s)",
            seconds(left),
            seconds(c.config.max_poll_interval_ms)
        ),
        text: format!("{:.1} s", seconds(left)),
    })
}

struct Meter {
    kind: &'static str,
    icon: &'static str,
    left: Millis,
    total: Millis,
    label: &'static str,
    title: String,
    text: String,
}

fn countdown(m: Meter) -> Html {
    let fraction = (m.left as f64 / m.total.max(1) as f64).clamp(0.0, 1.0);
    let low = fraction < 0.25;
    html! {
        <div class={classes!("meter", m.kind, low.then_some("low"))} aria-label={m.label} title={m.title}>
            <span class="meter-icon" aria-hidden="true">{ m.icon }</span>
            <span class="meter-track"><span class="meter-fill" style={format!("width:{:.1}%", fraction * 100.0)}></span></span>
            <span class="meter-text">{ m.text }</span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::short_member_id;

    #[test]
    fn a_member_id_is_shortened_to_what_tells_members_apart() {
        let uuid = "63cbe1e4-5935-4c5e-9a1b-0123456789ab";
        let client = "consumer-orders-app-1";
        assert_eq!(
            short_member_id(&format!("{client}-{uuid}"), client),
            "63cbe1e4…"
        );
        assert_eq!(
            short_member_id(&format!("c1-instance-{uuid}"), client),
            "c1-instance-63cbe1e4…"
        );
        assert_eq!(short_member_id("short", client), "short");
    }
}
