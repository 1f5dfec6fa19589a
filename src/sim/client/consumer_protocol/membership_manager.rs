//! `ConsumerMembershipManager`: the member as the client sees it, and the reconciliation that
//! `poll()` carries out. The coordinator sends the member's whole assignment; with auto-commit the
//! client first commits everything it consumed and waits for the answer (the partitions it is to
//! give up are not fetched meanwhile); then it gives up what is no longer in the assignment
//! (`onPartitionsRevoked`), takes what is new (`onPartitionsAssigned`, called even when nothing is
//! new) and acknowledges at once with a heartbeat that reports what it now owns.

use super::heartbeat_state::HeartbeatRequestState;
use crate::sim::assign::TopicPartition;
use crate::sim::client::{CoOut, KafkaConsumer};
use crate::sim::protocol::Errors;
use crate::sim::sort::CollectBTree;
use crate::sim::time::Millis;
use crate::sim::vocab::{CallbackKind, ConsumerState};
use std::collections::BTreeSet;
use std::fmt;

/// `retry.backoff.max.ms` at Kafka's default: the longest wait between two attempts of a commit.
const RETRY_BACKOFF_MAX_MS: Millis = 1_000;

/// The commit a reconciliation waits for (`maybeAutoCommitSyncBeforeRebalance`), retried on
/// `STALE_MEMBER_EPOCH` until the rebalance timeout after the reconciliation started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitBeforeReconciliation {
    /// The OffsetCommit awaiting its answer; `None` while it backs off before the next attempt.
    pub in_flight: Option<u64>,
    /// Failed attempts so far: each doubles the backoff before the next.
    pub attempts: u32,
    /// `rebalanceTimeoutMs` (`max.poll.interval.ms`) after the reconciliation started: an error
    /// after it is not retried.
    pub deadline: Millis,
}

/// A reconciliation `poll()` started and that waits for its commit (`reconciliationInProgress`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReconciliationInProgress {
    /// The assignment it reconciles: the target when it started. A newer target waits for the
    /// next reconciliation.
    pub assignment: BTreeSet<TopicPartition>,
    /// The commit, until it completed (or failed for good): then the next `poll()` revokes and
    /// assigns.
    pub commit: Option<CommitBeforeReconciliation>,
}

/// `MemberState` of Kafka's client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberState {
    /// Joining (or rejoining) with epoch 0.
    Joining,
    /// An assignment arrived that differs from what it owns: the next `poll()` reconciles.
    Reconciling,
    /// Reconciled: the next heartbeat, sent at once, tells the coordinator what it owns now.
    Acknowledging,
    Stable,
    /// The coordinator fenced it: the next `poll()` calls `onPartitionsLost`, then it rejoins.
    Fenced,
    /// Its poll timer expired: it left the group; the next `poll()` reports its partitions lost
    /// and rejoins.
    Stale,
    /// Left the group in `close()`.
    Leaving,
    /// A fatal error: the next `poll()` throws it.
    Fatal,
}

impl fmt::Display for MemberState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MemberState::Joining => "JOINING",
            MemberState::Reconciling => "RECONCILING",
            MemberState::Acknowledging => "ACKNOWLEDGING",
            MemberState::Stable => "STABLE",
            MemberState::Fenced => "FENCED",
            MemberState::Stale => "STALE",
            MemberState::Leaving => "LEAVING",
            MemberState::Fatal => "FATAL",
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumerMembershipManager {
    /// Made when the consumer is constructed (KIP-1082): a `Uuid` in URL-safe base64, kept for the
    /// consumer's whole life. Empty until the background thread first runs.
    pub member_id: String,
    pub member_epoch: i32,
    pub state: MemberState,
    /// `currentTargetAssignment`: the assignment the coordinator last sent, with the epoch it came at.
    pub target: Option<(i32, BTreeSet<TopicPartition>)>,
    /// A fatal error and Kafka's message for it, thrown by the next `poll()`.
    pub fatal: Option<(Errors, String)>,
    pub heartbeat: HeartbeatRequestState,
    /// Reconciliations completed, for the summary.
    pub reconciliations: u32,
    /// Since it last joined, `poll()` has applied an assignment (and called `onPartitionsAssigned`,
    /// even for an empty one).
    pub assignment_applied: bool,
    /// A reconciliation waiting for the commit it made first.
    pub reconciliation: Option<ReconciliationInProgress>,
}

