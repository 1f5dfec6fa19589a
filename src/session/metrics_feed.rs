//! The metrics of a run that keeps growing. `metrics::compute` replays a whole trace; the page asks
//! for the metrics a few times a second while the trace grows by a few hundred entries each time,
//! so replaying it all (tens of thousands of entries at 50 consumers) made every refresh cost more
//! than the last. A feed keeps the metrics builder's state between two reads and gives it only the
//! entries added since: the same builder, fed the same entries in the same order, so the same
//! metrics (`tests/model/metrics_feed.rs` compares the two over every example and lesson).

use crate::sim::metrics::{Builder, Metrics};
use crate::sim::{Millis, Trace};

/// A metrics builder that has read the first `read` entries of one World's trace.
#[derive(Clone, Default)]
pub struct MetricsFeed {
    builder: Builder,
    read: usize,
    /// The time of the last entry read: a trace without it at that index is another trace.
    last_at: Millis,
}

impl MetricsFeed {
    /// The metrics of `trace` up to `until` (`World::now()`), reading only the entries added since
    /// the last call. A feed belongs to one World, whose trace only grows; a trace shorter than what
    /// was read, or different at its end, is read again from the start.
    pub fn metrics(&mut self, trace: &Trace, until: Millis) -> Metrics {
        if !self.extends(trace) {
            *self = MetricsFeed::default();
        }
        for entry in trace.since(self.read) {
            self.builder.on(entry.at, &entry.event);
        }
        self.read = trace.len();
        self.last_at = trace.last().map_or(0, |e| e.at);
        // Finishing closes the open intervals at `until`: on a copy, so the feed can read on.
        self.builder.clone().finish(until)
    }

    fn extends(&self, trace: &Trace) -> bool {
        match self.read.checked_sub(1) {
            None => true,
            Some(last) => trace.get(last).is_some_and(|e| e.at == self.last_at),
        }
    }
}
