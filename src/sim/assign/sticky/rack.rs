//! `AbstractStickyAssignor.RackInfo` (KIP-881): consumer racks, replica racks of every partition of
//! the subscribed topics, and whether rack-aware assignment is on (decided once for all topics).

use super::Topic;
use crate::sim::assign::{member_rack, ClusterMetadata, Subscription};
use crate::sim::sort;
use std::collections::BTreeMap;

pub(super) struct RackInfo {
    /// Each member's rack id, only when rack-aware assignment is on.
    consumer_rack: Vec<Option<u32>>,
    /// Rack ids of each partition's replicas, only when rack-aware assignment is on.
    partition_racks: Vec<Vec<u32>>,
    /// For each partition, how many racked consumers sit on one of its replica racks. Kafka computes
    /// it (and sorts by it) whenever some consumer has a rack, even if rack awareness ends up off.
    consumers_on_partition_racks: Option<Vec<u32>>,
}

impl RackInfo {
    pub(super) fn new(
        cluster: &ClusterMetadata,
        members: &[&Subscription],
        topics: &[Topic],
    ) -> Self {
        let mut rack_ids: BTreeMap<&str, u32> = BTreeMap::new();
        let mut intern = |rack| {
            let next = rack_ids.len() as u32;
            *rack_ids.entry(rack).or_insert(next)
        };
        let member_racks: Vec<Option<u32>> = members
            .iter()
            .map(|m| member_rack(m).map(&mut intern))
            .collect();
        if member_racks.iter().all(Option::is_none) {
            return Self::off(members.len(), None);
        }

        let mut consumers_by_rack: BTreeMap<u32, u32> = BTreeMap::new();
        for rack in member_racks.iter().flatten() {
            *consumers_by_rack.entry(*rack).or_default() += 1;
        }
        let mut partition_racks: Vec<Vec<u32>> = Vec::new();
        for topic in topics {
            for p in 0..topic.partitions {
                let racks = cluster
                    .replica_racks(topic.metadata_index, p as i32)
                    .into_iter()
                    .map(&mut intern)
                    .collect();
                partition_racks.push(racks);
            }
        }
        let consumers_on_partition_racks: Vec<u32> = partition_racks
            .iter()
            .map(|racks| {
                racks
                    .iter()
                    .map(|r| consumers_by_rack.get(r).copied().unwrap_or(0))
                    .sum()
            })
            .collect();

        let mut all_partition_racks: Vec<u32> = partition_racks.iter().flatten().copied().collect();
        all_partition_racks.sort_unstable();
        all_partition_racks.dedup();
        let some_consumer_rack_holds_a_replica = consumers_by_rack
            .keys()
            .any(|r| all_partition_racks.binary_search(r).is_ok());
        let some_partition_misses_a_rack = partition_racks
            .iter()
            .any(|racks| racks.len() != all_partition_racks.len());
        if some_consumer_rack_holds_a_replica && some_partition_misses_a_rack {
            Self {
                consumer_rack: member_racks,
                partition_racks,
                consumers_on_partition_racks: Some(consumers_on_partition_racks),
            }
        } else {
            Self::off(members.len(), Some(consumers_on_partition_racks))
        }
    }

    fn off(members: usize, consumers_on_partition_racks: Option<Vec<u32>>) -> Self {
        Self {
            consumer_rack: vec![None; members],
            partition_racks: Vec::new(),
            consumers_on_partition_racks,
        }
    }

    /// Rack-aware assignment is on.
    pub(super) fn enabled(&self) -> bool {
        !self.partition_racks.is_empty()
    }

    /// The member has a rack and no replica of the partition is on it.
    pub(super) fn racks_mismatch(&self, member: usize, partition: u32) -> bool {
        match self.consumer_rack[member] {
            None => false,
            Some(rack) => !self.partition_racks[partition as usize].contains(&rack),
        }
    }

    /// The member has a rack and a replica of the partition is on it.
    pub(super) fn racks_match(&self, member: usize, partition: u32) -> bool {
        match self.consumer_rack[member] {
            None => false,
            Some(rack) => self.partition_racks[partition as usize].contains(&rack),
        }
    }

    /// `sortPartitionsByRackConsumers`: partitions with fewer local consumers first (stable).
    pub(super) fn sort_partitions_by_rack_consumers(&self, partitions: &mut [u32]) {
        if let Some(counts) = &self.consumers_on_partition_racks {
            sort::sort_by_key(partitions, |&p| counts[p as usize]);
        }
    }

    /// `nextRackConsumer`: from `first`, cyclically, the first member of `list` with a rack on one
    /// of the partition's replica racks.
    pub(super) fn next_rack_consumer(
        &self,
        partition: u32,
        list: &[u32],
        first: usize,
    ) -> Option<usize> {
        if self.partition_racks[partition as usize].is_empty() {
            return None;
        }
        (0..list.len())
            .map(|i| (first + i) % list.len())
            .find(|&index| self.racks_match(list[index] as usize, partition))
    }
}
