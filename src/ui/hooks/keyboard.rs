//! Keyboard for the lectern: Space plays or pauses, → and ← step to the next and previous event.

use crate::ui::state::{Dispatch, PageAction};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Whether a key press belongs to something else: a form control being used, a focused consumer
/// card (it takes Space and Enter itself and prevents the default), or a browser shortcut.
fn taken_elsewhere(e: &web_sys::KeyboardEvent) -> bool {
    let typing = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            // A button takes Space and Enter, not the arrows.
            let arrow = e.key().starts_with("Arrow");
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || (el.tag_name() == "BUTTON" && !arrow)
        });
    typing || e.default_prevented() || e.ctrl_key() || e.meta_key() || e.alt_key()
}

/// Listens on the window for the clock's keys while the page is mounted.
#[hook]
pub fn use_clock_keys(playing: bool, dispatch: Dispatch) {
    use_effect_with(playing, move |playing| {
        let playing = *playing;
        let listener =
            Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
                if taken_elsewhere(&e) {
                    return;
                }
                match e.key().as_str() {
                    " " => {
                        e.prevent_default();
                        dispatch.dispatch(if playing {
                            PageAction::Pause
                        } else {
                            PageAction::Play
                        });
                    }
                    "ArrowRight" => dispatch.dispatch(PageAction::Step),
                    "ArrowLeft" => dispatch.dispatch(PageAction::StepBack),
                    _ => {}
                }
            });
        let window = web_sys::window();
        if let Some(w) = &window {
            let _ =
                w.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(w) = &window {
                let _ = w.remove_event_listener_with_callback(
                    "keydown",
                    listener.as_ref().unchecked_ref(),
                );
            }
            drop(listener);
        }
    });
}
