//! Presenter mode: larger type and thicker lines for a projector, switched on the page's root
//! element so every part of the page (and its CSS) sees it.

use yew::prelude::*;

/// Marks the document's root `data-presenter="on"` while presenter mode is on.
#[hook]
pub fn use_presenter_mode(on: bool) {
    use_effect_with(on, |on| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = if *on {
                root.set_attribute("data-presenter", "on")
            } else {
                root.remove_attribute("data-presenter")
            };
        }
    });
}
