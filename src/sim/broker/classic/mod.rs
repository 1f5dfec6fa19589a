//! The classic group coordinator (Kafka's `GroupMetadataManager`, classic part): every classic group
//! hosted by the broker, the requests that reach them and the timers that move them on.

pub mod group;

pub use group::{ClassicGroup, ClassicGroupMember, ReplyTo};

use crate::sim::actor::Ctx;
use crate::sim::actor::Out;
use crate::sim::config::BrokerConfig;
use crate::sim::protocol::*;
use crate::sim::rng::SimRng;
use crate::sim::time::Millis;
use crate::sim::timer::{CoordinatorTimer, Timer, TimerKey};
use crate::sim::trace::TraceEvent;
use crate::sim::vocab::{ClassicGroupState, Endpoint, RebalanceReason, RemovalCause};
use std::collections::BTreeMap;

/// Everything a handler needs besides the group itself.
struct GroupCtx<'a> {
    now: Millis,
    config: &'a BrokerConfig,
    rng: &'a mut SimRng,
    out: &'a mut Out,
}

impl GroupCtx<'_> {
    fn reply(&mut self, to: &ReplyTo, body: Response) {
        self.out.send(
            to.endpoint.clone(),
            Message::Response {
                correlation_id: to.correlation_id,
                body,
            },
        );
    }

    fn set_timer(&mut self, delay: Millis, timer: CoordinatorTimer) {
        self.out
            .set_timer(self.now.saturating_add(delay), Timer::Coordinator(timer));
    }

    fn schedule_join_timer(&mut self, group: &str, delay: Millis) {
        let group = group.to_string();
        self.set_timer(delay, CoordinatorTimer::JoinTimeout { group });
    }

    fn schedule_initial_delay(&mut self, group: &str, delay_ms: Millis, remaining_ms: Millis) {
        let group = group.to_string();
        let timer = CoordinatorTimer::InitialRebalanceDelay {
            group,
            delay_ms,
            remaining_ms,
        };
        self.set_timer(delay_ms, timer);
    }

    fn cancel_join_timer(&mut self, group: &str) {
        let group = group.to_string();
        self.out.cancel_timer(TimerKey::GroupJoin { group });
    }

    fn cancel_sync_timer(&mut self, group: &str) {
        let group = group.to_string();
        self.out.cancel_timer(TimerKey::GroupSync { group });
    }

    /// The member's session starts again: it expires `timeout` from now unless renewed.
    fn reschedule_heartbeat(&mut self, group: &str, member_id: &str, timeout: Millis) {
        let timer = CoordinatorTimer::HeartbeatExpiry {
            group: group.to_string(),
            member_id: member_id.to_string(),
        };
        self.set_timer(timeout, timer);
    }

    fn cancel_heartbeat(&mut self, group: &str, member_id: &str) {
        self.out.cancel_timer(TimerKey::MemberSession {
            group: group.to_string(),
            member_id: member_id.to_string(),
        });
    }
}

/// The classic group coordinator: every group hosted by the broker.
#[derive(Clone, Debug)]
pub struct GroupCoordinator {
    pub config: BrokerConfig,
    groups: BTreeMap<String, ClassicGroup>,
}

impl GroupCoordinator {
    pub fn new(config: BrokerConfig) -> Self {
        Self {
            config,
            groups: BTreeMap::new(),
        }
    }

    pub fn groups(&self) -> impl Iterator<Item = &ClassicGroup> {
        self.groups.values()
    }

    pub fn group(&self, group_id: &str) -> Option<&ClassicGroup> {
        self.groups.get(group_id)
    }

