//! The KIP-848 consumer protocol's one RPC, `ConsumerGroupHeartbeat`, as data
//! (`ConsumerGroupHeartbeatRequest.json` / `ConsumerGroupHeartbeatResponse.json`, version 1). Kafka sends
//! partitions by topic id; the model names topics, which the learner reads more easily and which say
//! the same thing with one broker.

use super::Errors;
use crate::sim::assign::TopicPartition;
use crate::sim::time::Millis;
use serde::{Deserialize, Serialize};
use std::fmt;

/// `memberEpoch` -1: the member leaves the group.
pub const LEAVE_GROUP_MEMBER_EPOCH: i32 = -1;
/// `memberEpoch` -2: a static member leaves for now and keeps its assignment until its session expires.
pub const LEAVE_GROUP_STATIC_MEMBER_EPOCH: i32 = -2;

/// A heartbeat. Optional fields are sent only in a full request (joining, rejoining, after an error)
/// or when they changed since the last one (`ConsumerHeartbeatRequestManager.HeartbeatState`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumerGroupHeartbeatRequest {
    pub group_id: String,
    /// Made by the client when the consumer is constructed (KIP-1082) and kept for its whole life.
    pub member_id: String,
    /// 0 to join, -1 to leave, -2 for a static member's temporary leave; otherwise the current epoch.
    pub member_epoch: i32,
    pub instance_id: Option<String>,
    pub rack_id: Option<String>,
    /// `max.poll.interval.ms`; `None` is -1 (unchanged).
    pub rebalance_timeout_ms: Option<Millis>,
    pub subscribed_topic_names: Option<Vec<String>>,
    /// `group.remote.assignor`; `None` when unchanged or unset.
    pub server_assignor: Option<String>,
    /// The partitions the member owns; `None` when unchanged since the last heartbeat.
    pub topic_partitions: Option<Vec<TopicPartition>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumerGroupHeartbeatResponse {
    pub error_code: Errors,
    pub error_message: Option<String>,
    pub member_id: Option<String>,
    pub member_epoch: i32,
    /// `group.consumer.heartbeat.interval.ms`: when the member should heartbeat next.
    pub heartbeat_interval_ms: Millis,
    /// The member's whole assignment, sent when it changed or the request was a full one.
    pub assignment: Option<Vec<TopicPartition>>,
}

impl ConsumerGroupHeartbeatResponse {
    pub fn error(error: Errors, message: String) -> Self {
        Self {
            error_code: error,
            error_message: Some(message),
            member_id: None,
            member_epoch: -1,
            heartbeat_interval_ms: 0,
            assignment: None,
        }
    }
}

fn list(partitions: &[TopicPartition]) -> String {
    let items: Vec<String> = partitions.iter().map(|tp| tp.to_string()).collect();
    format!("[{}]", items.join(", "))
}

/// The first 8 characters of a 22-character member id: enough to tell members apart.
pub fn short_member_id(member_id: &str) -> &str {
    member_id.get(..8).unwrap_or(member_id)
}

/// Partitions as short as the page's tiles write them: `[P0 P3]` within one topic, `[t-0 u-1]` across.
fn compact(partitions: &[TopicPartition]) -> String {
    let one_topic = partitions.windows(2).all(|w| w[0].topic == w[1].topic);
    let items: Vec<String> = partitions
        .iter()
        .map(|tp| {
            if one_topic {
                format!("P{}", tp.partition)
            } else {
                tp.to_string()
            }
        })
        .collect();
    format!("[{}]", items.join(" "))
}

impl ConsumerGroupHeartbeatRequest {
    /// The epoch and what it reports owning, for the protocol view's arrows: `epoch=3 owned=[P0 P1]`.
    pub fn summary(&self) -> String {
        let mut text = format!("epoch={}", self.member_epoch);
        if let Some(owned) = &self.topic_partitions {
            text.push_str(&format!(" owned={}", compact(owned)));
        }
        text
    }
}

impl ConsumerGroupHeartbeatResponse {
    /// The epoch and the assignment it carries, for the protocol view's arrows.
    pub fn summary(&self) -> String {
        let mut text = format!("epoch={}", self.member_epoch);
        if let Some(assignment) = &self.assignment {
            text.push_str(&format!(" assignment={}", compact(assignment)));
        }
        text
    }
}

impl fmt::Display for ConsumerGroupHeartbeatRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ConsumerGroupHeartbeat member={} epoch={}",
            short_member_id(&self.member_id),
            self.member_epoch
        )?;
        if let Some(instance) = &self.instance_id {
            write!(f, " instance={instance}")?;
        }
        if let Some(topics) = &self.subscribed_topic_names {
            write!(f, " topics=[{}]", topics.join(", "))?;
        }
        if let Some(assignor) = &self.server_assignor {
            write!(f, " assignor={assignor}")?;
        }
        if let Some(owned) = &self.topic_partitions {
            write!(f, " owned={}", list(owned))?;
        }
        Ok(())
    }
}

impl fmt::Display for ConsumerGroupHeartbeatResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ConsumerGroupHeartbeat response {}", self.error_code)?;
        if self.error_code == Errors::None {
            write!(
                f,
                " epoch={} interval={}ms",
                self.member_epoch, self.heartbeat_interval_ms
            )?;
            if let Some(assignment) = &self.assignment {
                write!(f, " assignment={}", list(assignment))?;
            }
        }
        Ok(())
    }
}
