//! What compare mode's table and the Metrics tab count, in words that say exactly that: a revocation
//! row that also counts lost partitions says so, and a "pause" that also counts time owning nothing
//! says so.

use crate::sim::consumption::RebalanceCost;

/// One row of compare mode's table: what it counts, and whether lower is plainly better.
pub struct CompareRow {
    pub label: &'static str,
    /// The row's title: exactly what is counted.
    pub title: &'static str,
    pub value: fn(&RebalanceCost) -> f64,
    pub unit: &'static str,
    /// Lower is plainly better (idle time, pauses, partitions taken). Not so for the rebalance count:
    /// cooperative's second round is the price of letting everyone else keep consuming.
    pub ranked: bool,
}

pub const COMPARE_ROWS: [CompareRow; 4] = [
    CompareRow {
        label: "Rebalances (generations or epoch bumps)",
        title: "Classic: completed join phases, each a new generation of the group. KIP-848: group epoch \
                bumps, each a new target assignment that members reach one by one",
        value: |c| c.rebalances as f64,
        unit: "",
        ranked: false,
    },
    CompareRow {
        label: "Partitions revoked or lost",
        title: "Partitions taken from their consumers: handed back through onPartitionsRevoked, or found \
                already gone through onPartitionsLost (after a poll timeout or a fencing)",
        value: |c| c.partitions_taken as f64,
        unit: "",
        ranked: true,
    },
    CompareRow {
        label: "Partition-seconds without a consumer",
        title: "Summed over partitions, since the group was first stable: time owned by nobody, or by a \
                stalled consumer",
        value: |c| c.unconsumed_partition_ms as f64 / 1000.0,
        unit: " s",
        ranked: true,
    },
    CompareRow {
        label: "Longest pause of a consumer",
        title: PAUSE_TITLE,
        value: |c| c.longest_pause_ms as f64 / 1000.0,
        unit: " s",
        ranked: true,
    },
];

/// Compare mode's row for scenarios with producers.
pub const DUPLICATES_ROW: CompareRow = CompareRow {
    label: "Records processed twice",
    title: "Records a consumer processed again because their partition moved (or its owner died) \
            before their offsets were committed: the new owner starts from the committed offset",
    value: |c| c.duplicates as f64,
    unit: "",
    ranked: true,
};

/// What the Metrics tab's "read twice" column counts.
pub const DUPLICATES_TITLE: &str =
    "Records processed again under this generation's assignment: their \
    partition moved, or its owner died, before their offsets were committed, so the new owner read \
    them again from the committed offset";

/// What a consumer's "longest pause" counts.
pub const PAUSE_TITLE: &str = "The longest stretch a running consumer that had been given partitions \
    consumed nothing: stalled, or owning no partition at all (between an eager revocation and the next \
    assignment, or left without partitions by a rebalance)";

/// Why eager, cooperative and KIP-848 can each win a different row.
pub const TRADE_OFF: [(&str, &str); 3] = [
    (
        "Eager",
        ": every member hands back all its partitions in onPartitionsRevoked and stops. Nobody gets \
         partitions back until every member has come back to poll() and rejoined, so the slowest poller \
         sets the length of the stop, up to max.poll.interval.ms; then everyone resumes at once.",
    ),
    (
        "Cooperative",
        ": only the partitions that move stop; everyone else keeps consuming. A moving partition is \
         revoked in one round and handed to its new owner in a second, so those few wait longer. That is \
         why eager can have fewer partition-seconds without a consumer while cooperative has the shorter \
         longest pause.",
    ),
    (
        "KIP-848",
        ": no join round at all: the broker computes the target and each member reaches it on its own \
         heartbeats, revoking in its next poll(). A moving partition waits for its old owner's next \
         heartbeat and poll(), then for its new owner's next heartbeat (5 s apart by default); nobody else \
         stops.",
    ),
];

/// Differences smaller than this share of the larger value are timing noise (a heartbeat or a
/// poll landing a few milliseconds apart in two lanes), not a protocol's doing: no ✓ for them.
pub const NOISE: f64 = 0.05;

/// What the ✓ under compare mode's table says.
pub const BEST_NOTE: &str = "✓ marks the lowest value where lower is plainly better, and only when the \
    others are more than 5 % higher (closer than that is timing noise). The rebalance count gets none: \
    cooperative's extra round is the price of not stopping everyone.";

/// Which lanes of a row get a ✓: those within [`NOISE`] of the lowest value, and only if some
/// lane is further than that from it (and the row is ranked at all).
pub fn best_marks(values: &[f64], ranked: bool) -> Vec<bool> {
    let best = values.iter().cloned().fold(f64::INFINITY, f64::min);
    let near_best = |v: f64| v - best <= NOISE * v.abs().max(best.abs()) + 1e-9;
    let marks: Vec<bool> = values.iter().map(|v| near_best(*v)).collect();
    if !ranked || marks.iter().all(|m| *m) {
        return vec![false; values.len()];
    }
    marks
}

