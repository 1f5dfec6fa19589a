//! Membership in the group, as Kafka's `AbstractCoordinator` keeps it: the member state, the
//! generation, whether and why to rejoin, and the JoinGroup → SyncGroup chain in flight. Joining
//! runs on the application thread inside `poll()`; leaving runs from `close()` or the heartbeat
//! thread's poll timer.

use super::app_thread::Activity;
use super::{CoOut, KafkaConsumer};
use crate::sim::assign::{AssignError, AssignorName, TopicPartition};
use crate::sim::protocol::*;
use crate::sim::time::Millis;
use serde::{Deserialize, Serialize};

/// `AbstractCoordinator.MemberState`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberState {
    Unjoined,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
}

impl MemberState {
    /// How Java prints the state (`MemberState.toString`).
    pub fn java_name(self) -> &'static str {
        match self {
            MemberState::Unjoined => "UNJOINED",
            MemberState::PreparingRebalance => "PREPARING_REBALANCE",
            MemberState::CompletingRebalance => "COMPLETING_REBALANCE",
            MemberState::Stable => "STABLE",
        }
    }
}

/// `Generation`: the generation, member id and protocol of the last successful join.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generation {
    pub generation_id: i32,
    pub member_id: String,
    pub protocol_name: Option<String>,
}

impl Generation {
    pub const NO_GENERATION_ID: i32 = -1;

    pub fn none() -> Self {
        Self {
            generation_id: Self::NO_GENERATION_ID,
            member_id: String::new(),
            protocol_name: None,
        }
    }

    /// `hasGenerationReset`-style check used by `onJoinPrepare`: no valid generation or no member id.
    pub fn is_reset(&self) -> bool {
        self.generation_id == Self::NO_GENERATION_ID || self.member_id.is_empty()
    }
}

/// The join-and-sync chain in flight (`joinFuture` in `AbstractCoordinator`). Like Kafka's future, it
/// survives `resetStateAndRejoin`: a reset while a JoinGroup or SyncGroup is in flight leaves it to be
/// answered, and its handler then finds the member reset. Each request remembers the generation it was
/// sent with (`CoordinatorResponseHandler.sentGeneration`), for the generation-changed checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JoinFuture {
    Idle,
    AwaitingJoin {
        correlation_id: u64,
        sent: Generation,
    },
    /// The JoinGroup response arrived; the application thread handles it at its next poll pass.
    JoinResponseReady {
        response: JoinGroupResponse,
        sent: Generation,
    },
    AwaitingSync {
        correlation_id: u64,
        sent: Generation,
    },
    /// The chain finished: the assignment, or the error to react to.
    Done(Result<Vec<TopicPartition>, Errors>),
    /// A successful JoinGroup answer found the member no longer joining (it was reset meanwhile):
    /// Kafka's `UnjoinedGroupException`, retried after `retry.backoff.ms`.
    Unjoined,
}

/// The member's side of the group protocol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Membership {
    pub state: MemberState,
    pub generation: Generation,
    pub rejoin_needed: bool,
    pub rejoin_reason: JoinReason,
    /// `onJoinPrepare` must run before the next JoinGroup (`needsJoinPrepare`).
    pub needs_join_prepare: bool,
    pub join_future: JoinFuture,
}

impl Default for Membership {
    /// A new member: unjoined, no generation, a join needed.
    fn default() -> Self {
        Self {
            state: MemberState::Unjoined,
            generation: Generation::none(),
            rejoin_needed: true,
            rejoin_reason: JoinReason::None,
            needs_join_prepare: true,
            join_future: JoinFuture::Idle,
        }
    }
}

impl KafkaConsumer {
    /// `rejoinNeededOrPending`.
    pub(super) fn rejoin_needed_or_pending(&self) -> bool {
        self.membership.rejoin_needed || self.membership.join_future != JoinFuture::Idle
    }

    pub(super) fn request_rejoin(&mut self, reason: JoinReason) {
        self.membership.rejoin_needed = true;
        self.membership.rejoin_reason = reason;
    }

