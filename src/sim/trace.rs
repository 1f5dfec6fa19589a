//! What happened, in order. Metrics, the timeline and the protocol log are all read from here.

use super::assign::TopicPartition;
use super::protocol::Message;
use super::time::{format_millis, Millis};
use super::vocab::{
    CallbackKind, ClassicGroupState, ConsumerGroupRemoval, ConsumerGroupState, ConsumerState,
    Endpoint, EpochBumpReason, Handle, MemberAssignmentState, RebalanceReason, RemovalCause,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

/// Records of one partition, offsets `from .. to` (`to` excluded).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessedRange {
    pub partition: TopicPartition,
    pub from: i64,
    pub to: i64,
}

impl ProcessedRange {
    pub fn len(&self) -> i64 {
        self.to - self.from
    }

    pub fn is_empty(&self) -> bool {
        self.to <= self.from
    }
}

impl fmt::Display for ProcessedRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} offsets {}..{}", self.partition, self.from, self.to)
    }
}

/// The three message variants hold their `Message` behind a pointer: a `TraceEntry` is as large as
/// its largest variant, and a whole `Message` (about 200 bytes) made every entry, a processed
/// batch's too, 288 bytes; boxed, the trace of a long run with records took half the memory. The
/// pointer is shared: a message's `MessageSent` and its `MessageDelivered` (or `MessageDropped`)
/// hold one copy between them, not one each. (Serialized the same.)
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TraceEvent {
    MessageSent {
        from: Endpoint,
        to: Endpoint,
        deliver_at: Millis,
        message: Rc<Message>,
    },
    MessageDelivered {
        from: Endpoint,
        to: Endpoint,
        message: Rc<Message>,
    },
    /// The addressee is gone (killed, closed or restarted as a new incarnation).
    MessageDropped {
        from: Endpoint,
        to: Endpoint,
        message: Rc<Message>,
    },
    GroupStateChanged {
        group: String,
        from: ClassicGroupState,
        to: ClassicGroupState,
        generation: i32,
    },
    RebalanceStarted {
        group: String,
        /// The generation being left behind.
        generation: i32,
        reason: RebalanceReason,
    },
    /// The join phase completed: `generation` is the new one (also when the group became Empty).
    JoinPhaseCompleted {
        group: String,
        generation: i32,
        protocol: Option<String>,
        leader: Option<String>,
        members: Vec<String>,
    },
    /// CompletingRebalance → Stable: every member can now fetch its assignment.
    RebalanceCompleted {
        group: String,
        generation: i32,
        started_at: Millis,
        duration_ms: Millis,
    },
    MemberAdded {
        group: String,
        member_id: String,
        consumer: String,
    },
    MemberRemoved {
        group: String,
        member_id: String,
        consumer: String,
        cause: RemovalCause,
    },
    /// A static member came back within its session while the group was Stable: it takes over the
    /// old member's assignment at the same generation, and nobody else notices (KIP-345).
    StaticMemberResumed {
        group: String,
        group_instance_id: String,
        consumer: String,
        generation: i32,
    },
    /// The leader ran its assignor.
    AssignmentComputed {
        group: String,
        consumer: String,
        generation: i32,
        assignor: String,
        assignment: BTreeMap<String, Vec<TopicPartition>>,
    },
    /// A `ConsumerRebalanceListener` callback, with the generation and member id that
    /// `consumer.groupMetadata()` reports during it: those of the consumer's last completed join, even
    /// when the callback is `onPartitionsLost` after its membership was reset.
    Callback {
        consumer: String,
        group: String,
        kind: CallbackKind,
        partitions: Vec<TopicPartition>,
        generation: i32,
        member_id: String,
    },
    /// What the consumer consumes changed (after a callback, a close or a crash).
    OwnershipChanged {
        consumer: String,
        group: String,
        owned: Vec<TopicPartition>,
    },
    ConsumerStateChanged {
        consumer: String,
        state: ConsumerState,
    },
    ConsumerStarted {
        consumer: String,
        group: String,
        topics: Vec<String>,
        incarnation: u32,
        client_id: String,
        group_instance_id: Option<String>,
    },
    PollTimeoutExpired {
        consumer: String,
        last_poll: Millis,
    },
    StallStarted {
        consumer: String,
        until: Millis,
    },
    CommitFailed {
        consumer: String,
        error: String,
    },
    /// A second application thread called `poll()` while the consumer's own thread was inside
    /// `in_call`: `acquire()` threw `ConcurrentModificationException` in the second thread.
    ConcurrentModification {
        consumer: String,
        in_call: String,
    },
    /// The application finished processing the records one `poll()` returned (scenarios with
    /// producers). `generation` is the one of the assignment they were read under. The consumer and
    /// the group are named by shared handles (compared, printed and serialized as their text): a
    /// long run with records makes millions of these entries, and each would otherwise allocate
    /// both names again.
    RecordsProcessed {
        consumer: Handle,
        group: Handle,
        generation: i32,
        /// Exactly as long as it is: a records run keeps hundreds of thousands of these, and a
        /// vector's spare capacity (room for four ranges after the first push) was most of each.
        ranges: Box<[ProcessedRange]>,
    },
    /// The producer's application sent a poison pill (no key, a value some deserializers reject) to
    /// a partition.
    PoisonPillSent {
        producer: String,
        partition: TopicPartition,
    },
    /// `poll()` threw `RecordDeserializationException` for the record at `offset` (recorded the first
    /// time; every later `poll()` throws the same until the application seeks past it).
    RecordDeserializationFailed {
        consumer: String,
        group: String,
        partition: TopicPartition,
        offset: i64,
        /// The exception's message and its cause, as Kafka words them.
        message: String,
        cause: String,
    },
    /// The application called `seek(partition, offset + 1)`: the record at `offset` is skipped, never
    /// processed.
    SeekedPastRecord {
        consumer: String,
        group: String,
        partition: TopicPartition,
        offset: i64,
    },
    TopicCreated {
        topic: String,
        partitions: i32,
    },
    PartitionsAdded {
        topic: String,
        from: i32,
        to: i32,
    },
    TopicDeleted {
        topic: String,
    },
    ConfigChanged {
        consumer: String,
        name: String,
        value: String,
    },
    /// KIP-848: a consumer group's state changed (Empty, Assigning, Reconciling, Stable).
    ConsumerGroupStateChanged {
        group: String,
        from: ConsumerGroupState,
        to: ConsumerGroupState,
        epoch: i32,
    },
    /// KIP-848: the coordinator bumped a consumer group's epoch.
    GroupEpochBumped {
        group: String,
        epoch: i32,
        reason: EpochBumpReason,
    },
    /// KIP-848: the coordinator computed a new target assignment (by consumer handle).
    TargetAssignmentComputed {
        group: String,
        epoch: i32,
        assignor: String,
        assignment: BTreeMap<String, Vec<TopicPartition>>,
    },
    /// KIP-848: the coordinator moved a member towards its target (`CurrentAssignmentBuilder`).
    MemberReconciled {
        group: String,
        consumer: String,
        member_id: String,
        member_epoch: i32,
        state: MemberAssignmentState,
        assigned: Vec<TopicPartition>,
        pending_revocation: Vec<TopicPartition>,
    },
    /// KIP-848: a member joined a consumer group.
    ConsumerGroupMemberJoined {
        group: String,
        member_id: String,
        consumer: String,
    },
    /// KIP-848: a member left a consumer group or was fenced.
    ConsumerGroupMemberRemoved {
        group: String,
        member_id: String,
        consumer: String,
        cause: ConsumerGroupRemoval,
    },
    /// KIP-848: a static member sent epoch -2; it keeps its assignment until its session expires.
    StaticMemberLeftTemporarily {
        group: String,
        member_id: String,
        consumer: String,
    },
    /// KIP-848: a static member's new process took over the old one's member (at epoch -2, or
    /// whatever its epoch if the old one used the classic protocol: a static rolling upgrade).
    StaticMemberReplaced {
        group: String,
        old_member_id: String,
        member_id: String,
        consumer: String,
    },
    /// A mixed group: a `group.protocol=classic` member joined a consumer group through JoinGroup
    /// (`classicGroupJoinToConsumerGroup`).
    ClassicMemberJoinedConsumerGroup {
        group: String,
        member_id: String,
        consumer: String,
    },
    /// The online upgrade or downgrade (`convertToConsumerGroup`, `convertToClassicGroup`): the
    /// group changed type, its members kept (the upgrade) or were asked to rejoin (the downgrade).
    GroupConverted {
        group: String,
        /// `consumer` (the upgrade) or `classic` (the downgrade).
        to: String,
        /// The classic generation the consumer group's epoch starts from, or the consumer group's
        /// epoch the classic generation starts from.
        epoch: i32,
        /// The consumer whose join (upgrade) or departure (downgrade) triggered it.
        consumer: String,
        /// Every member after the conversion: its consumer and its `group.protocol`.
        members: Vec<(String, String)>,
        /// Set for a downgrade by a classic static member replacing the last consumer-protocol
        /// member (`consumer` is then the joining one); absent otherwise.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        static_replacement: Option<StaticReplacement>,
    },
}

