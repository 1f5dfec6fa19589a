//! Where a producer's record goes: Kafka's default partitioning (`KafkaProducer.partition` →
//! `BuiltInPartitioner`). A keyed record goes to `toPositive(murmur2(utf8(key))) % numPartitions`
//! (`BuiltInPartitioner.partitionForKey`, hashing with `Utils.murmur2`); an unkeyed record goes to the
//! topic's *sticky partition*, which changes only after `batch.size` bytes were produced to it (KIP-480,
//! KIP-794), to a partition picked uniformly at random. Kafka's adaptive partitioning weighs the pick by
//! each partition's queue of unsent batches, but when every queue has the same length (one broker,
//! nothing waiting, as in the model) `updatePartitionLoadStats` drops the statistics and
//! `nextPartition` picks uniformly.

use crate::sim::rng::SimRng;

/// `Utils.murmur2`: the 32-bit MurmurHash2 Kafka hashes keys with (seed `0x9747b28c`), on Java `int`s.
pub fn murmur2(data: &[u8]) -> i32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;
    let length = data.len();
    let mut h: u32 = SEED ^ (length as u32);
    let mut chunks = data.chunks_exact(4);
    for chunk in &mut chunks {
        let mut k = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    // The tail, as Java's fall-through `switch (length % 4)`.
    let tail = chunks.remainder();
    if tail.len() >= 3 {
        h ^= u32::from(tail[2]) << 16;
    }
    if tail.len() >= 2 {
        h ^= u32::from(tail[1]) << 8;
    }
    if !tail.is_empty() {
        h ^= u32::from(tail[0]);
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// `Utils.toPositive`: clears the sign bit (not `abs`, which would overflow on `Integer.MIN_VALUE`).
pub fn to_positive(n: i32) -> i32 {
    n & 0x7fff_ffff
}

/// `BuiltInPartitioner.partitionForKey`: the partition of a keyed record, from its serialized key
/// (a `StringSerializer` key is its UTF-8 bytes).
pub fn partition_for_key(key: &str, partitions: i32) -> i32 {
    to_positive(murmur2(key.as_bytes())) % partitions.max(1)
}

/// The key of a producer's `i`-th keyed record when it cycles through `keys` distinct keys.
pub fn key_of(i: u64, keys: u32) -> String {
    format!("key-{}", i % u64::from(keys.max(1)))
}

/// The built-in sticky partitioner of one topic: the partition unkeyed records go to now, and how many
/// bytes were produced to it since it was chosen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StickyPartition {
    current: Option<i32>,
    produced_bytes: u64,
}

impl StickyPartition {
    /// Places `records` unkeyed records of `record_bytes` each, calling `place(partition, count)` once
    /// per run of records that share a partition: the sticky partition takes records until `batch_size`
    /// bytes were produced to it (`updatePartitionInfo`), then a new one is drawn.
    pub fn place(
        &mut self,
        records: u64,
        record_bytes: u32,
        batch_size: u32,
        partitions: i32,
        rng: &mut SimRng,
        mut place: impl FnMut(i32, u64),
    ) {
        let record_bytes = u64::from(record_bytes.max(1));
        let batch_size = u64::from(batch_size.max(1));
        let mut left = records;
        while left > 0 {
            let partition = match self.current {
                Some(p) if p < partitions => p,
                _ => {
                    let p = next_partition(partitions, rng);
                    self.current = Some(p);
                    self.produced_bytes = 0;
                    p
                }
            };
            // Records until the produced bytes reach batch.size (at least one).
            let room = batch_size.saturating_sub(self.produced_bytes);
            let fit = room.div_ceil(record_bytes).max(1).min(left);
            place(partition, fit);
            left -= fit;
            self.produced_bytes += fit * record_bytes;
            if self.produced_bytes >= batch_size {
                self.current = None;
            }
        }
    }

    /// The partition unkeyed records go to now, if one is chosen.
    pub fn current(&self) -> Option<i32> {
        self.current
    }
}

/// `nextPartition` without load statistics: `toPositive(random) % numPartitions`.
fn next_partition(partitions: i32, rng: &mut SimRng) -> i32 {
    let random = to_positive(rng.next_u64() as u32 as i32);
    random % partitions.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn murmur2_matches_kafkas_known_values() {
        // Values from Kafka's UtilsTest.testMurmur2.
        let cases: [(&[u8], i32); 6] = [
            (b"21", -973932308),
            (b"foobar", -790332482),
            (b"a-little-bit-long-string", -985981536),
            (b"a-little-bit-longer-string", -1486304829),
            (
                b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8",
                -58897971,
            ),
            (b"abc", 479470107),
        ];
        for (data, hash) in cases {
            assert_eq!(murmur2(data), hash, "{:?}", std::str::from_utf8(data));
        }
    }

    #[test]
    fn sticky_partition_changes_after_batch_size_bytes() {
        let mut rng = SimRng::new(7);
        let mut sticky = StickyPartition::default();
        let mut runs = Vec::new();
        sticky.place(350, 100, 16_384, 6, &mut rng, |p, n| runs.push((p, n)));
        // 16,384 bytes hold 164 records of 100 bytes (the last one crosses the line).
        let counts: Vec<u64> = runs.iter().map(|r| r.1).collect();
        assert_eq!(counts, vec![164, 164, 22]);
        assert!(runs.iter().all(|(p, _)| (0..6).contains(p)));
    }
}
