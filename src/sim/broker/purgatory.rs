//! The fetch purgatory (Kafka's `DelayedOperationPurgatory<DelayedFetch>`): the Fetches the broker
//! holds until data arrives or `fetch.max.wait.ms` passes. As in Kafka, a held fetch is watched under
//! every partition it reads (`tryCompleteElseWatch`), so a Produce checks only the fetches watching
//! the partitions it appended to (`checkAndComplete(key)`), not every fetch held: with 100 consumers
//! each waiting on its own partitions, a Produce to a few partitions wakes a few of them.

use super::classic::ReplyTo;
use crate::sim::assign::TopicPartition;
use crate::sim::fast_hash::FastMap;
use crate::sim::protocol::FetchRequest;
use crate::sim::vocab::Endpoint;
use std::collections::BTreeMap;

/// A Fetch the broker holds until data arrives or its wait ends.
#[derive(Clone, Debug)]
pub struct DelayedFetch {
    pub reply_to: ReplyTo,
    pub request: FetchRequest,
}

/// The held fetches, in arrival order, with who holds which and which partitions each watches.
#[derive(Clone, Debug, Default)]
pub struct FetchPurgatory {
    /// Held fetches by arrival number: iterating it is arrival order.
    held: BTreeMap<u64, DelayedFetch>,
    next_arrival: u64,
    /// The fetch held for each consumer (a consumer has one fetch in flight). Looked up only.
    by_consumer: FastMap<Endpoint, u64>,
    /// Per partition, the held fetches that read it (Kafka's watcher lists). Looked up only. An
    /// emptied list stays, to be reused by the partition's next fetch rather than allocated again.
    watchers: FastMap<TopicPartition, Vec<u64>>,
}

impl FetchPurgatory {
    /// Holds a fetch. A consumer has one fetch in flight: a newer one replaces what is held for it.
    pub fn hold(&mut self, fetch: DelayedFetch) {
        self.take_for(&fetch.reply_to.endpoint);
        let arrival = self.next_arrival;
        self.next_arrival += 1;
        for p in &fetch.request.partitions {
            match self.watchers.get_mut(&p.partition) {
                Some(watching) => watching.push(arrival),
                None => {
                    self.watchers.insert(p.partition.clone(), vec![arrival]);
                }
            }
        }
        self.by_consumer
            .insert(fetch.reply_to.endpoint.clone(), arrival);
        self.held.insert(arrival, fetch);
    }

    /// Takes out the fetch held for this consumer, if any.
    pub fn take_for(&mut self, consumer: &Endpoint) -> Option<DelayedFetch> {
        let arrival = *self.by_consumer.get(consumer)?;
        self.take(arrival)
    }

    /// The held fetches watching any of these partitions, in arrival order.
    pub fn watching(&self, partitions: &[TopicPartition]) -> Vec<u64> {
        let mut arrivals: Vec<u64> = partitions
            .iter()
            .filter_map(|tp| self.watchers.get(tp))
            .flatten()
            .copied()
            .collect();
        arrivals.sort_unstable();
        arrivals.dedup();
        arrivals
    }

    /// The held fetch with this arrival number.
    pub fn get(&self, arrival: u64) -> Option<&DelayedFetch> {
        self.held.get(&arrival)
    }

    /// Takes out a held fetch; it stops watching its partitions.
    pub fn take(&mut self, arrival: u64) -> Option<DelayedFetch> {
        let fetch = self.held.remove(&arrival)?;
        self.by_consumer.remove(&fetch.reply_to.endpoint);
        for p in &fetch.request.partitions {
            if let Some(watching) = self.watchers.get_mut(&p.partition) {
                watching.retain(|&a| a != arrival);
            }
        }
        Some(fetch)
    }
}
