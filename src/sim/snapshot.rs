//! What the page draws: a cheap, comparable picture of the World at one instant.

use super::assign::{compare_members, RebalanceProtocol, Subscription, TopicPartition};
use super::broker::classic::ClassicGroup;
use super::client::KafkaConsumer;
use super::config::ConsumerConfig;
use super::delivery::{partition_logs, PartitionLog};
use super::time::Millis;
use super::vocab::{ClassicGroupState, ConsumerState};
use super::world::World;
use crate::sim::sort;
use crate::sim::sort::CollectBTree;
pub use kip848::{ConsumerGroupMemberSnapshot, ConsumerGroupSnapshot, Kip848MemberView};

mod kip848;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    pub now: Millis,
    pub topics: Vec<TopicSnapshot>,
    pub groups: Vec<GroupSnapshot>,
    /// The KIP-848 consumer groups (`group.protocol=consumer`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub consumer_groups: Vec<ConsumerGroupSnapshot>,
    pub consumers: Vec<ConsumerSnapshot>,
    /// With producers: each group's view of each partition's log (see [`PartitionLog`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub partition_logs: Vec<PartitionLog>,
    /// The scenario's producers, as the producer control shows them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub producers: Vec<ProducerSnapshot>,
}

/// A producer: where it sends, how fast, keyed or not, and what it has sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProducerSnapshot {
    pub handle: String,
    pub topic: String,
    pub records_per_sec: u32,
    /// 0: unkeyed (sticky partitioner).
    pub keys: u32,
    pub records_sent: u64,
    /// What the last partition count change moved (left out of the serialized snapshot, so golden
    /// digests stay as they were).
    #[serde(skip)]
    pub keys_moved: Option<super::producer::keys_moved::KeysMoved>,
    /// The partition count its last metadata showed (`None` before its first Metadata answer).
    /// Left out of the serialized snapshot, as above.
    #[serde(skip)]
    pub known_partitions: Option<i32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TopicSnapshot {
    pub name: String,
    pub partitions: i32,
    /// Each partition's log-end offset (empty in a scenario without producers). Left out of the
    /// serialized snapshot, so golden digests stay as they were.
    #[serde(skip)]
    pub log_end_offsets: Vec<i64>,
    /// The offsets of the poison pills in each partition's log, by partition (only those with any).
    #[serde(skip)]
    pub poison_pills: BTreeMap<i32, Vec<i64>>,
}

/// The coordinator's view of one group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupSnapshot {
    pub group_id: String,
    pub state: ClassicGroupState,
    pub generation: i32,
    /// EAGER if any member's client is eager, COOPERATIVE if all are; `None` without members.
    pub rebalance_protocol: Option<RebalanceProtocol>,
    /// The assignor the group selected (the protocol vote), e.g. "range".
    pub selected_assignor: Option<String>,
    pub leader_member_id: Option<String>,
    pub leader_consumer: Option<String>,
    /// What the coordinator stored from the leader's SyncGroup, per member id.
    pub assignment: BTreeMap<String, Vec<TopicPartition>>,
    pub members: Vec<MemberSnapshot>,
    /// The group's rebalance timeout: the largest `max.poll.interval.ms` among its members, as their
    /// JoinGroups carried it. The join phase waits at most this long for members to rejoin.
    pub rebalance_timeout_ms: Millis,
    /// The first rebalance of an Empty group is under way: the coordinator waits
    /// `group.initial.rebalance.delay.ms` (this many ms) for more members, re-arming on each join.
    pub initial_delay_ms: Option<Millis>,
    /// Partitions this Stable group will not hand out until its next rebalance, because its static
    /// leader came back with `skipAssignment` (see [`SkippedAssignmentGap`]).
    pub skipped_assignment_gap: Option<SkippedAssignmentGap>,
}

