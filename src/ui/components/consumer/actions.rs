//! A consumer's actions — Close, Kill, Stall (for a chosen time), Restart, a poll() from a second
//! thread — as its card and compare
//! mode's rows offer them. Each sends `PageAction::Do`, with a refusal shown next to that consumer;
//! `Lab::apply` applies it to every lane alike, or to none if any lane refuses it.

use crate::session::explain::actions::ConsumerVerb;
use crate::sim::config::ConsumerConfig;
use crate::sim::vocab::ConsumerState;
use crate::sim::{Action, InstanceIdChange, Millis};
use crate::ui::state::{Dispatch, NoticeAt, PageAction};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Stall lengths offered; the last is beyond the 5-minute default max.poll.interval.ms.
pub const STALL_CHOICES: [(Millis, &str); 5] = [
    (5_000, "5 s"),
    (15_000, "15 s"),
    (40_000, "40 s"),
    (90_000, "90 s"),
    (330_000, "5.5 min"),
];

/// Where the actions are offered, which decides their order and wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// On the consumer's card: the buttons fit one row (a second thread's `poll()` is in the
    /// card's ⋯ menu).
    Card,
    /// On compare mode's row: every lane at once, where the consumer may be running in one lane
    /// and stopped in another; a lane that cannot take an action says why.
    EveryLane,
}

#[derive(Properties, PartialEq)]
pub struct ConsumerActionsProps {
    pub dispatch: Dispatch,
    pub handle: String,
    pub reach: Reach,
    /// The consumer's state in each lane it is shown for (one on a card): an action is offered
    /// when it applies to one of them (`ConsumerVerb::applies_to`), so a dead consumer, on its card
    /// or dead in every lane, offers Restart and no Kill.
    pub states: Vec<ConsumerState>,
    /// The consumer's configuration: whether it is static and its timeouts decide what each action does.
    pub config: ConsumerConfig,
}

/// The actions offered where the consumer is shown: what it does is `ConsumerVerb`'s to say.
fn offered(reach: Reach, states: &[ConsumerState]) -> Vec<ConsumerVerb> {
    let verbs: &[ConsumerVerb] = match reach {
        // The second thread's call is in the card's ⋯ menu ([`MoreActions`]): with it in this
        // row the buttons wrapped, and seven cards no longer fit a 1280×720 projector.
        Reach::Card => &[
            ConsumerVerb::Close,
            ConsumerVerb::Kill,
            ConsumerVerb::Stall,
            ConsumerVerb::Restart,
        ],
        Reach::EveryLane => &[
            ConsumerVerb::Close,
            ConsumerVerb::Kill,
            ConsumerVerb::Stall,
            ConsumerVerb::Restart,
            ConsumerVerb::SecondThread,
        ],
    };
    verbs
        .iter()
        .copied()
        .filter(|verb| states.iter().any(|s| verb.applies_to(s)))
        .collect()
}

fn action(verb: ConsumerVerb, handle: &str, stall_ms: Millis) -> Action {
    let consumer = handle.to_string();
    match verb {
        ConsumerVerb::Close => Action::CloseConsumer { consumer },
        ConsumerVerb::Kill => Action::KillConsumer { consumer },
        ConsumerVerb::Stall => Action::StallConsumer {
            consumer,
            ms: stall_ms,
        },
        ConsumerVerb::Restart => Action::RestartConsumer {
            consumer,
            group_instance_id: InstanceIdChange::Keep,
        },
        ConsumerVerb::SecondThread => Action::PollFromSecondThread { consumer },
    }
}

#[function_component(ConsumerActions)]
pub fn consumer_actions(props: &ConsumerActionsProps) -> Html {
    // The stall length is remembered per card or row, for as long as it is on the page.
    let stall_ms = use_state(|| STALL_CHOICES[2].0);
    let h = &props.handle;
    let every_lane = props.reach == Reach::EveryLane;
    let button = |verb: ConsumerVerb| {
        verb_button(
            &props.dispatch,
            h,
            verb,
            *stall_ms,
            &props.config,
            every_lane,
        )
    };
    let buttons = offered(props.reach, &props.states)
        .into_iter()
        .map(|verb| match verb {
            ConsumerVerb::Stall => {
                let select = stall_select(h, &stall_ms);
                match props.reach {
                    Reach::Card => {
                        html! { <span class="stall">{ button(verb) }{ select }</span> }
                    }
                    Reach::EveryLane => html! { <>{ button(verb) }{ select }</> },
                }
            }
            _ => button(verb),
        });
    match props.reach {
        Reach::Card => html! {
            <div class="card-actions" role="group" aria-label={format!("Actions for {h}")}>
                { for buttons }
            </div>
        },
        Reach::EveryLane => html! {
            <span class="row-actions" role="group" aria-label={format!("Actions for {h} in every lane")}>
                { for buttons }
            </span>
        },
    }
}

/// One action's button: it sends the action for `handle`, shown next to that consumer.
fn verb_button(
    dispatch: &Dispatch,
    handle: &str,
    verb: ConsumerVerb,
    stall_ms: Millis,
    config: &ConsumerConfig,
    every_lane: bool,
) -> Html {
    let onclick = {
        let dispatch = dispatch.clone();
        let handle = handle.to_string();
        Callback::from(move |e: MouseEvent| {
            // The click acts; it does not also select the card.
            e.stop_propagation();
            dispatch.dispatch(PageAction::Do(
                action(verb, &handle, stall_ms),
                NoticeAt::Consumer(handle.clone()),
            ));
        })
    };
    html! {
        <button class={matches!(verb, ConsumerVerb::Kill).then_some("danger")} aria-label={verb.accessible_name(handle)}
            title={verb.title(config, every_lane)} onclick={onclick}>{ verb.label() }</button>
    }
}

#[derive(Properties, PartialEq)]
pub struct MoreActionsProps {
    pub dispatch: Dispatch,
    pub handle: String,
    pub config: ConsumerConfig,
}

/// A running consumer's card keeps its rarer action, a second thread's `poll()`, behind "⋯".
#[function_component(MoreActions)]
pub fn more_actions(props: &MoreActionsProps) -> Html {
    let h = &props.handle;
    let stop = Callback::from(|e: MouseEvent| e.stop_propagation());
    html! {
        <details class="more-actions" onclick={stop}>
            <summary aria-label={format!("More actions for {h}")} title="More actions">{ "⋯" }</summary>
            <div class="more-menu">
                { verb_button(&props.dispatch, h, ConsumerVerb::SecondThread, 0, &props.config, false) }
            </div>
        </details>
    }
}

/// The <select> of stall lengths for `handle`, writing the choice into `stall_ms`.
fn stall_select(handle: &str, stall_ms: &UseStateHandle<Millis>) -> Html {
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
