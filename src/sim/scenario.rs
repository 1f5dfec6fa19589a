//! Scenarios: a seeded cluster, groups of consumers and timed actions, as JSON.
//! The format is documented in the README ("Scenario files").

use super::action::{Action, ActionError};
use super::assign::AssignorName;
use super::broker::admin::{check_create_topic, partitions_to_create};
use super::config::{BrokerConfig, ConfigError, ConsumerConfig};
pub use super::config::{ConfigOverrides, ConfigValue};
use super::limits::{Limit, LimitExceeded};
use super::load::{self, LoadError};
pub use super::producer::ProducerSpec;
use super::time::Millis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicSpec {
    pub name: String,
    pub partitions: i32,
}

/// Defaults for every consumer of one group.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    pub group_id: String,
    #[serde(default)]
    pub config: ConfigOverrides,
}

/// A consumer present from `start_at_ms` (or `count` identical ones).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
#[serde(deny_unknown_fields)]
pub struct TimedAction {
    pub at_ms: Millis,
    pub action: Action,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
    /// Producers appending records to topics; without any, the model does not simulate records.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub producers: Vec<ProducerSpec>,
    /// Whether the record flow's messages (Produce, Fetch, ListOffsets, OffsetFetch) go into the
    /// trace. Large runs turn it off: the records processed are still traced, and the model behaves
    /// the same.
    #[serde(default = "yes", skip_serializing_if = "is_yes")]
    pub trace_record_flow: bool,
    #[serde(default)]
    pub actions: Vec<TimedAction>,
    #[serde(default = "default_duration")]
    pub duration_ms: Millis,
}

fn yes() -> bool {
    true
}

fn is_yes(b: &bool) -> bool {
    *b
}

fn default_latency() -> Millis {
    2
}

fn default_duration() -> Millis {
    60_000
}

/// Where a scenario declares a consumer: in `consumers`, or as an `add_consumer` in `actions`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsumerEntry {
    Consumers(usize),
    Actions(usize),
}

impl fmt::Display for ConsumerEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConsumerEntry::Consumers(i) => write!(f, "consumers[{i}]"),
            ConsumerEntry::Actions(i) => write!(f, "actions[{i}]"),
        }
    }
}

/// A scenario (or a saved session) that cannot be run. The variants wrap the typed reason, so callers
/// can match on it; `Display` says where in the file it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioError {
    /// The input is not a scenario: too long, not text, or JSON that does not fit (with the field,
    /// line and column).
    Load(LoadError),
    /// A `broker` setting the broker would refuse.
    Broker(ConfigError),
    /// An entry of `topics` the broker would not create.
    Topic { index: usize, error: ActionError },
    /// `groups` lists the same `group_id` twice: which settings would apply?
    DuplicateGroup { index: usize, group_id: String },
    /// A consumer whose configuration the client would refuse at construction.
    Consumer {
        entry: ConsumerEntry,
        group: String,
        error: ConfigError,
    },
    /// A consumer that subscribes to nothing.
    NoTopics { entry: ConsumerEntry },
    /// A consumer whose topic list holds an empty name.
    BlankTopic { entry: ConsumerEntry },
    /// A `consumers` entry with `count: 0` starts nobody.
    ZeroCount { index: usize },
    /// A size beyond what the simulator supports; `field` says where.
    TooLarge { field: String, error: LimitExceeded },
    /// A saved session's action refused when it is replayed.
    ActionRefused { at_ms: Millis, error: ActionError },
    /// A session runs one strategy, or compares two or three side by side.
    StrategyCount { count: usize },
    /// A producer entry that cannot run: `problem` says why.
    Producer { index: usize, problem: String },
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::Load(error) => write!(f, "invalid scenario JSON: {error}"),
            ScenarioError::Broker(error) => write!(f, "broker: {error}"),
            ScenarioError::Topic { index, error } => write!(f, "topics[{index}]: {error}"),
            ScenarioError::DuplicateGroup { index, group_id } => write!(
                f,
                "groups[{index}]: group \"{group_id}\" is listed twice; give each group one entry"
            ),
            ScenarioError::Consumer {
                entry: entry @ ConsumerEntry::Consumers(_),
                group,
                error,
            } => write!(f, "{entry} (group {group}): {error}"),
            ScenarioError::Consumer {
                entry: entry @ ConsumerEntry::Actions(_),
                group,
                error,
            } => write!(f, "{entry} (add_consumer to {group}): {error}"),
            ScenarioError::NoTopics { entry } => {
                write!(f, "{entry}: topics must name at least one topic")
            }
            ScenarioError::BlankTopic { entry } => {
                write!(f, "{entry}: {}", ActionError::BlankTopic)
            }
            ScenarioError::ZeroCount { index } => {
                write!(
                    f,
                    "consumers[{index}]: count is 0, so this entry starts no consumer"
                )
            }
            ScenarioError::TooLarge { field, error } => write!(f, "{field}: {error}"),
            ScenarioError::ActionRefused { at_ms, error } => {
                write!(f, "the action at {at_ms} ms is refused: {error}")
            }
            ScenarioError::StrategyCount { .. } => {
                f.write_str("a session runs one strategy, or compares two or three")
            }
            ScenarioError::Producer { index, problem } => {
                write!(f, "producers[{index}]: {problem}")
            }
        }
    }
}

