//! The protocol view: a sequence diagram with a lane for the coordinator and each consumer, one arrow
//! per request or response (error codes on the arrow), heartbeats faint and hideable, and the fields
//! of a message on click (or Enter/Space on a focused arrow).

use crate::session::explain::errors::error_note;
use crate::sim::time::format_millis;
use crate::ui::components::palette::swatch_for;
use crate::ui::hooks::width::use_width;
use crate::ui::state::{Dispatch, MessageRow, PageAction};
use std::rc::Rc;
use yew::prelude::*;

const ROWS_SHOWN: usize = 36;
/// The narrowest a lane gets; wider ones share out the container's width. Narrow enough that a
/// 1280×720 projector shows seven consumers without a sideways scrollbar: labels wider than a lane
/// are kept clear of the time column and the right edge instead (see `label_x`).
const MIN_LANE_W: f64 = 72.0;
/// Rough advance of one character of a 12.5 px bold arrow label: generous, so clamped labels never
/// reach the time column.
const LABEL_CHAR_W: f64 = 7.4;
const ROW_H: f64 = 26.0;
const TIME_W: f64 = 90.0;
const HEAD_H: f64 = 56.0;

#[derive(Properties, PartialEq)]
pub struct ProtocolLogProps {
    pub dispatch: Dispatch,
    pub messages: Rc<Vec<MessageRow>>,
    /// The consumers' lanes, in order.
    pub consumers: Vec<LaneHead>,
    pub hide_heartbeats: bool,
    pub selected: Option<usize>,
    /// The selected message's fields, written when it was selected (see `PageState::select_message`).
    #[prop_or_default]
    pub fields: Option<Rc<str>>,
}

/// What a consumer's lane is headed with: its handle, its member id cut to what tells members apart
/// (`session::explain::consumer::short_member_id`), and whether it leads its group.
#[derive(Clone, Debug, PartialEq)]
pub struct LaneHead {
    pub handle: String,
    pub short_id: Option<String>,
    pub leader: bool,
}

#[function_component(ProtocolLog)]
pub fn protocol_log(props: &ProtocolLogProps) -> Html {
    let wrap = use_node_ref();
    let available = use_width(wrap.clone(), 1000.0);
    let shown: Vec<&MessageRow> = {
        let mut rows: Vec<&MessageRow> = props
            .messages
            .iter()
            // Hidden heartbeats still show when they carry an error such as REBALANCE_IN_PROGRESS:
            // that answer is how members learn of a rebalance.
            .filter(|m| !(props.hide_heartbeats && m.background))
            .collect();
        let skip = rows.len().saturating_sub(ROWS_SHOWN);
        rows.drain(..skip);
        rows
    };
    let mut lanes = vec![LaneHead {
        handle: "coordinator".to_string(),
        short_id: None,
        leader: false,
    }];
    lanes.extend(props.consumers.iter().cloned());
    // The SVG is drawn at its container's width (one unit = one px, so 13 px labels stay 13 px);
    // with many consumers it gets wider than that and scrolls sideways.
    let lane_w = ((available - TIME_W) / lanes.len() as f64).max(MIN_LANE_W);
    let lane_x = |name: &str| -> f64 {
        let base = name.split('#').next().unwrap_or(name);
        let i = lanes.iter().position(|l| l.handle == base).unwrap_or(0);
        TIME_W + lane_w * (i as f64 + 0.5)
    };
    let width = TIME_W + lane_w * lanes.len() as f64;
    let height = HEAD_H + ROW_H * shown.len().max(1) as f64 + 8.0;
    let toggle = {
        let page = props.dispatch.clone();
        Callback::from(move |_: Event| page.dispatch(PageAction::ToggleHeartbeats))
    };
    let detail = props
        .selected
        .and_then(|id| props.messages.iter().find(|m| m.id == id));
    html! {
        <div class="protocol">
            <div class="protocol-tools">
                <label class="toggle"><input type="checkbox" aria-label="Hide heartbeats" checked={props.hide_heartbeats} onchange={toggle} />{ "Hide routine heartbeats, metadata and commits" }</label>
                <span class="hint">{ format!("latest {} messages · click one to see its fields", shown.len()) }</span>
            </div>
            <div class="protocol-body">
                <div ref={wrap} class="sequence-wrap">
                <svg class="sequence" viewBox={format!("0 0 {width} {height}")} style={format!("width:{width}px")} role="figure" aria-label="Protocol sequence diagram">
                    <defs>
                        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                            <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head" />
                        </marker>
                    </defs>
                    { for lanes.iter().map(|lane| lane_head(lane, lane_x(&lane.handle), lane_w, height)) }
                    { for shown.iter().enumerate().map(|(i, m)| message_arrow(props, m, i, lane_x(&m.from), lane_x(&m.to), width)) }
                </svg>
                </div>
                <aside class="message-detail" aria-label="Message fields">
                    { match detail {
                        Some(m) => html! {
                            <>
                                <h3>{ format!("{} {}", m.api, if m.is_response { "response" } else { "request" }) }</h3>
                                <p class="hint">{ format!("{} → {} · sent {} · arrives {}", m.from, m.to, format_millis(m.sent_at), format_millis(m.deliver_at)) }</p>
                                if let Some(note) = m.error.as_deref().and_then(|e| error_note(m.api, e)) {
                                    <p class="error-note" aria-label="What this error means">{ note }</p>
                                }
                                <pre class="fields" tabindex="0">{ props.fields.as_deref().unwrap_or_default() }</pre>
                            </>
                        },
                        None => html! { <p class="hint">{ "Click an arrow to see the message's fields: member id, generation, protocol, assignment." }</p> },
                    } }
                </aside>
            </div>
        </div>
    }
}

