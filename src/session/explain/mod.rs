//! What the page and the CLI tell a learner, decided here from the model's snapshots and metrics,
//! never in `ui/`: each text states a fact about Kafka 4.1 (the spec in `docs/`, and Kafka's source
//! where the spec is silent), and each module's tests check the fact against the model as well as
//! pinning the words.
//!
//! * [`actions`] — what Close, Kill, Stall and Restart do to a member, static or dynamic;
//! * [`consumer`] — the notes on a consumer's card while it is killed, closed or stalled, and the
//!   titles of its generation and leader chip;
//! * [`consumer_group`] — KIP-848: the group's note while it assigns or reconciles, a member's card
//!   note, the epochs' titles;
//! * [`errors`] — what an error answer in the Protocol tab means for the member;
//! * [`group`] — the group header's note during a rebalance (the initial delay, the rebalance
//!   timeout, the leader's SyncGroup) and what a strategy means;
//! * [`key`] — the page's key: tile fills, owns against assigned, the cards' ♥ and ⟳ countdowns;
//! * [`metrics`] — compare mode's rows and trade-off note, revoked against lost;
//! * [`poison_pill`] — the poison pill button, a consumer stuck on a record it cannot deserialize;
//! * [`records`] — the partition logs' legend and lines (log end, committed, position, lag, duplicates);
//! * [`topics`] — why new partitions or a deleted topic's partitions wait.

pub mod actions;
pub mod consumer;
pub mod consumer_group;
pub mod errors;
pub mod group;
pub mod key;
pub mod metrics;
pub mod poison_pill;
pub mod records;
pub mod topics;

use crate::sim::time::Millis;

/// Partitions as the notes write them: `[t-0, t-3]`.
pub fn list(partitions: &[crate::sim::assign::TopicPartition]) -> String {
    let items: Vec<String> = partitions.iter().map(ToString::to_string).collect();
    format!("[{}]", items.join(", "))
}

/// A duration as a learner reads it: "10 s", "2.5 s", "5 min", "330 ms".
pub fn duration(ms: Millis) -> String {
    if ms >= 60_000 && ms.is_multiple_of(60_000) {
        format!("{} min", ms / 60_000)
    } else if ms >= 60_000 && ms.is_multiple_of(6_000) {
        format!("{:.1} min", ms as f64 / 60_000.0)
    } else if ms.is_multiple_of(1_000) {
        format!("{} s", ms / 1_000)
    } else if ms < 1_000 {
        format!("{ms} ms")
    } else {
        format!("{:.1} s", ms as f64 / 1_000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::duration;

    #[test]
    fn durations_read_as_a_person_says_them() {
        assert_eq!(duration(10_000), "10 s");
        assert_eq!(duration(300_000), "5 min");
        assert_eq!(duration(330_000), "5.5 min");
        assert_eq!(duration(2_500), "2.5 s");
        assert_eq!(duration(330), "330 ms");
    }
}
