//! Consumer and broker configuration with Kafka 4.x defaults. Rust fields are snake_case
//! (`session_timeout_ms`); [`ConsumerConfig::set`] and [`ConsumerConfig::entries`] speak Kafka's names
//! (`session.timeout.ms`), which is also what scenarios and the page use.

mod broker;
mod error;
mod names;
mod value;

pub use broker::BrokerConfig;
pub use broker::MigrationPolicy;
pub use error::{ConfigError, ConfigWarning};
pub use names::{
    kafka_consumer_defines, BROKER_CONFIG_NAMES, CONSUMER_CONFIG_NAMES,
    KAFKA_CONSUMER_CONFIG_NAMES, NEW_MEMBER_JOIN_TIMEOUT_KNOB,
    NEW_MEMBER_JOIN_TIMEOUT_KNOB_OLD_NAME, SIMULATION_ONLY_NAMES,
};
pub use value::{ConfigOverrides, ConfigValue};

use super::assign::{AssignorName, RebalanceProtocol};
use super::time::Millis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// `auto.offset.reset`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AutoOffsetReset {
    Earliest,
    Latest,
    None,
    /// `by_duration:<ISO-8601 duration>` (Kafka 4.0+), kept verbatim.
    ByDuration(String),
}

impl fmt::Display for AutoOffsetReset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AutoOffsetReset::Earliest => f.write_str("earliest"),
            AutoOffsetReset::Latest => f.write_str("latest"),
            AutoOffsetReset::None => f.write_str("none"),
            AutoOffsetReset::ByDuration(d) => write!(f, "by_duration:{d}"),
        }
    }
}

/// How the application commits when `enable.auto.commit` is false: `commitSync()` or `commitAsync()`
/// after processing each batch, or not at all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ManualCommit {
    #[default]
    Sync,
    Async,
    None,
}

impl ManualCommit {
    fn is_default(&self) -> bool {
        *self == ManualCommit::Sync
    }
}

impl fmt::Display for ManualCommit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ManualCommit::Sync => "sync",
            ManualCommit::Async => "async",
            ManualCommit::None => "none",
        })
    }
}

fn is_zero(ms: &Millis) -> bool {
    *ms == 0
}

/// A classic-protocol `KafkaConsumer`'s configuration, plus two simulation knobs that describe the
/// application around it (how long it works on each batch, and the timeout it passes to `poll()`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConsumerConfig {
    pub bootstrap_servers: String,
    pub group_id: String,
    /// `group.protocol`: `classic` (JoinGroup/SyncGroup) or `consumer` (KIP-848).
    pub group_protocol: String,
    /// `group.remote.assignor`: the server assignor a KIP-848 member asks for (`uniform`, `range`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_remote_assignor: Option<String>,
    /// The settings only one protocol supports that were given a non-blank value, even one equal
    /// to the default: Kafka refuses them with the other protocol (it checks the originals).
    #[serde(skip)]
    pub explicitly_set: std::collections::BTreeSet<&'static str>,
    pub group_instance_id: Option<String>,
    /// `client.id`; `None` means Kafka's default `consumer-<group>-<n>` (or `consumer-<group>-<instance id>`).
    pub client_id: Option<String>,
    pub client_rack: Option<String>,
    pub session_timeout_ms: Millis,
    pub heartbeat_interval_ms: Millis,
    pub max_poll_interval_ms: Millis,
    pub partition_assignment_strategy: Vec<AssignorName>,
    pub key_deserializer: String,
    pub value_deserializer: String,
    pub metadata_max_age_ms: Millis,
    pub enable_auto_commit: bool,
    pub auto_commit_interval_ms: Millis,
    pub max_poll_records: u32,
    pub auto_offset_reset: AutoOffsetReset,
    pub retry_backoff_ms: Millis,
    /// Simulation: the `Duration` the application passes to `poll()`. 0 is `poll(Duration.ZERO)`.
    pub poll_timeout_ms: Millis,
    /// Simulation: how long the application works on the records of one `poll()` before polling again.
    pub processing_time_ms: Millis,
    /// Simulation: how much longer the batch takes per record in it (with producers in the scenario).
    #[serde(skip_serializing_if = "is_zero")]
    pub processing_time_per_record_ms: Millis,
    /// Simulation: with `enable.auto.commit=false`, how the application commits after each batch.
    #[serde(skip_serializing_if = "ManualCommit::is_default")]
    pub manual_commit: ManualCommit,
    /// Settings given that the lab does not simulate, by name, with their values: accepted and
    /// ignored (see [`ConsumerConfig::warnings`]), as Kafka accepts names it does not use.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub ignored: BTreeMap<String, String>,
}

