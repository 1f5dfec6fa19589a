//! The protocol and assignor choices a session offers: each is one `partition.assignment.strategy`.

use crate::sim::assign::AssignorName;
use serde::{Deserialize, Serialize};

/// The protocol and assignor choices the page offers, each a `partition.assignment.strategy`.
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
}

impl Strategy {
    pub const ALL: [Strategy; 5] = [
        Strategy::KafkaDefault,
        Strategy::EagerRange,
        Strategy::EagerRoundRobin,
        Strategy::EagerSticky,
        Strategy::CooperativeSticky,
    ];

    pub fn assignors(self) -> Vec<AssignorName> {
        match self {
            Strategy::KafkaDefault => vec![AssignorName::Range, AssignorName::CooperativeSticky],
            Strategy::EagerRange => vec![AssignorName::Range],
            Strategy::EagerRoundRobin => vec![AssignorName::RoundRobin],
            Strategy::EagerSticky => vec![AssignorName::Sticky],
            Strategy::CooperativeSticky => vec![AssignorName::CooperativeSticky],
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Strategy::KafkaDefault => "Kafka default (eager · range)",
            Strategy::EagerRange => "eager · range",
            Strategy::EagerRoundRobin => "eager · roundrobin",
            Strategy::EagerSticky => "eager · sticky",
            Strategy::CooperativeSticky => "cooperative · cooperative-sticky",
        }
    }

    pub fn short(self) -> &'static str {
        match self {
            Strategy::KafkaDefault => "default",
            Strategy::EagerRange => "eager-range",
            Strategy::EagerRoundRobin => "eager-roundrobin",
            Strategy::EagerSticky => "eager-sticky",
            Strategy::CooperativeSticky => "cooperative-sticky",
        }
    }

    pub fn from_short(name: &str) -> Option<Strategy> {
        Self::ALL.into_iter().find(|s| s.short() == name)
    }
}
