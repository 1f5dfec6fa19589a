//! The online upgrade and downgrade between a classic group and a consumer group (Kafka's
//! `GroupMetadataManager.validateOnlineUpgrade`, `convertToConsumerGroup`, `convertToClassicGroup`,
//! `ConsumerGroup.fromClassicGroup` and `ClassicGroup.fromConsumerGroup`), under
//! `group.consumer.migration.policy`.
//!
//! The upgrade happens when the first `group.protocol=consumer` member joins a classic group that
//! has members: the consumer group starts at the classic generation, every classic member becomes a
//! Stable member at that epoch whose assignment and target are what its last SyncGroup gave it, and
//! the new member's join bumps the epoch, so the server assignor computes a new target and the
//! classic members are told to rejoin. The downgrade happens when the last consumer-protocol member
//! leaves (or is fenced) and only classic members remain: the classic group starts Stable at the
//! consumer group's epoch, each member's assignment is its target, and a rebalance begins at once.
//! It also happens when a classic static member's JoinGroup replaces the last consumer-protocol
//! member (the same `group.instance.id` restarted on `group.protocol=classic`, a rolling downgrade):
//! the joining member takes the replaced member's target, and a rebalance begins only if its
//! subscription differs.

use super::classic::{ClassicGroup, ClassicGroupMember};
use super::consumer::member::ClassicMemberMetadata;
use super::consumer::{ConsumerGroup, ConsumerGroupMember, Downgrade};
use crate::sim::assign::java_hash::{string_hash, JavaHashTable};
use crate::sim::assign::TopicPartition;
use crate::sim::config::BrokerConfig;
use crate::sim::sort::CollectBTree;
use crate::sim::vocab::{ClassicGroupState, MemberAssignmentState};
use std::collections::BTreeSet;

/// `validateOnlineUpgrade`: the refusal's message (GROUP_ID_NOT_FOUND), if the group may not
/// convert. (Every classic group in the lab uses the consumer embedded protocol.)
pub(super) fn validate_online_upgrade(
    group: &ClassicGroup,
    config: &BrokerConfig,
) -> Result<(), String> {
    let id = &group.group_id;
    if !config.consumer.migration_policy.is_upgrade_enabled() {
        return Err(format!(
            "Cannot upgrade classic group {id} to consumer group because online upgrade is disabled."
        ));
    }
    if group.protocol_type.as_deref() != Some("consumer") {
        return Err(format!(
            "Cannot upgrade classic group {id} to consumer group because the group does not use the consumer embedded protocol."
        ));
    }
    if group.num_members() as u64 > u64::from(config.consumer.max_size) {
        return Err(format!(
            "Cannot upgrade classic group {id} to consumer group because the group size exceeds the consumer group maximum size."
        ));
    }
    Ok(())
}

/// `ConsumerGroup.fromClassicGroup`: the group epoch and target epoch are the generation; members in
/// the classic member map's order, each Stable at the generation with the partitions of its last
/// SyncGroup as both its assignment and its target. (The subscription metadata is computed by the
/// consumer-group coordinator that adopts it.)
pub(super) fn consumer_group_from_classic(classic: &ClassicGroup) -> ConsumerGroup {
    let mut group = ConsumerGroup::new(&classic.group_id);
    group.group_epoch = classic.generation_id;
    group.assignment_epoch = classic.generation_id;
    for m in classic.all_members() {
        // A group that never selected a protocol has no metadata to read from the selected one;
        // every protocol of a member carries the same subscription.
        let subscription = m
            .metadata(classic.protocol_name.as_deref())
            .or_else(|| m.supported_protocols.first().map(|p| &p.metadata));
        let mut member = ConsumerGroupMember::new(&m.member_id, &m.consumer);
        member.member_epoch = classic.generation_id;
        member.previous_member_epoch = classic.generation_id;
        member.state = MemberAssignmentState::Stable;
        member.instance_id = m.group_instance_id.clone();
        member.rack_id = subscription.and_then(|s| s.rack_id.clone());
        member.rebalance_timeout_ms = m.rebalance_timeout_ms;
        member.subscribed_topic_names = subscription.map(|s| s.topics.clone()).unwrap_or_default();
        member.assigned = m.assignment.iter().cloned().collect_set();
        member.classic = Some(ClassicMemberMetadata {
            session_timeout_ms: m.session_timeout_ms,
            supported_protocols: m.supported_protocols.clone(),
        });
        group
            .target
            .insert(m.member_id.clone(), member.assigned.clone());
        group.put_member(member);
    }
    group
}

/// `ClassicGroup.fromConsumerGroup`: Stable at the group epoch, the remaining members added in the
/// consumer group's member-map order (the first becomes the leader), the protocol selected as a
/// classic group selects it, and each member's assignment its target. A member leaving is left out;
/// a classic static member that replaces one is added last, with the replaced member's target.
pub(super) fn classic_group_from_consumer(group: &ConsumerGroup, why: &Downgrade) -> ClassicGroup {
    let mut classic = ClassicGroup::new(&group.group_id);
    classic.state = ClassicGroupState::Stable;
    classic.previous_state = ClassicGroupState::Stable;
    classic.generation_id = group.group_epoch;
    classic.protocol_type = Some("consumer".to_string());
    let mut order = JavaHashTable::new();
    for m in &group.members {
        order.insert(string_hash(&m.member_id), m.member_id.clone());
    }
    let stays = |m: &ConsumerGroupMember| match why {
        Downgrade::MemberLeft { member_id, .. } => &m.member_id != member_id,
        Downgrade::StaticMemberReplaced { joining, .. } => {
            joining.instance_id.is_none() || m.instance_id != joining.instance_id
        }
    };
    for m in order
        .iter()
        .filter_map(|id| group.member(id))
        .filter(|m| stays(m))
    {
        add_classic_member(&mut classic, m, group.target_of(&m.member_id));
    }
    if let Downgrade::StaticMemberReplaced { joining, .. } = why {
        let replaced = joining
            .instance_id
            .as_deref()
            .and_then(|instance| group.static_member(instance));
        let target = replaced
            .map(|r| group.target_of(&r.member_id))
            .unwrap_or_default();
        add_classic_member(&mut classic, joining, target);
    }
    classic.protocol_name = classic.select_protocol();
    classic
}

/// A consumer group's classic member as a member of the classic group it converts to.
fn add_classic_member(
    classic: &mut ClassicGroup,
    m: &ConsumerGroupMember,
    assignment: BTreeSet<TopicPartition>,
) {
    let Some(meta) = &m.classic else {
        return;
    };
    classic.add(ClassicGroupMember {
        member_id: m.member_id.clone(),
        group_instance_id: m.instance_id.clone(),
        client_id: m.consumer.clone(),
        consumer: m.consumer.clone(),
        rebalance_timeout_ms: m.rebalance_timeout_ms,
        session_timeout_ms: meta.session_timeout_ms,
        protocol_type: "consumer".to_string(),
        supported_protocols: meta.supported_protocols.clone(),
        assignment: assignment.into_iter().collect(),
        awaiting_join: None,
        awaiting_sync: None,
        is_new: false,
    });
}

/// Each member's consumer and `group.protocol`, for the trace.
pub(super) fn members_of_consumer_group(group: &ConsumerGroup) -> Vec<(String, String)> {
    group
        .members
        .iter()
        .map(|m| (m.consumer.clone(), m.protocol_name().to_string()))
        .collect()
}

pub(super) fn members_of_classic_group(group: &ClassicGroup) -> Vec<(String, String)> {
    group
        .all_members()
        .into_iter()
        .map(|m| (m.consumer.clone(), "classic".to_string()))
        .collect()
}
