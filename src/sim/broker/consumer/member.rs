//! Kafka's `ConsumerGroupMember`: one member of a KIP-848 consumer group as the coordinator holds it.

use crate::sim::assign::TopicPartition;
use crate::sim::protocol::JoinGroupRequestProtocol;
use crate::sim::time::Millis;
use crate::sim::vocab::MemberAssignmentState;
use std::collections::BTreeSet;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumerGroupMember {
    pub member_id: String,
    pub instance_id: Option<String>,
    pub rack_id: Option<String>,
    /// The consumer handle whose process sent this member's heartbeats (for the views).
    pub consumer: String,
    pub member_epoch: i32,
    /// The epoch before the last bump: a heartbeat at this epoch is still accepted if the member owns
    /// no more than it is assigned (the response with the new epoch may have been lost).
    pub previous_member_epoch: i32,
    pub state: MemberAssignmentState,
    pub rebalance_timeout_ms: Millis,
    pub subscribed_topic_names: Vec<String>,
    /// `group.remote.assignor` as the member sent it.
    pub server_assignor: Option<String>,
    /// What the member may own now.
    pub assigned: BTreeSet<TopicPartition>,
    /// What it was asked to give up and has not confirmed yet.
    pub pending_revocation: BTreeSet<TopicPartition>,
    /// Set for a member that uses the classic protocol (JoinGroup, SyncGroup, Heartbeat) inside this
    /// consumer group (`ClassicMemberMetadata`).
    pub classic: Option<ClassicMemberMetadata>,
}

/// Kafka's `ConsumerGroupMemberMetadataValue.ClassicMemberMetadata`: what a classic member's
/// JoinGroup said, which the consumer group keeps to answer it and to convert back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassicMemberMetadata {
    pub session_timeout_ms: Millis,
    pub supported_protocols: Vec<JoinGroupRequestProtocol>,
}

impl ConsumerGroupMember {
    /// A member joining with epoch 0: no assignment yet.
    pub fn new(member_id: &str, consumer: &str) -> Self {
        Self {
            member_id: member_id.to_string(),
            instance_id: None,
            rack_id: None,
            consumer: consumer.to_string(),
            member_epoch: 0,
            previous_member_epoch: 0,
            state: MemberAssignmentState::Stable,
            rebalance_timeout_ms: 0,
            subscribed_topic_names: Vec::new(),
            server_assignor: None,
            assigned: BTreeSet::new(),
            pending_revocation: BTreeSet::new(),
            classic: None,
        }
    }

    /// `useClassicProtocol`.
    pub fn uses_classic_protocol(&self) -> bool {
        self.classic.is_some()
    }

    /// The `group.protocol` the member's consumer uses.
    pub fn protocol_name(&self) -> &'static str {
        if self.uses_classic_protocol() {
            "classic"
        } else {
            "consumer"
        }
    }

    /// `isReconciledTo`: stable at this epoch.
    pub fn is_reconciled_to(&self, target_epoch: i32) -> bool {
        self.state == MemberAssignmentState::Stable && self.member_epoch == target_epoch
    }

    /// `updateMemberEpoch`: the old epoch becomes the previous one.
    pub fn update_member_epoch(&mut self, epoch: i32) {
        self.previous_member_epoch = self.member_epoch;
        self.member_epoch = epoch;
    }
}