/// Lanes narrower than this (a phone, or many consumers) cannot centre "coordinator" over the first
/// lane without running into the next lane's title.
const COORDINATOR_TITLE_W: f64 = 100.0;

/// A lane's title in ink (a consumer colour such as Okabe–Ito yellow is unreadable as text on
/// white) over a bar in the consumer's colour, and its lifeline. In narrow lanes the coordinator's
/// title ends at its bar instead of centring on it, reaching left over the time column's empty head.
fn lane_head(lane: &LaneHead, x: f64, lane_w: f64, height: f64) -> Html {
    let colour = if lane.handle == "coordinator" {
        "var(--ink)"
    } else {
        swatch_for(&lane.handle).colour
    };
    let title = if lane.leader {
        format!("{} ★ leader", lane.handle)
    } else {
        lane.handle.clone()
    };
    let (title_x, anchor) = if lane.handle == "coordinator" && lane_w < COORDINATOR_TITLE_W {
        (x + 16.0, "end")
    } else {
        (x, "middle")
    };
    html! {
        <g class="lane" aria-label={format!("Lane {}", lane.handle)}>
            <text x={title_x.to_string()} y="16" text-anchor={anchor} class="lane-title">{ title }</text>
            if let Some(id) = &lane.short_id {
                <text x={x.to_string()} y="33" text-anchor="middle" class="lane-id">{ id }</text>
            }
            <rect x={(x - 28.0).to_string()} y="40" width="56" height="5" rx="2" fill={colour} class="lane-swatch" />
            <line x1={x.to_string()} x2={x.to_string()} y1="46" y2={height.to_string()} stroke={colour} class="lane-line" />
        </g>
    }
}

/// Where an arrow's label is centred: over the arrow, moved right of the time column and left of
/// the diagram's edge when it is wider than the arrow.
fn label_x(mid: f64, label: &str, width: f64) -> f64 {
    let half = label.chars().count() as f64 * LABEL_CHAR_W / 2.0;
    mid.min(width - half - 4.0).max(TIME_W + half + 4.0)
}

fn message_arrow(
    props: &ProtocolLogProps,
    m: &MessageRow,
    i: usize,
    x0: f64,
    x1: f64,
    width: f64,
) -> Html {
    let y = HEAD_H + ROW_H * i as f64 + ROW_H / 2.0;
    let select = {
        let page = props.dispatch.clone();
        let id = m.id;
        Callback::from(move |_: MouseEvent| page.dispatch(PageAction::SelectMessage(Some(id))))
    };
    // An SVG <g> is no <button>: Enter and Space must be handled to make it one for the keyboard.
    let on_key = {
        let page = props.dispatch.clone();
        let id = m.id;
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                // Space would otherwise also reach the page's play/pause shortcut.
                e.prevent_default();
                e.stop_propagation();
                page.dispatch(PageAction::SelectMessage(Some(id)));
            }
        })
    };
    let direction = if m.is_response { "response" } else { "request" };
    let label = match (&m.error, &m.summary) {
        (Some(e), _) => format!("{} {}", m.api, e),
        (None, Some(summary)) if m.is_response => format!("{} ✓ {summary}", m.api),
        (None, Some(summary)) => format!("{} {summary}", m.api),
        (None, None) if m.is_response => format!("{} ✓", m.api),
        (None, None) => m.api.to_string(),
    };
    let classes = classes!(
        "message",
        m.background.then_some("background"),
        m.error.is_some().then_some("error"),
        m.is_response.then_some("response"),
        (props.selected == Some(m.id)).then_some("selected")
    );
    let mid = label_x((x0 + x1) / 2.0, &label, width);
    html! {
        <g class={classes} onclick={select} onkeydown={on_key} tabindex="0" role="button"
            aria-label={format!("{} from {} to {} at {}, {direction}", label, m.from, m.to, format_millis(m.sent_at))}>
            <rect x={(x0.min(x1) - 4.0).to_string()} y={(y - ROW_H / 2.0).to_string()} width={((x1 - x0).abs() + 8.0).to_string()} height={ROW_H.to_string()} class="hit" />
            <text x="6" y={(y + 4.0).to_string()} class="msg-time">{ format_millis(m.sent_at) }</text>
            <line x1={x0.to_string()} x2={x1.to_string()} y1={y.to_string()} y2={y.to_string()} marker-end="url(#arrow)" class="msg-line" />
            <text x={mid.to_string()} y={(y - 4.0).to_string()} text-anchor="middle" class="msg-label">{ label }</text>
        </g>
    }
}
