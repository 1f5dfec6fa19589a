//! Consumer and broker configuration with Kafka 4.x defaults. Rust fields are snake_case
//! (`session_timeout_ms`); [`ConsumerConfig::set`] and [`ConsumerConfig::entries`] speak Kafka's names
//! (`session.timeout.ms`), which is also what scenarios and the page use.

use super::assign::{AssignorName, RebalanceProtocol};
use super::time::Millis;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// A configuration a real Kafka client or broker would refuse. Each variant names the reason, so callers
/// can match on it; `Display` gives the message a learner can act on (Kafka's names spelled exactly).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// Kafka's `ConfigException` for a name the client (or broker) does not define.
    UnknownSetting { scope: ConfigScope, name: String },
    /// A numeric setting whose text is not a whole number.
    NotANumber { name: String, value: String },
    /// A boolean setting whose text is neither `true` nor `false`.
    NotABoolean { name: String, value: String },
    /// `partition.assignment.strategy` names an assignor the client does not ship.
    UnknownAssignor { name: String },
    /// `auto.offset.reset` is none of Kafka's strategies.
    InvalidOffsetReset { value: String },
    /// A setting with no default that the consumer cannot start without.
    MissingRequired { name: &'static str },
    /// `group.protocol=consumer` (KIP-848) or a typo: only the classic protocol is simulated.
    UnsupportedGroupProtocol { protocol: String },
    /// `group.instance.id` set to an empty string (Kafka refuses it rather than treating it as unset).
    EmptyGroupInstanceId,
    /// `GroupRebalanceConfig`: the heartbeat must fit inside the session, or the member would expire
    /// between two heartbeats.
    HeartbeatNotBelowSession {
        heartbeat_ms: Millis,
        session_ms: Millis,
    },
    /// A number outside the range Kafka accepts for `name`.
    OutOfRange {
        name: &'static str,
        value: u64,
        min: u64,
        max: u64,
    },
    /// `partition.assignment.strategy` is empty.
    NoAssignor,
    /// Auto-commit on, with a zero interval between commits.
    ZeroAutoCommitInterval,
    /// Broker: `group.min.session.timeout.ms` above `group.max.session.timeout.ms` leaves no session
    /// timeout a member could use.
    SessionTimeoutBoundsInverted { min_ms: Millis, max_ms: Millis },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::UnknownSetting { scope, name } => write!(
                f,
                "unknown {scope} setting \"{name}\" (known: {})",
                scope.names().join(", ")
            ),
            // Kafka's names carry the unit: `*.ms` settings are milliseconds.
            ConfigError::NotANumber { name, value } if name.ends_with(".ms") => write!(
                f,
                "{name} must be a whole number of milliseconds, not \"{value}\""
            ),
            ConfigError::NotANumber { name, value } => {
                write!(f, "{name} must be a whole number, not \"{value}\"")
            }
            ConfigError::NotABoolean { name, value } => {
                write!(f, "{name} must be true or false, not \"{value}\"")
            }
            ConfigError::UnknownAssignor { name } => write!(
                f,
                "partition.assignment.strategy: unknown assignor \"{name}\" (known: range, roundrobin, sticky, cooperative-sticky)"
            ),
            ConfigError::InvalidOffsetReset { value } => write!(
                f,
                "auto.offset.reset must be earliest, latest, none or by_duration:<ISO-8601 duration>, not \"{value}\""
            ),
            ConfigError::MissingRequired { name: "bootstrap.servers" } => f.write_str(
                "bootstrap.servers is required: the consumer needs a broker to connect to",
            ),
            ConfigError::MissingRequired { name: "group.id" } => f.write_str(
                "group.id is required to subscribe(): a consumer without a group cannot join one",
            ),
            ConfigError::MissingRequired { name } => write!(f, "{name} is required"),
            ConfigError::UnsupportedGroupProtocol { protocol } => write!(
                f,
                "group.protocol={protocol} is not simulated yet; only the classic protocol (JoinGroup/SyncGroup) is"
            ),
            ConfigError::EmptyGroupInstanceId => f.write_str(
                "group.instance.id cannot be empty: leave it unset for a dynamic member",
            ),
            ConfigError::HeartbeatNotBelowSession {
                heartbeat_ms,
                session_ms,
            } => write!(
                f,
                "heartbeat.interval.ms ({heartbeat_ms}) must be lower than session.timeout.ms ({session_ms})"
            ),
            ConfigError::OutOfRange {
                name, value, min, ..
            } if value < min => write!(f, "{name} must be at least {min}"),
            // Timeouts travel in JoinGroup as INT32 fields.
            ConfigError::OutOfRange { name, max, .. } if *max == i32::MAX as u64 => {
                write!(f, "{name} travels as a 32-bit int: at most {max}")
            }
            ConfigError::OutOfRange { name, max, .. } => write!(f, "{name} is at most {max}"),
            ConfigError::NoAssignor => {
                f.write_str("partition.assignment.strategy must name at least one assignor")
            }
            ConfigError::ZeroAutoCommitInterval => f.write_str(
                "auto.commit.interval.ms must be at least 1 when enable.auto.commit is true",
            ),
            ConfigError::SessionTimeoutBoundsInverted { min_ms, max_ms } => write!(
                f,
                "group.min.session.timeout.ms ({min_ms}) must not exceed group.max.session.timeout.ms ({max_ms})"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Whose settings a name was looked up in: the client's (`ConsumerConfig`) or the broker's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigScope {
    Consumer,
    Broker,
}

impl ConfigScope {
    /// Every Kafka name defined in this scope, in display order.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            ConfigScope::Consumer => CONSUMER_CONFIG_NAMES,
            ConfigScope::Broker => BROKER_CONFIG_NAMES,
        }
    }
}