const STRING_DESERIALIZER: &str = "org.apache.kafka.common.serialization.StringDeserializer";

impl Default for ConsumerConfig {
    fn default() -> Self {
        Self {
            bootstrap_servers: "broker-1:9092".to_string(),
            group_id: String::new(),
            group_protocol: "classic".to_string(),
            group_remote_assignor: None,
            explicitly_set: Default::default(),
            group_instance_id: None,
            client_id: None,
            client_rack: None,
            session_timeout_ms: 45_000,
            heartbeat_interval_ms: 3_000,
            max_poll_interval_ms: 300_000,
            partition_assignment_strategy: vec![
                AssignorName::Range,
                AssignorName::CooperativeSticky,
            ],
            key_deserializer: STRING_DESERIALIZER.to_string(),
            value_deserializer: STRING_DESERIALIZER.to_string(),
            metadata_max_age_ms: 300_000,
            enable_auto_commit: true,
            auto_commit_interval_ms: 5_000,
            max_poll_records: 500,
            auto_offset_reset: AutoOffsetReset::Latest,
            retry_backoff_ms: 100,
            poll_timeout_ms: 100,
            processing_time_ms: 50,
            processing_time_per_record_ms: 0,
            manual_commit: ManualCommit::Sync,
            ignored: BTreeMap::new(),
        }
    }
}

fn parse_ms(name: &str, value: &str) -> Result<Millis, ConfigError> {
    value
        .trim()
        .parse::<Millis>()
        .map_err(|_| ConfigError::NotANumber {
            name: name.to_string(),
            value: value.to_string(),
        })
}

fn parse_bool(name: &str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(ConfigError::NotABoolean {
            name: name.to_string(),
            value: value.to_string(),
        }),
    }
}

/// Settings only one of the two protocols supports (see [`ConsumerConfig::validate`]).
const PROTOCOL_ONLY_NAMES: &[&str] = &[
    "group.remote.assignor",
    "partition.assignment.strategy",
    "heartbeat.interval.ms",
    "session.timeout.ms",
];

fn optional(value: &str) -> Option<String> {
    let v = value.trim();
    (!v.is_empty() && v != "null").then(|| v.to_string())
}

/// Accepts an assignor's protocol name (`cooperative-sticky`) or Kafka's class name
/// (`org.apache.kafka.clients.consumer.CooperativeStickyAssignor`, or just `CooperativeStickyAssignor`).
pub fn parse_assignor(name: &str) -> Result<AssignorName, ConfigError> {
    let trimmed = name.trim();
    if let Some(a) = AssignorName::from_protocol_name(trimmed) {
        return Ok(a);
    }
    let simple = trimmed.rsplit('.').next().unwrap_or(trimmed);
    let by_class = match simple {
        "RangeAssignor" => Some(AssignorName::Range),
        "RoundRobinAssignor" => Some(AssignorName::RoundRobin),
        "StickyAssignor" => Some(AssignorName::Sticky),
        "CooperativeStickyAssignor" => Some(AssignorName::CooperativeSticky),
        _ => None,
    };
    by_class.ok_or_else(|| ConfigError::UnknownAssignor {
        name: trimmed.to_string(),
    })
}

