//! Kafka's `TargetAssignmentBuilder` for consumer groups: the whole group's next target, computed by
//! the server assignor from every member's subscription and its previous *target* (not what members
//! own), and which assignor that is (`ConsumerGroup.computePreferredServerAssignor`).

use super::group::ConsumerGroup;
use crate::sim::assign::java_hash::{spread, string_hash};
use crate::sim::assign::server::{
    self, AssignmentFill, ServerAssignorName, ServerGroupSpec, ServerMember, ServerTopic, TopicId,
};
use crate::sim::assign::{AssignError, TopicPartition};
use crate::sim::sort::{self, CollectBTree};
use std::collections::{BTreeMap, BTreeSet};

/// The assignor most members asked for (`group.remote.assignor`), else the broker's default (the
/// first of `group.consumer.assignors`). Kafka counts in a `HashMap<String, Integer>` and keeps the
/// first maximum in its iteration order, which for the two names is their bucket order.
pub fn preferred_server_assignor(
    group: &ConsumerGroup,
    default: ServerAssignorName,
) -> ServerAssignorName {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for m in &group.members {
        if let Some(name) = m.server_assignor.as_deref() {
            *counts.entry(name).or_default() += 1;
        }
    }
    let mut in_map_order: Vec<(&str, usize)> = counts.into_iter().collect();
    sort::sort_by_key(&mut in_map_order, |(name, _)| {
        spread(string_hash(name)) & 15
    });
    let mut best: Option<(&str, usize)> = None;
    for (name, count) in in_map_order {
        if best.is_none_or(|(_, c)| count > c) {
            best = Some((name, count));
        }
    }
    best.and_then(|(name, _)| ServerAssignorName::from_name(name))
        .unwrap_or(default)
}

/// Runs the assignor over the group's members (in member-map order) and previous target. `topics`
/// holds every subscribed topic that exists, with its id and partition count.
pub fn compute_target(
    group: &ConsumerGroup,
    assignor: ServerAssignorName,
    topics: &BTreeMap<String, (TopicId, i32)>,
) -> Result<BTreeMap<String, BTreeSet<TopicPartition>>, AssignError> {
    let members = group
        .members
        .iter()
        .map(|m| ServerMember {
            member_id: m.member_id.clone(),
            instance_id: m.instance_id.clone(),
            rack: m.rack_id.clone(),
            subscribed_topic_names: m.subscribed_topic_names.clone(),
            // The previous target, by topic id, as the coordinator's records list it; partitions
            // of a deleted topic are gone from it already.
            assignment: group
                .target_of(&m.member_id)
                .iter()
                .filter_map(|tp| Some((topics.get(tp.topic.as_str())?.0, tp.partition)))
                .collect(),
        })
        .collect();
    let spec = ServerGroupSpec {
        members,
        topics: topics
            .iter()
            .map(|(name, (id, partitions))| ServerTopic {
                name: name.clone(),
                id: *id,
                partitions: *partitions,
            })
            .collect(),
        assignment_fill: AssignmentFill::FromRecord,
    };
    let assignment = server::assign(assignor, &spec)?;
    Ok(group
        .members
        .iter()
        .map(|m| {
            let partitions = assignment
                .get(&m.member_id)
                .map(|list| list.iter().cloned().collect_set())
                .unwrap_or_default();
            (m.member_id.clone(), partitions)
        })
        .collect_map())
}
