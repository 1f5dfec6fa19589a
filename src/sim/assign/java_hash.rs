//! Java's `hashCode`s and the iteration order of `java.util.HashMap` / `HashSet`.
//!
//! Kafka's assignors iterate hash-based collections in several places (the leader's member map, the
//! sticky assignor's partition-movement sets, the server-side uniform assignor's topic and partition
//! sets), so a bit-exact simulator has to reproduce the JDK's table layout: which bucket a key lands in,
//! when the table doubles, and where a new key goes inside its bucket. [`JavaHashTable`] keeps the
//! table bucket by bucket, exactly like the JDK's `HashMap` (JDK 8 and later), except that it never
//! converts a crowded bucket into a red-black tree: that happens only for 8+ colliding keys in a table
//! of 64+ buckets, which Kafka's small collections of well-spread keys never reach.

use crate::sim::sort;
use std::cmp::Ordering;

/// The JDK's default initial capacity.
pub const DEFAULT_CAPACITY: usize = 16;
/// A bucket reaching this many entries asks for a tree bin (`TREEIFY_THRESHOLD`)...
const TREEIFY_THRESHOLD: usize = 8;
/// ...but a table smaller than this is doubled instead (`MIN_TREEIFY_CAPACITY`).
const MIN_TREEIFY_CAPACITY: usize = 64;

/// `hashCode()` as the JDK computes it.
pub trait JavaHash {
    fn java_hash(&self) -> i32;
}

/// `String.hashCode`: `31·h + c` over UTF-16 code units, wrapping.
pub fn string_hash(s: &str) -> i32 {
    let step = |h: i32, unit: i32| h.wrapping_mul(31).wrapping_add(unit);
    if s.is_ascii() {
        // An ASCII byte is its own UTF-16 code unit: no decoding needed (member ids, topic names).
        s.bytes().fold(0, |h, byte| step(h, i32::from(byte)))
    } else {
        s.encode_utf16().fold(0, |h, unit| step(h, i32::from(unit)))
    }
}

impl JavaHash for str {
    fn java_hash(&self) -> i32 {
        string_hash(self)
    }
}

impl JavaHash for String {
    fn java_hash(&self) -> i32 {
        string_hash(self)
    }
}

/// `Integer.hashCode` is the value itself.
impl JavaHash for i32 {
    fn java_hash(&self) -> i32 {
        *self
    }
}

/// `TopicPartition.hashCode`: `31·(31·1 + partition) + topic.hashCode()`.
pub fn topic_partition_hash(topic_hash: i32, partition: i32) -> i32 {
    31i32
        .wrapping_mul(31i32.wrapping_add(partition))
        .wrapping_add(topic_hash)
}

impl JavaHash for super::TopicPartition {
    fn java_hash(&self) -> i32 {
        topic_partition_hash(string_hash(&self.topic), self.partition)
    }
}

/// `String.compareTo`: lexicographic over UTF-16 code units. It differs from Rust's `str` order only
/// between supplementary characters and U+E000..U+FFFF, but Kafka sorts by it, so we do too.
pub fn compare_strings(a: &str, b: &str) -> Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    match first_difference(x, y) {
        None => x.len().cmp(&y.len()),
        // Identical bytes before an ASCII difference: the same characters, then two ASCII ones.
        Some(i) if x[i] < 0x80 && y[i] < 0x80 => x[i].cmp(&y[i]),
        Some(_) => a.encode_utf16().cmp(b.encode_utf16()),
    }
}

/// Sorts `items` stably by the Java `String` order of `key(item)`. ASCII keys (the usual member
/// ids) are compared first by eight bytes as one number, then in full on a tie. The eight bytes are
/// taken after the prefix every key shares: ids such as `consumer-000` … `consumer-199` agree on
/// their first nine bytes, and their first eight would tie on every comparison.
pub fn sort_by_java_string<'a, T: Copy>(items: &mut [T], key: impl Fn(T) -> &'a str) {
    let ascii = items.iter().all(|&item| key(item).is_ascii());
    // Keys that agree on their first `shared` bytes are ordered by the bytes after them.
    let shared = match items.first() {
        Some(&first) if ascii => {
            let first = key(first).as_bytes();
            items.iter().fold(first.len(), |shared, &item| {
                let other = key(item).as_bytes();
                first_difference(&first[..shared], other).unwrap_or(shared.min(other.len()))
            })
        }
        _ => 0,
    };
    let prefix = |text: &str| -> u64 {
        let mut bytes = [0u8; 8];
        if ascii {
            let rest = &text.as_bytes()[shared..];
            let n = rest.len().min(8);
            bytes[..n].copy_from_slice(&rest[..n]);
        }
        u64::from_be_bytes(bytes)
    };
    let mut keyed: Vec<(u64, T)> = items
        .iter()
        .map(|&item| (prefix(key(item)), item))
        .collect();
    sort::sort_by(&mut keyed, |&(pa, a), &(pb, b)| {
        pa.cmp(&pb).then_with(|| compare_strings(key(a), key(b)))
    });
    for (slot, (_, item)) in items.iter_mut().zip(keyed) {
        *slot = item;
    }
}