// The wrapped error is already part of the message, so it is not repeated as a `source()`.
impl std::error::Error for ScenarioError {}

impl Scenario {
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        load::from_text(text).map_err(ScenarioError::Load)
    }

    /// Reads a scenario file's bytes (which may not be text at all).
    pub fn from_bytes(bytes: &[u8]) -> Result<Scenario, ScenarioError> {
        load::from_bytes(bytes).map_err(ScenarioError::Load)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn broker_config(&self) -> Result<BrokerConfig, ScenarioError> {
        let mut config = BrokerConfig::default();
        for (name, value) in &self.broker {
            config.set(name, &value.0).map_err(ScenarioError::Broker)?;
        }
        config.validate().map_err(ScenarioError::Broker)?;
        Ok(config)
    }

    /// Checks the whole scenario before a World is built from it, in the order a reader meets the
    /// file: broker settings, topics (as `createTopics` would), each consumer entry, each
    /// `add_consumer` action. Returns the broker's configuration.
    pub fn validate(&self) -> Result<BrokerConfig, ScenarioError> {
        self.check_sizes()?;
        let broker = self.broker_config()?;
        let mut topics = BTreeMap::new();
        for (index, topic) in self.topics.iter().enumerate() {
            check_create_topic(
                &topics,
                &topic.name,
                topic.partitions,
                broker.num_partitions,
            )
            .map_err(|error| ScenarioError::Topic { index, error })?;
            let created = partitions_to_create(topic.partitions, broker.num_partitions);
            topics.insert(topic.name.clone(), created);
        }
        for (index, g) in self.groups.iter().enumerate() {
            if self.groups[..index]
                .iter()
                .any(|o| o.group_id == g.group_id)
            {
                return Err(ScenarioError::DuplicateGroup {
                    index,
                    group_id: g.group_id.clone(),
                });
            }
        }
        for (i, spec) in self.consumers.iter().enumerate() {
            let entry = ConsumerEntry::Consumers(i);
            self.check_consumer_entry(entry, &spec.group, &spec.config, &spec.topics)?;
            if spec.count == 0 {
                return Err(ScenarioError::ZeroCount { index: i });
            }
        }
        for (index, spec) in self.producers.iter().enumerate() {
            check_producer(spec, &topics)
                .map_err(|problem| ScenarioError::Producer { index, problem })?;
        }
        for (i, timed) in self.actions.iter().enumerate() {
            if let Action::AddConsumer {
                group,
                config,
                topics,
            } = &timed.action
            {
                let entry = ConsumerEntry::Actions(i);
                self.check_consumer_entry(entry, group, config, topics)?;
            }
        }
        Ok(broker)
    }

    /// Whether the scenario simulates records (it has producers).
    pub fn has_records(&self) -> bool {
        !self.producers.is_empty()
    }

    /// What the scenario sets that the lab accepts but ignores (settings it does not simulate), each
    /// with where it is written: Kafka would not refuse these either, so they warn rather than refuse.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Ok(broker) = self.broker_config() {
            out.extend(broker.warnings().iter().map(|w| format!("broker: {w}")));
        }
        let mut entries: Vec<(ConsumerEntry, &str, &ConfigOverrides)> = self
            .consumers
            .iter()
            .enumerate()
            .map(|(i, c)| (ConsumerEntry::Consumers(i), c.group.as_str(), &c.config))
            .collect();
        for (i, timed) in self.actions.iter().enumerate() {
            if let Action::AddConsumer { group, config, .. } = &timed.action {
                entries.push((ConsumerEntry::Actions(i), group.as_str(), config));
            }
        }
        for (entry, group, overrides) in entries {
            if let Ok(config) = self.consumer_config(group, overrides) {
                out.extend(config.warnings().iter().map(|w| match entry {
                    ConsumerEntry::Consumers(_) => format!("{entry} (group {group}): {w}"),
                    ConsumerEntry::Actions(_) => format!("{entry} (add_consumer to {group}): {w}"),
                }));
            }
        }
        out
    }

    /// The sizes of `sim::limits`, checked before anything is built: nothing here may take minutes.
    fn check_sizes(&self) -> Result<(), ScenarioError> {
        let too_large = |field: &str, limit: Limit, value: u64| {
            LimitExceeded::check(limit, value).map_err(|error| ScenarioError::TooLarge {
                field: field.to_string(),
                error,
            })
        };
        too_large(
            "network_latency_ms",
            Limit::NetworkLatency,
            self.network_latency_ms,
        )?;
        too_large("actions", Limit::Actions, self.actions.len() as u64)?;
        too_large("topics", Limit::Topics, self.topics.len() as u64)?;
        for (i, spec) in self.consumers.iter().enumerate() {
            too_large(
                &format!("consumers[{i}].count"),
                Limit::Consumers,
                spec.count as u64,
            )?;
        }
        too_large("consumers", Limit::Consumers, self.consumer_count())?;
        self.check_run_length(self.duration_ms)
    }

    /// Every consumer the scenario can start: its `consumers` counts and its `add_consumer` actions.
    pub fn consumer_count(&self) -> u64 {
        let listed = self
            .consumers
            .iter()
            .fold(0u64, |n, c| n.saturating_add(c.count as u64));
        let added = self
            .actions
            .iter()
            .filter(|t| matches!(t.action, Action::AddConsumer { .. }))
            .count();
        listed.saturating_add(added as u64)
    }

    /// Whether a run of `until` ms stays within the time and memory one run may take
    /// (`lab run --until` asks too).
    pub fn check_run_length(&self, until: Millis) -> Result<(), ScenarioError> {
        LimitExceeded::check(Limit::Duration, until).map_err(|error| ScenarioError::TooLarge {
            field: "duration_ms".to_string(),
            error,
        })?;
        // The figure refused is not a duration but consumer-seconds: the field names its factors.
        let seconds = until.div_ceil(1_000).max(1);
        let consumers = self.consumer_count();
        LimitExceeded::check(Limit::ConsumerSeconds, consumers.saturating_mul(seconds)).map_err(
            |error| ScenarioError::TooLarge {
                field: format!("duration_ms ({consumers} consumers × {seconds} simulated seconds)"),
                error,
            },
        )
    }

    /// A consumer the scenario declares: a configuration the client accepts and at least one topic.
    fn check_consumer_entry(
        &self,
        entry: ConsumerEntry,
        group: &str,
        config: &ConfigOverrides,
        topics: &[String],
    ) -> Result<(), ScenarioError> {
        self.consumer_config(group, config)
            .and_then(|c| c.validate())
            .map_err(|error| ScenarioError::Consumer {
                entry,
                group: group.to_string(),
                error,
            })?;
        if topics.is_empty() {
            return Err(ScenarioError::NoTopics { entry });
        }
        if topics.iter().any(|t| t.trim().is_empty()) {
            return Err(ScenarioError::BlankTopic { entry });
        }
        Ok(())
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
        let mut next = self.with_every_group_specified(applies);
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

    /// The same scenario with every group on the KIP-848 consumer protocol (`group.protocol=consumer`),
    /// and without the settings Kafka refuses with it (`partition.assignment.strategy`,
    /// `session.timeout.ms`, `heartbeat.interval.ms`): the broker's `group.consumer.*` settings
    /// take their place.
    pub fn with_consumer_protocol(&self) -> Scenario {
        let mut next = self.with_every_group_specified(|_| true);
        for spec in next.groups.iter_mut() {
            strip_classic_only(&mut spec.config);
            spec.config
                .insert("group.protocol".to_string(), ConfigValue("consumer".into()));
        }
        for c in next.consumers.iter_mut() {
            strip_classic_only(&mut c.config);
            c.config.remove("group.protocol");
        }
        for t in next.actions.iter_mut() {
            if let Action::AddConsumer { config, .. } = &mut t.action {
                strip_classic_only(config);
                config.remove("group.protocol");
            }
        }
        next
    }

    /// The same scenario with every group on the classic protocol: `group.protocol` and
    /// `group.remote.assignor` (which Kafka refuses with `classic`) removed everywhere. Where the
    /// broker sets the KIP-848 session or heartbeat interval and a group does not set its own, the
    /// group takes them as `session.timeout.ms` and `heartbeat.interval.ms`, so a crash is noticed
    /// after the same time under both protocols.
    pub fn with_classic_protocol(&self) -> Scenario {
        let mut next = self.with_every_group_specified(|_| true);
        let carried: Vec<(&str, ConfigValue)> = [
            ("session.timeout.ms", "group.consumer.session.timeout.ms"),
            (
                "heartbeat.interval.ms",
                "group.consumer.heartbeat.interval.ms",
            ),
        ]
        .into_iter()
        .filter_map(|(client, broker)| Some((client, self.broker.get(broker)?.clone())))
        .collect();
        let protocol_only = |config: &mut ConfigOverrides| {
            config.remove("group.protocol");
            config.remove("group.remote.assignor");
        };
        for spec in next.groups.iter_mut() {
            protocol_only(&mut spec.config);
            for (name, value) in &carried {
                (spec.config)
                    .entry(name.to_string())
                    .or_insert_with(|| value.clone());
            }
        }
        for c in next.consumers.iter_mut() {
            protocol_only(&mut c.config);
        }
        for t in next.actions.iter_mut() {
            if let Action::AddConsumer { config, .. } = &mut t.action {
                protocol_only(config);
            }
        }
        next
    }

    /// The scenario with a group entry for every group its consumers and `AddConsumer` actions name
    /// (where `applies`), so a per-group setting reaches all of them.
    fn with_every_group_specified(&self, applies: impl Fn(&str) -> bool) -> Scenario {
        let mut next = self.clone();
        let named = (next.consumers.iter().map(|c| c.group.clone())).chain(
            next.actions.iter().filter_map(|t| match &t.action {
                Action::AddConsumer { group, .. } => Some(group.clone()),
                _ => None,
            }),
        );
        let named: Vec<String> = named.collect();
        for g in named {
            if applies(&g) && !next.groups.iter().any(|s| s.group_id == g) {
                next.groups.push(GroupSpec {
                    group_id: g,
                    config: BTreeMap::new(),
                });
            }
        }
        next
    }
}

