//! The `?` overlay: every keyboard shortcut, from the list the keyboard hook handles.

use crate::ui::hooks::keyboard::SHORTCUTS;
use crate::ui::state::{Dispatch, PageAction};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ShortcutsProps {
    pub dispatch: Dispatch,
}

#[function_component(Shortcuts)]
pub fn shortcuts(props: &ShortcutsProps) -> Html {
    let close = {
        let d = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(PageAction::CloseOverlays))
    };
    // The dialog takes focus when it opens, so Tab starts inside it and Esc closes it.
    let dialog = use_node_ref();
    {
        let dialog = dialog.clone();
        use_effect_with((), move |_| {
            if let Some(el) = dialog.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    html! {
        <div class="overlay" onclick={close.clone()}>
            <div class="shortcuts" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" tabindex="-1" ref={dialog}
                onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
                <h2>{ "Keyboard shortcuts" }</h2>
                <table>
                    <tbody>
                        { for SHORTCUTS.iter().map(|(key, what)| html! {
                            <tr><th scope="row"><kbd>{ *key }</kbd></th><td>{ *what }</td></tr>
                        }) }
                    </tbody>
                </table>
                <button class="primary" onclick={close}>{ "Close" }</button>
            </div>
        </div>
    }
}
