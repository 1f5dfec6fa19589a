//! Kafka's `ConsumerGroup`: the members of a KIP-848 group in the order they filled the
//! coordinator's member map, the group epoch, the target assignment and its epoch, and the
//! subscribed topics' metadata the group epoch was last computed from.

use super::member::ConsumerGroupMember;
use crate::sim::assign::server::{ServerAssignorName, TopicId};
use crate::sim::assign::TopicPartition;
use crate::sim::config::BrokerConfig;
use crate::sim::sort::CollectBTree;
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
    /// Classic members with a join timeout armed (`scheduleConsumerGroupJoinTimeoutIfAbsent`).
    pub join_timeouts: BTreeSet<String>,
    /// Set when the group converts back to a classic group: the broker completes the conversion
    /// once the request or timer that caused it is handled.
    pub downgrade: Option<Downgrade>,
}

/// Why a consumer group converts back to a classic group (`convertToClassicGroup`'s two callers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Downgrade {
    /// The last consumer-protocol member left or was fenced (`validateOnlineDowngradeWithFencedMembers`):
    /// its member id and consumer.
    MemberLeft { member_id: String, consumer: String },
    /// A classic static member's JoinGroup took the `group.instance.id` of the last consumer-protocol
    /// member (`validateOnlineDowngradeWithReplacedMember`). The group is as it was before the join
    /// (Kafka does not replay the join's records when it downgrades); `joining` is the new member,
    /// which takes the replaced member's place and target.
    StaticMemberReplaced {
        joining: Box<ConsumerGroupMember>,
        subscription_changed: bool,
    },
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
            join_timeouts: BTreeSet::new(),
            downgrade: None,
        }
    }

    /// `numClassicProtocolMembers`.
    pub fn num_classic_protocol_members(&self) -> usize {
        self.members
            .iter()
            .filter(|m| m.uses_classic_protocol())
            .count()
    }

    /// A mixed group: members of both protocols.
    pub fn is_mixed(&self) -> bool {
        let classic = self.num_classic_protocol_members();
        classic > 0 && classic < self.members.len()
    }

    /// `validateOnlineDowngradeWithFencedMembers` for one leaving member: every other member uses
    /// the classic protocol (`allMembersUseClassicProtocolExcept`), some remain, the policy allows
    /// the downgrade and the remaining members fit in `group.max.size`.
    pub fn may_downgrade_without(&self, member_id: &str, config: &BrokerConfig) -> bool {
        let Some(leaving) = self.member(member_id) else {
            return false;
        };
        let remaining = self.members.len() - 1;
        let leaving_classic = usize::from(leaving.uses_classic_protocol());
        self.num_classic_protocol_members() - leaving_classic == remaining
            && remaining > 0
            && config.consumer.migration_policy.is_downgrade_enabled()
            && remaining as u64 <= u64::from(config.group_max_size)
    }

    /// `validateOnlineDowngradeWithReplacedMember`: the replaced static member is the only one on
    /// the consumer protocol (`allMembersUseClassicProtocolExcept`), the policy allows the downgrade
    /// and every member, the replaced one counted, fits in `group.max.size`.
    pub fn may_downgrade_replacing(
        &self,
        replaced: &ConsumerGroupMember,
        config: &BrokerConfig,
    ) -> bool {
        !replaced.uses_classic_protocol()
            && self.num_classic_protocol_members() == self.members.len() - 1
            && config.consumer.migration_policy.is_downgrade_enabled()
            && self.members.len() as u64 <= u64::from(config.group_max_size)
    }

    /// `supportsClassicProtocols`: the protocol type is `consumer` and, unless the group is empty,
    /// one of the protocols is supported by every classic member.
    pub fn supports_classic_protocols(&self, protocol_type: &str, names: &[&str]) -> bool {
        if protocol_type != "consumer" {
            return false;
        }
        if self.members.is_empty() {
            return !names.is_empty();
        }
        let classic: Vec<_> = self
            .members
            .iter()
            .filter_map(|m| m.classic.as_ref())
            .collect();
        names.iter().any(|name| {
            classic
                .iter()
                .all(|c| c.supported_protocols.iter().any(|p| p.name == *name))
        })
    }

    /// `waitingOnUnreleasedPartition`: the member waits for a partition of its target that another
    /// member still holds.
    pub fn waiting_on_unreleased_partition(&self, member: &ConsumerGroupMember) -> bool {
        member.state == MemberAssignmentState::UnreleasedPartitions
            && self
                .target_of(&member.member_id)
                .iter()
                .any(|tp| !member.assigned.contains(tp) && self.is_held(tp))
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
            .collect_set()
    }

    /// Whether the member still has to give partitions up or is waiting for some.
    pub fn is_member_reconciling(&self, member_id: &str) -> bool {
        self.member(member_id)
            .is_some_and(|m| m.state != MemberAssignmentState::Stable)
    }
}
