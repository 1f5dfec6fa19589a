//! Share links: the whole session (scenario, strategies, the user's actions) in the URL fragment,
//! as URL-safe base64 of its JSON, so a link replays exactly what its author saw. This is the codec
//! only; writing the address and the clipboard is the page's business (`ui::hooks::share_link`).

use super::lab::Session;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// The fragment key: `#s=<base64>`.
const KEY: &str = "s=";
/// Longer fragments are refused rather than decoded: no real session comes near this.
const MAX_FRAGMENT: usize = 200_000;

pub fn encode(session: &Session) -> String {
    let json = serde_json::to_string(session).unwrap_or_default();
    format!("{KEY}{}", URL_SAFE_NO_PAD.encode(json))
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
    let (lesson, step) = place.split_once('/')?;
    Some((lesson.to_string(), step.parse().ok()?))
}

/// Reads a fragment (with or without the leading `#`). Errors say what is wrong in plain words.
pub fn decode(fragment: &str) -> Result<Session, String> {
    let fragment = fragment.trim_start_matches('#');
    let fragment = fragment.split(PLACE_KEY).next().unwrap_or_default();
    let data = fragment
        .strip_prefix(KEY)
        .ok_or("it does not contain a Rebalance Lab session (expected #s=…)")?;
    if data.len() > MAX_FRAGMENT {
        return Err("it is too long to be a Rebalance Lab session".into());
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|_| {
            "it is damaged (not valid base64; was it cut short when copied?)".to_string()
        })?;
    let text = String::from_utf8(bytes).map_err(|_| "it is damaged (not text)".to_string())?;
    serde_json::from_str(&text).map_err(|e| format!("its session is not readable ({e})"))
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
    fn broken_links_are_explained() {
        assert!(decode("#x=abc").unwrap_err().contains("expected #s="));
        assert!(decode("#s=!!!").unwrap_err().contains("damaged"));
        let cut = encode(&session());
        let cut = &cut[..cut.len() / 2];
        assert!(decode(cut).is_err());
    }
}