impl ConsumerConfig {
    /// Sets one setting by its Kafka name from its text form, as in a `.properties` file. A name the
    /// lab does not simulate is kept in [`ConsumerConfig::ignored`] rather than refused: Kafka's
    /// consumer does not refuse names either (it logs those it does not use).
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), ConfigError> {
        if let Some(&known) = PROTOCOL_ONLY_NAMES.iter().find(|&&n| n == name) {
            // `Utils.isBlank`: a blank value counts as not given.
            if value.trim().is_empty() {
                self.explicitly_set.remove(known);
            } else {
                self.explicitly_set.insert(known);
            }
        }
        match name {
            "group.remote.assignor" => self.group_remote_assignor = optional(value),
            "bootstrap.servers" => self.bootstrap_servers = value.trim().to_string(),
            "group.id" => self.group_id = value.trim().to_string(),
            "group.protocol" => self.group_protocol = value.trim().to_ascii_lowercase(),
            "group.instance.id" => {
                // Kafka rejects an empty instance id; `null` (or nothing) unsets it.
                self.group_instance_id = if value.is_empty() || value == "null" {
                    None
                } else {
                    Some(value.to_string())
                }
            }
            "client.id" => self.client_id = optional(value),
            "client.rack" => self.client_rack = optional(value),
            "session.timeout.ms" => self.session_timeout_ms = parse_ms(name, value)?,
            "heartbeat.interval.ms" => self.heartbeat_interval_ms = parse_ms(name, value)?,
            "max.poll.interval.ms" => self.max_poll_interval_ms = parse_ms(name, value)?,
            // A blank value is the setting removed: Kafka's default list again (which a
            // `group.protocol=consumer` consumer does not use).
            "partition.assignment.strategy" if value.trim().is_empty() => {
                self.partition_assignment_strategy = Self::default().partition_assignment_strategy
            }
            "partition.assignment.strategy" => {
                self.partition_assignment_strategy = value
                    .split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(parse_assignor)
                    .collect::<Result<_, _>>()?
            }
            "key.deserializer" => self.key_deserializer = value.trim().to_string(),
            "value.deserializer" => self.value_deserializer = value.trim().to_string(),
            "metadata.max.age.ms" => self.metadata_max_age_ms = parse_ms(name, value)?,
            "enable.auto.commit" => self.enable_auto_commit = parse_bool(name, value)?,
            "auto.commit.interval.ms" => self.auto_commit_interval_ms = parse_ms(name, value)?,
            "max.poll.records" => {
                self.max_poll_records =
                    value.trim().parse().map_err(|_| ConfigError::NotANumber {
                        name: name.to_string(),
                        value: value.to_string(),
                    })?
            }
            "auto.offset.reset" => {
                let v = value.trim();
                self.auto_offset_reset = match v {
                    "earliest" => AutoOffsetReset::Earliest,
                    "latest" => AutoOffsetReset::Latest,
                    "none" => AutoOffsetReset::None,
                    _ => match v.strip_prefix("by_duration:") {
                        Some(d) if !d.is_empty() => AutoOffsetReset::ByDuration(d.to_string()),
                        _ => {
                            return Err(ConfigError::InvalidOffsetReset {
                                value: v.to_string(),
                            })
                        }
                    },
                }
            }
            "retry.backoff.ms" => self.retry_backoff_ms = parse_ms(name, value)?,
            "poll.timeout.ms" => self.poll_timeout_ms = parse_ms(name, value)?,
            "processing.time.ms" => self.processing_time_ms = parse_ms(name, value)?,
            "processing.time.per.record.ms" => {
                self.processing_time_per_record_ms = parse_ms(name, value)?
            }
            "manual.commit" => {
                self.manual_commit = match value.trim() {
                    "sync" => ManualCommit::Sync,
                    "async" => ManualCommit::Async,
                    "none" => ManualCommit::None,
                    _ => {
                        return Err(ConfigError::InvalidManualCommit {
                            value: value.trim().to_string(),
                        })
                    }
                }
            }
            other => {
                self.ignored.insert(other.to_string(), value.to_string());
            }
        }
        Ok(())
    }

    /// The settings given that the lab ignores, each with what Kafka would make of it.
    pub fn warnings(&self) -> Vec<ConfigWarning> {
        self.ignored
            .keys()
            .map(|name| ConfigWarning::ConsumerSettingIgnored {
                name: name.clone(),
                kafka_defines: names::kafka_consumer_defines(name),
            })
            .collect()
    }

    /// Every setting as (Kafka name, text value), in display order.
    pub fn entries(&self) -> Vec<(&'static str, String)> {
        let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "null".to_string());
        CONSUMER_CONFIG_NAMES
            .iter()
            .map(|&name| {
                let value = match name {
                    "bootstrap.servers" => self.bootstrap_servers.clone(),
                    "group.id" => self.group_id.clone(),
                    "group.protocol" => self.group_protocol.clone(),
                    "group.remote.assignor" => opt(&self.group_remote_assignor),
                    "group.instance.id" => opt(&self.group_instance_id),
                    "client.id" => opt(&self.client_id),
                    "client.rack" => opt(&self.client_rack),
                    "session.timeout.ms" => self.session_timeout_ms.to_string(),
                    "heartbeat.interval.ms" => self.heartbeat_interval_ms.to_string(),
                    "max.poll.interval.ms" => self.max_poll_interval_ms.to_string(),
                    "partition.assignment.strategy" => self
                        .partition_assignment_strategy
                        .iter()
                        .map(|a| a.protocol_name())
                        .collect::<Vec<_>>()
                        .join(","),
                    "key.deserializer" => self.key_deserializer.clone(),
                    "value.deserializer" => self.value_deserializer.clone(),
                    "metadata.max.age.ms" => self.metadata_max_age_ms.to_string(),
                    "enable.auto.commit" => self.enable_auto_commit.to_string(),
                    "auto.commit.interval.ms" => self.auto_commit_interval_ms.to_string(),
                    "max.poll.records" => self.max_poll_records.to_string(),
                    "auto.offset.reset" => self.auto_offset_reset.to_string(),
                    "retry.backoff.ms" => self.retry_backoff_ms.to_string(),
                    "poll.timeout.ms" => self.poll_timeout_ms.to_string(),
                    "processing.time.ms" => self.processing_time_ms.to_string(),
                    "processing.time.per.record.ms" => {
                        self.processing_time_per_record_ms.to_string()
                    }
                    "manual.commit" => self.manual_commit.to_string(),
                    _ => String::new(),
                };
                (name, value)
            })
            .collect()
    }

    /// The checks the `KafkaConsumer` constructor makes (`ConsumerConfig`'s validators, `Heartbeat`),
    /// plus the lab's own refusal of a zero heartbeat interval.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let at_least_1 = |name: &'static str, value: u64| {
            if value == 0 {
                Err(ConfigError::OutOfRange {
                    name,
                    value,
                    min: 1,
                    max: u64::MAX,
                })
            } else {
                Ok(())
            }
        };
        // Kafka sends both timeouts in JoinGroup as INT32 fields.
        let int32 = |name: &'static str, value: Millis| {
            if value > i32::MAX as Millis {
                Err(ConfigError::OutOfRange {
                    name,
                    value,
                    min: 0,
                    max: i32::MAX as u64,
                })
            } else {
                Ok(())
            }
        };
        if self.bootstrap_servers.trim().is_empty() {
            return Err(ConfigError::MissingRequired {
                name: "bootstrap.servers",
            });
        }
        if self.group_id.trim().is_empty() {
            return Err(ConfigError::MissingRequired { name: "group.id" });
        }
        self.check_protocol_only_settings()?;
        if self
            .group_instance_id
            .as_deref()
            .is_some_and(|id| id.trim().is_empty())
        {
            return Err(ConfigError::EmptyGroupInstanceId);
        }
        if self.key_deserializer.trim().is_empty() {
            return Err(ConfigError::MissingRequired {
                name: "key.deserializer",
            });
        }
        if self.value_deserializer.trim().is_empty() {
            return Err(ConfigError::MissingRequired {
                name: "value.deserializer",
            });
        }
        if self.heartbeat_interval_ms >= self.session_timeout_ms {
            return Err(ConfigError::HeartbeatNotBelowSession {
                heartbeat_ms: self.heartbeat_interval_ms,
                session_ms: self.session_timeout_ms,
            });
        }
        if self.heartbeat_interval_ms == 0 {
            return Err(ConfigError::HeartbeatIntervalZero);
        }
        at_least_1("max.poll.interval.ms", self.max_poll_interval_ms)?;
        int32("max.poll.interval.ms", self.max_poll_interval_ms)?;
        int32("session.timeout.ms", self.session_timeout_ms)?;
        if self.partition_assignment_strategy.is_empty() {
            return Err(ConfigError::NoAssignor);
        }
        // `metadata.max.age.ms` and `auto.commit.interval.ms` are `atLeast(0)` in Kafka: 0 refreshes as
        // often as `retry.backoff.ms` allows, and auto-commits on every poll().
        at_least_1("max.poll.records", self.max_poll_records.into())?;
        Ok(())
    }

    /// `group.protocol=consumer`: the KIP-848 protocol.
    pub fn is_consumer_protocol(&self) -> bool {
        self.group_protocol == "consumer"
    }

    /// `group.protocol` must be one of Kafka's two, and settings only the other protocol supports
    /// must not be given (`ConsumerConfig.checkUnsupportedConfigsPostProcess`, in its list order).
    fn check_protocol_only_settings(&self) -> Result<(), ConfigError> {
        let (unsupported, protocol): (&[&'static str], _) = match self.group_protocol.as_str() {
            "classic" => (&["group.remote.assignor"], "CLASSIC"),
            "consumer" => (
                &[
                    "partition.assignment.strategy",
                    "heartbeat.interval.ms",
                    "session.timeout.ms",
                ],
                "CONSUMER",
            ),
            other => {
                return Err(ConfigError::UnsupportedGroupProtocol {
                    protocol: other.to_string(),
                })
            }
        };
        let mut names: Vec<&'static str> = unsupported
            .iter()
            .copied()
            .filter(|n| self.explicitly_set.contains(n))
            .collect();
        if protocol == "CLASSIC" && self.group_remote_assignor.is_some() && names.is_empty() {
            names.push("group.remote.assignor");
        }
        if names.is_empty() {
            Ok(())
        } else {
            Err(ConfigError::UnsupportedForGroupProtocol { names, protocol })
        }
    }

    /// The rebalance protocol the client will use: the highest one every configured assignor supports
    /// (`ConsumerCoordinator`'s constructor). `[range, cooperative-sticky]` → EAGER. A KIP-848
    /// member reconciles incrementally, as a cooperative one does.
    pub fn rebalance_protocol(&self) -> RebalanceProtocol {
        if self.is_consumer_protocol() {
            return RebalanceProtocol::Cooperative;
        }
        let mut best = RebalanceProtocol::Cooperative;
        for assignor in &self.partition_assignment_strategy {
            let highest = assignor
                .supported_protocols()
                .iter()
                .copied()
                .max()
                .unwrap_or(RebalanceProtocol::Eager);
            best = best.min(highest);
        }
        best
    }

    /// `client.id` as the client reports it (`ConsumerConfig.maybeOverrideClientId`): unless set, it is
    /// `consumer-<group>-<instance id>` for a static member and `consumer-<group>-<n>` for a dynamic one,
    /// `n` counting the consumers created in the same JVM. Each of the lab's consumers is a process of
    /// its own, so `n` is always 1: every dynamic member of a group has the same client id, and the
    /// member ids (`<client id>-<UUID>`) sort by their random UUIDs.
    pub fn effective_client_id(&self) -> String {
        match (&self.client_id, &self.group_instance_id) {
            (Some(id), _) => id.clone(),
            (None, Some(instance)) => format!("consumer-{}-{}", self.group_id, instance),
            (None, None) => format!("consumer-{}-1", self.group_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_member_join_timeout_is_a_simulation_only_knob_under_both_names() {
        let mut b = BrokerConfig::default();
        assert_eq!(b.group_classic_new_member_join_timeout_ms, 300_000);
        b.set("sim.classic.new.member.join.timeout.ms", "1000")
            .unwrap();
        assert_eq!(b.group_classic_new_member_join_timeout_ms, 1_000);
        b.set("group.classic.new.member.join.timeout.ms", "2000")
            .unwrap();
        assert_eq!(b.group_classic_new_member_join_timeout_ms, 2_000);
        assert!(b.ignored.is_empty(), "both names are the lab's own knob");
    }

    #[test]
    fn defaults_are_kafka_4() {
        let c = ConsumerConfig::default();
        assert_eq!(c.session_timeout_ms, 45_000);
        assert_eq!(c.heartbeat_interval_ms, 3_000);
        assert_eq!(c.max_poll_interval_ms, 300_000);
        assert_eq!(c.rebalance_protocol(), RebalanceProtocol::Eager);
    }

    #[test]
    fn heartbeat_must_be_below_session_timeout_as_kafkas_heartbeat_class_says() {
        let mut c = ConsumerConfig {
            group_id: "g".into(),
            ..Default::default()
        };
        c.set("heartbeat.interval.ms", "45000").unwrap();
        let error = c.validate().unwrap_err();
        assert_eq!(
            error,
            ConfigError::HeartbeatNotBelowSession {
                heartbeat_ms: 45_000,
                session_ms: 45_000
            }
        );
        // Kafka 4.1: `Heartbeat`'s constructor throws IllegalArgumentException with this text, and the
        // KafkaConsumer constructor wraps it.
        assert_eq!(
            error.to_string(),
            "heartbeat.interval.ms (45000) must be lower than session.timeout.ms (45000): \
             new KafkaConsumer(...) throws KafkaException: Failed to construct kafka consumer, caused by \
             IllegalArgumentException: Heartbeat must be set lower than the session timeout"
        );
    }

    #[test]
    fn settings_kafka_accepts_are_accepted() {
        let mut c = ConsumerConfig {
            group_id: "g".into(),
            ..Default::default()
        };
        // `atLeast(0)` in Kafka's ConsumerConfig.
        c.set("auto.commit.interval.ms", "0").unwrap();
        c.set("metadata.max.age.ms", "0").unwrap();
        assert_eq!(c.validate(), Ok(()));
        // Names the lab does not simulate are kept and warned about, never refused.
        c.set("fetch.min.bytes", "1024").unwrap();
        c.set("no.such.setting", "1").unwrap();
        assert_eq!(c.validate(), Ok(()));
        assert_eq!(
            c.ignored.get("no.such.setting").map(String::as_str),
            Some("1")
        );
        let warnings: Vec<String> = c.warnings().iter().map(|w| w.to_string()).collect();
        assert_eq!(
            warnings,
            [
                "fetch.min.bytes is a Kafka consumer setting the lab does not simulate: it has no effect here",
                "Kafka's consumer does not know \"no.such.setting\": it starts anyway and only logs \
                 \"These configurations '[no.such.setting]' were supplied but are not used yet.\" The lab ignores it too",
            ]
        );
        assert!(names::kafka_consumer_defines("ssl.truststore.location"));
        // Kafka accepts a zero heartbeat interval too, but the lab says plainly that it does not.
        c.set("heartbeat.interval.ms", "0").unwrap();
        let zero = c.validate().unwrap_err().to_string();
        assert!(zero.contains("Kafka accepts it"), "{zero}");
    }

    #[test]
    fn broker_settings_kafka_accepts_are_accepted() {
        let mut b = BrokerConfig::default();
        b.set("group.max.members", "3").unwrap();
        assert_eq!(b.ignored, ["group.max.members"]);
        assert_eq!(
            b.warnings()[0].to_string(),
            "broker setting \"group.max.members\" is not simulated by the lab: it has no effect here"
        );
        assert!(matches!(
            b.set("group.max.size", "5000000000"),
            Err(ConfigError::OutOfRange {
                name: "group.max.size",
                value: 5_000_000_000,
                ..
            })
        ));
        // Kafka's broker starts with a minimum session timeout above the maximum; joins then fail.
        b.set("group.min.session.timeout.ms", "2000000").unwrap();
        assert_eq!(b.validate(), Ok(()));
        b.set("num.partitions", "0").unwrap();
        assert!(b.validate().is_err(), "num.partitions is atLeast(1)");
    }

    #[test]
    fn cooperative_needs_every_assignor_to_support_it() {
        let mut c = ConsumerConfig::default();
        c.set("partition.assignment.strategy", "cooperative-sticky")
            .unwrap();
        assert_eq!(c.rebalance_protocol(), RebalanceProtocol::Cooperative);
        c.set(
            "partition.assignment.strategy",
            "org.apache.kafka.clients.consumer.RangeAssignor,cooperative-sticky",
        )
        .unwrap();
        assert_eq!(c.rebalance_protocol(), RebalanceProtocol::Eager);
        assert_eq!(
            c.set("partition.assignment.strategy", "fair"),
            Err(ConfigError::UnknownAssignor {
                name: "fair".into()
            })
        );
    }
}
