//! The words of a KIP-848 consumer group: its state, each member's reconciliation state, why the
//! group epoch rose and why a member was removed. The coordinator decides them, the trace records
//! them, the views draw them.

use serde::{Deserialize, Serialize};
use std::fmt;

/// `ConsumerGroup.ConsumerGroupState`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsumerGroupState {
    /// No members.
    Empty,
    /// The group epoch is ahead of the target assignment's: the next heartbeat computes a new target.
    Assigning,
    /// Some member has not reached the target assignment yet.
    Reconciling,
    /// Every member is at the target epoch with its target assignment.
    Stable,
}

impl fmt::Display for ConsumerGroupState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConsumerGroupState::Empty => "Empty",
            ConsumerGroupState::Assigning => "Assigning",
            ConsumerGroupState::Reconciling => "Reconciling",
            ConsumerGroupState::Stable => "Stable",
        })
    }
}

/// A member's reconciliation state on the coordinator (`modern.MemberState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberAssignmentState {
    /// At its epoch with everything it is owed.
    Stable,
    /// Asked to revoke partitions; stays at its epoch until it no longer reports them as owned.
    UnrevokedPartitions,
    /// At the target epoch, waiting for partitions another member still holds.
    UnreleasedPartitions,
}

impl fmt::Display for MemberAssignmentState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MemberAssignmentState::Stable => "STABLE",
            MemberAssignmentState::UnrevokedPartitions => "UNREVOKED_PARTITIONS",
            MemberAssignmentState::UnreleasedPartitions => "UNRELEASED_PARTITIONS",
        })
    }
}

/// Why the coordinator bumped a consumer group's epoch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EpochBumpReason {
    /// A member joined, or changed the topics it subscribes to (also the group's creation).
    SubscriptionChanged { consumer: String },
    /// A subscribed topic was created, deleted or grew (noticed at the group's next heartbeat).
    MetadataChanged,
    /// A member left (-1) or was fenced.
    MemberRemoved {
        consumer: String,
        cause: ConsumerGroupRemoval,
    },
}

impl EpochBumpReason {
    /// A few words, for timelines and tables.
    pub fn label(&self) -> &'static str {
        match self {
            EpochBumpReason::SubscriptionChanged { .. } => "member joined",
            EpochBumpReason::MetadataChanged => "topic metadata changed",
            EpochBumpReason::MemberRemoved {
                cause: ConsumerGroupRemoval::Left,
                ..
            } => "member left",
            EpochBumpReason::MemberRemoved {
                cause: ConsumerGroupRemoval::SessionExpired,
                ..
            } => "session expired",
            EpochBumpReason::MemberRemoved {
                cause: ConsumerGroupRemoval::RebalanceTimeoutExpired,
                ..
            } => "rebalance timeout",
            EpochBumpReason::MemberRemoved {
                cause: ConsumerGroupRemoval::ClassicLeft,
                ..
            } => "classic member left",
            EpochBumpReason::MemberRemoved {
                cause:
                    ConsumerGroupRemoval::ClassicJoinTimeoutExpired
                    | ConsumerGroupRemoval::ClassicSyncTimeoutExpired,
                ..
            } => "classic member timed out",
        }
    }
}

impl fmt::Display for EpochBumpReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EpochBumpReason::SubscriptionChanged { consumer } => {
                write!(f, "{consumer} joined or changed its subscription")
            }
            EpochBumpReason::MetadataChanged => {
                f.write_str("the subscribed topics' metadata changed")
            }
            EpochBumpReason::MemberRemoved { consumer, cause } => write!(f, "{consumer} {cause}"),
        }
    }
}

/// Why a member left a consumer group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsumerGroupRemoval {
    /// A heartbeat with epoch -1 (or a static member's leave with -1).
    Left,
    /// No heartbeat for `group.consumer.session.timeout.ms`.
    SessionExpired,
    /// Did not revoke within its rebalance timeout.
    RebalanceTimeoutExpired,
    /// A classic member told to rejoin did not send JoinGroup within its rebalance timeout.
    ClassicJoinTimeoutExpired,
    /// A classic member did not send SyncGroup within its rebalance timeout after its JoinGroup.
    ClassicSyncTimeoutExpired,
    /// A classic member sent LeaveGroup.
    ClassicLeft,
}

impl fmt::Display for ConsumerGroupRemoval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConsumerGroupRemoval::Left => "left the group (epoch -1)",
            ConsumerGroupRemoval::SessionExpired => "was fenced: its session expired",
            ConsumerGroupRemoval::RebalanceTimeoutExpired => {
                "was fenced: it did not revoke within its rebalance timeout"
            }
            ConsumerGroupRemoval::ClassicJoinTimeoutExpired => {
                "was fenced: the classic member failed to join within the rebalance timeout"
            }
            ConsumerGroupRemoval::ClassicSyncTimeoutExpired => {
                "was fenced: the classic member failed to sync within the rebalance timeout"
            }
            ConsumerGroupRemoval::ClassicLeft => "left the group (LeaveGroup)",
        })
    }
}
