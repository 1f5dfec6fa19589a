//! The partition logs (Kafka's `ReplicaManager` and `UnifiedLog`, reduced to what a consumer group sees):
//! each partition is a log-end offset — records are offsets `0 .. log_end`, kept as a count, never one
//! value per record. Produce appends, Fetch reads from a position, ListOffsets answers the earliest and
//! latest offsets. A Fetch with nothing to return is held (`DelayedFetch`) until a Produce brings data
//! to one of its partitions or `fetch.max.wait.ms` passes, as the broker's fetch purgatory does
//! ([`super::purgatory`]).
//! The few poison pills a user sends are kept as their offsets, per partition.

use super::classic::ReplyTo;
use super::purgatory::{DelayedFetch, FetchPurgatory};
use crate::sim::actor::Out;
use crate::sim::assign::{TopicName, TopicPartition};
use crate::sim::protocol::*;
use crate::sim::time::Millis;
use crate::sim::timer::{Timer, TimerKey};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default)]
pub struct PartitionLogs {
    /// Per topic, the log-end offset of each partition.
    logs: BTreeMap<String, Vec<i64>>,
    /// Held fetches.
    delayed: FetchPurgatory,
    /// The offsets of poison pills, sorted, per partition (only partitions that have any).
    poison_pills: BTreeMap<TopicPartition, Vec<i64>>,
}

impl PartitionLogs {
    /// The log-end offset of a partition (0 for one that does not exist).
    pub fn log_end(&self, tp: &TopicPartition) -> i64 {
        end_in(self.logs.get(tp.topic.as_str()), tp.partition)
    }

    /// Every partition's log-end offset, by topic.
    pub fn log_ends(&self) -> &BTreeMap<String, Vec<i64>> {
        &self.logs
    }

    /// The topic has `partitions` partitions now (created, or grown by `createPartitions`).
    pub fn resize(&mut self, topic: &str, partitions: i32) {
        let log = self.logs.entry(topic.to_string()).or_default();
        log.resize(usize::try_from(partitions).unwrap_or(0), 0);
    }

    pub fn delete(&mut self, topic: &str) {
        self.logs.remove(topic);
        self.poison_pills.retain(|tp, _| tp.topic != topic);
    }

    /// Every poison pill's offset, per partition.
    pub fn poison_pills(&self) -> &BTreeMap<TopicPartition, Vec<i64>> {
        &self.poison_pills
    }

    /// The poison pills among offsets `from .. to` of a partition.
    fn poison_pills_in(&self, tp: &TopicPartition, from: i64, to: i64) -> Vec<i64> {
        self.poison_pills.get(tp).map_or_else(Vec::new, |pills| {
            pills
                .iter()
                .copied()
                .filter(|o| (from..to).contains(o))
                .collect()
        })
    }

    /// Produce: each batch is appended at its partition's log end.
    pub fn append(
        &mut self,
        request: &ProduceRequest,
        now: Millis,
        out: &mut Out,
    ) -> ProduceResponse {
        let base_offsets = request
            .batches
            .iter()
            .map(|batch| {
                let tp = &batch.partition;
                let slot = self
                    .logs
                    .get_mut(tp.topic.as_str())
                    .and_then(|log| log.get_mut(usize::try_from(tp.partition).ok()?));
                match slot {
                    Some(end) => {
                        let base = *end;
                        *end += i64::try_from(batch.records).unwrap_or(i64::MAX);
                        if !batch.poison_pills.is_empty() {
                            let pills = self.poison_pills.entry(tp.clone()).or_default();
                            pills.extend(batch.poison_pills.iter().map(|&i| {
                                base.saturating_add(i64::try_from(i).unwrap_or(i64::MAX))
                            }));
                        }
                        (tp.clone(), base)
                    }
                    None => (tp.clone(), -1),
                }
            })
            .collect();
        let appended = request.batches.iter().map(|b| &b.partition);
        let ready = self.delayed_fetches_with_data(appended);
        self.complete_delayed_fetches(ready, now, out);
        ProduceResponse { base_offsets }
    }

    /// ListOffsets: 0 for the earliest (nothing is ever deleted), the log end for the latest.
    pub fn list_offsets(&self, request: &ListOffsetsRequest) -> ListOffsetsResponse {
        let offsets = request
            .partitions
            .iter()
            .map(|tp| {
                let offset = match request.spec {
                    OffsetSpec::Earliest => 0,
                    OffsetSpec::Latest => self.log_end(tp),
                };
                (tp.clone(), offset)
            })
            .collect();
        ListOffsetsResponse { offsets }
    }

