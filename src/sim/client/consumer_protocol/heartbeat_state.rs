//! `HeartbeatRequestState` with the fields the last heartbeat sent (`HeartbeatState.sentFields`):
//! the timing and field memory of `ConsumerHeartbeatRequestManager`, kept apart so the membership
//! manager can reset it without depending on the request manager.

use crate::sim::assign::TopicPartition;
use crate::sim::time::Millis;
use std::collections::BTreeSet;

/// `HeartbeatRequestState` and the fields last sent (`HeartbeatState.sentFields`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeartbeatRequestState {
    /// The interval the last response gave (0 before the first: heartbeat at once).
    pub interval_ms: Millis,
    /// When the heartbeat timer expires.
    pub next_at: Millis,
    pub in_flight: Option<u64>,
    pub last_sent_at: Option<Millis>,
    /// Joining, or after an error: the next heartbeat carries every field.
    pub send_all_fields: bool,
    /// The owned partitions the last heartbeat reported.
    pub sent_owned: Option<BTreeSet<TopicPartition>>,
}

impl Default for HeartbeatRequestState {
    fn default() -> Self {
        Self {
            interval_ms: 0,
            next_at: 0,
            in_flight: None,
            last_sent_at: None,
            send_all_fields: true,
            sent_owned: None,
        }
    }
}
