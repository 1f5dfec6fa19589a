//! Classic members inside a consumer group (a mixed group): Kafka's `classicGroupJoinToConsumerGroup`,
//! `classicGroupSyncToConsumerGroup`, `classicGroupHeartbeatToConsumerGroup` and
//! `classicGroupLeaveToConsumerGroup`.
//!
//! A `group.protocol=classic` consumer keeps speaking JoinGroup, SyncGroup and Heartbeat; the consumer
//! group answers them. Such a member runs no assignor: its JoinGroup updates its subscription (and the
//! group epoch, and the server assignor's target) and moves it one step towards its target, exactly as
//! a `ConsumerGroupHeartbeat` would; its SyncGroup hands it what it may own now. When it must give
//! partitions up or may take new ones, its Heartbeat answers REBALANCE_IN_PROGRESS and it rejoins,
//! within its rebalance timeout (the join timer) and then syncs within it too (the sync timer).

use super::current_assignment::CurrentAssignmentBuilder;
use super::group::{ConsumerGroup, Downgrade};
use super::heartbeat::{
    fence_member, maybe_reconcile, replace_static_member, update_epoch_and_target,
};
use super::member::{ClassicMemberMetadata, ConsumerGroupMember};
use super::HandlerCtx;
use crate::sim::assign::server::TopicId;
use crate::sim::assign::TopicPartition;
use crate::sim::broker::classic::ReplyTo;
use crate::sim::protocol::{
    Errors, HeartbeatRequest, JoinGroupRequest, JoinGroupResponse, LeaveGroupRequest,
    LeaveGroupResponse, SyncGroupRequest, SyncGroupResponse,
};
use crate::sim::timer::{ConsumerGroupTimer, TimerKey};
use crate::sim::trace::TraceEvent;
use crate::sim::vocab::{ConsumerGroupRemoval, MemberAssignmentState};

/// `Uuid.randomUuid().toString()`: the member id a consumer group gives a classic member.
fn random_member_id(ctx: &mut HandlerCtx) -> String {
    let msb = (ctx.rng.next_u64() & !0xF000) | 0x4000;
    let lsb = (ctx.rng.next_u64() & !(0xC << 60)) | (0x8 << 60);
    TopicId {
        most_significant_bits: msb as i64,
        least_significant_bits: lsb as i64,
    }
    .to_string()
}

/// `validateConsumerGroupMember` and `throwIfMemberDoesNotUseClassicProtocol`.
fn classic_member<'g>(
    group: &'g ConsumerGroup,
    member_id: &str,
    instance_id: Option<&str>,
) -> Result<&'g ConsumerGroupMember, Errors> {
    let member = match instance_id {
        None => group.member(member_id).ok_or(Errors::UnknownMemberId)?,
        Some(instance) => {
            let m = group
                .static_member(instance)
                .ok_or(Errors::UnknownMemberId)?;
            if m.member_id != member_id {
                return Err(Errors::FencedInstanceId);
            }
            m
        }
    };
    if !member.uses_classic_protocol() {
        return Err(Errors::UnknownMemberId);
    }
    Ok(member)
}

/// `scheduleConsumerGroupJoinTimeoutIfAbsent`.
fn schedule_join_timeout_if_absent(
    group: &mut ConsumerGroup,
    member_id: &str,
    timeout: crate::sim::time::Millis,
    ctx: &mut HandlerCtx,
) {
    if group.join_timeouts.insert(member_id.to_string()) {
        ctx.set_timer(
            timeout,
            ConsumerGroupTimer::ClassicJoinTimeout {
                group: group.group_id.clone(),
                member_id: member_id.to_string(),
            },
        );
    }
}

fn cancel_join_timeout(group: &mut ConsumerGroup, member_id: &str, ctx: &mut HandlerCtx) {
    group.join_timeouts.remove(member_id);
    ctx.out.cancel_timer(TimerKey::ConsumerGroupJoin {
        group: group.group_id.clone(),
        member_id: member_id.to_string(),
    });
}

fn schedule_session_timeout(group: &str, member_id: &str, timeout: u64, ctx: &mut HandlerCtx) {
    ctx.set_timer(
        timeout,
        ConsumerGroupTimer::SessionTimeout {
            group: group.to_string(),
            member_id: member_id.to_string(),
        },
    );
}

