//! The producer: a `KafkaProducer` whose application calls `send()` at a steady rate. Its sender sends
//! what accumulated once `linger.ms` has passed since the first record waiting, one Produce request per
//! send with one batch per partition (records as counts, never one value per record). Where each record
//! goes is Kafka's built-in partitioning ([`partitioner`]); the partition count comes from Metadata,
//! refreshed every `metadata.max.age.ms`, so partitions added to the topic take keys only after the
//! producer learns of them.

pub mod keys_moved;
pub mod partitioner;
mod poison_pill;
pub mod vectors;

use super::actor::{Actor, Ctx, Out};
use super::assign::{TopicName, TopicPartition};
use super::protocol::*;
use super::time::Millis;
use super::timer::{ProducerTimer, Timer};
use super::vocab::Endpoint;
use partitioner::{partition_for_key, StickyPartition};
pub use poison_pill::PoisonPillRefusal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The producer's `metadata.max.age.ms` default (5 minutes).
pub const METADATA_MAX_AGE_MS: Millis = 300_000;

/// The producer's `retry.backoff.ms` default: while its topic is unknown (not created yet, or
/// deleted), `send()` waits for metadata, and Kafka's `Metadata` asks for an update no sooner than
/// this after the last one.
pub const RETRY_BACKOFF_MS: Millis = 100;

/// A producer in a scenario: what it sends, how fast, from when until when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProducerSpec {
    pub topic: String,
    /// Records the application sends per second, evenly spread.
    pub records_per_sec: u32,
    /// Keyed records cycle through this many keys (`key-0`, `key-1`, …); 0 sends unkeyed records.
    #[serde(default)]
    pub keys: u32,
    #[serde(default)]
    pub start_at_ms: Millis,
    /// When the application stops sending (never, if absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_at_ms: Option<Millis>,
    /// `linger.ms` (Kafka 4.0's default: 5).
    #[serde(default = "default_linger")]
    pub linger_ms: Millis,
    /// `batch.size` (16384): unkeyed records stick to one partition until this many bytes went to it.
    #[serde(default = "default_batch_size")]
    pub batch_size: u32,
    /// The size the model gives each record, in bytes.
    #[serde(default = "default_record_bytes")]
    pub record_bytes: u32,
}

fn default_linger() -> Millis {
    5
}

fn default_batch_size() -> u32 {
    16_384
}

fn default_record_bytes() -> u32 {
    100
}

impl ProducerSpec {
    /// How many records the application has sent by `t` (evenly spread from `start_at_ms`).
    pub fn sent_by(&self, t: Millis) -> u64 {
        let end = self.stop_at_ms.map_or(t, |stop| stop.min(t));
        let elapsed = end.saturating_sub(self.start_at_ms);
        elapsed.saturating_mul(u64::from(self.records_per_sec)) / 1000
    }

    /// When the `k`-th record (counting from 1) is sent.
    fn sent_at(&self, k: u64) -> Millis {
        let rate = u64::from(self.records_per_sec.max(1));
        self.start_at_ms
            .saturating_add(k.saturating_mul(1000).div_ceil(rate))
    }

    pub fn is_keyed(&self) -> bool {
        self.keys > 0
    }
}

#[derive(Clone, Debug)]
pub struct KafkaProducer {
    pub handle: String,
    pub spec: ProducerSpec,
    /// `spec.topic`, shared: each batch names its partition, and a name made per batch was an
    /// allocation (and a free when the answer was dropped) per partition per Produce.
    topic: TopicName,
    /// The topic's partition count as the producer's metadata knows it.
    partitions: Option<i32>,
    /// The partition of each key for that count.
    key_partitions: Vec<i32>,
    /// Records handed to the sender so far.
    sent: u64,
    /// Records the application sent before the current rate began (at `spec.start_at_ms`).
    sent_before_rate: u64,
    /// Records partitioned (at `send()`, as Kafka does) but not yet sent, per partition.
    accumulated: BTreeMap<i32, u64>,
    /// Which of the accumulated records are poison pills (indexes in their partition's batch).
    accumulated_pills: BTreeMap<i32, Vec<u64>>,
    /// Poison pills the application sent.
    poison_pills_sent: u64,
    /// What the last change of the topic's partition count did to the keys (keyed producers).
    keys_moved: Option<keys_moved::KeysMoved>,
    sticky: StickyPartition,
    metadata_in_flight: bool,
    next_correlation_id: u64,
}

