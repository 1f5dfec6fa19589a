//! The consumer as a Rust program for the rdkafka crate: a `BaseConsumer` with the configuration as
//! librdkafka takes it, and the payload type following the Java deserializer.

use super::librdkafka::{lines, Line, Value};
use super::payload::Payload;
use super::{escape, ConsumerCode};

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
         use rdkafka::consumer::{{BaseConsumer, Consumer}};\n\
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
         \x20               let key = {key_expr}; // {key_comment}\n\
         \x20               let value = {value_expr}; // {value_comment}\n\
         \x20               process(key, value);\n\
         \x20           }}\n\
         \x20           Some(Err(error)) => eprintln!(\"{{error}}\"),\n\
         \x20           None => {{}}\n\
         \x20       }}\n\
         \x20   }}\n\
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
        work = c.processing_time_ms,
    )
}
