//! `Action`'s hand-written JSON reader (`sim::action_json`, written for the page's size) against
//! serde's derive, which it replaces: under proptest both read the same texts (valid actions with the
//! tag anywhere and defaults left out, and a soup of known and unknown fields, wrong types, repeated
//! fields and tags, missing tags, serde's array form) through the loaders' `load::from_text`, and
//! either give the same action or refuse with the same words, path, line and column.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use rebalance_lab::sim::action_json::tag_of;
use rebalance_lab::sim::load::from_text;
use rebalance_lab::sim::{Action, InstanceIdChange, Scenario};

/// `Action` exactly as it was declared with serde's derive for reading (its name is in serde's
/// messages, so it is called `Action` too).
mod derived {
    use rebalance_lab::sim::config::ConfigOverrides;
    use rebalance_lab::sim::{InstanceIdChange, Millis};
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
    pub enum Action {
        AddConsumer {
            group: String,
            topics: Vec<String>,
            #[serde(default)]
            config: ConfigOverrides,
        },
        CloseConsumer {
            consumer: String,
        },
        KillConsumer {
            consumer: String,
        },
        StallConsumer {
            consumer: String,
            ms: Millis,
        },
        RestartConsumer {
            consumer: String,
            #[serde(default)]
            group_instance_id: InstanceIdChange,
        },
        AddTopic {
            name: String,
            partitions: i32,
        },
        DeleteTopic {
            name: String,
        },
        AddPartitions {
            topic: String,
            total: i32,
        },
        SetConsumerConfig {
            consumer: String,
            name: String,
            value: String,
        },
        SetProducerRate {
            producer: String,
            records_per_sec: u32,
            #[serde(default)]
            keys: u32,
        },
        ProducePoisonPill {
            producer: String,
            #[serde(default)]
            partition: i32,
        },
        SeekPast {
            consumer: String,
        },
        PollFromSecondThread {
            consumer: String,
        },
    }
}

/// Each action type's fields, as `(name, valid values)`; `true` marks a field with a default.
fn fields(tag: &str) -> Vec<(&'static str, bool)> {
    match tag {
        "add_consumer" => vec![("group", false), ("topics", false), ("config", true)],
        "stall_consumer" => vec![("consumer", false), ("ms", false)],
        "restart_consumer" => vec![("consumer", false), ("group_instance_id", true)],
        "add_topic" => vec![("name", false), ("partitions", false)],
        "delete_topic" => vec![("name", false)],
        "add_partitions" => vec![("topic", false), ("total", false)],
        "set_consumer_config" => vec![("consumer", false), ("name", false), ("value", false)],
        "set_producer_rate" => vec![
            ("producer", false),
            ("records_per_sec", false),
            ("keys", true),
        ],
        "produce_poison_pill" => vec![("producer", false), ("partition", true)],
        _ => vec![("consumer", false)],
    }
}

const TAGS: &[&str] = &[
    "add_consumer",
    "close_consumer",
    "kill_consumer",
    "stall_consumer",
    "restart_consumer",
    "add_topic",
    "delete_topic",
    "add_partitions",
    "set_consumer_config",
    "set_producer_rate",
    "produce_poison_pill",
    "seek_past",
    "poll_from_second_thread",
];

const NAMES: &[&str] = &[
    "group",
    "topics",
    "config",
    "consumer",
    "ms",
    "group_instance_id",
    "name",
    "partitions",
    "topic",
    "total",
    "value",
    "producer",
    "records_per_sec",
    "keys",
    "partition",
    "bogus",
    "type",
];

/// Values of every JSON shape, valid for some field or other.
const VALUES: &[&str] = &[
    r#""c1""#,
    r#""""#,
    r#""keep""#,
    r#""unset""#,
    "0",
    "7",
    "-1",
    "1.5",
    "4294967296",
    "1e3",
    "true",
    "null",
    r#"["orders", "payments"]"#,
    "[1]",
    "[]",
    r#"{"set": "app-1"}"#,
    r#"{"set": "a", "unset": null}"#,
    r#"{"session.timeout.ms": 10000, "x": [1, "b"], "x": null}"#,
    "{}",
];

