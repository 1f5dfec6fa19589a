//! A classic group's rebalance (Kafka's `GroupMetadataManager`): `prepareRebalance`, the join phase and its
//! end (`maybeCompleteJoinPhase`, `completeClassicGroupJoin`, the initial rebalance delay of
//! `tryCompleteInitialRebalanceElseSchedule`), `expirePendingSync`, and the state transitions and member
//! removals the trace records along the way.

use super::group::ClassicGroup;
use super::sync::reset_and_propagate_assignment_with_error;
use super::GroupCtx;
use crate::sim::protocol::{Errors, JoinGroupResponse, Response};
use crate::sim::time::Millis;
use crate::sim::timer::CoordinatorTimer;
use crate::sim::trace::TraceEvent;
use crate::sim::vocab::{ClassicGroupState, RebalanceReason, RemovalCause};

// ---------------------------------------------------------------------------------------------
// State transitions and member removal, as the trace records them
// ---------------------------------------------------------------------------------------------

fn consumer_of(group: &ClassicGroup, member_id: &str) -> String {
    group
        .member(member_id)
        .map(|m| m.consumer.clone())
        .unwrap_or_default()
}

/// `remove`, recorded with its cause.
pub(super) fn remove_member(
    group: &mut ClassicGroup,
    member_id: &str,
    cause: RemovalCause,
    ctx: &mut GroupCtx,
) {
    let consumer = consumer_of(group, member_id);
    if group.remove(member_id).is_some() {
        ctx.out.record(TraceEvent::MemberRemoved {
            group: group.group_id.clone(),
            member_id: member_id.to_string(),
            consumer,
            cause,
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Starting a rebalance
// ---------------------------------------------------------------------------------------------

/// `maybePrepareRebalanceOrCompleteJoin`: rebalance if the group may (Empty, CompletingRebalance,
/// Stable); during PreparingRebalance the change may instead be the last join the phase waited for.
pub(super) fn maybe_prepare_rebalance_or_complete_join(
    group: &mut ClassicGroup,
    reason: RebalanceReason,
    ctx: &mut GroupCtx,
) {
    if group.can_rebalance() {
        prepare_rebalance(group, reason, ctx);
    } else {
        maybe_complete_join_phase(group, ctx);
    }
}

/// `prepareRebalance`: members parked in SyncGroup are told to rejoin, the pending syncs are dropped, and
/// the join phase begins. A new group (from Empty) first waits `group.initial.rebalance.delay.ms` for
/// more members; otherwise the phase ends as soon as everyone has rejoined, or at the rebalance timeout.
pub(super) fn prepare_rebalance(
    group: &mut ClassicGroup,
    reason: RebalanceReason,
    ctx: &mut GroupCtx,
) {
    if group.is_in_state(ClassicGroupState::CompletingRebalance) {
        reset_and_propagate_assignment_with_error(group, Errors::RebalanceInProgress, ctx);
    }
    remove_sync_expiration(group, ctx);

    let is_initial = group.is_in_state(ClassicGroupState::Empty);
    if is_initial {
        let delay = ctx.config.group_initial_rebalance_delay_ms;
        let remaining = group.rebalance_timeout_ms().saturating_sub(delay);
        let id = group.group_id.clone();
        ctx.schedule_initial_delay(&id, delay, remaining);
    }
    // A rebalance that restarts before it completed keeps its start time.
    if !matches!(
        group.state,
        ClassicGroupState::PreparingRebalance | ClassicGroupState::CompletingRebalance
    ) {
        group.rebalance_started_at = Some(ctx.now);
    }
    ctx.transition(group, ClassicGroupState::PreparingRebalance);
    ctx.out.record(TraceEvent::RebalanceStarted {
        group: group.group_id.clone(),
        generation: group.generation_id,
        reason,
    });
    if !is_initial {
        maybe_complete_join_else_schedule(group, ctx);
    }
}

/// `removeSyncExpiration`: a new rebalance forgets who still owed a SyncGroup.
fn remove_sync_expiration(group: &mut ClassicGroup, ctx: &mut GroupCtx) {
    group.pending_sync_members.clear();
    ctx.cancel_sync_timer(&group.group_id);
}

// ---------------------------------------------------------------------------------------------
// Ending the join phase
// ---------------------------------------------------------------------------------------------

/// `maybeCompleteJoinElseSchedule`.
fn maybe_complete_join_else_schedule(group: &mut ClassicGroup, ctx: &mut GroupCtx) {
    if group.has_all_members_joined() {
        complete_join(group, ctx);
    } else {
        let timeout = group.rebalance_timeout_ms();
        let id = group.group_id.clone();
        ctx.schedule_join_timer(&id, timeout);
    }
}

/// `tryCompleteInitialRebalanceElseSchedule`: while members keep arriving, the initial delay re-arms (up to
/// the rebalance timeout in all); then the join phase ends.
pub(super) fn try_complete_initial_rebalance_else_schedule(
    group: &mut ClassicGroup,
    delay_ms: Millis,
    remaining_ms: Millis,
    ctx: &mut GroupCtx,
) {
    if group.new_member_added && remaining_ms != 0 {
        group.new_member_added = false;
        let new_delay = ctx
            .config
            .group_initial_rebalance_delay_ms
            .min(remaining_ms);
        let new_remaining = remaining_ms.saturating_sub(delay_ms);
        let id = group.group_id.clone();
        ctx.schedule_initial_delay(&id, new_delay, new_remaining);
    } else {
        complete_join(group, ctx);
    }
}

/// `maybeCompleteJoinPhase`: never during the initial (from Empty) join phase, which only its timer ends.
pub(super) fn maybe_complete_join_phase(group: &mut ClassicGroup, ctx: &mut GroupCtx) {
    if group.is_in_state(ClassicGroupState::PreparingRebalance)
        && group.previous_state != ClassicGroupState::Empty
        && group.has_all_members_joined()
    {
        complete_join(group, ctx);
    }
}

/// `completeClassicGroupJoin`: dynamic members that did not rejoin are removed, the next generation begins,
/// and every parked JoinGroup is answered (the leader's with the members' metadata).
pub(super) fn complete_join(group: &mut ClassicGroup, ctx: &mut GroupCtx) {
    let gid = group.group_id.clone();
    ctx.cancel_join_timer(&gid);
    if !group.is_in_state(ClassicGroupState::PreparingRebalance) {
        return;
    }
    remove_not_yet_rejoined_dynamic_members(group, ctx);

    if !group.maybe_elect_new_joined_leader() && group.num_members() > 0 {
        // Nobody rejoined: wait another rebalance timeout for the session timeouts to clear them out.
        let timeout = group.rebalance_timeout_ms();
        ctx.schedule_join_timer(&gid, timeout);
        return;
    }

    init_next_generation(group, ctx);
    ctx.out.record(TraceEvent::JoinPhaseCompleted {
        group: gid,
        generation: group.generation_id,
        protocol: group.protocol_name.clone(),
        leader: group.leader_id.clone(),
        members: group.member_ids(),
    });
    if group.num_members() == 0 {
        group.rebalance_started_at = None;
        return;
    }
    complete_join_futures(group, ctx);
    schedule_pending_sync(group, ctx);
}

/// Static members keep their place through a missed join: only their session timeout removes them.
fn remove_not_yet_rejoined_dynamic_members(group: &mut ClassicGroup, ctx: &mut GroupCtx) {
    let gid = group.group_id.clone();
    let not_rejoined: Vec<String> = group
        .all_members()
        .into_iter()
        .filter(|m| !m.is_awaiting_join() && !m.is_static())
        .map(|m| m.member_id.clone())
        .collect();
    for id in &not_rejoined {
        remove_member(group, id, RemovalCause::NotRejoined, ctx);
        ctx.cancel_heartbeat(&gid, id);
    }
}

/// `initNextGeneration`: CompletingRebalance with a newly selected protocol, or Empty if nobody is left.
fn init_next_generation(group: &mut ClassicGroup, ctx: &mut GroupCtx) {
    group.generation_id += 1;
    if group.num_members() > 0 {
        group.protocol_name = group.select_protocol();
        ctx.transition(group, ClassicGroupState::CompletingRebalance);
    } else {
        group.protocol_name = None;
        ctx.transition(group, ClassicGroupState::Empty);
        group.leader_id = None;
    }
    group.pending_sync_members.clear();
}

/// Every member gets its JoinGroup response, a fresh session, and is now owed a SyncGroup.
fn complete_join_futures(group: &mut ClassicGroup, ctx: &mut GroupCtx) {
    let gid = group.group_id.clone();
    let leader_members = group.current_members_for_leader();
    let leader = group.leader_id.clone().unwrap_or_default();
    for id in group.member_ids() {
        let is_leader = group.is_leader(&id);
        let response = JoinGroupResponse {
            error_code: Errors::None,
            generation_id: group.generation_id,
            protocol_name: group.protocol_name.clone(),
            leader: leader.clone(),
            skip_assignment: false,
            member_id: id.clone(),
            members: if is_leader {
                leader_members.clone()
            } else {
                Vec::new()
            },
        };
        let Some(member) = group.member_mut(&id) else {
            continue;
        };
        if let Some(reply_to) = member.awaiting_join.take() {
            ctx.reply(&reply_to, Response::JoinGroup(Box::new(response)));
        }
        let session = member.session_timeout_ms;
        member.is_new = false;
        ctx.reschedule_heartbeat(&gid, &id, session);
        group.pending_sync_members.insert(id);
    }
}

// ---------------------------------------------------------------------------------------------
// Pending syncs
// ---------------------------------------------------------------------------------------------

/// `schedulePendingSync`: members have one rebalance timeout to send SyncGroup.
fn schedule_pending_sync(group: &ClassicGroup, ctx: &mut GroupCtx) {
    let timer = CoordinatorTimer::PendingSyncTimeout {
        group: group.group_id.clone(),
        generation: group.generation_id,
    };
    ctx.set_timer(group.rebalance_timeout_ms(), timer);
}

/// `expirePendingSync`: members of this generation that never sent SyncGroup are removed and the group
/// rebalances. A timer from an older generation, or one that outlived the sync phase, does nothing.
pub(super) fn expire_pending_sync(group: &mut ClassicGroup, generation: i32, ctx: &mut GroupCtx) {
    if generation != group.generation_id
        || !matches!(
            group.state,
            ClassicGroupState::CompletingRebalance | ClassicGroupState::Stable
        )
        || group.pending_sync_members.is_empty()
    {
        return;
    }
    let pending: Vec<String> = group.pending_sync_members.iter().cloned().collect();
    let gid = group.group_id.clone();
    for id in &pending {
        remove_member(group, id, RemovalCause::PendingSyncExpired, ctx);
        ctx.cancel_heartbeat(&gid, id);
    }
    prepare_rebalance(
        group,
        RebalanceReason::PendingSyncExpired {
            member_ids: pending,
        },
        ctx,
    );
}
