//! A record the consumer cannot deserialize, as Kafka 4.1's client handles it
//! (`CompletedFetch.fetchRecords`, `FetchCollector.collectFetch`):
//! * the records before it in the fetch are returned by `poll()`; the failure is kept
//!   (`cachedRecordException`) and the position stays at the bad record;
//! * the next `poll()` tries that record again and throws `RecordDeserializationException`, naming the
//!   partition and offset; so does every `poll()` after it — the fetch in line is the failed one, so
//!   nothing from any partition is returned, and no new fetch is sent;
//! * `seek(partition, offset + 1)` moves the position past it: the buffered records no longer start at
//!   the position and are dropped ("Ignoring fetched records"), and fetching resumes after the pill.
//!
//! The application modelled here catches the exception and calls `poll()` again. A `poll()` that throws
//! still counts as a poll: `ConsumerCoordinator.poll` resets the poll timer (`pollHeartbeat`, or the
//! `PollEvent` of the KIP-848 consumer) before `collectFetch` throws, so the stuck consumer never
//! exceeds `max.poll.interval.ms`, keeps heartbeating and keeps its partitions. It makes no progress:
//! their lag grows until someone seeks past the record.

use super::app_thread::Activity;
use super::{CoOut, KafkaConsumer};
use crate::sim::assign::TopicPartition;
use crate::sim::serialization::{
    record_deserialization_message, DeserializationExceptionOrigin, Deserializer, POISON_PILL_VALUE,
};
use crate::sim::time::Millis;
use crate::sim::trace::TraceEvent;

/// The cached `RecordDeserializationException`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordDeserializationFailure {
    pub partition: TopicPartition,
    pub offset: i64,
    pub origin: DeserializationExceptionOrigin,
    /// The `SerializationException` the deserializer threw.
    pub cause: String,
    /// Whether `poll()` has thrown it yet (it waits one poll when records came before it).
    pub thrown: bool,
}

impl RecordDeserializationFailure {
    /// The exception's message, as Kafka words it.
    pub fn message(&self) -> String {
        record_deserialization_message(self.origin, &self.partition.to_string(), self.offset)
    }
}

/// Why a seek past a record is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SeekPastRefusal {
    /// `poll()` has not thrown a RecordDeserializationException: there is no record to skip.
    NotStuck,
}

impl KafkaConsumer {
    /// The `value.deserializer` this consumer was built with.
    pub fn value_deserializer(&self) -> Deserializer {
        Deserializer::of(&self.config.value_deserializer)
    }

    /// The exception every `poll()` of this consumer throws now, if it is stuck on a record.
    pub fn stuck_on(&self) -> Option<&RecordDeserializationFailure> {
        self.fetcher
            .failure
            .as_ref()
            .filter(|f| f.thrown && self.is_running())
    }

    /// The record at `offset` failed to deserialize: kept for the next `poll()`.
    pub(super) fn cache_deserialization_failure(&mut self, partition: TopicPartition, offset: i64) {
        // The pill has no key (a null key is never deserialized): the VALUE fails.
        let cause = self
            .value_deserializer()
            .deserialize(POISON_PILL_VALUE)
            .err()
            .unwrap_or_default();
        self.fetcher.failure = Some(RecordDeserializationFailure {
            partition,
            offset,
            origin: DeserializationExceptionOrigin::Value,
            cause,
            thrown: false,
        });
    }

    /// `poll()` tries the failed record again: while the position is still at it, `poll()` throws
    /// (recorded the first time). Returns whether it threw. A failure whose record is no longer next
    /// (the application sought elsewhere) is dropped, as the fetch in line is drained.
    pub(super) fn throw_cached_deserialization_failure(
        &mut self,
        _now: Millis,
        out: &mut CoOut,
    ) -> bool {
        let fetcher = &mut self.fetcher;
        let Some(failure) = fetcher.failure.as_ref() else {
            return false;
        };
        let tp = &failure.partition;
        let still_next = fetcher.position(tp) == Some(failure.offset)
            && fetcher.buffered(tp).map(|r| r.0) == Some(failure.offset);
        if !still_next {
            fetcher.failure = None;
            return false;
        }
        let Some(failure) = fetcher.failure.as_mut() else {
            return false;
        };
        if !failure.thrown {
            failure.thrown = true;
            let event = TraceEvent::RecordDeserializationFailed {
                consumer: self.handle.clone(),
                group: self.group_id.clone(),
                partition: failure.partition.clone(),
                offset: failure.offset,
                message: failure.message(),
                cause: failure.cause.clone(),
            };
            out.record(event);
        }
        true
    }

    /// Whether the application can seek past a record now.
    pub fn check_seek_past(&self) -> Result<(), SeekPastRefusal> {
        self.stuck_on().map(|_| ()).ok_or(SeekPastRefusal::NotStuck)
    }

    /// The application's `catch (RecordDeserializationException e) { consumer.seek(e.topicPartition(),
    /// e.offset() + 1); }`, then back to `poll()`.
    pub fn seek_past(&mut self, now: Millis, out: &mut CoOut) {
        let Some(failure) = self.stuck_on().cloned() else {
            return;
        };
        let tp = failure.partition.clone();
        self.fetcher.seek(&tp, failure.offset + 1);
        out.record(TraceEvent::SeekedPastRecord {
            consumer: self.handle.clone(),
            group: self.group_id.clone(),
            partition: tp,
            offset: failure.offset,
        });
        if self.app.activity == Activity::InPoll {
            self.poll_pass(now, out);
        }
    }
}
