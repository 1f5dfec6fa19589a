//! Embed options: which view an `<iframe>` shows and how its clock starts, as the page's query
//! parameters (`?embed=timeline&autoplay=1&speed=2&loop=1`), and the snippet the Embed dialog copies.
//! Plain data, read once when the page opens; the session itself stays in the fragment (`#z=…`).

use std::fmt;

/// The slowest and fastest speeds the clock offers (the speed slider's ends).
const MIN_SPEED: f64 = 0.1;
const MAX_SPEED: f64 = 100.0;

/// What an embed shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmbedView {
    /// The whole page, toolbar and all.
    Playground,
    /// The partition strip and the group panels with their consumer cards.
    Group,
    /// The ownership timeline.
    Timeline,
    /// The protocol sequence diagram.
    Protocol,
    /// Two or three strategies side by side.
    Compare,
}

impl EmbedView {
    pub const ALL: [EmbedView; 5] = [
        EmbedView::Playground,
        EmbedView::Group,
        EmbedView::Timeline,
        EmbedView::Protocol,
        EmbedView::Compare,
    ];

    /// The value of `embed=` in the address.
    pub fn key(self) -> &'static str {
        match self {
            EmbedView::Playground => "playground",
            EmbedView::Group => "group",
            EmbedView::Timeline => "timeline",
            EmbedView::Protocol => "protocol",
            EmbedView::Compare => "compare",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EmbedView::Playground => "The whole playground",
            EmbedView::Group => "Group and partitions",
            EmbedView::Timeline => "Timeline",
            EmbedView::Protocol => "Protocol diagram",
            EmbedView::Compare => "Compare protocols",
        }
    }

    /// The iframe's height the dialog proposes: each view's own, at 1280 px wide or less.
    pub fn default_height(self) -> u32 {
        match self {
            EmbedView::Playground => 860,
            EmbedView::Group => 460,
            EmbedView::Timeline => 340,
            EmbedView::Protocol => 520,
            EmbedView::Compare => 960,
        }
    }

    fn from_key(key: &str) -> Option<EmbedView> {
        Self::ALL.into_iter().find(|v| v.key() == key)
    }
}

/// How an embed starts. The defaults are what the page does without any parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EmbedOptions {
    pub view: EmbedView,
    /// Play from time zero as soon as the page opens; otherwise it opens paused at the moment the
    /// link was made.
    pub autoplay: bool,
    /// The clock's speed, when not the page's own start speed.
    pub speed: Option<f64>,
    /// At the end of the scenario, start again from time zero.
    pub repeat: bool,
}

impl Default for EmbedOptions {
    fn default() -> Self {
        EmbedOptions {
            view: EmbedView::Playground,
            autoplay: false,
            speed: None,
            repeat: false,
        }
    }
}

/// A parameter the page cannot use, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadEmbedParameter {
    pub name: String,
    pub value: String,
    pub reason: String,
}

impl fmt::Display for BadEmbedParameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}=\"{}\": {}", self.name, self.value, self.reason)
    }
}

fn flag(name: &str, value: &str) -> Result<bool, BadEmbedParameter> {
    match value {
        "1" | "true" | "" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err(BadEmbedParameter {
            name: name.into(),
            value: value.into(),
            reason: "use 1 or 0".into(),
        }),
    }
}

/// Percent-decoding for the few characters a parameter value may carry encoded.
fn decode(value: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16);
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| Some(hex(bytes[i + 1])? * 16 + hex(bytes[i + 2])?))
            .flatten();
        match (bytes[i], escaped) {
            (_, Some(b)) => {
                out.push(b as u8);
                i += 3;
            }
            (b'+', None) => {
                out.push(b' ');
                i += 1;
            }
            (b, None) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl EmbedOptions {
    /// Reads the options from the address's query (`?a=1&b=2`, the `?` optional). Parameters that
    /// are not embed options (`debug-panic`) are left to their readers. The first unusable one is
    /// the error: the page then opens as without any, and says why.
    pub fn from_query(query: &str) -> Result<EmbedOptions, BadEmbedParameter> {
        let mut options = EmbedOptions::default();
        for pair in query.trim_start_matches('?').split('&') {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value);
            match name {
                "embed" => {
                    options.view = EmbedView::from_key(&value).ok_or_else(|| BadEmbedParameter {
                        name: name.into(),
                        value: value.clone(),
                        reason: format!(
                            "there is no such view (views: {})",
                            EmbedView::ALL.map(EmbedView::key).join(", ")
                        ),
                    })?
                }
                "autoplay" => options.autoplay = flag(name, &value)?,
                "loop" => options.repeat = flag(name, &value)?,
                "speed" => {
                    let speed = crate::ui::number::parse_f64(&value)
                        .filter(|s| (MIN_SPEED..=MAX_SPEED).contains(s));
                    options.speed = Some(speed.ok_or_else(|| BadEmbedParameter {
                        name: name.into(),
                        value: value.clone(),
                        reason: format!("give a speed from {MIN_SPEED} to {MAX_SPEED}"),
                    })?);
                }
                _ => {}
            }
        }
        Ok(options)
    }

    /// The query that gives these options, empty for the defaults (`?embed=timeline&speed=2`).
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        if self.view != EmbedView::Playground {
            parts.push(format!("embed={}", self.view.key()));
        }
        if self.autoplay {
            parts.push("autoplay=1".to_string());
        }
        if let Some(speed) = self.speed {
            parts.push(format!("speed={speed}"));
        }
        if self.repeat {
            parts.push("loop=1".to_string());
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }

    /// Whether the page shows one view without its toolbar, rail and tabs.
    pub fn focused(&self) -> bool {
        self.view != EmbedView::Playground
    }
}

