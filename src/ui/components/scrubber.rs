//! Time both ways: a scrubber under the toolbar over the run so far, a tick for every rebalance
//! (click to jump there), and steps back and forward by event. Rebuilding an earlier moment is the
//! model's business (`session::rewind`); this only asks for a time.

use crate::sim::time::{format_millis, Millis};
use crate::ui::state::{Dispatch, PageAction, RebalanceMark};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ScrubberProps {
    pub dispatch: Dispatch,
    pub now: Millis,
    pub head: Millis,
    pub marks: Rc<Vec<RebalanceMark>>,
    /// While comparing: the first lane's name, whose rebalances the ticks are (the lanes rebalance
    /// at different moments, and one row of ticks for all would mix them up).
    #[prop_or_default]
    pub marks_lane: Option<&'static str>,
    pub presenter: bool,
}

#[function_component(Scrubber)]
pub fn scrubber(props: &ScrubberProps) -> Html {
    let head = props.head.max(props.now).max(1);
    let d = props.dispatch.clone();
    let on_input = Callback::from(move |e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        if let Ok(t) = input.value().parse::<Millis>() {
            d.dispatch(PageAction::SeekTo(t));
        }
    });
    let send = |action: PageAction| {
        let d = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(action.clone()))
    };
    let rewound = props.now < props.head;
    html! {
        <div class={classes!("scrubber", rewound.then_some("rewound"))} role="group" aria-label="Time">
            <button class="step-back" aria-label="Back one event" title="Back one event (←)" onclick={send(PageAction::StepBack)} disabled={props.now == 0}>{ "‹" }</button>
            <div class="scrub-track">
                <input type="range" aria-label="Simulated time to show" min="0" max={head.to_string()} step="1"
                    value={props.now.to_string()} oninput={on_input}
                    aria-valuetext={format!("{} of {}", format_millis(props.now), format_millis(props.head))} />
                <div class="scrub-marks">
                    { for props.marks.iter().map(|m| {
                        let left = m.at as f64 * 100.0 / head as f64;
                        let mut label = format!("Jump to the rebalance of {} to generation {} at {} ({})", m.group, m.generation, format_millis(m.at), m.reason);
                        if let Some(lane) = props.marks_lane {
                            label.push_str(&format!(" in the first lane, {lane}"));
                        }
                        html! {
                            <button class="scrub-mark" style={format!("left: {left:.2}%")} aria-label={label.clone()} title={label}
                                onclick={send(PageAction::SeekTo(m.at))}>{ "▼" }</button>
                        }
                    }) }
                </div>
            </div>
            <button class="step-fwd" aria-label="Forward one event" title="Forward one event (→)" onclick={send(PageAction::Step)}>{ "›" }</button>
            <button class="next-phase" aria-label="Next phase" title="Forward to the group's next state (Stable, PreparingRebalance, CompletingRebalance…), not the next message"
                onclick={send(PageAction::NextPhase)}>{ "Next phase »" }</button>
            <span class="view-buttons">
                <button aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onclick={send(PageAction::ToggleKeys)}>{ "? Keys" }</button>
                <button aria-pressed={props.presenter.to_string()} title="Presenter mode: larger type, thicker lines (P)" onclick={send(PageAction::TogglePresenter)}>{ "Presenter" }</button>
            </span>
            if rewound {
                <span class="rewound-note" role="status">
                    { format!("Rewound (the run reached {}): Play replays it; acting forks the run.", format_millis(props.head)) }
                </span>
            }
        </div>
    }
}