/// `classicGroupJoinToConsumerGroup` (the session timeout was checked before, as
/// `GroupCoordinatorService.joinGroup` does).
pub(crate) fn classic_group_join_to_consumer_group(
    group: &mut ConsumerGroup,
    req: &JoinGroupRequest,
    from: &ReplyTo,
    ctx: &mut HandlerCtx,
) -> JoinGroupResponse {
    let is_unknown_member = req.member_id.is_empty();
    let member_id = if is_unknown_member {
        random_member_id(ctx)
    } else {
        req.member_id.clone()
    };
    let max_size = ctx.config.consumer.max_size;
    if group.member(&member_id).is_none() && group.members.len() as u64 >= u64::from(max_size) {
        return JoinGroupResponse::error(Errors::GroupMaxSizeReached, &member_id);
    }
    let names: Vec<&str> = req.protocols.iter().map(|p| p.name.as_str()).collect();
    if !group.supports_classic_protocols(&req.protocol_type, &names) {
        return JoinGroupResponse::error(Errors::InconsistentGroupProtocol, &member_id);
    }
    // `requiresKnownMemberId`: a dynamic member first gets its id and joins again with it.
    if is_unknown_member && req.group_instance_id.is_none() {
        return JoinGroupResponse::error(Errors::MemberIdRequired, &member_id);
    }
    // `getOrMaybeSubscribeStaticConsumerGroupMember` for a static member that already has its id
    // (`throwIfStaticMemberIsUnknown`, `throwIfInstanceIdIsFenced`): its instance id must still be
    // its own.
    if let (Some(instance), false) = (req.group_instance_id.as_deref(), is_unknown_member) {
        match group.static_member(instance) {
            None => return JoinGroupResponse::error(Errors::UnknownMemberId, &member_id),
            Some(m) if m.member_id != member_id => {
                return JoinGroupResponse::error(Errors::FencedInstanceId, &member_id)
            }
            Some(_) => {}
        }
    }
    let consumer = from.consumer_handle();
    // A static member joining without a member id takes the place of the member holding its
    // instance id, whichever protocol that one used (a classic member joining never meets
    // UNRELEASED_INSTANCE_ID): a copy of it under the new id, at epoch 0.
    let replaced = match (req.group_instance_id.as_deref(), is_unknown_member) {
        (Some(instance), true) => group.static_member(instance).cloned(),
        _ => None,
    };
    let old = match (&replaced, group.member(&member_id)) {
        (Some(replaced), _) => {
            let mut m = replaced.clone();
            m.member_id = member_id.clone();
            m.member_epoch = 0;
            m.previous_member_epoch = 0;
            m
        }
        (None, Some(m)) => m.clone(),
        (None, None) => {
            let mut m = ConsumerGroupMember::new(&member_id, &consumer);
            m.instance_id = req.group_instance_id.clone();
            m
        }
    };
    // Every protocol carries the same subscription; Kafka reads any of them.
    let subscription = req.protocols.first().map(|p| p.metadata.clone());
    let mut member = old.clone();
    member.consumer = consumer.clone();
    member.rebalance_timeout_ms = req.rebalance_timeout_ms;
    if let Some(subscription) = &subscription {
        if let Some(rack) = &subscription.rack_id {
            member.rack_id = Some(rack.clone());
        }
        member.subscribed_topic_names = subscription.topics.clone();
    }
    member.classic = Some(ClassicMemberMetadata {
        session_timeout_ms: req.session_timeout_ms,
        supported_protocols: req.protocols.clone(),
    });
    let bump = member.subscribed_topic_names != old.subscribed_topic_names;
    let owned = subscription.map(|s| s.owned_partitions).unwrap_or_default();
    if let Some(replaced) = replaced
        .as_ref()
        .filter(|r| group.may_downgrade_replacing(r, ctx.config))
    {
        return join_downgrading(group, replaced, member, bump, &owned, req, ctx);
    }
    match &replaced {
        Some(replaced) => replace_static_member(group, &replaced.member_id, &member, ctx),
        None if group.member(&member_id).is_none() => {
            ctx.out
                .record(TraceEvent::ClassicMemberJoinedConsumerGroup {
                    group: group.group_id.clone(),
                    member_id: member_id.clone(),
                    consumer: consumer.clone(),
                })
        }
        None => {}
    }
    group.put_member(member);
    update_epoch_and_target(group, bump, &consumer, ctx);
    let reconciled = maybe_reconcile(group, &member_id, Some(&owned), ctx);

    cancel_join_timeout(group, &member_id, ctx);
    let gid = group.group_id.clone();
    schedule_session_timeout(&gid, &member_id, req.session_timeout_ms, ctx);
    ctx.set_timer(
        req.rebalance_timeout_ms,
        ConsumerGroupTimer::ClassicSyncTimeout {
            group: gid,
            member_id: member_id.clone(),
        },
    );
    joined(req, member_id, reconciled.member_epoch)
}

/// The JoinGroup answer a consumer group gives a classic member: its id and epoch as the
/// generation, the first protocol it listed, and no leader (the consumer group's server assignor
/// computes everyone's assignment).
fn joined(req: &JoinGroupRequest, member_id: String, generation_id: i32) -> JoinGroupResponse {
    JoinGroupResponse {
        error_code: Errors::None,
        generation_id,
        protocol_name: req.protocols.first().map(|p| p.name.clone()),
        leader: String::new(),
        skip_assignment: false,
        member_id,
        members: Vec::new(),
    }
}

