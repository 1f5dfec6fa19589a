//! Reading an [`Action`] from JSON: `{"type": "kill_consumer", "consumer": "c1"}`.
//!
//! Why this is written out rather than derived: serde's derive for an internally tagged enum
//! (`#[serde(tag = "type")]`) buffers the object and then compiles a visitor of its own for every
//! variant, over serde's buffer type, for every reader: 50 KB of the page's wasm before `wasm-opt`,
//! the largest single item of its JSON reading. Here one table says which fields each action has and
//! of which type; the object is buffered as `serde_json::Value`s and each field read from its value.
//!
//! It reads exactly what the derive read, with the same words and places for every refusal (tests:
//! `tests/model/action_json.rs` checks both readers against each other under proptest): the tag
//! anywhere in the object, unknown fields refused, fields with a default may be left out, a field
//! given twice refused, and serde's array form (`["kill_consumer", "c1"]`, fields in declaration
//! order) as well.

use super::action::{Action, InstanceIdChange};
use super::config::ConfigOverrides;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;

/// A field's type. Every field name has the same type in every action that has it.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Texts,
    Config,
    Millis,
    InstanceId,
    Int,
    Count,
}

/// One action type (its tag is at the same place in [`TAGS`]): its Rust name (for serde's messages), its fields in declaration order
/// with their types and whether they may be left out (`#[serde(default)]`).
struct Variant {
    expecting: &'static str,
    names: &'static [&'static str],
    fields: &'static [(Kind, bool)],
}

const REQUIRED: bool = false;
const DEFAULT: bool = true;

/// Every action type, in `Action`'s declaration order (and [`TAGS`]'s).
const VARIANTS: &[Variant] = &[
    Variant {
        expecting: "struct variant Action::AddConsumer",
        names: &["group", "topics", "config"],
        fields: &[
            (Kind::Text, REQUIRED),
            (Kind::Texts, REQUIRED),
            (Kind::Config, DEFAULT),
        ],
    },
    Variant {
        expecting: "struct variant Action::CloseConsumer",
        names: &["consumer"],
        fields: &[(Kind::Text, REQUIRED)],
    },
    Variant {
        expecting: "struct variant Action::KillConsumer",
        names: &["consumer"],
        fields: &[(Kind::Text, REQUIRED)],
    },
    Variant {
        expecting: "struct variant Action::StallConsumer",
        names: &["consumer", "ms"],
        fields: &[(Kind::Text, REQUIRED), (Kind::Millis, REQUIRED)],
    },
    Variant {
        expecting: "struct variant Action::RestartConsumer",
        names: &["consumer", "group_instance_id"],
        fields: &[(Kind::Text, REQUIRED), (Kind::InstanceId, DEFAULT)],
    },
    Variant {
        expecting: "struct variant Action::AddTopic",
        names: &["name", "partitions"],
        fields: &[(Kind::Text, REQUIRED), (Kind::Int, REQUIRED)],
    },
    Variant {
        expecting: "struct variant Action::DeleteTopic",
        names: &["name"],
        fields: &[(Kind::Text, REQUIRED)],
    },
    Variant {
        expecting: "struct variant Action::AddPartitions",
        names: &["topic", "total"],
        fields: &[(Kind::Text, REQUIRED), (Kind::Int, REQUIRED)],
    },
    Variant {
        expecting: "struct variant Action::SetConsumerConfig",
        names: &["consumer", "name", "value"],
        fields: &[
            (Kind::Text, REQUIRED),
            (Kind::Text, REQUIRED),
            (Kind::Text, REQUIRED),
        ],
    },
    Variant {
        expecting: "struct variant Action::SetProducerRate",
        names: &["producer", "records_per_sec", "keys"],
        fields: &[
            (Kind::Text, REQUIRED),
            (Kind::Count, REQUIRED),
            (Kind::Count, DEFAULT),
        ],
    },
    Variant {
        expecting: "struct variant Action::ProducePoisonPill",
        names: &["producer", "partition"],
        fields: &[(Kind::Text, REQUIRED), (Kind::Int, DEFAULT)],
    },
    Variant {
        expecting: "struct variant Action::SeekPast",
        names: &["consumer"],
        fields: &[(Kind::Text, REQUIRED)],
    },
    Variant {
        expecting: "struct variant Action::PollFromSecondThread",
        names: &["consumer"],
        fields: &[(Kind::Text, REQUIRED)],
    },
];

/// The tags, for serde's "expected one of" message.
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