/// A valid value for a field.
fn valid_value(name: &str) -> Vec<&'static str> {
    match name {
        "topics" => vec![r#"["orders", "payments"]"#, "[]"],
        "config" => vec![r#"{"session.timeout.ms": 10000, "x": [1, "b"]}"#, "{}"],
        "ms" | "records_per_sec" | "keys" => vec!["0", "7", "4294967295"],
        "partitions" | "total" | "partition" => vec!["-1", "0", "7"],
        "group_instance_id" => vec![r#""keep""#, r#""unset""#, r#"{"set": "app-1"}"#],
        _ => vec![r#""c1""#, r#""""#],
    }
}

/// A valid action: its fields in any order, defaults sometimes left out, the tag anywhere.
fn valid_action() -> impl Strategy<Value = String> {
    (0..TAGS.len(), any::<u64>()).prop_map(|(t, seed)| {
        let tag = TAGS[t];
        let mut bits = seed;
        let mut take = |n: u64| {
            let v = bits % n.max(1);
            bits /= n.max(1);
            v as usize
        };
        let mut entries: Vec<String> = Vec::new();
        for (name, default) in fields(tag) {
            if default && take(2) == 0 {
                continue;
            }
            let values = valid_value(name);
            let value = values[take(values.len() as u64)];
            let at = take(entries.len() as u64 + 1);
            entries.insert(at, format!("\"{name}\": {value}"));
        }
        let at = take(entries.len() as u64 + 1);
        entries.insert(at, format!("\"type\": \"{tag}\""));
        format!("{{{}}}", entries.join(", "))
    })
}

/// Anything action-shaped: known and unknown names with values of any shape, tags valid or not,
/// repeated or missing, and the array form.
fn soup() -> impl Strategy<Value = String> {
    let tag = prop_oneof![
        (0..TAGS.len()).prop_map(|t| format!("\"{}\"", TAGS[t])),
        Just(r#""explode""#.to_string()),
        Just("3".to_string()),
        Just("null".to_string()),
    ];
    let entry = (0..NAMES.len(), 0..VALUES.len())
        .prop_map(|(n, v)| format!("\"{}\": {}", NAMES[n], VALUES[v]));
    let map = (
        tag.clone(),
        proptest::collection::vec(entry, 0..5),
        0..6usize,
        any::<bool>(),
    )
        .prop_map(|(tag, mut entries, at, with_tag)| {
            if with_tag {
                let at = at.min(entries.len());
                entries.insert(at, format!("\"type\": {tag}"));
            }
            format!("{{{}}}", entries.join(", "))
        });
    let array = (
        tag,
        proptest::collection::vec(0..VALUES.len(), 0..5),
        any::<bool>(),
    )
        .prop_map(|(tag, values, with_tag)| {
            let mut items: Vec<String> = values.iter().map(|&v| VALUES[v].to_string()).collect();
            if with_tag {
                items.insert(0, tag);
            }
            format!("[{}]", items.join(", "))
        });
    prop_oneof![
        4 => map,
        2 => array,
        1 => (0..VALUES.len()).prop_map(|v| VALUES[v].to_string()),
    ]
}

/// Both readers on `[text]` (so the path and position have something around them).
fn same_reading(text: &str) -> Result<(), TestCaseError> {
    let input = format!("[\n  {text}\n]");
    let ours = from_text::<Vec<Action>>(&input);
    let derived = from_text::<Vec<derived::Action>>(&input);
    match (&ours, &derived) {
        (Ok(a), Ok(r)) => {
            let a = serde_json::to_value(a).unwrap();
            let r = serde_json::to_value(r).unwrap();
            prop_assert_eq!(a, r, "{}", input);
        }
        (Err(a), Err(r)) => prop_assert_eq!(a.to_string(), r.to_string(), "{}", input),
        _ => prop_assert!(
            false,
            "{input}: ours {:?}, derived {:?}",
            ours.as_ref().map(|_| ()),
            derived.as_ref().map(|_| ())
        ),
    }
    Ok(())
}

fn run(strategy: impl Strategy<Value = String>, cases: u32) {
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[11; 32]);
    let mut runner = TestRunner::new_with_rng(config, rng);
    if let Err(e) = runner.run(&strategy, |text| same_reading(&text)) {
        panic!("{e}");
    }
}

#[test]
fn valid_actions_read_as_the_derive_read_them() {
    run(valid_action(), 2000);
}

#[test]
fn any_action_shaped_text_is_read_or_refused_as_the_derive_did() {
    run(soup(), 4000);
}

#[test]
fn refusals_say_what_the_derive_said() {
    for text in [
        r#"{"consumer": "c1"}"#,
        r#"{"type": "explode"}"#,
        r#"{"type": "kill_consumer", "consumer": "c1", "type": "kill_consumer"}"#,
        r#"{"consumer": 5, "type": "kill_consumer"}"#,
        r#"{"type": "stall_consumer", "consumer": "c1"}"#,
        r#"{"type": "kill_consumer", "consumer": "c1", "ms": 5}"#,
        r#"{"type": "kill_consumer", "consumer": "c1", "consumer": "c2"}"#,
        r#"{"type": "add_topic", "name": "t", "partitions": 1.5}"#,
        r#"["add_topic", "t"]"#,
        r#"["add_topic", "t", 1, 2]"#,
        r#"[]"#,
        r#""kill_consumer""#,
    ] {
        if let Err(e) = same_reading(text) {
            panic!("{e}");
        }
        assert!(from_text::<Action>(text).is_err(), "{text}");
    }
}

/// Every action type written by serde's derive (the share links, the exported files) reads back.
#[test]
fn every_action_type_reads_back_what_is_written() {
    let actions = vec![
        Action::AddConsumer {
            group: "g".into(),
            topics: vec!["orders".into()],
            config: [("session.timeout.ms".to_string(), "10000".into())].into(),
        },
        Action::CloseConsumer {
            consumer: "c1".into(),
        },
        Action::KillConsumer {
            consumer: "c1".into(),
        },
        Action::StallConsumer {
            consumer: "c1".into(),
            ms: 5000,
        },
        Action::RestartConsumer {
            consumer: "c1".into(),
            group_instance_id: InstanceIdChange::Set("app-1".into()),
        },
        Action::AddTopic {
            name: "t".into(),
            partitions: 3,
        },
        Action::DeleteTopic { name: "t".into() },
        Action::AddPartitions {
            topic: "t".into(),
            total: 6,
        },
        Action::SetConsumerConfig {
            consumer: "c1".into(),
            name: "max.poll.records".into(),
            value: "10".into(),
        },
        Action::SetProducerRate {
            producer: "p1".into(),
            records_per_sec: 100,
            keys: 8,
        },
        Action::ProducePoisonPill {
            producer: "p1".into(),
            partition: 2,
        },
        Action::SeekPast {
            consumer: "c1".into(),
        },
        Action::PollFromSecondThread {
            consumer: "c1".into(),
        },
    ];
    let mut tags: Vec<&str> = actions.iter().map(tag_of).collect();
    tags.dedup();
    assert_eq!(tags, TAGS, "one action of every type, in declaration order");
    for action in actions {
        let text = serde_json::to_string(&action).unwrap();
        assert_eq!(from_text::<Action>(&text).unwrap(), action, "{text}");
    }
}

/// The examples' scenario files still load, with the same actions as the derive read.
#[test]
fn the_examples_read_the_same() {
    for entry in std::fs::read_dir("examples").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).unwrap();
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            let Some(actions) = value.get("actions").and_then(|a| a.as_array()) else {
                continue;
            };
            for timed in actions {
                let action = serde_json::to_string(&timed["action"]).unwrap();
                if let Err(e) = same_reading(&action) {
                    panic!("{}: {e}", path.display());
                }
            }
            Scenario::from_json(&text).unwrap();
        }
    }
}
