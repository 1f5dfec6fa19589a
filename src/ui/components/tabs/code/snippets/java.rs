//! The consumer as a Java program for Kafka 4.x's `KafkaConsumer`: its generic types follow the
//! deserializers, `partition.assignment.strategy` names assignor classes (the short names are
//! librdkafka's), and a deserializer that needs more configuration gets it.

use super::payload::Payload;
use super::{escape, ConsumerCode};
use crate::sim::assign::AssignorName;
use crate::sim::config::{kafka_consumer_defines, ConsumerConfig, ManualCommit};

pub fn render(code: &ConsumerCode) -> String {
    let c = code.config;
    let key = Payload::of(&c.key_deserializer);
    let value = Payload::of(&c.value_deserializer);
    let types = format!("{}, {}", key.java_type(), value.java_type());
    let mut props = String::new();
    let mut settings = code.settings();
    let mut props_default_note = false;
    // The assignors are what the lab is about: a classic consumer always names them, Kafka's default
    // [RangeAssignor, CooperativeStickyAssignor] included (written out, it runs exactly as left
    // out). KIP-848's broker assigns, and Java refuses the setting under group.protocol=consumer.
    let written = settings
        .iter()
        .any(|(n, _)| *n == "partition.assignment.strategy");
    if !written && !c.is_consumer_protocol() {
        let at = settings
            .iter()
            .position(|(n, _)| *n == "group.id")
            .map_or(settings.len(), |i| i + 1);
        settings.insert(at, ("partition.assignment.strategy", String::new()));
        props_default_note = true;
    }
    for (name, value) in settings {
        let value = match name {
            "partition.assignment.strategy" => assignor_classes(code),
            _ => value,
        };
        if name == "partition.assignment.strategy" && props_default_note {
            props.push_str(
                "        // Kafka's default, written out: range comes first and supports only eager, so the group runs eager range.\n",
            );
        }
        props.push_str(&format!(
            "        props.put(\"{name}\", \"{}\");\n",
            escape(&value)
        ));
    }
    let avro = key == Payload::Avro || value == Payload::Avro;
    if avro && !c.ignored.contains_key("schema.registry.url") {
        props.push_str(
            "        // KafkaAvroDeserializer needs your Schema Registry's address.\n\
             \x20       props.put(\"schema.registry.url\", \"http://schema-registry:8081\");\n",
        );
    }
    for (name, value) in &c.ignored {
        let why = if kafka_consumer_defines(name) || name == "schema.registry.url" {
            "a setting the lab does not simulate"
        } else {
            "not a Kafka consumer setting: KafkaConsumer only logs it as unused"
        };
        props.push_str(&format!(
            "        props.put(\"{}\", \"{}\"); // {why}\n",
            escape(name),
            escape(value)
        ));
    }
    // close() commits only what auto-commit would (ConsumerCoordinator.maybeAutoCommitOffsetsSync).
    let leave = close_comment(c);
    format!(
        "import java.time.Duration;\n\
         import java.util.Collection;\n\
         import java.util.List;\n\
         import java.util.Properties;\n\
         {commit_import}\
         {json_import}\
         import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;\n\
         import org.apache.kafka.clients.consumer.ConsumerRecord;\n\
         import org.apache.kafka.clients.consumer.ConsumerRecords;\n\
         import org.apache.kafka.clients.consumer.KafkaConsumer;\n\
         import org.apache.kafka.common.TopicPartition;\n\
         import org.apache.kafka.common.errors.RecordDeserializationException;\n\
         \n\
         public class ConsumerApp {{\n\
         \x20   public static void main(String[] args) {{\n\
         \x20       Properties props = new Properties();\n\
         {props}\
         \n\
         \x20       // One KafkaConsumer per thread: it is not thread-safe. Leaving the try block calls\n\
         \x20       // close(), {leave}.\n\
         \x20       try (KafkaConsumer<{types}> consumer = new KafkaConsumer<>(props)) {{\n\
         \x20           consumer.subscribe(List.of({topics}), new ConsumerRebalanceListener() {{\n\
         \x20               @Override\n\
         \x20               public void onPartitionsRevoked(Collection<TopicPartition> partitions) {{\n\
         \x20                   // Still a member: commit what you processed.\n\
         \x20               }}\n\
         \n\
         \x20               @Override\n\
         \x20               public void onPartitionsAssigned(Collection<TopicPartition> partitions) {{\n\
         \x20               }}\n\
         \n\
         \x20               @Override\n\
         \x20               public void onPartitionsLost(Collection<TopicPartition> partitions) {{\n\
         \x20                   // No longer a member: another consumer may own them already, so do not commit.\n\
         \x20               }}\n\
         \x20           }});\n\
         \x20           while (true) {{\n\
         \x20               // poll() fetches records and runs rebalances and callbacks. Call it again within\n\
         \x20               // max.poll.interval.ms ({max_poll} ms) or the consumer leaves the group: the poll timer\n\
         \x20               // checks the application makes progress; {alive}.\n\
         \x20               ConsumerRecords<{types}> records;\n\
         \x20               try {{\n\
         \x20                   records = consumer.poll(Duration.ofMillis({poll}));\n\
         \x20               }} catch (RecordDeserializationException e) {{\n\
         \x20                   // A record the deserializer cannot decode (a poison pill): poll() throws again\n\
         \x20                   // at every call until the application seeks past it. Skipping it means it is\n\
         \x20                   // never processed: log where it is (or copy it to a dead-letter topic) first.\n\
         \x20                   System.err.println(\"Cannot deserialize the \" + e.origin() + \" of \"\n\
         \x20                           + e.topicPartition() + \" at offset \" + e.offset() + \": \" + e.getMessage());\n\
         \x20                   consumer.seek(e.topicPartition(), e.offset() + 1);\n\
         \x20                   continue;\n\
         \x20               }}\n\
         \x20               for (ConsumerRecord<{types}> record : records) {{\n\
         \x20                   process(record);\n\
         \x20               }}\n\
         {commit}\
         \x20           }}\n\
         \x20       }}\n\
         \x20   }}\n\
         \n\
         \x20   static void process(ConsumerRecord<{types}> record) {{\n\
         \x20       // ~{work} ms per poll in this simulation\n\
         \x20   }}\n\
         }}\n",
        topics = code.quoted_topics(),
        max_poll = c.max_poll_interval_ms,
        poll = c.poll_timeout_ms,
        work = c.processing_time_ms,
        commit = commit_after_batch(c),
        // The AsyncKafkaConsumer (consumer protocol) has no heartbeat thread: its background thread
        // sends the ConsumerGroupHeartbeats.
        alive = if c.is_consumer_protocol() {
            "the background thread's heartbeats keep the session alive"
        } else {
            "the heartbeat thread keeps the session alive"
        },
        json_import = if key == Payload::ConnectJson || value == Payload::ConnectJson {
            "import com.fasterxml.jackson.databind.JsonNode; // JsonDeserializer: org.apache.kafka:connect-json\n"
        } else {
            ""
        },
        commit_import = if c.enable_auto_commit || c.manual_commit != ManualCommit::Sync {
            ""
        } else {
            "import org.apache.kafka.clients.consumer.CommitFailedException;\n"
        },
    )
}