/// The join replaces the last consumer-protocol member and the group converts back to a classic
/// group (`convertToClassicGroup` with a joining member): the group is left as it was, marked for
/// the broker to convert, and the new member takes the replaced one's target there. Its epoch (the
/// answer's generation) is what reconciling its copy of the replaced member against that target
/// gives; 0 if its subscription changed, as the classic group then rebalances.
fn join_downgrading(
    group: &mut ConsumerGroup,
    replaced: &ConsumerGroupMember,
    joining: ConsumerGroupMember,
    subscription_changed: bool,
    owned: &[TopicPartition],
    req: &JoinGroupRequest,
    ctx: &mut HandlerCtx,
) -> JoinGroupResponse {
    let generation = if subscription_changed {
        0
    } else {
        let target = group.target_of(&replaced.member_id);
        CurrentAssignmentBuilder {
            member: &joining,
            target_epoch: group.assignment_epoch,
            target: &target,
            held: &|tp: &TopicPartition| group.is_held(tp),
            owned: Some(owned),
        }
        .build()
        .member_epoch
    };
    ctx.out.record(TraceEvent::StaticMemberReplaced {
        group: group.group_id.clone(),
        old_member_id: replaced.member_id.clone(),
        member_id: joining.member_id.clone(),
        consumer: joining.consumer.clone(),
    });
    let member_id = joining.member_id.clone();
    group.downgrade = Some(Downgrade::StaticMemberReplaced {
        joining: Box::new(joining),
        subscription_changed,
    });
    joined(req, member_id, generation)
}

fn sync_error(error: Errors) -> SyncGroupResponse {
    SyncGroupResponse {
        error_code: error,
        protocol_name: None,
        assignment: Vec::new(),
    }
}

/// `classicGroupSyncToConsumerGroup`: the member's assignment as it stands (what it may own at its
/// epoch), unless a newer epoch asks it to rejoin first.
pub(crate) fn classic_group_sync_to_consumer_group(
    group: &mut ConsumerGroup,
    req: &SyncGroupRequest,
    ctx: &mut HandlerCtx,
) -> SyncGroupResponse {
    if group.members.is_empty() {
        return sync_error(Errors::UnknownMemberId);
    }
    let member = match classic_member(group, &req.member_id, req.group_instance_id.as_deref()) {
        Ok(m) => m.clone(),
        Err(error) => return sync_error(error),
    };
    if member.member_epoch != req.generation_id {
        return sync_error(Errors::IllegalGeneration);
    }
    let protocol = member
        .classic
        .as_ref()
        .and_then(|c| c.supported_protocols.first())
        .map(|p| p.name.clone());
    if req.protocol_name.is_some() && req.protocol_name != protocol {
        return sync_error(Errors::InconsistentGroupProtocol);
    }
    // `throwIfRebalanceInProgress`: a member still revoking finishes that first.
    if group.group_epoch > member.member_epoch
        && member.state != MemberAssignmentState::UnrevokedPartitions
    {
        let timeout = member.rebalance_timeout_ms;
        schedule_join_timeout_if_absent(group, &member.member_id, timeout, ctx);
        return sync_error(Errors::RebalanceInProgress);
    }
    ctx.out.cancel_timer(TimerKey::ConsumerGroupSync {
        group: group.group_id.clone(),
        member_id: member.member_id.clone(),
    });
    let session = member.classic.as_ref().map_or(0, |c| c.session_timeout_ms);
    schedule_session_timeout(&group.group_id, &member.member_id, session, ctx);
    SyncGroupResponse {
        error_code: Errors::None,
        protocol_name: req.protocol_name.clone(),
        assignment: member.assigned.iter().cloned().collect(),
    }
}

/// `classicGroupHeartbeatToConsumerGroup`: renews the session; REBALANCE_IN_PROGRESS when the group
/// epoch moved past the member's, when it must revoke, or when the partitions it waited for are free.
pub(crate) fn classic_group_heartbeat_to_consumer_group(
    group: &mut ConsumerGroup,
    req: &HeartbeatRequest,
    ctx: &mut HandlerCtx,
) -> Errors {
    let member = match classic_member(group, &req.member_id, req.group_instance_id.as_deref()) {
        Ok(m) => m.clone(),
        Err(error) => return error,
    };
    if member.member_epoch != req.generation_id {
        return Errors::IllegalGeneration;
    }
    let session = member.classic.as_ref().map_or(0, |c| c.session_timeout_ms);
    schedule_session_timeout(&group.group_id, &member.member_id, session, ctx);
    let rejoin = member.member_epoch < group.group_epoch
        || member.state == MemberAssignmentState::UnrevokedPartitions
        || (member.state == MemberAssignmentState::UnreleasedPartitions
            && !group.waiting_on_unreleased_partition(&member));
    if rejoin {
        let timeout = member.rebalance_timeout_ms;
        schedule_join_timeout_if_absent(group, &member.member_id, timeout, ctx);
        Errors::RebalanceInProgress
    } else {
        Errors::None
    }
}

