//! Reading records (used when the scenario has producers): the positions of `SubscriptionState`, the
//! `Fetcher` and `FetchCollector`, and the application's batch. A newly owned partition starts without
//! a position: `poll()` asks for the group's committed offset (OffsetFetch), and without one applies
//! `auto.offset.reset` (ListOffsets for `earliest`/`latest`, NoOffsetForPartitionException for `none`).
//! Fetches run in the background for partitions with a position and nothing buffered; `poll()` returns
//! up to `max.poll.records` of what is buffered and advances the positions past them. Records are
//! ranges of offsets, never one value per record. A record the value deserializer rejects (a poison
//! pill) stops `poll()` as `CompletedFetch.fetchRecords` does ([`super::deserialization`]).

use super::app_thread::Activity;
use super::deserialization::RecordDeserializationFailure;
use super::partition_states::PartitionStates;
use super::{CoOut, KafkaConsumer};
use crate::sim::assign::TopicPartition;
use crate::sim::config::AutoOffsetReset;
use crate::sim::protocol::*;
use crate::sim::time::Millis;
use crate::sim::trace::{ProcessedRange, TraceEvent};
use std::collections::{BTreeMap, BTreeSet};

/// `fetch.max.wait.ms` (Kafka's default).
pub const FETCH_MAX_WAIT_MS: Millis = 500;
/// `max.partition.fetch.bytes` (1 MiB), as records of the model's default record size (100 bytes).
pub const MAX_PARTITION_FETCH_RECORDS: u64 = 1_048_576 / 100;

/// A partition's fetch state (`SubscriptionState.FetchStates`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchState {
    /// INITIALIZING: waiting for the group's committed offset.
    Initializing,
    /// AWAIT_RESET: no committed offset; `auto.offset.reset` decides.
    AwaitReset,
    /// FETCHING: the offset of the next record `poll()` returns.
    Fetching(i64),
}

/// One assigned partition's fetch state (`SubscriptionState.TopicPartitionState`) and the records
/// fetched for it that `poll()` has not returned yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionFetch {
    pub state: FetchState,
    /// Fetched records not yet returned by `poll()`: offsets `from .. to`. Kept beside the
    /// position, not in a map of its own: every batch fills and empties it, and a second map
    /// allocated and freed a node and searched its keys each time.
    pub buffered: Option<(i64, i64)>,
}

impl PartitionFetch {
    fn new(state: FetchState) -> Self {
        Self {
            state,
            buffered: None,
        }
    }
}

/// The consumer's record flow.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fetcher {
    /// Whether this consumer reads records (the scenario has producers).
    pub enabled: bool,
    /// Every assigned partition, with its position and what is buffered for it.
    pub positions: PartitionStates<PartitionFetch>,
    /// KIP-848: owned partitions a reconciliation is about to revoke (`markPendingRevocation`):
    /// nothing more is fetched for them and `poll()` returns none of their buffered records.
    pub pending_revocation: BTreeSet<TopicPartition>,
    /// The buffered offsets this consumer's deserializers cannot decode, per partition (sorted).
    pub undecodable: BTreeMap<TopicPartition, Vec<i64>>,
    /// The record that failed to deserialize, kept as `CompletedFetch.cachedRecordException` is:
    /// every `poll()` throws again until a seek moves the position past it.
    pub failure: Option<RecordDeserializationFailure>,
    fetch_in_flight: Option<u64>,
    offset_fetch_in_flight: Option<u64>,
    list_offsets_in_flight: Option<u64>,
    /// The records the last `poll()` returned, while the application processes them.
    pub in_hand: Vec<ProcessedRange>,
    /// Records this process finished processing.
    pub records_processed: u64,
}

impl Fetcher {
    /// `KafkaConsumer.seek`: the partition's next record is `offset`. What was buffered started at
    /// the old position and is dropped, as Kafka drains it, and with it a cached failure.
    pub fn seek(&mut self, tp: &TopicPartition, offset: i64) {
        self.positions.insert(
            tp.clone(),
            PartitionFetch::new(FetchState::Fetching(offset)),
        );
        self.undecodable.remove(tp);
        if self.failure.as_ref().is_some_and(|f| &f.partition == tp) {
            self.failure = None;
        }
    }

    /// The position of a partition, if it has a valid one.
    pub fn position(&self, tp: &TopicPartition) -> Option<i64> {
        match self.positions.get(tp).map(|p| &p.state) {
            Some(FetchState::Fetching(offset)) => Some(*offset),
            _ => None,
        }
    }

