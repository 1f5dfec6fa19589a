//! Adding partitions changes where keys land: `partitionForKey` is `toPositive(murmur2(key)) %
//! numPartitions`, so once the producer's metadata shows the new count, a key whose hash modulo the
//! new count differs goes to another partition — and records of that key are no longer in one
//! partition's order. The producer remembers what its last change of partition count moved.

use super::partitioner::{key_of, partition_for_key};
use serde::Serialize;

/// How many moved keys are kept by name, for the page to show.
pub const SAMPLE_KEYS: usize = 5;

/// What one change of the partition count did to the producer's keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeysMoved {
    pub from_partitions: i32,
    pub to_partitions: i32,
    /// Keys the producer cycles through.
    pub keys: u32,
    /// How many of them land on another partition now.
    pub moved: u32,
    /// The first few moved keys: (key, old partition, new partition).
    pub sample: Vec<(String, i32, i32)>,
}

impl KeysMoved {
    /// Where each of `keys` keys went when `from` partitions became `to`.
    pub fn compute(keys: u32, from: i32, to: i32) -> KeysMoved {
        let mut moved = 0;
        let mut sample = Vec::new();
        for k in 0..keys {
            let key = key_of(u64::from(k), keys);
            let (old, new) = (partition_for_key(&key, from), partition_for_key(&key, to));
            if old != new {
                moved += 1;
                if sample.len() < SAMPLE_KEYS {
                    sample.push((key, old, new));
                }
            }
        }
        KeysMoved {
            from_partitions: from,
            to_partitions: to,
            keys,
            moved,
            sample,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growing_the_topic_moves_the_keys_whose_hash_modulo_changes() {
        let m = KeysMoved::compute(100, 6, 8);
        let by_hand = (0..100)
            .filter(|k| {
                let key = format!("key-{k}");
                partition_for_key(&key, 6) != partition_for_key(&key, 8)
            })
            .count();
        assert_eq!(m.moved as usize, by_hand);
        assert!(m.moved > 0 && m.moved < 100);
        assert_eq!(m.sample.len(), SAMPLE_KEYS);
        for (key, old, new) in &m.sample {
            assert_eq!(partition_for_key(key, 6), *old);
            assert_eq!(partition_for_key(key, 8), *new);
        }
        assert_eq!(KeysMoved::compute(100, 6, 6).moved, 0);
    }
}
