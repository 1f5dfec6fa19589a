//! Why a configuration is refused, and what the lab ignores with a warning.

use crate::sim::time::Millis;
use std::fmt;

/// A configuration a real Kafka client or broker would refuse. Each variant names the reason, so callers
/// can match on it; `Display` gives the message a learner can act on (Kafka's names spelled exactly).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// A numeric setting whose text is not a whole number.
    NotANumber { name: String, value: String },
    /// A boolean setting whose text is neither `true` nor `false`.
    NotABoolean { name: String, value: String },
    /// `partition.assignment.strategy` names an assignor the client does not ship.
    UnknownAssignor { name: String },
    /// `auto.offset.reset` is none of Kafka's strategies.
    InvalidOffsetReset { value: String },
    /// `manual.commit` (a simulation knob) is none of `sync`, `async`, `none`.
    InvalidManualCommit { value: String },
    /// A setting with no default that the consumer cannot start without.
    MissingRequired { name: &'static str },
    /// `group.protocol` is neither `classic` nor `consumer` (Kafka's `CaseInsensitiveValidString`).
    UnsupportedGroupProtocol { protocol: String },
    /// A setting the chosen `group.protocol` does not support, given a non-blank value
    /// (`ConsumerConfig.checkUnsupportedConfigsPostProcess`): `session.timeout.ms`,
    /// `heartbeat.interval.ms` and `partition.assignment.strategy` with `consumer`;
    /// `group.remote.assignor` with `classic`. `protocol` is as Kafka prints it (`CONSUMER`).
    UnsupportedForGroupProtocol {
        names: Vec<&'static str>,
        protocol: &'static str,
    },
    /// `group.instance.id` set to an empty string (Kafka refuses it rather than treating it as unset).
    EmptyGroupInstanceId,
    /// Kafka's `Heartbeat` (built in the `KafkaConsumer` constructor): the heartbeat must fit inside the
    /// session, or the member would expire between two heartbeats.
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
    /// `group.consumer.assignors` names an assignor the broker does not ship.
    UnknownServerAssignor { name: String },
    /// A `GroupCoordinatorConfig` requirement the broker checks at startup, in Kafka's words.
    BrokerRequirement { message: String },
    /// `group.consumer.migration.policy` outside its four values (`CaseInsensitiveValidString`).
    InvalidMigrationPolicy { value: String },
    /// `heartbeat.interval.ms` 0: Kafka accepts it (its heartbeat thread then sends heartbeats back to
    /// back, without waiting), but the lab does not simulate a busy loop.
    HeartbeatIntervalZero,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
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
            ConfigError::InvalidManualCommit { value } => write!(
                f,
                "manual.commit must be sync, async or none, not \"{value}\""
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
                "ConfigException: Invalid value {protocol} for configuration group.protocol: String must be one of (case insensitive): CLASSIC, CONSUMER"
            ),
            ConfigError::UnsupportedForGroupProtocol { names, protocol } => write!(
                f,
                "ConfigException: {} cannot be set when group.protocol={protocol}",
                names.join(", ")
            ),
            ConfigError::EmptyGroupInstanceId => f.write_str(
                "group.instance.id cannot be empty: leave it unset for a dynamic member",
            ),
            ConfigError::HeartbeatNotBelowSession {
                heartbeat_ms,
                session_ms,
            } => write!(
                f,
                "heartbeat.interval.ms ({heartbeat_ms}) must be lower than session.timeout.ms ({session_ms}): \
                 new KafkaConsumer(...) throws KafkaException: Failed to construct kafka consumer, caused by \
                 IllegalArgumentException: Heartbeat must be set lower than the session timeout"
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
            ConfigError::UnknownServerAssignor { name } => write!(
                f,
                "group.consumer.assignors: unknown assignor \"{name}\" (known: uniform, range)"
            ),
            ConfigError::InvalidMigrationPolicy { value } => write!(
                f,
                "ConfigException: Invalid value {value} for configuration group.consumer.migration.policy: String must be one of (case insensitive): bidirectional, upgrade, downgrade, disabled"
            ),
            ConfigError::BrokerRequirement { message } => {
                write!(f, "IllegalArgumentException: {message}")
            }
            ConfigError::HeartbeatIntervalZero => f.write_str(
                "heartbeat.interval.ms 0: Kafka accepts it, and its heartbeat thread then sends heartbeats back to back; \
                 the lab does not simulate that busy loop: use at least 1",
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

/// A setting the lab accepts but ignores: Kafka would not refuse it either.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigWarning {
    /// A consumer setting the lab does not simulate. `kafka_defines` tells whether Kafka 4.1's consumer
    /// has it: if not, a real `KafkaConsumer` starts anyway and only logs that it was not used.
    ConsumerSettingIgnored { name: String, kafka_defines: bool },
    /// A broker setting the lab does not simulate.
    BrokerSettingIgnored { name: String },
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigWarning::ConsumerSettingIgnored {
                name,
                kafka_defines: true,
            } => write!(
                f,
                "{name} is a Kafka consumer setting the lab does not simulate: it has no effect here"
            ),
            ConfigWarning::ConsumerSettingIgnored {
                name,
                kafka_defines: false,
            } => write!(
                f,
                "Kafka's consumer does not know \"{name}\": it starts anyway and only logs \
                 \"These configurations '[{name}]' were supplied but are not used yet.\" The lab ignores it too"
            ),
            ConfigWarning::BrokerSettingIgnored { name } => write!(
                f,
                "broker setting \"{name}\" is not simulated by the lab: it has no effect here"
            ),
        }
    }
}
