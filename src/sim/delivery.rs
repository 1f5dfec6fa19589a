//! What happened to the records (scenarios with producers), read from the World and its trace: per
//! group and partition the log-end offset, the committed offset, the owner's position and the lag; which
//! offsets each group processed; the records processed more than once, counted per rebalance (the
//! generation of the assignment under which they were processed again); records processed per consumer;
//! the records an application sought past (poison pills), skipped and never processed.

use super::assign::TopicPartition;
use super::time::Millis;
use super::trace::{TraceEntry, TraceEvent};
use super::trace_chunks::Trace;
use super::world::World;
use serde::Serialize;
use std::collections::BTreeMap;

/// Offsets a group processed on one partition, as sorted, disjoint ranges `from .. to`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ProcessedOffsets {
    ranges: Vec<(i64, i64)>,
}

impl ProcessedOffsets {
    /// Adds `from .. to` and returns how many of its offsets had been processed already.
    pub fn add(&mut self, from: i64, to: i64) -> i64 {
        if to <= from {
            return 0;
        }
        let already: i64 = self
            .ranges
            .iter()
            .map(|&(a, b)| (b.min(to) - a.max(from)).max(0))
            .sum();
        let (mut lo, mut hi) = (from, to);
        self.ranges.retain(|&(a, b)| {
            let touches = a <= hi && lo <= b;
            if touches {
                lo = lo.min(a);
                hi = hi.max(b);
            }
            !touches
        });
        let at = self.ranges.partition_point(|&(a, _)| a < lo);
        self.ranges.insert(at, (lo, hi));
        already
    }

    /// Whether every offset `0 .. end` was processed.
    pub fn covers(&self, end: i64) -> bool {
        end <= 0
            || self
                .ranges
                .first()
                .is_some_and(|&(a, b)| a <= 0 && b >= end)
    }

    /// The offsets below `end` never processed.
    pub fn missing_below(&self, end: i64) -> i64 {
        let done: i64 = self
            .ranges
            .iter()
            .map(|&(a, b)| (b.min(end) - a.max(0)).max(0))
            .sum();
        end.max(0) - done
    }

    pub fn ranges(&self) -> &[(i64, i64)] {
        &self.ranges
    }
}

/// One group's records.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct GroupDelivery {
    pub processed: BTreeMap<TopicPartition, ProcessedOffsets>,
    /// Records processed, counting each time.
    pub records_processed: u64,
    /// Records processed more than once.
    pub duplicates: u64,
    /// Duplicates by the generation whose assignment had them processed again.
    pub duplicates_by_generation: BTreeMap<i32, u64>,
    /// Records processed, by consumer handle.
    pub per_consumer: BTreeMap<String, u64>,
    /// Duplicates, by consumer handle.
    pub duplicates_per_consumer: BTreeMap<String, u64>,
    /// Duplicates, by partition.
    pub duplicates_per_partition: BTreeMap<TopicPartition, u64>,
    /// Offsets the application sought past (`seek(partition, offset + 1)` after a
    /// RecordDeserializationException): skipped, never processed — not lost, since the application
    /// chose to skip them.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub skipped: BTreeMap<TopicPartition, ProcessedOffsets>,
    /// Distinct records skipped.
    #[serde(skip_serializing_if = "is_zero")]
    pub records_skipped: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl GroupDelivery {
    /// The offsets below `end` of a partition that were neither processed nor skipped: records lost.
    pub fn unaccounted_below(&self, tp: &TopicPartition, end: i64) -> i64 {
        let mut accounted = self.processed.get(tp).cloned().unwrap_or_default();
        if let Some(skipped) = self.skipped.get(tp) {
            for &(from, to) in skipped.ranges() {
                accounted.add(from, to);
            }
        }
        accounted.missing_below(end)
    }

    /// Records skipped on one partition.
    pub fn skipped_on(&self, tp: &TopicPartition) -> u64 {
        self.skipped.get(tp).map_or(0, |s| {
            let n: i64 = s.ranges().iter().map(|&(a, b)| b - a).sum();
            u64::try_from(n).unwrap_or(0)
        })
    }
}

/// Every group's records, from the trace.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub groups: BTreeMap<String, GroupDelivery>,
}

impl Delivery {
    pub fn from_trace(trace: &Trace) -> Delivery {
        Delivery::from_entries(trace)
    }

    /// The same from any run of entries in trace order (a prefix of a trace, say).
    pub fn from_entries<'a>(entries: impl IntoIterator<Item = &'a TraceEntry>) -> Delivery {
        let mut delivery = Delivery::default();
        for entry in entries {
            if let TraceEvent::SeekedPastRecord {
                group,
                partition,
                offset,
                ..
            } = &entry.event
            {
                let g = delivery.groups.entry(group.clone()).or_default();
                let skipped = g.skipped.entry(partition.clone()).or_default();
                if skipped.add(*offset, offset + 1) == 0 {
                    g.records_skipped += 1;
                }
            }
            if let TraceEvent::RecordsProcessed {
                consumer,
                group,
                generation,
                ranges,
            } = &entry.event
            {
                let g = delivery.groups.entry(group.to_string()).or_default();
                for range in ranges {
                    let offsets = g.processed.entry(range.partition.clone()).or_default();
                    let again = u64::try_from(offsets.add(range.from, range.to)).unwrap_or(0);
                    let count = u64::try_from(range.len()).unwrap_or(0);
                    g.records_processed += count;
                    *g.per_consumer.entry(consumer.to_string()).or_default() += count;
                    if again > 0 {
                        g.duplicates += again;
                        *g.duplicates_by_generation.entry(*generation).or_default() += again;
                        *g.duplicates_per_partition
                            .entry(range.partition.clone())
                            .or_default() += again;
                        *g.duplicates_per_consumer
                            .entry(consumer.to_string())
                            .or_default() += again;
                    }
                }
            }
        }
        delivery
    }
}

