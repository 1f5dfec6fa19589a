//! What the page draws of KIP-848 consumer groups: the group epoch, the target epoch, each member's
//! epoch and reconciliation, and a member's own view of what it still has to revoke or receive.

use super::ConsumerSnapshot;
use crate::sim::assign::TopicPartition;
use crate::sim::broker::consumer::ConsumerGroup;
use crate::sim::client::KafkaConsumer;
use crate::sim::time::Millis;
use crate::sim::vocab::{ConsumerGroupState, MemberAssignmentState};
use crate::sim::world::World;
use serde::Serialize;

/// A consumer group as the coordinator holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConsumerGroupSnapshot {
    pub group_id: String,
    pub state: ConsumerGroupState,
    pub group_epoch: i32,
    /// The epoch of the target assignment: behind the group epoch while the group is Assigning.
    pub assignment_epoch: i32,
    /// The server assignor that computed the target.
    pub assignor: Option<String>,
    pub members: Vec<ConsumerGroupMemberSnapshot>,
}

/// One member as the coordinator holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConsumerGroupMemberSnapshot {
    pub member_id: String,
    pub consumer: String,
    pub instance_id: Option<String>,
    /// -2 for a static member that left for now.
    pub member_epoch: i32,
    pub state: MemberAssignmentState,
    pub assigned: Vec<TopicPartition>,
    pub pending_revocation: Vec<TopicPartition>,
    /// Its part of the target assignment.
    pub target: Vec<TopicPartition>,
    /// Target partitions it does not have yet because another member still holds them.
    pub awaiting: Vec<TopicPartition>,
    pub session_deadline: Option<Millis>,
    /// The `group.protocol` its consumer speaks: `consumer`, or `classic` for a classic member the
    /// consumer group serves through JoinGroup, SyncGroup and Heartbeat (a mixed group).
    pub protocol: String,
}

/// A KIP-848 member's own view (`ConsumerMembershipManager`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Kip848MemberView {
    /// `JOINING`, `RECONCILING`, `ACKNOWLEDGING`, `STABLE`, `FENCED`, `STALE`, ...
    pub member_state: String,
    pub member_epoch: i32,
    /// Owned partitions the last assignment no longer has: revoked in the next `poll()`.
    pub to_revoke: Vec<TopicPartition>,
    /// Assigned partitions it does not own yet: taken in the next `poll()`.
    pub to_receive: Vec<TopicPartition>,
    pub reconciliations: u32,
    /// The server assignor it asked for (`group.remote.assignor`).
    pub remote_assignor: Option<String>,
}

impl ConsumerGroupSnapshot {
    /// A mixed group: a consumer group that still has members on the classic protocol (during a
    /// rolling upgrade), which it serves through JoinGroup, SyncGroup and Heartbeat.
    pub fn is_mixed(&self) -> bool {
        self.members.iter().any(|m| m.protocol == "classic")
    }
}

impl World {
    pub(super) fn consumer_group_snapshot(&self, g: &ConsumerGroup) -> ConsumerGroupSnapshot {
        let members = g
            .members
            .iter()
            .map(|m| {
                let target = g.target_of(&m.member_id);
                ConsumerGroupMemberSnapshot {
                    member_id: m.member_id.clone(),
                    consumer: m.consumer.clone(),
                    instance_id: m.instance_id.clone(),
                    member_epoch: m.member_epoch,
                    state: m.state,
                    assigned: m.assigned.iter().cloned().collect(),
                    pending_revocation: m.pending_revocation.iter().cloned().collect(),
                    awaiting: target.difference(&m.assigned).cloned().collect(),
                    target: target.into_iter().collect(),
                    session_deadline: self
                        .consumer_group_session_deadline(&g.group_id, &m.member_id),
                    protocol: m.protocol_name().to_string(),
                }
            })
            .collect();
        ConsumerGroupSnapshot {
            group_id: g.group_id.clone(),
            state: g.state(),
            group_epoch: g.group_epoch,
            assignment_epoch: g.assignment_epoch,
            assignor: g.assignor.map(|a| a.name().to_string()),
            members,
        }
    }

    pub(super) fn kip848_consumer_snapshot(
        &self,
        c: &KafkaConsumer,
        now: Millis,
    ) -> ConsumerSnapshot {
        let manager = c.membership_manager().expect("a consumer-protocol member");
        let group = self.broker().consumer_groups().group(&c.group_id);
        // A static member that closed (-2) is still held by the coordinator under its member id.
        let member = group.and_then(|g| g.member(&manager.member_id));
        ConsumerSnapshot {
            handle: c.handle.clone(),
            group: c.group_id.clone(),
            incarnation: c.incarnation,
            topics: c.topics.clone(),
            config: c.config.clone(),
            client_id: c.client_id.clone(),
            static_id: c.config.group_instance_id.clone(),
            member_id: manager.member_id.clone(),
            generation: manager.member_epoch,
            rebalance_protocol: c.protocol,
            state: c.display_state(),
            is_leader: false,
            owned: c.owned().iter().cloned().collect(),
            assigned_by_coordinator: member
                .map(|m| m.assigned.iter().cloned().collect())
                .unwrap_or_default(),
            last_heartbeat_sent: manager.heartbeat.last_sent_at,
            session_deadline: member
                .and_then(|m| self.consumer_group_session_deadline(&c.group_id, &m.member_id)),
            last_poll: c.last_poll(now),
            poll_deadline: if c.is_running() {
                c.poll_deadline()
            } else {
                None
            },
            known_partitions: Default::default(),
            next_metadata_refresh: None,
            stopped_at: c.stopped_at,
            concurrent_modification_at: c.app.concurrent_modification_at,
            kip848: Some(Kip848MemberView {
                member_state: manager.state.to_string(),
                member_epoch: manager.member_epoch,
                to_revoke: manager.to_revoke(c.owned()),
                to_receive: manager.to_receive(c.owned()),
                reconciliations: manager.reconciliations,
                remote_assignor: c.config.group_remote_assignor.clone(),
            }),
            stuck_on_record: super::StuckOnRecord::of(c),
        }
    }
}
