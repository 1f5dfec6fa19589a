//! Rebalance handling, as Kafka's `ConsumerCoordinator` does it on top of the membership: the
//! join-prepare (commit, then revoke as the protocol requires), the leader's assignment, applying the
//! assignment with the listener callbacks, and the partitions the consumer owns.

use super::membership::{Generation, MemberState};
use super::{CoOut, KafkaConsumer};
use crate::sim::assign::{
    self, AssignError, AssignorName, ClusterMetadata, GroupSubscription, RebalanceProtocol,
    Subscription, TopicPartition,
};
use crate::sim::protocol::*;
use crate::sim::sort::CollectBTree;
use crate::sim::trace::TraceEvent;
use crate::sim::vocab::CallbackKind;
use std::collections::{BTreeMap, BTreeSet};

/// The offset commit `onJoinPrepare` makes before it gives up partitions (auto-commit only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinPrepareCommit {
    /// Not sent for this rebalance yet.
    NotSent,
    /// Sent; the application waits inside `poll()` for its answer.
    InFlight { correlation_id: u64 },
    /// Answered (whatever the error): the join goes on.
    Answered,
}

/// The consumer coordinator's state: leadership, the assignment and what the consumer owns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumerCoordinator {
    pub is_leader: bool,
    pub owned: BTreeSet<TopicPartition>,
    /// Eager: partitions marked pending revocation while `onJoinPrepare` commits; not fetched.
    pub pending_revocation: bool,
    /// The assignment of the last SyncGroup response, even before the application thread applies it.
    pub assigned_by_coordinator: Option<Vec<TopicPartition>>,
    /// The eager sticky assignor's memory: the last assignment and its generation.
    pub last_assignment: Option<(Vec<TopicPartition>, i32)>,
    /// The leader's view when it assigned: partition counts of the group's topics.
    pub assignment_snapshot: Option<BTreeMap<String, i32>>,
    /// The leader took the role with `skipAssignment` (KIP-814, a returning static leader): Kafka's
    /// `onLeaderElected` still sets `assignmentSnapshot = metadataSnapshot`, so the snapshot is the
    /// metadata it holds now, not the metadata the group's stored assignment was computed from.
    pub skipped_assignment: bool,
    /// Every topic some member of the group subscribes to (known to the leader).
    pub group_subscription: BTreeSet<String>,
    pub join_prepare_commit: JoinPrepareCommit,
    /// `groupMetadata()`: the generation and member id of the last completed join (-1 and "" before
    /// the first). Only `onJoinComplete` updates it, so a reset leaves it as it was.
    pub group_metadata: (i32, String),
}

impl Default for ConsumerCoordinator {
    fn default() -> Self {
        Self {
            is_leader: false,
            owned: BTreeSet::new(),
            pending_revocation: false,
            assigned_by_coordinator: None,
            last_assignment: None,
            assignment_snapshot: None,
            skipped_assignment: false,
            group_subscription: BTreeSet::new(),
            join_prepare_commit: JoinPrepareCommit::NotSent,
            group_metadata: (Generation::NO_GENERATION_ID, String::new()),
        }
    }
}

impl KafkaConsumer {
    /// The leader rejoins when the partition counts of the group's topics changed since it assigned.
    pub(super) fn maybe_request_rejoin_on_metadata_change(&mut self) {
        if let Some(snapshot) = &self.coordinator.assignment_snapshot {
            if *snapshot != self.metadata_snapshot(&self.coordinator.group_subscription)
                && !self.membership.rejoin_needed
            {
                self.request_rejoin(JoinReason::MetadataChanged);
            }
        }
    }

    /// KIP-814's blind spot: this leader took the role with `skipAssignment`, applied the group's
    /// stored assignment, wants no rejoin, and the metadata it holds still equals the snapshot it took
    /// then, so `rejoinNeededOrPending` sees nothing to react to, even if the stored assignment was
    /// computed from older metadata.
    pub fn skipped_assignment_sees_no_change(&self) -> bool {
        self.coordinator.is_leader
            && self.coordinator.skipped_assignment
            && self.membership.state == MemberState::Stable
            && !self.rejoin_needed_or_pending()
            && self.coordinator.assignment_snapshot.as_ref()
                == Some(&self.metadata_snapshot(&self.coordinator.group_subscription))
    }

