//! The consumer as a Python program for confluent-kafka 2.x: the plain `Consumer` (the
//! `DeserializingConsumer` is experimental and raises instead of returning errors), its configuration
//! as librdkafka takes it, and the Java deserializers applied explicitly to the bytes it returns.

use super::librdkafka::{lines, Line, Value};
use super::payload::Payload;
use super::{escape, ConsumerCode};
use crate::sim::config::{ConsumerConfig, ManualCommit};

pub fn render(code: &ConsumerCode) -> String {
    let c = code.config;
    let key = Payload::of(&c.key_deserializer);
    let value = Payload::of(&c.value_deserializer);
    let mut out = String::new();
    let json = key.python_needs_json() || value.python_needs_json();
    let number = key.python_needs_struct() || value.python_needs_struct();
    if json {
        out.push_str("import json\n");
    }
    if number {
        out.push_str("import struct\n");
    }
    if json || number {
        out.push('\n');
    }
    let commit = commit_after_message(c);
    out.push_str(if commit.contains("KafkaException") {
        "from confluent_kafka import Consumer, KafkaException\n\n\n"
    } else {
        "from confluent_kafka import Consumer\n\n\n"
    });
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
    // rd_kafka_consumer_close commits the stored offsets only with enable.auto.commit.
    // With the consumer protocol librdkafka leaves through its last ConsumerGroupHeartbeat: member
    // epoch -1, or -2 for a static member, which the coordinator takes as a temporary leave.
    let close = match (
        c.is_consumer_protocol(),
        c.enable_auto_commit,
        c.group_instance_id.is_some(),
    ) {
        (false, true, true) => "commits and revokes; a static member sends no LeaveGroup",
        (false, true, false) => "commits, revokes and leaves the group at once (LeaveGroup)",
        (false, false, true) => "revokes; a static member sends no LeaveGroup",
        (false, false, false) => "revokes and leaves the group at once (LeaveGroup)",
        (true, true, true) => "commits, revokes and leaves for now (member epoch -2: its partitions wait for it until its session expires)",
        (true, true, false) => "commits, revokes and leaves the group at once (heartbeat with member epoch -1)",
        (true, false, true) => "revokes and leaves for now (member epoch -2: its partitions wait for it until its session expires)",
        (true, false, false) => "revokes and leaves the group at once (heartbeat with member epoch -1)",
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
         {commit}\
         finally:\n\
         \x20   consumer.close()  # {close}\n",
        topics = code.quoted_topics(),
        secs = seconds(c.poll_timeout_ms),
    ));
    out
}

/// The commit after each message (`poll()` returns one) when `enable.auto.commit` is false; with
/// auto-commit, what librdkafka does instead: it stores each message's offset as `poll()` returns it
/// (`enable.auto.offset.store`) and commits the stored offsets from its own thread.
fn commit_after_message(c: &ConsumerConfig) -> String {
    if c.enable_auto_commit {
        return format!(
            "        # enable.auto.commit=true: every auto.commit.interval.ms ({} ms) librdkafka commits,\n\
             \x20       # from its own thread, the offsets of the messages poll() has returned.\n",
            c.auto_commit_interval_ms
        );
    }
    match c.manual_commit {
        ManualCommit::Sync => "        # enable.auto.commit=false: commit after this message, and wait.\n\
             \x20       try:\n\
             \x20           consumer.commit(message=msg, asynchronous=False)\n\
             \x20       except KafkaException as e:\n\
             \x20           # For example removed from the group (poll() came too late): another\n\
             \x20           # member reads this message again from the last committed offset.\n\
             \x20           print(f\"commit failed: {e}\")\n"
            .to_string(),
        ManualCommit::Async => "        # enable.auto.commit=false: commit after this message, without waiting.\n\
             \x20       consumer.commit(message=msg, asynchronous=True)\n"
            .to_string(),
        ManualCommit::None => "        # enable.auto.commit=false and no commit: after a restart the group starts again\n\
             \x20       # from auto.offset.reset.\n"
            .to_string(),
    }
}

/// `poll()`'s timeout in seconds, as Python writes it.
fn seconds(ms: u64) -> String {
    format!("{}", ms as f64 / 1000.0)
}
