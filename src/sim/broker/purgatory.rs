//! The fetch purgatory (Kafka's `DelayedOperationPurgatory<DelayedFetch>`): the Fetches the broker
//! holds until data arrives or `fetch.max.wait.ms` passes. As in Kafka, a held fetch is watched under
//! every partition it reads (`tryCompleteElseWatch`), so a Produce checks only the fetches watching
//! the partitions it appended to (`checkAndComplete(key)`), not every fetch held: with 100 consumers
//! each waiting on its own partitions, a Produce to a few partitions wakes a few of them.

use super::classic::ReplyTo;
use crate::sim::assign::{TopicName, TopicPartition};
use crate::sim::fast_hash::FastMap;
use crate::sim::protocol::FetchRequest;
use crate::sim::vocab::Endpoint;

/// A Fetch the broker holds until data arrives or its wait ends.
#[derive(Clone, Debug)]
pub struct DelayedFetch {
    pub reply_to: ReplyTo,
    pub request: FetchRequest,
}

/// The held fetches, by arrival number, with who holds which and which partitions each watches.
#[derive(Clone, Debug, Default)]
pub struct FetchPurgatory {
    /// Held fetches by arrival number. Looked up only, never iterated: arrival order comes from the
    /// numbers themselves (`watching` sorts them), so a hash map keeps the run deterministic.
    held: FastMap<u64, DelayedFetch>,
    next_arrival: u64,
    /// The fetch held for each consumer (a consumer has one fetch in flight). Looked up only.
    by_consumer: FastMap<Endpoint, u64>,
    /// Per topic, then per partition number, the held fetches that read it (Kafka's watcher lists).
    /// Looked up only. An emptied list stays, to be reused by the partition's next fetch rather than
    /// allocated again. (Kept per topic as a list by partition rather than one map entry per
    /// partition: a fetch holds and releases a watch on each of its partitions, millions of times in
    /// a long run with records, and the topic's lists stay together in memory.)
    watchers: FastMap<TopicName, Vec<Vec<u64>>>,
}

impl FetchPurgatory {
    /// Holds a fetch. A consumer has one fetch in flight: a newer one replaces what is held for it.
    pub fn hold(&mut self, fetch: DelayedFetch) {
        self.take_for(&fetch.reply_to.endpoint);
        let arrival = self.next_arrival;
        self.next_arrival += 1;
        let held = &self.held;
        let partitions = &fetch.request.partitions;
        // A fetch lists its partitions topic by topic: one look-up per topic, not per partition.
        let mut i = 0;
        while i < partitions.len() {
            let topic = &partitions[i].partition.topic;
            // By the shared name itself: its comparison stops at the pointer when it is the same.
            let lists = match self.watchers.get_mut(topic) {
                Some(lists) => lists,
                None => self.watchers.entry(topic.clone()).or_default(),
            };
            while let Some(p) = partitions.get(i).filter(|p| p.partition.topic == *topic) {
                i += 1;
                let Ok(index) = usize::try_from(p.partition.partition) else {
                    continue; // no log has a negative partition number: nothing to watch
                };
                if lists.len() <= index {
                    lists.resize_with(index + 1, Vec::new);
                }
                // Fetches taken out since stay in the lists until the partition is watched again.
                let watching = &mut lists[index];
                watching.retain(|a| held.contains_key(a));
                watching.push(arrival);
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
    pub fn watching<'a>(&self, partitions: impl Iterator<Item = &'a TopicPartition>) -> Vec<u64> {
        let mut arrivals = Vec::new();
        let mut topic_lists: Option<(&TopicName, &Vec<Vec<u64>>)> = None;
        for tp in partitions {
            // Consecutive partitions of one topic share its look-up.
            let lists = match topic_lists {
                Some((topic, lists)) if *topic == tp.topic => Some(lists),
                _ => {
                    let lists = self.watchers.get(&tp.topic);
                    topic_lists = lists.map(|lists| (&tp.topic, lists));
                    lists
                }
            };
            let watching = usize::try_from(tp.partition)
                .ok()
                .and_then(|index| lists?.get(index));
            if let Some(watching) = watching {
                // Taken-out fetches may linger in a list (see `hold`): only held ones count.
                arrivals.extend(watching.iter().filter(|a| self.held.contains_key(a)));
            }
        }
        arrivals.sort_unstable();
        arrivals.dedup();
        arrivals
    }

    /// The held fetch with this arrival number.
    pub fn get(&self, arrival: u64) -> Option<&DelayedFetch> {
        self.held.get(&arrival)
    }

    /// Takes out a held fetch; it stops watching its partitions. Its arrival number is left in the
    /// partitions' watcher lists, where `watching` ignores it and the next `hold` of each partition
    /// drops it: taking a fetch out touches no list (Kafka's purgatory, too, purges completed
    /// operations from its watcher lists lazily).
    pub fn take(&mut self, arrival: u64) -> Option<DelayedFetch> {
        let fetch = self.held.remove(&arrival)?;
        self.by_consumer.remove(&fetch.reply_to.endpoint);
        Some(fetch)
    }
}
