//! LeaveGroup (Kafka's `GroupMetadataManager.classicGroupLeave` and `classicGroupLeaveToClassicGroup`):
//! each listed member leaves on its own; if any left validly, the group moves on as after any departure.

use super::group::ClassicGroup;
use super::member::ReplyTo;
use super::rebalance::{
    maybe_complete_join_phase, maybe_prepare_rebalance_or_complete_join, remove_member,
};
use super::GroupCtx;
use crate::sim::protocol::{
    Errors, JoinGroupResponse, LeaveGroupRequest, LeaveGroupResponse, LeaveReason, MemberIdentity,
    Response,
};
use crate::sim::vocab::{ClassicGroupState, RebalanceReason, RemovalCause};

/// `classicGroupLeave`: an unknown group knows no member.
pub(super) fn classic_group_leave(
    group: Option<&mut ClassicGroup>,
    req: &LeaveGroupRequest,
    from: &ReplyTo,
    ctx: &mut GroupCtx,
) {
    let response = match group {
        Some(group) => leave_group(group, req, ctx),
        None => LeaveGroupResponse {
            error_code: Errors::UnknownMemberId,
            members: Vec::new(),
        },
    };
    ctx.reply(from, Response::LeaveGroup(Box::new(response)));
}

/// `classicGroupLeaveToClassicGroup`. (Kafka answers a Dead group COORDINATOR_NOT_AVAILABLE first; the
/// model never enters Dead.)
fn leave_group(
    group: &mut ClassicGroup,
    req: &LeaveGroupRequest,
    ctx: &mut GroupCtx,
) -> LeaveGroupResponse {
    let mut results = Vec::new();
    let mut reason = None;
    for identity in &req.members {
        let id = identity.member_id.clone();
        match leave_member(group, identity, ctx) {
            Ok(()) => {
                reason = Some(leave_rebalance_reason(&identity.reason, &id));
                results.push((id, Errors::None));
            }
            Err(e) => results.push((id, e)),
        }
    }
    if let Some(reason) = reason {
        match group.state {
            ClassicGroupState::Empty => {}
            ClassicGroupState::PreparingRebalance => maybe_complete_join_phase(group, ctx),
            ClassicGroupState::CompletingRebalance | ClassicGroupState::Stable => {
                maybe_prepare_rebalance_or_complete_join(group, reason, ctx)
            }
            ClassicGroupState::Dead => {}
        }
    }
    LeaveGroupResponse {
        error_code: Errors::None,
        members: results,
    }
}

/// One member of the request leaves, or gets the error that says why it may not.
fn leave_member(
    group: &mut ClassicGroup,
    identity: &MemberIdentity,
    ctx: &mut GroupCtx,
) -> Result<(), Errors> {
    let id = &identity.member_id;
    if group.pending_join_members.contains(id) {
        // A pending member (MEMBER_ID_REQUIRED given, second JoinGroup not yet seen) leaves validly:
        // like any valid leave it counts for the state switch in `leave_group` (GroupMetadataManager's
        // classicGroupLeave), so a Stable group rebalances and a PreparingRebalance one may complete.
        group.remove(id);
        let gid = group.group_id.clone();
        ctx.cancel_heartbeat(&gid, id);
        return Ok(());
    }
    group.validate_member(id, identity.group_instance_id.as_deref())?;
    remove_current_member_from_group(group, id, ctx);
    Ok(())
}

/// `removeCurrentMemberFromClassicGroup`: a JoinGroup it left parked is answered UNKNOWN_MEMBER_ID first
/// (a new member's join may still be parked when it gives up), so a client that is still there rejoins.
fn remove_current_member_from_group(group: &mut ClassicGroup, member_id: &str, ctx: &mut GroupCtx) {
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
    remove_member(group, member_id, RemovalCause::LeaveGroup, ctx);
    let gid = group.group_id.clone();
    ctx.cancel_heartbeat(&gid, member_id);
}

