//! The scenario box: the current session as a scenario file (the format `lab run` reads) to copy
//! out, and a place to paste one in. An invalid file is explained and changes nothing.

use crate::ui::state::{Dispatch, Notice, NoticeAt, PageAction};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ScenarioFileProps {
    pub dispatch: Dispatch,
    /// Called when the box opens, to fill it with the session as it stands.
    pub current: Callback<(), String>,
    pub notice: Option<Notice>,
}

#[function_component(ScenarioFile)]
pub fn scenario_file(props: &ScenarioFileProps) -> Html {
    let text = use_state(String::new);
    let fill = {
        let text = text.clone();
        let current = props.current.clone();
        Callback::from(move |_: MouseEvent| text.set(current.emit(())))
    };
    let edit = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            text.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let load = {
        let text = text.clone();
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            dispatch.dispatch(PageAction::LoadScenario((*text).clone()))
        })
    };
    html! {
        <section class="rail-block" aria-label="Scenario file">
            <h2>{ "Scenario file" }</h2>
            <p class="hint">{ "The same JSON as lab run reads: copy this session out, or paste a scenario and load it." }</p>
            <div class="inline-form">
                <button onclick={fill}>{ "Show this session" }</button>
                <button class="primary" onclick={load}>{ "Load scenario" }</button>
            </div>
            <textarea class="scenario-json" aria-label="Scenario JSON" spellcheck="false"
                value={(*text).clone()} oninput={edit} placeholder="{ \"topics\": [...], \"consumers\": [...] }" />
            if let Some(n) = props.notice.as_ref().filter(|n| n.at == NoticeAt::ScenarioFile) {
                <p class="notice" role="alert">{ &n.text }</p>
            }
        </section>
    }
}
