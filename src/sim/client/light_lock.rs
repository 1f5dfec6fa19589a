//! One thread per consumer. `KafkaConsumer` is not thread-safe: every public call of
//! `ClassicKafkaConsumer` and `AsyncKafkaConsumer` begins with `acquire()`, a "light lock" that
//! does not block but throws `ConcurrentModificationException` when another thread holds it. The
//! application thread holds it for the length of its call (`poll()`, `commitSync()`), so a second
//! thread's call collides only if it overlaps one: the check is best effort, not a guarantee.
//!
//! A second thread whose call does not overlap would get through and read records behind the first
//! thread's back, which the lab does not model: it times the second thread's `poll()` to overlap
//! the application thread's call, now if it is inside one, else its next `poll()`.

use super::{Activity, CoOut, KafkaConsumer};
use crate::sim::time::Millis;
use crate::sim::trace::TraceEvent;

impl KafkaConsumer {
    /// The call the application thread is inside (it holds the light lock), if any.
    fn call_in_progress(&self) -> Option<&'static str> {
        match self.app.activity {
            Activity::InPoll => Some("poll()"),
            Activity::CommitSync => Some("commitSync()"),
            Activity::Processing { .. } | Activity::Stalled { .. } => None,
        }
    }

    /// A second thread calls `poll()`: if the application thread is inside a call, `acquire()`
    /// throws at once; otherwise the call is made when the application thread next enters `poll()`.
    pub fn poll_from_second_thread(&mut self, now: Millis, out: &mut CoOut) {
        match self.call_in_progress() {
            Some(call) => self.throw_concurrent_modification(call, now, out),
            None => self.app.second_thread_waiting = true,
        }
    }

    /// At the start of a poll pass: the application thread is inside `poll()`, so a waiting second
    /// thread's call collides with it now.
    pub(super) fn collide_with_second_thread(&mut self, now: Millis, out: &mut CoOut) {
        if std::mem::take(&mut self.app.second_thread_waiting) {
            self.throw_concurrent_modification("poll()", now, out);
        }
    }

    /// `acquire()` throws before the second thread's call touches anything, so the only trace of it
    /// is the exception; the application thread goes on as it was.
    fn throw_concurrent_modification(&mut self, call: &str, now: Millis, out: &mut CoOut) {
        self.app.concurrent_modification_at = Some(now);
        out.record(TraceEvent::ConcurrentModification {
            consumer: self.handle.clone(),
            in_call: call.to_string(),
        });
    }
}
