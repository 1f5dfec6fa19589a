//! Compare mode's consumer controls: one compact row per consumer with its state in every lane and
//! the card's Close / Kill / Stall / Restart. The group cards are not rendered while comparing, so
//! these reuse their accessible names ("Kill c2"); each action goes through `PageAction::Do`, which
//! `Lab::apply` applies to every lane alike (or to none, if any lane refuses it).

use super::compare::LANE_STROKES;
use super::group_panel::{consumer_action, stall_select, state_word, use_stall_length};
use super::palette::swatch_for;
use super::state::Dispatch;
use crate::sim::action::{Action, InstanceIdChange};
use crate::sim::snapshot::ConsumerSnapshot;
use crate::sim::vocab::ConsumerState;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CompareControlsProps {
    pub dispatch: Dispatch,
    /// For each consumer of the group (in the first lane's order): its snapshot in every lane, with
    /// the lane's short name. A consumer exists in all lanes, since every action reached all.
    pub consumers: Vec<(String, Vec<(&'static str, ConsumerState)>)>,
    /// A refusal to show next to its consumer's row.
    pub notice: Option<(String, String)>,
}

/// The rows' input: every consumer of `group`, with its state per lane.
pub fn consumers_by_lane(
    lanes: &[(&'static str, &[ConsumerSnapshot])],
    group: &str,
) -> Vec<(String, Vec<(&'static str, ConsumerState)>)> {
    let Some((_, first)) = lanes.first() else {
        return Vec::new();
    };
    first
        .iter()
        .filter(|c| c.group == group)
        .map(|c| {
            let states = lanes
                .iter()
                .filter_map(|(name, consumers)| {
                    consumers
                        .iter()
                        .find(|x| x.handle == c.handle)
                        .map(|x| (*name, x.state.clone()))
                })
                .collect();
            (c.handle.clone(), states)
        })
        .collect()
}

#[function_component(CompareControls)]
pub fn compare_controls(props: &CompareControlsProps) -> Html {
    html! {
        <ul class="compare-controls" aria-label="Consumers in every lane">
            { for props.consumers.iter().map(|(handle, states)| html! {
                <ControlRow dispatch={props.dispatch.clone()} handle={handle.clone()} states={states.clone()}
                    notice={props.notice.as_ref().filter(|(h, _)| h == handle).map(|(_, t)| t.clone())} />
            }) }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
struct ControlRowProps {
    dispatch: Dispatch,
    handle: String,
    states: Vec<(&'static str, ConsumerState)>,
    notice: Option<String>,
}

#[function_component(ControlRow)]
fn control_row(props: &ControlRowProps) -> Html {
    let handle = props.handle.clone();
    let swatch = swatch_for(&handle);
    let stall_ms = use_stall_length();
    let act = |make| consumer_action(&props.dispatch, &handle, *stall_ms, make);
    let h = &props.handle;
    html! {
        <li class="control-row" style={format!("--owner:{}", swatch.colour)} aria-label={format!("Controls for {h}")}>
            <span class={classes!("dot", swatch.pattern)} aria-hidden="true"></span>
            <strong class="name">{ h }</strong>
            <span class="lane-states" aria-label={format!("State of {h} per lane")}>
                { for props.states.iter().enumerate().map(|(i, (lane, state))| html! {
                    <span class={classes!("lane-st", (!state.is_running()).then_some("down"))} title={lane.to_string()}>
                        <span class="lane-key" style={format!("background:{}", LANE_STROKES[i % 3])}></span>
                        // The key's colour names the lane for the eye; a screen reader hears its name.
                        <span class="sr-only">{ format!("{lane}: ") }</span>{ state_word(state) }
                    </span>
                }) }
            </span>
            <span class="row-actions" role="group" aria-label={format!("Actions for {h} in every lane")}>
                <button aria-label={format!("Close {h}")} title="consumer.close() in every lane: commit, revoke, LeaveGroup" onclick={act(|h, _| Action::CloseConsumer { consumer: h.into() })}>{ "Close" }</button>
                <button class="danger" aria-label={format!("Kill {h}")} title="kill -9 in every lane: silence until the session expires" onclick={act(|h, _| Action::KillConsumer { consumer: h.into() })}>{ "Kill" }</button>
                <button aria-label={format!("Stall {h}")} title="Stop calling poll() for a while, in every lane" onclick={act(|h, ms| Action::StallConsumer { consumer: h.into(), ms })}>{ "Stall" }</button>
                { stall_select(h, &stall_ms) }
                <button aria-label={format!("Restart {h}")} title="Start the process again, in every lane" onclick={act(|h, _| Action::RestartConsumer { consumer: h.into(), group_instance_id: InstanceIdChange::Keep })}>{ "Restart" }</button>
            </span>
            if let Some(text) = &props.notice {
                <p class="notice" role="alert">{ text }</p>
            }
        </li>
    }
}
