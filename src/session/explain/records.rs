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
    match log.poison_pills.as_slice() {
        [] => {}
        [one] => line.push_str(&format!(" · poison pill at {one}")),
        many => {
            let offsets: Vec<String> = many.iter().map(ToString::to_string).collect();
            line.push_str(&format!(" · poison pills at {}", offsets.join(", ")));
        }
    }
    if log.skipped > 0 {
        line.push_str(&format!(" · {} skipped by seek", log.skipped));
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

/// What adding partitions did to a keyed producer's keys, e.g. "orders grew from 6 to 8 partitions:
/// 24 of 100 keys now land on another partition (key-0 P2→P6, …)".
pub fn keys_moved_line(topic: &str, m: &crate::sim::producer::keys_moved::KeysMoved) -> String {
    let sample: Vec<String> = m
        .sample
        .iter()
        .map(|(key, old, new)| format!("{key} P{old}→P{new}"))
        .collect();
    let more = if (m.sample.len() as u32) < m.moved {
        ", …"
    } else {
        ""
    };
    let which = if sample.is_empty() {
        String::new()
    } else {
        format!(" ({}{more})", sample.join(", "))
    };
    format!(
        "{topic} grew from {} to {} partitions: {} of {} keys now land on another partition{which}. \
         toPositive(murmur2(key)) % partitions changed for them, so a key's older records are on its old \
         partition and its newer ones on the new: their order across the two is lost.",
        m.from_partitions, m.to_partitions, m.moved, m.keys
    )
}

/// What the producer control's two numbers mean.
pub fn producer_hint() -> &'static str {
    "Records per second (0 pauses the producer) and keys: with keys, each record goes to \
     toPositive(murmur2(key)) % partitions, so a key always lands on the same partition until partitions \
     are added; with 0 keys the built-in sticky partitioner fills one partition per batch (batch.size, \
     16384 bytes) before it picks another at random."
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
    fn the_producer_hint_carries_no_runs_of_spaces() {
        let hint = producer_hint();
        assert!(!hint.contains("  "), "{hint:?}");
        assert!(hint.contains("each record goes to toPositive(murmur2(key)) % partitions"));
    }

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
        let pill = PartitionLog {
            poison_pills: vec![4500],
            skipped: 1,
            duplicates: 0,
            ..log
        };
        let moved = crate::sim::producer::keys_moved::KeysMoved::compute(100, 6, 8);
        let line = keys_moved_line("orders", &moved);
        let (key, old, new) = &moved.sample[0];
        assert!(line.starts_with(&format!(
            "orders grew from 6 to 8 partitions: {} of 100 keys now land on another partition ({key} P{old}→P{new}, ",
            moved.moved
        )), "{line}");
        assert_eq!(
            partition_line(&pill),
            "P2 · log-end 4560 · committed 4456 · position none · lag 104 · poison pill at 4500 · 1 skipped by seek"
        );
    }
}
