//! Share links: the whole session (scenario, strategies, the user's actions) in the URL fragment,
//! as URL-safe base64 of its JSON deflated, so a link replays exactly what its author saw and stays
//! short enough for chat tools. Links written before compression (`#s=`, plain JSON) still open.
//! This is the codec only; writing the address and the clipboard is the page's business
//! (`ui::hooks::share_link`).

use super::lab::Session;
use crate::sim::limits::{Limit, LimitExceeded};
use crate::sim::load::{self, LoadError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::fmt;

/// The fragment key of a compressed session: `#z=<base64 of raw deflate>`.
const KEY: &str = "z=";
/// The key of the first links, uncompressed JSON: `#s=<base64>`.
const OLD_KEY: &str = "s=";
/// Deflate's strongest level: a link is written once and read many times.
const LEVEL: u8 = 10;
/// A session's JSON never inflates beyond this; larger output is refused (a crafted link).
const MAX_JSON: usize = 4_000_000;
/// Longer fragments are refused rather than decoded: no real session comes near this.
const MAX_FRAGMENT: usize = 200_000;

/// Why a link does not open. Each says what is wrong in plain words; the page keeps its state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareLinkError {
    /// The fragment is neither `#z=…` nor `#s=…`.
    NotASession,
    /// Longer than any real session's link.
    TooLong { length: usize },
    /// Not URL-safe base64: cut short or mangled when copied.
    NotBase64,
    /// The deflated session ends early: cut short when copied.
    Incomplete,
    /// The session inside is not readable: not text, or JSON that does not fit (with the field).
    Session(LoadError),
    /// A field beyond what the page replays (`until_ms`, an action's `at_ms`, the number of actions,
    /// or the whole replay's size).
    TooLarge {
        field: &'static str,
        error: LimitExceeded,
    },
}

impl fmt::Display for ShareLinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShareLinkError::NotASession => {
                f.write_str("it does not contain a Rebalance Lab session (expected #z=… or #s=…)")
            }
            ShareLinkError::TooLong { length } => write!(
                f,
                "it is too long to be a Rebalance Lab session ({length} characters, at most {MAX_FRAGMENT})"
            ),
            ShareLinkError::NotBase64 => {
                f.write_str("it is damaged (not valid base64; was it cut short when copied?)")
            }
            ShareLinkError::Incomplete => f.write_str(
                "it is damaged (its compressed data is incomplete; was it cut short when copied?)",
            ),
            ShareLinkError::Session(LoadError::NotText { .. }) => {
                f.write_str("it is damaged (its session is not text)")
            }
            ShareLinkError::Session(error) => write!(f, "its session is not readable: {error}"),
            ShareLinkError::TooLarge { field, error } => write!(f, "{field}: {error}"),
        }
    }
}

impl std::error::Error for ShareLinkError {}

pub fn encode(session: &Session) -> String {
    let json = serde_json::to_string(session).unwrap_or_default();
    let deflated = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), LEVEL);
    format!("{KEY}{}", URL_SAFE_NO_PAD.encode(deflated))
}

/// The key of a guided lesson's place, after the session: `&step=<lesson>/<step>`.
const PLACE_KEY: &str = "&step=";

/// A fragment with a guided lesson's place (its id and step) after the session.
pub fn with_place(fragment: String, place: Option<(&str, usize)>) -> String {
    match place {
        Some((lesson, step)) => format!("{fragment}{PLACE_KEY}{lesson}/{step}"),
        None => fragment,
    }
}

/// The guided lesson's place a fragment names, if any.
pub fn place(fragment: &str) -> Option<(String, usize)> {
    let (_, place) = fragment.split_once(PLACE_KEY)?;
    let place = place.split('&').next().unwrap_or_default();
    let (lesson, step) = place.split_once('/')?;
    Some((lesson.to_string(), step.parse().ok()?))
}

/// The key of what the page showed, after the session: `&view=<tab>` or `&view=<tab>/<message>`
/// (the selected message's index in the trace, which a replay rebuilds exactly).
const VIEW_KEY: &str = "&view=";

/// A fragment with the open tab (one word) and the selected message, if any, after the session.
pub fn with_view(fragment: String, tab: &str, message: Option<usize>) -> String {
    match message {
        Some(m) => format!("{fragment}{VIEW_KEY}{tab}/{m}"),
        None => format!("{fragment}{VIEW_KEY}{tab}"),
    }
}

/// The open tab and selected message a fragment names. Old links have none; an unreadable
/// message index is dropped, the tab kept.
pub fn view(fragment: &str) -> Option<(String, Option<usize>)> {
    let (_, view) = fragment.split_once(VIEW_KEY)?;
    let view = view.split('&').next().unwrap_or_default();
    let (tab, message) = match view.split_once('/') {
        Some((tab, m)) => (tab, m.parse().ok()),
        None => (view, None),
    };
    Some((tab.to_string(), message))
}

