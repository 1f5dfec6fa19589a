//! Setting values as scenario files write them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// A setting's value as written in JSON: a string, number, boolean, or a list (joined with commas).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ConfigValue(pub String);

impl Serialize for ConfigValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ConfigValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fn text(v: &serde_json::Value) -> String {
            match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => "null".to_string(),
                serde_json::Value::Array(items) => {
                    items.iter().map(text).collect::<Vec<_>>().join(",")
                }
                other => other.to_string(),
            }
        }
        Ok(ConfigValue(text(&serde_json::Value::deserialize(d)?)))
    }
}

impl From<&str> for ConfigValue {
    fn from(s: &str) -> Self {
        ConfigValue(s.to_string())
    }
}

/// Settings by Kafka name (`"session.timeout.ms": 10000`).
pub type ConfigOverrides = BTreeMap<String, ConfigValue>;