/// A downgrade by static member replacement: whether the joining member kept the replaced
/// member's subscription (the classic group stays Stable) or not (it rebalances at once).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaticReplacement {
    SameSubscription,
    OtherSubscription,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceEntry {
    pub at: Millis,
    pub event: TraceEvent,
}

/// The start of the message `acquire()` throws in `ClassicKafkaConsumer` and `AsyncKafkaConsumer`
/// (the thread names and ids follow).
pub const CONCURRENT_ACCESS: &str = "KafkaConsumer is not safe for multi-threaded access.";

fn list(partitions: &[TopicPartition]) -> String {
    let items: Vec<String> = partitions.iter().map(|tp| tp.to_string()).collect();
    format!("[{}]", items.join(", "))
}

impl TraceEvent {
    /// The consumer, when this is a static member coming back within its session and taking its
    /// old partitions without a rebalance: `StaticMemberResumed` (classic, KIP-345) or
    /// `StaticMemberReplaced` (KIP-848, and a consumer-protocol member replacing a classic one).
    pub fn static_member_returned(&self) -> Option<&str> {
        match self {
            TraceEvent::StaticMemberResumed { consumer, .. }
            | TraceEvent::StaticMemberReplaced { consumer, .. } => Some(consumer),
            _ => None,
        }
    }