/// The consumer settings Kafka refuses with `group.protocol=consumer`.
pub const CLASSIC_ONLY_SETTINGS: &[&str] = &[
    "partition.assignment.strategy",
    "session.timeout.ms",
    "heartbeat.interval.ms",
];

/// Removes the settings only the classic protocol takes.
pub fn strip_classic_only(config: &mut ConfigOverrides) {
    config.retain(|name, _| !CLASSIC_ONLY_SETTINGS.contains(&name.as_str()));
}

/// The most records per second one producer may send (the model moves ranges, but keyed records are
/// placed one by one).
pub const MAX_PRODUCER_RATE: u32 = 1_000_000;
/// The most distinct keys a producer may cycle through.
pub const MAX_PRODUCER_KEYS: u32 = 100_000;

/// A producer must write to a topic the scenario creates, at a rate the model can carry.
fn check_producer(spec: &ProducerSpec, topics: &BTreeMap<String, i32>) -> Result<(), String> {
    if !topics.contains_key(&spec.topic) {
        return Err(format!(
            "topic \"{}\" is not in topics; a producer writes to a topic the scenario creates",
            spec.topic
        ));
    }
    if spec.records_per_sec == 0 || spec.records_per_sec > MAX_PRODUCER_RATE {
        return Err(format!(
            "records_per_sec must be between 1 and {MAX_PRODUCER_RATE}, not {}",
            spec.records_per_sec
        ));
    }
    if spec.keys > MAX_PRODUCER_KEYS {
        return Err(format!(
            "keys must be at most {MAX_PRODUCER_KEYS}, not {}",
            spec.keys
        ));
    }
    if spec.record_bytes == 0 || spec.batch_size == 0 {
        return Err("record_bytes and batch_size must be at least 1".to_string());
    }
    if spec.stop_at_ms.is_some_and(|stop| stop < spec.start_at_ms) {
        return Err("stop_at_ms is before start_at_ms".to_string());
    }
    Ok(())
}
