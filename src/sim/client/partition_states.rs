//! `PartitionStates`: the assigned partitions of `SubscriptionState`, each with its fetch state, in
//! partition order. Kafka keeps them in a `LinkedHashMap`; here a vector sorted by partition. A
//! consumer owns a handful to a few hundred partitions, and every `poll()` walks all of them three
//! times (positions to initialize, records to collect, partitions to fetch): a vector walks them
//! as a slice, where a B-tree stepped from node to node.

use crate::sim::assign::TopicPartition;
use std::collections::BTreeSet;

/// Partitions with a value each, sorted by partition, at most one entry per partition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionStates<S> {
    entries: Vec<(TopicPartition, S)>,
}

impl<S> Default for PartitionStates<S> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
        }
    }
}

impl<S> PartitionStates<S> {
    fn find(&self, tp: &TopicPartition) -> Result<usize, usize> {
        self.entries.binary_search_by(|(p, _)| p.cmp(tp))
    }

    pub fn get(&self, tp: &TopicPartition) -> Option<&S> {
        let i = self.find(tp).ok()?;
        Some(&self.entries[i].1)
    }

    pub fn get_mut(&mut self, tp: &TopicPartition) -> Option<&mut S> {
        let i = self.find(tp).ok()?;
        Some(&mut self.entries[i].1)
    }

    /// The place of a partition and its state, looked for at `hint` first: a Fetch's answer lists
    /// its partitions in this same order, so the place after the last one found is nearly always
    /// the next one's.
    pub fn get_mut_at_hint(&mut self, tp: &TopicPartition, hint: usize) -> Option<(usize, &mut S)> {
        let i = match self.entries.get(hint) {
            Some((p, _)) if p == tp => hint,
            _ => self.find(tp).ok()?,
        };
        Some((i, &mut self.entries[i].1))
    }

    /// Sets the state of a partition, replacing the one it had.
    pub fn insert(&mut self, tp: TopicPartition, state: S) {
        match self.find(&tp) {
            Ok(i) => self.entries[i].1 = state,
            Err(i) => self.entries.insert(i, (tp, state)),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The partitions, in order.
    pub fn partitions(&self) -> impl Iterator<Item = &TopicPartition> {
        self.entries.iter().map(|(tp, _)| tp)
    }

    /// Each partition and its state, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&TopicPartition, &S)> {
        self.entries.iter().map(|(tp, s)| (tp, s))
    }

    /// Each partition and its state, in order, the states open to change.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&TopicPartition, &mut S)> {
        self.entries.iter_mut().map(|(tp, s)| (&*tp, s))
    }

    /// Exactly these partitions from now on: states of the others are dropped, new partitions get
    /// `new()`'s state, the ones kept keep theirs.
    pub fn set_partitions(&mut self, owned: &BTreeSet<TopicPartition>, mut new: impl FnMut() -> S) {
        let mut kept = std::mem::take(&mut self.entries).into_iter().peekable();
        self.entries.reserve(owned.len());
        for tp in owned {
            // Both run in partition order: states before `tp` belong to partitions no longer owned.
            while kept.next_if(|(p, _)| p < tp).is_some() {}
            let state = match kept.next_if(|(p, _)| p == tp) {
                Some((_, state)) => state,
                None => new(),
            };
            self.entries.push((tp.clone(), state));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn tp(topic: &str, partition: i32) -> TopicPartition {
        TopicPartition::new(topic, partition)
    }

    proptest! {
        /// Reads and changes as a `BTreeMap` of the same partitions would.
        #[test]
        fn behaves_as_an_ordered_map(
            steps in prop::collection::vec(
                (0u8..3, prop::sample::select(vec!["a", "b", "orders"]), 0i32..6, 0u32..100,
                 prop::collection::btree_set((prop::sample::select(vec!["a", "b", "orders"]), 0i32..6), 0..8)),
                0..40,
            )
        ) {
            let mut states = PartitionStates::default();
            let mut model: BTreeMap<TopicPartition, u32> = BTreeMap::new();
            for (op, topic, partition, value, owned) in steps {
                let p = tp(topic, partition);
                match op {
                    0 => {
                        states.insert(p.clone(), value);
                        model.insert(p.clone(), value);
                    }
                    1 => {
                        if let Some(s) = states.get_mut(&p) {
                            *s += value;
                        }
                        if let Some(s) = model.get_mut(&p) {
                            *s += value;
                        }
                    }
                    _ => {
                        let owned: BTreeSet<TopicPartition> =
                            owned.iter().map(|(t, n)| tp(t, *n)).collect();
                        states.set_partitions(&owned, || value);
                        model.retain(|p, _| owned.contains(p));
                        for p in &owned {
                            model.entry(p.clone()).or_insert(value);
                        }
                    }
                }
                prop_assert_eq!(states.get(&p), model.get(&p));
                let hint = usize::try_from(value).unwrap_or(0) % 10;
                prop_assert_eq!(
                    states.get_mut_at_hint(&p, hint).map(|(_, s)| *s),
                    model.get(&p).copied()
                );
                prop_assert_eq!(states.len(), model.len());
                prop_assert!(states.iter().eq(model.iter()));
            }
        }
    }
}
