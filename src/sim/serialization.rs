//! What a consumer's `key.deserializer` / `value.deserializer` makes of a record's bytes
//! (`org.apache.kafka.common.serialization`), and the one record the model's producers can send that
//! some of them cannot decode: the poison pill.
//!
//! The model's ordinary records are written by serializers that match the consumers' deserializers,
//! so they always decode; only the poison pill's value is checked here, byte for byte, as Kafka 4.1's
//! deserializers check it:
//! * `StringDeserializer` never throws: `new String(bytes, UTF_8)` replaces malformed input;
//! * `ByteArrayDeserializer` returns the bytes as they are;
//! * `IntegerDeserializer` throws unless there are exactly 4 bytes, `LongDeserializer` unless 8,
//!   `ShortDeserializer` unless 2, `DoubleDeserializer` unless 8, `FloatDeserializer` unless 4,
//!   `BooleanDeserializer` unless 1 (a `SerializationException` saying "Size of data received by
//!   IntegerDeserializer is not 4", and so on — the messages of the `ByteBuffer` overloads, which
//!   `CompletedFetch.parseRecord` calls; Float's says just "Deserializer");
//! * `UUIDDeserializer` throws unless the bytes are a UUID's text; `VoidDeserializer` throws
//!   (IllegalArgumentException) on any bytes at all;
//! * JSON: kafka-clients ships **no** JSON deserializer. The one in Kafka's repository is Connect's
//!   `org.apache.kafka.connect.json.JsonDeserializer` (artifact `connect-json`, Jackson's `readTree`),
//!   which wraps any parse error in a `SerializationException`; applications often write their own
//!   the same way. The model checks the bytes are one complete JSON value.
//!
//! A null key or value is never given to a deserializer (`CompletedFetch.parseRecord`), so the pill
//! has no key and its failure is always the VALUE's.

use std::fmt;

/// The poison pill's value: the UTF-8 text `{"id":`, a JSON object cut short — 6 bytes. A valid
/// string, and any bytes are a valid `byte[]`; not 4 bytes (Integer), not 8 (Long, Double), not 2
/// (Short), not complete JSON.
pub const POISON_PILL_VALUE: &[u8] = b"{\"id\":";

/// Where Kafka's `RecordDeserializationException` says the failure was
/// (`DeserializationExceptionOrigin`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeserializationExceptionOrigin {
    Key,
    Value,
}

impl fmt::Display for DeserializationExceptionOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DeserializationExceptionOrigin::Key => "KEY",
            DeserializationExceptionOrigin::Value => "VALUE",
        })
    }
}

/// A deserializer class, by what it accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Deserializer {
    String,
    ByteArray,
    Short,
    Integer,
    Long,
    Double,
    Float,
    Boolean,
    Uuid,
    Void,
    /// Connect's `org.apache.kafka.connect.json.JsonDeserializer` (not part of kafka-clients).
    ConnectJson,
    /// A class the lab does not know: it decodes whatever the model's records carry.
    Other(String),
}

/// Connect's JSON deserializer class: the only JSON `Deserializer` in Kafka's own repository.
pub const CONNECT_JSON_DESERIALIZER: &str = "org.apache.kafka.connect.json.JsonDeserializer";

impl Deserializer {
    /// The deserializer a `key.deserializer` / `value.deserializer` class names.
    pub fn of(class: &str) -> Deserializer {
        let class = class.trim();
        if class == CONNECT_JSON_DESERIALIZER {
            return Deserializer::ConnectJson;
        }
        // Compared by the simple name after Kafka's package: a consumer asks at every Fetch answer,
        // so no class name is built to compare with.
        let simple = class.strip_prefix("org.apache.kafka.common.serialization.");
        match simple {
            Some("StringDeserializer") => Deserializer::String,
            Some("ByteArrayDeserializer") => Deserializer::ByteArray,
            Some("ShortDeserializer") => Deserializer::Short,
            Some("IntegerDeserializer") => Deserializer::Integer,
            Some("LongDeserializer") => Deserializer::Long,
            Some("DoubleDeserializer") => Deserializer::Double,
            Some("FloatDeserializer") => Deserializer::Float,
            Some("BooleanDeserializer") => Deserializer::Boolean,
            Some("UUIDDeserializer") => Deserializer::Uuid,
            Some("VoidDeserializer") => Deserializer::Void,
            _ => Deserializer::Other(class.to_string()),
        }
    }

