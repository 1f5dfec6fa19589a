//! The share link's web side: the session's fragment in the address bar, the clipboard, and a link
//! pasted into the same tab. Encoding and decoding a session is `session::share_link`'s job.

use crate::ui::state::{PageAction, PageState};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What the toolbar's Share button needs.
pub struct ShareLink {
    /// Puts the session in the address and copies the link.
    pub on_share: Callback<()>,
    /// What was last copied, in words.
    pub status: Option<String>,
}

/// The address's fragment as the browser gives it, `#` included; empty when there is none.
fn address_fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// A share link in the address opens that session at start, and whenever the address's fragment
/// changes to one this page did not write itself (a link pasted into the same tab).
#[hook]
fn use_open_from_address(page: &UseReducerHandle<PageState>, own_fragment: Rc<RefCell<String>>) {
    let dispatch = page.dispatcher();
    use_effect_with((), move |_| {
        let open_from_address = move || {
            let hash = address_fragment();
            let fragment = hash.trim_start_matches('#');
            if !fragment.is_empty() && fragment != own_fragment.borrow().as_str() {
                dispatch.dispatch(PageAction::OpenShared(hash.clone()));
            }
        };
        open_from_address();
        let listener = Closure::<dyn Fn()>::new(open_from_address);
        let window = web_sys::window();
        if let Some(w) = &window {
            let _ =
                w.add_event_listener_with_callback("hashchange", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(w) = &window {
                let _ = w.remove_event_listener_with_callback(
                    "hashchange",
                    listener.as_ref().unchecked_ref(),
                );
            }
            drop(listener);
        }
    });
}

/// The share link of the page's session: opened from the address, written there and copied on Share.
#[hook]
pub fn use_share_link(page: &UseReducerHandle<PageState>) -> ShareLink {
    let status = use_state(|| None::<String>);
    // The fragment this page wrote itself: seeing it come back in a hashchange is no new link.
    let own_fragment = use_mut_ref(String::new);
    use_open_from_address(page, own_fragment.clone());
    let on_share = {
        let page = page.clone();
        let status = status.clone();
        Callback::from(move |_| {
            let fragment = page.share_fragment();
            let Some(window) = web_sys::window() else {
                return;
            };
            *own_fragment.borrow_mut() = fragment.clone();
            let _ = window.location().set_hash(&fragment);
            let url = window.location().href().unwrap_or_default();
            let _ = window.navigator().clipboard().write_text(&url);
            status.set(Some("Link copied: it replays this session".into()));
        })
    };
    ShareLink {
        on_share,
        status: (*status).clone(),
    }
}
