//! `Heartbeat`: the client's timers for the background heartbeat thread (KIP-62): when the next heartbeat
//! is due, and the poll timer that enforces `max.poll.interval.ms` — and the thread itself: it sends
//! heartbeats, reads their answers at once and leaves the group when the poll timer expires.

use super::membership::MemberState;
use super::{CoOut, KafkaConsumer};
use crate::sim::protocol::*;
use crate::sim::time::Millis;
use crate::sim::timer::{ConsumerTimer, Timer};
use crate::sim::trace::TraceEvent;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heartbeat {
    pub heartbeat_interval_ms: Millis,
    pub max_poll_interval_ms: Millis,
    /// The heartbeat thread runs only between a JoinGroup response and the next rejoin.
    pub enabled: bool,
    /// When the heartbeat timer expires: the next heartbeat is due then.
    pub next_heartbeat_at: Millis,
    pub last_sent_at: Option<Millis>,
    pub last_received_at: Option<Millis>,
    /// Correlation id and generation of the heartbeat in flight.
    pub in_flight: Option<(u64, i32)>,
    /// A fatal error the heartbeat thread caught (FENCED_INSTANCE_ID); `poll()` throws it next time.
    pub failure: Option<Errors>,
}

impl Heartbeat {
    pub fn new(heartbeat_interval_ms: Millis, max_poll_interval_ms: Millis) -> Self {
        Self {
            heartbeat_interval_ms,
            max_poll_interval_ms,
            enabled: false,
            next_heartbeat_at: 0,
            last_sent_at: None,
            last_received_at: None,
            in_flight: None,
            failure: None,
        }
    }

    /// `enable()` → `resetTimeouts()`: the first heartbeat goes one interval after the JoinGroup response.
    pub fn enable(&mut self, now: Millis) {
        self.enabled = true;
        self.next_heartbeat_at = now.saturating_add(self.heartbeat_interval_ms);
    }

    pub fn disable(&mut self) {
        self.enabled = false;
    }

    pub fn should_heartbeat(&self, now: Millis) -> bool {
        now >= self.next_heartbeat_at
    }

    pub fn sent_heartbeat(&mut self, now: Millis, correlation_id: u64, generation: i32) {
        self.last_sent_at = Some(now);
        self.in_flight = Some((correlation_id, generation));
        self.next_heartbeat_at = now.saturating_add(self.heartbeat_interval_ms);
    }

    pub fn receive_heartbeat(&mut self, now: Millis) {
        self.in_flight = None;
        self.last_received_at = Some(now);
    }

    /// When the poll timer expires, given when the application last polled.
    pub fn poll_deadline(&self, last_poll: Millis) -> Millis {
        last_poll.saturating_add(self.max_poll_interval_ms)
    }
}

impl KafkaConsumer {
    pub(super) fn heartbeat_thread_run(&mut self, now: Millis, out: &mut CoOut) {
        if !self.heartbeat.enabled {
            return;
        }
        if matches!(
            self.membership.state,
            MemberState::Unjoined | MemberState::PreparingRebalance
        ) {
            self.heartbeat.disable();
            return;
        }
        if let Some(deadline) = self.poll_deadline() {
            if now >= deadline {
                self.handle_poll_timeout_expiry(now, out);
                return;
            }
        }
        if self.heartbeat.should_heartbeat(now) {
            let request = HeartbeatRequest {
                group_id: self.group_id.clone(),
                generation_id: self.membership.generation.generation_id,
                member_id: self.membership.generation.member_id.clone(),
                group_instance_id: self.config.group_instance_id.clone(),
            };
            let id = self.send(Request::Heartbeat(Box::new(request)), out);
            self.heartbeat
                .sent_heartbeat(now, id, self.membership.generation.generation_id);
        }
        let mut next = self.heartbeat.next_heartbeat_at;
        if let Some(deadline) = self.poll_deadline() {
            next = next.min(deadline);
        }
        self.schedule_heartbeat_thread(next, out);
    }

    pub(super) fn handle_heartbeat_response(
        &mut self,
        now: Millis,
        correlation_id: u64,
        r: HeartbeatResponse,
        out: &mut CoOut,
    ) {
        let Some((expected, sent_generation)) = self.heartbeat.in_flight else {
            return;
        };
        if expected != correlation_id {
            return;
        }
        self.heartbeat.receive_heartbeat(now);
        let generation_unchanged = sent_generation == self.membership.generation.generation_id;
        match r.error_code {
            Errors::None => {}
            // Kafka calls requestRejoin unconditionally here, overwriting any earlier reason.
            Errors::RebalanceInProgress if self.membership.state == MemberState::Stable => {
                self.request_rejoin(JoinReason::GroupIsRebalancing);
                self.wake_app_if_in_poll(now, out);
            }
            Errors::IllegalGeneration | Errors::UnknownMemberId | Errors::FencedInstanceId
                if generation_unchanged =>
            {
                let reset_member_id = r.error_code != Errors::IllegalGeneration;
                self.reset_on_response_error(r.error_code, ApiKey::Heartbeat, reset_member_id);
                if r.error_code == Errors::FencedInstanceId {
                    // The heartbeat thread records the failure; the next poll() throws it.
                    self.heartbeat.failure = Some(r.error_code);
                }
                self.wake_app_if_in_poll(now, out);
            }
            // Sent under an older generation: the error is stale and ignored.
            _ => {}
        }
    }

    /// The poll timer expired: a dynamic member sends LeaveGroup; either way the generation is reset and
    /// the heartbeat thread goes quiet (a static member is then noticed only at its session timeout).
    pub(super) fn handle_poll_timeout_expiry(&mut self, now: Millis, out: &mut CoOut) {
        out.record(TraceEvent::PollTimeoutExpired {
            consumer: self.handle.clone(),
            last_poll: self.app.last_poll_at,
        });
        self.maybe_leave_group(LeaveReason::PollTimeoutExpired, out);
        let _ = now;
    }

    pub(super) fn schedule_heartbeat_thread(&mut self, at: Millis, out: &mut CoOut) {
        out.set_timer(at, Timer::Consumer(ConsumerTimer::HeartbeatThread));
    }
}
