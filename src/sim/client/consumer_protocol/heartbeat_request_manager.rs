//! `ConsumerHeartbeatRequestManager` (with `AbstractHeartbeatRequestManager`): the background
//! thread's only request. It heartbeats every interval the coordinator returned, at once when
//! joining or acknowledging, never with one in flight; it sends all fields when joining and
//! afterwards only those that changed; it leaves the group when the poll timer expires.

use super::membership_manager::MemberState;
use crate::sim::client::{Activity, CoOut, KafkaConsumer};
use crate::sim::protocol::consumer_group_heartbeat::{
    LEAVE_GROUP_MEMBER_EPOCH, LEAVE_GROUP_STATIC_MEMBER_EPOCH,
};
use crate::sim::protocol::{
    ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse, Errors, Request,
};
use crate::sim::rng::SimRng;
use crate::sim::sort::CollectBTree;
use crate::sim::time::Millis;
use crate::sim::timer::{ConsumerTimer, Timer};
use crate::sim::trace::TraceEvent;

/// `Uuid.randomUuid().toString()`: 16 random bytes (version 4) in URL-safe base64 without padding.
fn random_member_id(rng: &mut SimRng) -> String {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&rng.next_u64().to_be_bytes());
    bytes[8..].copy_from_slice(&rng.next_u64().to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let id = crate::sim::assign::server::TopicId::from_bytes(bytes);
    id.to_string()
}

impl KafkaConsumer {
    /// `new KafkaConsumer(...)` with `group.protocol=consumer`, `subscribe()` and the first `poll()`:
    /// the background thread heartbeats at once to join.
    pub(crate) fn kip848_start(&mut self, now: Millis, out: &mut CoOut) {
        self.commits.next_auto_commit_at = now.saturating_add(self.config.auto_commit_interval_ms);
        self.app.last_poll_at = now;
        self.kip848_heartbeat_now(now, out);
        self.kip848_poll_pass(now, out);
    }

    /// Wakes the background thread now (joining, acknowledging).
    pub(crate) fn kip848_heartbeat_now(&mut self, now: Millis, out: &mut CoOut) {
        out.set_timer(now, Timer::Consumer(ConsumerTimer::HeartbeatThread));
    }

    /// If the application will be away from `poll()` past the poll deadline, wake the background
    /// thread then, so it notices.
    pub(crate) fn kip848_schedule_poll_timer_check(&mut self, busy_until: Millis, out: &mut CoOut) {
        let deadline = self
            .app
            .last_poll_at
            .saturating_add(self.config.max_poll_interval_ms);
        let Some(manager) = self.kip848.as_ref() else {
            return;
        };
        if busy_until > deadline && deadline < manager.heartbeat.next_at {
            out.set_timer(deadline, Timer::Consumer(ConsumerTimer::HeartbeatThread));
        }
    }

    /// One run of the background thread (`AbstractHeartbeatRequestManager.poll`).
    pub(crate) fn kip848_heartbeat_thread_run(
        &mut self,
        now: Millis,
        rng: &mut SimRng,
        out: &mut CoOut,
    ) {
        let Some(manager) = self.kip848.as_mut() else {
            return;
        };
        if manager.member_id.is_empty() {
            manager.member_id = random_member_id(rng);
        }
        // `shouldSkipHeartbeat`: a fenced member waits for its lost callback, a stale or failed one
        // for the next poll(), a leaving one is done.
        if matches!(
            manager.state,
            MemberState::Fenced | MemberState::Stale | MemberState::Fatal | MemberState::Leaving
        ) {
            return;
        }
        let poll_deadline = self
            .app
            .last_poll_at
            .saturating_add(self.config.max_poll_interval_ms);
        if self.app.activity != Activity::InPoll && now >= poll_deadline {
            self.kip848_poll_timer_expired(out);
            return;
        }
        let manager = self.kip848.as_ref().expect("checked");
        let now_needed = matches!(
            manager.state,
            MemberState::Joining | MemberState::Acknowledging
        );
        let due = now >= manager.heartbeat.next_at;
        if manager.heartbeat.in_flight.is_none() && (due || now_needed) {
            self.send_consumer_group_heartbeat(now, out);
        }
        let manager = self.kip848.as_ref().expect("checked");
        let mut next = manager.heartbeat.next_at;
        if self.app.activity != Activity::InPoll {
            next = next.min(poll_deadline);
        }
        if next > now {
            out.set_timer(next, Timer::Consumer(ConsumerTimer::HeartbeatThread));
        }
    }

