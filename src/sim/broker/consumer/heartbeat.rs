//! `ConsumerGroupHeartbeat` on the coordinator (Kafka's `GroupCoordinatorService` request checks and
//! `GroupMetadataManager.consumerGroupHeartbeat`, `consumerGroupLeave`, `consumerGroupFenceMember`),
//! and the timeouts that fence members.
//!
//! One heartbeat does, in order: find or create the group and the member (refusing an unknown
//! member, a wrong epoch, a static member's id still in use); update the member's subscription and
//! bump the group epoch if it or the subscribed topics' metadata changed; recompute the target
//! assignment if the group epoch is ahead of it; move this member one step towards its target; and
//! restart its session.

use super::current_assignment::CurrentAssignmentBuilder;
use super::group::{ConsumerGroup, Downgrade};
use super::member::ConsumerGroupMember;
use super::target_assignment::{compute_target, preferred_server_assignor};
use super::HandlerCtx;
use crate::sim::assign::TopicPartition;
use crate::sim::broker::classic::ReplyTo;
use crate::sim::protocol::consumer_group_heartbeat::{
    LEAVE_GROUP_MEMBER_EPOCH, LEAVE_GROUP_STATIC_MEMBER_EPOCH,
};
use crate::sim::protocol::{ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse, Errors};
use crate::sim::sort::CollectBTree;
use crate::sim::timer::ConsumerGroupTimer;
use crate::sim::trace::TraceEvent;
use crate::sim::vocab::{ConsumerGroupRemoval, Endpoint, EpochBumpReason, MemberAssignmentState};
use std::collections::{BTreeMap, BTreeSet};

type Refusal = (Errors, String);

fn refuse(error: Errors, message: impl Into<String>) -> Refusal {
    (error, message.into())
}

/// The consumer handle behind an endpoint, for the trace.
fn consumer_of(from: &ReplyTo) -> String {
    match &from.endpoint {
        Endpoint::Consumer { handle, .. } | Endpoint::Producer { handle } => handle.to_string(),
        Endpoint::Broker => "broker".to_string(),
    }
}

/// Handles one heartbeat and returns its answer. A refused heartbeat changes nothing, not even the
/// member's session.
pub(crate) fn consumer_group_heartbeat(
    groups: &mut BTreeMap<String, ConsumerGroup>,
    req: ConsumerGroupHeartbeatRequest,
    from: &ReplyTo,
    ctx: &mut HandlerCtx,
) -> ConsumerGroupHeartbeatResponse {
    let result = validate_request(&req, ctx.config).and_then(|()| {
        if req.member_epoch == LEAVE_GROUP_MEMBER_EPOCH
            || req.member_epoch == LEAVE_GROUP_STATIC_MEMBER_EPOCH
        {
            consumer_group_leave(groups, &req, ctx)
        } else {
            heartbeat(groups, &req, from, ctx)
        }
    });
    result.unwrap_or_else(|(error, message)| ConsumerGroupHeartbeatResponse::error(error, message))
}

/// The refusal of a heartbeat that is refused before any group is looked at (`validate_request`).
pub(crate) fn refusal_before_joining(
    req: &ConsumerGroupHeartbeatRequest,
    config: &crate::sim::config::BrokerConfig,
) -> Option<(Errors, String)> {
    validate_request(req, config).err()
}

