//! The protocol and assignor choices a session offers: a classic `partition.assignment.strategy`,
//! or the KIP-848 consumer protocol.

use crate::sim::assign::AssignorName;
use crate::sim::scenario::{strip_classic_only, ConfigValue};
use crate::sim::{Action, Scenario};
use serde::{Deserialize, Serialize};

/// The protocol and assignor choices the page offers: each classic one a
/// `partition.assignment.strategy`, and `group.protocol=consumer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// Kafka 4.x's default `[range, cooperative-sticky]`: all members support only EAGER in common,
    /// so the group runs eager rebalances with the range assignor.
    KafkaDefault,
    EagerRange,
    EagerRoundRobin,
    EagerSticky,
    CooperativeSticky,
    /// KIP-848: `group.protocol=consumer`, the broker's default server assignor (`uniform`).
    Kip848,
}

impl Strategy {
    pub const ALL: [Strategy; 6] = [
        Strategy::KafkaDefault,
        Strategy::EagerRange,
        Strategy::EagerRoundRobin,
        Strategy::EagerSticky,
        Strategy::CooperativeSticky,
        Strategy::Kip848,
    ];

    /// What Compare shows first: eager, cooperative and KIP-848 side by side.
    pub const COMPARE_DEFAULT: [Strategy; 3] = [
        Strategy::EagerRange,
        Strategy::CooperativeSticky,
        Strategy::Kip848,
    ];

    /// The scenario as this strategy runs it: the classic ones set `partition.assignment.strategy`
    /// on every group; KIP-848 puts every group on the consumer protocol.
    pub fn scenario_for(self, scenario: &Scenario) -> Scenario {
        match self {
            Strategy::Kip848 => {
                // The lane asks for the broker's default server assignor by name, so the Code tab
                // writes it (a group that names another keeps it).
                let mut next = scenario.with_consumer_protocol();
                for group in &mut next.groups {
                    group
                        .config
                        .entry("group.remote.assignor".to_string())
                        .or_insert_with(|| ConfigValue("uniform".into()));
                }
                next
            }
            _ => scenario.with_assignment_strategy(None, &self.assignors()),
        }
    }

    /// A user's action as this strategy's World takes it: under KIP-848 a new consumer is created
    /// without the settings Kafka refuses with `group.protocol=consumer` (the broker's
    /// `group.consumer.*` settings stand in for them), so one action can run in every lane.
    pub fn adapt(self, action: Action) -> Action {
        match (self, action) {
            (
                Strategy::Kip848,
                Action::AddConsumer {
                    group,
                    topics,
                    mut config,
                },
            ) => {
                strip_classic_only(&mut config);
                config.remove("group.protocol");
                Action::AddConsumer {
                    group,
                    topics,
                    config,
                }
            }
            (_, action) => action,
        }
    }

    pub fn assignors(self) -> Vec<AssignorName> {
        match self {
            Strategy::KafkaDefault => vec![AssignorName::Range, AssignorName::CooperativeSticky],
            Strategy::EagerRange => vec![AssignorName::Range],
            Strategy::EagerRoundRobin => vec![AssignorName::RoundRobin],
            Strategy::EagerSticky => vec![AssignorName::Sticky],
            Strategy::CooperativeSticky => vec![AssignorName::CooperativeSticky],
            // The server assigns; the client's list is not used (and may not be set).
            Strategy::Kip848 => Vec::new(),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Strategy::KafkaDefault => "Kafka default (eager · range)",
            Strategy::EagerRange => "eager · range",
            Strategy::EagerRoundRobin => "eager · roundrobin",
            Strategy::EagerSticky => "eager · sticky",
            Strategy::CooperativeSticky => "cooperative · cooperative-sticky",
            Strategy::Kip848 => "KIP-848 · consumer protocol (uniform)",
        }
    }

    pub fn short(self) -> &'static str {
        match self {
            Strategy::KafkaDefault => "default",
            Strategy::EagerRange => "eager-range",
            Strategy::EagerRoundRobin => "eager-roundrobin",
            Strategy::EagerSticky => "eager-sticky",
            Strategy::CooperativeSticky => "cooperative-sticky",
            Strategy::Kip848 => "kip848",
        }
    }

    pub fn from_short(name: &str) -> Option<Strategy> {
        Self::ALL.into_iter().find(|s| s.short() == name)
    }
}