/// KIP-814's blind spot, as Kafka 4.1.2 has it. A static leader that rejoins a Stable group (after a
/// restart, or after its poll timer expired) gets `skipAssignment`: the group keeps the assignment
/// the previous leader computed. Its `ConsumerCoordinator.onLeaderElected` still sets
/// `assignmentSnapshot = metadataSnapshot`, the metadata it holds *now*. Partitions created after the
/// assignment was computed, and already in that metadata, therefore never look new to the leader's
/// `rejoinNeededOrPending` check: nobody consumes them until something else starts a rebalance (a
/// member joins or leaves, or a topic changes again). The same holds for the topics of a static
/// member that came back subscribed to more than before (the coordinator keeps the group Stable).
/// Likewise the other way: a topic deleted before the leader came back is already missing from the
/// metadata it compares with, so its partitions stay assigned (`stale`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SkippedAssignmentGap {
    /// The leader's consumer handle.
    pub leader: String,
    /// Subscribed partitions that no member is assigned.
    pub partitions: Vec<TopicPartition>,
    /// Assigned partitions of topics the leader's metadata no longer has (deleted). Left out of the
    /// serialized snapshot when empty, so golden digests stay as they were.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stale: Vec<TopicPartition>,
}

impl SkippedAssignmentGap {
    /// Why nobody consumes these partitions, in a learner's words: `lab run` prints it as the group's
    /// note, and the page's Topics panel shows it above the partition strips (through
    /// `session::explain::topics::skipped_assignment_note`) for as long as the gap lasts.
    pub fn explanation(&self) -> String {
        let mut told = Vec::new();
        if !self.partitions.is_empty() {
            told.push(self.unassigned_explanation());
        }
        if !self.stale.is_empty() {
            told.push(self.stale_explanation());
        }
        told.join(" ")
    }

    fn stale_explanation(&self) -> String {
        let list: Vec<String> = self.stale.iter().map(ToString::to_string).collect();
        let mut topics: Vec<&str> = self.stale.iter().map(|tp| tp.topic.as_str()).collect();
        topics.dedup();
        let one = list.len() == 1;
        format!(
            "{} {} still assigned, though {} {} deleted, and no rebalance is coming to take {} back. \
             The static leader {} came back with skipAssignment (KIP-814) after the deletion: \
             \"The static leader will continue with its existing assignment\". Its check for \
             metadata changes compares with the metadata it holds now, which already lacks {}, so \
             it sees nothing new. {} assigned until the next rebalance: a member joining or \
             leaving, or a topic changing again.",
            list.join(", "),
            if one { "is" } else { "are" },
            if topics.len() == 1 { "topic" } else { "topics" },
            topics.join(", ") + if topics.len() == 1 { " was" } else { " were" },
            if one { "it" } else { "them" },
            self.leader,
            if topics.len() == 1 { "it" } else { "them" },
            if one { "It stays" } else { "They stay" },
        )
    }

