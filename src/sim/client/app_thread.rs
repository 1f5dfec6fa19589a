//! The application thread: the user's poll loop. It is inside `poll()`, processing the records the
//! last `poll()` returned, or stalled in user code. Everything `poll()` does (the join and sync
//! rounds, the rebalance callbacks, auto-commit) happens in a *poll pass*; a thread blocked inside
//! `poll()` makes a pass whenever something arrives for it.

use super::{CoOut, KafkaConsumer};
use crate::sim::time::Millis;
use crate::sim::timer::{ConsumerTimer, Timer};
use crate::sim::trace::TraceEvent;

/// What the application thread is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activity {
    /// Inside `poll()`, waiting for records or for the rebalance to progress.
    InPoll,
    /// Working on the records of the last `poll()` until the given time.
    Processing { until: Millis },
    /// Stuck in user code until the given time.
    Stalled { until: Millis },
    /// Blocked in `commitSync()` after a batch, until the OffsetCommit is answered.
    CommitSync,
}

/// The application thread's state: what it is doing and when it last called `poll()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplicationThread {
    pub activity: Activity,
    pub last_poll_at: Millis,
    /// When a second thread's call last collided with this thread's (for the card; it changes
    /// nothing in the consumer).
    pub concurrent_modification_at: Option<Millis>,
    /// A second thread's `poll()` waits to collide with this thread's next call (see `light_lock`).
    pub second_thread_waiting: bool,
}

impl Default for ApplicationThread {
    fn default() -> Self {
        Self {
            activity: Activity::InPoll,
            last_poll_at: 0,
            concurrent_modification_at: None,
            second_thread_waiting: false,
        }
    }
}

impl KafkaConsumer {
    /// The application gets stuck in user code for `ms` (a slow batch, a GC pause, a blocked call).
    pub fn stall(&mut self, now: Millis, ms: Millis, out: &mut CoOut) {
        if !self.is_running() || self.is_closing() {
            return;
        }
        if self.app.activity == Activity::InPoll {
            self.app.last_poll_at = now;
        }
        let until = now.saturating_add(ms);
        self.app.activity = Activity::Stalled { until };
        out.record(TraceEvent::StallStarted {
            consumer: self.handle.clone(),
            until,
        });
        self.schedule_app(until, out);
        self.schedule_poll_timer_check(until, out);
    }

    pub(super) fn wake_app_if_in_poll(&mut self, now: Millis, out: &mut CoOut) {
        if self.app.activity == Activity::InPoll {
            self.poll_pass(now, out);
        }
    }

    pub(super) fn poll_pass(&mut self, now: Millis, out: &mut CoOut) {
        if !self.is_running() || self.is_closing() {
            return;
        }
        self.collide_with_second_thread(now, out);
        if self.kip848.is_some() {
            return self.kip848_poll_pass(now, out);
        }
        self.app.last_poll_at = now;
        // `pollHeartbeat`: a failure the heartbeat thread caught escapes this poll().
        if let Some(error) = self.heartbeat.failure.take() {
            self.fail(error, now, out);
            return;
        }
        // `invokeCompletedOffsetCommitCallbacks`: an asynchronous commit was fenced.
        if self.commits.fenced {
            self.fail_commit_fenced(out);
            return;
        }
        self.maybe_request_rejoin_on_metadata_change();
        if self.rejoin_needed_or_pending() {
            self.join_group_if_needed(now, out);
            if !self.is_running() {
                return;
            }
        }
        self.maybe_auto_commit(now, out);

        if self.fetcher.enabled {
            // Nothing to return: `poll(timeout)` waits for a fetch to bring records. A loop on
            // `poll(Duration.ZERO)` gets an empty batch at once and calls again, so it too spends the
            // wait going in and out of poll(): for the group (the poll timer, the heartbeat thread)
            // that is the same as waiting inside one call, and the model shows it that way.
            if !self.poll_for_records(now, out) && self.is_running() {
                self.app.activity = Activity::InPoll;
            }
            return;
        }
        // A scenario without producers keeps no logs: a consumer that owns partitions always finds
        // records to process, and only `poll(Duration.ZERO)` returns while it owns none.
        let has_records =
            !self.coordinator.owned.is_empty() && !self.coordinator.pending_revocation;
        if has_records || self.config.poll_timeout_ms == 0 {
            let until = now.saturating_add(self.config.processing_time_ms.max(1));
            self.app.activity = Activity::Processing { until };
            self.schedule_app(until, out);
            self.schedule_poll_timer_check(until, out);
        } else {
            self.app.activity = Activity::InPoll;
        }
    }

    pub(super) fn schedule_app(&mut self, at: Millis, out: &mut CoOut) {
        out.set_timer(at, Timer::Consumer(ConsumerTimer::AppThread));
    }

    /// If the application will be away from `poll()` past the poll deadline, wake the heartbeat thread then.
    pub(super) fn schedule_poll_timer_check(&mut self, busy_until: Millis, out: &mut CoOut) {
        if self.kip848.is_some() {
            return self.kip848_schedule_poll_timer_check(busy_until, out);
        }
        let deadline = self.heartbeat.poll_deadline(self.app.last_poll_at);
        if self.heartbeat.enabled
            && busy_until > deadline
            && deadline < self.heartbeat.next_heartbeat_at
        {
            self.schedule_heartbeat_thread(deadline, out);
        }
    }

    /// When the poll timer would expire (`max.poll.interval.ms` after the last poll); `None` while in `poll()`.
    pub fn poll_deadline(&self) -> Option<Millis> {
        match self.app.activity {
            Activity::InPoll => None,
            _ => Some(self.heartbeat.poll_deadline(self.app.last_poll_at)),
        }
    }

    /// The time of the last `poll()`: now, if the application is inside `poll()`.
    pub fn last_poll(&self, now: Millis) -> Millis {
        match self.app.activity {
            Activity::InPoll => now,
            _ => self.app.last_poll_at,
        }
    }
}
