//! The selected consumer as real client code: Java (`KafkaConsumer`), Python (confluent-kafka) and
//! Rust (rdkafka), each carrying exactly the consumer's configuration. Only settings that differ from
//! the client's default are written, plus the required ones, so the snippet reads like real code.

use crate::sim::assign::{AssignorName, RebalanceProtocol};
use crate::sim::config::ConsumerConfig;

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
            Language::Java => self.java(),
            Language::Python => self.python(),
            Language::Rust => self.rust(),
        }
    }

    /// `"orders", "payments"`: the subscription as every language writes a list of strings.
    fn quoted_topics(&self) -> String {
        self.topics
            .iter()
            .map(|t| format!("\"{t}\""))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Kafka settings worth writing: required ones always, the rest only when not Kafka's default.
    /// `poll.timeout.ms` and `processing.time.ms` describe the application, not the client.
    fn settings(&self) -> Vec<(&'static str, String)> {
        let defaults = ConsumerConfig::default();
        let default_entries = defaults.entries();
        let required = [
            "bootstrap.servers",
            "group.id",
            "key.deserializer",
            "value.deserializer",
        ];
        self.config
            .entries()
            .into_iter()
            .zip(default_entries)
            .filter(|((name, _), _)| !matches!(*name, "poll.timeout.ms" | "processing.time.ms"))
            .filter(|((name, value), (_, default))| {
                required.contains(name) || (value != default && value != "null")
            })
            .map(|(entry, _)| entry)
            .collect()
    }

    fn java(&self) -> String {
        let mut out = String::from(
            "import java.time.Duration;\nimport java.util.Collection;\nimport java.util.List;\n\
             import java.util.Properties;\nimport org.apache.kafka.clients.consumer.*;\n\
             import org.apache.kafka.common.TopicPartition;\n\n\
             Properties props = new Properties();\n",
        );
        for (name, value) in self.settings() {
            let value = match name {
                "partition.assignment.strategy" => java_assignor_classes(self.config),
                _ => value,
            };
            out.push_str(&format!("props.put(\"{name}\", \"{value}\");\n"));
        }
        let topics = self.quoted_topics();
        out.push_str(&format!(
            "\n// One KafkaConsumer per thread: it is not thread-safe.\n\
             try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {{\n\
             \x20   consumer.subscribe(List.of({topics}), new ConsumerRebalanceListener() {{\n\
             \x20       public void onPartitionsRevoked(Collection<TopicPartition> p) {{ /* commit what you processed */ }}\n\
             \x20       public void onPartitionsAssigned(Collection<TopicPartition> p) {{ }}\n\
             \x20   }});\n\
             \x20   while (running) {{\n\
             \x20       // poll() fetches records and runs rebalances and callbacks. Call it again within\n\
             \x20       // max.poll.interval.ms ({max_poll} ms) or the consumer leaves the group: the poll timer\n\
             \x20       // checks the application makes progress; the heartbeat thread keeps the session alive.\n\
             \x20       ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis({poll}));\n\
             \x20       for (ConsumerRecord<String, String> record : records) {{\n\
             \x20           process(record); // ~{work} ms per poll in this simulation\n\
             \x20       }}\n\
             \x20   }}\n\
             }}\n",
            max_poll = self.config.max_poll_interval_ms,
            poll = self.config.poll_timeout_ms,
            work = self.config.processing_time_ms,
        ));
        out
    }

    fn python(&self) -> String {
        let mut out = String::from(
            "from confluent_kafka import DeserializingConsumer\n\
             from confluent_kafka.serialization import StringDeserializer\n\n\
             consumer = DeserializingConsumer({\n",
        );
        for (name, value) in self.settings() {
            let line = match name {
                "key.deserializer" | "value.deserializer" => {
                    format!("    \"{name}\": StringDeserializer(\"utf_8\"),\n")
                }
                "partition.assignment.strategy" => format!(
                    "    \"{name}\": \"{}\",  # librdkafka: range, roundrobin or cooperative-sticky\n",
                    librdkafka_strategy(self.config)
                ),
                "enable.auto.commit" => {
                    format!("    \"{name}\": {},\n", python_bool(&value))
                }
                _ if value.parse::<u64>().is_ok() => format!("    \"{name}\": {value},\n"),
                _ => format!("    \"{name}\": \"{value}\",\n"),
            };
            out.push_str(&line);
        }
        let topics = self.quoted_topics();
        out.push_str(&format!(
            "}})\nconsumer.subscribe([{topics}])\n\
             try:\n\
             \x20   while True:\n\
             \x20       # poll() serves rebalances and callbacks; call it within max.poll.interval.ms.\n\
             \x20       msg = consumer.poll({secs})\n\
             \x20       if msg is None or msg.error():\n\
             \x20           continue\n\
             \x20       process(msg)  # ~{work} ms per poll in this simulation\n\
             finally:\n\
             \x20   consumer.close()  # leaves the group at once (a dynamic member sends LeaveGroup)\n",
            secs = seconds(self.config.poll_timeout_ms),
            work = self.config.processing_time_ms,
        ));
        out
    }

    fn rust(&self) -> String {
        let mut body = String::from("let consumer: BaseConsumer = ClientConfig::new()\n");
        for (name, value) in self.settings() {
            // rdkafka hands out raw bytes: deserialization happens when reading the payload.
            if matches!(name, "key.deserializer" | "value.deserializer") {
                continue;
            }
            let value = match name {
                "partition.assignment.strategy" => librdkafka_strategy(self.config),
                _ => value,
            };
            body.push_str(&format!("    .set(\"{name}\", \"{value}\")\n"));
        }
        let topics = self.quoted_topics();
        body.push_str(&format!(
            "    .create()?;\n\
             consumer.subscribe(&[{topics}])?;\n\
             loop {{\n\
             \x20   // poll() serves rebalances and callbacks; call it within max.poll.interval.ms.\n\
             \x20   if let Some(Ok(msg)) = consumer.poll(Duration::from_millis({poll})) {{\n\
             \x20       let value = msg.payload_view::<str>(); // the StringDeserializer's job\n\
             \x20       process(&msg, value); // ~{work} ms per poll in this simulation\n\
             \x20   }}\n\
             }}\n",
            poll = self.config.poll_timeout_ms,
            work = self.config.processing_time_ms,
        ));
        let indented: String = body.lines().map(|line| format!("    {line}\n")).collect();
        format!(
            "use rdkafka::config::ClientConfig;\n\
             use rdkafka::consumer::{{BaseConsumer, Consumer}};\n\
             use rdkafka::Message;\n\
             use std::time::Duration;\n\n\
             fn main() -> Result<(), Box<dyn std::error::Error>> {{\n{indented}}}\n"
        )
    }
}

