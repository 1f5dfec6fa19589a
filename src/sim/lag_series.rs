//! Lag over time (scenarios with producers): every group's lag, per partition and per consumer,
//! sampled by the World itself at fixed steps of virtual time. The World takes the sample for an
//! instant `T` when its clock first moves past `T`, so the sample holds everything that happened at
//! `T` (the user's actions included) and nothing later. However a run is cut into steps — a page's
//! frames, a rewind's replay from a checkpoint, a share link's replay from zero — the samples are the
//! same, because the model is deterministic and the instants sampled do not depend on the steps.
//!
//! Lag is what `kafka-consumer-groups --describe` shows as LAG: log-end offset − the group's
//! committed offset (the whole log while nothing is committed). The owner of a partition is the
//! running consumer that consumes it at that instant; while no process does (its owner was killed
//! and the coordinator has not noticed yet, or a rebalance is moving it), the lag is counted as
//! nobody's.

use super::assign::{TopicName, TopicPartition};
use super::broker::offsets::CommittedOffsets;
use super::client::KafkaConsumer;
use super::time::Millis;
use serde::Serialize;
use std::collections::BTreeMap;
use std::rc::Rc;

/// Virtual time between two samples.
pub const LAG_SAMPLE_MS: Millis = 1_000;

/// Groups reading more partitions than this keep only per-consumer lag (a line per partition would
/// not be readable, and 1,000 partitions sampled every second would cost memory in every copy of
/// the World a rewind keeps).
pub const MAX_PARTITION_SERIES: usize = 32;

/// One group's lag at one instant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupLagSample {
    pub group: String,
    /// The sum over every partition of the topics the group reads.
    pub total: i64,
    /// Each partition's lag, when the group reads at most [`MAX_PARTITION_SERIES`] partitions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub partitions: Vec<(TopicPartition, i64)>,
    /// Each of those partitions' log-end offset, in the same order (how fast records arrive).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub log_ends: Vec<i64>,
    /// The lag of the partitions each running consumer owns, by handle (only consumers owning some).
    pub by_owner: Vec<(String, i64)>,
    /// The lag of the partitions no running consumer owns.
    pub unowned: i64,
}

/// Every group's lag at one instant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LagSample {
    pub at: Millis,
    pub groups: Vec<GroupLagSample>,
}

impl GroupLagSample {
    /// The lag and the log-end offsets summed over `partitions` (`None` without per-partition lag).
    pub fn of_partitions(&self, partitions: &[TopicPartition]) -> Option<(i64, i64)> {
        if self.partitions.is_empty() {
            return None;
        }
        let (mut lag, mut end) = (0, 0);
        for ((tp, l), e) in self.partitions.iter().zip(&self.log_ends) {
            if partitions.contains(tp) {
                lag += l;
                end += e;
            }
        }
        Some((lag, end))
    }
}

impl LagSample {
    pub fn group(&self, group: &str) -> Option<&GroupLagSample> {
        self.groups.iter().find(|g| g.group == group)
    }

