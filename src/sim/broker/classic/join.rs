//! JoinGroup (Kafka's `GroupMetadataManager.classicGroupJoin` and `classicGroupJoinToClassicGroup`): a
//! member without an id gets one (`classicGroupJoinNewMember`: static or dynamic), a known member rejoins
//! (`classicGroupJoinExistingMember`), and either way the JoinGroup is parked until the join phase
//! completes, or answered at once with the current generation when nothing needs to change.

use super::group::ClassicGroup;
use super::member::{ClassicGroupMember, ReplyTo};
use super::rebalance::{
    maybe_complete_join_phase, maybe_prepare_rebalance_or_complete_join, prepare_rebalance,
};
use super::sync::sync_error;
use super::GroupCtx;
use crate::sim::config::BrokerConfig;
use crate::sim::protocol::{Errors, JoinGroupRequest, JoinGroupResponse, Response};
use crate::sim::rng::SimRng;
use crate::sim::trace::TraceEvent;
use crate::sim::vocab::{ClassicGroupState, RebalanceReason, RemovalCause};
use std::collections::BTreeMap;

fn reply_error(ctx: &mut GroupCtx, to: &ReplyTo, error: Errors, member_id: &str) {
    let response = JoinGroupResponse::error(error, member_id);
    ctx.reply(to, Response::JoinGroup(Box::new(response)));
}

/// `classicGroupJoin`: the session timeout is checked first (as `GroupCoordinatorService.joinGroup` does),
/// then the group is found, or created for a member without an id, and must have room for the member.
pub(super) fn classic_group_join(
    groups: &mut BTreeMap<String, ClassicGroup>,
    req: JoinGroupRequest,
    from: ReplyTo,
    ctx: &mut GroupCtx,
) {
    let config = ctx.config;
    if !valid_session_timeout(config, &req) {
        return reply_error(ctx, &from, Errors::InvalidSessionTimeout, &req.member_id);
    }
    let is_unknown_member = req.member_id.is_empty();
    let Some(group) = get_or_maybe_create_classic_group(groups, &req.group_id, is_unknown_member)
    else {
        return reply_error(ctx, &from, Errors::UnknownMemberId, &req.member_id);
    };

    if !accept_joining_member(group, &req.member_id, config.group_max_size as usize) {
        group.remove(&req.member_id);
        reply_error(ctx, &from, Errors::GroupMaxSizeReached, "");
    } else if is_unknown_member {
        join_new_member(group, req, from, ctx);
    } else {
        join_existing_member(group, req, from, ctx);
    }
}

fn valid_session_timeout(config: &BrokerConfig, req: &JoinGroupRequest) -> bool {
    (config.group_min_session_timeout_ms..=config.group_max_session_timeout_ms)
        .contains(&req.session_timeout_ms)
}

/// `getOrMaybeCreateClassicGroup`: a group is created only for a member without an id; a member id for
/// a group that does not exist is unknown.
fn get_or_maybe_create_classic_group<'a>(
    groups: &'a mut BTreeMap<String, ClassicGroup>,
    group_id: &str,
    create_if_not_exists: bool,
) -> Option<&'a mut ClassicGroup> {
    if !groups.contains_key(group_id) {
        if !create_if_not_exists {
            return None;
        }
        groups.insert(group_id.to_string(), ClassicGroup::new(group_id));
    }
    groups.get_mut(group_id)
}

/// `acceptJoiningMember`: `group.max.size`. During PreparingRebalance Kafka counts the members awaiting a
/// join response, not all members: the group may already be over a lowered maximum, and this way the last
/// members to rejoin are the ones turned away.
fn accept_joining_member(group: &ClassicGroup, member_id: &str, max_size: usize) -> bool {
    match group.state {
        ClassicGroupState::Empty => true,
        ClassicGroupState::PreparingRebalance => {
            group
                .member(member_id)
                .is_some_and(|m| m.is_awaiting_join())
                || group.num_awaiting_join_response() < max_size
        }
        // Members that did not rejoin were removed when the join phase completed: the size is reliable.
        ClassicGroupState::CompletingRebalance | ClassicGroupState::Stable => {
            group.has_member(member_id) || group.num_members() < max_size
        }
        ClassicGroupState::Dead => true,
    }
}

// ---------------------------------------------------------------------------------------------
// A member without an id
// ---------------------------------------------------------------------------------------------

