//! Heartbeat (Kafka's `GroupMetadataManager.classicGroupHeartbeat` and
//! `classicGroupHeartbeatToClassicGroup`) and session expiry (`expireClassicGroupMemberHeartbeat`): a
//! member that neither heartbeats nor waits in a JoinGroup or SyncGroup for `session.timeout.ms` is
//! removed, and the group rebalances.

use super::group::ClassicGroup;
use super::member::ReplyTo;
use super::rebalance::{complete_join, maybe_prepare_rebalance_or_complete_join, remove_member};
use super::GroupCtx;
use crate::sim::protocol::{
    Errors, HeartbeatRequest, HeartbeatResponse, JoinGroupResponse, Response,
};
use crate::sim::vocab::{ClassicGroupState, RebalanceReason, RemovalCause};

/// `classicGroupHeartbeat`: an unknown group knows no member.
pub(super) fn classic_group_heartbeat(
    group: Option<&mut ClassicGroup>,
    req: &HeartbeatRequest,
    from: &ReplyTo,
    ctx: &mut GroupCtx,
) {
    let error = match group {
        Some(group) => heartbeat(group, req, ctx),
        None => Errors::UnknownMemberId,
    };
    ctx.reply(
        from,
        Response::Heartbeat(HeartbeatResponse { error_code: error }),
    );
}

/// `classicGroupHeartbeatToClassicGroup`: a valid heartbeat renews the member's session, and during
/// PreparingRebalance tells it to rejoin.
fn heartbeat(group: &mut ClassicGroup, req: &HeartbeatRequest, ctx: &mut GroupCtx) -> Errors {
    if let Err(error) = validate_classic_group_heartbeat(group, req) {
        return error;
    }
    let session = group
        .member(&req.member_id)
        .map(|m| m.session_timeout_ms)
        .unwrap_or(0);
    let gid = group.group_id.clone();
    match group.state {
        ClassicGroupState::Empty => Errors::UnknownMemberId,
        ClassicGroupState::PreparingRebalance => {
            ctx.reschedule_heartbeat(&gid, &req.member_id, session);
            Errors::RebalanceInProgress
        }
        // A member may heartbeat as soon as its JoinGroup is answered, before the leader's SyncGroup:
        // Kafka treats that as a normal heartbeat.
        ClassicGroupState::CompletingRebalance | ClassicGroupState::Stable => {
            ctx.reschedule_heartbeat(&gid, &req.member_id, session);
            Errors::None
        }
        ClassicGroupState::Dead => Errors::CoordinatorNotAvailable,
    }
}

/// `validateClassicGroupHeartbeat`: the member and its generation. (Kafka answers a Dead group
/// COORDINATOR_NOT_AVAILABLE before these checks; the model never enters Dead.)
fn validate_classic_group_heartbeat(
    group: &ClassicGroup,
    req: &HeartbeatRequest,
) -> Result<(), Errors> {
    group.validate_member(&req.member_id, req.group_instance_id.as_deref())?;
    if req.generation_id != group.generation_id {
        return Err(Errors::IllegalGeneration);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Session expiry
// ---------------------------------------------------------------------------------------------

/// `expireClassicGroupMemberHeartbeat`: the session timer fired. A pending member (MEMBER_ID_REQUIRED
/// given, never rejoined) is dropped; a member parked in a JoinGroup or SyncGroup is still alive, unless it
/// is new in this join phase (its timer is the new-member join timeout).
pub(super) fn expire_member_heartbeat(
    group: &mut ClassicGroup,
    member_id: &str,
    ctx: &mut GroupCtx,
) {
    if group.is_in_state(ClassicGroupState::Dead) {
        return;
    }
    if group.pending_join_members.contains(member_id) {
        remove_pending_member_and_update_group(group, member_id, ctx);
        return;
    }
    let Some(member) = group.member(member_id) else {
        return;
    };
    if member.has_satisfied_heartbeat() {
        return;
    }
    remove_member_and_update_group(
        group,
        member_id,
        RemovalCause::SessionExpired,
        RebalanceReason::SessionExpired {
            member_id: member_id.to_string(),
        },
        ctx,
    );
}

/// `removePendingMemberAndUpdateClassicGroup`: the join phase may have been waiting only for it.
fn remove_pending_member_and_update_group(
    group: &mut ClassicGroup,
    member_id: &str,
    ctx: &mut GroupCtx,
) {
    group.remove(member_id);
    if group.is_in_state(ClassicGroupState::PreparingRebalance) && group.has_all_members_joined() {
        complete_join(group, ctx);
    }
}

/// `removeMemberAndUpdateClassicGroup`: a parked join is answered UNKNOWN_MEMBER_ID first (so a client
/// that is still there joins again), then the group rebalances or its join phase may complete.
fn remove_member_and_update_group(
    group: &mut ClassicGroup,
    member_id: &str,
    cause: RemovalCause,
    reason: RebalanceReason,
    ctx: &mut GroupCtx,
) {
    if let Some(reply_to) = group
        .member_mut(member_id)
        .and_then(|m| m.awaiting_join.take())
    {
        ctx.reply(
            &reply_to,
            Response::JoinGroup(Box::new(JoinGroupResponse::error(
                Errors::UnknownMemberId,
                "",
            ))),
        );
    }
    remove_member(group, member_id, cause, ctx);
    match group.state {
        ClassicGroupState::Empty => {}
        ClassicGroupState::PreparingRebalance => {
            if group.has_all_members_joined() {
                complete_join(group, ctx);
            }
        }
        ClassicGroupState::CompletingRebalance | ClassicGroupState::Stable => {
            maybe_prepare_rebalance_or_complete_join(group, reason, ctx)
        }
        ClassicGroupState::Dead => {}
    }
}
