//! SyncGroup (Kafka's `GroupMetadataManager.classicGroupSync` and `classicGroupSyncToClassicGroup`): the
//! members collect the assignment the leader computed. And assignment propagation
//! (`setAndPropagateAssignment`, `resetAndPropagateAssignmentWithError`, `propagateAssignment`), which
//! answers the SyncGroups parked during CompletingRebalance.

use super::group::ClassicGroup;
use super::member::ReplyTo;
use super::GroupCtx;
use crate::sim::protocol::{
    Errors, Response, SyncGroupRequest, SyncGroupRequestAssignment, SyncGroupResponse,
};
use crate::sim::sort::CollectBTree;
use crate::sim::trace::TraceEvent;
use crate::sim::vocab::ClassicGroupState;
use std::collections::BTreeMap;

/// A SyncGroup response that carries only an error.
pub(super) fn sync_error(error: Errors) -> Response {
    Response::SyncGroup(Box::new(SyncGroupResponse {
        error_code: error,
        protocol_name: None,
        assignment: Vec::new(),
    }))
}

/// `classicGroupSync`: an unknown group, or one without members, knows no member.
pub(super) fn classic_group_sync(
    group: Option<&mut ClassicGroup>,
    req: SyncGroupRequest,
    from: ReplyTo,
    ctx: &mut GroupCtx,
) {
    match group {
        Some(group) if group.num_members() > 0 => sync_group(group, req, from, ctx),
        _ => ctx.reply(&from, sync_error(Errors::UnknownMemberId)),
    }
}

/// `classicGroupSyncToClassicGroup`.
fn sync_group(group: &mut ClassicGroup, req: SyncGroupRequest, from: ReplyTo, ctx: &mut GroupCtx) {
    if let Err(error) = validate_sync_group(group, &req) {
        return ctx.reply(&from, sync_error(error));
    }
    match group.state {
        // Not reached (an Empty group has no members, so `validate_sync_group` already answered
        // UNKNOWN_MEMBER_ID), and Kafka's answer in this state all the same, as the state table says.
        ClassicGroupState::Empty => ctx.reply(&from, sync_error(Errors::UnknownMemberId)),
        ClassicGroupState::PreparingRebalance => {
            ctx.reply(&from, sync_error(Errors::RebalanceInProgress))
        }
        ClassicGroupState::CompletingRebalance => {
            sync_while_completing_rebalance(group, req, from, ctx)
        }
        ClassicGroupState::Stable => sync_while_stable(group, &req.member_id, &from, ctx),
        ClassicGroupState::Dead => ctx.reply(&from, sync_error(Errors::CoordinatorNotAvailable)),
    }
}

/// `validateSyncGroup`: the member, its generation and the protocol it synced for. (Kafka answers a Dead
/// group COORDINATOR_NOT_AVAILABLE before these checks; the model never enters Dead.)
fn validate_sync_group(group: &ClassicGroup, req: &SyncGroupRequest) -> Result<(), Errors> {
    group.validate_member(&req.member_id, req.group_instance_id.as_deref())?;
    if req.generation_id != group.generation_id {
        return Err(Errors::IllegalGeneration);
    }
    if req.protocol_name.is_some() && req.protocol_name != group.protocol_name {
        return Err(Errors::InconsistentGroupProtocol);
    }
    Ok(())
}

/// The SyncGroup is parked. The leader's brings the assignment: it answers every parked SyncGroup and the
/// group is Stable. (Kafka first writes the assignment to its log and re-checks state and generation when
/// the write completes; the model's write is instant.)
fn sync_while_completing_rebalance(
    group: &mut ClassicGroup,
    req: SyncGroupRequest,
    from: ReplyTo,
    ctx: &mut GroupCtx,
) {
    if let Some(member) = group.member_mut(&req.member_id) {
        member.awaiting_sync = Some(from);
    }
    remove_pending_sync_member(group, &req.member_id, ctx);
    if group.is_leader(&req.member_id) {
        set_and_propagate_assignment(group, req.assignments, ctx);
        ctx.transition(group, ClassicGroupState::Stable);
        record_rebalance_completed(group, ctx);
    }
}

/// A Stable group answers at once with the member's current assignment.
fn sync_while_stable(
    group: &mut ClassicGroup,
    member_id: &str,
    from: &ReplyTo,
    ctx: &mut GroupCtx,
) {
    remove_pending_sync_member(group, member_id, ctx);
    let response = SyncGroupResponse {
        error_code: Errors::None,
        protocol_name: group.protocol_name.clone(),
        assignment: group
            .member(member_id)
            .map(|m| m.assignment.clone())
            .unwrap_or_default(),
    };
    ctx.reply(from, Response::SyncGroup(Box::new(response)));
}

/// `removePendingSyncMember`: once every member has synced, the pending-sync timer stops.
fn remove_pending_sync_member(group: &mut ClassicGroup, member_id: &str, ctx: &mut GroupCtx) {
    group.pending_sync_members.remove(member_id);
    if group.pending_sync_members.is_empty() {
        ctx.cancel_sync_timer(&group.group_id);
    }
}

fn record_rebalance_completed(group: &mut ClassicGroup, ctx: &mut GroupCtx) {
    let started_at = group.rebalance_started_at.take().unwrap_or(ctx.now);
    ctx.out.record(TraceEvent::RebalanceCompleted {
        group: group.group_id.clone(),
        generation: group.generation_id,
        started_at,
        duration_ms: ctx.now.saturating_sub(started_at),
    });
}

// ---------------------------------------------------------------------------------------------
// Assignment propagation
// ---------------------------------------------------------------------------------------------

/// `setAndPropagateAssignment`: the leader's assignment, and an empty one for any member it left out.
fn set_and_propagate_assignment(
    group: &mut ClassicGroup,
    assignments: Vec<SyncGroupRequestAssignment>,
    ctx: &mut GroupCtx,
) {
    let mut assignment: BTreeMap<String, Vec<_>> = assignments
        .into_iter()
        .map(|a| (a.member_id, a.assignment))
        .collect_map();
    for member in group.members_mut() {
        member.assignment = assignment.remove(&member.member_id).unwrap_or_default();
    }
    propagate_assignment(group, Errors::None, ctx);
}

/// `resetAndPropagateAssignmentWithError`: a rebalance restarted during CompletingRebalance; the parked
/// SyncGroups get the error (REBALANCE_IN_PROGRESS) and no assignment.
pub(super) fn reset_and_propagate_assignment_with_error(
    group: &mut ClassicGroup,
    error: Errors,
    ctx: &mut GroupCtx,
) {
    for member in group.members_mut() {
        member.assignment.clear();
    }
    propagate_assignment(group, error, ctx);
}

/// `propagateAssignment`: every parked SyncGroup is answered, and that member's session starts again: a
/// session that expired while the member was parked was ignored (`has_satisfied_heartbeat`) and left no
/// timer behind.
fn propagate_assignment(group: &mut ClassicGroup, error: Errors, ctx: &mut GroupCtx) {
    let protocol_name = if error == Errors::None {
        group.protocol_name.clone()
    } else {
        None
    };
    let gid = group.group_id.clone();
    for id in group.member_ids() {
        let Some(member) = group.member_mut(&id) else {
            continue;
        };
        if let Some(reply_to) = member.awaiting_sync.take() {
            let response = SyncGroupResponse {
                error_code: error,
                protocol_name: protocol_name.clone(),
                assignment: member.assignment.clone(),
            };
            let session = member.session_timeout_ms;
            ctx.reply(&reply_to, Response::SyncGroup(Box::new(response)));
            ctx.reschedule_heartbeat(&gid, &id, session);
        }
    }
}
