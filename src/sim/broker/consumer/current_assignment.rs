//! Kafka's `CurrentAssignmentBuilder`: moves one member from its current assignment towards its
//! target, one step per heartbeat. Partitions leave a member before they may reach another: a member
//! that must revoke stays at its epoch (UNREVOKED_PARTITIONS) until its heartbeat no longer reports
//! them; a partition another member still holds is withheld (UNRELEASED_PARTITIONS) until released.

use super::member::ConsumerGroupMember;
use crate::sim::assign::TopicPartition;
use crate::sim::sort::CollectBTree;
use crate::sim::vocab::MemberAssignmentState;
use std::collections::BTreeSet;

pub struct CurrentAssignmentBuilder<'a> {
    pub member: &'a ConsumerGroupMember,
    pub target_epoch: i32,
    pub target: &'a BTreeSet<TopicPartition>,
    /// `currentPartitionEpoch`: whether some member (this one included) holds the partition, as
    /// assigned or pending revocation.
    pub held: &'a dyn Fn(&TopicPartition) -> bool,
    /// The owned partitions of the heartbeat; `None` when it did not send them.
    pub owned: Option<&'a [TopicPartition]>,
}

impl CurrentAssignmentBuilder<'_> {
    /// `build`: the member's next state.
    pub fn build(&self) -> ConsumerGroupMember {
        let m = self.member;
        match m.state {
            MemberAssignmentState::Stable if m.member_epoch != self.target_epoch => {
                self.compute_next_assignment(m.member_epoch, &m.assigned)
            }
            MemberAssignmentState::Stable => m.clone(),
            MemberAssignmentState::UnrevokedPartitions => {
                if self.owns_any(&m.pending_revocation) {
                    m.clone()
                } else {
                    // Revoked: the member moves to the next epoch and on towards the latest target.
                    self.compute_next_assignment(m.member_epoch + 1, &m.assigned)
                }
            }
            MemberAssignmentState::UnreleasedPartitions => {
                self.compute_next_assignment(m.member_epoch, &m.assigned)
            }
        }
    }

    /// `ownsRevokedPartitions`: a heartbeat without its owned partitions counts as still owning.
    fn owns_any(&self, partitions: &BTreeSet<TopicPartition>) -> bool {
        match self.owned {
            None => true,
            Some(owned) => owned.iter().any(|tp| partitions.contains(tp)),
        }
    }

    fn compute_next_assignment(
        &self,
        member_epoch: i32,
        current: &BTreeSet<TopicPartition>,
    ) -> ConsumerGroupMember {
        let m = self.member;
        let kept: BTreeSet<TopicPartition> =
            current.intersection(self.target).cloned().collect_set();
        let to_revoke: BTreeSet<TopicPartition> = current.difference(&kept).cloned().collect_set();
        let mut unreleased = false;
        let mut to_assign = BTreeSet::new();
        for tp in self.target.difference(&kept) {
            // 4.1.2: a partition this member itself is revoking does not count as unreleased.
            if (self.held)(tp) && !m.pending_revocation.contains(tp) {
                unreleased = true;
            } else {
                to_assign.insert(tp.clone());
            }
        }
        let mut next = m.clone();
        if !to_revoke.is_empty() && self.owns_any(&to_revoke) {
            next.state = MemberAssignmentState::UnrevokedPartitions;
            next.update_member_epoch(member_epoch);
            next.assigned = kept;
            next.pending_revocation = to_revoke;
            return next;
        }
        next.state = if unreleased {
            MemberAssignmentState::UnreleasedPartitions
        } else {
            MemberAssignmentState::Stable
        };
        next.update_member_epoch(self.target_epoch);
        next.assigned = kept.into_iter().chain(to_assign).collect_set();
        next.pending_revocation = BTreeSet::new();
        next
    }
}