    /// Handles one group request. Responses may be sent now or parked (JoinGroup, SyncGroup).
    pub fn handle(&mut self, from: ReplyTo, request: Request, actor: &mut Ctx) {
        let mut ctx = GroupCtx {
            now: actor.now,
            config: &self.config,
            rng: actor.rng,
            out: &mut actor.out,
        };
        match request {
            Request::JoinGroup(req) => join_group(&mut self.groups, req, from, &mut ctx),
            Request::SyncGroup(req) => match self.groups.get_mut(&req.group_id) {
                Some(group) if group.num_members() > 0 => sync_group(group, req, from, &mut ctx),
                _ => ctx.reply(
                    &from,
                    Response::SyncGroup(SyncGroupResponse {
                        error_code: Errors::UnknownMemberId,
                        protocol_name: None,
                        assignment: Vec::new(),
                    }),
                ),
            },
            Request::Heartbeat(req) => {
                let error = match self.groups.get_mut(&req.group_id) {
                    Some(group) => heartbeat(group, &req, &mut ctx),
                    None => Errors::UnknownMemberId,
                };
                ctx.reply(
                    &from,
                    Response::Heartbeat(HeartbeatResponse { error_code: error }),
                );
            }
            Request::LeaveGroup(req) => {
                let response = match self.groups.get_mut(&req.group_id) {
                    Some(group) => leave_group(group, &req, &mut ctx),
                    None => LeaveGroupResponse {
                        error_code: Errors::UnknownMemberId,
                        members: Vec::new(),
                    },
                };
                ctx.reply(&from, Response::LeaveGroup(response));
            }
            Request::OffsetCommit(req) => {
                let error = match self.groups.get(&req.group_id) {
                    Some(group) => validate_offset_commit(group, &req),
                    None if req.generation_id < 0 => Errors::None,
                    None => Errors::IllegalGeneration,
                };
                ctx.reply(
                    &from,
                    Response::OffsetCommit(OffsetCommitResponse { error_code: error }),
                );
            }
            Request::Metadata(_) => {
                // Metadata is answered by the broker itself, not its group coordinator.
            }
        }
    }

