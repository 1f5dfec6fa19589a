//! `sim::sort`'s wasm path (one sort of indices, then the elements moved into place) against the
//! standard stable sort: the page's order must be exactly the one the native build computes, or the
//! golden digests and share links would differ between the two.

use proptest::collection::vec;
use proptest::prelude::*;
use rebalance_lab::sim::sort;

proptest! {
    /// Few distinct keys, so most elements tie: only a stable sort keeps their order.
    #[test]
    fn index_sort_is_the_standard_stable_sort(keys in vec(0u8..6, 0..300)) {
        let items: Vec<(u8, usize)> = keys.into_iter().enumerate().map(|(i, k)| (k, i)).collect();
        let mut expected = items.clone();
        expected.sort_by_key(|&(k, _)| k);
        let mut ours = items;
        sort::by_indices(&mut ours, &mut |a, b| a.0.cmp(&b.0));
        prop_assert_eq!(ours, expected);
    }

    /// Elements that are not `Copy` are moved, never cloned or dropped twice.
    #[test]
    fn index_sort_moves_owned_values(words in vec("[a-c]{0,3}", 0..100)) {
        let mut expected = words.clone();
        expected.sort_by_key(|w| w.len());
        let mut ours = words;
        sort::by_indices(&mut ours, &mut |a, b| a.len().cmp(&b.len()));
        prop_assert_eq!(ours, expected);
    }
}

proptest! {
    /// The wasm path of `collect_sorted_map`: the same map as `collect()`, repeated keys keeping
    /// their last value, in any order (ascending is only the fast case).
    #[test]
    fn map_from_last_is_collect(keys in vec(0u8..40, 0..200), ascending in any::<bool>()) {
        let mut keys = keys;
        if ascending {
            keys.sort_unstable();
        }
        let items: Vec<(u8, usize)> = keys.into_iter().enumerate().map(|(i, k)| (k, i)).collect();
        let expected: std::collections::BTreeMap<u8, usize> = items.iter().copied().collect();
        prop_assert_eq!(sort::map_from_last(items.into_iter()), expected);
    }
}

#[test]
fn descending_input_and_reverse_comparator() {
    let mut v: Vec<u32> = (0..1000).rev().collect();
    sort::by_indices(&mut v, &mut |a, b| a.cmp(b));
    assert_eq!(v, (0..1000).collect::<Vec<_>>());
    sort::by_indices(&mut v, &mut |a, b| b.cmp(a));
    assert_eq!(v, (0..1000).rev().collect::<Vec<_>>());
}
