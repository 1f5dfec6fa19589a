//! The classic group protocol's messages, as data. Every request a consumer sends and every response the
//! coordinator returns is one of these values, with a send and a delivery time in the trace.
//! Field names follow Kafka's request/response schemas (`JoinGroupRequest.json`, ...).

use super::assign::TopicPartition;
pub use super::data_protocol::*;
use super::time::Millis;
pub use consumer_group_heartbeat::{ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse};
use serde::{Deserialize, Serialize};
use std::fmt;

pub mod consumer_group_heartbeat;
mod errors;

pub use errors::Errors;

/// The `ConsumerProtocolSubscription` a member embeds in each protocol of its JoinGroup request.
/// Kafka compares these bytes to decide whether a rejoining member "changed its metadata".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumerProtocolSubscription {
    pub topics: Vec<String>,
    /// `ownedPartitions`: what the member still owns (always empty under EAGER, which revokes first).
    pub owned_partitions: Vec<TopicPartition>,
    /// `generationId` of the member when it joined; -1 without one.
    pub generation_id: i32,
    pub rack_id: Option<String>,
    /// The eager `StickyAssignor`'s user data: the member's previous assignment and its generation.
    pub sticky_user_data: Option<(Vec<TopicPartition>, i32)>,
}

/// One entry of `protocols` in a JoinGroup request: an assignor name and its metadata.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinGroupRequestProtocol {
    pub name: String,
    pub metadata: ConsumerProtocolSubscription,
}

/// The request types whose response errors make the client reset its state (`ApiKeys` names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ApiKey {
    JoinGroup,
    SyncGroup,
    Heartbeat,
    OffsetCommit,
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ApiKey::JoinGroup => "JOIN_GROUP",
            ApiKey::SyncGroup => "SYNC_GROUP",
            ApiKey::Heartbeat => "HEARTBEAT",
            ApiKey::OffsetCommit => "OFFSET_COMMIT",
        })
    }
}

/// Why the client is (re)joining: the `reason` field of JoinGroup (KIP-800), in the Java client's words
/// (the short reason `AbstractCoordinator.requestRejoin` stores in `rejoinReason`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JoinReason {
    /// `""`: no reason. `rejoinReason` starts empty (a new consumer's first join) and is emptied again
    /// when a SyncGroup succeeds.
    None,
    /// `MEMBER_ID_REQUIRED`: rejoin with the id the coordinator gave.
    MemberIdRequired(String),
    /// A heartbeat answered `REBALANCE_IN_PROGRESS` while Stable.
    GroupIsRebalancing,
    /// The leader's metadata snapshot no longer matches the cluster (partitions added, topic created or deleted).
    MetadataChanged,
    /// Cooperative: the member revoked partitions the assignment took away and rejoins at once.
    RevokedPartitions,
    /// The subscription changed since the last join.
    SubscriptionChanged,
    /// The SyncGroup assignment names topics the member is not subscribed to.
    AssignmentMismatch,
    /// The previous join or sync failed with this error (`joinGroupIfNeeded`); the client retries.
    RebalanceFailed(Errors),
    /// A JoinGroup answered after the member was reset (`UnjoinedGroupException`); retried after a backoff.
    UnjoinedGroup,
    /// `resetStateOnResponseError`: this response error reset the member's state.
    ResponseError { error: Errors, api: ApiKey },
    /// An OffsetCommit answered `REBALANCE_IN_PROGRESS`.
    CommitRebalanceInProgress,
    /// `resetGenerationOnLeaveGroup` (poll timeout, close): the member starts over.
    GenerationReset,
    /// The SyncGroup succeeded but the heartbeat thread reset the generation/state before `poll()` could
    /// apply it; holds them as Java prints them: `Generation{generationId=-1, memberId='', protocol='null'}/UNJOINED`.
    StateModifiedByHeartbeatThread(String),
}