    /// The group, when this is one of the turns the page's quiet callout looks for: a rebalance
    /// starting, or a classic static member resuming its place without one (KIP-345).
    pub fn group_turn(&self) -> Option<&str> {
        match self {
            TraceEvent::RebalanceStarted { group, .. }
            | TraceEvent::StaticMemberResumed { group, .. } => Some(group),
            _ => None,
        }
    }

    /// Routine messages (see [`Message::is_routine`]), which `lab run --hide-routine` leaves out.
    pub fn is_routine(&self) -> bool {
        match self {
            TraceEvent::MessageSent { message, .. }
            | TraceEvent::MessageDelivered { message, .. }
            | TraceEvent::MessageDropped { message, .. } => message.is_routine(),
            _ => false,
        }
    }
}

impl fmt::Display for TraceEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TraceEvent::MessageSent {
                from,
                to,
                deliver_at,
                message,
            } => write!(f, "{from} -> {to}  {message}  (arrives {})", format_millis(*deliver_at)),
            TraceEvent::MessageDelivered { from, to, message } => {
                write!(f, "{to} <- {from}  {message}")
            }
            TraceEvent::MessageDropped { from, to, message } => {
                write!(f, "{to} is gone: dropped {} from {from}", message.api())
            }
            TraceEvent::GroupStateChanged {
                group,
                from,
                to,
                generation,
            } => write!(f, "group {group}: {from} -> {to} (generation {generation})"),
            TraceEvent::RebalanceStarted {
                group,
                generation,
                reason,
            } => write!(f, "group {group}: rebalance started from generation {generation}: {reason}"),
            TraceEvent::JoinPhaseCompleted {
                group,
                generation,
                protocol,
                leader,
                members,
            } => write!(
                f,
                "group {group}: join phase complete, generation {generation}, protocol {}, leader {}, {} member(s)",
                protocol.as_deref().unwrap_or("none"),
                leader.as_deref().unwrap_or("none"),
                members.len()
            ),
            TraceEvent::RebalanceCompleted {
                group,
                generation,
                duration_ms,
                ..
            } => write!(
                f,
                "group {group}: Stable at generation {generation} (rebalance took {duration_ms} ms)"
            ),
            TraceEvent::MemberAdded {
                group,
                member_id,
                consumer,
            } => write!(f, "group {group}: added member {member_id} ({consumer})"),
            TraceEvent::StaticMemberResumed {
                group,
                group_instance_id,
                consumer,
                generation,
            } => write!(
                f,
                "group {group}: static member {group_instance_id} ({consumer}) is back within its session: generation {generation} kept, its assignment returned, no rebalance"
            ),
            TraceEvent::MemberRemoved {
                group,
                member_id,
                consumer,
                cause,
            } => write!(f, "group {group}: removed member {member_id} ({consumer}): {cause:?}"),
            TraceEvent::AssignmentComputed {
                consumer,
                generation,
                assignor,
                assignment,
                ..
            } => {
                let parts: Vec<String> = assignment
                    .iter()
                    .map(|(m, p)| format!("{m}={}", list(p)))
                    .collect();
                write!(
                    f,
                    "{consumer} (leader) ran {assignor} for generation {generation}: {}",
                    parts.join(" ")
                )
            }
            TraceEvent::Callback {
                consumer,
                kind,
                partitions,
                generation,
                member_id,
                ..
            } => write!(
                f,
                "{consumer} {kind}({}) generation {generation}{}",
                list(partitions),
                if member_id.is_empty() {
                    String::new()
                } else {
                    format!(", member {member_id}")
                }
            ),
            TraceEvent::OwnershipChanged {
                consumer, owned, ..
            } => write!(f, "{consumer} now owns {}", list(owned)),
            TraceEvent::ConsumerStateChanged { consumer, state } => {
                write!(f, "{consumer} is {state}")
            }
            TraceEvent::ConsumerStarted {
                consumer,
                group,
                incarnation,
                topics: _,
                client_id,
                group_instance_id,
            } => write!(
                f,
                "{consumer} started (incarnation {incarnation}, client.id {client_id}{}) in group {group}",
                group_instance_id
                    .as_ref()
                    .map(|i| format!(", group.instance.id {i}"))
                    .unwrap_or_default()
            ),
            TraceEvent::PollTimeoutExpired {
                consumer,
                last_poll,
            } => write!(
                f,
                "{consumer}: max.poll.interval.ms expired (last poll at {})",
                format_millis(*last_poll)
            ),
            TraceEvent::StallStarted { consumer, until } => write!(
                f,
                "{consumer}: application stalls until {}",
                format_millis(*until)
            ),
            TraceEvent::CommitFailed { consumer, error } => {
                write!(f, "{consumer}: offset commit failed: {error}")
            }
            TraceEvent::ConcurrentModification { consumer, in_call } => write!(
                f,
                "{consumer}: a second thread's poll() threw ConcurrentModificationException: {CONCURRENT_ACCESS} \
                 currentThread(name: …, id: …) otherThread(id: …). {consumer}'s own thread, inside {in_call}, goes on"
            ),
            TraceEvent::RecordsProcessed {
                consumer, ranges, ..
            } => {
                let r: Vec<String> = ranges.iter().map(|r| r.to_string()).collect();
                write!(f, "{consumer}: processed {}", r.join(", "))
            }
            TraceEvent::PoisonPillSent {
                producer,
                partition,
            } => write!(f, "{producer}: sent a poison pill to {partition}"),
            TraceEvent::RecordDeserializationFailed {
                consumer,
                message,
                cause,
                ..
            } => write!(f, "{consumer}: poll() threw {message} (caused by {cause})"),
            TraceEvent::SeekedPastRecord {
                consumer,
                partition,
                offset,
                ..
            } => write!(
                f,
                "{consumer}: seek({partition}, {}) skips the record at offset {offset}",
                offset + 1
            ),
            TraceEvent::TopicCreated { topic, partitions } => {
                write!(f, "topic {topic} created with {partitions} partition(s)")
            }
            TraceEvent::PartitionsAdded { topic, from, to } => {
                write!(f, "topic {topic}: partitions {from} -> {to}")
            }
            TraceEvent::TopicDeleted { topic } => write!(f, "topic {topic} deleted"),
            TraceEvent::ConfigChanged {
                consumer,
                name,
                value,
            } => write!(f, "{consumer}: {name} = {value}"),
            TraceEvent::GroupEpochBumped {
                group,
                epoch,
                reason,
            } => write!(f, "group {group}: group epoch {epoch}: {reason}"),
            TraceEvent::ConsumerGroupStateChanged {
                group,
                from,
                to,
                epoch,
            } => write!(f, "group {group}: {from} -> {to} (group epoch {epoch})"),
            TraceEvent::TargetAssignmentComputed {
                group,
                epoch,
                assignor,
                assignment,
            } => {
                let parts: Vec<String> = assignment
                    .iter()
                    .map(|(c, a)| format!("{c}={}", list(a)))
                    .collect();
                write!(
                    f,
                    "group {group}: target assignment epoch {epoch} by {assignor}: {}",
                    parts.join(" ")
                )
            }
            TraceEvent::MemberReconciled {
                group,
                consumer,
                member_epoch,
                state,
                assigned,
                pending_revocation,
                ..
            } => {
                write!(
                    f,
                    "group {group}: {consumer} at epoch {member_epoch} {state} assigned={}",
                    list(assigned)
                )?;
                if !pending_revocation.is_empty() {
                    write!(f, " to revoke={}", list(pending_revocation))?;
                }
                Ok(())
            }
            TraceEvent::ConsumerGroupMemberJoined {
                group, consumer, ..
            } => write!(f, "group {group}: {consumer} joined"),
            TraceEvent::ClassicMemberJoinedConsumerGroup {
                group, consumer, ..
            } => write!(
                f,
                "group {group}: {consumer} joined with the classic protocol; the consumer group answers its JoinGroup, SyncGroup and Heartbeat"
            ),
            TraceEvent::GroupConverted {
                group,
                to,
                epoch,
                consumer,
                members,
                static_replacement,
            } => {
                let members: Vec<String> = members
                    .iter()
                    .map(|(c, protocol)| format!("{c} ({protocol})"))
                    .collect();
                if to == "consumer" {
                    write!(
                        f,
                        "group {group} converted from classic to consumer group at epoch {epoch} (the classic generation): {consumer} joined with group.protocol=consumer; members {}",
                        members.join(", ")
                    )
                } else {
                    let members = members.join(", ");
                    let took = "took the group.instance.id of the last group.protocol=consumer member";
                    match static_replacement {
                        None => write!(
                            f,
                            "group {group} converted from consumer back to classic group at generation {epoch}: {consumer}, the last group.protocol=consumer member, left; members {members} rejoin"
                        ),
                        Some(StaticReplacement::SameSubscription) => write!(
                            f,
                            "group {group} converted from consumer back to classic group at generation {epoch}: {consumer} (group.protocol=classic) {took}; members {members} keep their assignments, no rebalance"
                        ),
                        Some(StaticReplacement::OtherSubscription) => write!(
                            f,
                            "group {group} converted from consumer back to classic group at generation {epoch}: {consumer} (group.protocol=classic) {took} with another subscription; members {members} rejoin"
                        ),
                    }
                }
            }
            TraceEvent::ConsumerGroupMemberRemoved {
                group,
                consumer,
                cause,
                ..
            } => write!(f, "group {group}: {consumer} {cause}"),
            TraceEvent::StaticMemberLeftTemporarily {
                group, consumer, ..
            } => write!(
                f,
                "group {group}: static member {consumer} left for now (epoch -2) and keeps its partitions"
            ),
            TraceEvent::StaticMemberReplaced {
                group, consumer, ..
            } => write!(
                f,
                "group {group}: {consumer} took over its static member's partitions"
            ),
        }
    }
}

impl fmt::Display for TraceEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}  {}", format_millis(self.at), self.event)
    }
}
