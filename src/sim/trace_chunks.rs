//! The trace as a World keeps it: its entries in order, in chunks. A full chunk never changes again,
//! so it is shared (`Rc`) between a World and its copies: the page keeps copies of its Worlds to
//! rewind (`session::rewind`), and a copy then costs a pointer per chunk of trace, not a copy of
//! every entry. It reads as a sequence (`len`, `iter`, `since`, indexing) and serializes as one.

use super::trace::TraceEntry;
use serde::ser::{Serialize, SerializeSeq, Serializer};
use std::ops::Index;
use std::rc::Rc;

/// A full chunk: the tail's own vector, moved behind the `Rc` as it is. (A shared slice,
/// `Rc<[TraceEntry]>`, would copy all 512 entries into a new allocation when the chunk fills: once
/// per 512 entries of every run.)
type Chunk = Rc<Vec<TraceEntry>>;

/// Entries per shared chunk: a copy of a million-entry trace is 2,000 pointers, and the unshared
/// tail it clones at most 511 entries (the page keeps dozens of copies per lane).
const CHUNK: usize = 512;

/// The entries of a [`Trace`] in order: its shared chunks', then its tail's.
pub type Iter<'a> = std::iter::Chain<
    std::iter::FlatMap<
        std::slice::Iter<'a, Chunk>,
        std::slice::Iter<'a, TraceEntry>,
        fn(&'a Chunk) -> std::slice::Iter<'a, TraceEntry>,
    >,
    std::slice::Iter<'a, TraceEntry>,
>;

/// A World's trace (see the module's documentation).
#[derive(Clone, Debug, Default)]
pub struct Trace {
    full: Vec<Chunk>,
    tail: Vec<TraceEntry>,
}

impl Trace {
    pub fn len(&self) -> usize {
        self.full.len() * CHUNK + self.tail.len()
    }

    pub fn is_empty(&self) -> bool {
        self.full.is_empty() && self.tail.is_empty()
    }

    pub fn push(&mut self, entry: TraceEntry) {
        if self.tail.capacity() == 0 {
            self.tail.reserve_exact(CHUNK);
        }
        self.tail.push(entry);
        if self.tail.len() == CHUNK {
            self.full.push(Rc::new(std::mem::take(&mut self.tail)));
        }
    }

    /// Every entry, in order.
    pub fn iter(&self) -> Iter<'_> {
        let chunk_entries: fn(&Chunk) -> std::slice::Iter<'_, TraceEntry> = |chunk| chunk.iter();
        self.full
            .iter()
            .flat_map(chunk_entries)
            .chain(self.tail.iter())
    }

    /// The entries from index `from` on (none if `from` is past the end). The World asks after
    /// every event for what the event added, usually nothing: the first entry is found by its index,
    /// not by stepping over every entry before it in its chunk.
    pub fn since(&self, from: usize) -> impl Iterator<Item = &TraceEntry> + Clone {
        let first = (from / CHUNK).min(self.full.len());
        let skip = from - first * CHUNK;
        let (start, later, tail): (&[TraceEntry], &[Chunk], &[TraceEntry]) =
            match self.full[first..].split_first() {
                Some((chunk, later)) => (&chunk[skip.min(chunk.len())..], later, &self.tail),
                None => (&self.tail[skip.min(self.tail.len())..], &[], &[]),
            };
        start
            .iter()
            .chain(later.iter().flat_map(|chunk| chunk.iter()))
            .chain(tail.iter())
    }

    pub fn get(&self, index: usize) -> Option<&TraceEntry> {
        let (chunk, offset) = (index / CHUNK, index % CHUNK);
        match self.full.get(chunk) {
            Some(chunk) => chunk.get(offset),
            None if chunk == self.full.len() => self.tail.get(offset),
            None => None,
        }
    }

    pub fn last(&self) -> Option<&TraceEntry> {
        self.tail
            .last()
            .or_else(|| self.full.last().and_then(|c| c.last()))
    }

    /// The index of the first entry for which `pred` is false, `pred` being true for a prefix of
    /// the trace and false after (as `slice::partition_point`).
    pub fn partition_point(&self, mut pred: impl FnMut(&TraceEntry) -> bool) -> usize {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let mid = low + (high - low) / 2;
            if pred(&self[mid]) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        low
    }

    /// How many of this trace's first entries sit in chunks it shares with `other` (a copy of
    /// the same run): what a copy did not have to clone.
    pub fn shared_with(&self, other: &Trace) -> usize {
        self.full
            .iter()
            .zip(&other.full)
            .take_while(|(a, b)| Rc::ptr_eq(a, b))
            .count()
            * CHUNK
    }

    /// The entries as one vector (a copy, for callers that need a slice).
    pub fn to_vec(&self) -> Vec<TraceEntry> {
        self.iter().cloned().collect()
    }
}

impl Index<usize> for Trace {
    type Output = TraceEntry;

    fn index(&self, index: usize) -> &TraceEntry {
        self.get(index)
            .unwrap_or_else(|| panic!("trace index {index} out of range for {}", self.len()))
    }
}

impl<'a> IntoIterator for &'a Trace {
    type Item = &'a TraceEntry;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl PartialEq for Trace {
    fn eq(&self, other: &Trace) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Trace {}

impl FromIterator<TraceEntry> for Trace {
    fn from_iter<I: IntoIterator<Item = TraceEntry>>(entries: I) -> Trace {
        let mut trace = Trace::default();
        for entry in entries {
            trace.push(entry);
        }
        trace
    }
}

/// As a sequence of entries: the same JSON as the vector it used to be.
impl Serialize for Trace {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for entry in self.iter() {
            seq.serialize_element(entry)?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::trace::TraceEvent;

    fn entry(at: u64) -> TraceEntry {
        TraceEntry {
            at,
            event: TraceEvent::ConsumerStateChanged {
                consumer: format!("c{at}"),
                state: crate::sim::vocab::ConsumerState::Stable,
            },
        }
    }

    /// Across chunk boundaries the trace reads as the vector of its entries would, and a copy
    /// shares the full chunks and goes its own way after.
    #[test]
    fn reads_as_a_vector_across_chunks_and_copies_share_full_chunks() {
        let entries: Vec<TraceEntry> = (0..(2 * CHUNK as u64 + 7)).map(entry).collect();
        let mut trace: Trace = entries.iter().cloned().collect();
        assert_eq!(trace.len(), entries.len());
        assert!(trace.iter().eq(entries.iter()));
        assert!(trace.iter().rev().eq(entries.iter().rev()));
        for from in [
            0,
            1,
            CHUNK - 1,
            CHUNK,
            CHUNK + 1,
            2 * CHUNK + 6,
            2 * CHUNK + 7,
            10 * CHUNK,
        ] {
            assert!(
                trace.since(from).eq(entries.iter().skip(from)),
                "since {from}"
            );
        }
        for i in [0, CHUNK - 1, CHUNK, 2 * CHUNK + 6] {
            assert_eq!(trace[i], entries[i]);
        }
        assert_eq!(trace.get(entries.len()), None);
        assert_eq!(trace.last(), entries.last());
        assert_eq!(
            serde_json::to_string(&trace).unwrap(),
            serde_json::to_string(&entries).unwrap()
        );

        let copy = trace.clone();
        assert!(Rc::ptr_eq(&copy.full[0], &trace.full[0]));
        assert_eq!(copy.shared_with(&trace), 2 * CHUNK);
        trace.push(entry(99_999));
        assert_eq!(copy.len() + 1, trace.len());
        assert!(copy.iter().eq(entries.iter()));
    }
}
