//! The broker (group coordinator) settings that shape classic groups.

use super::error::{ConfigError, ConfigWarning};
use super::names::{NEW_MEMBER_JOIN_TIMEOUT_KNOB, NEW_MEMBER_JOIN_TIMEOUT_KNOB_OLD_NAME};
use crate::sim::assign::server::ServerAssignorName;
use crate::sim::time::Millis;
use serde::{Deserialize, Serialize};

/// Broker (group coordinator) settings that shape classic and KIP-848 consumer groups.
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
    /// `num.partitions`: partitions of a topic created without a count (`createTopics` with -1).
    pub num_partitions: u32,
    /// The KIP-848 consumer groups' settings (`group.consumer.*`).
    #[serde(flatten)]
    pub consumer: ConsumerGroupConfig,
    /// Settings given that the lab does not simulate, by name: accepted and ignored, as a Kafka broker
    /// starts with names it does not define.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored: Vec<String>,
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
            consumer: ConsumerGroupConfig::default(),
            ignored: Vec::new(),
        }
    }
}

impl BrokerConfig {
    /// Sets one broker setting by its Kafka name (or the simulation-only new-member join timeout knob).
    /// A name the lab does not simulate is kept in [`BrokerConfig::ignored`], not refused.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), ConfigError> {
        let number = |v: &str| {
            v.trim()
                .parse::<u64>()
                .map_err(|_| ConfigError::NotANumber {
                    name: name.to_string(),
                    value: v.to_string(),
                })
        };
        // group.max.size and num.partitions are held as u32.
        let at_most_u32 = |name: &'static str, v: u64| {
            u32::try_from(v).map_err(|_| ConfigError::OutOfRange {
                name,
                value: v,
                min: 1,
                max: u32::MAX.into(),
            })
        };
        match name {
            "group.initial.rebalance.delay.ms" => {
                self.group_initial_rebalance_delay_ms = number(value)?
            }
            "group.min.session.timeout.ms" => self.group_min_session_timeout_ms = number(value)?,
            "group.max.session.timeout.ms" => self.group_max_session_timeout_ms = number(value)?,
            "group.max.size" => {
                self.group_max_size = at_most_u32("group.max.size", number(value)?)?
            }
            // Simulation-only: Kafka hard-codes this at 300000 ms and has no config for it.
            NEW_MEMBER_JOIN_TIMEOUT_KNOB | NEW_MEMBER_JOIN_TIMEOUT_KNOB_OLD_NAME => {
                self.group_classic_new_member_join_timeout_ms = number(value)?
            }
            "num.partitions" => {
                self.num_partitions = at_most_u32("num.partitions", number(value)?)?
            }
            "group.consumer.session.timeout.ms" => {
                self.consumer.session_timeout_ms = number(value)?
            }
            "group.consumer.min.session.timeout.ms" => {
                self.consumer.min_session_timeout_ms = number(value)?
            }
            "group.consumer.max.session.timeout.ms" => {
                self.consumer.max_session_timeout_ms = number(value)?
            }
            "group.consumer.heartbeat.interval.ms" => {
                self.consumer.heartbeat_interval_ms = number(value)?
            }
            "group.consumer.min.heartbeat.interval.ms" => {
                self.consumer.min_heartbeat_interval_ms = number(value)?
            }
            "group.consumer.max.heartbeat.interval.ms" => {
                self.consumer.max_heartbeat_interval_ms = number(value)?
            }
            "group.consumer.max.size" => {
                self.consumer.max_size = at_most_u32("group.consumer.max.size", number(value)?)?
            }
            "group.consumer.assignors" => {
                self.consumer.assignors = value
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(parse_server_assignor)
                    .collect::<Result<_, _>>()?
            }
            "group.consumer.migration.policy" => {
                self.consumer.migration_policy = MigrationPolicy::parse(value)?
            }
            other => {
                if !self.ignored.iter().any(|n| n == other) {
                    self.ignored.push(other.to_string());
                }
            }
        }
        Ok(())
    }

    /// What Kafka's broker would refuse at startup: `group.max.size` and `num.partitions` are at least 1.
    /// (A `group.min.session.timeout.ms` above the maximum is accepted: every JoinGroup is then answered
    /// INVALID_SESSION_TIMEOUT.)
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.consumer.validate()?;
        for (name, value) in [
            ("group.max.size", self.group_max_size),
            ("num.partitions", self.num_partitions),
            ("group.consumer.max.size", self.consumer.max_size),
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

    /// The settings given that the lab ignores.
    pub fn warnings(&self) -> Vec<ConfigWarning> {
        self.ignored
            .iter()
            .map(|name| ConfigWarning::BrokerSettingIgnored { name: name.clone() })
            .collect()
    }
}

/// The group coordinator's settings for KIP-848 consumer groups (`GroupCoordinatorConfig`), with
/// Kafka 4.1's defaults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConsumerGroupConfig {
    #[serde(rename = "consumer_session_timeout_ms")]
    pub session_timeout_ms: Millis,
    #[serde(rename = "consumer_min_session_timeout_ms")]
    pub min_session_timeout_ms: Millis,
    #[serde(rename = "consumer_max_session_timeout_ms")]
    pub max_session_timeout_ms: Millis,
    #[serde(rename = "consumer_heartbeat_interval_ms")]
    pub heartbeat_interval_ms: Millis,
    #[serde(rename = "consumer_min_heartbeat_interval_ms")]
    pub min_heartbeat_interval_ms: Millis,
    #[serde(rename = "consumer_max_heartbeat_interval_ms")]
    pub max_heartbeat_interval_ms: Millis,
    #[serde(rename = "consumer_max_size")]
    pub max_size: u32,
    /// `group.consumer.assignors`: the first is the default.
    #[serde(rename = "consumer_assignors")]
    pub assignors: Vec<ServerAssignorName>,
    /// `group.consumer.migration.policy`: whether a non-empty classic group converts to a consumer
    /// group when a consumer-protocol member joins it, and back when its last one leaves.
    #[serde(
        rename = "consumer_migration_policy",
        skip_serializing_if = "MigrationPolicy::is_default"
    )]
    pub migration_policy: MigrationPolicy,
}