impl ConsumerMembershipManager {
    pub fn new() -> Self {
        Self {
            member_id: String::new(),
            member_epoch: 0,
            state: MemberState::Joining,
            target: None,
            fatal: None,
            heartbeat: HeartbeatRequestState::default(),
            reconciliations: 0,
            assignment_applied: false,
            reconciliation: None,
        }
    }

    /// Whether the member is in the group as far as it knows: not fenced, stale, failed or gone.
    pub fn is_in_group(&self) -> bool {
        !matches!(
            self.state,
            MemberState::Fenced | MemberState::Stale | MemberState::Fatal | MemberState::Leaving
        )
    }

    /// The state its card shows.
    pub fn display_state(&self, owned: &BTreeSet<TopicPartition>) -> ConsumerState {
        match self.state {
            MemberState::Stable => ConsumerState::Stable,
            MemberState::Reconciling | MemberState::Acknowledging => ConsumerState::Reconciling,
            MemberState::Joining | MemberState::Fenced | MemberState::Stale if owned.is_empty() => {
                ConsumerState::Joining
            }
            MemberState::Joining | MemberState::Fenced | MemberState::Stale => {
                ConsumerState::Rejoining
            }
            MemberState::Leaving | MemberState::Fatal => ConsumerState::Unjoined,
        }
    }

    /// What the member still has to give up: owned partitions outside the last assignment.
    pub fn to_revoke(&self, owned: &BTreeSet<TopicPartition>) -> Vec<TopicPartition> {
        match &self.target {
            Some((_, target)) => owned.difference(target).cloned().collect(),
            None => Vec::new(),
        }
    }

    /// What the member has been assigned and does not own yet.
    pub fn to_receive(&self, owned: &BTreeSet<TopicPartition>) -> Vec<TopicPartition> {
        match &self.target {
            Some((_, target)) => target.difference(owned).cloned().collect(),
            None => Vec::new(),
        }
    }
}

impl Default for ConsumerMembershipManager {
    fn default() -> Self {
        Self::new()
    }
}

impl KafkaConsumer {
    pub fn membership_manager(&self) -> Option<&ConsumerMembershipManager> {
        self.kip848.as_ref()
    }

    fn manager(&mut self) -> &mut ConsumerMembershipManager {
        self.kip848
            .as_mut()
            .expect("only a group.protocol=consumer consumer reaches this")
    }

    /// `poll()` for a KIP-848 member: a fatal error escapes it; a fenced or stale member reports
    /// its partitions lost and rejoins; an assignment that arrived is reconciled; auto-commit runs.
    pub(crate) fn kip848_poll_pass(&mut self, now: Millis, out: &mut CoOut) {
        self.app.last_poll_at = now;
        if let Some((error, message)) = self.manager().fatal.take() {
            self.stop_fatal(format!("{}: {message}", error.exception_name()), out);
            return;
        }
        match self.manager().state {
            MemberState::Fenced | MemberState::Stale => self.release_and_rejoin(now, out),
            MemberState::Reconciling => self.reconcile(now, out),
            _ => {}
        }
        self.kip848_maybe_auto_commit(now, out);
        self.kip848_after_poll(now, out);
    }

