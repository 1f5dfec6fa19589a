//! Marks the page's first interactive render on the browser's performance timeline
//! (`rebalance-lab:first-render`), so a test can read the time from navigation to a usable page.

use yew::prelude::*;

/// The name of the mark, as `performance.getEntriesByName` finds it.
pub const FIRST_RENDER_MARK: &str = "rebalance-lab:first-render";

/// Sets the mark once, after the first render has reached the document (handlers attached).
#[hook]
pub fn use_first_render_mark() {
    use_effect_with((), |_| {
        if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
            let _ = performance.mark(FIRST_RENDER_MARK);
        }
    });
}