impl KafkaProducer {
    pub fn new(handle: &str, spec: ProducerSpec) -> Self {
        Self {
            handle: handle.to_string(),
            topic: TopicName::from(spec.topic.as_str()),
            spec,
            partitions: None,
            key_partitions: Vec::new(),
            sent: 0,
            sent_before_rate: 0,
            accumulated: BTreeMap::new(),
            accumulated_pills: BTreeMap::new(),
            poison_pills_sent: 0,
            keys_moved: None,
            sticky: StickyPartition::default(),
            metadata_in_flight: false,
            next_correlation_id: 0,
        }
    }

    pub fn endpoint(&self) -> Endpoint {
        Endpoint::Producer {
            handle: self.handle.as_str().into(),
        }
    }

    /// Records sent to the broker so far (poison pills included).
    pub fn records_sent(&self) -> u64 {
        self.sent + self.poison_pills_sent
    }

    /// What the last change of the partition count the producer knows did to its keys.
    pub fn keys_moved(&self) -> Option<&keys_moved::KeysMoved> {
        self.keys_moved.as_ref()
    }

    /// The partition count the producer partitions by.
    pub fn known_partitions(&self) -> Option<i32> {
        self.partitions
    }

    /// How many records the application has sent by `t`, over every rate it had.
    fn sent_by(&self, t: Millis) -> u64 {
        self.sent_before_rate + self.spec.sent_by(t)
    }

    /// The application sends `records_per_sec` from now on (0 pauses it), keyed over `keys` keys
    /// (0: unkeyed).
    pub fn set_rate(
        &mut self,
        now: Millis,
        records_per_sec: u32,
        keys: u32,
        rng: &mut crate::sim::rng::SimRng,
        out: &mut Out,
    ) {
        // What the application sent until now was partitioned in `send()`, under the old keys.
        self.partition_due(now, rng);
        if now > self.spec.start_at_ms {
            self.sent_before_rate = self.sent_by(now);
            self.spec.start_at_ms = now;
        }
        self.spec.records_per_sec = records_per_sec;
        if keys != self.spec.keys {
            self.spec.keys = keys;
            if let Some(n) = self.partitions {
                self.key_partitions = key_table(keys, n);
            }
        }
        out.cancel_timer(crate::sim::timer::TimerKey::Producer(ProducerTimer::Send));
        self.schedule_send(now, out);
    }

    /// The partition unkeyed records go to now (the sticky partition).
    pub fn sticky_partition(&self) -> Option<i32> {
        self.sticky.current()
    }

    fn request(&mut self, body: Request, out: &mut Out) {
        self.next_correlation_id += 1;
        let message = Message::Request {
            correlation_id: self.next_correlation_id,
            body,
        };
        out.send(Endpoint::Broker, message);
    }

    fn request_metadata(&mut self, out: &mut Out) {
        if self.metadata_in_flight {
            return;
        }
        self.metadata_in_flight = true;
        let topics = vec![self.spec.topic.clone()];
        self.request(Request::Metadata(MetadataRequest { topics }), out);
    }

    fn on_metadata(&mut self, r: MetadataResponse, now: Millis, out: &mut Out) {
        self.metadata_in_flight = false;
        let count = r
            .topics
            .iter()
            .find(|(name, _)| *name == self.spec.topic)
            .map(|(_, n)| *n)
            .filter(|n| *n > 0);
        if count != self.partitions {
            if let (Some(from), Some(to)) = (self.partitions, count) {
                if self.spec.is_keyed() {
                    self.keys_moved =
                        Some(keys_moved::KeysMoved::compute(self.spec.keys, from, to));
                }
            }
            self.partitions = count;
            self.key_partitions = match count {
                Some(n) => key_table(self.spec.keys, n),
                None => Vec::new(),
            };
        }
        let refresh = Timer::Producer(ProducerTimer::MetadataRefresh);
        out.set_timer(now.saturating_add(METADATA_MAX_AGE_MS), refresh);
        self.schedule_send(now, out);
    }