/// The tag an action is written with. Exhaustive on purpose: a new `Action` variant does not compile
/// until it has a row in [`VARIANTS`] and a line in [`build`].
pub fn tag_of(action: &Action) -> &'static str {
    match action {
        Action::AddConsumer { .. } => "add_consumer",
        Action::CloseConsumer { .. } => "close_consumer",
        Action::KillConsumer { .. } => "kill_consumer",
        Action::StallConsumer { .. } => "stall_consumer",
        Action::RestartConsumer { .. } => "restart_consumer",
        Action::AddTopic { .. } => "add_topic",
        Action::DeleteTopic { .. } => "delete_topic",
        Action::AddPartitions { .. } => "add_partitions",
        Action::SetConsumerConfig { .. } => "set_consumer_config",
        Action::SetProducerRate { .. } => "set_producer_rate",
        Action::ProducePoisonPill { .. } => "produce_poison_pill",
        Action::SeekPast { .. } => "seek_past",
        Action::PollFromSecondThread { .. } => "poll_from_second_thread",
    }
}

/// A field's value, read.
enum Slot {
    Text(String),
    Texts(Vec<String>),
    Config(ConfigOverrides),
    Millis(u64),
    InstanceId(InstanceIdChange),
    Int(i32),
    Count(u32),
}

fn read(kind: Kind, value: Value) -> Result<Slot, serde_json::Error> {
    Ok(match kind {
        Kind::Text => Slot::Text(String::deserialize(value)?),
        Kind::Texts => Slot::Texts(Vec::deserialize(value)?),
        Kind::Config => Slot::Config(ConfigOverrides::deserialize(value)?),
        Kind::Millis => Slot::Millis(u64::deserialize(value)?),
        Kind::InstanceId => Slot::InstanceId(InstanceIdChange::deserialize(value)?),
        Kind::Int => Slot::Int(i32::deserialize(value)?),
        Kind::Count => Slot::Count(u32::deserialize(value)?),
    })
}

fn default_of(kind: Kind) -> Slot {
    match kind {
        Kind::Text => Slot::Text(String::new()),
        Kind::Texts => Slot::Texts(Vec::new()),
        Kind::Config => Slot::Config(ConfigOverrides::new()),
        Kind::Millis => Slot::Millis(0),
        Kind::InstanceId => Slot::InstanceId(InstanceIdChange::default()),
        Kind::Int => Slot::Int(0),
        Kind::Count => Slot::Count(0),
    }
}

/// The fields of one action, read, in declaration order. Each getter takes the next one; the table
/// gave each its type, so the `_` arms (a default) are never taken.
struct Slots(std::vec::IntoIter<Slot>);

impl Slots {
    fn text(&mut self) -> String {
        match self.0.next() {
            Some(Slot::Text(v)) => v,
            _ => String::new(),
        }
    }
    fn texts(&mut self) -> Vec<String> {
        match self.0.next() {
            Some(Slot::Texts(v)) => v,
            _ => Vec::new(),
        }
    }
    fn config(&mut self) -> ConfigOverrides {
        match self.0.next() {
            Some(Slot::Config(v)) => v,
            _ => ConfigOverrides::new(),
        }
    }
    fn millis(&mut self) -> u64 {
        match self.0.next() {
            Some(Slot::Millis(v)) => v,
            _ => 0,
        }
    }
    fn instance_id(&mut self) -> InstanceIdChange {
        match self.0.next() {
            Some(Slot::InstanceId(v)) => v,
            _ => InstanceIdChange::default(),
        }
    }
    fn int(&mut self) -> i32 {
        match self.0.next() {
            Some(Slot::Int(v)) => v,
            _ => 0,
        }
    }
    fn count(&mut self) -> u32 {
        match self.0.next() {
            Some(Slot::Count(v)) => v,
            _ => 0,
        }
    }
}

/// The action of type `VARIANTS[tag]` from its fields.
fn build(tag: usize, slots: Vec<Slot>) -> Action {
    let s = &mut Slots(slots.into_iter());
    match tag {
        0 => Action::AddConsumer {
            group: s.text(),
            topics: s.texts(),
            config: s.config(),
        },
        1 => Action::CloseConsumer { consumer: s.text() },
        2 => Action::KillConsumer { consumer: s.text() },
        3 => Action::StallConsumer {
            consumer: s.text(),
            ms: s.millis(),
        },
        4 => Action::RestartConsumer {
            consumer: s.text(),
            group_instance_id: s.instance_id(),
        },
        5 => Action::AddTopic {
            name: s.text(),
            partitions: s.int(),
        },
        6 => Action::DeleteTopic { name: s.text() },
        7 => Action::AddPartitions {
            topic: s.text(),
            total: s.int(),
        },
        8 => Action::SetConsumerConfig {
            consumer: s.text(),
            name: s.text(),
            value: s.text(),
        },
        9 => Action::SetProducerRate {
            producer: s.text(),
            records_per_sec: s.count(),
            keys: s.count(),
        },
        10 => Action::ProducePoisonPill {
            producer: s.text(),
            partition: s.int(),
        },
        11 => Action::SeekPast { consumer: s.text() },
        _ => Action::PollFromSecondThread { consumer: s.text() },
    }
}

/// The value of `"type"`: an index into [`VARIANTS`].
struct Tag(usize);

