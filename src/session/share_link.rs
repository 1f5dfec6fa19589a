//! Share links: the whole session (scenario, strategies, the user's actions) in the URL fragment,
//! as URL-safe base64 of its JSON, so a link replays exactly what its author saw. This is the codec
//! only; writing the address and the clipboard is the page's business (`ui::hooks::share_link`).

use super::lab::Session;
use crate::sim::limits::{Limit, LimitExceeded};
use crate::sim::load::{self, LoadError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::fmt;

/// The fragment key: `#s=<base64>`.
const KEY: &str = "s=";
/// Longer fragments are refused rather than decoded: no real session comes near this.
const MAX_FRAGMENT: usize = 200_000;

/// Why a link does not open. Each says what is wrong in plain words; the page keeps its state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareLinkError {
    /// The fragment is not `#s=…`.
    NotASession,
    /// Longer than any real session's link.
    TooLong { length: usize },
    /// Not URL-safe base64: cut short or mangled when copied.
    NotBase64,
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
                f.write_str("it does not contain a Rebalance Lab session (expected #s=…)")
            }
            ShareLinkError::TooLong { length } => write!(
                f,
                "it is too long to be a Rebalance Lab session ({length} characters, at most {MAX_FRAGMENT})"
            ),
            ShareLinkError::NotBase64 => {
                f.write_str("it is damaged (not valid base64; was it cut short when copied?)")
            }
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
    format!("{KEY}{}", URL_SAFE_NO_PAD.encode(json))
}

/// Reads a fragment (with or without the leading `#`). Nothing is built yet: the caller builds the
/// Lab from the session, and keeps its state if that is refused too.
pub fn decode(fragment: &str) -> Result<Session, ShareLinkError> {
    let fragment = fragment.trim_start_matches('#');
    let data = fragment
        .strip_prefix(KEY)
        .ok_or(ShareLinkError::NotASession)?;
    if data.len() > MAX_FRAGMENT {
        return Err(ShareLinkError::TooLong { length: data.len() });
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|_| ShareLinkError::NotBase64)?;
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
    fn broken_links_are_explained() {
        assert_eq!(decode("#x=abc"), Err(ShareLinkError::NotASession));
        assert!(decode("#x=abc")
            .unwrap_err()
            .to_string()
            .contains("expected #s="));
        assert_eq!(decode("#s=!!!"), Err(ShareLinkError::NotBase64));
        let cut = encode(&session());
        let cut = &cut[..cut.len() / 2];
        assert!(decode(cut).is_err());
    }
}
