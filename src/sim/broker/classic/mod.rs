//! The classic group coordinator (Kafka's `GroupMetadataManager`, classic part): every classic group
//! hosted by the broker, the requests that reach them and the timers that move them on.
//!
//! The files follow `GroupMetadataManager`'s seams: `join` (`classicGroupJoin` and the members it adds or
//! updates), `sync` (`classicGroupSync` and assignment propagation), `heartbeat` (`classicGroupHeartbeat`
//! and session expiry), `leave` (`classicGroupLeave`), `offset_commit` (`validateOffsetCommit`) and
//! `rebalance` (`prepareRebalance`, the end of the join phase, pending-sync expiry). [`group`] and
//! [`member`] are Kafka's `ClassicGroup` and `ClassicGroupMember`. The group's states, with Kafka's
//! per-state table that each handler's `match` follows, are
//! [`crate::sim::vocab::ClassicGroupState`].

pub mod group;
pub mod member;

mod heartbeat;
mod join;
mod leave;
mod offset_commit;
mod rebalance;
mod sync;

pub use group::ClassicGroup;
pub use member::{ClassicGroupMember, ReplyTo};

use crate::sim::actor::Ctx;
use crate::sim::actor::Out;
use crate::sim::config::BrokerConfig;
use crate::sim::protocol::{
    Errors, JoinGroupResponse, Message, OffsetCommitRequest, Request, Response,
};
use crate::sim::rng::SimRng;
use crate::sim::time::Millis;
use crate::sim::timer::{CoordinatorTimer, Timer, TimerKey};
use crate::sim::trace::TraceEvent;
use crate::sim::vocab::ClassicGroupState;
use std::collections::BTreeMap;

/// Everything a handler needs besides the group itself.
struct GroupCtx<'a> {
    now: Millis,
    config: &'a BrokerConfig,
    rng: &'a mut SimRng,
    out: &'a mut Out,
}

impl<'a> GroupCtx<'a> {
    /// A handler's view of one actor step, with the broker's settings.
    fn new(config: &'a BrokerConfig, actor: &'a mut Ctx) -> Self {
        Self {
            now: actor.now,
            config,
            rng: actor.rng,
            out: &mut actor.out,
        }
    }

    /// `transitionTo`, recorded. Kafka throws on a transition its `validPreviousStates` forbid; here
    /// that is a bug in the model, caught by debug builds.
    fn transition(&mut self, group: &mut ClassicGroup, to: ClassicGroupState) {
        match group.transition_to(to) {
            Ok(from) => self.out.record(TraceEvent::GroupStateChanged {
                group: group.group_id.clone(),
                from,
                to,
                generation: group.generation_id,
            }),
            Err(message) => debug_assert!(false, "{message}"),
        }
    }

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