/// The application's commit after each batch when `enable.auto.commit` is false (`manual.commit`);
/// with auto-commit, where the commits happen instead (`ConsumerCoordinator.maybeAutoCommitOffsetsAsync`
/// at the start of `poll()`, `maybeAutoCommitOffsetsSync` before a rebalance and in `close()`).
fn commit_after_batch(c: &ConsumerConfig) -> String {
    if c.enable_auto_commit {
        return format!(
            "                // enable.auto.commit=true: a later poll() commits the positions of the records\n\
             \x20               // returned so far when auto.commit.interval.ms ({} ms) has passed since the last\n\
             \x20               // commit; a rebalance and close() commit them too.\n",
            c.auto_commit_interval_ms
        );
    }
    let commit = match c.manual_commit {
        ManualCommit::Sync => {
            "                // enable.auto.commit=false: commit the positions after this batch, and wait.\n\
             \x20               try {\n\
             \x20                   consumer.commitSync();\n\
             \x20               } catch (CommitFailedException e) {\n\
             \x20                   // Removed from the group (poll() came too late): another member reads\n\
             \x20                   // these records again from the last committed offset.\n\
             \x20               }\n"
        }
        ManualCommit::Async => {
            "                // enable.auto.commit=false: commit the positions after this batch, without waiting.\n\
             \x20               consumer.commitAsync();\n"
        }
        ManualCommit::None => {
            "                // enable.auto.commit=false and no commit: after a restart the group starts again\n\
             \x20               // from auto.offset.reset.\n"
        }
    };
    commit.to_string()
}

/// `partition.assignment.strategy` as Java takes it: assignor class names.
fn assignor_classes(code: &ConsumerCode) -> String {
    code.config
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

/// What `close()` does, for the comment over the try block. With the consumer protocol the
/// `AsyncKafkaConsumer` leaves through its last `ConsumerGroupHeartbeat`: member epoch -1, or -2 for
/// a static member (`leaveGroupEpoch`), which the coordinator takes as a temporary leave.
fn close_comment(c: &ConsumerConfig) -> &'static str {
    match (
        c.is_consumer_protocol(),
        c.enable_auto_commit,
        c.group_instance_id.is_some(),
    ) {
        (false, true, true) => "which commits and revokes; a static member sends no LeaveGroup",
        (false, true, false) => "which commits, revokes and sends LeaveGroup",
        (false, false, true) => "which revokes; a static member sends no LeaveGroup",
        (false, false, false) => "which revokes and sends LeaveGroup",
        (true, true, true) => "which commits, revokes and leaves for now: a static member's last\n\
            \x20       // heartbeat carries member epoch -2, and its partitions wait for it until its session expires",
        (true, true, false) => "which commits, revokes and leaves the group: its last\n\
            \x20       // ConsumerGroupHeartbeat carries member epoch -1",
        (true, false, true) => "which revokes and leaves for now: a static member's last heartbeat\n\
            \x20       // carries member epoch -2, and its partitions wait for it until its session expires",
        (true, false, false) => "which revokes and leaves the group: its last ConsumerGroupHeartbeat\n\
            \x20       // carries member epoch -1",
    }
}
