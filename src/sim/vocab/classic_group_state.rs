//! `ClassicGroupState`: the states of a classic group on the coordinator.

use serde::{Deserialize, Serialize};
use std::fmt;

/// `ClassicGroupState`, with Kafka's per-state table: what the coordinator answers in each state and
/// what moves the group on. Each handler in `broker::classic` matches on the state in this order.
///
/// | state | JoinGroup | SyncGroup | Heartbeat | LeaveGroup | OffsetCommit | leaves for |
/// |---|---|---|---|---|---|---|
/// | `Empty` | a new member starts a rebalance | UNKNOWN_MEMBER_ID | UNKNOWN_MEMBER_ID | UNKNOWN_MEMBER_ID | UNKNOWN_MEMBER_ID (a generation-less commit is stored) | PreparingRebalance (a member joins) |
/// | `PreparingRebalance` | parked until every expected member joined or the rebalance timeout | REBALANCE_IN_PROGRESS | REBALANCE_IN_PROGRESS (the session is renewed) | the member is removed (the join phase may complete) | allowed from the current generation, the one being rebalanced | CompletingRebalance (join phase done), Empty (everyone left) |
/// | `CompletingRebalance` | a new member, or changed metadata, restarts the rebalance; unchanged metadata gets the current generation again | parked until the leader's SyncGroup | answered normally | removed, and the group rebalances | REBALANCE_IN_PROGRESS | Stable (the leader's assignment), PreparingRebalance (join, leave, session expiry) |
/// | `Stable` | the leader, or a follower with new metadata, starts a rebalance; others get the current generation | the member's current assignment | answered normally | removed, and the group rebalances | allowed from the current generation | PreparingRebalance (join, leave, session expiry) |
/// | `Dead` | COORDINATOR_NOT_AVAILABLE | COORDINATOR_NOT_AVAILABLE | COORDINATOR_NOT_AVAILABLE | COORDINATOR_NOT_AVAILABLE | COORDINATOR_NOT_AVAILABLE | nothing: it is the last state |
///
/// The table follows Kafka 4.1's code where the comments on Kafka's enum say otherwise: a heartbeat during
/// CompletingRebalance is answered normally (members heartbeat as soon as their JoinGroup is answered), and
/// a Dead group answers COORDINATOR_NOT_AVAILABLE (the member looks for the coordinator again), not
/// UNKNOWN_MEMBER_ID. The model never enters Dead (see [`Self::valid_previous_states`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ClassicGroupState {
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
}

impl ClassicGroupState {
    /// The states a group may come from (`validPreviousStates`). Nothing in the model deletes or
    /// unloads a group yet, so Dead is never entered; it is listed to keep the table complete.
    pub fn valid_previous_states(self) -> &'static [ClassicGroupState] {
        use ClassicGroupState::*;
        match self {
            PreparingRebalance => &[Stable, CompletingRebalance, Empty],
            CompletingRebalance => &[PreparingRebalance],
            Stable => &[CompletingRebalance],
            Empty => &[PreparingRebalance],
            Dead => &[Stable, PreparingRebalance, CompletingRebalance, Empty, Dead],
        }
    }
}

impl fmt::Display for ClassicGroupState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ClassicGroupState::Empty => "Empty",
            ClassicGroupState::PreparingRebalance => "PreparingRebalance",
            ClassicGroupState::CompletingRebalance => "CompletingRebalance",
            ClassicGroupState::Stable => "Stable",
            ClassicGroupState::Dead => "Dead",
        })
    }
}