/// Kafka's `ConsumerGroupMigrationPolicy`; `bidirectional` is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MigrationPolicy {
    #[default]
    Bidirectional,
    Upgrade,
    Downgrade,
    Disabled,
}

impl MigrationPolicy {
    pub const ALL: [MigrationPolicy; 4] = [
        MigrationPolicy::Bidirectional,
        MigrationPolicy::Upgrade,
        MigrationPolicy::Downgrade,
        MigrationPolicy::Disabled,
    ];

    pub fn name(self) -> &'static str {
        match self {
            MigrationPolicy::Bidirectional => "bidirectional",
            MigrationPolicy::Upgrade => "upgrade",
            MigrationPolicy::Downgrade => "downgrade",
            MigrationPolicy::Disabled => "disabled",
        }
    }

    /// `ConfigDef.CaseInsensitiveValidString`: the broker refuses any other value at startup.
    pub fn parse(value: &str) -> Result<Self, ConfigError> {
        let wanted = value.trim();
        Self::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| ConfigError::InvalidMigrationPolicy {
                value: value.to_string(),
            })
    }

    pub fn is_upgrade_enabled(self) -> bool {
        matches!(
            self,
            MigrationPolicy::Bidirectional | MigrationPolicy::Upgrade
        )
    }

    pub fn is_downgrade_enabled(self) -> bool {
        matches!(
            self,
            MigrationPolicy::Bidirectional | MigrationPolicy::Downgrade
        )
    }

    fn is_default(&self) -> bool {
        *self == MigrationPolicy::default()
    }
}

impl Default for ConsumerGroupConfig {
    fn default() -> Self {
        Self {
            session_timeout_ms: 45_000,
            min_session_timeout_ms: 45_000,
            max_session_timeout_ms: 60_000,
            heartbeat_interval_ms: 5_000,
            min_heartbeat_interval_ms: 5_000,
            max_heartbeat_interval_ms: 15_000,
            max_size: i32::MAX as u32,
            assignors: vec![ServerAssignorName::Uniform, ServerAssignorName::Range],
            migration_policy: MigrationPolicy::Bidirectional,
        }
    }
}

/// A server assignor by the name `group.consumer.assignors` takes (or its class name).
fn parse_server_assignor(name: &str) -> Result<ServerAssignorName, ConfigError> {
    let simple = name.rsplit('.').next().unwrap_or(name);
    match simple {
        "uniform" | "UniformAssignor" => Ok(ServerAssignorName::Uniform),
        "range" | "RangeAssignor" => Ok(ServerAssignorName::Range),
        _ => Err(ConfigError::UnknownServerAssignor {
            name: name.to_string(),
        }),
    }
}

impl ConsumerGroupConfig {
    /// `GroupCoordinatorConfig`'s checks at broker startup, with its messages.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let require = |ok: bool, message: &str| {
            if ok {
                Ok(())
            } else {
                Err(ConfigError::BrokerRequirement {
                    message: message.to_string(),
                })
            }
        };
        const HB: &str = "group.consumer.heartbeat.interval.ms";
        const MIN_HB: &str = "group.consumer.min.heartbeat.interval.ms";
        const MAX_HB: &str = "group.consumer.max.heartbeat.interval.ms";
        const S: &str = "group.consumer.session.timeout.ms";
        const MIN_S: &str = "group.consumer.min.session.timeout.ms";
        const MAX_S: &str = "group.consumer.max.session.timeout.ms";
        require(
            self.max_heartbeat_interval_ms >= self.min_heartbeat_interval_ms,
            &format!("{MAX_HB} must be greater than or equal to {MIN_HB}"),
        )?;
        require(
            self.heartbeat_interval_ms >= self.min_heartbeat_interval_ms,
            &format!("{HB} must be greater than or equal to {MIN_HB}"),
        )?;
        require(
            self.heartbeat_interval_ms <= self.max_heartbeat_interval_ms,
            &format!("{HB} must be less than or equal to {MAX_HB}"),
        )?;
        require(
            self.max_session_timeout_ms >= self.min_session_timeout_ms,
            &format!("{MAX_S} must be greater than or equal to {MIN_S}"),
        )?;
        require(
            self.session_timeout_ms >= self.min_session_timeout_ms,
            &format!("{S} must be greater than or equal to {MIN_S}"),
        )?;
        require(
            self.session_timeout_ms <= self.max_session_timeout_ms,
            &format!("{S} must be less than or equal to {MAX_S}"),
        )?;
        require(
            self.heartbeat_interval_ms < self.session_timeout_ms,
            &format!("{HB} must be less than {S}"),
        )?;
        // `atLeast(1)` on each of them in `GroupCoordinatorConfig`'s ConfigDef.
        require(
            self.min_session_timeout_ms >= 1,
            &format!("{MIN_S} must be at least 1"),
        )?;
        require(
            self.min_heartbeat_interval_ms >= 1,
            &format!("{MIN_HB} must be at least 1"),
        )?;
        require(
            !self.assignors.is_empty(),
            "group.consumer.assignors must name at least one assignor",
        )
    }
}