    /// The records fetched for a partition and not returned by `poll()` yet.
    pub fn buffered(&self, tp: &TopicPartition) -> Option<(i64, i64)> {
        self.positions.get(tp).and_then(|p| p.buffered)
    }

    /// `allConsumed`: the position of every partition that has a valid one.
    pub fn all_consumed(&self) -> Vec<CommittedOffset> {
        self.positions
            .iter()
            .filter_map(|(tp, p)| match p.state {
                FetchState::Fetching(offset) => Some(CommittedOffset {
                    partition: tp.clone(),
                    offset,
                }),
                _ => None,
            })
            .collect()
    }

    /// The assignment changed: new partitions start without a position, dropped ones lose theirs and
    /// whatever was buffered for them.
    pub fn retain_owned(&mut self, owned: &BTreeSet<TopicPartition>) {
        // Buffered records, undecodable offsets and a failure only ever concern partitions with a
        // position, so positions for exactly the owned partitions leave nothing to do.
        if self.positions.len() == owned.len() && self.positions.partitions().eq(owned.iter()) {
            return;
        }
        self.positions
            .set_partitions(owned, || PartitionFetch::new(FetchState::Initializing));
        self.undecodable.retain(|tp, _| owned.contains(tp));
        if self
            .failure
            .as_ref()
            .is_some_and(|f| !owned.contains(&f.partition))
        {
            // `FetchCollector.fetchRecords`: a partition no longer assigned is drained, failure and all.
            self.failure = None;
        }
    }

    /// `FetchCollector.collectFetch`: up to `max` records from the buffer, partition by partition.
    /// A record that cannot be deserialized ends the batch there: the records before it are returned
    /// and the failure is kept for the next `poll()`, which throws it.
    fn collect(&mut self, max: u64) -> (Vec<ProcessedRange>, Option<(TopicPartition, i64)>) {
        let mut left = max;
        // Room for one range: a poll usually takes records of one partition, and the batch ends as
        // a boxed slice in the trace, which a vector with spare room would reallocate to fit.
        let mut batch = Vec::with_capacity(1);
        // The partitions in order; the loop changes only the one at hand.
        for (tp, fetch) in self.positions.iter_mut() {
            if left == 0 {
                break;
            }
            let Some((from, to)) = fetch.buffered else {
                continue;
            };
            if self.pending_revocation.contains(tp) {
                continue;
            }
            if fetch.state != FetchState::Fetching(from) {
                // The position moved since the fetch (a seek): what was buffered is drained.
                fetch.buffered = None;
                self.undecodable.remove(tp);
                continue;
            }
            let wanted = from.saturating_add(i64::try_from(left).unwrap_or(i64::MAX));
            let undecodable =
                first_undecodable(&self.undecodable, tp, from).filter(|&o| o < wanted.min(to));
            let to = undecodable.unwrap_or(to);
            let take = (to - from).min(i64::try_from(left).unwrap_or(i64::MAX));
            let end = from + take;
            if undecodable.is_some() {
                // The rest of the fetch stays buffered behind the record that failed.
                if let Some(range) = fetch.buffered.as_mut() {
                    range.0 = end;
                }
            } else if end >= to {
                fetch.buffered = None;
                self.undecodable.remove(tp);
            } else {
                fetch.buffered = Some((end, to));
            }
            fetch.state = FetchState::Fetching(end);
            left -= u64::try_from(take).unwrap_or(0);
            if take > 0 {
                batch.push(ProcessedRange {
                    partition: tp.clone(),
                    from,
                    to: end,
                });
            }
            if let Some(offset) = undecodable {
                return (batch, Some((tp.clone(), offset)));
            }
        }
        (batch, None)
    }
}

/// The first buffered offset from `from` on a partition that its consumer cannot decode.
fn first_undecodable(
    undecodable: &BTreeMap<TopicPartition, Vec<i64>>,
    tp: &TopicPartition,
    from: i64,
) -> Option<i64> {
    undecodable
        .get(tp)
        .and_then(|pills| pills.iter().copied().find(|&o| o >= from))
}