    fn unassigned_explanation(&self) -> String {
        let list: Vec<String> = self.partitions.iter().map(ToString::to_string).collect();
        let one = list.len() == 1;
        format!(
            "{} {} assigned to nobody, and no rebalance is coming for {}. The static leader {} came \
             back with skipAssignment (KIP-814): \"The static leader will continue with its existing \
             assignment\", computed before {} existed or {} topic was subscribed. Its check for \
             metadata changes compares with the metadata it holds now, which already shows {}, so it \
             sees nothing new. {} unassigned until the next rebalance: a member joining or leaving, \
             or a topic changing again.",
            list.join(", "),
            if one { "is" } else { "are" },
            if one { "it" } else { "them" },
            self.leader,
            if one { "it" } else { "they" },
            if one { "its" } else { "their" },
            if one { "it" } else { "them" },
            if one { "It stays" } else { "They stay" },
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MemberSnapshot {
    pub member_id: String,
    pub consumer: String,
    pub group_instance_id: Option<String>,
    /// When the coordinator will expire this member unless it hears from it.
    pub session_deadline: Option<Millis>,
    pub awaiting_join: bool,
    pub awaiting_sync: bool,
    pub is_leader: bool,
}

/// One consumer as the client sees itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConsumerSnapshot {
    pub handle: String,
    pub group: String,
    pub incarnation: u32,
    pub topics: Vec<String>,
    pub config: ConsumerConfig,
    pub client_id: String,
    pub static_id: Option<String>,
    /// Empty before the coordinator gave one.
    pub member_id: String,
    pub generation: i32,
    pub rebalance_protocol: RebalanceProtocol,
    pub state: ConsumerState,
    pub is_leader: bool,
    /// What the consumer consumes now.
    pub owned: Vec<TopicPartition>,
    /// What the coordinator holds as this member's assignment (differs from `owned` during rebalances).
    pub assigned_by_coordinator: Vec<TopicPartition>,
    pub last_heartbeat_sent: Option<Millis>,
    /// When the coordinator would expire this member's session.
    pub session_deadline: Option<Millis>,
    pub last_poll: Millis,
    /// When `max.poll.interval.ms` runs out; `None` while the application is inside `poll()`.
    pub poll_deadline: Option<Millis>,
    /// Partition counts as this client's last metadata response gave them.
    pub known_partitions: BTreeMap<String, i32>,
    /// When `metadata.max.age.ms` makes it ask again; `None` when it is not running.
    pub next_metadata_refresh: Option<Millis>,
    /// When a closed or killed consumer stopped; `None` while running (and for fenced or failed ones).
    pub stopped_at: Option<Millis>,
    /// When a second thread's call last threw `ConcurrentModificationException` in this process.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub concurrent_modification_at: Option<Millis>,
    /// A `group.protocol=consumer` member's own view (KIP-848).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kip848: Option<Kip848MemberView>,
    /// The RecordDeserializationException every `poll()` of this consumer throws now, if it is stuck
    /// on a record its deserializer rejects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stuck_on_record: Option<StuckOnRecord>,
}

/// A consumer stuck on a record it cannot deserialize: every `poll()` throws until the application
/// seeks past it. `poll()` still resets the poll timer, so the member stays in the group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StuckOnRecord {
    pub partition: TopicPartition,
    pub offset: i64,
    /// `RecordDeserializationException`'s message, as Kafka words it.
    pub message: String,
    /// The deserializer's `SerializationException`.
    pub cause: String,
    /// The `value.deserializer` class that rejected the record.
    pub deserializer: String,
}

impl StuckOnRecord {
    pub fn of(c: &KafkaConsumer) -> Option<StuckOnRecord> {
        c.stuck_on().map(|f| StuckOnRecord {
            partition: f.partition.clone(),
            offset: f.offset,
            message: f.message(),
            cause: f.cause.clone(),
            deserializer: c.config.value_deserializer.clone(),
        })
    }
}

/// Partitions a topic has that the group's leader has not seen yet: only the leader compares the
/// metadata it assigned with against fresh metadata, so new partitions wait for its next refresh.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnseenPartitions {
    pub leader: String,
    /// First and last new partition.
    pub first: i32,
    pub last: i32,
    pub refresh_at: Millis,
}

/// A deleted topic whose partitions members of a group still hold: they learn of the deletion only
/// when the leader's metadata refresh shows it, and the leader's rejoin drops them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeletedTopicHeld {
    pub topic: String,
    /// The running consumers that still own some of its partitions.
    pub holders: Vec<String>,
    /// The running leader and its next metadata refresh, when the group has one and that refresh
    /// will show it the deletion (not when it came back after it with `skipAssignment`: see
    /// [`SkippedAssignmentGap`]'s `stale`).
    pub leader: Option<(String, Millis)>,
}

