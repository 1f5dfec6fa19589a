//! Which records each group processed, read from the trace in order: the offsets processed per
//! partition, the records processed more than once (counted per rebalance: the generation of the
//! assignment under which they were processed again), records per consumer, and the records an
//! application sought past (poison pills), skipped and never processed. A fold over the trace's
//! entries, so a [`DeliveryFeed`] keeps it current by reading only what each event added.

use super::assign::TopicPartition;
use super::trace::{TraceEntry, TraceEvent};
use super::trace_chunks::Trace;
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

pub(super) fn is_zero(n: &u64) -> bool {
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
        delivery.read(entries);
        delivery
    }

    /// Counts the entries that come next in trace order: what was read before and these together
    /// give what reading them all at once gives.
    pub fn read<'a>(&mut self, entries: impl IntoIterator<Item = &'a TraceEntry>) {
        for entry in entries {
            if let TraceEvent::SeekedPastRecord {
                group,
                partition,
                offset,
                ..
            } = &entry.event
            {
                let g = self.groups.entry(group.clone()).or_default();
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
                let g = self.groups.entry(group.to_string()).or_default();
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
    }
}

/// A [`Delivery`] kept up to date with a trace that only grows: each catch-up reads the entries added
/// since the last one. The page reads every lane's records at every frame, and a whole pass over a
/// trace of minutes of records (millions of entries) took longer than many frames.
#[derive(Clone, Debug, Default)]
pub struct DeliveryFeed {
    delivery: Delivery,
    /// How many of the trace's entries `delivery` has read.
    read: usize,
}

impl DeliveryFeed {
    /// Reads what `trace` gained since the last catch-up: `trace` must be the trace this feed read
    /// before, grown.
    pub fn catch_up(&mut self, trace: &Trace) {
        if trace.len() > self.read {
            self.delivery.read(trace.since(self.read));
            self.read = trace.len();
        }
    }

    /// The delivery of everything read so far.
    pub fn delivery(&self) -> &Delivery {
        &self.delivery
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
