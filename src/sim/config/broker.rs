//! The broker (group coordinator) settings that shape classic groups.

use super::error::{ConfigError, ConfigWarning};
use super::names::{NEW_MEMBER_JOIN_TIMEOUT_KNOB, NEW_MEMBER_JOIN_TIMEOUT_KNOB_OLD_NAME};
use crate::sim::time::Millis;
use serde::{Deserialize, Serialize};

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
    /// `num.partitions`: partitions of a topic created without a count (`createTopics` with -1).
    pub num_partitions: u32,
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

    /// The settings given that the lab ignores.
    pub fn warnings(&self) -> Vec<ConfigWarning> {
        self.ignored
            .iter()
            .map(|name| ConfigWarning::BrokerSettingIgnored { name: name.clone() })
            .collect()
    }
}
