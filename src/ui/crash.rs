//! The page's last resort. If the simulator panics anyway (a bug), the WebAssembly module stops and
//! the page would freeze half-drawn. The panic hook replaces the page with a plain message, the share
//! link of the run that failed (so it can be reported and replayed), and a button that reloads the
//! default scenario. The page tells this module about its session once per refresh
//! ([`remember`]); nothing else of the page depends on it.
//!
//! `?debug-panic=MS` in the address is a test hook for the browser test: the page panics at its
//! first refresh once the simulated clock has reached MS (a real panic, through the real hook). It
//! exists only in a page built with `REBALANCE_LAB_DEBUG_PANIC` set, as `scripts/test.sh` builds the
//! page it tests (into `target/e2e-dist`); `trunk build --release` and `scripts/serve.sh` build the page
//! without it, and there the parameter means nothing.

use crate::session::share_link as share;
use crate::session::{Lab, Session};
use crate::sim::time::Millis;
use std::cell::{Cell, RefCell};

thread_local! {
    /// The session as of the last refresh (its `until_ms` aside, see `LAST_NOW`): what the share
    /// link of a failed run replays. Kept here because the Lab itself may be mid-change (borrowed)
    /// when the panic happens.
    static LAST_SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
    /// Which Lab, and how many user actions, `LAST_SESSION` was copied from: it is copied again
    /// only when they change, not on every frame.
    static LAST_COPIED: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
    /// The simulated time of the last refresh.
    static LAST_NOW: Cell<Millis> = const { Cell::new(0) };
    /// Whether the crash page is already up.
    static CRASHED: Cell<bool> = const { Cell::new(false) };
    /// `?debug-panic=MS`: panic once the clock reaches MS.
    static DEBUG_PANIC_AT: Cell<Option<Millis>> = const { Cell::new(None) };
}

/// Whether this build has the `?debug-panic` hook: only when `REBALANCE_LAB_DEBUG_PANIC` was set at
/// compile time (cargo rebuilds the crate when it changes). Without it the hook's code is dead and
/// the compiler leaves it out of the page.
pub const DEBUG_PANIC_HOOK: bool = option_env!("REBALANCE_LAB_DEBUG_PANIC").is_some();

/// Installs the panic hook (the console's, which logs the panic, then the crash page) through
/// yew, which would otherwise put back its own when the page mounts; and reads the debug hook.
pub fn install() {
    yew::set_custom_panic_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        // A trapped module can still be called (the next frame's timer): that call meets state
        // the first panic left half-changed and panics again. The page shows the first one.
        if !CRASHED.with(|crashed| crashed.replace(true)) {
            show(&info.to_string());
        }
    }));
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    DEBUG_PANIC_AT.with(|at| at.set(debug_panic_at(&search)));
}

/// `?debug-panic=MS` (or `?debug-panic` for 0) among the query's parameters, in a build that has the
/// hook; `None` always in one that has not.
pub fn debug_panic_at(search: &str) -> Option<Millis> {
    if !DEBUG_PANIC_HOOK {
        return None;
    }
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| match pair.split_once('=') {
            Some(("debug-panic", ms)) => ms.parse().ok(),
            None if pair == "debug-panic" => Some(0),
            _ => None,
        })
}

/// Called by the page on every refresh, with an identity for the Lab (a new one for every scenario,
/// lesson or link opened): keeps the session for the crash page's link, and fires the debug hook.
pub fn remember(lab_id: usize, lab: &Lab) {
    let copied = (lab_id, lab.session.actions.len());
    if LAST_COPIED.with(|c| c.replace(copied)) != copied {
        LAST_SESSION.with(|last| {
            if let Ok(mut last) = last.try_borrow_mut() {
                *last = Some(lab.session.clone());
            }
        });
    }
    LAST_NOW.with(|now| now.set(lab.now()));
    // The constant first: without the hook, the panic below is not even compiled into the page.
    if DEBUG_PANIC_HOOK
        && DEBUG_PANIC_AT
            .with(Cell::get)
            .is_some_and(|at| lab.now() >= at)
    {
        DEBUG_PANIC_AT.with(|at| at.set(None));
        panic!("debug panic requested by ?debug-panic at {} ms", lab.now());
    }
}

/// Replaces the page with the crash message.
fn show(message: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let page = format!(
        "{}{}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default()
    );
    let until_ms = LAST_NOW.with(Cell::get);
    let link = LAST_SESSION.with(|last| {
        last.try_borrow().ok().and_then(|s| {
            s.as_ref().map(|s| {
                let failed = Session {
                    until_ms,
                    ..s.clone()
                };
                format!("{page}#{}", share::encode(&failed))
            })
        })
    });
    if let Some(body) = window.document().and_then(|d| d.body()) {
        body.set_inner_html(&crash_page(message, link.as_deref(), &page));
    }
}

/// The crash page: what happened, the link of the run that failed, and a way back.
pub fn crash_page(message: &str, link: Option<&str>, reload: &str) -> String {
    let link = match link {
        Some(link) => format!(
            "<p>This link replays the run that failed, up to the moment it stopped. Please include it \
             when you report the problem:</p>\
             <textarea class=\"crash-link\" aria-label=\"Share link of the run that failed\" readonly \
             rows=\"4\">{}</textarea>",
            escape(link)
        ),
        None => "<p>The run stopped before its first frame, so there is no link to replay it.</p>"
            .to_string(),
    };
    format!(
        "<main class=\"crash\" role=\"alert\">\
         <h1>Rebalance Lab stopped</h1>\
         <p>The simulator hit a bug and cannot go on: the page is frozen rather than wrong.</p>\
         <pre class=\"crash-message\">{}</pre>\
         {link}\
         <p><button type=\"button\" onclick=\"location.assign('{}')\">Reload the default scenario</button></p>\
         </main>",
        escape(message),
        escape(reload).replace('\'', "%27"),
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With the hook built in (`REBALANCE_LAB_DEBUG_PANIC=1 cargo test --lib crash`), the query
    /// arms it only when asked for; without it (a plain `cargo test`, like the shipped page), the
    /// parameter arms nothing.
    #[test]
    fn the_debug_hook_is_read_from_the_query_only_when_asked_for_and_built_in() {
        assert_eq!(debug_panic_at(""), None);
        assert_eq!(debug_panic_at("?lesson=basics"), None);
        assert_eq!(debug_panic_at("?debug-panic=soon"), None);
        let armed = |ms| DEBUG_PANIC_HOOK.then_some(ms);
        assert_eq!(debug_panic_at("?debug-panic"), armed(0));
        assert_eq!(debug_panic_at("?x=1&debug-panic=2500"), armed(2500));
    }

    #[test]
    fn the_crash_page_escapes_the_message_and_offers_the_link_and_a_way_back() {
        let page = crash_page(
            "panicked at <model>: \"boom\" & more",
            Some("http://x/#s=abc"),
            "http://x/",
        );
        assert!(page.contains("panicked at &lt;model&gt;: &quot;boom&quot; &amp; more"));
        assert!(page.contains(">http://x/#s=abc</textarea>"));
        assert!(page.contains("location.assign('http://x/')"));
        assert!(page.contains("Reload the default scenario"));
        assert!(crash_page("x", None, "/").contains("no link to replay it"));
    }
}
