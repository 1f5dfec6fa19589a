//! Why a group rebalances, and why a member leaves the coordinator's member map.

use crate::sim::protocol::JoinReason;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why the coordinator moved a group to PreparingRebalance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RebalanceReason {
    /// A new member joined (also the first member of an Empty group).
    MemberJoined { member_id: String },
    /// A member sent LeaveGroup from `close()`.
    MemberLeft { member_id: String },
    /// A member's poll timer expired (max.poll.interval.ms) and it sent LeaveGroup.
    PollTimeout { member_id: String },
    /// No heartbeat for session.timeout.ms.
    SessionExpired { member_id: String },
    /// The leader rejoined; `client_reason` tells why (e.g. its metadata snapshot changed).
    LeaderRejoined {
        member_id: String,
        client_reason: JoinReason,
    },
    /// A member rejoined with different metadata (subscription, owned partitions, generation).
    MemberMetadataChanged {
        member_id: String,
        client_reason: JoinReason,
    },
    /// Members did not send SyncGroup within the rebalance timeout.
    PendingSyncExpired { member_ids: Vec<String> },
    /// A static member rejoined under a new member id while the group was CompletingRebalance.
    StaticMemberReplaced { member_id: String },
    /// A static member rejoined with a protocol list that changes the group's selected protocol.
    ProtocolChanged { member_id: String },
    /// The consumer group converted back to a classic group because its last consumer-protocol
    /// member left (`convertToClassicGroup`).
    DowngradedForMemberLeaving { group: String },
    /// The consumer group converted back to a classic group because a classic static member took
    /// the place of its last consumer-protocol member with another subscription.
    DowngradedForStaticMemberReplacement { group: String },
}

impl RebalanceReason {
    /// A short label for tables: "member joined", "session expired", "metadata changed", ...
    pub fn label(&self) -> &'static str {
        match self {
            RebalanceReason::MemberJoined { .. } => "member joined",
            RebalanceReason::MemberLeft { .. } => "member left",
            RebalanceReason::PollTimeout { .. } => "max.poll.interval.ms exceeded",
            RebalanceReason::SessionExpired { .. } => "session expired",
            RebalanceReason::LeaderRejoined {
                client_reason: JoinReason::MetadataChanged,
                ..
            } => "metadata changed",
            RebalanceReason::LeaderRejoined {
                client_reason: JoinReason::RevokedPartitions,
                ..
            } => "member revoked partitions",
            RebalanceReason::LeaderRejoined { .. } => "leader rejoined",
            RebalanceReason::MemberMetadataChanged {
                client_reason: JoinReason::RevokedPartitions,
                ..
            } => "member revoked partitions",
            RebalanceReason::MemberMetadataChanged { .. } => "member metadata changed",
            RebalanceReason::PendingSyncExpired { .. } => "sync timeout",
            RebalanceReason::StaticMemberReplaced { .. } => "static member rejoined during sync",
            RebalanceReason::ProtocolChanged { .. } => "protocol changed",
            RebalanceReason::DowngradedForMemberLeaving { .. }
            | RebalanceReason::DowngradedForStaticMemberReplacement { .. } => {
                "downgraded to classic"
            }
        }
    }
}

impl fmt::Display for RebalanceReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RebalanceReason::MemberJoined { member_id } => write!(f, "adding new member {member_id}"),
            RebalanceReason::MemberLeft { member_id } => {
                write!(f, "member {member_id} left (LeaveGroup: the consumer is being closed)")
            }
            RebalanceReason::PollTimeout { member_id } => write!(
                f,
                "member {member_id} left (LeaveGroup: consumer poll timeout has expired)"
            ),
            RebalanceReason::SessionExpired { member_id } => {
                write!(f, "removing member {member_id} on heartbeat expiration")
            }
            RebalanceReason::LeaderRejoined {
                member_id,
                client_reason,
            } => write!(
                f,
                "leader {member_id} re-joining group; client reason: {}",
                client_reason_text(client_reason)
            ),
            RebalanceReason::MemberMetadataChanged {
                member_id,
                client_reason,
            } => write!(
                f,
                "updating metadata for member {member_id}; client reason: {}",
                client_reason_text(client_reason)
            ),
            RebalanceReason::PendingSyncExpired { member_ids } => write!(
                f,
                "removing [{}] on pending sync request expiration",
                member_ids.join(", ")
            ),
            RebalanceReason::StaticMemberReplaced { member_id } => {
                write!(f, "updating metadata for static member {member_id} during CompletingRebalance")
            }
            RebalanceReason::ProtocolChanged { member_id } => write!(
                f,
                "group's selected protocol will change because static member {member_id} joined with change of protocol"
            ),
            RebalanceReason::DowngradedForMemberLeaving { group } => write!(
                f,
                "Downgrade group {group} from consumer to classic for member leaving."
            ),
            RebalanceReason::DowngradedForStaticMemberReplacement { group } => write!(
                f,
                "Downgrade group {group} from consumer to classic for static member replacement with different subscription."
            ),
        }
    }
}

/// `JoinGroupRequest.joinReason`: an empty reason is logged as "not provided".
fn client_reason_text(reason: &JoinReason) -> String {
    match reason.to_string() {
        text if text.is_empty() => "not provided".to_string(),
        text => text,
    }
}

/// Why a member left the coordinator's member map.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovalCause {
    LeaveGroup,
    SessionExpired,
    /// A dynamic member that did not rejoin before the join phase completed.
    NotRejoined,
    /// Did not send SyncGroup before the rebalance timeout.
    PendingSyncExpired,
    /// A static member replaced by a new member id with the same `group.instance.id`.
    ReplacedByStaticMember,
}
