//! `ClassicGroupMember` (Kafka's `classic/ClassicGroupMember.java`): one member of a classic group as the
//! coordinator sees it. Kafka parks a member's JoinGroup and SyncGroup as response futures on the member;
//! the model parks a [`ReplyTo`], the address the response must go to.

use crate::sim::assign::TopicPartition;
use crate::sim::protocol::{ConsumerProtocolSubscription, JoinGroupRequestProtocol};
use crate::sim::time::Millis;
use crate::sim::vocab::Endpoint;

use std::collections::BTreeSet;

/// Where a parked JoinGroup or SyncGroup must be answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplyTo {
    pub endpoint: Endpoint,
    pub correlation_id: u64,
}

impl ReplyTo {
    pub fn consumer_handle(&self) -> String {
        match &self.endpoint {
            Endpoint::Consumer { handle, .. } => handle.to_string(),
            Endpoint::Broker | Endpoint::Producer { .. } => String::new(),
        }
    }
}

impl From<(Endpoint, u64)> for ReplyTo {
    fn from((endpoint, correlation_id): (Endpoint, u64)) -> Self {
        ReplyTo {
            endpoint,
            correlation_id,
        }
    }
}

#[derive(Clone, Debug)]
pub struct ClassicGroupMember {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub client_id: String,
    /// Which simulated consumer sent this member's last JoinGroup (for display only).
    pub consumer: String,
    pub rebalance_timeout_ms: Millis,
    pub session_timeout_ms: Millis,
    pub protocol_type: String,
    pub supported_protocols: Vec<JoinGroupRequestProtocol>,
    pub assignment: Vec<TopicPartition>,
    pub awaiting_join: Option<ReplyTo>,
    pub awaiting_sync: Option<ReplyTo>,
    /// A member added in this join phase: its parked join may still expire (`hasSatisfiedHeartbeat`).
    pub is_new: bool,
}

impl ClassicGroupMember {
    pub fn is_awaiting_join(&self) -> bool {
        self.awaiting_join.is_some()
    }

    pub fn is_awaiting_sync(&self) -> bool {
        self.awaiting_sync.is_some()
    }

    pub fn is_static(&self) -> bool {
        self.group_instance_id.is_some()
    }

    /// Members parked in a join or sync count as alive; new members do not (`hasSatisfiedHeartbeat`).
    pub fn has_satisfied_heartbeat(&self) -> bool {
        !self.is_new && (self.is_awaiting_join() || self.is_awaiting_sync())
    }

    /// `matches`: the same protocols with the same metadata bytes.
    pub fn matches(&self, protocols: &[JoinGroupRequestProtocol]) -> bool {
        self.supported_protocols == protocols
    }

    /// The member's first protocol that is among the candidates.
    pub fn vote(&self, candidates: &BTreeSet<String>) -> Option<String> {
        self.supported_protocols
            .iter()
            .find(|p| candidates.contains(&p.name))
            .map(|p| p.name.clone())
    }

    pub fn metadata(&self, protocol: Option<&str>) -> Option<&ConsumerProtocolSubscription> {
        let name = protocol?;
        self.supported_protocols
            .iter()
            .find(|p| p.name == name)
            .map(|p| &p.metadata)
    }
}
