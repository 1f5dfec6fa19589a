//! Numbers derived from a trace, and only from a trace: rebalances, revocations, time without
//! consumption, pauses, and an ownership timeline per partition that the page draws.
//!
//! Time without consumption is counted per group from the group's first Stable moment, so the start-up
//! join (and its initial delay) does not swamp the comparison between protocols.

use super::assign::{TopicName, TopicPartition};
use super::delivery::ProcessedOffsets;
use super::time::Millis;
use super::trace::TraceEvent;
use super::trace_chunks::Trace;
use super::vocab::{CallbackKind, ConsumerState, RebalanceReason};
use crate::sim::sort::CollectBTree;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One completed join phase (one generation) of a group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RebalanceRecord {
    pub group: String,
    /// The generation the join phase produced.
    pub generation: i32,
    pub reason: Option<RebalanceReason>,
    pub reason_label: String,
    /// When the group entered PreparingRebalance for this generation.
    pub started_at: Millis,
    pub join_completed_at: Millis,
    /// When the group became Stable at this generation; `None` if another rebalance cut in (or it became Empty).
    pub stable_at: Option<Millis>,
    pub duration_ms: Option<Millis>,
    /// KIP-848: this record is a group epoch bump (`generation` is the epoch), not a join phase.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub epoch_bump: bool,
    /// With producers: records processed again under this generation's assignment (they moved
    /// before their offsets were committed).
    #[serde(skip_serializing_if = "is_zero")]
    pub duplicates: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct GroupMetrics {
    pub group: String,
    pub rebalances: Vec<RebalanceRecord>,
    /// Partitions handed back through `onPartitionsRevoked`, summed over members.
    pub partitions_revoked: usize,
    /// Partitions given up through `onPartitionsLost`.
    pub partitions_lost: usize,
    /// Sum over partitions of the time nobody consumed them (no owner, or a stalled owner).
    pub unconsumed_partition_ms: Millis,
    pub first_stable_at: Option<Millis>,
    pub final_generation: i32,
    /// With producers: records processed, counting each time.
    #[serde(skip_serializing_if = "is_zero")]
    pub records_processed: u64,
    /// With producers: records processed more than once.
    #[serde(skip_serializing_if = "is_zero")]
    pub duplicates: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ConsumerMetrics {
    pub consumer: String,
    pub group: String,
    /// Longest stretch in which a running consumer that had partitions consumed nothing.
    pub longest_pause_ms: Millis,
    pub partitions_revoked: usize,
    pub partitions_lost: usize,
    /// What the consumer owned over time: (since, partitions).
    pub ownership: Vec<(Millis, Vec<TopicPartition>)>,
}

/// A stretch of time during which a partition had one owner (or none) in one group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OwnershipInterval {
    pub from: Millis,
    pub to: Millis,
    pub owner: Option<String>,
    /// False when nobody owns it or its owner is stalled.
    pub consuming: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PartitionTimeline {
    pub group: String,
    pub partition: TopicPartition,
    pub intervals: Vec<OwnershipInterval>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Metrics {
    pub until: Millis,
    pub groups: BTreeMap<String, GroupMetrics>,
    pub consumers: BTreeMap<String, ConsumerMetrics>,
    pub timelines: Vec<PartitionTimeline>,
}

impl Metrics {
    pub fn rebalance_count(&self, group: &str) -> usize {
        self.groups.get(group).map_or(0, |g| g.rebalances.len())
    }
}

/// The metrics' state part-way through a trace. [`compute`] feeds it a whole trace; a reader that
/// watches a trace grow (the page, a few times a second) keeps one and feeds it only the entries
/// added since (see `session::metrics_feed`), then asks for the metrics at any time after them.
#[derive(Clone, Default)]
pub struct Builder {
    metrics: Metrics,
    owned: BTreeMap<String, BTreeSet<TopicPartition>>,
    consumer_group: BTreeMap<String, String>,
    stalled: BTreeSet<String>,
    running: BTreeSet<String>,
    pause_since: BTreeMap<String, Millis>,
    group_topics: BTreeMap<String, BTreeSet<String>>,
    topics: BTreeMap<String, i32>,
    /// (group, partition) → (since, owner, consuming) of the open interval.
    open: BTreeMap<(String, TopicPartition), (Millis, Option<String>, bool)>,
    /// (group, topic) → how many of its partitions have been opened: each consumer that starts
    /// opens only what is new (50 consumers of 500 partitions would otherwise reopen 25,000).
    opened: BTreeMap<(String, String), i32>,
    closed: BTreeMap<(String, TopicPartition), Vec<OwnershipInterval>>,
    last_reason: BTreeMap<String, (Millis, RebalanceReason)>,
    rebalance_start: BTreeMap<String, Millis>,
    /// (group, partition) → the offsets the group processed.
    processed: BTreeMap<(String, TopicPartition), ProcessedOffsets>,
    /// (group, generation) → duplicates read under that generation's assignment.
    duplicates: BTreeMap<(String, i32), u64>,
}

/// Derives the metrics of a trace up to `until` (usually `World::now()`).
pub fn compute(trace: &Trace, until: Millis) -> Metrics {
    let mut b = Builder::default();
    b.metrics.until = until;
    for entry in trace {
        b.on(entry.at, &entry.event);
    }
    b.finish(until)
}

impl Builder {
    /// One trace entry, in trace order.
    pub fn on(&mut self, at: Millis, event: &TraceEvent) {
        match event {
            TraceEvent::TopicCreated { topic, partitions } => {
                self.topics.insert(topic.clone(), *partitions);
                self.open_partitions(at);
            }
            TraceEvent::PartitionsAdded { topic, to, .. } => {
                self.topics.insert(topic.clone(), *to);
                self.open_partitions(at);
            }
            TraceEvent::TopicDeleted { topic } => {
                self.topics.remove(topic);
                self.opened.retain(|(_, t), _| t != topic);
                let gone: Vec<_> = self
                    .open
                    .keys()
                    .filter(|(_, tp)| &tp.topic == topic)
                    .cloned()
                    .collect();
                for key in gone {
                    self.close_interval(&key, at);
                }
            }
            TraceEvent::ConsumerStarted {
                consumer,
                group,
                topics,
                ..
            } => {
                self.consumer_group.insert(consumer.clone(), group.clone());
                self.running.insert(consumer.clone());
                self.group_topics
                    .entry(group.clone())
                    .or_default()
                    .extend(topics.iter().cloned());
                let m = self.consumer(consumer, group);
                m.group = group.clone();
                self.metrics
                    .groups
                    .entry(group.clone())
                    .or_insert_with(|| GroupMetrics {
                        group: group.clone(),
                        ..Default::default()
                    });
                self.open_partitions(at);
            }
            TraceEvent::ConsumerStateChanged { consumer, state } => {
                let was_stalled = self.stalled.contains(consumer);
                let stalled = *state == ConsumerState::Stalled;
                if matches!(
                    state,
                    ConsumerState::Dead
                        | ConsumerState::Closed
                        | ConsumerState::Fenced(_)
                        | ConsumerState::Failed(_)
                        | ConsumerState::Hung(_)
                ) {
                    self.running.remove(consumer);
                    self.pause_since.remove(consumer);
                }
                if stalled != was_stalled {
                    if stalled {
                        self.stalled.insert(consumer.clone());
                    } else {
                        self.stalled.remove(consumer);
                    }
                    self.refresh_consumer(consumer, at);
                }
            }
            TraceEvent::OwnershipChanged {
                consumer,
                group,
                owned,
            } => {
                let new: BTreeSet<TopicPartition> = owned.iter().cloned().collect_set();
                let old = self
                    .owned
                    .insert(consumer.clone(), new.clone())
                    .unwrap_or_default();
                for tp in old.difference(&new) {
                    let key = (group.clone(), tp.clone());
                    if self.open.get(&key).and_then(|(_, o, _)| o.as_ref()) == Some(consumer) {
                        self.set_interval(key, at, None, false);
                    }
                }
                let consuming = !self.stalled.contains(consumer);
                for tp in new.difference(&old) {
                    self.set_interval(
                        (group.clone(), tp.clone()),
                        at,
                        Some(consumer.clone()),
                        consuming,
                    );
                }
                self.consumer(consumer, group)
                    .ownership
                    .push((at, owned.clone()));
                self.refresh_pause(consumer, at);
            }
            TraceEvent::Callback {
                consumer,
                group,
                kind,
                partitions,
                ..
            } => {
                let n = partitions.len();
                let g = self.group(group);
                match kind {
                    CallbackKind::Revoked => g.partitions_revoked += n,
                    CallbackKind::Lost => g.partitions_lost += n,
                    CallbackKind::Assigned => {}
                }
                let c = self.consumer(consumer, group);
                match kind {
                    CallbackKind::Revoked => c.partitions_revoked += n,
                    CallbackKind::Lost => c.partitions_lost += n,
                    CallbackKind::Assigned => {}
                }
            }
            TraceEvent::RebalanceStarted { group, reason, .. } => {
                self.last_reason.insert(group.clone(), (at, reason.clone()));
                self.rebalance_start.entry(group.clone()).or_insert(at);
            }
            TraceEvent::JoinPhaseCompleted {
                group, generation, ..
            } => {
                let (started_at, reason) = match self.last_reason.get(group) {
                    Some((t, r)) => (*t, Some(r.clone())),
                    None => (at, None),
                };
                let g = self.group(group);
                g.final_generation = *generation;
                g.rebalances.push(RebalanceRecord {
                    group: group.clone(),
                    generation: *generation,
                    reason_label: reason.as_ref().map_or("", |r| r.label()).to_string(),
                    reason,
                    started_at,
                    join_completed_at: at,
                    stable_at: None,
                    duration_ms: None,
                    epoch_bump: false,
                    duplicates: 0,
                });
            }
            // KIP-848: each group epoch bump is one rebalance, done when the group is Stable again.
            TraceEvent::GroupEpochBumped {
                group,
                epoch,
                reason,
            } => {
                let g = self.group(group);
                g.final_generation = *epoch;
                g.rebalances.push(RebalanceRecord {
                    group: group.clone(),
                    generation: *epoch,
                    reason: None,
                    reason_label: reason.label().to_string(),
                    started_at: at,
                    join_completed_at: at,
                    stable_at: None,
                    duration_ms: None,
                    epoch_bump: true,
                    duplicates: 0,
                });
            }
            TraceEvent::ConsumerGroupStateChanged { group, to, .. }
                if *to == crate::sim::vocab::ConsumerGroupState::Stable =>
            {
                let g = self.group(group);
                if g.first_stable_at.is_none() {
                    g.first_stable_at = Some(at);
                }
                for r in g.rebalances.iter_mut().filter(|r| r.stable_at.is_none()) {
                    r.stable_at = Some(at);
                    r.duration_ms = Some(at.saturating_sub(r.started_at));
                }
            }
            TraceEvent::RebalanceCompleted {
                group, generation, ..
            } => {
                self.rebalance_start.remove(group);
                let g = self.group(group);
                if g.first_stable_at.is_none() {
                    g.first_stable_at = Some(at);
                }
                if let Some(r) = g
                    .rebalances
                    .iter_mut()
                    .rev()
                    .find(|r| r.generation == *generation)
                {
                    r.stable_at = Some(at);
                    r.duration_ms = Some(at.saturating_sub(r.started_at));
                }
            }
            TraceEvent::RecordsProcessed {
                group,
                generation,
                ranges,
                ..
            } => {
                let mut again = 0;
                let mut count = 0;
                for r in ranges {
                    let key = (group.to_string(), r.partition.clone());
                    let offsets = self.processed.entry(key).or_default();
                    again += u64::try_from(offsets.add(r.from, r.to)).unwrap_or(0);
                    count += u64::try_from(r.len()).unwrap_or(0);
                }
                if again > 0 {
                    *self
                        .duplicates
                        .entry((group.to_string(), *generation))
                        .or_default() += again;
                }
                let g = self.group(group);
                g.records_processed += count;
                g.duplicates += again;
            }
            _ => {}
        }
    }

    fn group(&mut self, group: &str) -> &mut GroupMetrics {
        self.metrics
            .groups
            .entry(group.to_string())
            .or_insert_with(|| GroupMetrics {
                group: group.to_string(),
                ..Default::default()
            })
    }

    fn consumer(&mut self, consumer: &str, group: &str) -> &mut ConsumerMetrics {
        self.metrics
            .consumers
            .entry(consumer.to_string())
            .or_insert_with(|| ConsumerMetrics {
                consumer: consumer.to_string(),
                group: group.to_string(),
                ..Default::default()
            })
    }

    /// Every partition of a group's topics gets a timeline as soon as both exist.
    fn open_partitions(&mut self, at: Millis) {
        for (group, topics) in &self.group_topics {
            for topic in topics {
                let Some(&count) = self.topics.get(topic) else {
                    continue;
                };
                let done = self
                    .opened
                    .entry((group.clone(), topic.clone()))
                    .or_insert(0);
                if *done >= count {
                    continue;
                }
                let name = TopicName::from(topic);
                for p in *done..count {
                    let key = (group.clone(), TopicPartition::new(&name, p));
                    self.open.entry(key).or_insert((at, None, false));
                }
                *done = count;
            }
        }
    }

    fn set_interval(
        &mut self,
        key: (String, TopicPartition),
        at: Millis,
        owner: Option<String>,
        consuming: bool,
    ) {
        if let Some((since, old_owner, old_consuming)) = self.open.get(&key).cloned() {
            if old_owner == owner && old_consuming == consuming {
                return;
            }
            if at > since {
                self.closed
                    .entry(key.clone())
                    .or_default()
                    .push(OwnershipInterval {
                        from: since,
                        to: at,
                        owner: old_owner,
                        consuming: old_consuming,
                    });
            }
        }
        self.open.insert(key, (at, owner, consuming));
    }

    fn close_interval(&mut self, key: &(String, TopicPartition), at: Millis) {
        if let Some((since, owner, consuming)) = self.open.remove(key) {
            if at > since {
                self.closed
                    .entry(key.clone())
                    .or_default()
                    .push(OwnershipInterval {
                        from: since,
                        to: at,
                        owner,
                        consuming,
                    });
            }
        }
    }

    /// A consumer stalled or resumed: its partitions stop or start being consumed.
    fn refresh_consumer(&mut self, consumer: &str, at: Millis) {
        let Some(group) = self.consumer_group.get(consumer).cloned() else {
            return;
        };
        let consuming = !self.stalled.contains(consumer);
        let owned: Vec<_> = self
            .owned
            .get(consumer)
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        for tp in owned {
            self.set_interval(
                (group.clone(), tp),
                at,
                Some(consumer.to_string()),
                consuming,
            );
        }
        self.refresh_pause(consumer, at);
    }

    fn refresh_pause(&mut self, consumer: &str, at: Millis) {
        let owns = self.owned.get(consumer).is_some_and(|o| !o.is_empty());
        let consuming = owns && !self.stalled.contains(consumer);
        if consuming {
            if let Some(since) = self.pause_since.remove(consumer) {
                let group = self
                    .consumer_group
                    .get(consumer)
                    .cloned()
                    .unwrap_or_default();
                let c = self.consumer(consumer, &group);
                c.longest_pause_ms = c.longest_pause_ms.max(at.saturating_sub(since));
            }
        } else if self.running.contains(consumer) && !self.pause_since.contains_key(consumer) {
            let had_partitions = self
                .metrics
                .consumers
                .get(consumer)
                .is_some_and(|c| c.ownership.iter().any(|(_, o)| !o.is_empty()));
            if had_partitions {
                self.pause_since.insert(consumer.to_string(), at);
            }
        }
    }

    /// The metrics up to `until` (not before the last entry fed), exactly as [`compute`] gives them
    /// for the same entries.
    pub fn finish(mut self, until: Millis) -> Metrics {
        self.metrics.until = until;
        let keys: Vec<_> = self.open.keys().cloned().collect();
        for key in keys {
            self.close_interval(&key, until);
        }
        for (consumer, since) in std::mem::take(&mut self.pause_since) {
            let group = self
                .consumer_group
                .get(&consumer)
                .cloned()
                .unwrap_or_default();
            let c = self.consumer(&consumer, &group);
            c.longest_pause_ms = c.longest_pause_ms.max(until.saturating_sub(since));
        }
        for ((group, partition), intervals) in std::mem::take(&mut self.closed) {
            let from = self
                .metrics
                .groups
                .get(&group)
                .and_then(|g| g.first_stable_at);
            if let Some(from) = from {
                let idle: Millis = intervals
                    .iter()
                    .filter(|i| !i.consuming)
                    .map(|i| i.to.min(until).saturating_sub(i.from.max(from)))
                    .sum();
                self.group(&group).unconsumed_partition_ms += idle;
            }
            self.metrics.timelines.push(PartitionTimeline {
                group,
                partition,
                intervals,
            });
        }
        for ((group, generation), count) in std::mem::take(&mut self.duplicates) {
            let g = self.group(&group);
            if let Some(r) = g.rebalances.iter_mut().find(|r| r.generation == generation) {
                r.duplicates = count;
            }
        }
        self.metrics
    }
}
