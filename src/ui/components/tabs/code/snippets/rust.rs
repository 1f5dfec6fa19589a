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
         \x20           Some(Ok(msg)) => match decode(&msg) {{\n\
         \x20               Ok((key, value)) => process(key, value),\n\
         \x20               // A record these bytes do not decode as (a poison pill). poll() has already moved\n\
         \x20               // past it, so nothing stops: log where it is (or copy it to a dead-letter topic)\n\
         \x20               // and go on; it is never processed.\n\
         \x20               Err(error) => eprintln!(\n\
         \x20                   \"cannot deserialize {{}} [{{}}] offset {{}}: {{error}}\",\n\
         \x20                   msg.topic(),\n\
         \x20                   msg.partition(),\n\
         \x20                   msg.offset()\n\
         \x20               ),\n\
         \x20           }},\n\
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
        key_type_a = key.rust_type().replacen('&', "&'a ", 1),
        value_type_a = value.rust_type().replacen('&', "&'a ", 1),
        work = c.processing_time_ms,
    )
}