/// `classicGroupJoinNewMember`. (Kafka answers a Dead group COORDINATOR_NOT_AVAILABLE first; the model
/// never enters Dead.)
fn join_new_member(
    group: &mut ClassicGroup,
    req: JoinGroupRequest,
    from: ReplyTo,
    ctx: &mut GroupCtx,
) {
    if !group.supports_protocols(&req.protocol_type, &req.protocols) {
        return reply_error(ctx, &from, Errors::InconsistentGroupProtocol, "");
    }
    let new_member_id = generate_member_id(&req, ctx.rng);
    match req.group_instance_id.clone() {
        Some(instance) => join_new_static_member(group, req, from, &instance, &new_member_id, ctx),
        None => join_new_dynamic_member(group, req, from, &new_member_id, ctx),
    }
}

/// `generateMemberId`: the `group.instance.id` (static) or the `client.id` (dynamic), then a UUID.
fn generate_member_id(req: &JoinGroupRequest, rng: &mut SimRng) -> String {
    let prefix = req
        .group_instance_id
        .clone()
        .unwrap_or_else(|| req.client_id.clone());
    format!("{prefix}-{}", rng.uuid_v4())
}

/// `classicGroupJoinNewStaticMember`: a known `group.instance.id` takes over its old member id's place;
/// an unknown one is added like any new member.
fn join_new_static_member(
    group: &mut ClassicGroup,
    req: JoinGroupRequest,
    from: ReplyTo,
    instance: &str,
    new_member_id: &str,
    ctx: &mut GroupCtx,
) {
    match group.static_member_id(instance).cloned() {
        Some(old_member_id) => update_static_member_then_rebalance_or_complete_join(
            group,
            req,
            from,
            &old_member_id,
            new_member_id,
            ctx,
        ),
        None => add_member_then_rebalance_or_complete_join(group, req, from, new_member_id, ctx),
    }
}

/// `classicGroupJoinNewDynamicMember`, KIP-394: the member id is required. It is recorded as pending, with
/// a session timer, and MEMBER_ID_REQUIRED makes the client come back with it.
fn join_new_dynamic_member(
    group: &mut ClassicGroup,
    req: JoinGroupRequest,
    from: ReplyTo,
    new_member_id: &str,
    ctx: &mut GroupCtx,
) {
    group.pending_join_members.insert(new_member_id.to_string());
    let gid = group.group_id.clone();
    ctx.reschedule_heartbeat(&gid, new_member_id, req.session_timeout_ms);
    reply_error(ctx, &from, Errors::MemberIdRequired, new_member_id);
}

/// `addMemberThenRebalanceOrCompleteJoin`.
fn add_member_then_rebalance_or_complete_join(
    group: &mut ClassicGroup,
    req: JoinGroupRequest,
    from: ReplyTo,
    member_id: &str,
    ctx: &mut GroupCtx,
) {
    let member = ClassicGroupMember {
        member_id: member_id.to_string(),
        group_instance_id: req.group_instance_id.clone(),
        client_id: req.client_id.clone(),
        consumer: from.consumer_handle(),
        rebalance_timeout_ms: req.rebalance_timeout_ms,
        session_timeout_ms: req.session_timeout_ms,
        protocol_type: req.protocol_type.clone(),
        supported_protocols: req.protocols,
        assignment: Vec::new(),
        awaiting_join: Some(from),
        awaiting_sync: None,
        is_new: true,
    };
    // A member joining during the initial join phase makes its delay re-arm.
    if group.is_in_state(ClassicGroupState::PreparingRebalance)
        && group.previous_state == ClassicGroupState::Empty
    {
        group.new_member_added = true;
    }
    ctx.out.record(TraceEvent::MemberAdded {
        group: group.group_id.clone(),
        member_id: member_id.to_string(),
        consumer: member.consumer.clone(),
    });
    group.add(member);
    // A parked new member cannot heartbeat; its join times out after the new-member join timeout instead
    // (`group.classic.new.member.join.timeout.ms`), so a client that gave up leaves no defunct member.
    let gid = group.group_id.clone();
    let timeout = ctx.config.group_classic_new_member_join_timeout_ms;
    ctx.reschedule_heartbeat(&gid, member_id, timeout);
    maybe_prepare_rebalance_or_complete_join(
        group,
        RebalanceReason::MemberJoined {
            member_id: member_id.to_string(),
        },
        ctx,
    );
}

