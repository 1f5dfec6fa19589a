//! What the page says about a poison pill: the producer control's button, a stuck consumer's card
//! (the exception Kafka 4.1's `poll()` throws, why the member stays in the group, what it costs) and
//! its "Seek past" button. The facts are `sim::client::deserialization`'s and
//! `sim::serialization`'s.

use crate::sim::serialization::Deserializer;
use crate::sim::snapshot::StuckOnRecord;

/// The producer control's poison pill button title.
pub fn poison_pill_title() -> &'static str {
    "Send one record with no key and the 6-byte value {\"id\": (JSON cut short) to the chosen partition. \
     IntegerDeserializer (not 4 bytes), LongDeserializer (not 8) and Connect's JsonDeserializer (not \
     complete JSON) reject it; StringDeserializer and ByteArrayDeserializer read any bytes, so their \
     consumers process it like any other record."
}

/// Why the producer control refused the partition typed for a poison pill.
pub fn partition_input_refused(partition: &str) -> String {
    format!("The poison pill's partition must be a whole number of 0 or more, not \"{partition}\".")
}

/// The stuck consumer's card: the exception, as Kafka words it.
pub fn stuck_headline(stuck: &StuckOnRecord) -> String {
    format!("poll() throws {}", stuck.message)
}

/// Why it is stuck, what it costs, and what the button does.
pub fn stuck_more(stuck: &StuckOnRecord) -> String {
    let class = stuck
        .deserializer
        .rsplit('.')
        .next()
        .unwrap_or(&stuck.deserializer);
    let why = match Deserializer::of(&stuck.deserializer) {
        Deserializer::ConnectJson => {
            format!("{class} (Connect's, not part of kafka-clients) could not parse the value")
        }
        _ => format!("{class} threw {}", stuck.cause),
    };
    format!(
        "{why}. The consumer returned the records before offset {offset} and then stopped there: every \
         poll() tries the record again and throws again, so nothing more is processed, from any of its \
         partitions, and their lag grows. A poll() that throws still counts as a poll (the poll timer is \
         reset before the records are collected), so the member keeps heartbeating and keeps its partitions: \
         max.poll.interval.ms never runs out and no rebalance rescues it. Another owner would meet the same \
         record at the committed offset. The application has to call seek({partition}, {next}) to skip it.",
        offset = stuck.offset,
        partition = stuck.partition,
        next = stuck.offset + 1,
    )
}

/// The "Seek past" button's title.
pub fn seek_past_title(stuck: &StuckOnRecord) -> String {
    format!(
        "The application calls seek({}, {}): the record at offset {} is skipped (never processed) and \
         reading resumes after it.",
        stuck.partition,
        stuck.offset + 1,
        stuck.offset
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::assign::TopicPartition;

    #[test]
    fn the_card_names_partition_offset_and_the_seek() {
        let stuck = StuckOnRecord {
            partition: TopicPartition::new("orders", 1),
            offset: 42,
            message: crate::sim::serialization::record_deserialization_message(
                crate::sim::serialization::DeserializationExceptionOrigin::Value,
                "orders-1",
                42,
            ),
            cause: "SerializationException: Size of data received by LongDeserializer is not 8"
                .into(),
            deserializer: "org.apache.kafka.common.serialization.LongDeserializer".into(),
        };
        assert_eq!(
            stuck_headline(&stuck),
            "poll() throws RecordDeserializationException: Error deserializing VALUE for partition orders-1 \
             at offset 42. If needed, please seek past the record to continue consumption."
        );
        assert!(stuck_more(&stuck).starts_with(
            "LongDeserializer threw SerializationException: Size of data received by LongDeserializer is not 8."
        ));
        assert!(stuck_more(&stuck).ends_with("seek(orders-1, 43) to skip it."));
        assert!(seek_past_title(&stuck).starts_with("The application calls seek(orders-1, 43)"));
    }
}