impl GroupSnapshot {
    /// The members the coordinator holds an assignment for, as consumer handles in the order the range
    /// and roundrobin assignors take them (`MemberInfo.compareTo`): static members first by
    /// `group.instance.id`, then dynamic members by member id. Member ids start with the client id,
    /// which is `consumer-<group>-1` for every process unless `client.id` is set, so the random UUID
    /// after it usually decides.
    pub fn assignment_order(&self) -> Vec<String> {
        let mut members: Vec<(Subscription, &str)> = self
            .members
            .iter()
            .filter(|m| self.assignment.contains_key(&m.member_id))
            .map(|m| {
                let mut s = Subscription::new(m.member_id.clone(), Vec::new());
                s.group_instance_id = m.group_instance_id.clone();
                (s, m.consumer.as_str())
            })
            .collect();
        sort::sort_by(&mut members, |a, b| compare_members(&a.0, &b.0));
        members.into_iter().map(|(_, c)| c.to_string()).collect()
    }
}

impl Snapshot {
    /// The running consumer that leads `group`: only its metadata refresh can start the rebalance
    /// that reacts to a changed topic.
    fn running_leader(&self, group: &str) -> Option<&ConsumerSnapshot> {
        self.consumers
            .iter()
            .find(|c| c.group == group && c.is_leader && c.state.is_running())
    }

    /// Topics no longer in the cluster whose partitions running members of `group` still own.
    pub fn deleted_topics_held(&self, group: &str) -> Vec<DeletedTopicHeld> {
        let running: Vec<&ConsumerSnapshot> = self
            .consumers
            .iter()
            .filter(|c| c.group == group && c.state.is_running())
            .collect();
        let mut held: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for c in &running {
            for tp in &c.owned {
                if !self.topics.iter().any(|t| t.name == tp.topic) {
                    let holders = held.entry(tp.topic.as_str()).or_default();
                    if !holders.contains(&c.handle) {
                        holders.push(c.handle.clone());
                    }
                }
            }
        }
        let leader = self
            .running_leader(group)
            .and_then(|c| Some((c.handle.clone(), c.next_metadata_refresh?)));
        // A static leader that came back after the deletion will not see it (KIP-814's blind spot):
        // no refresh of its metadata brings a rebalance.
        let blind = |topic: &str| {
            self.groups
                .iter()
                .filter(|g| g.group_id == group)
                .filter_map(|g| g.skipped_assignment_gap.as_ref())
                .any(|gap| gap.stale.iter().any(|tp| tp.topic.as_str() == topic))
        };
        held.into_iter()
            .map(|(topic, holders)| DeletedTopicHeld {
                topic: topic.to_string(),
                holders,
                leader: if blind(topic) { None } else { leader.clone() },
            })
            .collect()
    }

    /// New partitions of `topic` the running leader of `group` does not know of yet.
    pub fn partitions_unseen_by_leader(
        &self,
        group: &str,
        topic: &str,
    ) -> Option<UnseenPartitions> {
        let total = self.topics.iter().find(|t| t.name == topic)?.partitions;
        let leader = self.running_leader(group)?;
        let known = *leader.known_partitions.get(topic)?;
        let refresh_at = leader.next_metadata_refresh?;
        (known < total).then(|| UnseenPartitions {
            leader: leader.handle.clone(),
            first: known,
            last: total - 1,
            refresh_at,
        })
    }
}

impl World {
    /// When the coordinator will fence this KIP-848 member unless it hears from it.
    pub fn consumer_group_session_deadline(&self, group: &str, member_id: &str) -> Option<Millis> {
        let key = crate::sim::timer::TimerKey::ConsumerGroupSession {
            group: group.to_string(),
            member_id: member_id.to_string(),
        };
        self.timer_due(&super::vocab::Endpoint::Broker, &key)
    }