/// The first index where two byte strings differ, eight bytes at a time (ids share long prefixes).
pub(crate) fn first_difference(x: &[u8], y: &[u8]) -> Option<usize> {
    let n = x.len().min(y.len());
    let mut i = 0;
    while i + 8 <= n {
        let p = u64::from_le_bytes(x[i..i + 8].try_into().expect("8 bytes"));
        let q = u64::from_le_bytes(y[i..i + 8].try_into().expect("8 bytes"));
        if p != q {
            return Some(i + ((p ^ q).trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    (i..n).find(|&j| x[j] != y[j])
}

/// `HashMap.hash()`: the high half of the hash folded into the low half before masking.
pub fn spread(hash: i32) -> u32 {
    let h = hash as u32;
    h ^ (h >> 16)
}

/// `HashMap.tableSizeFor`: the smallest power of two ≥ `capacity` (at least 1).
pub fn table_size_for(capacity: usize) -> usize {
    capacity.max(1).next_power_of_two()
}

/// Capacity of `new HashSet<>(collection)` for a collection of `n` elements:
/// `max((int) (n / .75f) + 1, 16)`, rounded up to a power of two.
pub fn copy_capacity(n: usize) -> usize {
    let wanted = (n as f32 / 0.75f32) as usize + 1;
    table_size_for(wanted.max(DEFAULT_CAPACITY))
}

/// End of a bucket chain.
const NIL: u32 = u32::MAX;

#[derive(Clone, Debug, PartialEq, Eq)]
struct Node<K> {
    hash: u32,
    key: K,
    next: u32,
}

/// A `java.util.HashMap`'s table (or a `HashSet`'s, which is a `HashMap` underneath), holding keys
/// with their Java hash. Only the layout is modelled: values live wherever the caller keeps them.
/// Like the JDK it chains the nodes of a bucket; nodes live in one vector (removed ones are
/// recycled), so a table costs two allocations however many buckets it has.
/// Equality compares the layout itself (chains, recycled slots), the state its iteration order
/// comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JavaHashTable<K> {
    /// First node of each bucket; empty until the first insertion, like the JDK's lazy table.
    heads: Vec<u32>,
    nodes: Vec<Node<K>>,
    /// Recycled node slots.
    free: Vec<u32>,
    /// Capacity the first allocation will use.
    initial_capacity: usize,
    len: usize,
}

impl<K> Default for JavaHashTable<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K> JavaHashTable<K> {
    /// `new HashMap<>()`.
    pub fn new() -> Self {
        Self::with_table_capacity(DEFAULT_CAPACITY)
    }

    /// `new HashMap<>(initialCapacity)`.
    pub fn with_capacity(initial_capacity: usize) -> Self {
        Self::with_table_capacity(table_size_for(initial_capacity))
    }

    /// `new HashSet<>(collection)` of a collection with `n` elements.
    pub fn sized_for_copy_of(n: usize) -> Self {
        Self::with_table_capacity(copy_capacity(n))
    }

    fn with_table_capacity(capacity: usize) -> Self {
        Self {
            heads: Vec::new(),
            nodes: Vec::new(),
            free: Vec::new(),
            initial_capacity: capacity,
            len: 0,
        }
    }

    /// Starts over as a fresh, unallocated table of the given kind (`new HashMap<>()` for
    /// [`JavaHashTable::new`]'s capacity 16), keeping the memory for reuse.
    pub fn reset(&mut self, table_capacity: usize) {
        self.heads.clear();
        self.nodes.clear();
        self.free.clear();
        self.initial_capacity = table_capacity;
        self.len = 0;
    }

    /// [`JavaHashTable::reset`] to what `new HashSet<>(collection)` of `n` elements allocates.
    pub fn reset_for_copy_of(&mut self, n: usize) {
        self.reset(copy_capacity(n));
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Current table length (the capacity the first allocation will use while none exists).
    pub fn capacity(&self) -> usize {
        if self.heads.is_empty() {
            self.initial_capacity
        } else {
            self.heads.len()
        }
    }

    /// `capacity · 0.75`, the size above which the table doubles.
    fn threshold(&self) -> usize {
        self.capacity() * 3 / 4
    }

    fn bucket_of(&self, spread_hash: u32) -> usize {
        spread_hash as usize & (self.heads.len() - 1)
    }

    /// Allocates the table, or doubles it: each bucket splits into a low and a high bucket, both
    /// keeping the nodes' relative order (the JDK's `resize()`).
    fn resize(&mut self) {
        if self.heads.is_empty() {
            // First allocation: no nodes yet (and any buffer left by `reset` is reused).
            self.heads.resize(self.initial_capacity, NIL);
            return;
        }
        let new_capacity = self.heads.len() * 2;
        let old_heads = std::mem::replace(&mut self.heads, vec![NIL; new_capacity]);
        let mut tails = vec![NIL; new_capacity];
        for head in old_heads {
            let mut node = head;
            while node != NIL {
                let next = self.nodes[node as usize].next;
                self.nodes[node as usize].next = NIL;
                let bucket = self.bucket_of(self.nodes[node as usize].hash);
                match tails[bucket] {
                    NIL => self.heads[bucket] = node,
                    tail => self.nodes[tail as usize].next = node,
                }
                tails[bucket] = node;
                node = next;
            }
        }
    }

    /// The nodes of a bucket, in chain order.
    fn chain(&self, bucket: usize) -> impl Iterator<Item = u32> + '_ {
        let mut node = self.heads[bucket];
        std::iter::from_fn(move || {
            (node != NIL).then(|| {
                let current = node;
                node = self.nodes[current as usize].next;
                current
            })
        })
    }

    /// Iterates keys in Java order: by bucket, then along the bucket's chain.
    pub fn iter(&self) -> impl Iterator<Item = &K> {
        (0..self.heads.len())
            .flat_map(move |bucket| self.chain(bucket))
            .map(move |node| &self.nodes[node as usize].key)
    }

    /// The key a Java iterator would return first.
    pub fn first(&self) -> Option<&K> {
        self.iter().next()
    }

    fn new_node(&mut self, hash: u32, key: K, next: u32) -> u32 {
        let node = Node { hash, key, next };
        match self.free.pop() {
            Some(slot) => {
                self.nodes[slot as usize] = node;
                slot
            }
            None => {
                self.nodes.push(node);
                (self.nodes.len() - 1) as u32
            }
        }
    }
}

impl<K: PartialEq> JavaHashTable<K> {
    /// Whether the key is present, and how long its bucket's chain is.
    fn find(&self, bucket: usize, hash: u32, key: &K) -> (bool, usize) {
        let mut length = 0;
        for node in self.chain(bucket) {
            let n = &self.nodes[node as usize];
            if n.hash == hash && n.key == *key {
                return (true, length);
            }
            length += 1;
        }
        (false, length)
    }

    pub fn contains(&self, hash: i32, key: &K) -> bool {
        if self.heads.is_empty() {
            return false;
        }
        let h = spread(hash);
        self.find(self.bucket_of(h), h, key).0
    }

    /// `put` / `add`: a new key goes to the tail of its bucket; the table doubles right after the
    /// insertion that takes the size above the threshold (or, in a table under 64 buckets, when a
    /// bucket receives its ninth key). Returns false if the key was already present.
    pub fn insert(&mut self, hash: i32, key: K) -> bool {
        if self.heads.is_empty() {
            self.resize();
        }
        let h = spread(hash);
        let bucket = self.bucket_of(h);
        let (present, length) = self.find(bucket, h, &key);
        if present {
            return false;
        }
        let node = self.new_node(h, key, NIL);
        match self.chain(bucket).last() {
            Some(tail) => self.nodes[tail as usize].next = node,
            None => self.heads[bucket] = node,
        }
        if length >= TREEIFY_THRESHOLD && self.heads.len() < MIN_TREEIFY_CAPACITY {
            self.resize();
        }
        self.len += 1;
        if self.len > self.threshold() {
            self.resize();
        }
        true
    }

    /// `computeIfAbsent` for an absent key: the table is (re)sized at the *start* of the call when
    /// the size already exceeds the threshold, and the new key goes to the **head** of its bucket.
    /// Returns false if the key was already present.
    pub fn compute_if_absent(&mut self, hash: i32, key: K) -> bool {
        if self.heads.is_empty() || self.len > self.threshold() {
            self.resize();
        }
        let h = spread(hash);
        let bucket = self.bucket_of(h);
        let (present, length) = self.find(bucket, h, &key);
        if present {
            return false;
        }
        let head = self.heads[bucket];
        self.heads[bucket] = self.new_node(h, key, head);
        // Unlike `put`, `computeIfAbsent` asks for a tree bin when the bucket gets its 8th key.
        if length >= TREEIFY_THRESHOLD - 1 && self.heads.len() < MIN_TREEIFY_CAPACITY {
            self.resize();
        }
        self.len += 1;
        true
    }

    /// `remove`: unlinks the key; the table never shrinks.
    pub fn remove(&mut self, hash: i32, key: &K) -> bool {
        if self.heads.is_empty() {
            return false;
        }
        let h = spread(hash);
        let bucket = self.bucket_of(h);
        let mut previous = NIL;
        let mut node = self.heads[bucket];
        while node != NIL {
            let n = &self.nodes[node as usize];
            let next = n.next;
            if n.hash == h && n.key == *key {
                match previous {
                    NIL => self.heads[bucket] = next,
                    p => self.nodes[p as usize].next = next,
                }
                self.free.push(node);
                self.len -= 1;
                return true;
            }
            previous = node;
            node = next;
        }
        false
    }
}

/// Iteration order of a `HashMap<String, _>` (or `HashSet<String>`) filled with `put` in the given
/// order, e.g. the group leader's member map.
pub fn hash_map_order<'a>(keys: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut table = JavaHashTable::new();
    for key in keys {
        table.insert(string_hash(key), key);
    }
    table.iter().copied().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::assign::TopicPartition;

    #[test]
    fn string_hash_matches_the_jdk() {
        assert_eq!(string_hash(""), 0);
        assert_eq!(string_hash("a"), 97);
        assert_eq!(string_hash("t0"), 3644);
        // "hello".hashCode() and a wrapping one, as printed by a JVM.
        assert_eq!(string_hash("hello"), 99162322);
        // The classic collision "Aa" / "BB", and a hash that wraps negative.
        assert_eq!(string_hash("Aa"), 2112);
        assert_eq!(string_hash("BB"), 2112);
        assert_eq!(string_hash("polygenelubricants"), i32::MIN);
        // Supplementary characters hash as two UTF-16 units.
        assert_eq!(string_hash("\u{1F600}"), 0xD83D * 31 + 0xDE00);
    }

    #[test]
    fn topic_partition_hash_matches_the_jdk() {
        let tp = TopicPartition::new("t0", 3);
        assert_eq!(tp.java_hash(), 31 * (31 + 3) + 3644);
    }

    #[test]
    fn integers_iterate_ascending_while_below_capacity() {
        let mut table = JavaHashTable::new();
        for value in [9, 3, 15, 0, 7] {
            table.insert(value, value);
        }
        assert_eq!(
            table.iter().copied().collect::<Vec<_>>(),
            vec![0, 3, 7, 9, 15]
        );
        // 16 and 0 share bucket 0: insertion order inside it.
        table.insert(16, 16);
        assert_eq!(table.first(), Some(&0));
    }

    #[test]
    fn table_doubles_after_the_thirteenth_key() {
        let mut table = JavaHashTable::new();
        for value in 0..12 {
            table.insert(value, value);
        }
        assert_eq!(table.capacity(), 16);
        table.insert(12, 12);
        assert_eq!(table.capacity(), 32);
    }

    #[test]
    fn resize_keeps_bucket_order() {
        let mut table = JavaHashTable::new();
        // 33 and 1 share bucket 1 at capacity 16 and 32, in insertion order.
        for value in [33, 1, 17] {
            table.insert(value, value);
        }
        assert_eq!(table.iter().copied().collect::<Vec<_>>(), vec![33, 1, 17]);
        for value in 100..112 {
            table.insert(value, value);
        }
        assert_eq!(table.capacity(), 32);
        let order: Vec<i32> = table.iter().copied().filter(|v| *v < 100).collect();
        assert_eq!(order, vec![33, 1, 17]);
    }

    #[test]
    fn a_ninth_collision_doubles_a_small_table() {
        let mut table = JavaHashTable::new();
        for k in 0..9 {
            table.insert(k * 64, k);
        }
        assert_eq!(table.capacity(), 32);
    }

    #[test]
    fn an_eighth_compute_if_absent_collision_doubles_a_small_table() {
        let mut table = JavaHashTable::new();
        for k in 0..7 {
            table.compute_if_absent(k * 64, k);
        }
        assert_eq!(table.capacity(), 16);
        table.compute_if_absent(7 * 64, 7);
        assert_eq!(table.capacity(), 32);
    }

    #[test]
    fn compute_if_absent_inserts_at_the_head_and_resizes_lazily() {
        let mut table = JavaHashTable::new();
        table.compute_if_absent(1, 1);
        table.compute_if_absent(17, 17);
        assert_eq!(table.iter().copied().collect::<Vec<_>>(), vec![17, 1]);
        for value in 2..13 {
            table.compute_if_absent(value, value);
        }
        // 13 entries: over the threshold, but the table only grows at the next call.
        assert_eq!(table.len(), 13);
        assert_eq!(table.capacity(), 16);
        table.compute_if_absent(40, 40);
        assert_eq!(table.capacity(), 32);
    }

    #[test]
    fn removal_and_re_insertion_moves_a_key_to_the_tail() {
        let mut table = JavaHashTable::new();
        for value in [1, 17, 33] {
            table.insert(value, value);
        }
        table.remove(1, &1);
        table.insert(1, 1);
        assert_eq!(table.iter().copied().collect::<Vec<_>>(), vec![17, 33, 1]);
    }

    #[test]
    fn copy_capacity_follows_the_hash_set_constructor() {
        assert_eq!(copy_capacity(0), 16);
        assert_eq!(copy_capacity(12), 32);
        assert_eq!(copy_capacity(11), 16);
        assert_eq!(copy_capacity(100), 256);
    }

    /// The keyed sort is a stable sort by `compare_strings`, whatever prefix the keys share.
    fn check_sort_by_java_string(ids: &[String]) {
        let mut ours: Vec<usize> = (0..ids.len()).collect();
        sort_by_java_string(&mut ours, |i| &ids[i]);
        let mut reference: Vec<usize> = (0..ids.len()).collect();
        reference.sort_by(|&a, &b| compare_strings(&ids[a], &ids[b]));
        assert_eq!(ours, reference, "{ids:?}");
    }

    #[test]
    fn sorting_by_java_string_skips_the_shared_prefix() {
        let consumers: Vec<String> = (0..200).rev().map(|i| format!("consumer-{i:03}")).collect();
        check_sort_by_java_string(&consumers);
        for ids in [
            &[
                "consumer-1",
                "consumer-10",
                "consumer-",
                "consumer-1",
                "consumer-0",
            ][..],
            &["same", "same", "same"],
            &[
                "prefix-shared-by-all-abcdefgh-2",
                "prefix-shared-by-all-abcdefgh-10",
                "prefix",
            ],
            &["\u{FF61}x", "\u{1F600}x", "a"],
            &[],
            &["only"],
        ] {
            check_sort_by_java_string(&ids.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        }
    }

    proptest::proptest! {
        #[test]
        fn sorting_by_java_string_is_a_stable_sort_by_compare_strings(
            prefix in "[a-c-]{0,12}",
            suffixes in proptest::collection::vec("[a-c0-9\u{FF61}\u{1F600}-]{0,12}", 0..40),
        ) {
            let ids: Vec<String> = suffixes.iter().map(|s| format!("{prefix}{s}")).collect();
            check_sort_by_java_string(&ids);
        }

        #[test]
        fn sorting_ascii_ids_by_java_string_is_a_stable_sort_by_compare_strings(
            prefix in "[a-c-]{0,12}",
            suffixes in proptest::collection::vec("[a-c0-9-]{0,12}", 0..40),
        ) {
            let ids: Vec<String> = suffixes.iter().map(|s| format!("{prefix}{s}")).collect();
            check_sort_by_java_string(&ids);
        }
    }

    #[test]
    fn java_string_order_is_utf16_order() {
        assert_eq!(compare_strings("a", "b"), Ordering::Less);
        assert_eq!(
            compare_strings("consumer-g-10-x", "consumer-g-2-x"),
            Ordering::Less
        );
        // U+FF61 sorts after U+1F600 in UTF-8 but before it in UTF-16 (surrogate D83D < FF61).
        assert_eq!(compare_strings("\u{FF61}", "\u{1F600}"), Ordering::Greater);
        // Differences before, at and after an eight-byte boundary, and a prefix.
        for (a, b) in [
            ("consumer-0001", "consumer-0002"),
            ("abcdefgh", "abcdefgi"),
            ("abcdefghij", "abcdefgh"),
            ("abcdefgh-x", "abcdefgh-y"),
            ("b", "abcdefghij"),
        ] {
            assert_eq!(compare_strings(a, b), a.cmp(b), "{a} {b}");
            assert_eq!(compare_strings(b, a), b.cmp(a), "{b} {a}");
        }
    }
}
