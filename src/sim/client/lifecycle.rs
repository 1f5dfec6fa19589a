//! The consumer process's life: `new KafkaConsumer(...)` with `subscribe()` and the first `poll()`,
//! `close()` (commit, wait for the answer, revoke, leave), a `kill -9`, and a fatal error escaping
//! `poll()`. A process that is gone receives nothing more: the World drops its messages and timers.

use super::app_thread::Activity;
use super::membership::{JoinFuture, MemberState};
use super::{CoOut, KafkaConsumer};
use crate::sim::protocol::{Errors, LeaveReason};
use crate::sim::time::Millis;
use crate::sim::timer::{ConsumerTimer, TimerKey};
use crate::sim::trace::TraceEvent;
use crate::sim::vocab::CallbackKind;
use std::collections::BTreeSet;

/// Whether the consumer process is alive, and if not, how it ended. Each state carries what only it
/// has: the commit `close()` waits for, the error that stopped the application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lifecycle {
    Running,
    /// Inside `close()`: waiting for the answer to this final, synchronous offset commit.
    Closing {
        commit: u64,
        /// The fatal error that made the application leave its try block, when that is why it
        /// closes: the consumer then ends Failed with it rather than Closed.
        failure: Option<String>,
    },
    Closed,
    /// Killed: the process vanished without a word.
    Dead,
    /// FENCED_INSTANCE_ID escaped `poll()`: another process took this `group.instance.id`.
    Fenced {
        error: String,
    },
    /// Another fatal error escaped `poll()`; the application stopped (after `close()`, see
    /// [`KafkaConsumer::fail_and_close`]).
    Failed {
        error: String,
    },
    /// The process lives but says nothing: its application thread never comes back from `poll()`
    /// (the leader's assignor never returns) and the heartbeat thread waits for the lock that
    /// thread holds (`JoinGroupResponseHandler` runs the assignor inside `synchronized
    /// (AbstractCoordinator.this)`, which every turn of the heartbeat thread also takes).
    Hung {
        error: String,
    },
}

impl Lifecycle {
    /// How `close()` ends: Closed, or Failed when a fatal error is why the application closed.
    pub(super) fn closed_with(failure: Option<String>) -> Lifecycle {
        match failure {
            Some(error) => Lifecycle::Failed { error },
            None => Lifecycle::Closed,
        }
    }
}

impl KafkaConsumer {
    /// `new KafkaConsumer(...)`, `subscribe(topics)` and the first `poll()`.
    pub fn start(&mut self, now: Millis, out: &mut CoOut) {
        out.record(TraceEvent::ConsumerStarted {
            consumer: self.handle.clone(),
            group: self.group_id.clone(),
            topics: self.topics.clone(),
            incarnation: self.incarnation,
            client_id: self.client_id.clone(),
            group_instance_id: self.config.group_instance_id.clone(),
        });
        if self.kip848.is_some() {
            return self.kip848_start(now, out);
        }
        self.request_metadata(out);
        self.commits.next_auto_commit_at = now.saturating_add(self.config.auto_commit_interval_ms);
        self.app.last_poll_at = now;
        self.poll_pass(now, out);
    }

    /// `close()`, step one: `maybeAutoCommitOffsetsSync` sends the commit and the application waits for
    /// its reply; the consumer stops polling but is not closed yet (its card shows it closing). With
    /// nothing to commit it finishes at once.
    pub fn close(&mut self, now: Millis, out: &mut CoOut) {
        self.close_ending(now, None, out);
    }

    /// `close()`, ending Closed, or Failed with `failure` when a fatal error is why the application
    /// left its try block.
    fn close_ending(&mut self, now: Millis, failure: Option<String>, out: &mut CoOut) {
        if !self.is_running() || self.is_closing() {
            return;
        }
        // close() is called once the batch in hand is done (with records).
        self.finish_batch(out);
        if self.kip848.is_some() {
            return self.kip848_close(now, failure, out);
        }
        // The application thread is inside close() now: no more poll() passes.
        out.cancel_timer(TimerKey::Consumer(ConsumerTimer::AppThread));
        self.app.activity = Activity::InPoll;
        self.app.last_poll_at = now;
        if self.config.enable_auto_commit
            && self.membership.state == MemberState::Stable
            && !self.coordinator.owned.is_empty()
            && self.has_offsets_to_commit()
        {
            let commit = self.send_offset_commit(out);
            self.lifecycle = Lifecycle::Closing { commit, failure };
            return;
        }
        self.finish_close(now, failure, out);
    }

    /// When `correlation_id` answers the commit `close()` waits for: the failure it ends with, if any.
    pub(super) fn take_close_commit(&mut self, correlation_id: u64) -> Option<Option<String>> {
        match &mut self.lifecycle {
            Lifecycle::Closing { commit, failure } if *commit == correlation_id => {
                Some(failure.take())
            }
            _ => None,
        }
    }

    /// Whether `close()` is waiting for its synchronous commit.
    pub fn is_closing(&self) -> bool {
        matches!(self.lifecycle, Lifecycle::Closing { .. })
    }

