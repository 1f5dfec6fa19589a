//! A consumer's card: the client's own view of itself (state, member id, what it owns next to what
//! the coordinator assigned, its session and poll countdowns) and its actions.

use super::meters::{poll_meter, seconds, session_meter};
use crate::session::explain::consumer::{
    card_note, generation_title, leader_title, short_member_id,
};
use crate::session::explain::consumer_group::member_epoch_title;
use crate::sim::consumption::is_idle;
use crate::sim::snapshot::ConsumerSnapshot;
use crate::sim::time::{format_millis, Millis};
use crate::sim::vocab::ConsumerState;
use crate::sim::Action;
use crate::ui::components::consumer::actions::{ConsumerActions, MoreActions, Reach};
use crate::ui::components::consumer::labels::{partition_items, state_label};
use crate::ui::components::consumer::stuck::StuckOnRecordNote;
use crate::ui::components::palette::swatch_for;
use crate::ui::hooks::in_view::use_in_view;
use crate::ui::state::{sentence, Dispatch, NoticeAt, PageAction};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ConsumerCardProps {
    pub dispatch: Dispatch,
    /// Shared with the page state: an unchanged consumer is the same `Rc`, compared by pointer.
    pub consumer: Rc<ConsumerSnapshot>,
    pub now: Millis,
    pub selected: bool,
    /// The leader chip, with the assignor the leader runs ("" if none is selected yet), when the card
    /// carries it (see `group::shows_leader_chip`).
    pub leader: Option<String>,
    pub notice: Option<String>,
    /// The clock plays: out of view, the card keeps the countdowns it last drew.
    #[prop_or_default]
    pub live: bool,
}

/// A card and its place on the page. While the clock plays, a card out of view (most of 50) keeps
/// the moment it last drew: the time of its countdowns and the consumer as it was then, as long as
/// only the consumer's own timing moved (a heartbeat sent, a `poll()`, a deadline pushed back), so
/// its props stay equal and it is not rebuilt every frame; it catches up as it comes near the
/// viewport, and whenever the clock stops. Whatever else changes (state, ownership) is drawn at once.
#[function_component(ConsumerCard)]
pub fn consumer_card(props: &ConsumerCardProps) -> Html {
    let node = use_node_ref();
    let in_view = use_in_view(node.clone());
    let shown = use_mut_ref(|| (props.now, props.consumer.clone()));
    let (now, consumer) = {
        let mut shown = shown.borrow_mut();
        if in_view || !props.live || !same_but_timing(&shown.1, &props.consumer) {
            *shown = (props.now, props.consumer.clone());
        }
        shown.clone()
    };
    html! {
        <CardView node={node} dispatch={props.dispatch.clone()} consumer={consumer} now={now}
            selected={props.selected} leader={props.leader.clone()} notice={props.notice.clone()} />
    }
}

/// Whether two moments of one consumer differ at most in what moves with the clock while it runs
/// undisturbed: when it last sent a heartbeat and polled, and the deadlines these push back. Every
/// field is named, so a new one must be placed on one side or the other.
fn same_but_timing(a: &ConsumerSnapshot, b: &ConsumerSnapshot) -> bool {
    let ConsumerSnapshot {
        handle,
        group,
        incarnation,
        topics,
        config,
        client_id,
        static_id,
        member_id,
        generation,
        rebalance_protocol,
        state,
        is_leader,
        owned,
        assigned_by_coordinator,
        last_heartbeat_sent: _,
        session_deadline: _,
        last_poll: _,
        poll_deadline: _,
        known_partitions,
        next_metadata_refresh: _,
        stopped_at,
        concurrent_modification_at,
        kip848,
        stuck_on_record,
    } = a;
    std::ptr::eq(a, b)
        || (*handle == b.handle
            && *group == b.group
            && *incarnation == b.incarnation
            && *generation == b.generation
            && *rebalance_protocol == b.rebalance_protocol
            && *state == b.state
            && *is_leader == b.is_leader
            && *stopped_at == b.stopped_at
            && *concurrent_modification_at == b.concurrent_modification_at
            && *member_id == b.member_id
            && *static_id == b.static_id
            && *client_id == b.client_id
            && *owned == b.owned
            && *assigned_by_coordinator == b.assigned_by_coordinator
            && *kip848 == b.kip848
            && *stuck_on_record == b.stuck_on_record
            && *topics == b.topics
            && *known_partitions == b.known_partitions
            && *config == b.config)
}

