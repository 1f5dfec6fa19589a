//! Virtual time: the only clock in the model. Nothing moves time but the World's event queue.

use std::collections::{BTreeMap, VecDeque};

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

/// Where an item sits in the queue: its time, the order in which it was scheduled, and its place
/// in the queue's slab (to take it out before it is due).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    pub at: Millis,
    seq: u64,
    place: u32,
}

/// The milliseconds the queue's wheel covers (a power of two, a multiple of 64).
const WHEEL_MS: usize = 1024;

/// A deterministic priority queue of `(time, sequence, event)`: items due at the same time come out in
/// the order they were scheduled. Items can be removed before they are due (a cancelled timer).
///
/// A timing wheel: the items due in the `WHEEL_MS` milliseconds from `start` (the time of the last
/// item taken out) wait in one bucket per millisecond, in the order they were scheduled; later ones
/// wait in an ordered map and move into their bucket, in order, when the wheel comes to cover their
/// time (before anything can be scheduled there directly, so each bucket stays in scheduling
/// order). The order is exactly that of `(time, sequence)`. Most items of a run are due within a
/// second (a message's latency, the application's processing, a held fetch's wait), so scheduling
/// one, taking it out and cancelling one cost a few steps each instead of an ordered map's search
/// and rebalancing: the World pushes and pops an item per message and timer, millions in a long run
/// with records. A cancelled item in the wheel is only marked (its place emptied) and dropped when
/// its bucket is reached. The events stay put in a slab.
#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    /// Per millisecond (time modulo `WHEEL_MS`), the items due then: sequence and place.
    wheel: Vec<VecDeque<(u64, u32)>>,
    /// One bit per bucket of `wheel` that may hold an item.
    occupied: [u64; WHEEL_MS / 64],
    /// Items due at or after `start + WHEEL_MS`, and (never in the World, which schedules nothing
    /// in the past) items scheduled before `start`, by time and sequence.
    outside: BTreeMap<(Millis, u64), u32>,
    /// The time of `outside`'s first item, kept beside it: every item taken out asks for it, and
    /// asking the map walks down the tree to its first leaf each time.
    outside_first: Option<Millis>,
    /// The wheel covers `start .. start + WHEEL_MS`.
    start: Millis,
    /// Each place holds an item and its sequence number, or nothing.
    events: Vec<Option<(u64, E)>>,
    /// Free places in `events`.
    free: Vec<u32>,
    next_seq: u64,
    /// Items in the queue.
    live: usize,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self {
            wheel: (0..WHEEL_MS).map(|_| VecDeque::new()).collect(),
            occupied: [0; WHEEL_MS / 64],
            outside: BTreeMap::new(),
            outside_first: None,
            start: 0,
            events: Vec::new(),
            free: Vec::new(),
            next_seq: 0,
            live: 0,
        }
    }
}

fn bucket(at: Millis) -> usize {
    (at % WHEEL_MS as Millis) as usize
}

impl<E> EventQueue<E> {
    /// Schedules `event` at `at`; returns its slot, to remove it later.
    pub fn push(&mut self, at: Millis, event: E) -> Slot {
        let seq = self.next_seq;
        self.next_seq += 1;
        let place = match self.free.pop() {
            Some(place) => {
                self.events[place as usize] = Some((seq, event));
                place
            }
            None => {
                self.events.push(Some((seq, event)));
                (self.events.len() - 1) as u32
            }
        };
        if self.in_wheel(at) {
            self.put_in_wheel(at, seq, place);
        } else {
            self.outside.insert((at, seq), place);
            self.outside_first = Some(self.outside_first.map_or(at, |first| first.min(at)));
        }
        self.live += 1;
        Slot { at, seq, place }
    }

    fn in_wheel(&self, at: Millis) -> bool {
        at >= self.start && at - self.start < WHEEL_MS as Millis
    }

    fn put_in_wheel(&mut self, at: Millis, seq: u64, place: u32) {
        let b = bucket(at);
        self.wheel[b].push_back((seq, place));
        self.occupied[b / 64] |= 1 << (b % 64);
    }

    /// Whether the item scheduled as `seq` is still in `place`.
    fn holds(&self, place: u32, seq: u64) -> bool {
        matches!(self.events.get(place as usize), Some(Some((s, _))) if *s == seq)
    }

    fn take(&mut self, place: u32) -> E {
        self.free.push(place);
        self.live -= 1;
        let (_, event) = self.events[place as usize]
            .take()
            .expect("a queued event is in its place");
        event
    }

    /// Takes an item out before it is due.
    pub fn remove(&mut self, slot: Slot) -> Option<E> {
        if !self.holds(slot.place, slot.seq) {
            return None;
        }
        if !self.in_wheel(slot.at) {
            self.outside.remove(&(slot.at, slot.seq));
            self.note_outside_first();
        }
        // In the wheel, the emptied place marks the entry as cancelled.
        Some(self.take(slot.place))
    }