/// Reads a fragment (with or without the leading `#`). Nothing is built yet: the caller builds the
/// Lab from the session, and keeps its state if that is refused too.
pub fn decode(fragment: &str) -> Result<Session, ShareLinkError> {
    let fragment = fragment.trim_start_matches('#');
    // What follows the session (a lesson's place, the open view) starts at the first `&`, which
    // URL-safe base64 never contains.
    let fragment = fragment.split('&').next().unwrap_or_default();
    let (data, compressed) = match (fragment.strip_prefix(KEY), fragment.strip_prefix(OLD_KEY)) {
        (Some(data), _) => (data, true),
        (None, Some(data)) => (data, false),
        (None, None) => return Err(ShareLinkError::NotASession),
    };
    if data.len() > MAX_FRAGMENT {
        return Err(ShareLinkError::TooLong { length: data.len() });
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|_| ShareLinkError::NotBase64)?;
    let bytes = if compressed {
        miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_JSON)
            .map_err(|_| ShareLinkError::Incomplete)?
    } else {
        bytes
    };
    let session: Session = load::from_bytes(&bytes).map_err(ShareLinkError::Session)?;
    check_replay_size(&session)?;
    Ok(session)
}

/// Opening a link replays it at once, before the page draws again: its length must stay within
/// what replays in a moment.
fn check_replay_size(session: &Session) -> Result<(), ShareLinkError> {
    let too_large = |field: &'static str, limit: Limit, value: u64| {
        LimitExceeded::check(limit, value)
            .map_err(|error| ShareLinkError::TooLarge { field, error })
    };
    too_large("until_ms", Limit::Duration, session.until_ms)?;
    too_large("actions", Limit::Actions, session.actions.len() as u64)?;
    let last = session.actions.iter().map(|t| t.at_ms).max().unwrap_or(0);
    too_large("actions[].at_ms", Limit::Duration, last)?;
    let consumers = session
        .scenario
        .consumers
        .iter()
        .map(|c| c.count as u64)
        .fold(0u64, u64::saturating_add)
        .saturating_add(session.actions.len() as u64)
        .saturating_add(session.scenario.actions.len() as u64);
    let seconds = session.until_ms.max(last) / 1_000 + 1;
    let work = consumers
        .saturating_mul(seconds)
        .saturating_mul(session.strategies.len().max(1) as u64);
    too_large(
        "the replay (consumers × simulated seconds × strategies)",
        Limit::ReplayWork,
        work,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::lessons::LESSONS;
    use crate::session::Strategy;
    use crate::sim::scenario::TimedAction;
    use crate::sim::Action;

    fn session() -> Session {
        Session {
            scenario: LESSONS[0].scenario(),
            strategies: vec![Strategy::EagerRange, Strategy::CooperativeSticky],
            actions: vec![TimedAction {
                at_ms: 12_000,
                action: Action::KillConsumer {
                    consumer: "c2".into(),
                },
            }],
            until_ms: 20_000,
        }
    }

    #[test]
    fn a_session_survives_the_round_trip() {
        let s = session();
        assert_eq!(decode(&format!("#{}", encode(&s))), Ok(s));
    }

    #[test]
    fn a_lessons_place_rides_along_with_the_session() {
        let s = session();
        let link = with_place(encode(&s), Some(("crash", 2)));
        assert_eq!(decode(&link), Ok(s));
        assert_eq!(place(&link), Some(("crash".to_string(), 2)));
        assert_eq!(place(&encode(&session())), None);
    }

    #[test]
    fn the_open_tab_and_message_ride_along_with_a_place_or_without() {
        let s = session();
        let link = with_view(encode(&s), "protocol", Some(42));
        assert_eq!(decode(&link), Ok(s.clone()));
        assert_eq!(view(&link), Some(("protocol".to_string(), Some(42))));
        let both = with_view(with_place(encode(&s), Some(("crash", 2))), "code", None);
        assert_eq!(decode(&both), Ok(s));
        assert_eq!(place(&both), Some(("crash".to_string(), 2)));
        assert_eq!(view(&both), Some(("code".to_string(), None)));
        assert_eq!(view(&encode(&session())), None);
    }

    #[test]
    fn links_from_before_compression_still_open() {
        let s = session();
        let json = serde_json::to_string(&s).unwrap();
        let old = format!("#s={}", URL_SAFE_NO_PAD.encode(json));
        assert_eq!(decode(&old), Ok(s.clone()));
        assert!(
            encode(&s).len() * 2 < old.len(),
            "compressed is at most half"
        );
    }

    /// Prints each lesson's link length (at time zero and with its guided steps done), for the
    /// figures in the report; the assert only says a link is shorter than its uncompressed form.
    #[test]
    fn each_lessons_link_length() {
        use crate::session::lessons::guide::lab_at_step;
        for lesson in LESSONS {
            let session = lesson.session();
            let steps = lesson.steps();
            let done = lab_at_step(session.clone(), &steps, steps.len())
                .unwrap()
                .saved_session();
            let old = URL_SAFE_NO_PAD
                .encode(serde_json::to_string(&done).unwrap())
                .len()
                + 2;
            let link = with_place(encode(&done), Some((lesson.id, steps.len() - 1)));
            println!(
                "{:<16} link {:>5} chars at time zero, {:>5} after its steps (uncompressed: {:>5})",
                lesson.id,
                encode(&session).len() + 1,
                link.len() + 1,
                old
            );
            assert!(link.len() < old);
        }
    }

    #[test]
    fn broken_links_are_explained() {
        assert_eq!(decode("#x=abc"), Err(ShareLinkError::NotASession));
        assert!(decode("#x=abc")
            .unwrap_err()
            .to_string()
            .contains("expected #z="));
        assert_eq!(decode("#s=!!!"), Err(ShareLinkError::NotBase64));
        assert_eq!(decode("#z=AAAA"), Err(ShareLinkError::Incomplete));
        let cut = encode(&session());
        let cut = &cut[..cut.len() / 2];
        assert!(decode(cut).is_err());
    }
}