fn java_assignor_classes(config: &ConsumerConfig) -> String {
    config
        .partition_assignment_strategy
        .iter()
        .map(|a| match a {
            AssignorName::Range => "org.apache.kafka.clients.consumer.RangeAssignor",
            AssignorName::RoundRobin => "org.apache.kafka.clients.consumer.RoundRobinAssignor",
            AssignorName::Sticky => "org.apache.kafka.clients.consumer.StickyAssignor",
            AssignorName::CooperativeSticky => {
                "org.apache.kafka.clients.consumer.CooperativeStickyAssignor"
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// librdkafka (under confluent-kafka and rdkafka) knows range, roundrobin and cooperative-sticky and
/// refuses to mix cooperative with eager ones, so the list keeps only what this consumer's protocol
/// would use; it has no eager `sticky`, for which range is the nearest stand-in.
fn librdkafka_strategy(config: &ConsumerConfig) -> String {
    if config.rebalance_protocol() == RebalanceProtocol::Cooperative {
        return "cooperative-sticky".to_string();
    }
    let eager: Vec<&str> = config
        .partition_assignment_strategy
        .iter()
        .filter(|a| matches!(a, AssignorName::Range | AssignorName::RoundRobin))
        .map(|a| a.protocol_name())
        .collect();
    if eager.is_empty() {
        "range".to_string()
    } else {
        eager.join(",")
    }
}

fn python_bool(value: &str) -> &'static str {
    if value == "true" {
        "True"
    } else {
        "False"
    }
}

fn seconds(ms: u64) -> String {
    format!("{}", ms as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> ConsumerConfig {
        let mut c = ConsumerConfig {
            group_id: "orders-app".into(),
            ..ConsumerConfig::default()
        };
        for (k, v) in pairs {
            c.set(k, v).unwrap();
        }
        c
    }

    fn render(c: &ConsumerConfig, language: Language) -> String {
        let topics = vec!["orders".to_string()];
        ConsumerCode {
            config: c,
            topics: &topics,
        }
        .render(language)
    }

    #[test]
    fn java_writes_required_and_changed_settings_only() {
        let c = config(&[
            ("session.timeout.ms", "10000"),
            ("group.instance.id", "orders-1"),
        ]);
        let java = render(&c, Language::Java);
        assert!(java.contains(r#"props.put("group.id", "orders-app");"#));
        assert!(java.contains(r#"props.put("session.timeout.ms", "10000");"#));
        assert!(java.contains(r#"props.put("group.instance.id", "orders-1");"#));
        assert!(java.contains("StringDeserializer"));
        assert!(
            !java.contains("heartbeat.interval.ms"),
            "defaults are left out"
        );
        assert!(java.contains("List.of(\"orders\")"));
    }

    #[test]
    fn java_names_assignor_classes_and_librdkafka_gets_what_it_supports() {
        let c = config(&[("partition.assignment.strategy", "cooperative-sticky")]);
        assert!(render(&c, Language::Java)
            .contains("org.apache.kafka.clients.consumer.CooperativeStickyAssignor"));
        assert!(render(&c, Language::Python)
            .contains(r#""partition.assignment.strategy": "cooperative-sticky""#));
        let eager_sticky = config(&[("partition.assignment.strategy", "sticky")]);
        assert!(render(&eager_sticky, Language::Rust)
            .contains(r#".set("partition.assignment.strategy", "range")"#));
    }

    #[test]
    fn python_and_rust_carry_the_poll_loop() {
        let c = config(&[("poll.timeout.ms", "0")]);
        assert!(render(&c, Language::Python).contains("consumer.poll(0)"));
        let rust = render(&c, Language::Rust);
        assert!(rust.contains("Duration::from_millis(0)"));
        assert!(
            !rust.contains("key.deserializer"),
            "rdkafka deserializes when reading the payload"
        );
    }
}