/// `updateStaticMemberThenRebalanceOrCompleteJoin`: the new member id takes over the old one's place,
/// assignment and leadership; whatever the old id still has parked is fenced.
fn update_static_member_then_rebalance_or_complete_join(
    group: &mut ClassicGroup,
    req: JoinGroupRequest,
    from: ReplyTo,
    old_member_id: &str,
    new_member_id: &str,
    ctx: &mut GroupCtx,
) {
    let instance = req.group_instance_id.clone().unwrap_or_default();
    let gid = group.group_id.clone();
    let Some(mut old) = group.replace_static_member(&instance, old_member_id, new_member_id) else {
        return;
    };
    fence_replaced_static_member(&mut old, old_member_id, ctx);
    ctx.out.record(TraceEvent::MemberRemoved {
        group: gid.clone(),
        member_id: old_member_id.to_string(),
        consumer: old.consumer.clone(),
        cause: RemovalCause::ReplacedByStaticMember,
    });
    ctx.out.record(TraceEvent::MemberAdded {
        group: gid.clone(),
        member_id: new_member_id.to_string(),
        consumer: from.consumer_handle(),
    });
    // The old id's session timer would find no member; the new id's session starts now.
    ctx.cancel_heartbeat(&gid, old_member_id);
    ctx.reschedule_heartbeat(&gid, new_member_id, old.session_timeout_ms);
    group.update_member(
        new_member_id,
        req.protocols,
        req.rebalance_timeout_ms,
        req.session_timeout_ms,
        from.clone(),
    );

    match group.state {
        // Not reached: an Empty group has no static members (Kafka throws here).
        ClassicGroupState::Empty => {}
        ClassicGroupState::PreparingRebalance => maybe_complete_join_phase(group, ctx),
        // The leader may already have computed an assignment keyed by the old id: start over.
        ClassicGroupState::CompletingRebalance => prepare_rebalance(
            group,
            RebalanceReason::StaticMemberReplaced {
                member_id: new_member_id.to_string(),
            },
            ctx,
        ),
        ClassicGroupState::Stable => {
            if group.protocol_name == group.select_protocol() {
                resume_static_member(group, new_member_id, &instance, &from, ctx);
            } else {
                let reason = RebalanceReason::ProtocolChanged {
                    member_id: new_member_id.to_string(),
                };
                maybe_prepare_rebalance_or_complete_join(group, reason, ctx);
            }
        }
        // Not reached: the model never enters Dead (Kafka throws here).
        ClassicGroupState::Dead => {}
    }
}

/// The replaced member id's parked JoinGroup and SyncGroup get FENCED_INSTANCE_ID.
fn fence_replaced_static_member(
    old: &mut ClassicGroupMember,
    old_member_id: &str,
    ctx: &mut GroupCtx,
) {
    if let Some(reply_to) = old.awaiting_join.take() {
        reply_error(ctx, &reply_to, Errors::FencedInstanceId, old_member_id);
    }
    if let Some(reply_to) = old.awaiting_sync.take() {
        ctx.reply(&reply_to, sync_error(Errors::FencedInstanceId));
    }
}

/// A static member rejoined a Stable group without changing its protocol: no rebalance. The stored
/// assignment stays, and a former leader gets the members with `skipAssignment` (KIP-814).
fn resume_static_member(
    group: &mut ClassicGroup,
    member_id: &str,
    instance: &str,
    from: &ReplyTo,
    ctx: &mut GroupCtx,
) {
    let is_leader = group.is_leader(member_id);
    let response = current_generation_join_response(group, member_id, is_leader, is_leader);
    if let Some(member) = group.member_mut(member_id) {
        member.awaiting_join = None;
    }
    ctx.out.record(TraceEvent::StaticMemberResumed {
        group: group.group_id.clone(),
        group_instance_id: instance.to_string(),
        consumer: from.consumer_handle(),
        generation: group.generation_id,
    });
    ctx.reply(from, Response::JoinGroup(Box::new(response)));
}

// ---------------------------------------------------------------------------------------------
// A member with an id
// ---------------------------------------------------------------------------------------------

