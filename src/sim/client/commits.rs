//! Offset commits: auto-commit inside `poll()` every `auto.commit.interval.ms`, the commit before a
//! rebalance and on `close()`, and how an OffsetCommit answer is handled (`ConsumerCoordinator`'s
//! `OffsetCommitResponseHandler`).

use super::membership::{Generation, MemberState};
use super::rebalance::JoinPrepareCommit;
use super::{CoOut, KafkaConsumer};
use crate::sim::protocol::*;
use crate::sim::time::Millis;
use crate::sim::trace::TraceEvent;
use std::collections::BTreeMap;

/// The consumer's commits: when auto-commit is next due, and the OffsetCommits awaiting an answer
/// with the generation each was sent under.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Commits {
    pub next_auto_commit_at: Millis,
    pub in_flight: BTreeMap<u64, Generation>,
    /// An asynchronous commit was answered FENCED_INSTANCE_ID at an unchanged generation
    /// (`asyncCommitFenced`): the next `poll()` throws `FencedInstanceIdException`.
    pub fenced: bool,
    /// The application's `commitSync()` waiting for this OffsetCommit's answer.
    pub sync_in_flight: Option<u64>,
}

impl KafkaConsumer {
    pub(super) fn maybe_auto_commit(&mut self, now: Millis, out: &mut CoOut) {
        if !self.config.enable_auto_commit || now < self.commits.next_auto_commit_at {
            return;
        }
        self.commits.next_auto_commit_at = now.saturating_add(self.config.auto_commit_interval_ms);
        if self.membership.state == MemberState::Stable
            && !self.coordinator.owned.is_empty()
            && !self.rejoin_needed_or_pending()
            && self.has_offsets_to_commit()
        {
            self.send_offset_commit(out);
        }
    }

    pub(super) fn send_offset_commit(&mut self, out: &mut CoOut) -> u64 {
        let sent_generation = self.membership.generation.clone();
        if self.kip848.is_some() {
            return self.kip848_send_offset_commit(out);
        }
        let request = self.offset_commit_request(
            self.membership.generation.generation_id,
            self.membership.generation.member_id.clone(),
        );
        let id = self.send(Request::OffsetCommit(Box::new(request)), out);
        self.commits.in_flight.insert(id, sent_generation);
        id
    }

    /// The commit of what this member owns, under its generation (classic) or member epoch (KIP-848).
    /// With records it carries `allConsumed`: the position of each partition that has one.
    pub(super) fn offset_commit_request(
        &self,
        generation_id: i32,
        member_id: String,
    ) -> OffsetCommitRequest {
        let request = OffsetCommitRequest {
            group_id: self.group_id.clone(),
            generation_id,
            member_id,
            group_instance_id: self.config.group_instance_id.clone(),
            partitions: self.coordinator.owned.iter().cloned().collect(),
            offsets: Vec::new(),
        };
        if !self.fetcher.enabled {
            return request;
        }
        let offsets = self.fetcher.all_consumed();
        OffsetCommitRequest {
            partitions: offsets.iter().map(|o| o.partition.clone()).collect(),
            offsets,
            ..request
        }
    }

    pub(super) fn handle_offset_commit_response(
        &mut self,
        now: Millis,
        correlation_id: u64,
        r: OffsetCommitResponse,
        out: &mut CoOut,
    ) {
        let sent_generation = self.commits.in_flight.remove(&correlation_id);
        // Read before the error handling: resetting the state clears `join_prepare_commit`, and the
        // application waiting for this commit must still be woken.
        let for_join_prepare =
            self.coordinator.join_prepare_commit == JoinPrepareCommit::InFlight { correlation_id };
        if r.error_code != Errors::None {
            out.record(TraceEvent::CommitFailed {
                consumer: self.handle.clone(),
                error: r.error_code.name().to_string(),
            });
            // ConsumerCoordinator.OffsetCommitResponseHandler.
            match r.error_code {
                Errors::RebalanceInProgress => {
                    self.request_rejoin(JoinReason::CommitRebalanceInProgress)
                }
                // Another process took this group.instance.id. At the generation the commit was sent
                // with, it is fatal at the next poll(); after a generation change it is only the
                // caller's RebalanceInProgressException or CommitFailedException. The close-time commit
                // is synchronous and does not mark the consumer fenced.
                Errors::FencedInstanceId => {
                    let generation_unchanged =
                        sent_generation.as_ref() == Some(&self.membership.generation);
                    if generation_unchanged && !self.is_closing() {
                        self.commits.fenced = true;
                        self.wake_app_if_in_poll(now, out);
                    }
                }
                Errors::UnknownMemberId | Errors::IllegalGeneration => {
                    let generation_unchanged =
                        sent_generation.as_ref() == Some(&self.membership.generation);
                    // A stale generation while already rejoining: only RebalanceInProgressException.
                    if generation_unchanged
                        || self.membership.state != MemberState::PreparingRebalance
                    {
                        let reset_member_id = r.error_code != Errors::IllegalGeneration;
                        self.reset_on_response_error(
                            r.error_code,
                            ApiKey::OffsetCommit,
                            reset_member_id,
                        );
                    }
                }
                _ => {}
            }
        }
        if for_join_prepare {
            self.coordinator.join_prepare_commit = JoinPrepareCommit::Answered;
            self.wake_app_if_in_poll(now, out);
        }
        self.on_sync_commit_answered(now, correlation_id, out);
        if let Some(failure) = self.take_close_commit(correlation_id) {
            self.finish_close(now, failure, out);
        }
    }
}