    pub fn snapshot(&self) -> Snapshot {
        let now = self.now();
        let logs = self.broker().logs();
        let topics = self
            .topics()
            .iter()
            .map(|(name, partitions)| TopicSnapshot {
                name: name.clone(),
                partitions: *partitions,
                log_end_offsets: logs.log_ends().get(name).cloned().unwrap_or_default(),
                poison_pills: logs
                    .poison_pills()
                    .iter()
                    .filter(|(tp, _)| tp.topic == *name)
                    .map(|(tp, pills)| (tp.partition, pills.clone()))
                    .collect(),
            })
            .collect();
        let groups = self
            .coordinator()
            .groups()
            .map(|g| self.group_snapshot(g))
            .collect();
        let consumers = self
            .consumers()
            .iter()
            .map(|c| self.consumer_snapshot(c, now))
            .collect();
        let consumer_groups = self
            .broker()
            .consumer_groups()
            .groups()
            .map(|g| self.consumer_group_snapshot(g))
            .collect();
        Snapshot {
            now,
            topics,
            groups,
            consumer_groups,
            consumers,
            partition_logs: partition_logs(self),
            producers: self
                .producers()
                .iter()
                .map(|p| ProducerSnapshot {
                    handle: p.handle.clone(),
                    topic: p.spec.topic.clone(),
                    records_per_sec: p.spec.records_per_sec,
                    keys: p.spec.keys,
                    records_sent: p.records_sent(),
                    keys_moved: p.keys_moved().cloned(),
                    known_partitions: p.known_partitions(),
                })
                .collect(),
        }
    }

    fn group_snapshot(&self, g: &ClassicGroup) -> GroupSnapshot {
        let members: Vec<MemberSnapshot> = g
            .all_members()
            .into_iter()
            .map(|m| MemberSnapshot {
                member_id: m.member_id.clone(),
                consumer: m.consumer.clone(),
                group_instance_id: m.group_instance_id.clone(),
                session_deadline: self.session_deadline(&g.group_id, &m.member_id),
                awaiting_join: m.is_awaiting_join(),
                awaiting_sync: m.is_awaiting_sync(),
                is_leader: g.is_leader(&m.member_id),
            })
            .collect();
        let protocols: Vec<RebalanceProtocol> = members
            .iter()
            .filter_map(|m| self.consumers().iter().find(|c| c.handle == m.consumer))
            .map(|c| c.protocol)
            .collect();
        let initial = g.state == ClassicGroupState::PreparingRebalance
            && g.previous_state == ClassicGroupState::Empty;
        let leader_consumer = g
            .leader_id
            .as_ref()
            .and_then(|id| g.member(id))
            .map(|m| m.consumer.clone());
        GroupSnapshot {
            group_id: g.group_id.clone(),
            state: g.state,
            generation: g.generation_id,
            rebalance_protocol: protocols.iter().copied().min(),
            selected_assignor: g.protocol_name.clone(),
            leader_member_id: g.leader_id.clone(),
            leader_consumer,
            assignment: g
                .members_iter()
                .map(|m| (m.member_id.clone(), m.assignment.clone()))
                .collect_map(),
            skipped_assignment_gap: self.skipped_assignment_gap(g),
            members,
            rebalance_timeout_ms: g.rebalance_timeout_ms(),
            initial_delay_ms: initial
                .then_some(self.broker_config().group_initial_rebalance_delay_ms),
        }
    }

