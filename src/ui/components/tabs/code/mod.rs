//! The Code tab: the selected consumer as Java, Python or Rust code with exactly its configuration,
//! as its [`snippets`] write it.

pub mod snippets;

use crate::sim::snapshot::ConsumerSnapshot;
use snippets::{ConsumerCode, Language};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CodePanelProps {
    pub consumer: Option<ConsumerSnapshot>,
}

#[function_component(CodePanel)]
pub fn code_panel(props: &CodePanelProps) -> Html {
    let language = use_state(|| Language::Java);
    let copied = use_state(|| false);
    let Some(c) = &props.consumer else {
        return html! { <p class="empty">{ "Select a consumer to see its code." }</p> };
    };
    let code = ConsumerCode {
        config: &c.config,
        topics: &c.topics,
    }
    .render(*language);
    let copy = {
        let code = code.clone();
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(window) = web_sys::window() {
                let _ = window.navigator().clipboard().write_text(&code);
                copied.set(true);
            }
        })
    };
    html! {
        <div class="code-panel">
            <div class="code-tools">
                <div role="tablist" aria-label="Language">
                    { for Language::ALL.iter().map(|&l| {
                        let language = language.clone();
                        let copied = copied.clone();
                        html! {
                            <button role="tab" aria-selected={(l == *language).to_string()} class={classes!("tab", (l == *language).then_some("active"))}
                                onclick={Callback::from(move |_: MouseEvent| { language.set(l); copied.set(false); })}>{ l.label() }</button>
                        }
                    }) }
                </div>
                <span class="hint">{ format!("consumer {} · group {}", c.handle, c.group) }</span>
                <button aria-label="Copy code" onclick={copy}>{ if *copied { "Copied ✓" } else { "Copy" } }</button>
            </div>
            <pre class="code" tabindex="0" aria-label={format!("{} code for {}", language.label(), c.handle)}><code>{ code }</code></pre>
        </div>
    }
}
