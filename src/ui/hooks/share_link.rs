//! The share link's web side: the session's fragment in the address bar, the clipboard, and a link
//! pasted into the same tab. Encoding and decoding a session is `session::share_link`'s job.

use crate::ui::state::{PageAction, PageState};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What the toolbar's Share and Embed buttons need.
pub struct ShareLink {
    /// Puts the session in the address and copies the link.
    pub on_share: Callback<()>,
    /// Copies an `<iframe>` snippet that embeds this session.
    pub on_embed: Callback<()>,
    /// What was last copied, in words.
    pub status: Option<String>,
}

/// An `<iframe>` that shows the page at `page_url` with the session in `fragment`.
fn embed_snippet(page_url: &str, fragment: &str) -> String {
    format!(
        "<iframe src=\"{page_url}#{fragment}\" title=\"Rebalance Lab\" width=\"100%\" height=\"860\" style=\"border:0\" loading=\"lazy\"></iframe>"
    )
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
    let on_embed = {
        let page = page.clone();
        let status = status.clone();
        Callback::from(move |_| {
            let Some(window) = web_sys::window() else {
                return;
            };
            let location = window.location();
            let page_url = format!(
                "{}{}",
                location.origin().unwrap_or_default(),
                location.pathname().unwrap_or_default()
            );
            let snippet = embed_snippet(&page_url, &page.share_fragment());
            let _ = window.navigator().clipboard().write_text(&snippet);
            status.set(Some("Embed code copied: paste it into any page".into()));
        })
    };
    ShareLink {
        on_share,
        on_embed,
        status: (*status).clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::embed_snippet;

    #[test]
    fn the_embed_snippet_opens_this_page_at_the_session() {
        assert_eq!(
            embed_snippet("https://lab.example/playground/", "s=abc"),
            "<iframe src=\"https://lab.example/playground/#s=abc\" title=\"Rebalance Lab\" width=\"100%\" height=\"860\" style=\"border:0\" loading=\"lazy\"></iframe>"
        );
    }
}
