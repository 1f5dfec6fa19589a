//! Timers, as Kafka's `Timer` keys them: every timer an actor asks for has a key, and the World owns
//! the table. Setting a key replaces the timer under it, cancelling removes it, and a timer fires only
//! if it is still the one under its key — so no actor keeps tokens or checks for stale timers.

use super::time::Millis;
use super::vocab::Endpoint;

/// The consumer's timers: one per thread of the client that can wake up on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConsumerTimer {
    /// The application thread comes back to `poll()` (after processing, a stall or a retry backoff).
    AppThread,
    /// The heartbeat thread wakes: a heartbeat is due or the poll timer may have expired.
    HeartbeatThread,
    /// `metadata.max.age.ms` elapsed: the client asks the broker for metadata again.
    MetadataRefresh,
    /// KIP-848: the commit a reconciliation waits for failed with a retriable error; its backoff is
    /// over and the background thread sends it again.
    CommitRetry,
}

/// The classic group coordinator's timers (`GroupMetadataManager`'s timer keys), with what each
/// carries to the moment it fires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CoordinatorTimer {
    /// `group.initial.rebalance.delay.ms`: the first rebalance of an Empty group waits for more members.
    InitialRebalanceDelay {
        group: String,
        delay_ms: Millis,
        remaining_ms: Millis,
    },
    /// The join phase ends at the rebalance timeout even if some members have not rejoined.
    JoinTimeout { group: String },
    /// Members that do not send SyncGroup within the rebalance timeout are removed.
    PendingSyncTimeout { group: String, generation: i32 },
    /// A member's session expires unless it heartbeats (or joins, or syncs) first.
    HeartbeatExpiry { group: String, member_id: String },
}

/// The KIP-848 consumer groups' timers (`GroupMetadataManager`'s `groupSessionTimeoutKey` and
/// `groupRebalanceTimeoutKey`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConsumerGroupTimer {
    /// `group.consumer.session.timeout.ms` after the member's last accepted heartbeat: it is fenced.
    SessionTimeout { group: String, member_id: String },
    /// The member was asked to revoke at `member_epoch`; still at that epoch when this fires, it is
    /// fenced (`max.poll.interval.ms`, sent as the rebalance timeout).
    RebalanceTimeout {
        group: String,
        member_id: String,
        member_epoch: i32,
    },
    /// A classic member of a consumer group told to rejoin (REBALANCE_IN_PROGRESS) that sends no
    /// JoinGroup within its rebalance timeout is fenced (`consumerGroupJoinKey`).
    ClassicJoinTimeout { group: String, member_id: String },
    /// A classic member of a consumer group whose JoinGroup was answered must send SyncGroup within
    /// its rebalance timeout (`consumerGroupSyncKey`).
    ClassicSyncTimeout { group: String, member_id: String },
}

/// The producer's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProducerTimer {
    /// The sender sends what the application produced since the last send (after `linger.ms`).
    Send,
    /// `metadata.max.age.ms` elapsed: the producer asks for the partition counts again.
    MetadataRefresh,
}

/// Any actor's timer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    Consumer(ConsumerTimer),
    Coordinator(CoordinatorTimer),
    ConsumerGroup(ConsumerGroupTimer),
    Producer(ProducerTimer),
    /// A Fetch the broker holds (`DelayedFetch`) answers at `fetch.max.wait.ms` even without data.
    DelayedFetch {
        consumer: Endpoint,
    },
}

/// What names a timer in the World's table: its actor plus this key. The initial rebalance delay and
/// the join timeout share one key, as they share `classicGroupJoinKey` in Kafka.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TimerKey {
    Consumer(ConsumerTimer),
    GroupJoin { group: String },
    GroupSync { group: String },
    MemberSession { group: String, member_id: String },
    ConsumerGroupSession { group: String, member_id: String },
    ConsumerGroupRebalance { group: String, member_id: String },
    ConsumerGroupJoin { group: String, member_id: String },
    ConsumerGroupSync { group: String, member_id: String },
    Producer(ProducerTimer),
    DelayedFetch { consumer: Endpoint },
}

impl Timer {
    pub fn key(&self) -> TimerKey {
        match self {
            Timer::Consumer(timer) => TimerKey::Consumer(*timer),
            Timer::Coordinator(timer) => timer.key(),
            Timer::ConsumerGroup(timer) => timer.key(),
            Timer::Producer(timer) => TimerKey::Producer(*timer),
            Timer::DelayedFetch { consumer } => TimerKey::DelayedFetch {
                consumer: consumer.clone(),
            },
        }
    }
}

impl CoordinatorTimer {
    pub fn key(&self) -> TimerKey {
        match self {
            CoordinatorTimer::InitialRebalanceDelay { group, .. }
            | CoordinatorTimer::JoinTimeout { group } => TimerKey::GroupJoin {
                group: group.clone(),
            },
            CoordinatorTimer::PendingSyncTimeout { group, .. } => TimerKey::GroupSync {
                group: group.clone(),
            },
            CoordinatorTimer::HeartbeatExpiry { group, member_id } => TimerKey::MemberSession {
                group: group.clone(),
                member_id: member_id.clone(),
            },
        }
    }
}

impl ConsumerGroupTimer {
    pub fn key(&self) -> TimerKey {
        match self {
            ConsumerGroupTimer::SessionTimeout { group, member_id } => {
                TimerKey::ConsumerGroupSession {
                    group: group.clone(),
                    member_id: member_id.clone(),
                }
            }
            ConsumerGroupTimer::RebalanceTimeout {
                group, member_id, ..
            } => TimerKey::ConsumerGroupRebalance {
                group: group.clone(),
                member_id: member_id.clone(),
            },
            ConsumerGroupTimer::ClassicJoinTimeout { group, member_id } => {
                TimerKey::ConsumerGroupJoin {
                    group: group.clone(),
                    member_id: member_id.clone(),
                }
            }
            ConsumerGroupTimer::ClassicSyncTimeout { group, member_id } => {
                TimerKey::ConsumerGroupSync {
                    group: group.clone(),
                    member_id: member_id.clone(),
                }
            }
        }
    }
}