impl<'de> Deserialize<'de> for Tag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TagVisitor;
        impl Visitor<'_> for TagVisitor {
            type Value = Tag;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("variant identifier")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Tag, E> {
                match TAGS.iter().position(|t| *t == v) {
                    Some(i) => Ok(Tag(i)),
                    None => Err(E::unknown_variant(v, TAGS)),
                }
            }
        }
        d.deserialize_identifier(TagVisitor)
    }
}

impl<'de> Deserialize<'de> for Action {
    /// The object (or array) is read whole first, then its fields are checked and read: serde's
    /// derive does the same, so a refusal names the same place (the end of the action).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match d.deserialize_any(ActionVisitor)? {
            Written::Object(tag, entries) => from_entries(tag, entries),
            Written::Array(tag, values) => from_values(tag, values),
        }
    }
}

/// An action as written: its tag, and its other entries or elements, not yet read.
enum Written {
    Object(usize, Vec<(String, Value)>),
    Array(usize, Vec<Value>),
}

struct ActionVisitor;

impl<'de> Visitor<'de> for ActionVisitor {
    type Value = Written;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("internally tagged enum Action")
    }

    /// `{"type": ..., field: value, ...}`: the tag may come anywhere.
    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Written, M::Error> {
        let mut tag: Option<usize> = None;
        let mut entries: Vec<(String, Value)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == "type" {
                if tag.is_some() {
                    return Err(de::Error::duplicate_field("type"));
                }
                tag = Some(map.next_value::<Tag>()?.0);
            } else {
                let value = map.next_value::<Value>()?;
                entries.push((key, value));
            }
        }
        let tag = tag.ok_or_else(|| de::Error::missing_field("type"))?;
        Ok(Written::Object(tag, entries))
    }

    /// `["kill_consumer", "c1"]`: the tag, then the fields in declaration order.
    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Written, S::Error> {
        let tag = match seq.next_element::<Tag>()? {
            Some(tag) => tag.0,
            None => return Err(de::Error::missing_field("type")),
        };
        let mut values: Vec<Value> = Vec::new();
        while let Some(value) = seq.next_element::<Value>()? {
            values.push(value);
        }
        Ok(Written::Array(tag, values))
    }
}

/// The fields of an object, checked and read in the order written (as serde's derive does): an
/// unknown or repeated field, or a value of the wrong type, refuses the action at the first.
fn from_entries<E: de::Error>(tag: usize, entries: Vec<(String, Value)>) -> Result<Action, E> {
    let variant = &VARIANTS[tag];
    let mut slots: Vec<Option<Slot>> = variant.fields.iter().map(|_| None).collect();
    for (key, value) in entries {
        let Some(i) = variant.names.iter().position(|n| *n == key) else {
            return Err(E::unknown_field(&key, variant.names));
        };
        if slots[i].is_some() {
            return Err(E::duplicate_field(variant.names[i]));
        }
        slots[i] = Some(read(variant.fields[i].0, value).map_err(E::custom)?);
    }
    let mut read_slots = Vec::with_capacity(slots.len());
    for (i, slot) in slots.into_iter().enumerate() {
        let (kind, default) = variant.fields[i];
        match slot {
            Some(slot) => read_slots.push(slot),
            None if default => read_slots.push(default_of(kind)),
            None => return Err(E::missing_field(variant.names[i])),
        }
    }
    Ok(build(tag, read_slots))
}

/// The elements after the tag, in declaration order; fields with a default may be left off the end.
fn from_values<E: de::Error>(tag: usize, values: Vec<Value>) -> Result<Action, E> {
    let variant = &VARIANTS[tag];
    let count = variant.fields.len();
    let given = values.len();
    let mut values = values.into_iter();
    let mut slots = Vec::with_capacity(count);
    for (i, &(kind, default)) in variant.fields.iter().enumerate() {
        match values.next() {
            Some(value) => slots.push(read(kind, value).map_err(E::custom)?),
            None if default => slots.push(default_of(kind)),
            None => return Err(E::invalid_length(i, &Fields(variant))),
        }
    }
    if given > count {
        return Err(E::invalid_length(given, &InSequence(count)));
    }
    Ok(build(tag, slots))
}

/// serde's words for a struct variant's length: "struct variant Action::AddTopic with 2 elements".
struct Fields<'a>(&'a Variant);

impl de::Expected for Fields<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.fields.len() {
            1 => write!(f, "{} with 1 element", self.0.expecting),
            n => write!(f, "{} with {n} elements", self.0.expecting),
        }
    }
}

/// serde's words for too many elements: "2 elements in sequence".
struct InSequence(usize);

impl de::Expected for InSequence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            1 => f.write_str("1 element in sequence"),
            n => write!(f, "{n} elements in sequence"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_and_the_tags_agree() {
        assert_eq!(VARIANTS.len(), TAGS.len());
        for v in VARIANTS {
            assert_eq!(v.names.len(), v.fields.len());
        }
    }
}
