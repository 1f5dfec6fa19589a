//! The record-flow requests, as data: Produce (a producer appends to partition logs), Fetch (a consumer
//! reads from its positions), ListOffsets (where `auto.offset.reset` puts a position) and OffsetFetch
//! (the group's committed offsets). Records travel as offset ranges and counts, never one value per
//! record. Field names follow Kafka's request/response schemas (`ProduceRequest.json`, ...).

use super::assign::TopicPartition;
use super::time::Millis;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The records a producer batch appends to one partition: how many, and whether they carry keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducedBatch {
    pub partition: TopicPartition,
    pub records: u64,
    /// Which records of the batch (counted from 0) are poison pills (`serialization::POISON_PILL_VALUE`,
    /// no key); every other record is one its consumers decode.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub poison_pills: Vec<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProduceRequest {
    /// `acks`: -1 (all), Kafka's producer default since 3.0.
    pub acks: i16,
    pub batches: Vec<ProducedBatch>,
}

/// Per partition the `baseOffset` the batch was appended at; -1 when the partition does not exist
/// (UNKNOWN_TOPIC_OR_PARTITION).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProduceResponse {
    pub base_offsets: Vec<(TopicPartition, i64)>,
}

/// One partition of a Fetch: read from `fetch_offset`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchPartition {
    pub partition: TopicPartition,
    pub fetch_offset: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchRequest {
    /// `fetch.max.wait.ms`: how long the broker may hold the fetch while no partition has data.
    pub max_wait_ms: Millis,
    /// `max.partition.fetch.bytes`, as a number of records of the model's record size.
    pub max_records_per_partition: u64,
    pub partitions: Vec<FetchPartition>,
}

/// The records of one partition a Fetch returned: offsets `fetch_offset .. end_offset`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchedRecords {
    pub partition: TopicPartition,
    pub fetch_offset: i64,
    pub end_offset: i64,
    /// The partition's high watermark (its log-end offset: one replica, all of it committed).
    pub high_watermark: i64,
    /// The offsets among `fetch_offset .. end_offset` that hold poison pills.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub poison_pills: Vec<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchResponse {
    pub partitions: Vec<FetchedRecords>,
}

/// `ListOffsetsRequest.EARLIEST_TIMESTAMP` or `LATEST_TIMESTAMP`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OffsetSpec {
    Earliest,
    Latest,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListOffsetsRequest {
    pub spec: OffsetSpec,
    pub partitions: Vec<TopicPartition>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListOffsetsResponse {
    pub offsets: Vec<(TopicPartition, i64)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffsetFetchRequest {
    pub group_id: String,
    pub partitions: Vec<TopicPartition>,
}

/// Per partition the committed offset; `None` is Kafka's -1 (nothing committed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffsetFetchResponse {
    pub offsets: Vec<(TopicPartition, Option<i64>)>,
}

/// An offset a consumer commits for one partition: the position after the records it processed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommittedOffset {
    pub partition: TopicPartition,
    pub offset: i64,
}

fn list<T>(items: &[T], one: impl Fn(&T) -> String) -> String {
    let parts: Vec<String> = items.iter().map(one).collect();
    format!("[{}]", parts.join(", "))
}

impl fmt::Display for ProduceRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let batches = list(&self.batches, |b| match b.poison_pills.as_slice() {
            [] => format!("{}×{}", b.partition, b.records),
            pills => format!("{}×{} (poison pill at {pills:?})", b.partition, b.records),
        });
        write!(f, "Produce {batches}")
    }
}

impl fmt::Display for ProduceResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let offsets = list(&self.base_offsets, |(tp, o)| format!("{tp}@{o}"));
        write!(f, "Produce response {offsets}")
    }
}

impl fmt::Display for FetchRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let from = list(&self.partitions, |p| {
            format!("{}@{}", p.partition, p.fetch_offset)
        });
        write!(f, "Fetch {from}")
    }
}

impl fmt::Display for FetchResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let records = list(&self.partitions, |p| match p.poison_pills.as_slice() {
            [] => format!("{}:{}..{}", p.partition, p.fetch_offset, p.end_offset),
            pills => format!(
                "{}:{}..{} (poison pill at {pills:?})",
                p.partition, p.fetch_offset, p.end_offset
            ),
        });
        write!(f, "Fetch response {records}")
    }
}

impl fmt::Display for ListOffsetsRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let partitions = list(&self.partitions, |tp| tp.to_string());
        write!(f, "ListOffsets {:?} {partitions}", self.spec)
    }
}

impl fmt::Display for ListOffsetsResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let offsets = list(&self.offsets, |(tp, o)| format!("{tp}@{o}"));
        write!(f, "ListOffsets response {offsets}")
    }
}

impl fmt::Display for OffsetFetchRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let partitions = list(&self.partitions, |tp| tp.to_string());
        write!(f, "OffsetFetch group={} {partitions}", self.group_id)
    }
}

impl fmt::Display for OffsetFetchResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let offsets = list(&self.offsets, |(tp, o)| format!("{tp}@{}", o.unwrap_or(-1)));
        write!(f, "OffsetFetch response {offsets}")
    }
}