/// Revoked against lost, for the Metrics tab.
pub const REVOKED_OR_LOST: &str = "Revoked: handed back through onPartitionsRevoked by a member still in \
    the group, which can commit its progress first. Lost: onPartitionsLost, when the member finds its \
    membership already gone (its poll timer expired, or the coordinator answered UNKNOWN_MEMBER_ID or \
    ILLEGAL_GENERATION): another member may own them already, so there is nothing to commit.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timing_noise_gets_no_check_mark_and_a_real_difference_does() {
        // 6.00 s against 6.20 s: 3 % apart, noise.
        assert_eq!(best_marks(&[6.0, 6.2], true), vec![false, false]);
        // 12 ms, 12 ms, 4 s: the two equal ones both win.
        assert_eq!(
            best_marks(&[0.012, 0.012, 4.0], true),
            vec![true, true, false]
        );
        // 0 against 4: a real difference.
        assert_eq!(best_marks(&[0.0, 4.0], true), vec![true, false]);
        // Within noise of the best counts as the best.
        assert_eq!(
            best_marks(&[10.0, 10.3, 20.0], true),
            vec![true, true, false]
        );
        assert_eq!(best_marks(&[1.0, 3.0], false), vec![false, false]);
    }

    /// A string continued over lines without a trailing `\` keeps the next line's indentation: no
    /// title may carry such a run of spaces.
    #[test]
    fn titles_carry_no_runs_of_spaces_from_line_breaks() {
        let mut texts: Vec<&str> = COMPARE_ROWS.iter().map(|r| r.title).collect();
        texts.extend([
            DUPLICATES_ROW.title,
            DUPLICATES_TITLE,
            PAUSE_TITLE,
            BEST_NOTE,
            REVOKED_OR_LOST,
        ]);
        texts.extend(TRADE_OFF.iter().map(|(_, t)| *t));
        for text in texts {
            assert!(!text.contains("  "), "{text:?}");
        }
        assert!(DUPLICATES_ROW
            .title
            .contains("(or its owner died) before their offsets were committed"));
        assert!(DUPLICATES_TITLE.contains("their partition moved"));
    }
    use crate::session::{lessons, Lab, Session, Strategy};
    use crate::sim::consumption::rebalance_cost;
    use crate::sim::metrics::compute;
    use crate::sim::Action;

    fn lab(lesson: &str, strategies: Vec<Strategy>) -> Lab {
        Lab::new(Session {
            scenario: lessons::lesson(lesson).unwrap().scenario(),
            strategies,
            actions: Vec::new(),
            until_ms: 20_000,
        })
        .unwrap()
    }

    #[test]
    fn the_revocation_row_counts_lost_partitions_and_says_so() {
        let mut lab = lab("basics", vec![Strategy::KafkaDefault]);
        // A 40 s stall outlasts max.poll.interval.ms (30 s): c2's partitions are lost, not revoked.
        lab.apply(Action::StallConsumer {
            consumer: "c2".into(),
            ms: 40_000,
        })
        .unwrap();
        lab.run_until(90_000);
        let m = compute(lab.lanes[0].world.trace(), lab.now());
        let g = &m.groups["orders-app"];
        assert!(g.partitions_lost > 0, "the stall made partitions lost");
        let cost = rebalance_cost(&m, "orders-app");
        let row = &COMPARE_ROWS[1];
        assert_eq!(
            (row.value)(&cost),
            (g.partitions_revoked + g.partitions_lost) as f64
        );
        assert_eq!(row.label, "Partitions revoked or lost");
        assert!(row.title.contains("onPartitionsLost"));
    }

    #[test]
    fn a_pause_counts_time_owning_nothing_and_says_so() {
        // Eager: a member owns nothing between its revocation and its new assignment, without any stall.
        let mut lab = lab("slow-consumers", vec![Strategy::EagerRange]);
        lab.apply(Action::AddConsumer {
            group: "orders-app".into(),
            topics: vec!["orders".into()],
            config: Default::default(),
        })
        .unwrap();
        lab.run_until(60_000);
        let m = compute(lab.lanes[0].world.trace(), lab.now());
        let stalls = lab.lanes[0]
            .world
            .trace()
            .iter()
            .any(|e| matches!(e.event, crate::sim::TraceEvent::StallStarted { .. }));
        assert!(!stalls);
        assert!(rebalance_cost(&m, "orders-app").longest_pause_ms > 0);
        assert!(PAUSE_TITLE.contains("owning no partition at all"));
    }

    #[test]
    fn eager_stops_until_the_slowest_poller_is_back_up_to_max_poll_interval() {
        // basics: max.poll.interval.ms 30 s. c3 is stuck in a batch when c4 joins: under eager, c1 and
        // c2 revoke everything and wait for c3; under cooperative they keep their partitions.
        let pause = |strategy: Strategy, stall_ms: u64| {
            let mut lab = lab("basics", vec![strategy]);
            lab.apply(Action::StallConsumer {
                consumer: "c3".into(),
                ms: stall_ms,
            })
            .unwrap();
            lab.run_until(21_000);
            lab.apply(Action::AddConsumer {
                group: "orders-app".into(),
                topics: vec!["orders".into()],
                config: Default::default(),
            })
            .unwrap();
            lab.run_until(90_000);
            let m = compute(lab.lanes[0].world.trace(), lab.now());
            ["c1", "c2"]
                .map(|c| m.consumers[c].longest_pause_ms)
                .into_iter()
                .max()
                .unwrap()
        };
        let short_stall = pause(Strategy::EagerRange, 15_000);
        assert!(
            (10_000..=15_000).contains(&short_stall),
            "{short_stall}: until c3 is back at 35 s"
        );
        let long_stall = pause(Strategy::EagerRange, 60_000);
        assert!(
            (20_000..=30_000).contains(&long_stall),
            "{long_stall}: c3 leaves when its poll timer expires at 50 s"
        );
        assert!(
            pause(Strategy::CooperativeSticky, 15_000) < 1_000,
            "cooperative: nobody else stops"
        );
        assert!(TRADE_OFF[0].1.contains(
            "the slowest poller sets the length of the stop, up to max.poll.interval.ms"
        ));
    }
}