    /// The lag at `at` of the groups of `consumers`, from the partition logs' ends and the committed
    /// offsets (the World's `lag_now` passes its own).
    pub fn of(
        at: Millis,
        consumers: &[KafkaConsumer],
        logs: &BTreeMap<String, Vec<i64>>,
        offsets: &CommittedOffsets,
    ) -> LagSample {
        // Per group: the topics it reads, and who owns each partition now.
        let mut groups: BTreeMap<&str, (Vec<&str>, BTreeMap<&TopicPartition, &str>)> =
            BTreeMap::new();
        for c in consumers {
            let (topics, owners) = groups.entry(c.group_id.as_str()).or_default();
            for t in &c.topics {
                if !topics.contains(&t.as_str()) {
                    topics.push(t.as_str());
                }
            }
            if c.is_running() {
                for tp in c.owned() {
                    owners.insert(tp, c.handle.as_str());
                }
            }
        }
        let groups = groups
            .into_iter()
            .map(|(group, (topics, owners))| {
                let reads: Vec<(&String, &Vec<i64>)> = logs
                    .iter()
                    .filter(|(t, _)| topics.contains(&t.as_str()))
                    .collect();
                let count: usize = reads.iter().map(|(_, ends)| ends.len()).sum();
                let mut sample = GroupLagSample {
                    group: group.to_string(),
                    total: 0,
                    partitions: Vec::new(),
                    log_ends: Vec::new(),
                    by_owner: Vec::new(),
                    unowned: 0,
                };
                let mut by_owner: BTreeMap<&str, i64> = BTreeMap::new();
                let group_offsets = offsets.groups().get(group);
                for (topic, ends) in reads {
                    // One shared name for the topic's partitions, not one allocated per partition.
                    let topic = TopicName::from(topic.as_str());
                    // The group's committed offsets and the owners of the topic's partitions, in
                    // partition order, walked alongside the partitions: a look-up per partition
                    // compared topic names at every step of the search.
                    let (first, last) = (
                        TopicPartition::new(&topic, 0),
                        TopicPartition::new(&topic, i32::MAX),
                    );
                    let mut committed = group_offsets
                        .into_iter()
                        .flat_map(|o| o.range(&first..=&last))
                        .map(|(tp, offset)| (tp.partition, *offset))
                        .peekable();
                    let mut owned = owners
                        .range::<TopicPartition, _>(&first..=&last)
                        .map(|(tp, owner)| (tp.partition, *owner))
                        .peekable();
                    for (p, &end) in ends.iter().enumerate() {
                        let tp = TopicPartition::new(&topic, i32::try_from(p).unwrap_or(0));
                        let lag = end - entry_of(&mut committed, tp.partition).unwrap_or(0);
                        sample.total += lag;
                        match entry_of(&mut owned, tp.partition) {
                            Some(owner) => *by_owner.entry(owner).or_default() += lag,
                            None => sample.unowned += lag,
                        }
                        if count <= MAX_PARTITION_SERIES {
                            sample.partitions.push((tp, lag));
                            sample.log_ends.push(end);
                        }
                    }
                }
                sample.by_owner = by_owner
                    .into_iter()
                    .map(|(h, lag)| (h.to_string(), lag))
                    .collect();
                sample
            })
            .collect();
        LagSample { at, groups }
    }
}

/// The value of `partition` among `entries`, a topic's entries in partition order, the ones before it
/// skipped (the partitions are asked for in increasing order).
fn entry_of<V: Copy>(
    entries: &mut std::iter::Peekable<impl Iterator<Item = (i32, V)>>,
    partition: i32,
) -> Option<V> {
    while let Some(&(p, value)) = entries.peek() {
        match p.cmp(&partition) {
            std::cmp::Ordering::Less => {
                entries.next();
            }
            std::cmp::Ordering::Equal => return Some(value),
            std::cmp::Ordering::Greater => return None,
        }
    }
    None
}

/// A static member back in its group without a rebalance (`StaticMemberResumed`, or KIP-848's
/// `StaticMemberReplaced`), and every group's lag at that very instant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StaticReturn {
    /// The handle of the consumer whose new process took the member's place.
    pub consumer: String,
    pub lag: LagSample,
}

/// The samples taken so far. Each is shared (an `Rc`: the model runs on one thread) so copying a
/// World — the page keeps copies for rewind — copies pointers, not the history.
#[derive(Clone, Debug, Default)]
pub struct LagSeries {
    samples: Vec<Rc<LagSample>>,
    returns: Vec<Rc<StaticReturn>>,
    /// The next instant to sample.
    next_at: Millis,
}

impl LagSeries {
    pub fn samples(&self) -> impl Iterator<Item = &LagSample> {
        self.samples.iter().map(|s| s.as_ref())
    }

    /// The static members' returns so far, in order.
    pub fn static_returns(&self) -> impl Iterator<Item = &StaticReturn> {
        self.returns.iter().map(|r| r.as_ref())
    }

    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// Whether the clock is about to move past a sampled instant before `t`.
    pub(super) fn due_before(&self, t: Millis) -> Option<Millis> {
        (self.next_at < t).then_some(self.next_at)
    }

    pub(super) fn note_return(&mut self, consumer: String, lag: LagSample) {
        self.returns.push(Rc::new(StaticReturn { consumer, lag }));
    }

    /// Keeps `sample`, taken for the instant [`LagSeries::due_before`] named.
    pub(super) fn push(&mut self, at: Millis, mut sample: LagSample) {
        sample.at = at;
        self.samples.push(Rc::new(sample));
        self.next_at = at + LAG_SAMPLE_MS;
    }
}
