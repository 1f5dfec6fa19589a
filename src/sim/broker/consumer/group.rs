//! Kafka's `ConsumerGroup`: the members of a KIP-848 group in the order they filled the
//! coordinator's member map, the group epoch, the target assignment and its epoch, and the
//! subscribed topics' metadata the group epoch was last computed from.

use super::member::ConsumerGroupMember;
use crate::sim::assign::server::{ServerAssignorName, TopicId};
use crate::sim::assign::TopicPartition;
use crate::sim::vocab::{ConsumerGroupState, MemberAssignmentState};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumerGroup {
    pub group_id: String,
    pub group_epoch: i32,
    /// The epoch of the target assignment.
    pub assignment_epoch: i32,
    /// Members in the order they were put in the coordinator's `HashMap` (the server assignors
    /// iterate it in hash order, computed from this).
    pub members: Vec<ConsumerGroupMember>,
    /// The target assignment, by member id.
    pub target: BTreeMap<String, BTreeSet<TopicPartition>>,
    /// The subscribed topics (id and partition count) the group epoch was computed from: Kafka 4.1
    /// keeps a hash of exactly this.
    pub metadata: BTreeMap<String, (TopicId, i32)>,
    /// A subscribed topic changed: the next heartbeat recomputes the metadata (`requestMetadataRefresh`).
    pub metadata_refresh_requested: bool,
    /// The server assignor that computed the current target.
    pub assignor: Option<ServerAssignorName>,
}

impl ConsumerGroup {
    pub fn new(group_id: &str) -> Self {
        Self {
            group_id: group_id.to_string(),
            group_epoch: 0,
            assignment_epoch: 0,
            members: Vec::new(),
            target: BTreeMap::new(),
            metadata: BTreeMap::new(),
            metadata_refresh_requested: false,
            assignor: None,
        }
    }

    pub fn member(&self, member_id: &str) -> Option<&ConsumerGroupMember> {
        self.members.iter().find(|m| m.member_id == member_id)
    }

    /// The member holding this `group.instance.id`.
    pub fn static_member(&self, instance_id: &str) -> Option<&ConsumerGroupMember> {
        self.members
            .iter()
            .find(|m| m.instance_id.as_deref() == Some(instance_id))
    }

    /// Puts the member in place of the one with the same id, or at the end of the map.
    pub fn put_member(&mut self, member: ConsumerGroupMember) {
        match self
            .members
            .iter_mut()
            .find(|m| m.member_id == member.member_id)
        {
            Some(slot) => *slot = member,
            None => self.members.push(member),
        }
    }

    /// Removes the member and its target assignment.
    pub fn remove_member(&mut self, member_id: &str) -> Option<ConsumerGroupMember> {
        let i = self.members.iter().position(|m| m.member_id == member_id)?;
        self.target.remove(member_id);
        Some(self.members.remove(i))
    }

    /// `currentPartitionEpoch` ≠ -1: some member holds the partition, assigned or still to revoke.
    pub fn is_held(&self, tp: &TopicPartition) -> bool {
        self.members
            .iter()
            .any(|m| m.assigned.contains(tp) || m.pending_revocation.contains(tp))
    }

    pub fn target_of(&self, member_id: &str) -> BTreeSet<TopicPartition> {
        self.target.get(member_id).cloned().unwrap_or_default()
    }

    /// `ConsumerGroup.state`.
    pub fn state(&self) -> ConsumerGroupState {
        if self.members.is_empty() {
            ConsumerGroupState::Empty
        } else if self.group_epoch > self.assignment_epoch {
            ConsumerGroupState::Assigning
        } else if self
            .members
            .iter()
            .any(|m| !m.is_reconciled_to(self.assignment_epoch))
        {
            ConsumerGroupState::Reconciling
        } else {
            ConsumerGroupState::Stable
        }
    }

    /// Every topic some member subscribes to.
    pub fn subscribed_topics(&self) -> BTreeSet<String> {
        self.members
            .iter()
            .flat_map(|m| m.subscribed_topic_names.iter().cloned())
            .collect()
    }

    /// Whether the member still has to give partitions up or is waiting for some.
    pub fn is_member_reconciling(&self, member_id: &str) -> bool {
        self.member(member_id)
            .is_some_and(|m| m.state != MemberAssignmentState::Stable)
    }
}