impl fmt::Display for ConfigScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConfigScope::Consumer => "consumer",
            ConfigScope::Broker => "broker",
        })
    }
}

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

/// A classic-protocol `KafkaConsumer`'s configuration, plus two simulation knobs that describe the
/// application around it (how long it works on each batch, and the timeout it passes to `poll()`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConsumerConfig {
    pub bootstrap_servers: String,
    pub group_id: String,
    /// `group.protocol`: only `classic` is simulated so far.
    pub group_protocol: String,
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
}

const STRING_DESERIALIZER: &str = "org.apache.kafka.common.serialization.StringDeserializer";

impl Default for ConsumerConfig {
    fn default() -> Self {
        Self {
            bootstrap_servers: "broker-1:9092".to_string(),
            group_id: String::new(),
            group_protocol: "classic".to_string(),
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
        }
    }
}

/// The Kafka names of every setting [`ConsumerConfig`] holds, in display order.
pub const CONSUMER_CONFIG_NAMES: &[&str] = &[
    "bootstrap.servers",
    "group.id",
    "group.protocol",
    "group.instance.id",
    "client.id",
    "client.rack",
    "session.timeout.ms",
    "heartbeat.interval.ms",
    "max.poll.interval.ms",
    "partition.assignment.strategy",
    "key.deserializer",
    "value.deserializer",
    "metadata.max.age.ms",
    "enable.auto.commit",
    "auto.commit.interval.ms",
    "max.poll.records",
    "auto.offset.reset",
    "retry.backoff.ms",
    "poll.timeout.ms",
    "processing.time.ms",
];

/// The names of every setting [`BrokerConfig`] holds: Kafka's broker configs, then the simulation-only
/// [`NEW_MEMBER_JOIN_TIMEOUT_KNOB`].
pub const BROKER_CONFIG_NAMES: &[&str] = &[
    "group.initial.rebalance.delay.ms",
    "group.min.session.timeout.ms",
    "group.max.session.timeout.ms",
    "group.max.size",
    "num.partitions",
    NEW_MEMBER_JOIN_TIMEOUT_KNOB,
];

/// Simulation-only broker knob: how long a new member's parked JoinGroup may wait. Kafka has **no such
/// config**: the classic group coordinator hard-codes this at 5 minutes
/// (`GroupCoordinatorConfig.CLASSIC_GROUP_NEW_MEMBER_JOIN_TIMEOUT_MS` = 300000); the knob exists only so
/// scenarios can shorten it.
pub const NEW_MEMBER_JOIN_TIMEOUT_KNOB: &str = "sim.classic.new.member.join.timeout.ms";

/// The name earlier versions of this lab accepted for [`NEW_MEMBER_JOIN_TIMEOUT_KNOB`]; still accepted,
/// but it is not a Kafka config either.
pub const NEW_MEMBER_JOIN_TIMEOUT_KNOB_OLD_NAME: &str = "group.classic.new.member.join.timeout.ms";

