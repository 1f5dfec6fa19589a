//! The application's own commits (with `enable.auto.commit=false`): `commitSync()` or `commitAsync()`
//! of the consumed positions after processing each batch. `commitSync()` blocks the application until
//! the answer. Outside a stable generation Kafka does not even send the commit
//! (`sendOffsetCommitRequest` finds no `generationIfStable()`): the call fails at once with
//! RebalanceInProgressException while rebalancing, or CommitFailedException when the member was kicked
//! out (after a stall past `max.poll.interval.ms`).

use super::app_thread::Activity;
use super::membership::MemberState;
use super::{CoOut, KafkaConsumer};
use crate::sim::config::ManualCommit;
use crate::sim::trace::TraceEvent;

const REBALANCE_IN_PROGRESS: &str = "RebalanceInProgressException: Offset commit cannot be completed since the consumer is undergoing a rebalance for auto partition assignment. You can try completing the rebalance by calling poll() and then retry the operation.";
const NOT_IN_ACTIVE_GROUP: &str = "CommitFailedException: Offset commit cannot be completed since the consumer is not part of an active group for auto partition assignment; it is likely that the consumer was kicked out of the group.";

impl KafkaConsumer {
    /// After a batch: the application's commit, if it commits by hand. Returns true while it blocks in
    /// `commitSync()`.
    pub(super) fn commit_after_batch(&mut self, out: &mut CoOut) -> bool {
        if self.config.enable_auto_commit || self.config.manual_commit == ManualCommit::None {
            return false;
        }
        if self.fetcher.all_consumed().is_empty() {
            return false;
        }
        if let Some(epoch) = self.kip848.as_ref().map(|m| m.member_epoch) {
            // A KIP-848 member commits under its member epoch; without one it is not in the group
            // and there is nothing it may commit (the coordinator would answer UNKNOWN_MEMBER_ID).
            if epoch <= 0 {
                return false;
            }
        } else if self.membership.state != MemberState::Stable {
            let rebalancing = matches!(
                self.membership.state,
                MemberState::PreparingRebalance | MemberState::CompletingRebalance
            );
            let error = if rebalancing {
                REBALANCE_IN_PROGRESS
            } else {
                NOT_IN_ACTIVE_GROUP
            };
            out.record(TraceEvent::CommitFailed {
                consumer: self.handle.clone(),
                error: error.to_string(),
            });
            return false;
        }
        let correlation_id = self.send_offset_commit(out);
        if self.config.manual_commit == ManualCommit::Sync {
            self.commits.sync_in_flight = Some(correlation_id);
            self.app.activity = Activity::CommitSync;
            return true;
        }
        false
    }

    /// The answer to a `commitSync()` ends the call: the application polls again.
    pub(super) fn on_sync_commit_answered(
        &mut self,
        now: crate::sim::time::Millis,
        correlation_id: u64,
        out: &mut CoOut,
    ) {
        if self.commits.sync_in_flight != Some(correlation_id) {
            return;
        }
        self.commits.sync_in_flight = None;
        if self.app.activity == Activity::CommitSync && self.is_running() && !self.is_closing() {
            self.app.activity = Activity::InPoll;
            self.poll_pass(now, out);
        }
    }

    /// Whether a commit now would carry anything: without records every owned partition counts; with
    /// records only partitions with a position (`allConsumed`).
    pub(super) fn has_offsets_to_commit(&self) -> bool {
        !self.fetcher.enabled || !self.fetcher.all_consumed().is_empty()
    }
}
