//! Committed offsets (`OffsetMetadataManager`'s store): per group, per partition, the offset its last
//! accepted OffsetCommit named. Each group has its own offsets, so two groups on one topic read it
//! independently. OffsetFetch answers from here.

use crate::sim::assign::TopicPartition;
use crate::sim::protocol::{OffsetCommitRequest, OffsetFetchRequest, OffsetFetchResponse};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommittedOffsets {
    by_group: BTreeMap<String, BTreeMap<TopicPartition, i64>>,
}

impl CommittedOffsets {
    /// An accepted commit: each of its offsets replaces the group's last one for that partition.
    pub fn store(&mut self, request: &OffsetCommitRequest) {
        if request.offsets.is_empty() {
            return;
        }
        let group = self.by_group.entry(request.group_id.clone()).or_default();
        for committed in &request.offsets {
            group.insert(committed.partition.clone(), committed.offset);
        }
    }

    /// OffsetFetch: the committed offset of each partition asked for, if any.
    pub fn fetch(&self, request: &OffsetFetchRequest) -> OffsetFetchResponse {
        let offsets = request
            .partitions
            .iter()
            .map(|tp| (tp.clone(), self.committed(&request.group_id, tp)))
            .collect();
        OffsetFetchResponse { offsets }
    }

    pub fn committed(&self, group: &str, tp: &TopicPartition) -> Option<i64> {
        self.by_group.get(group)?.get(tp).copied()
    }

    /// Every group's committed offsets.
    pub fn groups(&self) -> &BTreeMap<String, BTreeMap<TopicPartition, i64>> {
        &self.by_group
    }

    /// `deleteTopics` removes the topic's offsets from every group.
    pub fn delete_topic(&mut self, topic: &str) {
        for offsets in self.by_group.values_mut() {
            offsets.retain(|tp, _| tp.topic.as_str() != topic);
        }
    }
}