/// One partition as one group sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PartitionLag {
    pub group: String,
    pub partition: TopicPartition,
    pub log_end_offset: i64,
    /// The group's committed offset, if it committed one.
    pub committed: Option<i64>,
    /// The position of the consumer that owns the partition now, if it has one.
    pub position: Option<i64>,
    pub owner: Option<String>,
    /// `log_end_offset − committed` (what `kafka-consumer-groups --describe` shows as LAG); the whole
    /// log when the group committed nothing.
    pub lag: i64,
}

/// One partition's log as the page draws it for one group: log end, committed offset, position, lag,
/// and the records this group processed more than once on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PartitionLog {
    pub lag: PartitionLag,
    pub duplicates: u64,
    /// The offsets of the poison pills in this partition's log.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub poison_pills: Vec<i64>,
    /// Records this group sought past on this partition (skipped, never processed).
    #[serde(skip_serializing_if = "is_zero")]
    pub skipped: u64,
}

/// Every partition's log for every group, with its duplicates (empty without producers).
pub fn partition_logs(world: &World) -> Vec<PartitionLog> {
    if !world.scenario().has_records() {
        return Vec::new();
    }
    let delivery = Delivery::from_trace(world.trace());
    partition_lags(world)
        .into_iter()
        .map(|lag| {
            let group = delivery.groups.get(&lag.group);
            let duplicates = group
                .and_then(|g| g.duplicates_per_partition.get(&lag.partition))
                .copied()
                .unwrap_or(0);
            let poison_pills = world
                .broker()
                .logs()
                .poison_pills()
                .get(&lag.partition)
                .cloned()
                .unwrap_or_default();
            let skipped = group.map_or(0, |g| g.skipped_on(&lag.partition));
            PartitionLog {
                lag,
                duplicates,
                poison_pills,
                skipped,
            }
        })
        .collect()
}

/// Every partition of every topic a group subscribes to, per group, now.
pub fn partition_lags(world: &World) -> Vec<PartitionLag> {
    let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in world.consumers() {
        let topics = groups.entry(c.group_id.as_str()).or_default();
        for t in &c.topics {
            if !topics.contains(&t.as_str()) {
                topics.push(t.as_str());
            }
        }
    }
    let logs = world.broker().logs().log_ends();
    let offsets = world.broker().committed_offsets();
    let mut lags = Vec::new();
    for (group, topics) in groups {
        for (topic, ends) in logs.iter().filter(|(t, _)| topics.contains(&t.as_str())) {
            for (p, &end) in ends.iter().enumerate() {
                let tp = TopicPartition::new(topic.as_str(), i32::try_from(p).unwrap_or(0));
                let committed = offsets.committed(group, &tp);
                let owner = world
                    .consumers()
                    .iter()
                    .find(|c| c.group_id == group && c.is_running() && c.owned().contains(&tp));
                lags.push(PartitionLag {
                    group: group.to_string(),
                    log_end_offset: end,
                    committed,
                    position: owner.and_then(|c| c.fetcher.position(&tp)),
                    owner: owner.map(|c| c.handle.clone()),
                    lag: end - committed.unwrap_or(0),
                    partition: tp,
                });
            }
        }
    }
    lags
}

/// The total lag of each group now.
pub fn total_lag_by_group(world: &World) -> BTreeMap<String, i64> {
    let mut totals = BTreeMap::new();
    for lag in partition_lags(world) {
        *totals.entry(lag.group).or_default() += lag.lag;
    }
    totals
}

/// Each group's total lag sampled over time (for `lab run` and the page's lag plot).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LagHistory {
    pub samples: Vec<(Millis, BTreeMap<String, i64>)>,
}

impl LagHistory {
    pub fn sample(&mut self, world: &World) {
        self.samples.push((world.now(), total_lag_by_group(world)));
    }

    /// A group's highest total lag and when it was seen first.
    pub fn peak(&self, group: &str) -> Option<(Millis, i64)> {
        let mut peak: Option<(Millis, i64)> = None;
        for (at, lags) in &self.samples {
            let lag = lags.get(group).copied().unwrap_or(0);
            if peak.is_none_or(|(_, best)| lag > best) {
                peak = Some((*at, lag));
            }
        }
        peak
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn processed_offsets_count_what_was_already_processed() {
        let mut p = ProcessedOffsets::default();
        assert_eq!(p.add(0, 10), 0);
        assert_eq!(p.add(20, 30), 0);
        assert_eq!(p.add(5, 25), 10);
        assert_eq!(p.ranges(), &[(0, 30)]);
        assert!(p.covers(30));
        assert!(!p.covers(31));
        assert_eq!(p.missing_below(35), 5);
    }
}
