//! The assignor's-eye view of one group: a topic with P partitions split among N consumers by the
//! Range assignor, with no protocol timing. The playground shows it as the "what Range computes" preview.

use super::assign::{self, AssignorName, ClusterMetadata, GroupSubscription, Subscription};
use std::collections::BTreeMap;

/// Partitions a topic may grow to in the preview; Kafka allows far more, a page can show this many.
pub const MAX_PARTITIONS: i32 = 256;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupSplit {
    topic: String,
    partitions: i32,
    consumers: Vec<String>,
    next_consumer: u32,
}

impl GroupSplit {
    pub fn new(topic: &str, partitions: i32, consumers: u32) -> Self {
        let mut split = Self {
            topic: topic.to_string(),
            partitions: partitions.clamp(1, MAX_PARTITIONS),
            consumers: Vec::new(),
            next_consumer: 1,
        };
        (0..consumers).for_each(|_| split.add_consumer());
        split
    }

    pub fn topic(&self) -> &str {
        &self.topic
    }

    pub fn partitions(&self) -> i32 {
        self.partitions
    }

    pub fn consumers(&self) -> &[String] {
        &self.consumers
    }

    pub fn add_consumer(&mut self) {
        self.consumers.push(format!("c{}", self.next_consumer));
        self.next_consumer += 1;
    }

    /// Removes the newest consumer; returns false when the group is already empty.
    pub fn remove_consumer(&mut self) -> bool {
        self.consumers.pop().is_some()
    }

    /// Returns false at [`MAX_PARTITIONS`].
    pub fn add_partition(&mut self) -> bool {
        if self.partitions >= MAX_PARTITIONS {
            return false;
        }
        self.partitions += 1;
        true
    }

    /// Consumer → partitions it would own under Range; consumers sort by name as member ids do.
    pub fn assignment(&self) -> BTreeMap<String, Vec<i32>> {
        let cluster = ClusterMetadata {
            topics: vec![(self.topic.clone(), self.partitions)],
            ..Default::default()
        };
        let group = GroupSubscription {
            members: self
                .consumers
                .iter()
                .map(|c| Subscription::new(c.clone(), vec![self.topic.clone()]))
                .collect(),
        };
        let result = assign::assign(AssignorName::Range, &cluster, &group)
            .expect("range never fails on a valid subscription");
        result
            .into_iter()
            .map(|(member, tps)| (member, tps.into_iter().map(|tp| tp.partition).collect()))
            .collect()
    }

    /// The owner of each partition, `None` where nobody consumes it.
    pub fn owners(&self) -> Vec<Option<String>> {
        let mut owners = vec![None; self.partitions as usize];
        for (member, partitions) in self.assignment() {
            for p in partitions {
                owners[p as usize] = Some(member.clone());
            }
        }
        owners
    }
}
