//! The rendered width of an element, kept current by a `ResizeObserver`. The diagrams use it as
//! their viewBox width, so one SVG unit is one CSS pixel and their font sizes mean what they say on
//! a projector (a fixed 1000-unit viewBox shrank 12-unit labels to about 10 px at 1280 wide).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, ResizeObserver};
use yew::prelude::*;

/// Width in CSS px of the element behind `node`; `fallback` until it has been measured. The element
/// must be rendered on the component's first render (an always-present wrapper, not the SVG itself).
#[hook]
pub fn use_width(node: NodeRef, fallback: f64) -> f64 {
    let width = use_state_eq(|| fallback);
    {
        let width = width.clone();
        use_effect_with(node, move |node| {
            let measure = {
                let node = node.clone();
                move || {
                    if let Some(el) = node.cast::<Element>() {
                        let w = el.client_width();
                        // A hidden element measures 0: keep the last width rather than collapse.
                        if w > 0 {
                            width.set(f64::from(w));
                        }
                    }
                }
            };
            measure();
            let callback = Closure::<dyn Fn()>::new(measure);
            let observer = ResizeObserver::new(callback.as_ref().unchecked_ref()).ok();
            if let (Some(observer), Some(el)) = (&observer, node.cast::<Element>()) {
                observer.observe(&el);
            }
            move || {
                if let Some(observer) = observer {
                    observer.disconnect();
                }
                drop(callback);
            }
        });
    }
    *width
}
