//! Keyboard for the lectern: Space plays or pauses, → and ← step by event, + and − change the
//! speed, R resets, ? lists every shortcut, P toggles presenter mode, and in a guided lesson N and B
//! go to the next and previous step and 1–4 answer its question. [`SHORTCUTS`] is the list the
//! overlay shows, kept beside the code that handles them.

use crate::ui::state::{Dispatch, PageAction};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Every shortcut, as the `?` overlay lists it.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Space", "Play or pause"),
    ("→", "Forward one event"),
    ("←", "Back one event (rewind)"),
    ("+  −", "Faster, slower"),
    ("R", "Reset to time zero (in a guided lesson: restart it)"),
    ("N", "Guided lesson: next step"),
    ("B", "Guided lesson: previous step"),
    ("1 – 4", "Guided lesson: answer the question"),
    ("P", "Presenter mode: larger type, thicker lines"),
    ("?", "Show or hide this list"),
    ("Esc", "Close this list"),
    ("Tab", "Move between controls (the focused one is outlined)"),
];

/// Whether a key press belongs to something else: a form control being used, a focused consumer
/// card (it takes Space and Enter itself and prevents the default), or a browser shortcut.
fn taken_elsewhere(e: &web_sys::KeyboardEvent) -> bool {
    let typing = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            // A button takes Space and Enter; every other key is still the page's.
            // A slider or a checkbox takes the arrows and Space, not letters.
            let key = e.key();
            let activates = matches!(key.as_str(), " " | "Enter");
            let moves = activates
                || key.starts_with("Arrow")
                || key.starts_with("Page")
                || key == "Home"
                || key == "End";
            let kind = el.get_attribute("type").unwrap_or_default();
            match el.tag_name().as_str() {
                "INPUT" if kind == "range" || kind == "checkbox" => moves,
                "INPUT" | "TEXTAREA" | "SELECT" => true,
                "BUTTON" => activates,
                _ => false,
            }
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
                let send = |action: PageAction| {
                    e.prevent_default();
                    dispatch.dispatch(action);
                };
                match e.key().as_str() {
                    " " => send(if playing {
                        PageAction::Pause
                    } else {
                        PageAction::Play
                    }),
                    "ArrowRight" => send(PageAction::Step),
                    "ArrowLeft" => send(PageAction::StepBack),
                    "+" | "=" => send(PageAction::NudgeSpeed(1)),
                    "-" | "_" => send(PageAction::NudgeSpeed(-1)),
                    "r" | "R" => send(PageAction::Reset),
                    "?" => send(PageAction::ToggleKeys),
                    "Escape" => send(PageAction::CloseOverlays),
                    "p" | "P" => send(PageAction::TogglePresenter),
                    "n" | "N" => send(PageAction::GuideNext),
                    "b" | "B" => send(PageAction::GuideBack),
                    key @ ("1" | "2" | "3" | "4") => {
                        let choice = key.parse::<usize>().unwrap_or(1) - 1;
                        send(PageAction::GuideAnswer(choice))
                    }
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
