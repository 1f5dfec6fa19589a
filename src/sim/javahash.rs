//! Java `HashMap` iteration order, emulated. The classic coordinator keeps members in a
//! `HashMap<String, ClassicGroupMember>`: the leader chosen when the old one leaves, the order of members
//! in the leader's JoinGroup response and ties in the protocol vote all follow that map's iteration order.
//!
//! Emulated: `String.hashCode`, the bucket spread `(h ^ h >>> 16) & (cap - 1)`, capacity 16 doubling when
//! the size passes 0.75·capacity (never shrinking), iteration by bucket then insertion order, a re-added key
//! going last. Not emulated: treeified buckets (8+ colliding keys in one bucket of a table of 64+), which
//! member ids with random UUIDs practically never produce.

/// Java's `String.hashCode()` over UTF-16 code units, wrapping.
pub fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
}

/// `HashMap.hash(key)` then the bucket index for a table of `capacity` (a power of two).
pub fn bucket(hash: i32, capacity: usize) -> usize {
    let h = hash as u32;
    ((h ^ (h >> 16)) as usize) & (capacity - 1)
}

/// The keys of a Java `HashMap<String, _>`, kept in insertion order with the table capacity, so that
/// [`JavaHashOrder::iter`] yields them in the order Java would.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JavaHashOrder {
    capacity: usize,
    keys: Vec<String>,
}

impl Default for JavaHashOrder {
    fn default() -> Self {
        Self {
            capacity: 16,
            keys: Vec::new(),
        }
    }
}

impl JavaHashOrder {
    /// `put`: a new key goes last in its bucket; an existing key keeps its place.
    pub fn insert(&mut self, key: &str) {
        if self.keys.iter().any(|k| k == key) {
            return;
        }
        self.keys.push(key.to_string());
        while self.keys.len() * 4 > self.capacity * 3 {
            self.capacity *= 2;
        }
    }

    pub fn remove(&mut self, key: &str) {
        self.keys.retain(|k| k != key);
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The keys in Java iteration order: by bucket, then by insertion within a bucket.
    pub fn iter(&self) -> Vec<&str> {
        let mut ordered: Vec<(usize, usize, &str)> = self
            .keys
            .iter()
            .enumerate()
            .map(|(i, k)| (bucket(java_string_hash(k), self.capacity), i, k.as_str()))
            .collect();
        ordered.sort();
        ordered.into_iter().map(|(_, _, k)| k).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_hash_matches_java() {
        assert_eq!(java_string_hash(""), 0);
        assert_eq!(java_string_hash("a"), 97);
        assert_eq!(java_string_hash("hello"), 99_162_322);
        // "polygenelubricants".hashCode() == Integer.MIN_VALUE in Java.
        assert_eq!(java_string_hash("polygenelubricants"), i32::MIN);
    }

    #[test]
    fn iterates_by_bucket_then_insertion() {
        let mut m = JavaHashOrder::default();
        for k in ["b", "a", "c"] {
            m.insert(k);
        }
        // "a"=97, "b"=98, "c"=99 → buckets 1, 2, 3 of 16.
        assert_eq!(m.iter(), vec!["a", "b", "c"]);
        // "Aa" and "BB" collide (2112): insertion order decides.
        let mut c = JavaHashOrder::default();
        c.insert("BB");
        c.insert("Aa");
        assert_eq!(c.iter(), vec!["BB", "Aa"]);
        c.remove("BB");
        c.insert("BB");
        assert_eq!(c.iter(), vec!["Aa", "BB"]);
    }

    #[test]
    fn grows_past_three_quarters() {
        let mut m = JavaHashOrder::default();
        for i in 0..13 {
            m.insert(&format!("k{i}"));
        }
        assert_eq!(m.capacity, 32);
    }
}
