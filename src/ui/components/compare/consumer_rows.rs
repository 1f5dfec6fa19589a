//! Compare mode's consumer controls: one compact row per consumer with its state in every lane and
//! the same actions as its card. The group cards are not rendered while comparing, so these reuse
//! their accessible names ("Kill c2"); `Lab::apply` applies each action to every lane alike (or to
//! none, if any lane refuses it).

use crate::sim::config::ConsumerConfig;
use crate::sim::snapshot::ConsumerSnapshot;
use crate::sim::vocab::ConsumerState;
use crate::ui::components::consumer::actions::{ConsumerActions, Reach};
use crate::ui::components::consumer::labels::state_word;
use crate::ui::components::palette::{lane_stroke, swatch_for};
use crate::ui::state::Dispatch;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ConsumerRowsProps {
    pub dispatch: Dispatch,
    /// For each consumer of the group (in the first lane's order): its configuration, and its state in
    /// every lane with the lane's short name. A consumer exists in all lanes, since every action reached
    /// all, and its configuration is the same in each but for the strategy.
    pub consumers: Vec<ConsumerRow>,
    /// A refusal to show next to its consumer's row.
    pub notice: Option<(String, String)>,
}

/// One consumer's row: its handle, its configuration (first lane) and its state in every lane.
#[derive(Clone, PartialEq)]
pub struct ConsumerRow {
    pub handle: String,
    pub config: ConsumerConfig,
    pub states: Vec<(&'static str, ConsumerState)>,
}

/// The rows' input: every consumer of `group`, with its state per lane.
pub fn consumers_by_lane(
    lanes: &[(&'static str, &[ConsumerSnapshot])],
    group: &str,
) -> Vec<ConsumerRow> {
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
            ConsumerRow {
                handle: c.handle.clone(),
                config: c.config.clone(),
                states,
            }
        })
        .collect()
}

#[function_component(ConsumerRows)]
pub fn consumer_rows(props: &ConsumerRowsProps) -> Html {
    // Past a few rows the list scrolls in its own box, so metrics and lanes stay in view.
    let many = props.consumers.len() > 8;
    html! {
        <>
        if many {
            <p class="compare-controls-head">{ format!("{} consumers: each action applies to every lane (the list scrolls)", props.consumers.len()) }</p>
        }
        <ul class={classes!("compare-controls", many.then_some("many"))} aria-label="Consumers in every lane">
            { for props.consumers.iter().map(|row| html! {
                <ControlRow dispatch={props.dispatch.clone()} handle={row.handle.clone()} states={row.states.clone()} config={row.config.clone()}
                    notice={props.notice.as_ref().filter(|(h, _)| *h == row.handle).map(|(_, t)| t.clone())} />
            }) }
        </ul>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ControlRowProps {
    dispatch: Dispatch,
    handle: String,
    states: Vec<(&'static str, ConsumerState)>,
    config: ConsumerConfig,
    notice: Option<String>,
}

#[function_component(ControlRow)]
fn control_row(props: &ControlRowProps) -> Html {
    let h = &props.handle;
    let swatch = swatch_for(h);
    html! {
        <li class="control-row" style={format!("--owner:{}", swatch.colour)} aria-label={format!("Controls for {h}")}>
            <span class={classes!("dot", swatch.pattern)} aria-hidden="true"></span>
            <strong class="name">{ h }</strong>
            <span class="lane-states" aria-label={format!("State of {h} per lane")}>
                { for props.states.iter().enumerate().map(|(i, (lane, state))| html! {
                    <span class={classes!("lane-st", (!state.is_running()).then_some("down"))} title={lane.to_string()}>
                        <span class="lane-key" style={format!("background:{}", lane_stroke(i))}></span>
                        // The key's colour names the lane for the eye; a screen reader hears its name.
                        <span class="sr-only">{ format!("{lane}: ") }</span>{ state_word(state) }
                    </span>
                }) }
            </span>
            <ConsumerActions dispatch={props.dispatch.clone()} handle={h.clone()} reach={Reach::EveryLane}
                states={props.states.iter().map(|(_, s)| s.clone()).collect::<Vec<_>>()} config={props.config.clone()} />
            if let Some(text) = &props.notice {
                <p class="notice" role="alert">{ text }</p>
            }
        </li>
    }
}