    /// The sender wakes `linger.ms` after the first record that waits.
    fn schedule_send(&mut self, now: Millis, out: &mut Out) {
        // Without the topic's metadata the sender's next wake asks for it again: not before the
        // backoff, or a topic that is gone would be asked for without pause (and, with no network
        // latency, without time ever moving on).
        let earliest = match self.partitions {
            Some(_) => now,
            None => now.saturating_add(RETRY_BACKOFF_MS),
        };
        // Records already partitioned (or due) go out after linger.ms; otherwise the next record of
        // the current rate is awaited.
        let in_rate = (self.sent + 1).saturating_sub(self.sent_before_rate);
        if !self.accumulated.is_empty() || self.sent < self.sent_before_rate {
            let at = now.saturating_add(self.spec.linger_ms).max(earliest);
            out.set_timer(at, Timer::Producer(ProducerTimer::Send));
            return;
        }
        if self.spec.records_per_sec == 0 {
            return;
        }
        let next_record = self.spec.sent_at(in_rate);
        if self.spec.stop_at_ms.is_some_and(|stop| next_record > stop) {
            return;
        }
        let at = next_record
            .saturating_add(self.spec.linger_ms)
            .max(earliest);
        out.set_timer(at, Timer::Producer(ProducerTimer::Send));
    }

    /// Sends everything the application produced until now, one batch per partition.
    fn send_batches(&mut self, now: Millis, ctx_rng: &mut crate::sim::rng::SimRng, out: &mut Out) {
        if self.partitions.is_none() {
            // `send()` waits for the topic's metadata (`max.block.ms`); keep asking.
            self.request_metadata(out);
            return;
        }
        self.partition_due(now, ctx_rng);
        let per_partition = std::mem::take(&mut self.accumulated);
        if !per_partition.is_empty() {
            let batches = per_partition
                .into_iter()
                .map(|(p, records)| ProducedBatch {
                    partition: TopicPartition::new(&self.topic, p),
                    records,
                    poison_pills: self.accumulated_pills.remove(&p).unwrap_or_default(),
                })
                .collect();
            self.request(Request::Produce(ProduceRequest { acks: -1, batches }), out);
        }
        self.schedule_send(now, out);
    }

    /// `KafkaProducer.send()` → `partition()`: every record the application has sent by `now` gets
    /// its partition and waits in the accumulator.
    fn partition_due(&mut self, now: Millis, ctx_rng: &mut crate::sim::rng::SimRng) {
        let Some(partitions) = self.partitions else {
            return;
        };
        let due = self.sent_by(now).saturating_sub(self.sent);
        if due > 0 {
            let per_partition = &mut self.accumulated;
            if self.spec.is_keyed() {
                let keys = u64::from(self.spec.keys);
                for i in self.sent..self.sent + due {
                    let p = self.key_partitions[usize::try_from(i % keys).unwrap_or(0)];
                    *per_partition.entry(p).or_default() += 1;
                }
            } else {
                let spec = &self.spec;
                self.sticky.place(
                    due,
                    spec.record_bytes,
                    spec.batch_size,
                    partitions,
                    ctx_rng,
                    |p, n| *per_partition.entry(p).or_default() += n,
                );
            }
            self.sent += due;
        }
    }
}

/// The partition of each of `keys` keys among `partitions`.
fn key_table(keys: u32, partitions: i32) -> Vec<i32> {
    (0..keys)
        .map(|k| partition_for_key(&partitioner::key_of(u64::from(k), keys), partitions))
        .collect()
}

impl Actor for KafkaProducer {
    fn on_message(&mut self, _from: Endpoint, message: Message, ctx: &mut Ctx) {
        if let Message::Response {
            body: Response::Metadata(r),
            ..
        } = message
        {
            self.on_metadata(r, ctx.now, &mut ctx.out);
        }
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx) {
        match timer {
            Timer::Producer(ProducerTimer::Send) => {
                self.send_batches(ctx.now, ctx.rng, &mut ctx.out)
            }
            Timer::Producer(ProducerTimer::MetadataRefresh) => self.request_metadata(&mut ctx.out),
            _ => {}
        }
    }
}
