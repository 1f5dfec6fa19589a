//! Kafka's `ConsumerGroupMember`: one member of a KIP-848 consumer group as the coordinator holds it.

use crate::sim::assign::TopicPartition;
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
