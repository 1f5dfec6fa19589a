//! Scenarios: a seeded cluster, groups of consumers and timed actions, as JSON.
//! The format is documented in `docs/scenario-format.md`.

use super::assign::AssignorName;
use super::config::{BrokerConfig, ConfigError, ConsumerConfig};
use super::time::Millis;
use super::world::Action;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicSpec {
    pub name: String,
    pub partitions: i32,
}

/// Defaults for every consumer of one group.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSpec {
    pub group_id: String,
    #[serde(default)]
    pub config: ConfigOverrides,
}

/// A consumer present from `start_at_ms` (or `count` identical ones).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumerSpec {
    pub group: String,
    pub topics: Vec<String>,
    #[serde(default)]
    pub config: ConfigOverrides,
    #[serde(default)]
    pub start_at_ms: Millis,
    #[serde(default = "one")]
    pub count: usize,
}

fn one() -> usize {
    1
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimedAction {
    pub at_ms: Millis,
    pub action: Action,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scenario {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub seed: u64,
    #[serde(default = "default_latency")]
    pub network_latency_ms: Millis,
    /// Broker settings by Kafka name (`"group.initial.rebalance.delay.ms": 0`).
    #[serde(default)]
    pub broker: ConfigOverrides,
    #[serde(default)]
    pub topics: Vec<TopicSpec>,
    #[serde(default)]
    pub groups: Vec<GroupSpec>,
    #[serde(default)]
    pub consumers: Vec<ConsumerSpec>,
    #[serde(default)]
    pub actions: Vec<TimedAction>,
    #[serde(default = "default_duration")]
    pub duration_ms: Millis,
}

fn default_latency() -> Millis {
    2
}

fn default_duration() -> Millis {
    60_000
}

/// A scenario that cannot be run, with the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError(pub String);

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScenarioError {}

impl From<ConfigError> for ScenarioError {
    fn from(e: ConfigError) -> Self {
        ScenarioError(e.0)
    }
}

impl Scenario {
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        serde_json::from_str(text).map_err(|e| ScenarioError(format!("invalid scenario JSON: {e}")))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn broker_config(&self) -> Result<BrokerConfig, ScenarioError> {
        let mut config = BrokerConfig::default();
        for (name, value) in &self.broker {
            config.set(name, &value.0)?;
        }
        config.validate()?;
        Ok(config)
    }

    /// The configuration a consumer of `group` gets: defaults, then the group's, then its own overrides.
    pub fn consumer_config(
        &self,
        group: &str,
        overrides: &ConfigOverrides,
    ) -> Result<ConsumerConfig, ConfigError> {
        let mut config = ConsumerConfig {
            group_id: group.to_string(),
            ..ConsumerConfig::default()
        };
        if let Some(spec) = self.groups.iter().find(|g| g.group_id == group) {
            for (name, value) in &spec.config {
                config.set(name, &value.0)?;
            }
        }
        for (name, value) in overrides {
            config.set(name, &value.0)?;
        }
        config.group_id = group.to_string();
        Ok(config)
    }

    /// The same scenario with every consumer of `group` (or of every group) using these assignors, so
    /// that eager-range, eager-sticky and cooperative-sticky can run side by side.
    pub fn with_assignment_strategy(
        &self,
        group: Option<&str>,
        strategy: &[AssignorName],
    ) -> Scenario {
        let value = ConfigValue(
            strategy
                .iter()
                .map(|a| a.protocol_name())
                .collect::<Vec<_>>()
                .join(","),
        );
        let key = "partition.assignment.strategy".to_string();
        let applies = |g: &str| group.is_none_or(|only| only == g);
        let mut next = self.clone();
        let mut groups_seen: Vec<String> = next.consumers.iter().map(|c| c.group.clone()).collect();
        for t in &next.actions {
            if let Action::AddConsumer { group, .. } = &t.action {
                groups_seen.push(group.clone());
            }
        }
        for g in groups_seen {
            if applies(&g) && !next.groups.iter().any(|s| s.group_id == g) {
                next.groups.push(GroupSpec {
                    group_id: g,
                    config: BTreeMap::new(),
                });
            }
        }
        for spec in next.groups.iter_mut().filter(|g| applies(&g.group_id)) {
            spec.config.insert(key.clone(), value.clone());
        }
        for c in next.consumers.iter_mut().filter(|c| applies(&c.group)) {
            c.config.remove(&key);
        }
        for t in next.actions.iter_mut() {
            if let Action::AddConsumer { group, config, .. } = &mut t.action {
                if applies(group) {
                    config.remove(&key);
                }
            }
        }
        next
    }
}

impl BrokerConfig {
    /// Sets one broker setting by its Kafka name.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), ConfigError> {
        let number = |v: &str| {
            v.trim()
                .parse::<u64>()
                .map_err(|_| ConfigError(format!("{name} must be a whole number, not \"{v}\"")))
        };
        match name {
            "group.initial.rebalance.delay.ms" => self.group_initial_rebalance_delay_ms = number(value)?,
            "group.min.session.timeout.ms" => self.group_min_session_timeout_ms = number(value)?,
            "group.max.session.timeout.ms" => self.group_max_session_timeout_ms = number(value)?,
            "group.max.size" => {
                self.group_max_size = u32::try_from(number(value)?)
                    .map_err(|_| ConfigError("group.max.size is at most 4294967295".into()))?
            }
            "group.classic.new.member.join.timeout.ms" => {
                self.group_classic_new_member_join_timeout_ms = number(value)?
            }
            "num.partitions" => {
                self.num_partitions = u32::try_from(number(value)?)
                    .map_err(|_| ConfigError("num.partitions is too large".into()))?
            }
            other => {
                return Err(ConfigError(format!(
                    "unknown broker setting \"{other}\" (known: group.initial.rebalance.delay.ms, group.min.session.timeout.ms, group.max.session.timeout.ms, group.max.size, group.classic.new.member.join.timeout.ms, num.partitions)"
                )))
            }
        }
        Ok(())
    }
}