    /// The records of owned partitions keep the application busy; without any it waits in `poll()`.
    fn kip848_after_poll(&mut self, now: Millis, out: &mut CoOut) {
        use crate::sim::client::Activity;
        if self.fetcher.enabled {
            if !self.poll_for_records(now, out) && self.is_running() {
                self.app.activity = Activity::InPoll;
            }
            return;
        }
        // Partitions pending revocation give no more records.
        let has_records = self
            .coordinator
            .owned
            .iter()
            .any(|tp| !self.fetcher.pending_revocation.contains(tp));
        if has_records || self.config.poll_timeout_ms == 0 {
            let until = now.saturating_add(self.config.processing_time_ms.max(1));
            self.app.activity = Activity::Processing { until };
            self.schedule_app(until, out);
            self.kip848_schedule_poll_timer_check(until, out);
        } else {
            self.app.activity = Activity::InPoll;
        }
    }

    /// `onPartitionsLost` for everything owned (nothing was revoked cleanly), then a rejoin at epoch 0
    /// with the same member id, sent at once.
    fn release_and_rejoin(&mut self, now: Millis, out: &mut CoOut) {
        self.kip848_abort_reconciliation();
        if !self.coordinator.owned.is_empty() {
            let lost: Vec<_> = self.coordinator.owned.iter().cloned().collect();
            self.kip848_callback(CallbackKind::Lost, lost, out);
            self.set_owned(BTreeSet::new(), out);
        }
        let manager = self.manager();
        manager.state = MemberState::Joining;
        manager.member_epoch = 0;
        manager.target = None;
        manager.assignment_applied = false;
        manager.heartbeat.send_all_fields = true;
        self.kip848_heartbeat_now(now, out);
    }

    /// The reconciliation, on the application thread (`maybeReconcile`, which `poll()` triggers).
    /// With auto-commit and something consumed, it first commits every consumed offset, kept
    /// partitions included, and stops fetching the partitions it is to revoke; it goes on only in
    /// a `poll()` after that commit completed, whether it succeeded or not (Kafka logs the failure
    /// and proceeds). Without a commit to wait for it revokes, assigns and acknowledges at once.
    fn reconcile(&mut self, now: Millis, out: &mut CoOut) {
        if let Some(progress) = &self.manager().reconciliation {
            if progress.commit.is_some() {
                return;
            }
            let assignment = progress.assignment.clone();
            self.manager().reconciliation = None;
            self.revoke_and_assign(assignment, now, out);
            return;
        }
        let Some((_, target)) = self.manager().target.clone() else {
            return;
        };
        let consumed = !self.coordinator.owned.is_empty() && self.has_offsets_to_commit();
        if self.config.enable_auto_commit && consumed {
            self.fetcher.pending_revocation = self
                .coordinator
                .owned
                .difference(&target)
                .cloned()
                .collect();
            let id = self.kip848_send_offset_commit(out);
            let deadline = now.saturating_add(self.config.max_poll_interval_ms);
            self.manager().reconciliation = Some(ReconciliationInProgress {
                assignment: target,
                commit: Some(CommitBeforeReconciliation {
                    in_flight: Some(id),
                    attempts: 0,
                    deadline,
                }),
            });
            return;
        }
        self.revoke_and_assign(target, now, out);
    }

    /// `revokeAndAssign`: `onPartitionsRevoked` for what is no longer assigned, then
    /// `onPartitionsAssigned` for what is new (even nothing), then the acknowledgement.
    fn revoke_and_assign(
        &mut self,
        assignment: BTreeSet<TopicPartition>,
        now: Millis,
        out: &mut CoOut,
    ) {
        let owned = self.coordinator.owned.clone();
        let revoked: Vec<TopicPartition> = owned.difference(&assignment).cloned().collect();
        let added: Vec<TopicPartition> = assignment.difference(&owned).cloned().collect();
        if !revoked.is_empty() {
            self.kip848_callback(CallbackKind::Revoked, revoked, out);
            let kept = owned.intersection(&assignment).cloned().collect_set();
            self.set_owned(kept, out);
        }
        self.fetcher.pending_revocation.clear();
        self.manager().reconciliations += 1;
        self.manager().assignment_applied = true;
        self.set_owned(assignment, out);
        self.kip848_callback(CallbackKind::Assigned, added, out);
        self.manager().state = MemberState::Acknowledging;
        self.kip848_heartbeat_now(now, out);
    }

