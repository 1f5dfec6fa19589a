//! A small, fast hasher for maps the model only looks things up in (never iterates, so their
//! order cannot show): the World's timer table is read and written on nearly every event, and
//! std's SipHash cost more there than the lookups themselves. Keys are the model's own values, not
//! attacker-chosen, so a hash built for speed rather than flooding resistance is the right tool.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Multiply-rotate hashing, one 64-bit word at a time (the scheme of rustc's `FxHasher`).
#[derive(Clone, Copy, Debug, Default)]
pub struct FastHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // The last bytes as a little-endian word padded with zeros, assembled byte by byte:
            // copying them into a padded array took a call to `memcpy` (its length is known only
            // at run time) for every handle hashed, several per event in the World's timer table.
            let word = rest
                .iter()
                .enumerate()
                .fold(0u64, |word, (i, &b)| word | u64::from(b) << (8 * i));
            self.add(word);
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A `HashMap` with [`FastHasher`]: for lookups only, never for iteration.
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::Hash;

    fn hash_of(value: impl Hash) -> u64 {
        let mut h = FastHasher::default();
        value.hash(&mut h);
        h.finish()
    }

    #[test]
    fn equal_keys_hash_alike_and_different_ones_apart() {
        assert_eq!(hash_of(("c1", 3u32)), hash_of(("c1", 3u32)));
        assert_ne!(hash_of(("c1", 3u32)), hash_of(("c2", 3u32)));
        assert_ne!(hash_of("abcdefghi"), hash_of("abcdefghj"));
        let mut map: FastMap<String, u32> = FastMap::default();
        map.insert("orders".into(), 1);
        assert_eq!(map.get("orders"), Some(&1));
    }

    #[test]
    fn the_last_bytes_hash_as_one_zero_padded_little_endian_word() {
        for text in ["c7", "c17", "orders", "orders-app", "p1"] {
            let mut expected = FastHasher::default();
            let bytes = text.as_bytes();
            let mut chunks = bytes.chunks_exact(8);
            for chunk in &mut chunks {
                expected.add(u64::from_le_bytes(chunk.try_into().unwrap()));
            }
            let mut word = [0u8; 8];
            word[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
            expected.add(u64::from_le_bytes(word));
            let mut h = FastHasher::default();
            h.write(bytes);
            assert_eq!(h.finish(), expected.finish(), "{text}");
        }
    }
}