    /// Whether the process is alive: running, or inside `close()`.
    pub fn is_running(&self) -> bool {
        matches!(
            self.lifecycle,
            Lifecycle::Running | Lifecycle::Closing { .. }
        )
    }

    /// Whether there is a process to kill: a running one, or a hung one (alive, though silent).
    pub fn can_be_killed(&self) -> bool {
        self.is_running() || matches!(self.lifecycle, Lifecycle::Hung { .. })
    }

    /// `close()`, step two, once the commit is answered (whatever its error: Kafka logs a failed
    /// close-time auto-commit and carries on): `onLeavePrepare` gives up the partitions through the
    /// listener, then a dynamic member sends LeaveGroup.
    pub(super) fn finish_close(&mut self, now: Millis, failure: Option<String>, out: &mut CoOut) {
        self.heartbeat.disable();
        if !self.coordinator.owned.is_empty() {
            let kind = if self.membership.generation.is_reset()
                || matches!(
                    self.membership.state,
                    MemberState::PreparingRebalance | MemberState::CompletingRebalance
                ) {
                CallbackKind::Lost
            } else {
                CallbackKind::Revoked
            };
            let dropped: Vec<_> = self.coordinator.owned.iter().cloned().collect();
            self.callback(kind, dropped, out);
            self.set_owned(BTreeSet::new(), out);
        }
        self.maybe_leave_group(LeaveReason::ConsumerClosed, out);
        self.lifecycle = Lifecycle::closed_with(failure);
        self.stopped_at = Some(now);
    }

    /// `kill -9`: the process vanishes without a word; its partitions are no longer consumed.
    pub fn kill(&mut self, now: Millis, out: &mut CoOut) {
        if !self.can_be_killed() {
            return;
        }
        self.lifecycle = Lifecycle::Dead;
        self.stopped_at = Some(now);
        self.heartbeat.disable();
        if !self.coordinator.owned.is_empty() {
            self.coordinator.owned.clear();
            out.record(TraceEvent::OwnershipChanged {
                consumer: self.handle.clone(),
                group: self.group_id.clone(),
                owned: Vec::new(),
            });
        }
    }

    /// A fatal error escapes `poll()` as the exception Kafka's client throws for it, with its message
    /// (`GroupMaxSizeReachedException` gets the one `JoinGroupResponseHandler` writes).
    pub(super) fn fail(&mut self, error: Errors, now: Millis, out: &mut CoOut) {
        let message = match error {
            Errors::GroupMaxSizeReached => format!(
                "{}: Consumer group {} already has the configured maximum number of members.",
                error.exception_name(),
                self.group_id
            ),
            _ => format!("{}: {}", error.exception_name(), error.message()),
        };
        if error == Errors::FencedInstanceId {
            self.stop_with(Lifecycle::Fenced { error: message }, out);
        } else {
            self.fail_and_close(message, now, out);
        }
    }

    /// `poll()` throws what `ConsumerCoordinator.invokeCompletedOffsetCommitCallbacks` throws after an
    /// asynchronous commit was answered FENCED_INSTANCE_ID.
    pub(super) fn fail_commit_fenced(&mut self, out: &mut CoOut) {
        let error = format!(
            "FencedInstanceIdException: Get fenced exception for group.instance.id {}, current member.id is {}",
            self.config
                .group_instance_id
                .as_deref()
                .unwrap_or("unset_instance_id"),
            self.membership.generation.member_id
        );
        self.stop_with(Lifecycle::Fenced { error }, out);
    }

    /// An exception escapes `poll()` (an assignor failing, no offset to start from), and the
    /// application leaves its try block: the Code tab's Java program holds the consumer in
    /// try-with-resources, so `close()` runs on the way out. It commits what auto-commit would,
    /// gives the partitions up and, for a dynamic member of the group, sends LeaveGroup
    /// (`AbstractCoordinator.close`: `onLeavePrepare`, `maybeLeaveGroup`), so the others rebalance
    /// without waiting for its session to expire. The consumer then stays Failed with the error.
    pub(super) fn fail_and_close(&mut self, error: String, now: Millis, out: &mut CoOut) {
        self.membership.join_future = JoinFuture::Idle;
        self.close_ending(now, Some(error), out);
    }

    /// A KIP-848 member's fatal error (`transitionToFatal`): the member is out of the group and its
    /// `close()` has nothing to leave, so the application just stops.
    pub(super) fn stop_fatal(&mut self, error: String, out: &mut CoOut) {
        self.stop_with(Lifecycle::Failed { error }, out);
    }

    /// The leader's assignor never returns: no more heartbeats, commits or polls, and no LeaveGroup.
    /// As for a crash, only the coordinator's timers notice: the sync phase's, or the session's.
    pub(super) fn hang(&mut self, error: String, out: &mut CoOut) {
        self.stop_with(Lifecycle::Hung { error }, out);
    }

    /// A fatal error escapes `poll()`: the application stops; its partitions are no longer consumed.
    fn stop_with(&mut self, stopped: Lifecycle, out: &mut CoOut) {
        self.lifecycle = stopped;
        self.heartbeat.disable();
        self.membership.join_future = JoinFuture::Idle;
        self.set_owned(BTreeSet::new(), out);
    }
}
