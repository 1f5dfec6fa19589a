//! The consumer as a Python program for confluent-kafka 2.x: the plain `Consumer` (the
//! `DeserializingConsumer` is experimental and raises instead of returning errors), its configuration
//! as librdkafka takes it, and the Java deserializers applied explicitly to the bytes it returns.

use super::librdkafka::{lines, Line, Value};
use super::payload::Payload;
use super::{escape, ConsumerCode};

pub fn render(code: &ConsumerCode) -> String {
    let c = code.config;
    let key = Payload::of(&c.key_deserializer);
    let value = Payload::of(&c.value_deserializer);
    let mut out = String::new();
    if key.python_needs_struct() || value.python_needs_struct() {
        out.push_str("import struct\n\n");
    }
    out.push_str("from confluent_kafka import Consumer\n\n\n");
    out.push_str(&format!(
        "# The plain Consumer returns bytes: Java's deserializers are applied here.\n\
         def deserialize_key(data):\n    {}\n\n\n\
         def deserialize_value(data):\n    {}\n\n\n",
        key.python_body(),
        value.python_body()
    ));
    out.push_str(&format!(
        "def process(key, value):\n    pass  # ~{} ms per poll in this simulation\n\n\n",
        c.processing_time_ms
    ));
    out.push_str(
        "def on_revoke(consumer, partitions):\n    pass  # still a member: commit what you processed\n\n\n\
         def on_lost(consumer, partitions):\n    pass  # no longer a member: another consumer may own them already\n\n\n",
    );
    out.push_str("consumer = Consumer({\n");
    for line in lines(code) {
        out.push_str(&match line {
            Line::Set {
                name,
                value,
                comment,
            } => {
                let literal = match value {
                    Value::Text(t) => format!("\"{}\"", escape(&t)),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => if b { "True" } else { "False" }.to_string(),
                };
                let comment = comment.map(|c| format!("  # {c}")).unwrap_or_default();
                format!("    \"{name}\": {literal},{comment}\n")
            }
            Line::Note(note) => format!("    # {note}\n"),
        });
    }
    let close = if c.group_instance_id.is_some() {
        "commits and revokes; a static member sends no LeaveGroup"
    } else {
        "commits, revokes and leaves the group at once (LeaveGroup)"
    };
    out.push_str(&format!(
        "}})\n\
         consumer.subscribe([{topics}], on_revoke=on_revoke, on_lost=on_lost)\n\
         try:\n\
         \x20   while True:\n\
         \x20       # poll() serves rebalances and callbacks; call it within max.poll.interval.ms.\n\
         \x20       msg = consumer.poll({secs})\n\
         \x20       if msg is None:\n\
         \x20           continue\n\
         \x20       if msg.error():\n\
         \x20           print(msg.error())\n\
         \x20           continue\n\
         \x20       try:\n\
         \x20           key, value = deserialize_key(msg.key()), deserialize_value(msg.value())\n\
         \x20       except Exception as e:\n\
         \x20           # A record these bytes do not decode as (a poison pill). The plain Consumer has\n\
         \x20           # already moved past it, so nothing stops: log where it is (or copy it to a\n\
         \x20           # dead-letter topic) and go on; it is never processed.\n\
         \x20           print(f\"cannot deserialize {{msg.topic()}} [{{msg.partition()}}] offset {{msg.offset()}}: {{e!r}}\")\n\
         \x20           continue\n\
         \x20       process(key, value)\n\
         finally:\n\
         \x20   consumer.close()  # {close}\n",
        topics = code.quoted_topics(),
        secs = seconds(c.poll_timeout_ms),
    ));
    out
}

/// `poll()`'s timeout in seconds, as Python writes it.
fn seconds(ms: u64) -> String {
    format!("{}", ms as f64 / 1000.0)
}