impl KafkaConsumer {
    /// The record part of a `poll()`: update the positions, collect buffered records, send the next
    /// fetch. Returns whether `poll()` returned records (the application then processes them).
    pub(super) fn poll_for_records(&mut self, now: Millis, out: &mut CoOut) -> bool {
        if self.coordinator.pending_revocation {
            return false;
        }
        // The positions follow the assignment already: `set_owned` brings them along whenever it
        // changes, so a poll() does not compare them again.
        debug_assert!(self
            .fetcher
            .positions
            .partitions()
            .eq(self.coordinator.owned.iter()));
        if !self.update_fetch_positions(now, out) {
            return false;
        }
        // A record that failed before is tried again first, and throws again.
        if self.throw_cached_deserialization_failure(now, out) {
            return false;
        }
        let (batch, undecodable) = self
            .fetcher
            .collect(u64::from(self.config.max_poll_records));
        if let Some((partition, offset)) = undecodable {
            self.cache_deserialization_failure(partition, offset);
            if batch.is_empty() {
                // Nothing came before it in this poll: `poll()` throws now.
                self.throw_cached_deserialization_failure(now, out);
                return false;
            }
        }
        self.send_fetches(out);
        if batch.is_empty() {
            return false;
        }
        let records: i64 = batch.iter().map(|r| r.to - r.from).sum();
        let per_record = self.config.processing_time_per_record_ms;
        let work = self
            .config
            .processing_time_ms
            .saturating_add(per_record.saturating_mul(u64::try_from(records).unwrap_or(0)));
        let until = now.saturating_add(work.max(1));
        self.fetcher.in_hand = batch;
        self.app.activity = Activity::Processing { until };
        self.schedule_app(until, out);
        self.schedule_poll_timer_check(until, out);
        true
    }

    /// `updateFetchPositions`: committed offsets first, then `auto.offset.reset`. Returns false when
    /// `poll()` threw (NoOffsetForPartitionException).
    fn update_fetch_positions(&mut self, now: Millis, out: &mut CoOut) -> bool {
        let (initializing, awaiting_reset) = self.partitions_without_position();
        if !initializing.is_empty() && self.fetcher.offset_fetch_in_flight.is_none() {
            let request = OffsetFetchRequest {
                group_id: self.group_id.clone(),
                partitions: initializing,
            };
            self.fetcher.offset_fetch_in_flight =
                Some(self.send(Request::OffsetFetch(Box::new(request)), out));
        }
        if awaiting_reset.is_empty() || self.fetcher.list_offsets_in_flight.is_some() {
            return true;
        }
        let spec = match self.config.auto_offset_reset {
            AutoOffsetReset::Earliest => OffsetSpec::Earliest,
            // `by_duration` looks up the offset of a timestamp; records carry no timestamps in the
            // model, so it resolves as `latest` does for records newer than the duration.
            AutoOffsetReset::Latest | AutoOffsetReset::ByDuration(_) => OffsetSpec::Latest,
            AutoOffsetReset::None => {
                let names: Vec<String> = awaiting_reset.iter().map(|tp| tp.to_string()).collect();
                let error = format!(
                    "NoOffsetForPartitionException: Undefined offset with no reset policy for partitions: [{}]",
                    names.join(", ")
                );
                self.fail_and_close(error, now, out);
                return false;
            }
        };
        let request = ListOffsetsRequest {
            spec,
            partitions: awaiting_reset,
        };
        self.fetcher.list_offsets_in_flight = Some(self.send(Request::ListOffsets(request), out));
        true
    }

    /// The partitions INITIALIZING and those in AWAIT_RESET, in one pass over the positions (every
    /// `poll()` comes here; in steady state both lists are empty and allocate nothing).
    fn partitions_without_position(&self) -> (Vec<TopicPartition>, Vec<TopicPartition>) {
        let (mut initializing, mut awaiting_reset) = (Vec::new(), Vec::new());
        for (tp, fetch) in self.fetcher.positions.iter() {
            match fetch.state {
                FetchState::Initializing => initializing.push(tp.clone()),
                FetchState::AwaitReset => awaiting_reset.push(tp.clone()),
                FetchState::Fetching(_) => {}
            }
        }
        (initializing, awaiting_reset)
    }

    /// `Fetcher.sendFetches`: one fetch at a time, for partitions with a position and nothing buffered.
    fn send_fetches(&mut self, out: &mut CoOut) {
        if self.fetcher.fetch_in_flight.is_some() {
            return;
        }
        // Sized for every partition at once: a fetch goes out after nearly every poll(), and
        // growing the list one partition at a time reallocated it several times each.
        let mut partitions = Vec::with_capacity(self.fetcher.positions.len());
        partitions.extend(
            self.fetcher
                .positions
                .iter()
                .filter(|(tp, fetch)| {
                    fetch.buffered.is_none() && !self.fetcher.pending_revocation.contains(*tp)
                })
                .filter_map(|(tp, fetch)| match fetch.state {
                    FetchState::Fetching(offset) => Some(FetchPartition {
                        partition: tp.clone(),
                        fetch_offset: offset,
                    }),
                    _ => None,
                }),
        );
        if partitions.is_empty() {
            return;
        }
        let request = FetchRequest {
            max_wait_ms: FETCH_MAX_WAIT_MS,
            max_records_per_partition: MAX_PARTITION_FETCH_RECORDS,
            partitions,
        };
        self.fetcher.fetch_in_flight = Some(self.send(Request::Fetch(request), out));
    }