    /// `joinGroupIfNeeded`, without blocking: it progresses as far as the responses received allow.
    pub(super) fn join_group_if_needed(&mut self, now: Millis, out: &mut CoOut) {
        // Each turn either finishes the loop or changes the join future, so this terminates; the bound
        // only guards against a model bug turning into an endless loop.
        for _ in 0..16 {
            // `onJoinPrepare` runs first whenever it is due, even with a join still in flight (a reset
            // while it was): the partitions go to the listener before the chain goes on.
            if self.membership.needs_join_prepare && self.rejoin_needed_or_pending() {
                if !self.on_join_prepare(out) {
                    return; // waiting for the auto-commit
                }
                self.membership.needs_join_prepare = false;
            }
            match std::mem::replace(&mut self.membership.join_future, JoinFuture::Idle) {
                JoinFuture::Done(Ok(assignment)) => {
                    if !self.membership.generation.is_reset()
                        && self.membership.state == MemberState::Stable
                    {
                        self.on_join_complete(assignment, out);
                        self.membership.needs_join_prepare = true;
                    } else {
                        let g = &self.membership.generation;
                        let reason = JoinReason::StateModifiedByHeartbeatThread(format!(
                            "Generation{{generationId={}, memberId='{}', protocol='{}'}}/{}",
                            g.generation_id,
                            g.member_id,
                            g.protocol_name.as_deref().unwrap_or("null"),
                            self.membership.state.java_name()
                        ));
                        self.reset_state_and_rejoin(reason, true);
                    }
                }
                JoinFuture::Done(Err(error)) => {
                    if error != Errors::MemberIdRequired {
                        self.request_rejoin(JoinReason::RebalanceFailed(error));
                    }
                    match error {
                        Errors::UnknownMemberId
                        | Errors::IllegalGeneration
                        | Errors::RebalanceInProgress
                        | Errors::MemberIdRequired => {}
                        Errors::CoordinatorNotAvailable => {
                            let at = now.saturating_add(self.config.retry_backoff_ms.max(1));
                            self.app.activity = Activity::Processing { until: at };
                            self.schedule_app(at, out);
                            return;
                        }
                        fatal => {
                            self.fail(fatal, now, out);
                            return;
                        }
                    }
                }
                JoinFuture::JoinResponseReady { response, sent } => {
                    self.handle_join_response(now, response, &sent, out);
                    if !self.is_running() {
                        return;
                    }
                    continue;
                }
                JoinFuture::Unjoined => {
                    // Retriable, but not one of the errors retried at once: back off first.
                    self.request_rejoin(JoinReason::UnjoinedGroup);
                    let at = now.saturating_add(self.config.retry_backoff_ms.max(1));
                    self.app.activity = Activity::Processing { until: at };
                    self.schedule_app(at, out);
                    return;
                }
                waiting @ (JoinFuture::AwaitingJoin { .. } | JoinFuture::AwaitingSync { .. }) => {
                    self.membership.join_future = waiting;
                    return;
                }
                JoinFuture::Idle => {
                    if !self.membership.rejoin_needed {
                        return;
                    }
                    if self.membership.needs_join_prepare {
                        continue; // back to the top: onJoinPrepare first
                    }
                    self.send_join_group(out);
                    return;
                }
            }
            if !self.rejoin_needed_or_pending() {
                return;
            }
        }
    }

    /// `initiateJoinGroup` → `sendJoinGroupRequest`.
    pub(super) fn send_join_group(&mut self, out: &mut CoOut) {
        self.membership.state = MemberState::PreparingRebalance;
        self.heartbeat.disable();
        let metadata = |name: AssignorName| ConsumerProtocolSubscription {
            topics: self.topics.clone(),
            owned_partitions: self.coordinator.owned.iter().cloned().collect(),
            generation_id: self.membership.generation.generation_id,
            rack_id: self.config.client_rack.clone(),
            sticky_user_data: if name == AssignorName::Sticky {
                self.coordinator.last_assignment.clone()
            } else {
                None
            },
        };
        let protocols = self
            .config
            .partition_assignment_strategy
            .iter()
            .map(|&a| JoinGroupRequestProtocol {
                name: a.protocol_name().to_string(),
                metadata: metadata(a),
            })
            .collect();
        let request = JoinGroupRequest {
            group_id: self.group_id.clone(),
            session_timeout_ms: self.config.session_timeout_ms,
            rebalance_timeout_ms: self.config.max_poll_interval_ms,
            member_id: self.membership.generation.member_id.clone(),
            group_instance_id: self.config.group_instance_id.clone(),
            protocol_type: "consumer".to_string(),
            protocols,
            reason: self.membership.rejoin_reason.clone(),
            client_id: self.client_id.clone(),
        };
        let sent = self.membership.generation.clone();
        let id = self.send(Request::JoinGroup(Box::new(request)), out);
        self.membership.join_future = JoinFuture::AwaitingJoin {
            correlation_id: id,
            sent,
        };
    }