    /// `maybeAbortReconciliation`: the member left the reconciling state (fenced, stale, closing),
    /// so the reconciliation waiting for its commit will not go on, and nothing is pending
    /// revocation any more.
    pub(crate) fn kip848_abort_reconciliation(&mut self) {
        if let Some(manager) = self.kip848.as_mut() {
            manager.reconciliation = None;
        }
        self.fetcher.pending_revocation.clear();
    }

    /// The answer to the commit a reconciliation waits for. Success ends the wait; so does a
    /// failure that is not retried (Kafka logs it and reconciles anyway). `STALE_MEMBER_EPOCH`
    /// (the epoch moved on while the commit travelled) is retried with the latest offsets and
    /// epoch after a backoff that doubles from `retry.backoff.ms`, until the rebalance timeout.
    fn kip848_commit_before_reconciliation_answered(
        &mut self,
        now: Millis,
        correlation_id: u64,
        error: Errors,
        out: &mut CoOut,
    ) {
        use crate::sim::timer::{ConsumerTimer, Timer};
        let backoff_ms = self.config.retry_backoff_ms;
        let manager = self.manager();
        let in_epoch = manager.member_epoch > 0;
        let Some(commit) = manager
            .reconciliation
            .as_mut()
            .and_then(|progress| progress.commit.as_mut())
            .filter(|commit| commit.in_flight == Some(correlation_id))
        else {
            return;
        };
        commit.in_flight = None;
        if error == Errors::StaleMemberEpoch && in_epoch && now < commit.deadline {
            let backoff = backoff_ms
                .saturating_mul(1 << commit.attempts.min(20))
                .min(RETRY_BACKOFF_MAX_MS);
            commit.attempts += 1;
            out.set_timer(
                now.saturating_add(backoff.max(1)),
                Timer::Consumer(ConsumerTimer::CommitRetry),
            );
            return;
        }
        if let Some(progress) = manager.reconciliation.as_mut() {
            progress.commit = None;
        }
        if manager.state != MemberState::Reconciling {
            self.kip848_abort_reconciliation();
            return;
        }
        self.wake_app_if_in_poll(now, out);
    }

    /// The backoff after a retriable failure is over: the commit goes again, with the offsets
    /// consumed by now and the member's current epoch.
    pub(crate) fn kip848_retry_commit_before_reconciliation(&mut self, out: &mut CoOut) {
        let waiting = self
            .kip848
            .as_ref()
            .and_then(|m| m.reconciliation.as_ref())
            .and_then(|progress| progress.commit.as_ref())
            .is_some_and(|commit| commit.in_flight.is_none());
        if !waiting || !self.is_running() {
            return;
        }
        let id = self.kip848_send_offset_commit(out);
        if let Some(commit) = self
            .manager()
            .reconciliation
            .as_mut()
            .and_then(|progress| progress.commit.as_mut())
        {
            commit.in_flight = Some(id);
        }
    }

    /// A listener callback, with what `groupMetadata()` reports during it: the member epoch and id.
    fn kip848_callback(
        &mut self,
        kind: CallbackKind,
        partitions: Vec<TopicPartition>,
        out: &mut CoOut,
    ) {
        let (epoch, member_id) = (
            self.manager().member_epoch,
            self.manager().member_id.clone(),
        );
        self.coordinator.group_metadata = (epoch, member_id);
        self.callback(kind, partitions, out);
    }

    /// Auto-commit every `auto.commit.interval.ms`, at the member's epoch.
    fn kip848_maybe_auto_commit(&mut self, now: Millis, out: &mut CoOut) {
        if !self.config.enable_auto_commit || now < self.commits.next_auto_commit_at {
            return;
        }
        // `shouldAutoCommit`: not while the commit a reconciliation waits for is in flight; the
        // interval timer stays expired, so the next `poll()` after its answer commits.
        let reconciliation_commit_in_flight = self
            .manager()
            .reconciliation
            .as_ref()
            .and_then(|progress| progress.commit.as_ref())
            .is_some_and(|commit| commit.in_flight.is_some());
        if reconciliation_commit_in_flight {
            return;
        }
        self.commits.next_auto_commit_at = now.saturating_add(self.config.auto_commit_interval_ms);
        if !self.coordinator.owned.is_empty() && self.manager().member_epoch > 0 {
            self.kip848_send_offset_commit(out);
        }
    }