impl fmt::Display for JoinReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JoinReason::None => Ok(()),
            JoinReason::MemberIdRequired(member_id) => {
                write!(f, "need to re-join with the given member-id: {member_id}")
            }
            JoinReason::GroupIsRebalancing => f.write_str("group is already rebalancing"),
            JoinReason::MetadataChanged => f.write_str("cached metadata has changed"),
            JoinReason::RevokedPartitions => f.write_str("need to revoke partitions and re-join"),
            JoinReason::SubscriptionChanged => f.write_str("subscription has changed"),
            JoinReason::AssignmentMismatch => {
                f.write_str("received assignment does not match the current subscription")
            }
            JoinReason::RebalanceFailed(e) => {
                write!(f, "rebalance failed due to {}", e.exception_name())
            }
            JoinReason::UnjoinedGroup => {
                f.write_str("rebalance failed due to UnjoinedGroupException")
            }
            JoinReason::ResponseError { error, api } => {
                write!(f, "encountered {error} from {api} response")
            }
            JoinReason::CommitRebalanceInProgress => {
                f.write_str("offset commit failed since group is already rebalancing")
            }
            JoinReason::GenerationReset => f.write_str("consumer pro-actively leaving the group"),
            JoinReason::StateModifiedByHeartbeatThread(generation_and_state) => write!(
                f,
                "rebalance failed since the generation/state was modified by heartbeat thread to \
                 {generation_and_state} before the rebalance callback triggered"
            ),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinGroupRequest {
    pub group_id: String,
    pub session_timeout_ms: Millis,
    /// `max.poll.interval.ms` of the client.
    pub rebalance_timeout_ms: Millis,
    /// Empty (`""`) when the client has no member id yet.
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub protocol_type: String,
    pub protocols: Vec<JoinGroupRequestProtocol>,
    pub reason: JoinReason,
    /// Sent in the request header; the coordinator builds dynamic member ids from it.
    pub client_id: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinGroupResponseMember {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub metadata: ConsumerProtocolSubscription,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinGroupResponse {
    pub error_code: Errors,
    pub generation_id: i32,
    pub protocol_name: Option<String>,
    pub leader: String,
    /// KIP-814: a static leader replaced while Stable gets the member list but must not compute an assignment.
    pub skip_assignment: bool,
    pub member_id: String,
    /// Filled for the leader only, in the coordinator's member-map order.
    pub members: Vec<JoinGroupResponseMember>,
}

impl JoinGroupResponse {
    pub fn error(error: Errors, member_id: &str) -> Self {
        Self {
            error_code: error,
            generation_id: -1,
            protocol_name: None,
            leader: String::new(),
            skip_assignment: false,
            member_id: member_id.to_string(),
            members: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncGroupRequestAssignment {
    pub member_id: String,
    pub assignment: Vec<TopicPartition>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncGroupRequest {
    pub group_id: String,
    pub generation_id: i32,
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub protocol_name: Option<String>,
    /// Only the leader sends assignments.
    pub assignments: Vec<SyncGroupRequestAssignment>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncGroupResponse {
    pub error_code: Errors,
    pub protocol_name: Option<String>,
    pub assignment: Vec<TopicPartition>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeartbeatRequest {
    pub group_id: String,
    pub generation_id: i32,
    pub member_id: String,
    pub group_instance_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeartbeatResponse {
    pub error_code: Errors,
}

/// Why a member sends LeaveGroup; Kafka sends it as free text, the model keeps the cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveReason {
    /// `close()`: "the consumer is being closed".
    ConsumerClosed,
    /// The poll timer expired: "consumer poll timeout has expired."
    PollTimeoutExpired,
}

impl fmt::Display for LeaveReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LeaveReason::ConsumerClosed => f.write_str("the consumer is being closed"),
            LeaveReason::PollTimeoutExpired => f.write_str("consumer poll timeout has expired."),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberIdentity {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub reason: LeaveReason,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaveGroupRequest {
    pub group_id: String,
    pub members: Vec<MemberIdentity>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaveGroupResponse {
    pub error_code: Errors,
    /// Per member: its id and the error for it.
    pub members: Vec<(String, Errors)>,
}

/// An offset commit: the partitions it covers and, when the scenario has records (producers), the
/// offset committed for each. Without records a commit names only its partitions, which is enough for
/// the coordinator's generation checks (the part that shapes rebalances).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffsetCommitRequest {
    pub group_id: String,
    pub generation_id: i32,
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub partitions: Vec<TopicPartition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub offsets: Vec<CommittedOffset>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffsetCommitResponse {
    pub error_code: Errors,
}

/// A metadata request for some topics (the consumer asks for its subscription).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetadataRequest {
    pub topics: Vec<String>,
}

/// The cluster as the broker describes it: every topic asked for that exists, with its partition count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetadataResponse {
    pub topics: Vec<(String, i32)>,
}

/// The group protocol's bodies are boxed, the record flow's are not: a `Message` is as large as its
/// largest body, and it is moved from the sender's output into the event queue and out of it into
/// the addressee millions of times in a long run with records, nearly all of them a Fetch or a
/// Produce of a few dozen bytes. Unboxed, a JoinGroup or a ConsumerGroupHeartbeat made every
/// message 208 bytes. (Serialized the same: a box serializes as what it holds.)
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "api")]
pub enum Request {
    JoinGroup(Box<JoinGroupRequest>),
    SyncGroup(Box<SyncGroupRequest>),
    Heartbeat(Box<HeartbeatRequest>),
    LeaveGroup(Box<LeaveGroupRequest>),
    OffsetCommit(Box<OffsetCommitRequest>),
    Metadata(MetadataRequest),
    ConsumerGroupHeartbeat(Box<ConsumerGroupHeartbeatRequest>),
    Produce(ProduceRequest),
    Fetch(FetchRequest),
    ListOffsets(ListOffsetsRequest),
    OffsetFetch(Box<OffsetFetchRequest>),
}

/// Boxed as [`Request`] is, for the same reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "api")]
pub enum Response {
    JoinGroup(Box<JoinGroupResponse>),
    SyncGroup(Box<SyncGroupResponse>),
    Heartbeat(HeartbeatResponse),
    LeaveGroup(Box<LeaveGroupResponse>),
    OffsetCommit(OffsetCommitResponse),
    Metadata(MetadataResponse),
    ConsumerGroupHeartbeat(Box<ConsumerGroupHeartbeatResponse>),
    Produce(ProduceResponse),
    Fetch(FetchResponse),
    ListOffsets(ListOffsetsResponse),
    OffsetFetch(OffsetFetchResponse),
}

/// A request or a response travelling between a consumer and the broker. `correlation_id` pairs them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Message {
    Request { correlation_id: u64, body: Request },
    Response { correlation_id: u64, body: Response },
}

impl Request {
    pub fn api(&self) -> &'static str {
        match self {
            Request::JoinGroup(_) => "JoinGroup",
            Request::SyncGroup(_) => "SyncGroup",
            Request::Heartbeat(_) => "Heartbeat",
            Request::LeaveGroup(_) => "LeaveGroup",
            Request::OffsetCommit(_) => "OffsetCommit",
            Request::Metadata(_) => "Metadata",
            Request::ConsumerGroupHeartbeat(_) => "ConsumerGroupHeartbeat",
            Request::Produce(_) => "Produce",
            Request::Fetch(_) => "Fetch",
            Request::ListOffsets(_) => "ListOffsets",
            Request::OffsetFetch(_) => "OffsetFetch",
        }
    }

    pub fn group_id(&self) -> Option<&str> {
        match self {
            Request::JoinGroup(r) => Some(&r.group_id),
            Request::SyncGroup(r) => Some(&r.group_id),
            Request::Heartbeat(r) => Some(&r.group_id),
            Request::LeaveGroup(r) => Some(&r.group_id),
            Request::OffsetCommit(r) => Some(&r.group_id),
            Request::ConsumerGroupHeartbeat(r) => Some(&r.group_id),
            Request::OffsetFetch(r) => Some(&r.group_id),
            Request::Metadata(_)
            | Request::Produce(_)
            | Request::Fetch(_)
            | Request::ListOffsets(_) => None,
        }
    }
}

impl Response {
    pub fn api(&self) -> &'static str {
        match self {
            Response::JoinGroup(_) => "JoinGroup",
            Response::SyncGroup(_) => "SyncGroup",
            Response::Heartbeat(_) => "Heartbeat",
            Response::LeaveGroup(_) => "LeaveGroup",
            Response::OffsetCommit(_) => "OffsetCommit",
            Response::Metadata(_) => "Metadata",
            Response::ConsumerGroupHeartbeat(_) => "ConsumerGroupHeartbeat",
            Response::Produce(_) => "Produce",
            Response::Fetch(_) => "Fetch",
            Response::ListOffsets(_) => "ListOffsets",
            Response::OffsetFetch(_) => "OffsetFetch",
        }
    }

    pub fn error_code(&self) -> Errors {
        match self {
            Response::JoinGroup(r) => r.error_code,
            Response::SyncGroup(r) => r.error_code,
            Response::Heartbeat(r) => r.error_code,
            Response::LeaveGroup(r) => r.error_code,
            Response::OffsetCommit(r) => r.error_code,
            Response::ConsumerGroupHeartbeat(r) => r.error_code,
            Response::Metadata(_)
            | Response::Produce(_)
            | Response::Fetch(_)
            | Response::ListOffsets(_)
            | Response::OffsetFetch(_) => Errors::None,
        }
    }
}

impl Message {
    pub fn api(&self) -> &'static str {
        match self {
            Message::Request { body, .. } => body.api(),
            Message::Response { body, .. } => body.api(),
        }
    }

    /// Produce, Fetch, ListOffsets and OffsetFetch, asked or answered: the record flow.
    pub fn is_record_flow(&self) -> bool {
        match self {
            Message::Request { body, .. } => matches!(
                body,
                Request::Produce(_)
                    | Request::Fetch(_)
                    | Request::ListOffsets(_)
                    | Request::OffsetFetch(_)
            ),
            Message::Response { body, .. } => matches!(
                body,
                Response::Produce(_)
                    | Response::Fetch(_)
                    | Response::ListOffsets(_)
                    | Response::OffsetFetch(_)
            ),
        }
    }

    /// Heartbeats, metadata refreshes, offset commits that went well and the record flow (produce,
    /// fetch, offset look-ups): the background noise a reader may want to hide. An error answer is never routine: a heartbeat's
    /// REBALANCE_IN_PROGRESS is how members learn of a rebalance.
    pub fn is_routine(&self) -> bool {
        match self {
            Message::Request { body, .. } => match body {
                // A KIP-848 heartbeat is routine when it only says "still here": no join, leave,
                // subscription or owned partitions (an acknowledgement carries them).
                Request::ConsumerGroupHeartbeat(r) => {
                    r.member_epoch > 0
                        && r.subscribed_topic_names.is_none()
                        && r.topic_partitions.is_none()
                }
                _ => matches!(
                    body,
                    Request::Heartbeat(_)
                        | Request::Metadata(_)
                        | Request::OffsetCommit(_)
                        | Request::Produce(_)
                        | Request::Fetch(_)
                        | Request::ListOffsets(_)
                        | Request::OffsetFetch(_)
                ),
            },
            Message::Response { body, .. } => match body {
                Response::ConsumerGroupHeartbeat(r) => {
                    r.error_code == Errors::None && r.assignment.is_none()
                }
                _ => {
                    matches!(
                        body,
                        Response::Heartbeat(_)
                            | Response::Metadata(_)
                            | Response::OffsetCommit(_)
                            | Response::Produce(_)
                            | Response::Fetch(_)
                            | Response::ListOffsets(_)
                            | Response::OffsetFetch(_)
                    ) && body.error_code() == Errors::None
                }
            },
        }
    }
}

fn partitions(list: &[TopicPartition]) -> String {
    let items: Vec<String> = list.iter().map(|tp| tp.to_string()).collect();
    format!("[{}]", items.join(", "))
}

fn short(member_id: &str) -> &str {
    // `consumer-g-1-1b4e28ba-2fa1-41d2-883f-0016d3cca427` → `consumer-g-1-1b4e28ba`: enough to tell members apart.
    member_id
        .len()
        .checked_sub(28)
        .and_then(|end| member_id.get(..end))
        .filter(|prefix| !prefix.is_empty())
        .unwrap_or(member_id)
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::Request { body, .. } => match body {
                Request::JoinGroup(r) => {
                    let names: Vec<&str> = r.protocols.iter().map(|p| p.name.as_str()).collect();
                    let owned = r
                        .protocols
                        .first()
                        .map(|p| partitions(&p.metadata.owned_partitions))
                        .unwrap_or_default();
                    write!(
                        f,
                        "JoinGroup member_id=\"{}\"{} protocols=[{}] owned={} reason=\"{}\"",
                        short(&r.member_id),
                        r.group_instance_id
                            .as_ref()
                            .map(|i| format!(" instance={i}"))
                            .unwrap_or_default(),
                        names.join(","),
                        owned,
                        r.reason
                    )
                }
                Request::SyncGroup(r) => {
                    write!(
                        f,
                        "SyncGroup gen={} member={}",
                        r.generation_id,
                        short(&r.member_id)
                    )?;
                    if !r.assignments.is_empty() {
                        let parts: Vec<String> = r
                            .assignments
                            .iter()
                            .map(|a| {
                                format!("{}={}", short(&a.member_id), partitions(&a.assignment))
                            })
                            .collect();
                        write!(f, " assignments {{{}}}", parts.join(", "))?;
                    }
                    Ok(())
                }
                Request::Heartbeat(r) => {
                    write!(
                        f,
                        "Heartbeat gen={} member={}",
                        r.generation_id,
                        short(&r.member_id)
                    )
                }
                Request::LeaveGroup(r) => {
                    let ids: Vec<String> = r
                        .members
                        .iter()
                        .map(|m| format!("{} ({})", short(&m.member_id), m.reason))
                        .collect();
                    write!(f, "LeaveGroup {}", ids.join(", "))
                }
                Request::OffsetCommit(r) if !r.offsets.is_empty() => {
                    let offsets: Vec<String> = r
                        .offsets
                        .iter()
                        .map(|o| format!("{}@{}", o.partition, o.offset))
                        .collect();
                    write!(
                        f,
                        "OffsetCommit gen={} member={} [{}]",
                        r.generation_id,
                        short(&r.member_id),
                        offsets.join(", ")
                    )
                }
                Request::OffsetCommit(r) => write!(
                    f,
                    "OffsetCommit gen={} member={} {}",
                    r.generation_id,
                    short(&r.member_id),
                    partitions(&r.partitions)
                ),
                Request::Metadata(r) => write!(f, "Metadata topics=[{}]", r.topics.join(", ")),
                Request::ConsumerGroupHeartbeat(r) => write!(f, "{r}"),
                Request::Produce(r) => write!(f, "{r}"),
                Request::Fetch(r) => write!(f, "{r}"),
                Request::ListOffsets(r) => write!(f, "{r}"),
                Request::OffsetFetch(r) => write!(f, "{r}"),
            },
            Message::Response { body, .. } => match body {
                Response::JoinGroup(r) => {
                    write!(f, "JoinGroup response {}", r.error_code)?;
                    if r.error_code == Errors::None {
                        write!(
                            f,
                            " gen={} protocol={} leader={}{}",
                            r.generation_id,
                            r.protocol_name.as_deref().unwrap_or("-"),
                            short(&r.leader),
                            if r.members.is_empty() {
                                String::new()
                            } else {
                                format!(" members={}", r.members.len())
                            }
                        )?;
                        if r.skip_assignment {
                            f.write_str(" skipAssignment")?;
                        }
                    } else if r.error_code == Errors::MemberIdRequired {
                        write!(f, " member_id={}", short(&r.member_id))?;
                    }
                    Ok(())
                }
                Response::SyncGroup(r) => {
                    write!(f, "SyncGroup response {}", r.error_code)?;
                    if r.error_code == Errors::None {
                        write!(f, " assignment={}", partitions(&r.assignment))?;
                    }
                    Ok(())
                }
                Response::Heartbeat(r) => write!(f, "Heartbeat response {}", r.error_code),
                Response::LeaveGroup(r) => write!(f, "LeaveGroup response {}", r.error_code),
                Response::OffsetCommit(r) => write!(f, "OffsetCommit response {}", r.error_code),
                Response::Metadata(r) => {
                    let t: Vec<String> = r.topics.iter().map(|(n, p)| format!("{n}:{p}")).collect();
                    write!(f, "Metadata response [{}]", t.join(", "))
                }
                Response::ConsumerGroupHeartbeat(r) => write!(f, "{r}"),
                Response::Produce(r) => write!(f, "{r}"),
                Response::Fetch(r) => write!(f, "{r}"),
                Response::ListOffsets(r) => write!(f, "{r}"),
                Response::OffsetFetch(r) => write!(f, "{r}"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_reasons_use_the_java_clients_strings() {
        let cases = [
            (JoinReason::None, ""),
            (
                JoinReason::RebalanceFailed(Errors::RebalanceInProgress),
                "rebalance failed due to RebalanceInProgressException",
            ),
            (
                JoinReason::RebalanceFailed(Errors::UnknownMemberId),
                "rebalance failed due to UnknownMemberIdException",
            ),
            (
                JoinReason::ResponseError {
                    error: Errors::IllegalGeneration,
                    api: ApiKey::SyncGroup,
                },
                "encountered ILLEGAL_GENERATION from SYNC_GROUP response",
            ),
            (
                JoinReason::ResponseError {
                    error: Errors::UnknownMemberId,
                    api: ApiKey::JoinGroup,
                },
                "encountered UNKNOWN_MEMBER_ID from JOIN_GROUP response",
            ),
            (
                JoinReason::GenerationReset,
                "consumer pro-actively leaving the group",
            ),
            (
                JoinReason::StateModifiedByHeartbeatThread(
                    "Generation{generationId=-1, memberId='', protocol='null'}/UNJOINED".into(),
                ),
                "rebalance failed since the generation/state was modified by heartbeat thread to \
                 Generation{generationId=-1, memberId='', protocol='null'}/UNJOINED before the \
                 rebalance callback triggered",
            ),
        ];
        for (reason, text) in cases {
            assert_eq!(reason.to_string(), text);
        }
    }
}