    /// `JoinGroupResponseHandler`, run by the application thread inside `poll()`.
    pub(super) fn handle_join_response(
        &mut self,
        now: Millis,
        r: JoinGroupResponse,
        sent: &Generation,
        out: &mut CoOut,
    ) {
        let generation_unchanged = self.membership.generation == *sent;
        match r.error_code {
            Errors::None => {
                if self.membership.state != MemberState::PreparingRebalance {
                    // Reset while the JoinGroup was in flight: "we may have already left the group".
                    self.membership.join_future = JoinFuture::Unjoined;
                    return;
                }
                self.membership.state = MemberState::CompletingRebalance;
                self.heartbeat.enable(now);
                self.schedule_heartbeat_thread(self.heartbeat.next_heartbeat_at, out);
                self.membership.generation = Generation {
                    generation_id: r.generation_id,
                    member_id: r.member_id.clone(),
                    protocol_name: r.protocol_name.clone(),
                };
                let assignments = if r.leader == r.member_id {
                    match self.on_leader_elected(&r, out) {
                        Ok(a) => a,
                        Err(AssignError::Threw(message)) => {
                            self.fail_and_close(message, now, out);
                            return;
                        }
                        Err(AssignError::NeverReturns(message)) => {
                            self.hang(message, out);
                            return;
                        }
                    }
                } else {
                    Vec::new()
                };
                let request = SyncGroupRequest {
                    group_id: self.group_id.clone(),
                    generation_id: self.membership.generation.generation_id,
                    member_id: self.membership.generation.member_id.clone(),
                    group_instance_id: self.config.group_instance_id.clone(),
                    protocol_name: self.membership.generation.protocol_name.clone(),
                    assignments,
                };
                let sent = self.membership.generation.clone();
                let id = self.send(Request::SyncGroup(Box::new(request)), out);
                self.membership.join_future = JoinFuture::AwaitingSync {
                    correlation_id: id,
                    sent,
                };
            }
            Errors::MemberIdRequired => {
                self.membership.generation = Generation {
                    generation_id: Generation::NO_GENERATION_ID,
                    member_id: r.member_id.clone(),
                    protocol_name: None,
                };
                self.request_rejoin(JoinReason::MemberIdRequired(r.member_id.clone()));
                self.membership.join_future = JoinFuture::Done(Err(Errors::MemberIdRequired));
            }
            Errors::UnknownMemberId => {
                // Only a member still at the generation it joined with forgets its id.
                if generation_unchanged {
                    self.reset_on_response_error(Errors::UnknownMemberId, ApiKey::JoinGroup, true);
                }
                self.membership.join_future = JoinFuture::Done(Err(Errors::UnknownMemberId));
            }
            error => self.membership.join_future = JoinFuture::Done(Err(error)),
        }
    }

    /// `SyncGroupResponseHandler`, run by whichever thread reads the response (here: at once).
    pub(super) fn handle_sync_response(&mut self, r: SyncGroupResponse, sent: &Generation) {
        let generation_unchanged = self.membership.generation == *sent;
        self.membership.join_future = match r.error_code {
            Errors::None => {
                if !self.membership.generation.is_reset()
                    && self.membership.state == MemberState::CompletingRebalance
                {
                    if r.protocol_name.is_some()
                        && r.protocol_name != self.membership.generation.protocol_name
                    {
                        JoinFuture::Done(Err(Errors::InconsistentGroupProtocol))
                    } else {
                        self.membership.state = MemberState::Stable;
                        self.membership.rejoin_reason = JoinReason::None;
                        self.membership.rejoin_needed = false;
                        self.coordinator.assigned_by_coordinator = Some(r.assignment.clone());
                        JoinFuture::Done(Ok(r.assignment))
                    }
                } else {
                    JoinFuture::Done(Err(Errors::IllegalGeneration))
                }
            }
            Errors::UnknownMemberId | Errors::IllegalGeneration => {
                // A generation changed meanwhile (a reset) makes the error stale: no second reset.
                if generation_unchanged {
                    let reset_member_id = r.error_code == Errors::UnknownMemberId;
                    self.reset_on_response_error(r.error_code, ApiKey::SyncGroup, reset_member_id);
                }
                JoinFuture::Done(Err(r.error_code))
            }
            error => JoinFuture::Done(Err(error)),
        };
    }

    /// `maybeLeaveGroup` then `resetGenerationOnLeaveGroup`.
    pub(super) fn maybe_leave_group(&mut self, reason: LeaveReason, out: &mut CoOut) {
        let should_send = self.membership.state != MemberState::Unjoined
            && !self.membership.generation.member_id.is_empty()
            && !self.is_static();
        if should_send {
            let request = LeaveGroupRequest {
                group_id: self.group_id.clone(),
                members: vec![MemberIdentity {
                    member_id: self.membership.generation.member_id.clone(),
                    group_instance_id: self.config.group_instance_id.clone(),
                    reason,
                }],
            };
            self.send(Request::LeaveGroup(Box::new(request)), out);
        }
        self.reset_state_and_rejoin(JoinReason::GenerationReset, true);
    }

    /// `resetStateOnResponseError`: "encountered <ERROR> from <API> response".
    pub(super) fn reset_on_response_error(
        &mut self,
        error: Errors,
        api: ApiKey,
        reset_member_id: bool,
    ) {
        self.reset_state_and_rejoin(JoinReason::ResponseError { error, api }, reset_member_id);
    }

    /// `resetStateAndRejoin`.
    pub(super) fn reset_state_and_rejoin(&mut self, reason: JoinReason, reset_member_id: bool) {
        self.membership.state = MemberState::Unjoined;
        self.membership.generation = if reset_member_id {
            Generation::none()
        } else {
            Generation {
                generation_id: Generation::NO_GENERATION_ID,
                member_id: self.membership.generation.member_id.clone(),
                protocol_name: None,
            }
        };
        self.heartbeat.disable();
        // The join future is kept, as Kafka keeps it: its answer will find the member reset.
        // The ConsumerCoordinator's part of the reset (its join-prepare commit, pending revocation).
        self.on_membership_reset();
        self.request_rejoin(reason);
        self.membership.needs_join_prepare = true;
    }
}