/// `GroupCoordinatorService.throwIfConsumerGroupHeartbeatRequestIsInvalid` (request version 1).
fn validate_request(
    req: &ConsumerGroupHeartbeatRequest,
    config: &crate::sim::config::BrokerConfig,
) -> Result<(), Refusal> {
    if req.member_id.is_empty() {
        return Err(refuse(Errors::InvalidRequest, "MemberId can't be empty."));
    }
    if req.member_epoch == 0 {
        if req.rebalance_timeout_ms.is_none() {
            return Err(refuse(
                Errors::InvalidRequest,
                "RebalanceTimeoutMs must be provided in first request.",
            ));
        }
        if req.topic_partitions.as_ref().is_none_or(|p| !p.is_empty()) {
            return Err(refuse(
                Errors::InvalidRequest,
                "TopicPartitions must be empty when (re-)joining.",
            ));
        }
        if req.subscribed_topic_names.is_none() {
            return Err(refuse(
                Errors::InvalidRequest,
                "Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.",
            ));
        }
    } else if req.member_epoch == LEAVE_GROUP_STATIC_MEMBER_EPOCH && req.instance_id.is_none() {
        return Err(refuse(Errors::InvalidRequest, "InstanceId can't be null."));
    } else if req.member_epoch < LEAVE_GROUP_STATIC_MEMBER_EPOCH {
        return Err(refuse(Errors::InvalidRequest, "MemberEpoch is invalid."));
    }
    let supported = &config.consumer.assignors;
    if let Some(assignor) = &req.server_assignor {
        if !supported.iter().any(|a| a.name() == assignor) {
            let names: Vec<&str> = supported.iter().map(|a| a.name()).collect();
            return Err(refuse(
                Errors::UnsupportedAssignor,
                format!(
                    "ServerAssignor {assignor} is not supported. Supported assignors: {}.",
                    names.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// `throwIfConsumerGroupMemberEpochIsInvalid`: an epoch ahead of the coordinator's, or behind it
/// unless it is the previous epoch and the member owns no more than it is assigned. A rejoin at
/// epoch 0 of a member the coordinator still holds goes through this check too (Kafka 4.1.2).
fn check_member_epoch(
    member: &ConsumerGroupMember,
    received: i32,
    owned: Option<&[TopicPartition]>,
) -> Result<(), Refusal> {
    let fenced = |relation: &str| {
        refuse(
            Errors::FencedMemberEpoch,
            format!(
                "The consumer group member has a {relation} member epoch ({received}) than the one known by the group coordinator ({}). The member must abandon all its partitions and rejoin.",
                member.member_epoch
            ),
        )
    };
    if received > member.member_epoch {
        return Err(fenced("greater"));
    }
    if received < member.member_epoch {
        let subset = owned.is_some_and(|o| o.iter().all(|tp| member.assigned.contains(tp)));
        if received != member.previous_member_epoch || !subset {
            return Err(fenced("smaller"));
        }
    }
    Ok(())
}

/// `getOrMaybeSubscribe{Dynamic,Static}ConsumerGroupMember`: the member this heartbeat is from, and
/// the static member it replaces, if any.
fn find_member(
    group: &ConsumerGroup,
    req: &ConsumerGroupHeartbeatRequest,
    consumer: &str,
) -> Result<(ConsumerGroupMember, Option<String>), Refusal> {
    let owned = req.topic_partitions.as_deref();
    let joining = req.member_epoch == 0;
    let Some(instance_id) = req.instance_id.as_deref() else {
        let member = match group.member(&req.member_id) {
            Some(m) => m.clone(),
            None if joining => ConsumerGroupMember::new(&req.member_id, consumer),
            None => {
                return Err(refuse(
                    Errors::UnknownMemberId,
                    format!(
                        "Member {} is not a member of group {}.",
                        req.member_id, group.group_id
                    ),
                ))
            }
        };
        check_member_epoch(&member, req.member_epoch, owned)?;
        return Ok((member, None));
    };
    let existing = group.static_member(instance_id);
    if joining {
        return match existing {
            None => {
                let mut member = ConsumerGroupMember::new(&req.member_id, consumer);
                member.instance_id = Some(instance_id.to_string());
                Ok((member, None))
            }
            // Only a consumer-protocol member must have left (-2) first; a classic member of a
            // mixed group (a classic static member rolled to group.protocol=consumer) is replaced
            // whatever its epoch: it sends no ConsumerGroupHeartbeat that could release the id.
            Some(old)
                if !old.uses_classic_protocol()
                    && old.member_epoch != LEAVE_GROUP_STATIC_MEMBER_EPOCH =>
            {
                Err(refuse(
                    Errors::UnreleasedInstanceId,
                    format!(
                        "Static member {} with instance id {instance_id} cannot join the group because the instance id is owned by {} member.",
                        req.member_id, old.member_id
                    ),
                ))
            }
            Some(old) => {
                // The old member's assignment and target go to the new member id, at epoch 0; it
                // now speaks ConsumerGroupHeartbeat (`setClassicMemberMetadata(null)`).
                let mut member = old.clone();
                member.member_id = req.member_id.clone();
                member.consumer = consumer.to_string();
                member.member_epoch = 0;
                member.previous_member_epoch = 0;
                member.classic = None;
                Ok((member, Some(old.member_id.clone())))
            }
        };
    }
    let Some(old) = existing else {
        return Err(refuse(
            Errors::UnknownMemberId,
            format!("Instance id {instance_id} is unknown."),
        ));
    };
    if old.member_id != req.member_id {
        return Err(refuse(
            Errors::FencedInstanceId,
            format!(
                "Static member {} with instance id {instance_id} was fenced by member {}.",
                req.member_id, old.member_id
            ),
        ));
    }
    check_member_epoch(old, req.member_epoch, owned)?;
    Ok((old.clone(), None))
}

fn heartbeat(
    groups: &mut BTreeMap<String, ConsumerGroup>,
    req: &ConsumerGroupHeartbeatRequest,
    from: &ReplyTo,
    ctx: &mut HandlerCtx,
) -> Result<ConsumerGroupHeartbeatResponse, Refusal> {
    let consumer = consumer_of(from);
    // `getOrMaybeCreateConsumerGroup`, which only a join (epoch 0) may create.
    if req.member_epoch != 0 && !groups.contains_key(&req.group_id) {
        return Err(refuse(
            Errors::GroupIdNotFound,
            format!("Consumer group {} not found.", req.group_id),
        ));
    }
    let group = groups
        .entry(req.group_id.clone())
        .or_insert_with(|| ConsumerGroup::new(&req.group_id));
    // `throwIfConsumerGroupIsFull`.
    let max_size = ctx.config.consumer.max_size;
    if group.member(&req.member_id).is_none() && group.members.len() as u64 >= u64::from(max_size) {
        return Err(refuse(
            Errors::GroupMaxSizeReached,
            format!("The consumer group has reached its maximum capacity of {max_size} members."),
        ));
    }
    let (old, replaced) = find_member(group, req, &consumer)?;
    let mut member = old.clone();
    member.consumer = consumer.clone();
    if let Some(rack) = &req.rack_id {
        member.rack_id = Some(rack.clone());
    }
    if let Some(timeout) = req.rebalance_timeout_ms {
        member.rebalance_timeout_ms = timeout;
    }
    if let Some(assignor) = &req.server_assignor {
        member.server_assignor = Some(assignor.clone());
    }
    if let Some(topics) = &req.subscribed_topic_names {
        member.subscribed_topic_names = topics.clone();
    }
    let new_member = group.member(&member.member_id).is_none();
    if let Some(old_id) = &replaced {
        replace_static_member(group, old_id, &member, ctx);
    } else if new_member {
        ctx.out.record(TraceEvent::ConsumerGroupMemberJoined {
            group: group.group_id.clone(),
            member_id: member.member_id.clone(),
            consumer: consumer.clone(),
        });
    }
    let subscription_changed = member.subscribed_topic_names != old.subscribed_topic_names;
    let bump = group.group_epoch == 0 || subscription_changed;
    group.put_member(member.clone());

    update_epoch_and_target(group, bump, &consumer, ctx);
    let owned = req.topic_partitions.as_deref();
    let reconciled = maybe_reconcile(group, &member.member_id, owned, ctx);
    ctx.set_timer(
        ctx.config.consumer.session_timeout_ms,
        ConsumerGroupTimer::SessionTimeout {
            group: group.group_id.clone(),
            member_id: reconciled.member_id.clone(),
        },
    );
    let full_request = req.rebalance_timeout_ms.is_some()
        && req.subscribed_topic_names.is_some()
        && req.topic_partitions.is_some();
    let send_assignment =
        req.member_epoch == 0 || full_request || reconciled.assigned != old.assigned;
    Ok(ConsumerGroupHeartbeatResponse {
        error_code: Errors::None,
        error_message: None,
        member_id: Some(reconciled.member_id.clone()),
        member_epoch: reconciled.member_epoch,
        heartbeat_interval_ms: ctx.config.consumer.heartbeat_interval_ms,
        assignment: send_assignment.then(|| reconciled.assigned.iter().cloned().collect()),
    })
}

/// `updateSubscriptionMetadata` and `updateTargetAssignment`: the subscribed topics' metadata is
/// recomputed if the member's subscription changed (`bump`) or a refresh was requested; the group
/// epoch rises if either changed, and a target behind the group epoch is recomputed.
pub(super) fn update_epoch_and_target(
    group: &mut ConsumerGroup,
    mut bump: bool,
    consumer: &str,
    ctx: &mut HandlerCtx,
) {
    if bump || group.metadata_refresh_requested {
        let metadata = ctx.describe(&group.subscribed_topics());
        let metadata_changed = metadata != group.metadata;
        group.metadata = metadata;
        group.metadata_refresh_requested = false;
        let reason = if bump {
            EpochBumpReason::SubscriptionChanged {
                consumer: consumer.to_string(),
            }
        } else {
            EpochBumpReason::MetadataChanged
        };
        bump |= metadata_changed;
        if bump {
            bump_group_epoch(group, reason, ctx);
        }
    }
    if group.group_epoch > group.assignment_epoch {
        update_target_assignment(group, ctx);
    }
}

/// `replaceMember`: the new process takes the old static member's place and its target.
pub(super) fn replace_static_member(
    group: &mut ConsumerGroup,
    old_id: &str,
    new: &ConsumerGroupMember,
    ctx: &mut HandlerCtx,
) {
    let target = group.target_of(old_id);
    group.remove_member(old_id);
    group.target.insert(new.member_id.clone(), target);
    // A replaced classic member's join timeout goes with its other timers.
    group.join_timeouts.remove(old_id);
    ctx.cancel_timers(&group.group_id, old_id);
    ctx.out.record(TraceEvent::StaticMemberReplaced {
        group: group.group_id.clone(),
        old_member_id: old_id.to_string(),
        member_id: new.member_id.clone(),
        consumer: new.consumer.clone(),
    });
}

pub(super) fn bump_group_epoch(
    group: &mut ConsumerGroup,
    reason: EpochBumpReason,
    ctx: &mut HandlerCtx,
) {
    group.group_epoch += 1;
    ctx.out.record(TraceEvent::GroupEpochBumped {
        group: group.group_id.clone(),
        epoch: group.group_epoch,
        reason,
    });
}

/// `updateTargetAssignment`: the whole group's new target, at the group epoch.
fn update_target_assignment(group: &mut ConsumerGroup, ctx: &mut HandlerCtx) {
    let default = ctx.config.consumer.assignors[0];
    let assignor = preferred_server_assignor(group, default);
    let topics = ctx.describe(&group.subscribed_topics());
    match compute_target(group, assignor, &topics) {
        Ok(target) => {
            group.target = target;
            group.assignment_epoch = group.group_epoch;
            group.assignor = Some(assignor);
            let by_consumer = group
                .members
                .iter()
                .map(|m| {
                    let assigned = group.target_of(&m.member_id).into_iter().collect();
                    (m.consumer.clone(), assigned)
                })
                .collect_map();
            ctx.out.record(TraceEvent::TargetAssignmentComputed {
                group: group.group_id.clone(),
                epoch: group.group_epoch,
                assignor: assignor.name().to_string(),
                assignment: by_consumer,
            });
        }
        // The server assignors fail only on a subscription to an unknown topic id, which the
        // coordinator never hands them; the old target then stays.
        Err(error) => debug_assert!(false, "server assignor failed: {error:?}"),
    }
}

/// `maybeReconcile`: one step of this member towards its target, and its rebalance timeout (a
/// classic member has none: its join and sync timers stand in for it).
pub(super) fn maybe_reconcile(
    group: &mut ConsumerGroup,
    member_id: &str,
    owned: Option<&[TopicPartition]>,
    ctx: &mut HandlerCtx,
) -> ConsumerGroupMember {
    let member = group
        .member(member_id)
        .cloned()
        .expect("member was just put");
    if member.is_reconciled_to(group.assignment_epoch) {
        return member;
    }
    let target = group.target_of(member_id);
    let held = |tp: &TopicPartition| group.is_held(tp);
    let next = CurrentAssignmentBuilder {
        member: &member,
        target_epoch: group.assignment_epoch,
        target: &target,
        held: &held,
        owned,
    }
    .build();
    if next == member {
        return member;
    }
    ctx.out.record(TraceEvent::MemberReconciled {
        group: group.group_id.clone(),
        consumer: next.consumer.clone(),
        member_id: next.member_id.clone(),
        member_epoch: next.member_epoch,
        state: next.state,
        assigned: next.assigned.iter().cloned().collect(),
        pending_revocation: next.pending_revocation.iter().cloned().collect(),
    });
    if next.uses_classic_protocol() {
        // No rebalance timeout for a classic member (its join and sync timers instead).
    } else if next.state == MemberAssignmentState::UnrevokedPartitions {
        ctx.set_timer(
            next.rebalance_timeout_ms,
            ConsumerGroupTimer::RebalanceTimeout {
                group: group.group_id.clone(),
                member_id: next.member_id.clone(),
                member_epoch: next.member_epoch,
            },
        );
    } else {
        ctx.out
            .cancel_timer(crate::sim::timer::TimerKey::ConsumerGroupRebalance {
                group: group.group_id.clone(),
                member_id: next.member_id.clone(),
            });
    }
    group.put_member(next.clone());
    next
}

/// `consumerGroupLeave`: -1 removes the member (dynamic or static); -2 keeps a static member and its
/// assignment, idle, until it comes back or its session expires.
fn consumer_group_leave(
    groups: &mut BTreeMap<String, ConsumerGroup>,
    req: &ConsumerGroupHeartbeatRequest,
    ctx: &mut HandlerCtx,
) -> Result<ConsumerGroupHeartbeatResponse, Refusal> {
    // `consumerGroup(groupId)`, whose look-up words it as any group's.
    let Some(group) = groups.get_mut(&req.group_id) else {
        return Err(refuse(
            Errors::GroupIdNotFound,
            format!("Group {} not found.", req.group_id),
        ));
    };
    let member_id = match req.instance_id.as_deref() {
        None => match group.member(&req.member_id) {
            Some(m) => m.member_id.clone(),
            None => {
                return Err(refuse(
                    Errors::UnknownMemberId,
                    format!(
                        "Member {} is not a member of group {}.",
                        req.member_id, group.group_id
                    ),
                ))
            }
        },
        Some(instance_id) => {
            let Some(m) = group.static_member(instance_id) else {
                return Err(refuse(
                    Errors::UnknownMemberId,
                    format!("Instance id {instance_id} is unknown."),
                ));
            };
            if m.member_id != req.member_id {
                return Err(refuse(
                    Errors::FencedInstanceId,
                    format!(
                        "Static member {} with instance id {instance_id} was fenced by member {}.",
                        req.member_id, m.member_id
                    ),
                ));
            }
            m.member_id.clone()
        }
    };
    if req.member_epoch == LEAVE_GROUP_STATIC_MEMBER_EPOCH {
        let mut member = group.member(&member_id).cloned().expect("found above");
        member.member_epoch = LEAVE_GROUP_STATIC_MEMBER_EPOCH;
        member.pending_revocation = BTreeSet::new();
        ctx.out.record(TraceEvent::StaticMemberLeftTemporarily {
            group: group.group_id.clone(),
            member_id: member_id.clone(),
            consumer: member.consumer.clone(),
        });
        group.put_member(member);
    } else {
        fence_member(group, &member_id, ConsumerGroupRemoval::Left, ctx);
    }
    Ok(ConsumerGroupHeartbeatResponse {
        error_code: Errors::None,
        error_message: None,
        member_id: Some(member_id),
        member_epoch: req.member_epoch,
        heartbeat_interval_ms: 0,
        assignment: None,
    })
}

/// `consumerGroupFenceMember`: the member and its target go, its partitions are free at once, and
/// the group epoch is bumped so the next heartbeat hands them out. If only classic members remain
/// and the policy allows it, the group is instead marked to convert back to a classic group
/// (`validateOnlineDowngradeWithFencedMembers`), which the broker does once this step is over.
pub(super) fn fence_member(
    group: &mut ConsumerGroup,
    member_id: &str,
    cause: ConsumerGroupRemoval,
    ctx: &mut HandlerCtx,
) {
    if group.may_downgrade_without(member_id, ctx.config) {
        let consumer = group
            .member(member_id)
            .map(|m| m.consumer.clone())
            .unwrap_or_default();
        ctx.out.record(TraceEvent::ConsumerGroupMemberRemoved {
            group: group.group_id.clone(),
            member_id: member_id.to_string(),
            consumer: consumer.clone(),
            cause,
        });
        ctx.cancel_timers(&group.group_id, member_id);
        group.downgrade = Some(Downgrade::MemberLeft {
            member_id: member_id.to_string(),
            consumer,
        });
        return;
    }
    let Some(member) = group.remove_member(member_id) else {
        return;
    };
    ctx.out.record(TraceEvent::ConsumerGroupMemberRemoved {
        group: group.group_id.clone(),
        member_id: member_id.to_string(),
        consumer: member.consumer.clone(),
        cause,
    });
    // The metadata hash is recomputed without the member; the epoch is bumped either way.
    group.metadata = ctx.describe(&group.subscribed_topics());
    bump_group_epoch(
        group,
        EpochBumpReason::MemberRemoved {
            consumer: member.consumer,
            cause,
        },
        ctx,
    );
    ctx.cancel_timers(&group.group_id, member_id);
}

/// A session timeout fences the member whatever its epoch (a static member at -2 too); a rebalance
/// timeout only if the member is still at the epoch it was asked to revoke at.
pub(crate) fn on_timeout(
    groups: &mut BTreeMap<String, ConsumerGroup>,
    timer: ConsumerGroupTimer,
    ctx: &mut HandlerCtx,
) {
    match timer {
        ConsumerGroupTimer::SessionTimeout { group, member_id } => {
            if let Some(group) = groups.get_mut(&group) {
                fence_member(group, &member_id, ConsumerGroupRemoval::SessionExpired, ctx);
            }
        }
        ConsumerGroupTimer::ClassicJoinTimeout { group, member_id } => {
            if let Some(group) = groups.get_mut(&group) {
                group.join_timeouts.remove(&member_id);
                let cause = ConsumerGroupRemoval::ClassicJoinTimeoutExpired;
                fence_member(group, &member_id, cause, ctx);
            }
        }
        ConsumerGroupTimer::ClassicSyncTimeout { group, member_id } => {
            if let Some(group) = groups.get_mut(&group) {
                let cause = ConsumerGroupRemoval::ClassicSyncTimeoutExpired;
                fence_member(group, &member_id, cause, ctx);
            }
        }
        ConsumerGroupTimer::RebalanceTimeout {
            group,
            member_id,
            member_epoch,
        } => {
            if let Some(group) = groups.get_mut(&group) {
                if group
                    .member(&member_id)
                    .is_some_and(|m| m.member_epoch == member_epoch)
                {
                    let cause = ConsumerGroupRemoval::RebalanceTimeoutExpired;
                    fence_member(group, &member_id, cause, ctx);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::member::ClassicMemberMetadata;
    use super::*;

    fn member(epoch: i32, previous: i32) -> ConsumerGroupMember {
        let mut m = ConsumerGroupMember::new("m", "c1");
        m.member_epoch = epoch;
        m.previous_member_epoch = previous;
        m.assigned = [TopicPartition::new("t", 0)].into_iter().collect();
        m
    }

    /// Kafka 4.1.2: a rejoin at epoch 0 goes through the epoch check, so a member the coordinator
    /// still holds at a higher epoch is refused (until its session expires), unless its previous
    /// epoch was 0.
    #[test]
    fn a_rejoin_at_epoch_0_of_a_member_still_held_is_fenced_as_in_4_1_2() {
        let empty: &[TopicPartition] = &[];
        let refused = check_member_epoch(&member(5, 4), 0, Some(empty)).unwrap_err();
        assert_eq!(refused.0, Errors::FencedMemberEpoch);
        assert!(
            refused.1.contains("smaller member epoch (0)"),
            "{}",
            refused.1
        );
        assert_eq!(check_member_epoch(&member(1, 0), 0, Some(empty)), Ok(()));
    }

    #[test]
    fn the_previous_epoch_is_accepted_only_with_owned_partitions_it_is_assigned() {
        let owned = [TopicPartition::new("t", 0)];
        assert_eq!(check_member_epoch(&member(5, 4), 4, Some(&owned)), Ok(()));
        let more = [TopicPartition::new("t", 0), TopicPartition::new("t", 1)];
        assert!(check_member_epoch(&member(5, 4), 4, Some(&more)).is_err());
        assert!(check_member_epoch(&member(5, 4), 4, None).is_err());
        assert!(check_member_epoch(&member(5, 4), 6, Some(&owned)).is_err());
    }

    fn static_join(instance: &str) -> ConsumerGroupHeartbeatRequest {
        ConsumerGroupHeartbeatRequest {
            group_id: "g".into(),
            member_id: "new".into(),
            member_epoch: 0,
            instance_id: Some(instance.into()),
            rack_id: None,
            rebalance_timeout_ms: Some(300_000),
            subscribed_topic_names: Some(vec!["t".into()]),
            server_assignor: None,
            topic_partitions: Some(Vec::new()),
        }
    }

    /// `getOrMaybeSubscribeStaticConsumerGroupMember`: UNRELEASED_INSTANCE_ID only when the existing
    /// static member also uses the consumer protocol; a classic one is replaced at any epoch, its
    /// assignment copied at epoch 0 and its classic metadata dropped.
    #[test]
    fn a_consumer_join_replaces_a_classic_static_member_without_the_unreleased_check() {
        let mut group = ConsumerGroup::new("g");
        let mut old = member(5, 5);
        old.instance_id = Some("i1".into());
        old.subscribed_topic_names = vec!["t".into()];
        group.put_member(old.clone());
        let refused = find_member(&group, &static_join("i1"), "c1").unwrap_err();
        assert_eq!(refused.0, Errors::UnreleasedInstanceId);

        old.classic = Some(ClassicMemberMetadata {
            session_timeout_ms: 45_000,
            supported_protocols: Vec::new(),
        });
        group.put_member(old.clone());
        let (new, replaced) = find_member(&group, &static_join("i1"), "c1").unwrap();
        assert_eq!(replaced.as_deref(), Some("m"));
        assert_eq!(new.member_id, "new");
        assert_eq!((new.member_epoch, new.previous_member_epoch), (0, 0));
        assert_eq!(new.assigned, old.assigned);
        assert_eq!(new.instance_id.as_deref(), Some("i1"));
        assert!(!new.uses_classic_protocol());
    }
}
