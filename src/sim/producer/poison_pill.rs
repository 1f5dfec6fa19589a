//! The producer's application sends one record its consumers may not be able to decode:
//! `send(new ProducerRecord<>(topic, partition, null, POISON_PILL_VALUE))` — an explicit partition, no
//! key, the value `serialization::POISON_PILL_VALUE`. It waits in the accumulator behind the records
//! sent before it and leaves with them, so its offset is after theirs.

use super::KafkaProducer;
use crate::sim::actor::Out;
use crate::sim::rng::SimRng;
use crate::sim::time::Millis;
use crate::sim::timer::{ProducerTimer, Timer};

/// Why `send()` of a poison pill cannot go ahead now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PoisonPillRefusal {
    /// The producer has no metadata for its topic yet: `send()` would block until it has.
    NoMetadata,
    /// The partition is not in the producer's metadata: `send()` would wait `max.block.ms` for it and
    /// then throw a TimeoutException.
    NoSuchPartition { partition: i32, partitions: i32 },
}

impl KafkaProducer {
    /// Whether a poison pill for `partition` can be sent now.
    pub fn check_poison_pill(&self, partition: i32) -> Result<(), PoisonPillRefusal> {
        let partitions = self.partitions.ok_or(PoisonPillRefusal::NoMetadata)?;
        if !(0..partitions).contains(&partition) {
            return Err(PoisonPillRefusal::NoSuchPartition {
                partition,
                partitions,
            });
        }
        Ok(())
    }

    /// `send()` of the poison pill to `partition` (checked first with [`Self::check_poison_pill`]).
    pub fn send_poison_pill(
        &mut self,
        now: Millis,
        partition: i32,
        rng: &mut SimRng,
        out: &mut Out,
    ) {
        if self.check_poison_pill(partition).is_err() {
            return;
        }
        // The records the application sent before the pill are partitioned first: they precede it.
        self.partition_due(now, rng);
        let nothing_waits = self.accumulated.is_empty();
        let batch = self.accumulated.entry(partition).or_default();
        self.accumulated_pills
            .entry(partition)
            .or_default()
            .push(*batch);
        *batch += 1;
        self.poison_pills_sent += 1;
        // Records already waiting have the sender's wake-up set within `linger.ms`; otherwise the
        // pill starts the linger.
        if nothing_waits {
            let at = now.saturating_add(self.spec.linger_ms);
            out.set_timer(at, Timer::Producer(ProducerTimer::Send));
        }
    }

    /// Poison pills the application sent so far.
    pub fn poison_pills_sent(&self) -> u64 {
        self.poison_pills_sent
    }
}
