//! What the page says about records: the legend of the partition logs and each partition's line.
//! Lag is what `kafka-consumer-groups --describe` shows: the log-end offset minus the group's committed
//! offset. Records processed more than once are those a new owner read again from an older committed
//! offset after the partition moved (Kafka's consumer is at-least-once).

use crate::sim::delivery::PartitionLog;

/// The legend under the logs.
pub fn legend() -> &'static str {
    "Each bar is a partition's log, offset 0 on the left, the log-end offset on the right. Solid: \
     committed by the group. Light: processed by the owner (its position) but not yet committed. \
     Empty: lag to read. Lag is log-end offset minus committed offset, as kafka-consumer-groups \
     reports it. A partition that moves before its last records were committed is read again from \
     the committed offset by its new owner: those records are processed twice."
}

/// One partition's line, e.g. "P2 · log-end 4560 · committed 4456 · position 4559 · lag 104 · 12 read twice".
pub fn partition_line(log: &PartitionLog) -> String {
    let l = &log.lag;
    let mut line = format!(
        "P{} · log-end {} · committed {} · position {} · lag {}",
        l.partition.partition,
        l.log_end_offset,
        l.committed.map_or("none".to_string(), |c| c.to_string()),
        l.position.map_or("none".to_string(), |p| p.to_string()),
        l.lag
    );
    if log.duplicates > 0 {
        line.push_str(&format!(" · {} read twice", log.duplicates));
    }
    line
}

/// A producer's rate as the control shows it.
pub fn producer_line(records_per_sec: u32, keys: u32, sent: u64) -> String {
    let how = if records_per_sec == 0 {
        "paused".to_string()
    } else if keys == 0 {
        format!("{records_per_sec} records/s, unkeyed")
    } else {
        format!("{records_per_sec} records/s, {keys} keys")
    };
    format!("{how} · {sent} sent")
}

/// What the producer control's two numbers mean.
pub fn producer_hint() -> &'static str {
    "Records per second (0 pauses the producer) and keys: with keys, each record goes to      toPositive(murmur2(key)) % partitions, so a key always lands on the same partition until partitions      are added; with 0 keys the built-in sticky partitioner fills one partition per batch (batch.size,      16384 bytes) before it picks another at random."
}

/// Why the producer control refused what was typed.
pub fn producer_input_refused(rate: &str, keys: &str) -> String {
    format!(
        "Records per second and keys must be whole numbers of 0 or more, not \"{rate}\" and \"{keys}\"."
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::assign::TopicPartition;
    use crate::sim::delivery::PartitionLag;

    #[test]
    fn a_line_names_every_offset_and_the_duplicates() {
        let log = PartitionLog {
            lag: PartitionLag {
                group: "g".into(),
                partition: TopicPartition::new("orders", 2),
                log_end_offset: 4560,
                committed: Some(4456),
                position: None,
                owner: None,
                lag: 104,
            },
            duplicates: 12,
            poison_pills: Vec::new(),
            skipped: 0,
        };
        assert_eq!(
            partition_line(&log),
            "P2 · log-end 4560 · committed 4456 · position none · lag 104 · 12 read twice"
        );
    }
}
