//! What happened to the records (scenarios with producers), read from the World: per group and
//! partition the log-end offset, the committed offset, the owner's position and the lag, with what the
//! group processed on it (the records processed more than once, the records sought past), which the
//! World keeps from its trace ([`World::delivery`], a [`Delivery`]).

use super::assign::TopicPartition;
use super::fast_hash::FastMap;
use super::processed_records::is_zero;
pub use super::processed_records::{Delivery, GroupDelivery, ProcessedOffsets};
use super::time::Millis;
use super::world::World;
use serde::Serialize;
use std::collections::BTreeMap;

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
    let delivery = world.delivery();
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
    let owners = owners(world);
    let mut lags = Vec::new();
    for (group, topics) in groups {
        for (topic, ends) in logs.iter().filter(|(t, _)| topics.contains(&t.as_str())) {
            for (p, &end) in ends.iter().enumerate() {
                let tp = TopicPartition::new(topic.as_str(), i32::try_from(p).unwrap_or(0));
                let committed = offsets.committed(group, &tp);
                let owner = owners.get(&(group, &tp)).map(|&i| &world.consumers()[i]);
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

/// Which running consumer owns each partition, by group: the first in the World's order that says it
/// does, as a look-up over the consumers per partition would find it (a consumer that stopped
/// polling may still say so beside the one the partition moved to). One pass over the consumers, not
/// one per partition (10,000 partitions of 500 consumers took 117 ms a snapshot that way). Looked
/// up only, never iterated: the order of a hash map cannot show.
fn owners(world: &World) -> FastMap<(&str, &TopicPartition), usize> {
    let mut owners = FastMap::default();
    for (i, c) in world.consumers().iter().enumerate() {
        if !c.is_running() {
            continue;
        }
        for tp in c.owned() {
            owners.entry((c.group_id.as_str(), tp)).or_insert(i);
        }
    }
    owners
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