    /// A Fetch answered: records still wanted (the partition is owned and its position is where the
    /// fetch started) are buffered for `poll()`.
    pub(super) fn handle_fetch_response(
        &mut self,
        now: Millis,
        correlation_id: u64,
        r: FetchResponse,
        out: &mut CoOut,
    ) {
        if self.fetcher.fetch_in_flight != Some(correlation_id) {
            return;
        }
        self.fetcher.fetch_in_flight = None;
        // Where the next partition of the answer most likely sits among the positions.
        let mut hint = 0;
        for fetched in r.partitions {
            if fetched.end_offset <= fetched.fetch_offset {
                hint += 1;
                continue;
            }
            let Some((at, fetch)) = self
                .fetcher
                .positions
                .get_mut_at_hint(&fetched.partition, hint)
            else {
                continue;
            };
            hint = at + 1;
            if fetch.state != FetchState::Fetching(fetched.fetch_offset) {
                continue;
            }
            fetch.buffered = Some((fetched.fetch_offset, fetched.end_offset));
            self.fetcher.undecodable.remove(&fetched.partition);
            // The deserializer is asked only when a pill came: most answers carry none.
            if !fetched.poison_pills.is_empty() && self.value_deserializer().rejects_poison_pill() {
                self.fetcher
                    .undecodable
                    .insert(fetched.partition, fetched.poison_pills);
            }
        }
        self.wake_app_if_in_poll(now, out);
        if self.app.activity != Activity::InPoll {
            // Fetching goes on in the background while the application processes.
            self.send_fetches(out);
        }
    }

    /// OffsetFetch answered: a committed offset becomes the position; without one the partition awaits
    /// `auto.offset.reset`.
    pub(super) fn handle_offset_fetch_response(
        &mut self,
        now: Millis,
        correlation_id: u64,
        r: OffsetFetchResponse,
        out: &mut CoOut,
    ) {
        if self.fetcher.offset_fetch_in_flight != Some(correlation_id) {
            return;
        }
        self.fetcher.offset_fetch_in_flight = None;
        for (tp, committed) in r.offsets {
            if let Some(state) = self.fetcher.positions.get_mut(&tp).map(|p| &mut p.state) {
                if *state == FetchState::Initializing {
                    *state = match committed {
                        Some(offset) => FetchState::Fetching(offset),
                        None => FetchState::AwaitReset,
                    };
                }
            }
        }
        self.wake_app_if_in_poll(now, out);
    }

    /// ListOffsets answered: the reset positions are set.
    pub(super) fn handle_list_offsets_response(
        &mut self,
        now: Millis,
        correlation_id: u64,
        r: ListOffsetsResponse,
        out: &mut CoOut,
    ) {
        if self.fetcher.list_offsets_in_flight != Some(correlation_id) {
            return;
        }
        self.fetcher.list_offsets_in_flight = None;
        for (tp, offset) in r.offsets {
            if let Some(state) = self.fetcher.positions.get_mut(&tp).map(|p| &mut p.state) {
                if *state == FetchState::AwaitReset {
                    *state = FetchState::Fetching(offset);
                }
            }
        }
        self.wake_app_if_in_poll(now, out);
    }

    /// The generation (classic) or member epoch (KIP-848) of the assignment the records were read
    /// under; -1 before any.
    fn assignment_epoch(&self) -> i32 {
        match &self.kip848 {
            Some(manager) => manager.member_epoch,
            None => self.last_assignment_generation().unwrap_or(-1),
        }
    }

    /// The application finished the records in hand: they are processed (recorded with the
    /// generation of the assignment they were read under).
    pub(super) fn finish_batch(&mut self, out: &mut CoOut) -> bool {
        if self.fetcher.in_hand.is_empty() {
            return false;
        }
        let ranges = std::mem::take(&mut self.fetcher.in_hand);
        let records: i64 = ranges.iter().map(|r| r.to - r.from).sum();
        self.fetcher.records_processed += u64::try_from(records).unwrap_or(0);
        let (consumer, group) = self.batch_names.clone();
        out.record(TraceEvent::RecordsProcessed {
            consumer,
            group,
            generation: self.assignment_epoch(),
            ranges: ranges.into_boxed_slice(),
        });
        true
    }
}