    /// `deserialize(topic, headers, data)` on non-null bytes: `Err` with the `SerializationException`
    /// it throws.
    pub fn deserialize(&self, data: &[u8]) -> Result<(), String> {
        let sized = |name: &str, size: usize| {
            if data.len() == size {
                Ok(())
            } else {
                Err(format!(
                    "SerializationException: Size of data received by {name} is not {size}"
                ))
            }
        };
        match self {
            Deserializer::String | Deserializer::ByteArray | Deserializer::Other(_) => Ok(()),
            Deserializer::Short => sized("ShortDeserializer", 2),
            Deserializer::Integer => sized("IntegerDeserializer", 4),
            Deserializer::Long => sized("LongDeserializer", 8),
            Deserializer::Double => sized("DoubleDeserializer", 8),
            Deserializer::Float => sized("Deserializer", 4),
            Deserializer::Boolean => sized("BooleanDeserializer", 1).and_then(|()| match data[0] {
                0 | 1 => Ok(()),
                b => Err(format!(
                    "SerializationException: Unexpected byte received by BooleanDeserializer: {b}"
                )),
            }),
            Deserializer::Uuid => {
                let text = std::str::from_utf8(data).unwrap_or("");
                let groups: Vec<&str> = text.split('-').collect();
                let is_uuid = groups.len() == 5
                    && groups
                        .iter()
                        .all(|g| !g.is_empty() && g.chars().all(|c| c.is_ascii_hexdigit()));
                if is_uuid {
                    Ok(())
                } else {
                    Err("SerializationException: Error parsing data into UUID".to_string())
                }
            }
            Deserializer::Void => Err(
                "IllegalArgumentException: Data should be null for a VoidDeserializer.".to_string(),
            ),
            Deserializer::ConnectJson => serde_json::from_slice::<serde::de::IgnoredAny>(data)
                .map(|_| ())
                .map_err(|_| {
                    "SerializationException wrapping Jackson's parse error: the bytes are not complete JSON"
                        .to_string()
                }),
        }
    }

    /// Whether this deserializer throws on the poison pill's value.
    pub fn rejects_poison_pill(&self) -> bool {
        self.deserialize(POISON_PILL_VALUE).is_err()
    }
}

/// `CompletedFetch.newRecordDeserializationException`'s message, word for word.
pub fn record_deserialization_message(
    origin: DeserializationExceptionOrigin,
    partition: &str,
    offset: i64,
) -> String {
    format!(
        "RecordDeserializationException: Error deserializing {origin} for partition {partition} at offset {offset}. \
         If needed, please seek past the record to continue consumption."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_each_deserializer_makes_of_the_pill() {
        let of = |simple: &str| {
            Deserializer::of(&format!("org.apache.kafka.common.serialization.{simple}"))
        };
        assert!(!of("StringDeserializer").rejects_poison_pill());
        assert!(!of("ByteArrayDeserializer").rejects_poison_pill());
        assert!(of("IntegerDeserializer").rejects_poison_pill());
        assert!(of("LongDeserializer").rejects_poison_pill());
        assert!(Deserializer::of(CONNECT_JSON_DESERIALIZER).rejects_poison_pill());
        assert_eq!(of("IntegerDeserializer").deserialize(&[0, 0, 0, 7]), Ok(()));
        assert_eq!(
            of("LongDeserializer").deserialize(POISON_PILL_VALUE),
            Err(
                "SerializationException: Size of data received by LongDeserializer is not 8".into()
            )
        );
        assert_eq!(
            Deserializer::of(CONNECT_JSON_DESERIALIZER).deserialize(b"{\"id\":1}"),
            Ok(())
        );
        for simple in [
            "FloatDeserializer",
            "BooleanDeserializer",
            "UUIDDeserializer",
            "VoidDeserializer",
        ] {
            assert!(of(simple).rejects_poison_pill(), "{simple}");
        }
        assert_eq!(of("BooleanDeserializer").deserialize(&[1]), Ok(()));
        assert_eq!(
            of("UUIDDeserializer").deserialize(b"123e4567-e89b-12d3-a456-426614174000"),
            Ok(())
        );
    }
}
