//! Virtual time: the only clock in the model. Nothing moves time but the World's event queue.

use std::collections::BTreeMap;

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

/// Where an item sits in the queue: its time, then the order in which it was scheduled.
pub type Slot = (Millis, u64);

/// A deterministic priority queue of `(time, sequence, event)`: items due at the same time come out in
/// the order they were scheduled. Items can be removed before they are due (a cancelled timer).
/// The ordered index holds only slots; the events themselves stay put in a slab, so reordering the
/// index never moves an event.
#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    order: BTreeMap<Slot, u32>,
    events: Vec<Option<E>>,
    /// Free places in `events`.
    free: Vec<u32>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self {
            order: BTreeMap::new(),
            events: Vec::new(),
            free: Vec::new(),
            next_seq: 0,
        }
    }
}

impl<E> EventQueue<E> {
    /// Schedules `event` at `at`; returns its slot, to remove it later.
    pub fn push(&mut self, at: Millis, event: E) -> Slot {
        let slot = (at, self.next_seq);
        self.next_seq += 1;
        let place = match self.free.pop() {
            Some(place) => {
                self.events[place as usize] = Some(event);
                place
            }
            None => {
                self.events.push(Some(event));
                (self.events.len() - 1) as u32
            }
        };
        self.order.insert(slot, place);
        slot
    }

    fn take(&mut self, place: u32) -> E {
        self.free.push(place);
        self.events[place as usize]
            .take()
            .expect("a queued event is in its place")
    }

    /// Takes an item out before it is due.
    pub fn remove(&mut self, slot: Slot) -> Option<E> {
        let place = self.order.remove(&slot)?;
        Some(self.take(place))
    }

    pub fn peek_time(&self) -> Option<Millis> {
        self.order.keys().next().map(|(at, _)| *at)
    }

    /// Removes the earliest item if it is due at or before `t`.
    pub fn pop_due(&mut self, t: Millis) -> Option<(Millis, E)> {
        if self.peek_time()? > t {
            return None;
        }
        let ((at, _), place) = self.order.pop_first()?;
        Some((at, self.take(place)))
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
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
        assert_eq!(q.pop_due(10), Some((1, "a")));
        assert_eq!(q.pop_due(10), Some((5, "b")));
        assert_eq!(q.pop_due(4), None);
        assert_eq!(q.pop_due(5), Some((5, "c")));
    }

    #[test]
    fn a_removed_item_never_comes_out() {
        let mut q = EventQueue::default();
        let first = q.push(5, "cancelled");
        q.push(5, "kept");
        assert_eq!(q.remove(first), Some("cancelled"));
        assert_eq!(q.pop_due(10), Some((5, "kept")));
        assert!(q.is_empty());
    }

    #[test]
    fn formats_like_a_stopwatch() {
        assert_eq!(format_millis(12_345), "00:12.345");
        assert_eq!(format_millis(3_723_004), "1:02:03.004");
    }
}
