//! The top bar: lesson, the clock (play, pause, step, speed, reset, simulated time), compare, share and embed.

pub mod speed;

use crate::session::lessons::LESSONS;
use crate::sim::time::{format_millis, Millis};
use crate::ui::state::{Dispatch, PageAction};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    pub dispatch: Dispatch,
    pub playing: bool,
    pub speed: f64,
    pub now: Millis,
    pub lesson: Option<&'static str>,
    /// Whether the guided lesson's panel is open.
    pub guided: bool,
    /// Shown in the lesson picker when the session is not a lesson.
    pub scenario_name: AttrValue,
    pub on_share: Callback<()>,
    pub share_status: Option<String>,
    /// The embed dialog, after Share.
    #[prop_or_default]
    pub children: Html,
}

#[function_component(Toolbar)]
pub fn toolbar(props: &ToolbarProps) -> Html {
    let page = &props.dispatch;
    let send = |action: PageAction| {
        let page = page.clone();
        Callback::from(move |_: MouseEvent| page.dispatch(action.clone()))
    };
    let on_speed = {
        let page = page.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let position = input.value().parse::<u32>().unwrap_or(0);
            page.dispatch(PageAction::SetSpeed(speed::speed_at(position)));
        })
    };
    let on_lesson = {
        let page = page.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            page.dispatch(PageAction::LoadLesson(select.value()));
        })
    };
    let on_share = {
        let cb = props.on_share.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let dark = use_state(|| false);
    let toggle_theme = {
        let dark = dark.clone();
        Callback::from(move |_: MouseEvent| {
            let next = !*dark;
            if let Some(root) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let _ = root.set_attribute("data-theme", if next { "dark" } else { "light" });
            }
            dark.set(next);
        })
    };
    let play_pause = if props.playing {
        html! { <button class="primary" aria-label="Pause" title="Pause (Space)" onclick={send(PageAction::Pause)}>{ "❚❚ Pause" }</button> }
    } else {
        html! { <button class="primary" aria-label="Play" title="Play (Space)" onclick={send(PageAction::Play)}>{ "▶ Play" }</button> }
    };
    html! {
        <header class="topbar">
            <div class="brand-block">
                <h1 class="brand">{ "Rebalance Lab" }</h1>
                <label class="lesson">
                    <span class="sr-only">{ "Lesson" }</span>
                    <select aria-label="Lesson" onchange={on_lesson}>
                        if props.lesson.is_none() {
                            <option value="" selected=true disabled=true>{ format!("Scenario: {}", if props.scenario_name.is_empty() { "yours" } else { props.scenario_name.as_str() }) }</option>
                        }
                        { for LESSONS.iter().map(|l| html! {
                            <option value={l.id} selected={Some(l.id) == props.lesson} title={l.blurb}>{ l.title }</option>
                        }) }
                    </select>
                </label>
                if let Some(id) = props.lesson.filter(|_| !props.guided) {
                    <button class="start-guide" aria-label="Start the guide" title="A guided tour of this lesson: step by step, with a prediction before each reveal"
                        onclick={send(PageAction::StartGuide(id.to_string(), 0))}>{ "Guide" }</button>
                }
            </div>
            <div class="clock" role="group" aria-label="Clock">
                { play_pause }
                <button aria-label="Step to the next event" title="Step to the next event (→)" onclick={send(PageAction::Step)}>{ "Step ›" }</button>
                <label class="speed">
                    <span>{ "Speed" }</span>
                    <input type="range" aria-label="Speed" min="0" max={speed::SLIDER_STEPS.to_string()}
                        value={speed::position_of(props.speed).to_string()} oninput={on_speed} />
                    <output aria-label="Speed value">{ speed::label(props.speed) }</output>
                </label>
                <button aria-label="Reset to time zero" title="Reset to time zero" onclick={send(PageAction::Reset)}>{ "Reset" }</button>
                <div class="sim-time" aria-label="Simulated time" role="timer">
                    <span class="t-label">{ "t =" }</span>
                    <span class="t-value">{ format_millis(props.now) }</span>
                </div>
            </div>
            <div class="page-actions">
                <button aria-label="Copy share link" onclick={on_share}>{ "Share" }</button>
                { props.children.clone() }
                <button aria-label="Dark theme" aria-pressed={(*dark).to_string()} title="Dark theme" onclick={toggle_theme}>{ if *dark { "☀" } else { "☾" } }</button>
                if let Some(status) = &props.share_status {
                    <span class="share-status" role="status">{ status }</span>
                }
            </div>
        </header>
    }
}
