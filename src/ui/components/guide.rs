//! The guided lesson's panel: the step's sentences, its question and answer, the part of the page
//! to watch (outlined), a row of progress dots, and Back / Next / Restart. What each step says and
//! waits for is `session::lessons`'s; this only shows it.

use crate::session::lessons::guide::{Step, Watch};
use crate::ui::state::{Dispatch, Guide, PageAction, Phase};
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct GuideProps {
    pub dispatch: Dispatch,
    pub guide: Guide,
}

/// Where on the page a step's watched part is (a CSS selector).
fn selector(watch: &Watch) -> String {
    match watch {
        Watch::Partitions => ".topics-panel".into(),
        Watch::Group => ".group-panel".into(),
        Watch::Consumer(c) => format!("[aria-label=\"Consumer {c}\"]"),
        Watch::Timeline | Watch::Protocol | Watch::Code => ".tabs-panel".into(),
        Watch::Compare => ".compare".into(),
    }
}

/// What the outline says to a screen reader and in the panel.
fn watch_label(watch: &Watch) -> String {
    match watch {
        Watch::Partitions => "the partition strip".into(),
        Watch::Group => "the group's header".into(),
        Watch::Consumer(c) => format!("{c}'s card"),
        Watch::Timeline => "the Timeline tab".into(),
        Watch::Protocol => "the Protocol tab".into(),
        Watch::Code => "the Code tab".into(),
        Watch::Compare => "the compared columns".into(),
    }
}

/// Outlines the watched part of the page (and only it).
fn outline(selector: Option<String>) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(old) = document.query_selector_all(".watched") {
        for i in 0..old.length() {
            if let Some(el) = old
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                let _ = el.class_list().remove_1("watched");
            }
        }
    }
    if let Some(el) = selector.and_then(|s| document.query_selector(&s).ok().flatten()) {
        let _ = el.class_list().add_1("watched");
    }
}

#[function_component(GuidePanel)]
pub fn guide_panel(props: &GuideProps) -> Html {
    let g = &props.guide;
    let steps = g.steps();
    let step: Option<Step> = g.current();
    let send = |action: PageAction| {
        let d = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(action.clone()))
    };
    // Outline after every render: cards and tabs are rebuilt as the model moves.
    {
        let target = step
            .as_ref()
            .filter(|_| g.phase != Phase::Sandbox)
            .map(|s| selector(&s.watch));
        use_effect(move || {
            outline(target);
        });
    }
    let lesson = g.lesson();
    let dots = html! {
        <ol class="guide-dots" aria-label="Steps">
            { for (0..=steps.len()).map(|i| {
                let label = if i == steps.len() { "Sandbox".to_string() } else { format!("Step {}", i + 1) };
                let current = i == g.step;
                html! { <li class={classes!("dot-step", current.then_some("current"), (i < g.step).then_some("done"))}
                    aria-current={current.then_some("step")} aria-label={label}></li> }
            }) }
        </ol>
    };
    let body = match (&step, g.phase) {
        (None, _) | (_, Phase::Sandbox) => html! {
            <>
                if g.took_over {
                    <p class="guide-text">{ "You acted on the simulation, so the guided steps stop here: this is now your own sandbox." }</p>
                } else {
                    <p class="guide-text">{ "Your turn: the lesson's scenario is a free sandbox. Kill, stall, restart or add consumers and watch what the group does." }</p>
                }
                <p class="guide-text muted">{ lesson.blurb }</p>
            </>
        },
        (Some(step), phase) => {
            let question = step.question.as_ref().map(|q| {
                let answered = g.chosen.is_some();
                html! {
                    <fieldset class="guide-question">
                        <legend>{ "Predict: " }{ q.prompt }</legend>
                        <div class="choices">
                            { for q.choices.iter().enumerate().map(|(i, c)| {
                                let picked = g.chosen == Some(i);
                                let reveal = phase == Phase::Shown;
                                let verdict = if reveal && i == q.answer { Some("right") } else if reveal && picked { Some("wrong") } else { None };
                                let d = props.dispatch.clone();
                                html! {
                                    <button class={classes!("choice", picked.then_some("picked"), verdict)} aria-pressed={picked.to_string()}
                                        disabled={answered} onclick={Callback::from(move |_: MouseEvent| d.dispatch(PageAction::GuideAnswer(i)))}>
                                        { *c }
                                        if reveal && i == q.answer { <span class="verdict">{ " ✓ the simulation's answer" }</span> }
                                        else if reveal && picked { <span class="verdict">{ " ✗" }</span> }
                                    </button>
                                }
                            }) }
                        </div>
                        if phase == Phase::Shown {
                            <p class="guide-why" role="status">{ q.why }</p>
                        } else if answered {
                            <p class="guide-wait" role="status">{ "Watch the simulation…" }</p>
                        }
                    </fieldset>
                }
            });
            html! {
                <>
                    <p class="guide-text">{ step.text }</p>
                    <p class="guide-watch">{ "Watch " }<strong>{ watch_label(&step.watch) }</strong>{ "." }</p>
                    { for question }
                    if phase == Phase::Playing && step.question.is_none() {
                        <p class="guide-wait" role="status">{ "Playing until it happens…" }</p>
                    }
                    if phase == Phase::Shown {
                        <p class="guide-then" role="status">{ step.then }</p>
                    }
                </>
            }
        }
    };
    let last = g.step + 1 >= steps.len();
    html! {
        <section class="guide" aria-label="Guided lesson">
            <div class="guide-head">
                <strong>{ lesson.title }</strong>
                <span class="guide-count">{ if g.step < steps.len() { format!("Step {} of {}", g.step + 1, steps.len()) } else { "Sandbox".to_string() } }</span>
                { dots }
                <span class="guide-buttons">
                    <button onclick={send(PageAction::GuideBack)} disabled={g.step == 0}>{ "‹ Back" }</button>
                    if g.step < steps.len() {
                        <button class="primary" onclick={send(PageAction::GuideNext)} disabled={g.phase != Phase::Shown}>
                            { if last { "Finish ›" } else { "Next ›" } }
                        </button>
                    }
                    <button onclick={send(PageAction::GuideRestart)}>{ "Restart" }</button>
                    if g.phase != Phase::Sandbox {
                        <button onclick={send(PageAction::GuideSandbox)} title="Leave the steps and play freely from here">{ "Sandbox" }</button>
                    }
                    <button aria-label="Close the guided lesson" onclick={send(PageAction::GuideClose)}>{ "✕" }</button>
                </span>
            </div>
            { body }
        </section>
    }
}
