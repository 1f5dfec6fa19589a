//! The consumer as a Rust program for the rdkafka crate: a `BaseConsumer` with the configuration as
//! librdkafka takes it, and the payload type following the Java deserializer.

use super::librdkafka::{lines, Line, Value};
use super::payload::Payload;
use super::{escape, ConsumerCode};
use crate::sim::config::{ConsumerConfig, ManualCommit};

pub fn render(code: &ConsumerCode) -> String {
    let c = code.config;
    let key = Payload::of(&c.key_deserializer);
    let value = Payload::of(&c.value_deserializer);
    let mut config = String::new();
    for line in lines(code) {
        config.push_str(&match line {
            Line::Set {
                name,
                value,
                comment,
            } => {
                let text = match value {
                    Value::Text(t) => escape(&t),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                };
                let comment = comment.map(|c| format!(" // {c}")).unwrap_or_default();
                format!("        .set(\"{name}\", \"{text}\"){comment}\n")
            }
            Line::Note(note) => format!("        // {note}\n"),
        });
    }
    format!(
        "use rdkafka::config::ClientConfig;\n\
         use rdkafka::consumer::{{{consumer_imports}}};\n\
         use rdkafka::message::BorrowedMessage;\n\
         use rdkafka::Message;\n\
         use std::time::Duration;\n\
         \n\
         fn main() -> Result<(), Box<dyn std::error::Error>> {{\n\
         \x20   let consumer: BaseConsumer = ClientConfig::new()\n\
         {config}\
         \x20       .create()?;\n\
         \x20   consumer.subscribe(&[{topics}])?;\n\
         \x20   loop {{\n\
         \x20       // poll() serves rebalances and callbacks; call it within max.poll.interval.ms.\n\
         \x20       match consumer.poll(Duration::from_millis({poll})) {{\n\
         \x20           Some(Ok(msg)) => {{\n\
         \x20               match decode(&msg) {{\n\
         \x20                   Ok((key, value)) => process(key, value),\n\
         \x20                   // A record these bytes do not decode as (a poison pill). poll() has\n\
         \x20                   // already moved past it, so nothing stops: log where it is (or copy it\n\
         \x20                   // to a dead-letter topic) and go on; it is never processed.\n\
         \x20                   Err(error) => eprintln!(\n\
         \x20                       \"cannot deserialize {{}} [{{}}] offset {{}}: {{error}}\",\n\
         \x20                       msg.topic(),\n\
         \x20                       msg.partition(),\n\
         \x20                       msg.offset()\n\
         \x20                   ),\n\
         \x20               }}\n\
         {commit}\
         \x20           }}\n\
         \x20           Some(Err(error)) => eprintln!(\"{{error}}\"),\n\
         \x20           None => {{}}\n\
         \x20       }}\n\
         \x20   }}\n\
         }}\n\
         \n\
         /// The key and value decoded from the bytes Kafka's Java serializers write, or why they do not decode.\n\
         type Decoded<'a> = (Option<{key_type_a}>, Option<{value_type_a}>);\n\
         \n\
         fn decode<'a>(msg: &'a BorrowedMessage<'_>) -> Result<Decoded<'a>, Box<dyn std::error::Error>> {{\n\
         \x20   let key = {key_expr}; // {key_comment}\n\
         \x20   let value = {value_expr}; // {value_comment}\n\
         \x20   Ok((key, value))\n\
         }}\n\
         \n\
         fn process(_key: Option<{key_type}>, _value: Option<{value_type}>) {{\n\
         \x20   // ~{work} ms per poll in this simulation\n\
         }}\n",
        topics = code.quoted_topics(),
        poll = c.poll_timeout_ms,
        key_expr = key.rust_expr("key"),
        key_comment = key.rust_comment(),
        value_expr = value.rust_expr("payload"),
        value_comment = value.rust_comment(),
        key_type = key.rust_type(),
        value_type = value.rust_type(),
        key_type_a = with_lifetime_a(key.rust_type()),
        value_type_a = with_lifetime_a(value.rust_type()),
        work = c.processing_time_ms,
        commit = commit_after_message(c),
        consumer_imports = if !c.enable_auto_commit && c.manual_commit != ManualCommit::None {
            "BaseConsumer, CommitMode, Consumer"
        } else {
            "BaseConsumer, Consumer"
        },
    )
}

/// A payload type borrowing from the message, with the message's lifetime `'a` spelled out (a type
/// alias may not elide it): `&[u8]` → `&'a [u8]`, `Cow<'_, str>` → `Cow<'a, str>`.
fn with_lifetime_a(ty: &str) -> String {
    ty.replacen('&', "&'a ", 1).replace("'_", "'a")
}

/// The commit after each message (`poll()` returns one) when `enable.auto.commit` is false; with
/// auto-commit, what librdkafka does instead: it stores each message's offset as `poll()` returns it
/// (`enable.auto.offset.store`) and commits the stored offsets from its own thread.
fn commit_after_message(c: &ConsumerConfig) -> String {
    if c.enable_auto_commit {
        return format!(
            "                // enable.auto.commit=true: every auto.commit.interval.ms ({} ms) librdkafka\n\
             \x20               // commits, from its own thread, the offsets of the messages poll() has returned.\n",
            c.auto_commit_interval_ms
        );
    }
    let (mode, wait, why) = match c.manual_commit {
        ManualCommit::Sync => (
            "Sync",
            "and wait",
            "For example removed from the group (poll() came too late): another\n\
             \x20                   // member reads this message again from the last committed offset.",
        ),
        ManualCommit::Async => (
            "Async",
            "without waiting",
            "Only a failure to queue the commit: its result comes later, to the\n\
             \x20                   // consumer context's commit callback.",
        ),
        ManualCommit::None => {
            return "                // enable.auto.commit=false and no commit: after a restart the group starts\n\
                    \x20               // again from auto.offset.reset.\n"
                .to_string()
        }
    };
    format!(
        "                // enable.auto.commit=false: commit after this message, {wait}.\n\
         \x20               if let Err(error) = consumer.commit_message(&msg, CommitMode::{mode}) {{\n\
         \x20                   // {why}\n\
         \x20                   eprintln!(\"commit failed: {{error}}\");\n\
         \x20               }}\n"
    )
}
