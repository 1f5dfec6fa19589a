//! `AbstractStickyAssignor.PartitionMovements`: which partitions moved between which consumers
//! during one general-path run, so that a move can undo an earlier one instead of adding a second.
//!
//! When a partition of a topic is to move from `old` to `new` and partitions of that topic already
//! moved from `new` to `old`, Kafka moves back the *first* of those in its `HashSet<TopicPartition>`
//! iteration order; the set is therefore a [`JavaHashTable`], and nothing else here is iterated.

use crate::sim::assign::java_hash::JavaHashTable;
use std::collections::HashMap;

/// (source member, destination member) of a recorded move.
type ConsumerPair = (u32, u32);

#[derive(Clone, PartialEq, Eq)]
pub(super) struct PartitionMovements {
    /// Current record of each partition (indexed by partition).
    record: Vec<Option<ConsumerPair>>,
    /// Per topic: the partitions recorded under each pair. Emptied sets and topics are dropped, as
    /// in Kafka, so a set that is refilled starts again from a fresh 16-bucket table.
    by_topic: Vec<HashMap<ConsumerPair, JavaHashTable<u32>>>,
}

impl PartitionMovements {
    pub(super) fn new(partitions: usize, topics: usize) -> Self {
        Self {
            record: vec![None; partitions],
            by_topic: (0..topics).map(|_| HashMap::new()).collect(),
        }
    }

    fn remove_record(&mut self, partition: u32, topic: u32, hash: i32) -> ConsumerPair {
        let pair = self.record[partition as usize]
            .take()
            .expect("a recorded partition");
        let per_topic = &mut self.by_topic[topic as usize];
        let set = per_topic.get_mut(&pair).expect("a recorded pair");
        set.remove(hash, &partition);
        if set.is_empty() {
            per_topic.remove(&pair);
        }
        pair
    }

    fn add_record(&mut self, partition: u32, topic: u32, hash: i32, pair: ConsumerPair) {
        self.record[partition as usize] = Some(pair);
        self.by_topic[topic as usize]
            .entry(pair)
            .or_default()
            .insert(hash, partition);
    }

    /// `movePartition`: a partition that moved before keeps its first source, and loses its record
    /// when it returns there.
    pub(super) fn move_partition(
        &mut self,
        partition: u32,
        topic: u32,
        hash: i32,
        old: u32,
        new: u32,
    ) {
        if self.record[partition as usize].is_some() {
            let (source, _) = self.remove_record(partition, topic, hash);
            if source != new {
                self.add_record(partition, topic, hash, (source, new));
            }
        } else {
            self.add_record(partition, topic, hash, (old, new));
        }
    }

    /// `getTheActualPartitionToBeMoved`: if partitions of this topic moved from `new` to the
    /// partition's original owner, move one of those back instead.
    pub(super) fn actual_partition_to_move(
        &self,
        partition: u32,
        topic: u32,
        old: u32,
        new: u32,
    ) -> u32 {
        let per_topic = &self.by_topic[topic as usize];
        if per_topic.is_empty() {
            return partition;
        }
        let old = match self.record[partition as usize] {
            Some((source, _)) => source,
            None => old,
        };
        per_topic
            .get(&(new, old))
            .and_then(|set| set.first().copied())
            .unwrap_or(partition)
    }
}
