//! `Heartbeat`: the client's timers for the background heartbeat thread (KIP-62): when the next heartbeat
//! is due, and the poll timer that enforces `max.poll.interval.ms`.

use crate::sim::time::Millis;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