/// `classicGroupLeaveToConsumerGroup`: each listed member that exists is fenced (which may convert
/// the group back to a classic one).
pub(crate) fn classic_group_leave_to_consumer_group(
    group: &mut ConsumerGroup,
    req: &LeaveGroupRequest,
    ctx: &mut HandlerCtx,
) -> LeaveGroupResponse {
    let mut results = Vec::new();
    for identity in &req.members {
        let found = match identity.group_instance_id.as_deref() {
            None => group
                .member(&identity.member_id)
                .map(|m| m.member_id.clone())
                .ok_or(Errors::UnknownMemberId),
            Some(instance) => match group.static_member(instance) {
                None => Err(Errors::UnknownMemberId),
                Some(m) if !identity.member_id.is_empty() && m.member_id != identity.member_id => {
                    Err(Errors::FencedInstanceId)
                }
                Some(m) => Ok(m.member_id.clone()),
            },
        };
        match found {
            Ok(member_id) => {
                results.push((identity.member_id.clone(), Errors::None));
                fence_member(group, &member_id, ConsumerGroupRemoval::ClassicLeft, ctx);
            }
            Err(error) => results.push((identity.member_id.clone(), error)),
        }
    }
    LeaveGroupResponse {
        error_code: Errors::None,
        members: results,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::actor::Out;
    use crate::sim::config::BrokerConfig;
    use crate::sim::protocol::{
        ConsumerProtocolSubscription, JoinGroupRequestProtocol, JoinReason,
    };
    use crate::sim::rng::SimRng;
    use crate::sim::vocab::Endpoint;
    use std::collections::BTreeMap;

    fn static_join(member_id: &str, instance: &str) -> JoinGroupRequest {
        JoinGroupRequest {
            group_id: "g".into(),
            session_timeout_ms: 45_000,
            rebalance_timeout_ms: 300_000,
            member_id: member_id.into(),
            group_instance_id: Some(instance.into()),
            protocol_type: "consumer".into(),
            protocols: vec![JoinGroupRequestProtocol {
                name: "range".into(),
                metadata: ConsumerProtocolSubscription {
                    topics: vec!["t".into()],
                    owned_partitions: Vec::new(),
                    generation_id: -1,
                    rack_id: None,
                    sticky_user_data: None,
                },
            }],
            reason: JoinReason::None,
            client_id: "c2".into(),
        }
    }

    /// A classic static member that already has its id must still hold its instance id in the
    /// consumer group: UNKNOWN_MEMBER_ID once it is gone, FENCED_INSTANCE_ID if another member
    /// holds it (`throwIfStaticMemberIsUnknown`, `throwIfInstanceIdIsFenced`), and nothing changes.
    #[test]
    fn a_classic_static_join_with_a_stale_member_id_is_refused_as_kafka_refuses_it() {
        let mut group = ConsumerGroup::new("g");
        let mut holder = ConsumerGroupMember::new("m2", "c2");
        holder.instance_id = Some("i2".into());
        holder.member_epoch = 3;
        holder.classic = Some(ClassicMemberMetadata {
            session_timeout_ms: 45_000,
            supported_protocols: static_join("m2", "i2").protocols,
        });
        group.put_member(holder);
        let config = BrokerConfig::default();
        let topics = BTreeMap::from([("t".to_string(), 6)]);
        let mut topic_ids = BTreeMap::new();
        let mut rng = SimRng::new(7);
        let mut out = Out::default();
        let mut ctx = HandlerCtx {
            now: 0,
            config: &config,
            topics: &topics,
            topic_ids: &mut topic_ids,
            rng: &mut rng,
            out: &mut out,
        };
        let from = ReplyTo {
            endpoint: Endpoint::Consumer {
                handle: "c2".into(),
                incarnation: 1,
            },
            correlation_id: 1,
        };
        let before = group.members.clone();
        for (member_id, instance, error) in [
            ("old", "i2", Errors::FencedInstanceId),
            ("m9", "i9", Errors::UnknownMemberId),
        ] {
            let answer = classic_group_join_to_consumer_group(
                &mut group,
                &static_join(member_id, instance),
                &from,
                &mut ctx,
            );
            assert_eq!(answer.error_code, error, "{member_id} {instance}");
            assert_eq!(group.members, before);
        }
        let answer = classic_group_join_to_consumer_group(
            &mut group,
            &static_join("m2", "i2"),
            &from,
            &mut ctx,
        );
        assert_eq!(answer.error_code, Errors::None);
    }
}