    fn send_consumer_group_heartbeat(&mut self, now: Millis, out: &mut CoOut) {
        let owned = self.coordinator.owned.clone();
        let manager = self.kip848.as_ref().expect("a consumer-protocol member");
        let all = manager.heartbeat.send_all_fields || manager.member_epoch == 0;
        // `sentFields.localAssignment` carries the epoch it was reconciled at, so an acknowledgement
        // reports the owned partitions even when they did not change.
        let owned_changed = manager.heartbeat.sent_owned.as_ref() != Some(&owned)
            || manager.state == MemberState::Acknowledging;
        let request = ConsumerGroupHeartbeatRequest {
            group_id: self.group_id.clone(),
            member_id: manager.member_id.clone(),
            member_epoch: manager.member_epoch,
            instance_id: self.config.group_instance_id.clone(),
            rack_id: self.config.client_rack.clone().filter(|_| all),
            rebalance_timeout_ms: all.then_some(self.config.max_poll_interval_ms),
            subscribed_topic_names: all.then(|| self.topics.clone()),
            server_assignor: self.config.group_remote_assignor.clone().filter(|_| all),
            topic_partitions: (all || owned_changed).then(|| owned.iter().cloned().collect()),
        };
        let id = self.send(Request::ConsumerGroupHeartbeat(Box::new(request)), out);
        let manager = self.kip848.as_mut().expect("a consumer-protocol member");
        manager.heartbeat.in_flight = Some(id);
        manager.heartbeat.last_sent_at = Some(now);
        manager.heartbeat.next_at = now.saturating_add(manager.heartbeat.interval_ms);
        manager.heartbeat.send_all_fields = false;
        manager.heartbeat.sent_owned = Some(owned.clone());
        // `onHeartbeatRequestGenerated`: sending the acknowledgement ends ACKNOWLEDGING, without
        // waiting for the answer; a target that moved on meanwhile is reconciled next.
        if manager.state == MemberState::Acknowledging {
            let reconciled = manager
                .target
                .as_ref()
                .is_some_and(|(_, target)| *target == owned);
            manager.state = if reconciled {
                MemberState::Stable
            } else {
                MemberState::Reconciling
            };
            if manager.state == MemberState::Reconciling {
                self.wake_app_if_in_poll(now, out);
            }
        }
        self.heartbeat.last_sent_at = Some(now);
    }

    /// The poll timer expired: leave (-1, or -2 for a static member) and go stale; the next `poll()`
    /// reports the partitions lost and rejoins.
    fn kip848_poll_timer_expired(&mut self, out: &mut CoOut) {
        out.record(TraceEvent::PollTimeoutExpired {
            consumer: self.handle.clone(),
            last_poll: self.app.last_poll_at,
        });
        self.kip848_send_leave(out);
        let manager = self.kip848.as_mut().expect("a consumer-protocol member");
        manager.state = MemberState::Stale;
        manager.heartbeat = Default::default();
    }

    /// The leave heartbeat; its answer is not waited for.
    pub(crate) fn kip848_send_leave(&mut self, out: &mut CoOut) {
        let manager = self.kip848.as_ref().expect("a consumer-protocol member");
        let epoch = if self.config.group_instance_id.is_some() {
            LEAVE_GROUP_STATIC_MEMBER_EPOCH
        } else {
            LEAVE_GROUP_MEMBER_EPOCH
        };
        let request = ConsumerGroupHeartbeatRequest {
            group_id: self.group_id.clone(),
            member_id: manager.member_id.clone(),
            member_epoch: epoch,
            instance_id: self.config.group_instance_id.clone(),
            rack_id: None,
            rebalance_timeout_ms: None,
            subscribed_topic_names: None,
            server_assignor: None,
            topic_partitions: None,
        };
        self.send(Request::ConsumerGroupHeartbeat(Box::new(request)), out);
        let manager = self.kip848.as_mut().expect("a consumer-protocol member");
        manager.member_epoch = epoch;
        manager.heartbeat.in_flight = None;
    }

