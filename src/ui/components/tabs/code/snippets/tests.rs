use super::librdkafka::{lines, Line, Value};
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

fn librdkafka(c: &ConsumerConfig) -> Vec<Line> {
    let topics = vec!["orders".to_string()];
    lines(&ConsumerCode {
        config: c,
        topics: &topics,
    })
}

fn set_value(lines: &[Line], name: &str) -> Option<(Value, Option<String>)> {
    lines.iter().find_map(|l| match l {
        Line::Set {
            name: n,
            value,
            comment,
        } if n == name => Some((value.clone(), comment.clone())),
        _ => None,
    })
}

const LONG: &str = "org.apache.kafka.common.serialization.LongDeserializer";
const BYTES: &str = "org.apache.kafka.common.serialization.ByteArrayDeserializer";

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
    assert!(java.contains("a static member sends no LeaveGroup"));
}

#[test]
fn java_generics_follow_the_deserializers() {
    let c = config(&[("key.deserializer", BYTES), ("value.deserializer", LONG)]);
    let java = render(&c, Language::Java);
    assert!(java.contains("KafkaConsumer<byte[], Long> consumer = new KafkaConsumer<>(props)"));
    assert!(java.contains("ConsumerRecords<byte[], Long> records"));
    assert!(java.contains("static void process(ConsumerRecord<byte[], Long> record)"));
    assert!(!java.contains("<String"), "{java}");
}