fn leave_rebalance_reason(reason: &LeaveReason, member_id: &str) -> RebalanceReason {
    let member_id = member_id.to_string();
    match reason {
        LeaveReason::ConsumerClosed => RebalanceReason::MemberLeft { member_id },
        LeaveReason::PollTimeoutExpired => RebalanceReason::PollTimeout { member_id },
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::actor::{Ctx, Out, TimerChange};
    use crate::sim::broker::classic::GroupCoordinator;
    use crate::sim::config::BrokerConfig;
    use crate::sim::protocol::{
        ConsumerProtocolSubscription, JoinGroupRequest, JoinGroupRequestProtocol, JoinReason,
        Message, Request, SyncGroupRequest, SyncGroupRequestAssignment,
    };
    use crate::sim::rng::SimRng;
    use crate::sim::timer::{CoordinatorTimer, Timer};
    use crate::sim::trace::TraceEvent;
    use crate::sim::vocab::Endpoint;

    fn take_join_response(out: &mut Out) -> JoinGroupResponse {
        let found = out.sends().find_map(|(_, message)| match message {
            Message::Response {
                body: Response::JoinGroup(r),
                ..
            } => Some((**r).clone()),
            _ => None,
        });
        out.emitted.clear();
        found.expect("no JoinGroup response")
    }

    fn join(member_id: &str, client_id: &str) -> Request {
        Request::JoinGroup(Box::new(JoinGroupRequest {
            group_id: "orders-app".into(),
            session_timeout_ms: 45_000,
            rebalance_timeout_ms: 300_000,
            member_id: member_id.into(),
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
            client_id: client_id.into(),
        }))
    }

    /// Fires the group's join timer (the initial rebalance delay), as the World would when it is due.
    fn fire_join_timer(coordinator: &mut GroupCoordinator, ctx: &mut Ctx) {
        let due = std::mem::take(&mut ctx.out.timers)
            .into_iter()
            .filter_map(|change| match change {
                TimerChange::Set {
                    at,
                    timer:
                        Timer::Coordinator(timer @ CoordinatorTimer::InitialRebalanceDelay { .. }),
                } => Some((at, timer)),
                _ => None,
            })
            .last();
        let (at, timer) = due.expect("the join waits for the initial rebalance delay");
        ctx.now = at;
        coordinator.on_timer(timer, ctx);
    }

    /// A Stable group of one member, played by hand through the coordinator's own handlers:
    /// JoinGroup (MEMBER_ID_REQUIRED), JoinGroup with the id, the initial rebalance delay, SyncGroup.
    fn stable_group_of_one(coordinator: &mut GroupCoordinator, ctx: &mut Ctx) -> i32 {
        let from = ReplyTo {
            endpoint: Endpoint::Broker,
            correlation_id: 1,
        };
        coordinator.handle(from.clone(), join("", "c1"), ctx);
        let member_id = take_join_response(&mut ctx.out).member_id;
        coordinator.handle(from.clone(), join(&member_id, "c1"), ctx);
        fire_join_timer(coordinator, ctx);
        let joined = take_join_response(&mut ctx.out);
        assert_eq!(joined.error_code, Errors::None);
        assert_eq!(joined.leader, member_id);
        let sync = SyncGroupRequest {
            group_id: "orders-app".into(),
            generation_id: joined.generation_id,
            member_id: member_id.clone(),
            group_instance_id: None,
            protocol_name: joined.protocol_name.clone(),
            assignments: vec![SyncGroupRequestAssignment {
                member_id,
                assignment: Vec::new(),
            }],
        };
        coordinator.handle(from, Request::SyncGroup(Box::new(sync)), ctx);
        ctx.out = Out::default();
        joined.generation_id
    }

    #[test]
    fn a_pending_member_leaving_a_stable_group_starts_a_rebalance() {
        let mut rng = SimRng::new(7);
        let mut ctx = Ctx::new(0, &mut rng);
        let mut coordinator = GroupCoordinator::new(BrokerConfig::default());
        let generation = stable_group_of_one(&mut coordinator, &mut ctx);
        let group = coordinator.group("orders-app").unwrap();
        assert_eq!(group.state, ClassicGroupState::Stable);

        let from = ReplyTo {
            endpoint: Endpoint::Broker,
            correlation_id: 2,
        };
        ctx.now = 10_000;
        coordinator.handle(from.clone(), join("", "late"), &mut ctx);
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
        coordinator.handle(from, Request::LeaveGroup(Box::new(leave)), &mut ctx);
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