    /// `rescheduleClassicGroupMemberHeartbeat`: the member's session starts again; it expires `timeout`
    /// from now unless renewed.
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

/// Every timer of the group and its members.
fn cancel_group_timers(group: &ClassicGroup, ctx: &mut GroupCtx) {
    ctx.cancel_join_timer(&group.group_id);
    ctx.cancel_sync_timer(&group.group_id);
    for id in group.member_ids() {
        ctx.cancel_heartbeat(&group.group_id, &id);
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
        let mut ctx = GroupCtx::new(&self.config, actor);
        let groups = &mut self.groups;
        match request {
            Request::JoinGroup(req) => join::classic_group_join(groups, *req, from, &mut ctx),
            Request::SyncGroup(req) => {
                let group = groups.get_mut(&req.group_id);
                sync::classic_group_sync(group, *req, from, &mut ctx);
            }
            Request::Heartbeat(req) => {
                let group = groups.get_mut(&req.group_id);
                heartbeat::classic_group_heartbeat(group, &req, &from, &mut ctx);
            }
            Request::LeaveGroup(req) => {
                let group = groups.get_mut(&req.group_id);
                leave::classic_group_leave(group, &req, &from, &mut ctx);
            }
            Request::OffsetCommit(req) => {
                let group = groups.get(&req.group_id);
                offset_commit::commit_offset(group, &req, &from, &mut ctx);
            }
            Request::Metadata(_)
            | Request::Produce(_)
            | Request::Fetch(_)
            | Request::ListOffsets(_)
            | Request::OffsetFetch(_)
            | Request::ConsumerGroupHeartbeat(_) => {
                // Metadata, the logs and the committed offsets are answered by the broker itself,
                // ConsumerGroupHeartbeat by the consumer-group side of the coordinator.
            }
        }
    }

    /// `maybeDeleteEmptyClassicGroup`: a consumer-protocol member takes over an empty classic group's
    /// id (a new consumer group is made instead).
    pub fn remove_if_empty(&mut self, group_id: &str, actor: &mut Ctx) -> bool {
        if self
            .groups
            .get(group_id)
            .is_some_and(|g| g.num_members() == 0)
        {
            if let Some(group) = self.groups.remove(group_id) {
                let mut ctx = GroupCtx::new(&self.config, actor);
                cancel_group_timers(&group, &mut ctx);
            }
            return true;
        }
        false
    }

    /// The classic side of `convertToConsumerGroup`: the group leaves this coordinator; the JoinGroup
    /// and SyncGroup requests parked in it are answered REBALANCE_IN_PROGRESS (the members rejoin the
    /// consumer group) and its timers are cancelled.
    pub fn take_for_upgrade(&mut self, group_id: &str, actor: &mut Ctx) -> Option<ClassicGroup> {
        let mut group = self.groups.remove(group_id)?;
        let mut ctx = GroupCtx::new(&self.config, actor);
        for id in group.member_ids() {
            let Some(member) = group.member_mut(&id) else {
                continue;
            };
            if let Some(reply_to) = member.awaiting_join.take() {
                let response = JoinGroupResponse::error(Errors::RebalanceInProgress, &id);
                ctx.reply(&reply_to, Response::JoinGroup(Box::new(response)));
            }
            if let Some(reply_to) = member.awaiting_sync.take() {
                ctx.reply(&reply_to, sync::sync_error(Errors::RebalanceInProgress));
            }
        }
        cancel_group_timers(&group, &mut ctx);
        Some(group)
    }

    /// The classic side of `convertToClassicGroup`: the group converted from a consumer group joins
    /// this coordinator, every member's session starts, and a rebalance begins if the conversion
    /// calls for one ("Downgrade group ... for member leaving", or for a static member replacement
    /// with a different subscription).
    pub fn adopt_downgraded(
        &mut self,
        mut group: ClassicGroup,
        rebalance: Option<crate::sim::vocab::RebalanceReason>,
        actor: &mut Ctx,
    ) {
        let mut ctx = GroupCtx::new(&self.config, actor);
        let gid = group.group_id.clone();
        for m in group.all_members() {
            ctx.reschedule_heartbeat(&gid, &m.member_id, m.session_timeout_ms);
        }
        if let Some(reason) = rebalance {
            rebalance::prepare_rebalance(&mut group, reason, &mut ctx);
        }
        self.groups.insert(gid, group);
    }

    /// Whether an OffsetCommit would be accepted now (`validateOffsetCommit` answers NONE): the broker
    /// then stores its offsets.
    pub fn accepts_offset_commit(&self, req: &OffsetCommitRequest) -> bool {
        let group = self.groups.get(&req.group_id);
        offset_commit::validate_offset_commit(group, req) == Errors::None
    }

    /// A coordinator timer fired (the World fires only the live timer under each key). A timer of a
    /// group that no longer exists does nothing.
    pub fn on_timer(&mut self, timer: CoordinatorTimer, actor: &mut Ctx) {
        let mut ctx = GroupCtx::new(&self.config, actor);
        let groups = &mut self.groups;
        match timer {
            CoordinatorTimer::InitialRebalanceDelay {
                group,
                delay_ms,
                remaining_ms,
            } => {
                if let Some(group) = groups.get_mut(&group) {
                    rebalance::try_complete_initial_rebalance_else_schedule(
                        group,
                        delay_ms,
                        remaining_ms,
                        &mut ctx,
                    );
                }
            }
            CoordinatorTimer::JoinTimeout { group } => {
                if let Some(group) = groups.get_mut(&group) {
                    rebalance::complete_join(group, &mut ctx);
                }
            }
            CoordinatorTimer::PendingSyncTimeout { group, generation } => {
                if let Some(group) = groups.get_mut(&group) {
                    rebalance::expire_pending_sync(group, generation, &mut ctx);
                }
            }
            CoordinatorTimer::HeartbeatExpiry { group, member_id } => {
                if let Some(group) = groups.get_mut(&group) {
                    heartbeat::expire_member_heartbeat(group, &member_id, &mut ctx);
                }
            }
        }
    }
}