/// `classicGroupJoinExistingMember`: a pending member completes its join; a known member rejoins.
fn join_existing_member(
    group: &mut ClassicGroup,
    req: JoinGroupRequest,
    from: ReplyTo,
    ctx: &mut GroupCtx,
) {
    let member_id = req.member_id.clone();
    if !group.supports_protocols(&req.protocol_type, &req.protocols) {
        return reply_error(ctx, &from, Errors::InconsistentGroupProtocol, &member_id);
    }
    if group.pending_join_members.contains(&member_id) {
        return add_member_then_rebalance_or_complete_join(group, req, from, &member_id, ctx);
    }
    if let Err(error) = group.validate_member(&member_id, req.group_instance_id.as_deref()) {
        return reply_error(ctx, &from, error, &member_id);
    }
    rejoin_member(group, req, from, ctx);
}

/// The state switch of `classicGroupJoinExistingMember`, for a validated member.
fn rejoin_member(
    group: &mut ClassicGroup,
    req: JoinGroupRequest,
    from: ReplyTo,
    ctx: &mut GroupCtx,
) {
    let member_id = req.member_id.clone();
    let is_leader = group.is_leader(&member_id);
    let matches = group
        .member(&member_id)
        .is_some_and(|m| m.matches(&req.protocols));
    let leader_rejoined = RebalanceReason::LeaderRejoined {
        member_id: member_id.clone(),
        client_reason: req.reason.clone(),
    };
    let changed = RebalanceReason::MemberMetadataChanged {
        member_id: member_id.clone(),
        client_reason: req.reason.clone(),
    };
    match group.state {
        // Not reached: an Empty group has no members, so the member failed validation.
        ClassicGroupState::Empty => reply_error(ctx, &from, Errors::UnknownMemberId, &member_id),
        ClassicGroupState::PreparingRebalance => {
            let reason = if is_leader { leader_rejoined } else { changed };
            update_member_then_rebalance_or_complete_join(group, req, from, reason, ctx);
        }
        ClassicGroupState::CompletingRebalance => {
            if matches {
                // It missed the JoinGroup response: repeat it for the current generation.
                let response =
                    current_generation_join_response(group, &member_id, is_leader, false);
                ctx.reply(&from, Response::JoinGroup(Box::new(response)));
            } else {
                update_member_then_rebalance_or_complete_join(group, req, from, changed, ctx);
            }
        }
        ClassicGroupState::Stable => {
            if is_leader {
                // Any JoinGroup from the leader rebalances: this is how it reports changes that affect
                // the assignment but not its metadata (topic metadata, for a consumer).
                update_member_then_rebalance_or_complete_join(
                    group,
                    req,
                    from,
                    leader_rejoined,
                    ctx,
                );
            } else if !matches {
                update_member_then_rebalance_or_complete_join(group, req, from, changed, ctx);
            } else {
                // A follower with unchanged metadata goes straight on to SyncGroup.
                let response = current_generation_join_response(group, &member_id, false, false);
                ctx.reply(&from, Response::JoinGroup(Box::new(response)));
            }
        }
        // Not reached (the model never enters Dead); Kafka's answer, as the state table says.
        ClassicGroupState::Dead => {
            reply_error(ctx, &from, Errors::CoordinatorNotAvailable, &member_id)
        }
    }
}

/// `updateMemberThenRebalanceOrCompleteJoin`.
fn update_member_then_rebalance_or_complete_join(
    group: &mut ClassicGroup,
    req: JoinGroupRequest,
    from: ReplyTo,
    reason: RebalanceReason,
    ctx: &mut GroupCtx,
) {
    group.update_member(
        &req.member_id,
        req.protocols,
        req.rebalance_timeout_ms,
        req.session_timeout_ms,
        from,
    );
    maybe_prepare_rebalance_or_complete_join(group, reason, ctx);
}

/// The JoinGroup response of the current generation, for a member that needs no rebalance.
fn current_generation_join_response(
    group: &ClassicGroup,
    member_id: &str,
    with_members: bool,
    skip_assignment: bool,
) -> JoinGroupResponse {
    JoinGroupResponse {
        error_code: Errors::None,
        generation_id: group.generation_id,
        protocol_name: group.protocol_name.clone(),
        leader: group.leader_id.clone().unwrap_or_default(),
        skip_assignment,
        member_id: member_id.to_string(),
        members: if with_members {
            group.current_members_for_leader()
        } else {
            Vec::new()
        },
    }
}
