//! Stable sorting with one copy of the sort algorithm in the page's wasm.
//!
//! Why this exists: `slice::sort_by` compiles the whole stable sort (driftsort, 3–5 KB of wasm) once
//! per element type and comparator; the page carried 35 of them, 130 KB before `wasm-opt`. In the
//! wasm build every sort here orders a vector of indices through one comparator type
//! (`&mut dyn FnMut`), so the algorithm exists once, and then moves the elements into that order.
//! A stable sort's result is fully determined by its comparator, so the order is exactly the one
//! `slice::sort_by` gives; natively the standard sort runs directly, at full speed.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Sorts `v` stably by `compare`, exactly as `slice::sort_by` does.
pub fn sort_by<T>(v: &mut [T], compare: impl FnMut(&T, &T) -> Ordering) {
    #[cfg(target_arch = "wasm32")]
    {
        let mut compare = compare;
        by_indices(v, &mut compare);
    }
    #[cfg(not(target_arch = "wasm32"))]
    v.sort_by(compare);
}

/// Sorts `v` stably by `key`, exactly as `slice::sort_by_key` does.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` ascending, exactly as `slice::sort` does; for values whose equal elements are identical
/// (numbers, strings, tuples of them) also exactly as `slice::sort_unstable` does.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The wasm path, public so that native tests can check it against `slice::sort_by`.
pub fn by_indices<T>(v: &mut [T], compare: &mut dyn FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let order = sorted_order(v.len(), &mut |a, b| compare(&v[a], &v[b]));
    permute(v, order);
}

/// The one instantiation of the sort: positions `0..len` ordered stably by `compare`.
fn sorted_order(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Puts `v[order[i]]` at position `i` for every `i`, following each cycle of the permutation once
/// (swaps only, so `T` needs neither `Clone` nor `Default`).
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..v.len() {
        let mut at = start;
        // A position already in place (or already visited: marked by pointing at itself) is skipped.
        while order[at] != at {
            let from = order[at];
            order[at] = at;
            if from == start {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

/// `collect()` into a `BTreeSet` or `BTreeMap` without one more stable sort per element type in the
/// wasm: the standard `FromIterator` sorts a vector before it builds the tree; here the wasm build
/// inserts one by one (`extend`), which gives the same set, and for a repeated key the same last
/// value. Natively it is `collect()`.
pub trait CollectBTree: Iterator + Sized {
    fn collect_set(self) -> BTreeSet<Self::Item>
    where
        Self::Item: Ord,
    {
        #[cfg(target_arch = "wasm32")]
        {
            let mut set = BTreeSet::new();
            set.extend(self);
            set
        }
        #[cfg(not(target_arch = "wasm32"))]
        self.collect()
    }

    fn collect_map<K: Ord, V>(self) -> BTreeMap<K, V>
    where
        Self: Iterator<Item = (K, V)>,
    {
        #[cfg(target_arch = "wasm32")]
        {
            let mut map = BTreeMap::new();
            map.extend(self);
            map
        }
        #[cfg(not(target_arch = "wasm32"))]
        self.collect()
    }
}

/// `collect()` into a `BTreeMap` from items given in ascending key order (member ids in order, for
/// an assignment): the same map, and for a repeated key the same last value, from any order. The
/// wasm build inserts them from the last one: a B-tree searches each node from its first key, so
/// inserting ascending keys compares each with every key of the rightmost nodes on the way down,
/// while inserting descending keys stops at the first key of each node. Natively it is `collect()`
/// (its sort finds the one ascending run and builds the tree in bulk).
pub trait CollectSortedMap<K: Ord, V>: DoubleEndedIterator<Item = (K, V)> + Sized {
    fn collect_sorted_map(self) -> BTreeMap<K, V> {
        #[cfg(target_arch = "wasm32")]
        return map_from_last(self);
        #[cfg(not(target_arch = "wasm32"))]
        self.collect()
    }
}

/// The wasm path of [`CollectSortedMap`], public so that native tests can check it against
/// `collect()`.
pub fn map_from_last<K: Ord, V>(items: impl DoubleEndedIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    for (key, value) in items.rev() {
        // From the last: the first value kept for a key is the last one given.
        map.entry(key).or_insert(value);
    }
    map
}

impl<K: Ord, V, I: DoubleEndedIterator<Item = (K, V)>> CollectSortedMap<K, V> for I {}

impl<I: Iterator> CollectBTree for I {}