    /// Fetch: answered now when a partition has records past its fetch offset, otherwise held.
    pub fn fetch(&mut self, reply_to: ReplyTo, request: FetchRequest, out: &mut Out, now: Millis) {
        if self.has_data(&request) || request.max_wait_ms == 0 {
            let response = self.read(&request);
            reply(out, &reply_to, response);
            return;
        }
        let timer = Timer::DelayedFetch {
            consumer: reply_to.endpoint.clone(),
        };
        out.set_timer(now.saturating_add(request.max_wait_ms), timer);
        // A consumer has one fetch in flight: a newer one replaces what is held for it.
        self.delayed.hold(DelayedFetch { reply_to, request });
    }

    /// `fetch.max.wait.ms` passed for this consumer's held fetch: it is answered with what there is.
    pub fn expire_delayed_fetch(&mut self, consumer: &crate::sim::vocab::Endpoint, out: &mut Out) {
        let Some(held) = self.delayed.take_for(consumer) else {
            return;
        };
        let response = self.read(&held.request);
        reply(out, &held.reply_to, response);
    }

    /// The held fetches that now have data, answered in arrival order. A held fetch had no data
    /// when the last Produce was done with it, and only an append to one of its partitions can give
    /// it some: only the fetches watching the appended partitions are checked.
    fn delayed_fetches_with_data<'a>(
        &self,
        appended: impl Iterator<Item = &'a TopicPartition>,
    ) -> Vec<u64> {
        let mut ready = self.delayed.watching(appended);
        ready.retain(|&a| {
            self.delayed
                .get(a)
                .is_some_and(|d| self.has_data(&d.request))
        });
        ready
    }

    /// Answers these held fetches, in this order.
    fn complete_delayed_fetches(&mut self, ready: Vec<u64>, _now: Millis, out: &mut Out) {
        for arrival in ready {
            let Some(held) = self.delayed.take(arrival) else {
                continue;
            };
            out.cancel_timer(TimerKey::DelayedFetch {
                consumer: held.reply_to.endpoint.clone(),
            });
            let response = self.read(&held.request);
            reply(out, &held.reply_to, response);
        }
    }

    fn has_data(&self, request: &FetchRequest) -> bool {
        let mut ends = LogEnds::new(&self.logs);
        request
            .partitions
            .iter()
            .any(|p| ends.of(&p.partition) > p.fetch_offset)
    }

    /// The records each partition has from its fetch offset, up to the per-partition limit.
    fn read(&self, request: &FetchRequest) -> FetchResponse {
        let cap = i64::try_from(request.max_records_per_partition).unwrap_or(i64::MAX);
        let mut ends = LogEnds::new(&self.logs);
        let partitions = request
            .partitions
            .iter()
            .map(|p| {
                let high_watermark = ends.of(&p.partition);
                let end = high_watermark
                    .min(p.fetch_offset.saturating_add(cap))
                    .max(p.fetch_offset);
                FetchedRecords {
                    partition: p.partition.clone(),
                    fetch_offset: p.fetch_offset,
                    end_offset: end,
                    high_watermark,
                    poison_pills: self.poison_pills_in(&p.partition, p.fetch_offset, end),
                }
            })
            .collect();
        FetchResponse { partitions }
    }
}

/// Log-end offsets of partitions listed topic by topic (as a Fetch lists them), as
/// [`PartitionLogs::log_end`] gives them: a run of partitions of one topic shares the topic's
/// look-up, and telling that the next partition is of the same topic compares two pointers to the
/// topic's one shared name instead of comparing names.
struct LogEnds<'a> {
    logs: &'a BTreeMap<String, Vec<i64>>,
    last: Option<(&'a TopicName, Option<&'a Vec<i64>>)>,
}

impl<'a> LogEnds<'a> {
    fn new(logs: &'a BTreeMap<String, Vec<i64>>) -> Self {
        Self { logs, last: None }
    }

    /// The log-end offset of a partition (0 for one that does not exist). Inlined: a Fetch asks
    /// for each of its partitions, twice per fetch (is there data, then the read).
    #[inline]
    fn of(&mut self, tp: &'a TopicPartition) -> i64 {
        let log = match self.last {
            Some((topic, log)) if *topic == tp.topic => log,
            _ => {
                let log = self.logs.get(tp.topic.as_str());
                self.last = Some((&tp.topic, log));
                log
            }
        };
        end_in(log, tp.partition)
    }
}

/// The log-end offset of `partition` in a topic's log (0 for a topic or partition that does not exist).
fn end_in(log: Option<&Vec<i64>>, partition: i32) -> i64 {
    log.and_then(|log| log.get(usize::try_from(partition).ok()?))
        .copied()
        .unwrap_or(0)
}

fn reply(out: &mut Out, to: &ReplyTo, response: FetchResponse) {
    out.send(
        to.endpoint.clone(),
        Message::Response {
            correlation_id: to.correlation_id,
            body: Response::Fetch(response),
        },
    );
}