/// An `<iframe>` that shows `options` of the session in `fragment` (`z=…`), from the page at
/// `page_url` (its address without query or fragment), `height` px high and as wide as its column.
/// The address an embed opens: the page, the options' query, the session's fragment.
pub fn embed_url(page_url: &str, fragment: &str, options: &EmbedOptions) -> String {
    format!("{page_url}{}#{fragment}", options.to_query())
}

pub fn embed_snippet(
    page_url: &str,
    fragment: &str,
    options: &EmbedOptions,
    height: u32,
) -> String {
    let title = match options.view {
        EmbedView::Playground => "Rebalance Lab".to_string(),
        view => format!("Rebalance Lab: {}", view.label().to_ascii_lowercase()),
    };
    format!(
        "<iframe src=\"{}\" title=\"{title}\" width=\"100%\" height=\"{height}\" style=\"border:0\" loading=\"lazy\"></iframe>",
        embed_url(page_url, fragment, options).replace('&', "&amp;")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_parameter_is_the_whole_page_as_it_always_opened() {
        assert_eq!(EmbedOptions::from_query(""), Ok(EmbedOptions::default()));
        assert_eq!(
            EmbedOptions::from_query("?debug-panic=5"),
            Ok(EmbedOptions::default())
        );
        assert_eq!(EmbedOptions::default().to_query(), "");
    }

    #[test]
    fn every_option_reads_back_what_it_wrote() {
        for view in EmbedView::ALL {
            let options = EmbedOptions {
                view,
                autoplay: true,
                speed: Some(2.5),
                repeat: true,
            };
            assert_eq!(EmbedOptions::from_query(&options.to_query()), Ok(options));
        }
        assert_eq!(
            EmbedOptions::from_query("embed=timeline&autoplay=0&speed=0.1&loop=false"),
            Ok(EmbedOptions {
                view: EmbedView::Timeline,
                autoplay: false,
                speed: Some(0.1),
                repeat: false,
            })
        );
    }

    #[test]
    fn a_bad_parameter_names_itself_and_what_would_do() {
        let bad = |q: &str| EmbedOptions::from_query(q).unwrap_err().to_string();
        assert_eq!(
            bad("?embed=slides"),
            "embed=\"slides\": there is no such view (views: playground, group, timeline, protocol, compare)"
        );
        assert_eq!(
            bad("?speed=fast"),
            "speed=\"fast\": give a speed from 0.1 to 100"
        );
        assert_eq!(
            bad("?speed=1000"),
            "speed=\"1000\": give a speed from 0.1 to 100"
        );
        assert_eq!(
            bad("?speed=NaN"),
            "speed=\"NaN\": give a speed from 0.1 to 100"
        );
        assert_eq!(bad("?autoplay=yes"), "autoplay=\"yes\": use 1 or 0");
        assert_eq!(bad("?loop=%F0%9F%8E%89"), "loop=\"🎉\": use 1 or 0");
        assert_eq!(bad("?loop=%"), "loop=\"%\": use 1 or 0");
    }

    #[test]
    fn the_snippet_carries_the_view_its_options_the_session_and_the_height() {
        let options = EmbedOptions {
            view: EmbedView::Timeline,
            autoplay: true,
            speed: Some(2.0),
            repeat: true,
        };
        assert_eq!(
            embed_snippet("https://docs.example/lab/", "z=abc", &options, 320),
            "<iframe src=\"https://docs.example/lab/?embed=timeline&amp;autoplay=1&amp;speed=2&amp;loop=1#z=abc\" title=\"Rebalance Lab: timeline\" width=\"100%\" height=\"320\" style=\"border:0\" loading=\"lazy\"></iframe>"
        );
        assert_eq!(
            embed_snippet("https://lab.example/", "z=abc", &EmbedOptions::default(), 860),
            "<iframe src=\"https://lab.example/#z=abc\" title=\"Rebalance Lab\" width=\"100%\" height=\"860\" style=\"border:0\" loading=\"lazy\"></iframe>"
        );
    }
}