    /// A `ConsumerGroupHeartbeat` answer (`onResponse` / `onErrorResponse`, `onHeartbeatSuccess`).
    pub(crate) fn kip848_on_heartbeat_response(
        &mut self,
        now: Millis,
        correlation_id: u64,
        r: ConsumerGroupHeartbeatResponse,
        out: &mut CoOut,
    ) {
        let owned = self.coordinator.owned.clone();
        let Some(manager) = self.kip848.as_mut() else {
            return;
        };
        if manager.heartbeat.in_flight != Some(correlation_id) {
            // The answer to a leave heartbeat: nothing waits for it.
            return;
        }
        manager.heartbeat.in_flight = None;
        match r.error_code {
            Errors::None => {
                manager.heartbeat.interval_ms = r.heartbeat_interval_ms;
                manager.heartbeat.next_at = manager
                    .heartbeat
                    .last_sent_at
                    .unwrap_or(now)
                    .saturating_add(r.heartbeat_interval_ms);
                manager.member_epoch = r.member_epoch;
                // `processAssignmentReceived`: only an answer that carries an assignment moves
                // the state; one without leaves it as it is (an acknowledgement reconciled while
                // this heartbeat travelled is still to be sent).
                if let Some(assignment) = r.assignment {
                    manager.target = Some((r.member_epoch, assignment.into_iter().collect_set()));
                    let reconciled = manager.assignment_applied
                        && manager
                            .target
                            .as_ref()
                            .is_some_and(|(_, target)| *target == owned);
                    if !reconciled {
                        manager.state = MemberState::Reconciling;
                    } else if matches!(
                        manager.state,
                        MemberState::Reconciling | MemberState::Joining
                    ) {
                        manager.state = MemberState::Stable;
                    }
                }
                if manager.state != MemberState::Reconciling {
                    // A reconciliation that waits for its commit is no longer wanted.
                    self.kip848_abort_reconciliation();
                }
                if self.kip848.as_ref().expect("checked").state == MemberState::Reconciling {
                    self.wake_app_if_in_poll(now, out);
                }
            }
            Errors::FencedMemberEpoch | Errors::UnknownMemberId => {
                // `transitionToFenced`: the lost callback runs in the next poll(), then it rejoins
                // with the same member id, without backoff.
                manager.state = MemberState::Fenced;
                manager.heartbeat.send_all_fields = true;
                self.wake_app_if_in_poll(now, out);
            }
            error => {
                // UNRELEASED_INSTANCE_ID, FENCED_INSTANCE_ID, GROUP_MAX_SIZE_REACHED,
                // UNSUPPORTED_ASSIGNOR, INVALID_REQUEST and the rest: `handleFatalFailure`.
                let message = r
                    .error_message
                    .unwrap_or_else(|| error.message().to_string());
                manager.state = MemberState::Fatal;
                manager.fatal = Some((error, message));
                self.wake_app_if_in_poll(now, out);
            }
        }
        // The next run of the background thread: at once to rejoin or acknowledge (the poll pass
        // above may have reconciled already), else when the interval is up.
        let manager = self.kip848.as_ref().expect("checked");
        let at = match manager.state {
            MemberState::Fatal | MemberState::Fenced | MemberState::Stale => None,
            MemberState::Joining | MemberState::Acknowledging => Some(now),
            _ => Some(manager.heartbeat.next_at.max(now)),
        };
        if let Some(mut at) = at {
            // The poll timer is watched by the same thread.
            if self.app.activity != Activity::InPoll {
                let poll_deadline = self
                    .app
                    .last_poll_at
                    .saturating_add(self.config.max_poll_interval_ms);
                at = at.min(poll_deadline.max(now));
            }
            out.set_timer(at, Timer::Consumer(ConsumerTimer::HeartbeatThread));
        }
    }
}
