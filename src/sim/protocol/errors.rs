//! Kafka's error codes that the group APIs return, with the names the Java client gives them.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Kafka's error codes (`org.apache.kafka.common.protocol.Errors`) that the group APIs return.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Errors {
    None,
    CoordinatorNotAvailable,
    IllegalGeneration,
    InconsistentGroupProtocol,
    UnknownMemberId,
    InvalidSessionTimeout,
    RebalanceInProgress,
    MemberIdRequired,
    FencedInstanceId,
    GroupMaxSizeReached,
    GroupIdNotFound,
    FencedMemberEpoch,
    UnreleasedInstanceId,
    UnsupportedAssignor,
    StaleMemberEpoch,
    InvalidRequest,
}

impl Errors {
    pub fn code(self) -> i16 {
        match self {
            Errors::None => 0,
            Errors::CoordinatorNotAvailable => 15,
            Errors::IllegalGeneration => 22,
            Errors::InconsistentGroupProtocol => 23,
            Errors::UnknownMemberId => 25,
            Errors::InvalidSessionTimeout => 26,
            Errors::RebalanceInProgress => 27,
            Errors::MemberIdRequired => 79,
            Errors::FencedInstanceId => 82,
            Errors::GroupMaxSizeReached => 81,
            Errors::GroupIdNotFound => 69,
            Errors::FencedMemberEpoch => 110,
            Errors::UnreleasedInstanceId => 111,
            Errors::UnsupportedAssignor => 112,
            Errors::StaleMemberEpoch => 113,
            Errors::InvalidRequest => 42,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Errors::None => "NONE",
            Errors::CoordinatorNotAvailable => "COORDINATOR_NOT_AVAILABLE",
            Errors::IllegalGeneration => "ILLEGAL_GENERATION",
            Errors::InconsistentGroupProtocol => "INCONSISTENT_GROUP_PROTOCOL",
            Errors::UnknownMemberId => "UNKNOWN_MEMBER_ID",
            Errors::InvalidSessionTimeout => "INVALID_SESSION_TIMEOUT",
            Errors::RebalanceInProgress => "REBALANCE_IN_PROGRESS",
            Errors::MemberIdRequired => "MEMBER_ID_REQUIRED",
            Errors::FencedInstanceId => "FENCED_INSTANCE_ID",
            Errors::GroupMaxSizeReached => "GROUP_MAX_SIZE_REACHED",
            Errors::GroupIdNotFound => "GROUP_ID_NOT_FOUND",
            Errors::FencedMemberEpoch => "FENCED_MEMBER_EPOCH",
            Errors::UnreleasedInstanceId => "UNRELEASED_INSTANCE_ID",
            Errors::UnsupportedAssignor => "UNSUPPORTED_ASSIGNOR",
            Errors::StaleMemberEpoch => "STALE_MEMBER_EPOCH",
            Errors::InvalidRequest => "INVALID_REQUEST",
        }
    }

    /// What the Java client says when it throws this error at the application.
    pub fn message(self) -> &'static str {
        match self {
            Errors::None => "no error",
            Errors::CoordinatorNotAvailable => "The coordinator is not available.",
            Errors::IllegalGeneration => "Specified group generation id is not valid.",
            Errors::InconsistentGroupProtocol => "The group member's supported protocols are incompatible with those of existing members or first group member tried to join with empty protocol type or empty protocol list.",
            Errors::UnknownMemberId => "The coordinator is not aware of this member.",
            Errors::InvalidSessionTimeout => "The session timeout is not within the range allowed by the broker (as configured by group.min.session.timeout.ms and group.max.session.timeout.ms).",
            Errors::RebalanceInProgress => "The group is rebalancing, so a rejoin is needed.",
            Errors::MemberIdRequired => "The group member needs to have a valid member id before actually entering a consumer group.",
            Errors::FencedInstanceId => "The broker rejected this static consumer since another consumer with the same group.instance.id has registered with a different member.id.",
            Errors::GroupMaxSizeReached => "The consumer group has reached its max size.",
            Errors::GroupIdNotFound => "The group id does not exist.",
            Errors::FencedMemberEpoch => "The member epoch is fenced by the group coordinator. The member must abandon all its partitions and rejoin.",
            Errors::UnreleasedInstanceId => "The instance ID is still used by another member in the consumer group. That member must leave first.",
            Errors::UnsupportedAssignor => "The assignor or its version range is not supported by the consumer group.",
            Errors::StaleMemberEpoch => "The member epoch is stale. The member must retry after receiving its updated member epoch via the ConsumerGroupHeartbeat API.",
            Errors::InvalidRequest => "This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker. See the broker logs for more details.",
        }
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Errors {
    /// The simple name of the exception the Java client raises for this error (`Errors.exception()`).
    pub fn exception_name(self) -> &'static str {
        match self {
            Errors::None => "ApiException",
            Errors::CoordinatorNotAvailable => "CoordinatorNotAvailableException",
            Errors::IllegalGeneration => "IllegalGenerationException",
            Errors::InconsistentGroupProtocol => "InconsistentGroupProtocolException",
            Errors::UnknownMemberId => "UnknownMemberIdException",
            Errors::InvalidSessionTimeout => "InvalidSessionTimeoutException",
            Errors::RebalanceInProgress => "RebalanceInProgressException",
            Errors::MemberIdRequired => "MemberIdRequiredException",
            Errors::FencedInstanceId => "FencedInstanceIdException",
            Errors::GroupMaxSizeReached => "GroupMaxSizeReachedException",
            Errors::GroupIdNotFound => "GroupIdNotFoundException",
            Errors::FencedMemberEpoch => "FencedMemberEpochException",
            Errors::UnreleasedInstanceId => "UnreleasedInstanceIdException",
            Errors::UnsupportedAssignor => "UnsupportedAssignorException",
            Errors::StaleMemberEpoch => "StaleMemberEpochException",
            Errors::InvalidRequest => "InvalidRequestException",
        }
    }
}