#[derive(Properties, PartialEq)]
struct CardViewProps {
    node: NodeRef,
    dispatch: Dispatch,
    consumer: Rc<ConsumerSnapshot>,
    now: Millis,
    selected: bool,
    leader: Option<String>,
    notice: Option<String>,
}

#[function_component(CardView)]
fn card_view(props: &CardViewProps) -> Html {
    let c = &props.consumer;
    let handle = c.handle.clone();
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
    let running = c.state.is_running();
    let idle = is_idle(c);
    let stop = Callback::from(|e: MouseEvent| e.stop_propagation());
    html! {
        <li ref={props.node.clone()} class={classes!("card", state_class(&c.state), props.selected.then_some("selected"), idle.then_some("idle"))}
            style={swatch_for(&handle).style()} tabindex="0"
            aria-label={format!("Consumer {}", c.handle)}
            aria-current={props.selected.then_some("true")}
            title="Select (click, Enter or Space): the Code tab shows this consumer"
            onclick={select} onkeydown={select_by_key}>
            <CardTop dispatch={props.dispatch.clone()} consumer={c.clone()} leader={props.leader.clone()} idle={idle} />
            if running {
                <div class="meters">
                    { session_meter(c, props.now) }
                    { poll_meter(c, props.now) }
                </div>
            } else {
                { stopped_line(c, props.now) }
                { session_meter(c, props.now) }
            }
            if let Some(note) = card_note(c, props.now) {
                <div class="card-note" role="note" aria-label="What is happening">
                    <p>{ note.text }</p>
                    if !note.more.is_empty() {
                        <details onclick={stop}><summary>{ "Why?" }</summary><p>{ note.more }</p></details>
                    }
                </div>
            }
            if let Some(stuck) = &c.stuck_on_record {
                <StuckOnRecordNote dispatch={props.dispatch.clone()} handle={handle.clone()} stuck={stuck.clone()} />
            }
            <ConsumerActions dispatch={props.dispatch.clone()} handle={handle.clone()} reach={Reach::Card} states={vec![c.state.clone()]} config={c.config.clone()} />
            if let Some(text) = &props.notice {
                <p class="notice" role="alert">{ text }</p>
            }
        </li>
    }
}

#[derive(Properties)]
struct CardTopProps {
    dispatch: Dispatch,
    consumer: Rc<ConsumerSnapshot>,
    leader: Option<String>,
    idle: bool,
}

/// The top draws nothing that moves with the clock, so a consumer that changed only in its timing
/// (most frames of a running consumer: a heartbeat, a `poll()`) leaves it as it is.
impl PartialEq for CardTopProps {
    fn eq(&self, other: &Self) -> bool {
        self.dispatch == other.dispatch
            && self.leader == other.leader
            && self.idle == other.idle
            && same_but_timing(&self.consumer, &other.consumer)
    }
}