    /// The time of the first item in the wheel, and its bucket, dropping cancelled entries met
    /// at the front of the buckets on the way.
    fn first_in_wheel(&mut self) -> Option<(Millis, usize)> {
        let base = bucket(self.start);
        let mut offset = 0;
        while offset < WHEEL_MS {
            let b = (base + offset) % WHEEL_MS;
            let bits = self.occupied[b / 64] >> (b % 64);
            if bits == 0 {
                offset += 64 - b % 64;
                continue;
            }
            let skip = bits.trailing_zeros() as usize;
            if skip > 0 {
                offset += skip;
                continue;
            }
            while let Some(&(seq, place)) = self.wheel[b].front() {
                if self.holds(place, seq) {
                    return Some((self.start + offset as Millis, b));
                }
                self.wheel[b].pop_front();
            }
            self.occupied[b / 64] &= !(1 << (b % 64));
            offset += 1;
        }
        None
    }

    /// `outside_first` after `outside` lost items.
    fn note_outside_first(&mut self) {
        self.outside_first = self.outside.keys().next().map(|(at, _)| *at);
    }

    /// Moves the wheel on to cover `at ..`: the items of `outside` it now covers enter their
    /// buckets, in order (each bucket they enter holds only cancelled entries of earlier times).
    fn advance_to(&mut self, at: Millis) {
        if at <= self.start {
            return;
        }
        let from = self.start.saturating_add(WHEEL_MS as Millis);
        self.start = at;
        let to = at.saturating_add(WHEEL_MS as Millis);
        // Nothing of `outside` comes into the wheel's new reach: the usual case.
        if self.outside_first.is_none_or(|first| first >= to) {
            return;
        }
        while let Some((&(time, seq), &place)) = self.outside.range((from, 0)..(to, 0)).next() {
            self.outside.remove(&(time, seq));
            self.put_in_wheel(time, seq, place);
        }
        self.note_outside_first();
    }

    pub fn peek_time(&self) -> Option<Millis> {
        let outside = self.outside_first;
        if let Some(at) = outside.filter(|&at| at < self.start) {
            return Some(at);
        }
        let base = bucket(self.start);
        for offset in 0..WHEEL_MS {
            let b = (base + offset) % WHEEL_MS;
            if self.occupied[b / 64] & (1 << (b % 64)) != 0
                && self.wheel[b]
                    .iter()
                    .any(|&(seq, place)| self.holds(place, seq))
            {
                return Some(self.start + offset as Millis);
            }
        }
        outside
    }

    /// Removes the earliest item if it is due at or before `t`.
    pub fn pop_due(&mut self, t: Millis) -> Option<(Millis, E)> {
        let outside = self.outside_first;
        if let Some(at) = outside.filter(|&at| at < self.start) {
            if at > t {
                return None;
            }
            let (_, place) = self.outside.pop_first()?;
            self.note_outside_first();
            return Some((at, self.take(place)));
        }
        let (at, b) = match self.first_in_wheel() {
            Some(first) => first,
            None => {
                let at = outside?;
                if at > t {
                    return None;
                }
                self.advance_to(at);
                (at, bucket(at))
            }
        };
        if at > t {
            return None;
        }
        let (_, place) = self.wheel[b].pop_front()?;
        self.advance_to(at);
        Some((at, self.take(place)))
    }

    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
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
    fn comes_out_as_an_ordered_map_of_time_and_sequence_would() {
        // Random pushes (near, beyond the wheel, in the past), cancellations and pops, checked
        // against the order the queue promises.
        let mut q = EventQueue::default();
        let mut reference: BTreeMap<(Millis, u64), u64> = BTreeMap::new();
        let mut slots = Vec::new();
        let mut state: u64 = 7;
        let mut next = move |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % n
        };
        let mut now: Millis = 0;
        for i in 0..50_000u64 {
            match next(10) {
                0..=3 => {
                    let at = match next(20) {
                        0 => now.saturating_sub(next(50)),
                        1..=2 => now + 900 + next(5_000),
                        _ => now + next(600),
                    };
                    let slot = q.push(at, i);
                    reference.insert((at, i), i);
                    slots.push((slot, (at, i)));
                }
                4..=5 if !slots.is_empty() => {
                    let (slot, key) = slots.swap_remove(next(slots.len() as u64) as usize);
                    assert_eq!(q.remove(slot), reference.remove(&key));
                }
                _ => {
                    let t = now + next(30);
                    let expected = reference
                        .first_key_value()
                        .filter(|((at, _), _)| *at <= t)
                        .map(|((at, _), v)| (*at, *v));
                    let got = q.pop_due(t);
                    assert_eq!(got, expected);
                    if let Some(((at, _), _)) = reference.first_key_value() {
                        if *at <= t {
                            reference.pop_first();
                        }
                    }
                    if let Some((at, _)) = got {
                        now = now.max(at);
                    } else {
                        now = t;
                    }
                }
            }
            assert_eq!(q.len(), reference.len());
            assert_eq!(q.peek_time(), reference.keys().next().map(|(at, _)| *at));
        }
    }

    #[test]
    fn formats_like_a_stopwatch() {
        assert_eq!(format_millis(12_345), "00:12.345");
        assert_eq!(format_millis(3_723_004), "1:02:03.004");
    }
}
