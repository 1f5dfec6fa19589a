//! What a consumer is doing, as its card shows it: one word per state, shared by the client that
//! decides it, the trace that records it and the views that draw it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What the consumer shows on its card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", content = "reason", rename_all = "snake_case")]
pub enum ConsumerState {
    /// Not in the group (before its first join, or after a poll timeout reset it).
    Unjoined,
    /// JoinGroup sent, owning nothing (eager members revoke everything first).
    Joining,
    /// Between the JoinGroup response and applying the SyncGroup assignment.
    Syncing,
    Stable,
    /// Knows it must rejoin (or is rejoining) while still owning partitions (cooperative; or eager before its next poll).
    Rejoining,
    /// KIP-848: an assignment arrived that differs from what it owns; its next `poll()` revokes and
    /// assigns, then it acknowledges.
    Reconciling,
    /// The application is stuck in user code and not calling `poll()`.
    Stalled,
    /// Crashed (killed): silent.
    Dead,
    /// Inside `close()`: waiting for the answer to its final offset commit before it revokes and leaves.
    Closing,
    /// `close()`d.
    Closed,
    /// FENCED_INSTANCE_ID: another process took its `group.instance.id`.
    Fenced(String),
    /// `poll()` threw a fatal error.
    Failed(String),
    /// Alive but silent: `poll()` never returns (the leader's assignor loops forever).
    Hung(String),
}

impl ConsumerState {
    /// Whether the process is alive: not crashed, closed, fenced or failed.
    pub fn is_running(&self) -> bool {
        !matches!(
            self,
            ConsumerState::Dead
                | ConsumerState::Closed
                | ConsumerState::Fenced(_)
                | ConsumerState::Failed(_)
                | ConsumerState::Hung(_)
        )
    }
}

impl fmt::Display for ConsumerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConsumerState::Unjoined => f.write_str("Unjoined"),
            ConsumerState::Joining => f.write_str("Joining"),
            ConsumerState::Syncing => f.write_str("Syncing"),
            ConsumerState::Stable => f.write_str("Stable"),
            ConsumerState::Rejoining => f.write_str("Rejoining"),
            ConsumerState::Reconciling => f.write_str("Reconciling"),
            ConsumerState::Stalled => f.write_str("Stalled"),
            ConsumerState::Dead => f.write_str("Dead"),
            ConsumerState::Closing => f.write_str("Closing"),
            ConsumerState::Closed => f.write_str("Closed"),
            ConsumerState::Fenced(r) => write!(f, "Fenced ({r})"),
            ConsumerState::Failed(r) => write!(f, "Failed ({r})"),
            ConsumerState::Hung(r) => write!(f, "Hung ({r})"),
        }
    }
}
