//! Whether an element is on screen or near it, kept current by an `IntersectionObserver`. While the
//! clock plays, parts of the page that are out of view (most of 50 cards, a timeline of 500 rows
//! below the fold) keep what they last drew instead of being rebuilt thirty times a second; they
//! catch up as they come near the viewport (see `Timeline` and `ConsumerCard`).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

/// How far outside the viewport an element still counts as in view: half a screen above and
/// below, so a part scrolled into view has caught up before it is seen.
const MARGIN: &str = "50% 0px";

#[wasm_bindgen]
extern "C" {
    // The few members of the browser's IntersectionObserver the page uses (declared here rather
    // than through web-sys features).
    type IntersectionObserver;
    #[wasm_bindgen(constructor, catch)]
    fn new(callback: &js_sys::Function, options: &JsValue)
        -> Result<IntersectionObserver, JsValue>;
    #[wasm_bindgen(method)]
    fn observe(this: &IntersectionObserver, target: &Element);
    #[wasm_bindgen(method)]
    fn disconnect(this: &IntersectionObserver);

    type IntersectionObserverEntry;
    #[wasm_bindgen(method, getter, js_name = isIntersecting)]
    fn is_intersecting(this: &IntersectionObserverEntry) -> bool;
}

/// Whether the element behind `node` is within [`MARGIN`] of the viewport. `true` until the browser
/// first says otherwise (and wherever it cannot tell), so nothing is ever held back by mistake.
#[hook]
pub fn use_in_view(node: NodeRef) -> bool {
    let in_view = use_state_eq(|| true);
    {
        let in_view = in_view.clone();
        use_effect_with(node, move |node| {
            let callback = Closure::<dyn Fn(js_sys::Array)>::new(move |entries: js_sys::Array| {
                // Entries come in time order: the last one is the element's state now.
                if let Some(entry) = entries.iter().last() {
                    in_view.set(
                        entry
                            .unchecked_into::<IntersectionObserverEntry>()
                            .is_intersecting(),
                    );
                }
            });
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&options, &"rootMargin".into(), &MARGIN.into());
            let observer =
                IntersectionObserver::new(callback.as_ref().unchecked_ref(), &options).ok();
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
    *in_view
}
