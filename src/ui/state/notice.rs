//! Refusals, shown next to the control that caused them.

/// Where a refusal is shown: next to the control that caused it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoticeAt {
    Consumer(String),
    Cluster,
    AddConsumer,
    ScenarioFile,
    Page,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub at: NoticeAt,
    pub text: String,
}

impl Notice {
    /// The text of this notice if it belongs at `at`.
    pub fn text_at(notice: Option<&Notice>, at: &NoticeAt) -> Option<String> {
        notice.filter(|n| &n.at == at).map(|n| n.text.clone())
    }
}

/// Model errors start in lower case ("consumer c3 is dead: …"); on the page they read as sentences.
/// A leading config name (`heartbeat.interval.ms …`) or exception keeps its exact spelling.
pub fn sentence(text: &str) -> String {
    let first_word = text.split_whitespace().next().unwrap_or("");
    // An ASCII first word: ASCII case mapping is enough (no Unicode case tables in the wasm).
    let plain_word = first_word.chars().all(|c| c.is_ascii_lowercase());
    let mut s = if plain_word {
        let mut chars = text.chars();
        chars
            .next()
            .map(|c| {
                std::iter::once(c.to_ascii_uppercase())
                    .chain(chars)
                    .collect()
            })
            .unwrap_or_default()
    } else {
        text.to_string()
    };
    if !s.is_empty() && !s.ends_with('.') {
        s.push('.');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::sentence;

    #[test]
    fn refusals_read_as_sentences_without_mangling_kafka_names() {
        assert_eq!(
            sentence("consumer c3 is dead: restart it first"),
            "Consumer c3 is dead: restart it first."
        );
        assert_eq!(
            sentence("heartbeat.interval.ms (5000) must be lower than session.timeout.ms (3000)"),
            "heartbeat.interval.ms (5000) must be lower than session.timeout.ms (3000)."
        );
        assert_eq!(
            sentence("InvalidPartitionsException: Topic already has 6 partition(s)."),
            "InvalidPartitionsException: Topic already has 6 partition(s)."
        );
    }
}