    /// `onJoinPrepare`: commit, then give up partitions as the rebalance protocol requires.
    pub(super) fn on_join_prepare(&mut self, out: &mut CoOut) -> bool {
        if matches!(
            self.coordinator.join_prepare_commit,
            JoinPrepareCommit::InFlight { .. }
        ) {
            return false;
        }
        if self.config.enable_auto_commit
            && self.coordinator.join_prepare_commit != JoinPrepareCommit::Answered
            && self.membership.state == MemberState::Stable
            && !self.coordinator.owned.is_empty()
            && self.has_offsets_to_commit()
        {
            self.coordinator.pending_revocation = self.protocol == RebalanceProtocol::Eager;
            let correlation_id = self.send_offset_commit(out);
            self.coordinator.join_prepare_commit = JoinPrepareCommit::InFlight { correlation_id };
            return false;
        }
        self.coordinator.join_prepare_commit = JoinPrepareCommit::NotSent;
        self.coordinator.pending_revocation = false;

        let owned: Vec<TopicPartition> = self.coordinator.owned.iter().cloned().collect();
        if self.membership.generation.is_reset() {
            if !owned.is_empty() {
                self.callback(CallbackKind::Lost, owned, out);
                self.set_owned(BTreeSet::new(), out);
            }
        } else {
            match self.protocol {
                RebalanceProtocol::Eager => {
                    self.callback(CallbackKind::Revoked, owned, out);
                    self.set_owned(BTreeSet::new(), out);
                }
                RebalanceProtocol::Cooperative => {
                    let unsubscribed: Vec<TopicPartition> = owned
                        .into_iter()
                        .filter(|tp| !self.topics.iter().any(|t| *t == tp.topic))
                        .collect();
                    if !unsubscribed.is_empty() {
                        let keep: BTreeSet<_> = self
                            .coordinator
                            .owned
                            .iter()
                            .filter(|tp| !unsubscribed.contains(tp))
                            .cloned()
                            .collect_set();
                        self.callback(CallbackKind::Revoked, unsubscribed, out);
                        self.set_owned(keep, out);
                    }
                }
            }
        }
        self.coordinator.is_leader = false;
        self.coordinator.skipped_assignment = false;
        true
    }

    /// `onLeaderElected` → `performAssignment`: run the selected assignor over every member's subscription.
    pub(super) fn on_leader_elected(
        &mut self,
        r: &JoinGroupResponse,
        out: &mut CoOut,
    ) -> Result<Vec<SyncGroupRequestAssignment>, AssignError> {
        let protocol = r.protocol_name.clone().unwrap_or_default();
        let assignor = AssignorName::from_protocol_name(&protocol).ok_or_else(|| {
            AssignError::Threw(format!(
                "Coordinator selected invalid assignment protocol: {protocol}"
            ))
        })?;
        self.coordinator.group_subscription = r
            .members
            .iter()
            .flat_map(|m| m.metadata.topics.iter().cloned())
            .collect_set();
        self.coordinator.is_leader = true;
        // Kafka 4.1.2 `ConsumerCoordinator.onLeaderElected` takes the snapshot before it looks at
        // `skipAssignment`: on both paths `assignmentSnapshot = metadataSnapshot`.
        self.coordinator.assignment_snapshot =
            Some(self.metadata_snapshot(&self.coordinator.group_subscription));
        self.coordinator.skipped_assignment = r.skip_assignment;
        if r.skip_assignment {
            // KIP-814: a static leader that was replaced keeps the group's stored assignment.
            return Ok(Vec::new());
        }
        let members = r
            .members
            .iter()
            .map(|m| {
                let (sticky_previous, generation) = match (&m.metadata.sticky_user_data, assignor) {
                    (Some((previous, generation)), AssignorName::Sticky) => {
                        (Some(previous.clone()), *generation)
                    }
                    _ => (None, m.metadata.generation_id),
                };
                Subscription {
                    member_id: m.member_id.clone(),
                    group_instance_id: m.group_instance_id.clone(),
                    topics: m.metadata.topics.clone(),
                    owned_partitions: m.metadata.owned_partitions.clone(),
                    generation,
                    rack: m.metadata.rack_id.clone(),
                    sticky_previous_assignment: sticky_previous,
                }
            })
            .collect();
        let cluster = ClusterMetadata {
            topics: self
                .metadata
                .topics
                .iter()
                .map(|(t, p)| (t.clone(), *p))
                .collect(),
            broker_racks: Vec::new(),
            replication_factor: 1,
        };
        let result = assign::assign(assignor, &cluster, &GroupSubscription { members }).map_err(
            |e| match e {
                AssignError::Threw(m) => {
                    AssignError::Threw(format!("{assignor} assignor failed: {m}"))
                }
                AssignError::NeverReturns(m) => AssignError::NeverReturns(format!(
                    "stuck inside poll(): the {assignor} assignor never returns ({m}), and the \
                     heartbeat thread waits for the lock the assignor holds"
                )),
            },
        )?;
        out.record(TraceEvent::AssignmentComputed {
            group: self.group_id.clone(),
            consumer: self.handle.clone(),
            generation: r.generation_id,
            assignor: assignor.protocol_name().to_string(),
            assignment: result.clone(),
        });
        Ok(result
            .into_iter()
            .map(|(member_id, assignment)| SyncGroupRequestAssignment {
                member_id,
                assignment,
            })
            .collect())
    }