/// Settings that describe the simulated application rather than the Kafka client: they may change while
/// a consumer runs. Every other setting is read once, when the `KafkaConsumer` is constructed.
pub const SIMULATION_ONLY_NAMES: &[&str] = &["poll.timeout.ms", "processing.time.ms"];

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
    /// Sets one setting by its Kafka name from its text form, as in a `.properties` file.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), ConfigError> {
        match name {
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
            other => {
                return Err(ConfigError::UnknownSetting {
                    scope: ConfigScope::Consumer,
                    name: other.to_string(),
                })
            }
        }
        Ok(())
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
                    _ => String::new(),
                };
                (name, value)
            })
            .collect()
    }

    /// The checks the `KafkaConsumer` constructor makes (`ConsumerConfig`, `GroupRebalanceConfig`).
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
        if self.group_protocol != "classic" {
            return Err(ConfigError::UnsupportedGroupProtocol {
                protocol: self.group_protocol.clone(),
            });
        }
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
        at_least_1("heartbeat.interval.ms", self.heartbeat_interval_ms)?;
        at_least_1("max.poll.interval.ms", self.max_poll_interval_ms)?;
        int32("max.poll.interval.ms", self.max_poll_interval_ms)?;
        int32("session.timeout.ms", self.session_timeout_ms)?;
        if self.partition_assignment_strategy.is_empty() {
            return Err(ConfigError::NoAssignor);
        }
        at_least_1("max.poll.records", self.max_poll_records.into())?;
        at_least_1("metadata.max.age.ms", self.metadata_max_age_ms)?;
        if self.enable_auto_commit && self.auto_commit_interval_ms == 0 {
            return Err(ConfigError::ZeroAutoCommitInterval);
        }
        Ok(())
    }

    /// The rebalance protocol the client will use: the highest one every configured assignor supports
    /// (`ConsumerCoordinator`'s constructor). `[range, cooperative-sticky]` → EAGER.
    pub fn rebalance_protocol(&self) -> RebalanceProtocol {
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

    /// `client.id` as the client reports it; `n` is the consumer's creation number.
    pub fn effective_client_id(&self, n: usize) -> String {
        match (&self.client_id, &self.group_instance_id) {
            (Some(id), _) => id.clone(),
            (None, Some(instance)) => format!("consumer-{}-{}", self.group_id, instance),
            (None, None) => format!("consumer-{}-{}", self.group_id, n),
        }
    }
}

/// Broker (group coordinator) settings that shape classic groups.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BrokerConfig {
    pub group_initial_rebalance_delay_ms: Millis,
    pub group_min_session_timeout_ms: Millis,
    pub group_max_session_timeout_ms: Millis,
    pub group_max_size: u32,
    /// Simulation-only knob `sim.classic.new.member.join.timeout.ms`: how long a new member's parked
    /// JoinGroup may wait. Not a Kafka config: Kafka hard-codes 300000 ms
    /// (`GroupCoordinatorConfig.CLASSIC_GROUP_NEW_MEMBER_JOIN_TIMEOUT_MS`).
    pub group_classic_new_member_join_timeout_ms: Millis,
    /// `num.partitions`: partitions of a topic created without a count.
    pub num_partitions: u32,
}

impl Default for BrokerConfig {
    fn default() -> Self {
        Self {
            group_initial_rebalance_delay_ms: 3_000,
            group_min_session_timeout_ms: 6_000,
            group_max_session_timeout_ms: 1_800_000,
            group_max_size: i32::MAX as u32,
            group_classic_new_member_join_timeout_ms: 300_000,
            num_partitions: 1,
        }
    }
}

impl BrokerConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.group_min_session_timeout_ms > self.group_max_session_timeout_ms {
            return Err(ConfigError::SessionTimeoutBoundsInverted {
                min_ms: self.group_min_session_timeout_ms,
                max_ms: self.group_max_session_timeout_ms,
            });
        }
        for (name, value) in [
            ("group.max.size", self.group_max_size),
            ("num.partitions", self.num_partitions),
        ] {
            if value == 0 {
                return Err(ConfigError::OutOfRange {
                    name,
                    value: 0,
                    min: 1,
                    max: u32::MAX.into(),
                });
            }
        }
        Ok(())
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
        // The list of known names shows the knob under its simulation-only name, not as a Kafka config.
        let err = b.set("no.such.setting", "1").unwrap_err().to_string();
        assert!(
            err.contains("sim.classic.new.member.join.timeout.ms"),
            "{err}"
        );
        assert!(
            !err.contains("group.classic.new.member.join.timeout.ms"),
            "{err}"
        );
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
    fn heartbeat_must_be_below_session_timeout() {
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
        assert_eq!(
            error.to_string(),
            "heartbeat.interval.ms (45000) must be lower than session.timeout.ms (45000)"
        );
    }

    #[test]
    fn broker_settings_are_refused_by_reason() {
        let mut b = BrokerConfig::default();
        let unknown = b.set("group.max.members", "3").unwrap_err();
        assert_eq!(
            unknown,
            ConfigError::UnknownSetting {
                scope: ConfigScope::Broker,
                name: "group.max.members".into()
            }
        );
        assert!(unknown.to_string().starts_with(
            "unknown broker setting \"group.max.members\" (known: group.initial.rebalance.delay.ms,"
        ));
        assert!(matches!(
            b.set("group.max.size", "5000000000"),
            Err(ConfigError::OutOfRange {
                name: "group.max.size",
                value: 5_000_000_000,
                ..
            })
        ));
        b.set("group.min.session.timeout.ms", "2000000").unwrap();
        assert_eq!(
            b.validate(),
            Err(ConfigError::SessionTimeoutBoundsInverted {
                min_ms: 2_000_000,
                max_ms: 1_800_000
            })
        );
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