    pub(crate) fn kip848_send_offset_commit(&mut self, out: &mut CoOut) -> u64 {
        use crate::sim::protocol::Request;
        let (epoch, member_id) = (
            self.manager().member_epoch,
            self.manager().member_id.clone(),
        );
        let request = self.offset_commit_request(epoch, member_id);
        let id = self.send(Request::OffsetCommit(Box::new(request)), out);
        let generation = self.membership.generation.clone();
        self.commits.in_flight.insert(id, generation);
        id
    }

    /// An OffsetCommit answer: a failed one is recorded; the one a reconciliation waits for lets it
    /// go on (or is retried); the one `close()` waits for lets it finish.
    pub(crate) fn kip848_offset_commit_answered(
        &mut self,
        now: Millis,
        correlation_id: u64,
        error: Errors,
        out: &mut CoOut,
    ) {
        self.commits.in_flight.remove(&correlation_id);
        if error != Errors::None {
            out.record(crate::sim::trace::TraceEvent::CommitFailed {
                consumer: self.handle.clone(),
                error: error.name().to_string(),
            });
        }
        self.on_sync_commit_answered(now, correlation_id, out);
        self.kip848_commit_before_reconciliation_answered(now, correlation_id, error, out);
        if let Some(failure) = self.take_close_commit(correlation_id) {
            self.kip848_finish_close(now, failure, out);
        }
    }

    /// `close()`: commit synchronously and wait for the answer, then give the partitions up.
    pub(crate) fn kip848_close(&mut self, now: Millis, failure: Option<String>, out: &mut CoOut) {
        use crate::sim::client::{Activity, Lifecycle};
        use crate::sim::timer::{ConsumerTimer, TimerKey};
        out.cancel_timer(TimerKey::Consumer(ConsumerTimer::AppThread));
        self.app.activity = Activity::InPoll;
        self.app.last_poll_at = now;
        // Leaving abandons a reconciliation that waits for its commit.
        self.kip848_abort_reconciliation();
        if self.config.enable_auto_commit
            && !self.coordinator.owned.is_empty()
            && self.manager().member_epoch > 0
        {
            let commit = self.kip848_send_offset_commit(out);
            self.lifecycle = Lifecycle::Closing { commit, failure };
            return;
        }
        self.kip848_finish_close(now, failure, out);
    }

    /// `close()`, once committed: `onPartitionsRevoked` (lost, if the member was fenced or stale),
    /// then the leave heartbeat: -1, or -2 for a static member, which keeps its partitions.
    fn kip848_finish_close(&mut self, now: Millis, failure: Option<String>, out: &mut CoOut) {
        use crate::sim::client::Lifecycle;
        if !self.coordinator.owned.is_empty() {
            let kind = match self.manager().state {
                MemberState::Fenced | MemberState::Stale => CallbackKind::Lost,
                _ => CallbackKind::Revoked,
            };
            let dropped: Vec<_> = self.coordinator.owned.iter().cloned().collect();
            self.kip848_callback(kind, dropped, out);
            self.set_owned(BTreeSet::new(), out);
        }
        // `leaveGroup`: a member that is not in the group (fenced, stale, failed) sends nothing.
        let in_group = !self.manager().member_id.is_empty()
            && !matches!(
                self.manager().state,
                MemberState::Fenced | MemberState::Stale | MemberState::Fatal
            );
        if in_group {
            self.kip848_send_leave(out);
        }
        self.manager().state = MemberState::Leaving;
        self.lifecycle = Lifecycle::closed_with(failure);
        self.stopped_at = Some(now);
    }
}