/// The part of a card that does not move with the clock (head, member id, ownership): its own
/// component, so the frames in which only the countdowns change do not rebuild it.
#[function_component(CardTop)]
fn card_top(props: &CardTopProps) -> Html {
    let c = &props.consumer;
    let handle = c.handle.clone();
    let on_static = {
        let page = props.dispatch.clone();
        let handle = handle.clone();
        let is_static = c.static_id.is_some();
        Callback::from(move |e: Event| {
            // The box shows the model, not the click: this part is rebuilt only when the consumer
            // changes, so a refused toggle must be put back here (an accepted one re-renders).
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                input.set_checked(is_static);
            }
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
    html! {
        <>
            { card_head(c, props.leader.as_deref(), props.idle) }
            if let Some(why) = fatal_error(&c.state) {
                <p class="fatal-error" role="status" aria-label="Fatal error">{ why }</p>
            }
            { for c.config.warnings().iter().map(|w| html! { <p class="config-warning" role="note" aria-label="Ignored setting">{ sentence(&w.to_string()) }</p> }) }
            <div class="card-id">
                <span class="member-id" title={if c.member_id.is_empty() { String::new() } else if c.kip848.is_some() { format!("{} · {}", c.member_id, member_epoch_title(c.generation)) } else { format!("{} · {}", c.member_id, generation_title(c.generation)) }}>
                    { if c.member_id.is_empty() { "no member id".to_string() } else { format!("{} {} · {}", if c.kip848.is_some() { "epoch" } else { "gen" }, c.generation, short_member_id(&c.member_id, &c.client_id)) } }
                </span>
                <label class="toggle" title="group.instance.id: applies at the next restart" onclick={stop}>
                    <input type="checkbox" aria-label={format!("Static ID for {}", c.handle)} checked={c.static_id.is_some()} onchange={on_static} />
                    // Short, so the member id beside it stays readable at back-row size.
                    { "static" }
                </label>
                if c.state.is_running() {
                    <MoreActions dispatch={props.dispatch.clone()} handle={handle.clone()} config={c.config.clone()} />
                }
            </div>
            <dl class="ownership">
                <div><dt>{ "owns" }</dt><dd aria-label="Owned partitions">{ partition_items(&c.owned) }</dd></div>
                <div><dt title="What the coordinator holds for this member">{ "assigned" }</dt>
                    <dd aria-label="Assigned by the coordinator" class={classes!((c.owned != c.assigned_by_coordinator).then_some("differs"))}>{ partition_items(&c.assigned_by_coordinator) }</dd></div>
                if let Some(k) = &c.kip848 {
                    if !k.to_revoke.is_empty() {
                        <div><dt title="Owned, but no longer in the assignment: revoked in the next poll()">{ "to revoke" }</dt><dd aria-label="To revoke">{ partition_items(&k.to_revoke) }</dd></div>
                    }
                    if !k.to_receive.is_empty() {
                        <div><dt title="In the assignment, not owned yet: taken in the next poll()">{ "to receive" }</dt><dd aria-label="To receive">{ partition_items(&k.to_receive) }</dd></div>
                    }
                }
            </dl>
        </>
    }
}

/// Name, chips and state on one line; a stopped process gets a cross instead of its colour dot.
fn card_head(c: &ConsumerSnapshot, leader: Option<&str>, idle: bool) -> Html {
    let swatch = swatch_for(&c.handle);
    html! {
        <div class="card-head">
            if c.state.is_running() {
                <span class={classes!("dot", swatch.pattern)} aria-hidden="true"></span>
            } else {
                <span class="cross" aria-hidden="true">{ "✕" }</span>
            }
            <strong class="name">{ &c.handle }</strong>
            if let Some(assignor) = leader { <span class="chip leader" aria-label="Group leader" title={leader_title(Some(assignor).filter(|a| !a.is_empty()))}>{ "leader" }</span> }
            if c.static_id.is_some() { <span class="chip static" title={c.static_id.clone().unwrap_or_default()}>{ "static" }</span> }
            if idle { <span class="chip idle-chip">{ "idle" }</span> }
            <span class="state" aria-label="Consumer state">{ state_label(&c.state) }</span>
        </div>
    }
}

/// How long a closed, failed (closed on the way out) or killed process has been gone: the gap the
/// coordinator's countdown has to cover.
fn stopped_line(c: &ConsumerSnapshot, now: Millis) -> Html {
    let Some(at) = c.stopped_at else {
        return html! {};
    };
    let how = match c.state {
        ConsumerState::Closed => "closed",
        ConsumerState::Failed(_) => "failed",
        _ => "killed",
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
        ConsumerState::Rejoining | ConsumerState::Reconciling | ConsumerState::Closing => {
            "st-revoking"
        }
        ConsumerState::Stalled => "st-stalled",
        ConsumerState::Dead | ConsumerState::Closed => "st-dead",
        ConsumerState::Fenced(_) | ConsumerState::Failed(_) | ConsumerState::Hung(_) => "st-fenced",
    }
}

/// The error that ended the consumer, told in full under its name: Kafka's explanations are long.
fn fatal_error(state: &ConsumerState) -> Option<&str> {
    match state {
        ConsumerState::Fenced(why) | ConsumerState::Failed(why) | ConsumerState::Hung(why) => {
            Some(why)
        }
        _ => None,
    }
}
