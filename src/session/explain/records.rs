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
        };
        assert_eq!(
            partition_line(&log),
            "P2 · log-end 4560 · committed 4456 · position none · lag 104 · 12 read twice"
        );
    }
}
