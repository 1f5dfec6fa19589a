//! The selected consumer as real client code: Java (`KafkaConsumer`), Python (confluent-kafka) and
//! Rust (rdkafka), each carrying exactly the consumer's configuration, each a whole program that
//! compiles or runs as written. Only settings that differ from the client's default are written, plus
//! the required ones, so the snippet reads like real code.
//!
//! * [`java`] — generics follow the deserializers; `partition.assignment.strategy` takes class names;
//! * [`librdkafka`] — the configuration as librdkafka (under confluent-kafka and rdkafka) takes it:
//!   Java-only settings left out, values it refuses translated, each with a comment saying so;
//! * [`python`] and [`rust`] — the plain consumer with the deserializers applied explicitly;
//! * [`payload`] — what each deserializer makes of the bytes, per language.
//!
//! The Python snippets are run with confluent-kafka from PyPI (`tests/model/snippets.rs`); the Java
//! ones' shape is checked natively (Maven Central is out of reach here).

pub mod java;
pub mod librdkafka;
pub mod payload;
pub mod python;
pub mod rust;

use crate::sim::config::{ConsumerConfig, SIMULATION_ONLY_NAMES};

/// The languages the Code tab offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    Java,
    Python,
    Rust,
}

impl Language {
    pub const ALL: [Language; 3] = [Language::Java, Language::Python, Language::Rust];

    pub fn label(self) -> &'static str {
        match self {
            Language::Java => "Java",
            Language::Python => "Python",
            Language::Rust => "Rust",
        }
    }
}

/// A consumer as the code needs it: its configuration and the topics it subscribes to.
pub struct ConsumerCode<'a> {
    pub config: &'a ConsumerConfig,
    pub topics: &'a [String],
}

impl ConsumerCode<'_> {
    pub fn render(&self, language: Language) -> String {
        match language {
            Language::Java => java::render(self),
            Language::Python => python::render(self),
            Language::Rust => rust::render(self),
        }
    }

    /// `"orders", "payments"`: the subscription as every language writes a list of strings.
    fn quoted_topics(&self) -> String {
        self.topics
            .iter()
            .map(|t| format!("\"{}\"", escape(t)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Kafka settings worth writing: required ones always, the rest only when not Kafka's default.
    /// The simulation-only knobs describe the application, not the client; settings
    /// the lab ignores are the languages' own business ([`ConsumerConfig::ignored`]).
    fn settings(&self) -> Vec<(&'static str, String)> {
        let defaults = ConsumerConfig::default().entries();
        let required = [
            "bootstrap.servers",
            "group.id",
            "key.deserializer",
            "value.deserializer",
        ];
        self.config
            .entries()
            .into_iter()
            .zip(defaults)
            .filter(|((name, _), _)| !SIMULATION_ONLY_NAMES.contains(name))
            .filter(|((name, value), (_, default))| {
                required.contains(name) || (value != default && value != "null")
            })
            .map(|(entry, _)| entry)
            .collect()
    }
}

/// A string as a literal in any of the three languages (the same escapes serve all).
pub(crate) fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests;