#[test]
fn avro_gets_the_schema_registry_it_needs() {
    let avro = "io.confluent.kafka.serializers.KafkaAvroDeserializer";
    let c = config(&[("value.deserializer", avro)]);
    let java = render(&c, Language::Java);
    assert!(java.contains(r#"props.put("schema.registry.url", "#));
    assert!(java.contains("KafkaConsumer<String, Object>"));
    assert!(render(&c, Language::Python).contains("AvroDeserializer"));
}

#[test]
fn java_names_assignor_classes_and_librdkafka_gets_what_it_supports() {
    let c = config(&[("partition.assignment.strategy", "cooperative-sticky")]);
    assert!(render(&c, Language::Java).contains(
        r#"props.put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");"#
    ));
    assert!(render(&c, Language::Python)
        .contains(r#""partition.assignment.strategy": "cooperative-sticky","#));
    // Eager sticky: librdkafka has none, and the code says so instead of silently using range.
    let sticky = config(&[("partition.assignment.strategy", "sticky")]);
    let (value, comment) =
        set_value(&librdkafka(&sticky), "partition.assignment.strategy").unwrap();
    assert_eq!(value, Value::Text("range".into()));
    assert!(comment
        .unwrap()
        .contains("librdkafka has no eager sticky assignor"));
    assert!(render(&sticky, Language::Rust).contains("librdkafka has no eager sticky assignor"));
    // An explicit [cooperative-sticky, range] is eager in Java; librdkafka cannot mix the two.
    let mixed = config(&[("partition.assignment.strategy", "cooperative-sticky,range")]);
    let (value, comment) = set_value(&librdkafka(&mixed), "partition.assignment.strategy").unwrap();
    assert_eq!(value, Value::Text("range".into()));
    assert!(comment.unwrap().contains("cannot mix"));
}

#[test]
fn values_librdkafka_refuses_are_translated_with_a_comment() {
    let c = config(&[
        ("auto.offset.reset", "none"),
        ("auto.commit.interval.ms", "0"),
        ("metadata.max.age.ms", "0"),
        ("session.timeout.ms", "10000"),
        ("max.poll.interval.ms", "5000"),
    ]);
    let l = librdkafka(&c);
    let (reset, why) = set_value(&l, "auto.offset.reset").unwrap();
    assert_eq!(reset, Value::Text("error".into()));
    assert!(why.unwrap().contains("librdkafka calls it error"));
    assert_eq!(
        set_value(&l, "auto.commit.interval.ms").unwrap().0,
        Value::Number(1)
    );
    assert_eq!(
        set_value(&l, "metadata.max.age.ms").unwrap().0,
        Value::Number(100)
    );
    let (max_poll, why) = set_value(&l, "max.poll.interval.ms").unwrap();
    assert_eq!(max_poll, Value::Number(10_000));
    assert!(why.unwrap().contains("at least session.timeout.ms"));
    let by_duration = config(&[("auto.offset.reset", "by_duration:PT1H")]);
    let python = render(&by_duration, Language::Python);
    assert!(
        python.contains("# auto.offset.reset=by_duration:PT1H is Java's"),
        "{python}"
    );
    assert!(!python.contains("\"auto.offset.reset\""));
}

#[test]
fn settings_the_lab_ignores_pass_to_java_and_stay_comments_for_librdkafka() {
    let c = config(&[("fetch.min.bytes", "1024"), ("foo", "1")]);
    let java = render(&c, Language::Java);
    assert!(java.contains(
        r#"props.put("fetch.min.bytes", "1024"); // a setting the lab does not simulate"#
    ));
    assert!(java.contains(r#"props.put("foo", "1"); // not a Kafka consumer setting"#));
    let python = render(&c, Language::Python);
    assert!(python.contains("    # foo=1: not simulated by the lab"));
    assert!(!python.contains("\"foo\""));
}

#[test]
fn python_uses_the_plain_consumer_and_deserializes_explicitly() {
    let c = config(&[("poll.timeout.ms", "0"), ("value.deserializer", LONG)]);
    let python = render(&c, Language::Python);
    assert!(python.contains("from confluent_kafka import Consumer\n"));
    assert!(!python.contains("DeserializingConsumer"));
    assert!(python.contains("import struct"));
    assert!(python.contains("struct.unpack(\">q\", data)[0]"));
    assert!(python.contains("consumer.poll(0)"));
    assert!(
        !python.contains("deserializer\":"),
        "not a librdkafka property"
    );
}

#[test]
fn rust_payload_types_follow_the_deserializers() {
    let c = config(&[("key.deserializer", BYTES), ("value.deserializer", LONG)]);
    let rust = render(&c, Language::Rust);
    assert!(rust.contains("let key = msg.key();"));
    assert!(rust.contains("<[u8; 8]>::try_from(b).map(i64::from_be_bytes)"));
    assert!(rust.contains("fn process(_key: Option<&[u8]>, _value: Option<i64>)"));
    let plain = render(&config(&[("poll.timeout.ms", "0")]), Language::Rust);
    // Java's StringDeserializer never rejects bytes: malformed UTF-8 becomes U+FFFD.
    assert!(plain.contains("let value = msg.payload().map(String::from_utf8_lossy);"));
    assert!(plain.contains(
        "fn process(_key: Option<std::borrow::Cow<'_, str>>, _value: Option<std::borrow::Cow<'_, str>>)"
    ));
    assert!(plain.contains("Duration::from_millis(0)"));
    assert!(!plain.contains("deserializer"), "rdkafka hands out bytes");
}

#[test]
fn the_consumer_protocol_writes_group_protocol_and_the_remote_assignor_and_no_classic_timings() {
    let c = config(&[
        ("group.protocol", "consumer"),
        ("group.remote.assignor", "uniform"),
        ("max.poll.interval.ms", "20000"),
    ]);
    assert_eq!(c.validate(), Ok(()));
    let java = render(&c, Language::Java);
    assert!(
        java.contains(r#"props.put("group.protocol", "consumer");"#),
        "{java}"
    );
    assert!(java.contains(r#"props.put("group.remote.assignor", "uniform");"#));
    for classic in [
        "session.timeout.ms",
        "heartbeat.interval.ms",
        "partition.assignment.strategy",
    ] {
        assert!(!java.contains(classic), "{classic} in {java}");
    }
    let lines = librdkafka(&c);
    assert!(set_value(&lines, "group.protocol").is_some());
    assert!(set_value(&lines, "group.remote.assignor").is_some());
    assert_eq!(
        set_value(&lines, "max.poll.interval.ms"),
        Some((Value::Number(20_000), None)),
        "no session.timeout.ms to compare with"
    );
    let python = render(&c, Language::Python);
    assert!(
        !python.contains("session.timeout.ms") && !python.contains("partition.assignment.strategy"),
        "{python}"
    );
}

#[test]
fn java_commits_after_each_batch_as_manual_commit_says() {
    let auto = render(&config(&[]), Language::Java);
    assert!(!auto.contains("commitSync") && !auto.contains("commitAsync"));
    let sync = render(
        &config(&[("enable.auto.commit", "false"), ("manual.commit", "sync")]),
        Language::Java,
    );
    assert!(sync.contains("import org.apache.kafka.clients.consumer.CommitFailedException;"));
    assert!(sync.contains("consumer.commitSync();"));
    let not_sync = render(
        &config(&[("enable.auto.commit", "false"), ("manual.commit", "async")]),
        Language::Java,
    );
    assert!(not_sync.contains("consumer.commitAsync();"));
    assert!(!not_sync.contains("CommitFailedException"));
}

/// Every language says how its consumer commits, and close() is said to commit only when
/// auto-commit is on (Kafka's close() commits through auto-commit alone; so does librdkafka's).
#[test]
fn each_language_commits_as_the_consumer_is_configured() {
    let auto = config(&[("auto.commit.interval.ms", "2000")]);
    let sync = config(&[("enable.auto.commit", "false"), ("manual.commit", "sync")]);
    let not_sync = config(&[("enable.auto.commit", "false"), ("manual.commit", "async")]);
    let never = config(&[("enable.auto.commit", "false"), ("manual.commit", "none")]);
    for language in [Language::Java, Language::Python, Language::Rust] {
        let auto_code = render(&auto, language);
        assert!(
            auto_code.contains("enable.auto.commit=true") && auto_code.contains("(2000 ms)"),
            "{language:?}: {auto_code}"
        );
        let never_code = render(&never, language);
        assert!(never_code.contains("no commit"), "{language:?}");
    }
    let python = |c| render(c, Language::Python);
    assert!(python(&sync).contains("from confluent_kafka import Consumer, KafkaException"));
    assert!(python(&sync).contains("consumer.commit(message=msg, asynchronous=False)"));
    assert!(python(&not_sync).contains("consumer.commit(message=msg, asynchronous=True)"));
    assert!(!python(&not_sync).contains("KafkaException"));
    assert!(!python(&never).contains("consumer.commit("));
    let rust = |c| render(c, Language::Rust);
    assert!(rust(&sync).contains("consumer.commit_message(&msg, CommitMode::Sync)"));
    assert!(rust(&not_sync).contains("consumer.commit_message(&msg, CommitMode::Async)"));
    assert!(rust(&sync).contains("use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};"));
    assert!(rust(&auto).contains("use rdkafka::consumer::{BaseConsumer, Consumer};"));
    assert!(!rust(&never).contains("commit_message"));
    // close(): commits with auto-commit only.
    assert!(render(&auto, Language::Java)
        .contains("close(), which commits, revokes and sends LeaveGroup."));
    assert!(render(&sync, Language::Java).contains("close(), which revokes and sends LeaveGroup."));
    assert!(python(&auto).contains("consumer.close()  # commits, revokes"));
    assert!(python(&sync).contains("consumer.close()  # revokes and leaves"));
}

/// The `AsyncKafkaConsumer` and librdkafka leave a consumer-protocol group through their last
/// `ConsumerGroupHeartbeat` (`leaveGroupEpoch`): member epoch -1, or -2 for a static member, which
/// the coordinator takes as a temporary leave. No LeaveGroup request exists in that protocol.
#[test]
fn close_under_the_consumer_protocol_leaves_with_a_heartbeat_not_leave_group() {
    let dynamic = config(&[("group.protocol", "consumer")]);
    let fixed = config(&[
        ("group.protocol", "consumer"),
        ("group.instance.id", "orders-1"),
    ]);
    for language in [Language::Java, Language::Python] {
        let dynamic_code = render(&dynamic, language);
        let static_code = render(&fixed, language);
        assert!(!dynamic_code.contains("LeaveGroup"), "{dynamic_code}");
        assert!(!static_code.contains("LeaveGroup"), "{static_code}");
        assert!(dynamic_code.contains("member epoch -1"), "{dynamic_code}");
        assert!(static_code.contains("member epoch -2"), "{static_code}");
    }
    let java = render(&fixed, Language::Java);
    assert!(java.contains("the background thread's heartbeats keep the session alive"));
    assert!(!java.contains("heartbeat thread"), "{java}");
    assert!(java.contains(
        "        // close(), which commits, revokes and leaves for now: a static member's last\n\
         \x20       // heartbeat carries member epoch -2, and its partitions wait for it until its session expires."
    ), "{java}");
}

/// Kafka 4.1.2's `CompletedFetch.fetchRecords` keeps the failed record and throws again at every
/// `poll()` until the application seeks: the Java loop catches RecordDeserializationException around
/// `poll()`, logs partition, offset and origin, and seeks one past it.
#[test]
fn java_skips_a_poison_pill_by_seeking_past_it() {
    let java = render(&config(&[("value.deserializer", LONG)]), Language::Java);
    assert!(
        java.contains("import org.apache.kafka.common.errors.RecordDeserializationException;\n")
    );
    let poll = java
        .find("records = consumer.poll(Duration.ofMillis(")
        .unwrap();
    let try_at = java[..poll].rfind("try {").unwrap();
    let catch = java
        .find("} catch (RecordDeserializationException e) {")
        .unwrap();
    assert!(try_at < poll && poll < catch, "the catch is around poll()");
    let handler = &java[catch..java[catch..].find("continue;").unwrap() + catch];
    for call in ["e.origin()", "e.topicPartition()", "e.offset()"] {
        assert!(handler.contains(call), "logs {call}");
    }
    assert!(handler.contains("consumer.seek(e.topicPartition(), e.offset() + 1);"));
    assert!(handler.contains("poll() throws again"));
    let loop_at = java.find("for (ConsumerRecord<").unwrap();
    assert!(
        catch < loop_at,
        "records are processed after a poll() that returned"
    );
}

/// confluent-kafka's plain Consumer and rdkafka's BaseConsumer hand out bytes and have already moved
/// past a record when it is returned: decoding fails in the application, which logs and goes on —
/// no exception from poll(), no seek.
#[test]
fn python_and_rust_log_an_undecodable_record_and_go_on_without_a_seek() {
    let c = config(&[("value.deserializer", LONG)]);
    let python = render(&c, Language::Python);
    let rust = render(&c, Language::Rust);
    for code in [&python, &rust] {
        assert!(
            !code.contains("seek"),
            "no seek: the position is already past it"
        );
        assert!(!code.contains("RecordDeserializationException"));
        assert!(code.contains("already moved"));
        assert!(code.contains("cannot deserialize"));
        assert!(code.contains("msg.partition()") && code.contains("msg.offset()"));
    }
    let decode = python
        .find("key, value = deserialize_key(msg.key()), deserialize_value(msg.value())")
        .unwrap();
    let except = python.find("except Exception as e:").unwrap();
    let process = python.find("        process(key, value)\n").unwrap();
    assert!(
        decode < except && except < process,
        "only decoding is guarded"
    );
    assert!(python[except..process].contains("continue"));
    assert!(rust.contains("Some(Ok(msg)) => {") && rust.contains("match decode(&msg) {"));
    assert!(rust.contains(
        "fn decode<'a>(msg: &'a BorrowedMessage<'_>) -> Result<Decoded<'a>, Box<dyn std::error::Error>>"
    ));
    assert!(rust.contains("type Decoded<'a> = (Option<std::borrow::Cow<'a, str>>, Option<i64>);"));
    assert!(rust.contains("use rdkafka::message::BorrowedMessage;"));
}

#[test]
fn java_writes_out_kafkas_two_default_assignors() {
    let java = render(&config(&[]), Language::Java);
    assert!(java.contains(
        r#"props.put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.RangeAssignor,org.apache.kafka.clients.consumer.CooperativeStickyAssignor");"#
    ), "{java}");
    // KIP-848: the broker assigns, and Java refuses the setting.
    let kip848 = render(&config(&[("group.protocol", "consumer")]), Language::Java);
    assert!(
        !kip848.contains("partition.assignment.strategy"),
        "{kip848}"
    );
}

/// Connect's JsonDeserializer hands out a JsonNode; the other languages parse the same bytes as one
/// JSON value. Other classes called JsonDeserializer (Spring's) are not taken for it.
#[test]
fn connect_json_is_parsed_as_json_in_every_language() {
    use crate::sim::serialization::CONNECT_JSON_DESERIALIZER;
    let c = config(&[("value.deserializer", CONNECT_JSON_DESERIALIZER)]);
    let java = render(&c, Language::Java);
    assert!(java.contains("KafkaConsumer<String, JsonNode> consumer"));
    assert!(java.contains("import com.fasterxml.jackson.databind.JsonNode;"));
    let python = render(&c, Language::Python);
    assert!(python.starts_with("import json\n\nfrom confluent_kafka import Consumer"));
    assert!(python.contains("json.loads(data)"));
    let rust = render(&c, Language::Rust);
    assert!(rust.contains("Option<serde_json::Value>"));
    assert!(rust.contains("serde_json::from_slice::<serde_json::Value>"));
    let spring = config(&[(
        "value.deserializer",
        "org.springframework.kafka.support.serializer.JsonDeserializer",
    )]);
    assert!(!render(&spring, Language::Java).contains("JsonNode"));
}