    /// A coordinator timer fired (the World fires only the live timer under each key).
    pub fn on_timer(&mut self, timer: CoordinatorTimer, actor: &mut Ctx) {
        let mut ctx = GroupCtx {
            now: actor.now,
            config: &self.config,
            rng: actor.rng,
            out: &mut actor.out,
        };
        match timer {
            CoordinatorTimer::InitialRebalanceDelay {
                group,
                delay_ms,
                remaining_ms,
            } => {
                if let Some(g) = self.groups.get_mut(&group) {
                    try_complete_initial_rebalance_else_schedule(
                        g,
                        delay_ms,
                        remaining_ms,
                        &mut ctx,
                    );
                }
            }
            CoordinatorTimer::JoinTimeout { group } => {
                if let Some(g) = self.groups.get_mut(&group) {
                    complete_join(g, &mut ctx);
                }
            }
            CoordinatorTimer::PendingSyncTimeout { group, generation } => {
                if let Some(g) = self.groups.get_mut(&group) {
                    expire_pending_sync(g, generation, &mut ctx);
                }
            }
            CoordinatorTimer::HeartbeatExpiry { group, member_id } => {
                if let Some(g) = self.groups.get_mut(&group) {
                    expire_member_heartbeat(g, &member_id, &mut ctx);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// State changes and rebalances
// ---------------------------------------------------------------------------------------------

fn transition(group: &mut ClassicGroup, to: ClassicGroupState, ctx: &mut GroupCtx) {
    match group.transition_to(to) {
        Ok(from) => ctx.out.record(TraceEvent::GroupStateChanged {
            group: group.group_id.clone(),
            from,
            to,
            generation: group.generation_id,
        }),
        Err(message) => debug_assert!(false, "{message}"),
    }
}

fn consumer_of(group: &ClassicGroup, member_id: &str) -> String {
    group
        .member(member_id)
        .map(|m| m.consumer.clone())
        .unwrap_or_default()
}

fn remove_member(
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

/// `prepareRebalance`.
fn prepare_rebalance(group: &mut ClassicGroup, reason: RebalanceReason, ctx: &mut GroupCtx) {
    if group.is_in_state(ClassicGroupState::CompletingRebalance) {
        reset_and_propagate_assignment_with_error(group, Errors::RebalanceInProgress, ctx);
    }
    group.pending_sync_members.clear();
    ctx.cancel_sync_timer(&group.group_id);

    let is_initial = group.is_in_state(ClassicGroupState::Empty);
    if is_initial {
        let delay = ctx.config.group_initial_rebalance_delay_ms;
        let remaining = group.rebalance_timeout_ms().saturating_sub(delay);
        let id = group.group_id.clone();
        ctx.schedule_initial_delay(&id, delay, remaining);
    }
    if !matches!(
        group.state,
        ClassicGroupState::PreparingRebalance | ClassicGroupState::CompletingRebalance
    ) {
        group.rebalance_started_at = Some(ctx.now);
    }
    transition(group, ClassicGroupState::PreparingRebalance, ctx);
    ctx.out.record(TraceEvent::RebalanceStarted {
        group: group.group_id.clone(),
        generation: group.generation_id,
        reason,
    });
    if !is_initial {
        maybe_complete_join_else_schedule(group, ctx);
    }
}

fn maybe_complete_join_else_schedule(group: &mut ClassicGroup, ctx: &mut GroupCtx) {
    if group.has_all_members_joined() {
        complete_join(group, ctx);
    } else {
        let timeout = group.rebalance_timeout_ms();
        let id = group.group_id.clone();
        ctx.schedule_join_timer(&id, timeout);
    }
}

fn try_complete_initial_rebalance_else_schedule(
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

fn maybe_prepare_rebalance_or_complete_join(
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

/// `maybeCompleteJoinPhase`: never during the initial (from Empty) join phase, which only its timer ends.
fn maybe_complete_join_phase(group: &mut ClassicGroup, ctx: &mut GroupCtx) {
    if group.is_in_state(ClassicGroupState::PreparingRebalance)
        && group.previous_state != ClassicGroupState::Empty
        && group.has_all_members_joined()
    {
        complete_join(group, ctx);
    }
}

/// `completeClassicGroupJoin`.
fn complete_join(group: &mut ClassicGroup, ctx: &mut GroupCtx) {
    let gid = group.group_id.clone();
    ctx.cancel_join_timer(&gid);
    if !group.is_in_state(ClassicGroupState::PreparingRebalance) {
        return;
    }

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

    if !group.maybe_elect_new_joined_leader() && group.num_members() > 0 {
        // Nobody rejoined: wait another rebalance timeout for the session timeouts to clear them out.
        let timeout = group.rebalance_timeout_ms();
        ctx.schedule_join_timer(&gid, timeout);
        return;
    }

    // initNextGeneration
    group.generation_id += 1;
    if group.num_members() > 0 {
        group.protocol_name = group.select_protocol();
        transition(group, ClassicGroupState::CompletingRebalance, ctx);
    } else {
        group.protocol_name = None;
        transition(group, ClassicGroupState::Empty, ctx);
        group.leader_id = None;
    }
    group.pending_sync_members.clear();
    ctx.out.record(TraceEvent::JoinPhaseCompleted {
        group: gid.clone(),
        generation: group.generation_id,
        protocol: group.protocol_name.clone(),
        leader: group.leader_id.clone(),
        members: group.member_ids(),
    });
    if group.num_members() == 0 {
        group.rebalance_started_at = None;
        return;
    }

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
            ctx.reply(&reply_to, Response::JoinGroup(response));
        }
        let session = member.session_timeout_ms;
        member.is_new = false;
        ctx.reschedule_heartbeat(&gid, &id, session);
        group.pending_sync_members.insert(id);
    }
    schedule_pending_sync(group, ctx);
}

fn schedule_pending_sync(group: &ClassicGroup, ctx: &mut GroupCtx) {
    let timer = CoordinatorTimer::PendingSyncTimeout {
        group: group.group_id.clone(),
        generation: group.generation_id,
    };
    ctx.set_timer(group.rebalance_timeout_ms(), timer);
}

fn expire_pending_sync(group: &mut ClassicGroup, generation: i32, ctx: &mut GroupCtx) {
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

fn expire_member_heartbeat(group: &mut ClassicGroup, member_id: &str, ctx: &mut GroupCtx) {
    if group.is_in_state(ClassicGroupState::Dead) {
        return;
    }
    if group.pending_join_members.contains(member_id) {
        group.remove(member_id);
        maybe_complete_pending_join(group, ctx);
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

fn maybe_complete_pending_join(group: &mut ClassicGroup, ctx: &mut GroupCtx) {
    if group.is_in_state(ClassicGroupState::PreparingRebalance) && group.has_all_members_joined() {
        complete_join(group, ctx);
    }
}

/// `removeMemberAndUpdateClassicGroup`: a parked join is answered UNKNOWN_MEMBER_ID first.
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
            Response::JoinGroup(JoinGroupResponse::error(Errors::UnknownMemberId, "")),
        );
    }
    remove_member(group, member_id, cause, ctx);
    match group.state {
        ClassicGroupState::Stable | ClassicGroupState::CompletingRebalance => {
            maybe_prepare_rebalance_or_complete_join(group, reason, ctx)
        }
        ClassicGroupState::PreparingRebalance if group.has_all_members_joined() => {
            complete_join(group, ctx)
        }
        _ => {}
    }
}

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
            ctx.reply(&reply_to, Response::SyncGroup(response));
            ctx.reschedule_heartbeat(&gid, &id, session);
        }
    }
}

fn reset_and_propagate_assignment_with_error(
    group: &mut ClassicGroup,
    error: Errors,
    ctx: &mut GroupCtx,
) {
    for member in group.members_mut() {
        member.assignment.clear();
    }
    propagate_assignment(group, error, ctx);
}

// ---------------------------------------------------------------------------------------------
// JoinGroup
// ---------------------------------------------------------------------------------------------

fn join_group(
    groups: &mut BTreeMap<String, ClassicGroup>,
    req: JoinGroupRequest,
    from: ReplyTo,
    ctx: &mut GroupCtx,
) {
    let config = ctx.config;
    if req.session_timeout_ms < config.group_min_session_timeout_ms
        || req.session_timeout_ms > config.group_max_session_timeout_ms
    {
        ctx.reply(
            &from,
            Response::JoinGroup(JoinGroupResponse::error(
                Errors::InvalidSessionTimeout,
                &req.member_id,
            )),
        );
        return;
    }
    let is_unknown_member = req.member_id.is_empty();
    if !groups.contains_key(&req.group_id) {
        if !is_unknown_member {
            ctx.reply(
                &from,
                Response::JoinGroup(JoinGroupResponse::error(
                    Errors::UnknownMemberId,
                    &req.member_id,
                )),
            );
            return;
        }
        groups.insert(req.group_id.clone(), ClassicGroup::new(&req.group_id));
    }
    let Some(group) = groups.get_mut(&req.group_id) else {
        return;
    };

    if !accept_joining_member(group, &req.member_id, config.group_max_size as usize) {
        group.remove(&req.member_id);
        ctx.reply(
            &from,
            Response::JoinGroup(JoinGroupResponse::error(Errors::GroupMaxSizeReached, "")),
        );
    } else if is_unknown_member {
        join_new_member(group, req, from, ctx);
    } else {
        join_existing_member(group, req, from, ctx);
    }
}

fn accept_joining_member(group: &ClassicGroup, member_id: &str, max_size: usize) -> bool {
    match group.state {
        ClassicGroupState::Empty | ClassicGroupState::Dead => true,
        ClassicGroupState::PreparingRebalance => {
            group
                .member(member_id)
                .is_some_and(|m| m.is_awaiting_join())
                || group.num_awaiting_join_response() < max_size
        }
        ClassicGroupState::CompletingRebalance | ClassicGroupState::Stable => {
            group.has_member(member_id) || group.num_members() < max_size
        }
    }
}

fn join_new_member(
    group: &mut ClassicGroup,
    req: JoinGroupRequest,
    from: ReplyTo,
    ctx: &mut GroupCtx,
) {
    if !group.supports_protocols(&req.protocol_type, &req.protocols) {
        ctx.reply(
            &from,
            Response::JoinGroup(JoinGroupResponse::error(
                Errors::InconsistentGroupProtocol,
                "",
            )),
        );
        return;
    }
    let prefix = req
        .group_instance_id
        .clone()
        .unwrap_or_else(|| req.client_id.clone());
    let new_member_id = format!("{prefix}-{}", ctx.rng.uuid_v4());
    match req.group_instance_id.clone() {
        Some(instance) => match group.static_member_id(&instance).cloned() {
            Some(old) => update_static_member_then_rebalance_or_complete_join(
                group,
                req,
                from,
                &old,
                &new_member_id,
                ctx,
            ),
            None => {
                add_member_then_rebalance_or_complete_join(group, req, from, &new_member_id, ctx)
            }
        },
        None => {
            // KIP-394: the member id is required; park it as pending and make the client come back with it.
            group.pending_join_members.insert(new_member_id.clone());
            let gid = group.group_id.clone();
            ctx.reschedule_heartbeat(&gid, &new_member_id, req.session_timeout_ms);
            ctx.reply(
                &from,
                Response::JoinGroup(JoinGroupResponse::error(
                    Errors::MemberIdRequired,
                    &new_member_id,
                )),
            );
        }
    }
}

fn join_existing_member(
    group: &mut ClassicGroup,
    req: JoinGroupRequest,
    from: ReplyTo,
    ctx: &mut GroupCtx,
) {
    let member_id = req.member_id.clone();
    if !group.supports_protocols(&req.protocol_type, &req.protocols) {
        ctx.reply(
            &from,
            Response::JoinGroup(JoinGroupResponse::error(
                Errors::InconsistentGroupProtocol,
                &member_id,
            )),
        );
        return;
    }
    if group.pending_join_members.contains(&member_id) {
        add_member_then_rebalance_or_complete_join(group, req, from, &member_id, ctx);
        return;
    }
    if let Err(error) = validate_member(group, &member_id, req.group_instance_id.as_deref()) {
        ctx.reply(
            &from,
            Response::JoinGroup(JoinGroupResponse::error(error, &member_id)),
        );
        return;
    }
    let is_leader = group.is_leader(&member_id);
    let matches = group
        .member(&member_id)
        .is_some_and(|m| m.matches(&req.protocols));
    let changed = RebalanceReason::MemberMetadataChanged {
        member_id: member_id.clone(),
        client_reason: req.reason.clone(),
    };
    match group.state {
        ClassicGroupState::PreparingRebalance => {
            let reason = if is_leader {
                RebalanceReason::LeaderRejoined {
                    member_id: member_id.clone(),
                    client_reason: req.reason.clone(),
                }
            } else {
                changed
            };
            update_member_then_rebalance_or_complete_join(group, req, from, reason, ctx);
        }
        ClassicGroupState::CompletingRebalance => {
            if matches {
                // It missed the JoinGroup response: repeat it for the current generation.
                let response =
                    current_generation_join_response(group, &member_id, is_leader, false);
                ctx.reply(&from, Response::JoinGroup(response));
            } else {
                update_member_then_rebalance_or_complete_join(group, req, from, changed, ctx);
            }
        }
        ClassicGroupState::Stable => {
            if is_leader {
                // Any JoinGroup from the leader rebalances: this is how it reports metadata changes.
                let reason = RebalanceReason::LeaderRejoined {
                    member_id: member_id.clone(),
                    client_reason: req.reason.clone(),
                };
                update_member_then_rebalance_or_complete_join(group, req, from, reason, ctx);
            } else if !matches {
                update_member_then_rebalance_or_complete_join(group, req, from, changed, ctx);
            } else {
                let response = current_generation_join_response(group, &member_id, false, false);
                ctx.reply(&from, Response::JoinGroup(response));
            }
        }
        ClassicGroupState::Empty | ClassicGroupState::Dead => {
            ctx.reply(
                &from,
                Response::JoinGroup(JoinGroupResponse::error(
                    Errors::UnknownMemberId,
                    &member_id,
                )),
            );
        }
    }
}

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

/// `validateMember`: a static id must map to this member id (else FENCED_INSTANCE_ID), and the member must exist.
fn validate_member(
    group: &ClassicGroup,
    member_id: &str,
    instance_id: Option<&str>,
) -> Result<(), Errors> {
    if let Some(instance) = instance_id {
        match group.static_member_id(instance) {
            None => return Err(Errors::UnknownMemberId),
            Some(existing) if existing != member_id => return Err(Errors::FencedInstanceId),
            Some(_) => {}
        }
    }
    if group.has_member(member_id) {
        Ok(())
    } else {
        Err(Errors::UnknownMemberId)
    }
}

fn update_member_then_rebalance_or_complete_join(
    group: &mut ClassicGroup,
    req: JoinGroupRequest,
    from: ReplyTo,
    reason: RebalanceReason,
    ctx: &mut GroupCtx,
) {
    if let Some(member) = group.member_mut(&req.member_id) {
        member.supported_protocols = req.protocols;
        member.rebalance_timeout_ms = req.rebalance_timeout_ms;
        member.session_timeout_ms = req.session_timeout_ms;
        member.consumer = from.consumer_handle();
        member.awaiting_join = Some(from);
    }
    maybe_prepare_rebalance_or_complete_join(group, reason, ctx);
}

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
    // A parked new member cannot heartbeat; its join times out after the new-member join timeout instead.
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

/// `updateStaticMemberThenRebalanceOrCompleteJoin`: a known `group.instance.id` joined with no member id.
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
    // Fence whatever the old member id still has parked.
    if let Some(reply_to) = old.awaiting_join.take() {
        let mut fenced = JoinGroupResponse::error(Errors::FencedInstanceId, old_member_id);
        fenced.leader = String::new();
        ctx.reply(&reply_to, Response::JoinGroup(fenced));
    }
    if let Some(reply_to) = old.awaiting_sync.take() {
        ctx.reply(
            &reply_to,
            Response::SyncGroup(SyncGroupResponse {
                error_code: Errors::FencedInstanceId,
                protocol_name: None,
                assignment: Vec::new(),
            }),
        );
    }
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
    ctx.cancel_heartbeat(&gid, old_member_id);
    let session = old.session_timeout_ms;
    ctx.reschedule_heartbeat(&gid, new_member_id, session);

    if let Some(member) = group.member_mut(new_member_id) {
        member.supported_protocols = req.protocols.clone();
        member.rebalance_timeout_ms = req.rebalance_timeout_ms;
        member.session_timeout_ms = req.session_timeout_ms;
        member.consumer = from.consumer_handle();
        member.awaiting_join = Some(from.clone());
    }

    match group.state {
        ClassicGroupState::Stable => {
            let selected = group.select_protocol();
            if group.protocol_name == selected {
                // No rebalance: the stored assignment stays; a former leader gets skipAssignment (KIP-814).
                let is_leader = group.is_leader(new_member_id);
                let response =
                    current_generation_join_response(group, new_member_id, is_leader, is_leader);
                if let Some(member) = group.member_mut(new_member_id) {
                    member.awaiting_join = None;
                }
                ctx.out.record(TraceEvent::StaticMemberResumed {
                    group: gid.clone(),
                    group_instance_id: instance.clone(),
                    consumer: from.consumer_handle(),
                    generation: group.generation_id,
                });
                ctx.reply(&from, Response::JoinGroup(response));
            } else {
                maybe_prepare_rebalance_or_complete_join(
                    group,
                    RebalanceReason::ProtocolChanged {
                        member_id: new_member_id.to_string(),
                    },
                    ctx,
                );
            }
        }
        ClassicGroupState::CompletingRebalance => {
            // The leader may already have computed an assignment keyed by the old id: start over.
            prepare_rebalance(
                group,
                RebalanceReason::StaticMemberReplaced {
                    member_id: new_member_id.to_string(),
                },
                ctx,
            );
        }
        _ => maybe_complete_join_phase(group, ctx),
    }
}

// ---------------------------------------------------------------------------------------------
// SyncGroup, Heartbeat, LeaveGroup, OffsetCommit
// ---------------------------------------------------------------------------------------------

fn sync_group(group: &mut ClassicGroup, req: SyncGroupRequest, from: ReplyTo, ctx: &mut GroupCtx) {
    let error_reply = |ctx: &mut GroupCtx, error: Errors| {
        ctx.reply(
            &from,
            Response::SyncGroup(SyncGroupResponse {
                error_code: error,
                protocol_name: None,
                assignment: Vec::new(),
            }),
        )
    };
    if let Err(e) = validate_member(group, &req.member_id, req.group_instance_id.as_deref()) {
        return error_reply(ctx, e);
    }
    if req.generation_id != group.generation_id {
        return error_reply(ctx, Errors::IllegalGeneration);
    }
    if req.protocol_name.is_some() && req.protocol_name != group.protocol_name {
        return error_reply(ctx, Errors::InconsistentGroupProtocol);
    }
    match group.state {
        ClassicGroupState::PreparingRebalance => error_reply(ctx, Errors::RebalanceInProgress),
        ClassicGroupState::CompletingRebalance => {
            if let Some(member) = group.member_mut(&req.member_id) {
                member.awaiting_sync = Some(from.clone());
            }
            remove_pending_sync_member(group, &req.member_id, ctx);
            if group.is_leader(&req.member_id) {
                let mut assignment: BTreeMap<String, Vec<_>> = req
                    .assignments
                    .into_iter()
                    .map(|a| (a.member_id, a.assignment))
                    .collect();
                for member in group.members_mut() {
                    member.assignment = assignment.remove(&member.member_id).unwrap_or_default();
                }
                propagate_assignment(group, Errors::None, ctx);
                transition(group, ClassicGroupState::Stable, ctx);
                let started_at = group.rebalance_started_at.take().unwrap_or(ctx.now);
                ctx.out.record(TraceEvent::RebalanceCompleted {
                    group: group.group_id.clone(),
                    generation: group.generation_id,
                    started_at,
                    duration_ms: ctx.now.saturating_sub(started_at),
                });
            }
        }
        ClassicGroupState::Stable => {
            remove_pending_sync_member(group, &req.member_id, ctx);
            let response = SyncGroupResponse {
                error_code: Errors::None,
                protocol_name: group.protocol_name.clone(),
                assignment: group
                    .member(&req.member_id)
                    .map(|m| m.assignment.clone())
                    .unwrap_or_default(),
            };
            ctx.reply(&from, Response::SyncGroup(response));
        }
        ClassicGroupState::Empty | ClassicGroupState::Dead => {
            error_reply(ctx, Errors::CoordinatorNotAvailable)
        }
    }
}

fn remove_pending_sync_member(group: &mut ClassicGroup, member_id: &str, ctx: &mut GroupCtx) {
    group.pending_sync_members.remove(member_id);
    if group.pending_sync_members.is_empty() {
        ctx.cancel_sync_timer(&group.group_id);
    }
}

fn heartbeat(group: &mut ClassicGroup, req: &HeartbeatRequest, ctx: &mut GroupCtx) -> Errors {
    if let Err(e) = validate_member(group, &req.member_id, req.group_instance_id.as_deref()) {
        return e;
    }
    if req.generation_id != group.generation_id {
        return Errors::IllegalGeneration;
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
        ClassicGroupState::CompletingRebalance | ClassicGroupState::Stable => {
            ctx.reschedule_heartbeat(&gid, &req.member_id, session);
            Errors::None
        }
        ClassicGroupState::Dead => Errors::CoordinatorNotAvailable,
    }
}

fn leave_group(
    group: &mut ClassicGroup,
    req: &LeaveGroupRequest,
    ctx: &mut GroupCtx,
) -> LeaveGroupResponse {
    let gid = group.group_id.clone();
    let mut results = Vec::new();
    let mut reason = None;
    for identity in &req.members {
        let id = identity.member_id.clone();
        if group.pending_join_members.contains(&id) {
            // A pending member (MEMBER_ID_REQUIRED given, second JoinGroup not yet seen) leaves validly:
            // like any valid leave it counts for the state switch below (GroupMetadataManager's
            // classicGroupLeave), so a Stable group rebalances and a PreparingRebalance one may complete.
            group.remove(&id);
            ctx.cancel_heartbeat(&gid, &id);
            reason = Some(leave_rebalance_reason(&identity.reason, &id));
            results.push((id, Errors::None));
            continue;
        }
        match validate_member(group, &id, identity.group_instance_id.as_deref()) {
            Ok(()) => {
                if let Some(reply_to) = group.member_mut(&id).and_then(|m| m.awaiting_join.take()) {
                    ctx.reply(
                        &reply_to,
                        Response::JoinGroup(JoinGroupResponse::error(Errors::UnknownMemberId, "")),
                    );
                }
                remove_member(group, &id, RemovalCause::LeaveGroup, ctx);
                ctx.cancel_heartbeat(&gid, &id);
                reason = Some(leave_rebalance_reason(&identity.reason, &id));
                results.push((id, Errors::None));
            }
            Err(e) => results.push((id, e)),
        }
    }
    if let Some(reason) = reason {
        match group.state {
            ClassicGroupState::Stable | ClassicGroupState::CompletingRebalance => {
                maybe_prepare_rebalance_or_complete_join(group, reason, ctx)
            }
            ClassicGroupState::PreparingRebalance => maybe_complete_join_phase(group, ctx),
            _ => {}
        }
    }
    LeaveGroupResponse {
        error_code: Errors::None,
        members: results,
    }
}

fn leave_rebalance_reason(reason: &LeaveReason, member_id: &str) -> RebalanceReason {
    let member_id = member_id.to_string();
    match reason {
        LeaveReason::ConsumerClosed => RebalanceReason::MemberLeft { member_id },
        LeaveReason::PollTimeoutExpired => RebalanceReason::PollTimeout { member_id },
    }
}

/// `validateOffsetCommit`: PreparingRebalance accepts the current generation (eager members commit in
/// `onPartitionsRevoked`); CompletingRebalance refuses with REBALANCE_IN_PROGRESS.
fn validate_offset_commit(group: &ClassicGroup, req: &OffsetCommitRequest) -> Errors {
    if group.is_in_state(ClassicGroupState::Dead) {
        return Errors::CoordinatorNotAvailable;
    }
    if req.generation_id < 0 && group.is_in_state(ClassicGroupState::Empty) {
        return Errors::None;
    }
    if let Err(e) = validate_member(group, &req.member_id, req.group_instance_id.as_deref()) {
        return e;
    }
    if req.generation_id != group.generation_id {
        return Errors::IllegalGeneration;
    }
    if group.is_in_state(ClassicGroupState::CompletingRebalance) {
        return Errors::RebalanceInProgress;
    }
    Errors::None
}

impl From<(Endpoint, u64)> for ReplyTo {
    fn from((endpoint, correlation_id): (Endpoint, u64)) -> Self {
        ReplyTo {
            endpoint,
            correlation_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Scenario, World};

    fn take_join_response(out: &mut Out) -> JoinGroupResponse {
        let found = out.sends().find_map(|(_, message)| match message {
            Message::Response {
                body: Response::JoinGroup(r),
                ..
            } => Some(r.clone()),
            _ => None,
        });
        out.emitted.clear();
        found.expect("no JoinGroup response")
    }

    #[test]
    fn a_pending_member_leaving_a_stable_group_starts_a_rebalance() {
        let scenario =
            Scenario::from_json(include_str!("../../../../examples/eager-range-join.json"))
                .unwrap();
        let mut world = World::new(&scenario).unwrap();
        world.run_until(10_000);
        // A copy of the coordinator with its Stable group, driven by hand.
        let mut coordinator = world.coordinator().clone();
        let group = coordinator.group("orders-app").unwrap();
        assert_eq!(group.state, ClassicGroupState::Stable);
        let generation = group.generation_id;

        let mut rng = SimRng::new(7);
        let from = ReplyTo {
            endpoint: Endpoint::Broker,
            correlation_id: 1,
        };
        let mut ctx = Ctx::new(10_000, &mut rng);
        let join = JoinGroupRequest {
            group_id: "orders-app".into(),
            session_timeout_ms: 45_000,
            rebalance_timeout_ms: 300_000,
            member_id: String::new(),
            group_instance_id: None,
            protocol_type: "consumer".into(),
            protocols: vec![JoinGroupRequestProtocol {
                name: "range".into(),
                metadata: ConsumerProtocolSubscription {
                    topics: vec!["orders".into()],
                    owned_partitions: Vec::new(),
                    generation_id: -1,
                    rack_id: None,
                    sticky_user_data: None,
                },
            }],
            reason: JoinReason::None,
            client_id: "late".into(),
        };
        coordinator.handle(from.clone(), Request::JoinGroup(join), &mut ctx);
        let r = take_join_response(&mut ctx.out);
        assert_eq!(r.error_code, Errors::MemberIdRequired);
        let pending = r.member_id;
        assert!(coordinator
            .group("orders-app")
            .unwrap()
            .pending_join_members
            .contains(&pending));

        let leave = LeaveGroupRequest {
            group_id: "orders-app".into(),
            members: vec![MemberIdentity {
                member_id: pending.clone(),
                group_instance_id: None,
                reason: LeaveReason::ConsumerClosed,
            }],
        };
        ctx.now = 10_001;
        coordinator.handle(from, Request::LeaveGroup(leave), &mut ctx);
        let group = coordinator.group("orders-app").unwrap();
        assert!(!group.pending_join_members.contains(&pending));
        // Kafka counts it as a valid leave: Stable → PreparingRebalance, as for any member leaving.
        assert_eq!(group.state, ClassicGroupState::PreparingRebalance);
        assert_eq!(group.generation_id, generation);
        assert!(ctx.out.trace().any(|e| matches!(
            e,
            TraceEvent::RebalanceStarted { .. } | TraceEvent::GroupStateChanged { .. }
        )));
    }
}