    /// `onJoinComplete`: apply the assignment and run the listener.
    pub(super) fn on_join_complete(&mut self, assignment: Vec<TopicPartition>, out: &mut CoOut) {
        if !self.coordinator.is_leader {
            self.coordinator.assignment_snapshot = None;
        }
        self.coordinator.group_metadata = (
            self.membership.generation.generation_id,
            self.membership.generation.member_id.clone(),
        );
        let assigned: BTreeSet<TopicPartition> = assignment.into_iter().collect_set();
        if assigned
            .iter()
            .any(|tp| !self.topics.iter().any(|t| *t == tp.topic))
        {
            self.request_rejoin(JoinReason::AssignmentMismatch);
            return;
        }
        let added: Vec<TopicPartition> = assigned
            .difference(&self.coordinator.owned)
            .cloned()
            .collect();
        if self.protocol == RebalanceProtocol::Cooperative {
            let revoked: Vec<TopicPartition> = self
                .coordinator
                .owned
                .difference(&assigned)
                .cloned()
                .collect();
            if !revoked.is_empty() {
                self.callback(CallbackKind::Revoked, revoked, out);
                self.request_rejoin(JoinReason::RevokedPartitions);
            }
        }
        self.coordinator.last_assignment = Some((
            assigned.iter().cloned().collect(),
            self.membership.generation.generation_id,
        ));
        self.set_owned(assigned, out);
        self.callback(CallbackKind::Assigned, added, out);
        self.commits.next_auto_commit_at = self
            .app
            .last_poll_at
            .saturating_add(self.config.auto_commit_interval_ms);
    }

    pub(super) fn callback(
        &mut self,
        kind: CallbackKind,
        partitions: Vec<TopicPartition>,
        out: &mut CoOut,
    ) {
        out.record(TraceEvent::Callback {
            consumer: self.handle.clone(),
            group: self.group_id.clone(),
            kind,
            partitions,
            generation: self.coordinator.group_metadata.0,
            member_id: self.coordinator.group_metadata.1.clone(),
        });
    }

    pub(super) fn set_owned(&mut self, owned: BTreeSet<TopicPartition>, out: &mut CoOut) {
        if owned != self.coordinator.owned {
            self.coordinator.owned = owned;
            // A partition given up is no longer pending revocation.
            let owned = &self.coordinator.owned;
            self.fetcher
                .pending_revocation
                .retain(|tp| owned.contains(tp));
            if self.fetcher.enabled {
                self.fetcher.retain_owned(&self.coordinator.owned);
            }
            out.record(TraceEvent::OwnershipChanged {
                consumer: self.handle.clone(),
                group: self.group_id.clone(),
                owned: self.coordinator.owned.iter().cloned().collect(),
            });
        }
    }

    /// `resetStateAndRejoin` as it concerns the ConsumerCoordinator: a commit made for the abandoned
    /// join-prepare no longer holds anything up, and nothing is pending revocation any more.
    pub(super) fn on_membership_reset(&mut self) {
        self.coordinator.join_prepare_commit = JoinPrepareCommit::NotSent;
        self.coordinator.pending_revocation = false;
    }
}