    /// KIP-814's blind spot (see [`SkippedAssignmentGap`]): a Stable group whose leader took the
    /// role with `skipAssignment`, sees no metadata change, and yet some subscribed partitions of its
    /// metadata are in no member's assignment.
    pub fn skipped_assignment_gap(&self, g: &ClassicGroup) -> Option<SkippedAssignmentGap> {
        if g.state != ClassicGroupState::Stable {
            return None;
        }
        let leader = g.leader_id.as_ref().and_then(|id| g.member(id))?;
        let consumer = self.consumers().iter().find(|c| {
            c.handle == leader.consumer
                && c.is_running()
                && c.generation().member_id == leader.member_id
        })?;
        if !consumer.skipped_assignment_sees_no_change() {
            return None;
        }
        let assigned: BTreeSet<&TopicPartition> =
            g.members_iter().flat_map(|m| &m.assignment).collect_set();
        let subscribed: BTreeSet<&String> = g
            .members_iter()
            .filter_map(|m| m.metadata(g.protocol_name.as_deref()))
            .flat_map(|meta| &meta.topics)
            .collect_set();
        let known = consumer.known_partitions();
        let partitions: Vec<TopicPartition> = subscribed
            .into_iter()
            .filter_map(|t| Some((t, *known.get(t)?)))
            .flat_map(|(t, count)| (0..count).map(move |p| TopicPartition::new(t.clone(), p)))
            .filter(|tp| !assigned.contains(tp))
            .collect();
        // Deleted: gone from the cluster and from the leader's metadata. A topic its metadata has
        // not fetched yet (a returning leader learns the group's other topics from the JoinGroup
        // answer) is no gap: the refresh that brings it in changes the metadata, and it rejoins.
        let stale: Vec<TopicPartition> = assigned
            .into_iter()
            .filter(|tp| {
                let topic = tp.topic.as_str();
                !known.contains_key(topic) && !self.topics().contains_key(topic)
            })
            .cloned()
            .collect();
        (!partitions.is_empty() || !stale.is_empty()).then(|| SkippedAssignmentGap {
            leader: consumer.handle.clone(),
            partitions,
            stale,
        })
    }

    fn consumer_snapshot(&self, c: &KafkaConsumer, now: Millis) -> ConsumerSnapshot {
        if c.membership_manager().is_some() {
            return self.kip848_consumer_snapshot(c, now);
        }
        let group = self.coordinator().group(&c.group_id);
        // A static member that closed has forgotten its member id (the client resets it on leaving),
        // but the coordinator still holds it under its group.instance.id until its session expires.
        let member = group
            .and_then(|g| g.member(&c.generation().member_id))
            .or_else(|| {
                let g = group?;
                let instance = c.config.group_instance_id.as_deref()?;
                let m = g.member(g.static_member_id(instance)?)?;
                (!c.is_running() && m.consumer == c.handle).then_some(m)
            });
        // A classic member of a consumer group (a mixed group): the consumer group holds its
        // assignment and its session.
        let in_consumer_group = self
            .broker()
            .consumer_groups()
            .group(&c.group_id)
            .and_then(|g| g.member(&c.generation().member_id))
            .filter(|_| member.is_none());
        let assigned_by_coordinator = match in_consumer_group {
            Some(m) => m.assigned.iter().cloned().collect(),
            None => member.map(|m| m.assignment.clone()).unwrap_or_default(),
        };
        let session_deadline = match in_consumer_group {
            Some(m) => self.consumer_group_session_deadline(&c.group_id, &m.member_id),
            None => member.and_then(|m| self.session_deadline(&c.group_id, &m.member_id)),
        };
        ConsumerSnapshot {
            handle: c.handle.clone(),
            group: c.group_id.clone(),
            incarnation: c.incarnation,
            topics: c.topics.clone(),
            config: c.config.clone(),
            client_id: c.client_id.clone(),
            static_id: c.config.group_instance_id.clone(),
            member_id: c.generation().member_id.clone(),
            generation: c.generation().generation_id,
            rebalance_protocol: c.protocol,
            state: c.display_state(),
            is_leader: c.is_leader(),
            owned: c.owned().iter().cloned().collect(),
            assigned_by_coordinator,
            last_heartbeat_sent: c.heartbeat.last_sent_at,
            session_deadline,
            last_poll: c.last_poll(now),
            poll_deadline: if c.is_running() {
                c.poll_deadline()
            } else {
                None
            },
            known_partitions: c.known_partitions().clone(),
            next_metadata_refresh: c.metadata.next_refresh.filter(|_| c.is_running()),
            stopped_at: c.stopped_at,
            concurrent_modification_at: c.app.concurrent_modification_at,
            kip848: None,
            stuck_on_record: StuckOnRecord::of(c),
        }
    }
}
