//! Virtual time: the only clock in the model. Nothing moves time but the World's event queue.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Simulated milliseconds since the start of the scenario.
pub type Millis = u64;

/// Formats a time as `mm:ss.mmm` (or `h:mm:ss.mmm` past an hour), the way the trace prints it.
pub fn format_millis(t: Millis) -> String {
    let ms = t % 1000;
    let s = (t / 1000) % 60;
    let m = (t / 60_000) % 60;
    let h = t / 3_600_000;
    if h > 0 {
        format!("{h}:{m:02}:{s:02}.{ms:03}")
    } else {
        format!("{m:02}:{s:02}.{ms:03}")
    }
}

/// One scheduled item: it fires at `at`; ties are broken by `seq`, the order in which they were scheduled.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Scheduled<E> {
    pub at: Millis,
    pub seq: u64,
    pub event: E,
}

impl<E> PartialEq for Scheduled<E> {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl<E> Eq for Scheduled<E> {}
impl<E> PartialOrd for Scheduled<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Scheduled<E> {
    /// Reversed so that `BinaryHeap` (a max-heap) pops the earliest `(at, seq)` first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// A deterministic priority queue of `(time, sequence, event)`.
#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Scheduled<E>>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self {
            heap: BinaryHeap::new(),
            next_seq: 0,
        }
    }
}

impl<E> EventQueue<E> {
    pub fn push(&mut self, at: Millis, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Scheduled { at, seq, event });
    }

    pub fn peek_time(&self) -> Option<Millis> {
        self.heap.peek().map(|s| s.at)
    }

    /// Removes the earliest item if it is due at or before `t`.
    pub fn pop_due(&mut self, t: Millis) -> Option<Scheduled<E>> {
        if self.peek_time()? <= t {
            self.heap.pop()
        } else {
            None
        }
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_then_insertion_order() {
        let mut q = EventQueue::default();
        q.push(5, "b");
        q.push(1, "a");
        q.push(5, "c");
        assert_eq!(q.pop_due(10).map(|s| s.event), Some("a"));
        assert_eq!(q.pop_due(10).map(|s| s.event), Some("b"));
        assert_eq!(q.pop_due(4).map(|s| s.event), None);
        assert_eq!(q.pop_due(5).map(|s| s.event), Some("c"));
    }

    #[test]
    fn formats_like_a_stopwatch() {
        assert_eq!(format_millis(12_345), "00:12.345");
        assert_eq!(format_millis(3_723_004), "1:02:03.004");
    }
}
