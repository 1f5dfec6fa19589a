//! What a Java deserializer makes of a record's bytes, and how the other languages do the same with
//! the bytes their plain consumers return: Kafka's serializers write numbers big-endian, strings as
//! UTF-8.

use crate::sim::serialization::CONNECT_JSON_DESERIALIZER;

/// A key or value deserializer, by what it produces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Payload {
    String,
    Bytes,
    Long,
    Integer,
    Double,
    /// Connect's `org.apache.kafka.connect.json.JsonDeserializer` (artifact `connect-json`): Jackson's
    /// `readTree`, one JSON value as a `JsonNode`.
    ConnectJson,
    /// Confluent's `KafkaAvroDeserializer`: needs a Schema Registry (`schema.registry.url`).
    Avro,
    /// Any other class: the code hands over the bytes and says which class would decode them.
    Other(String),
}

impl Payload {
    /// The deserializer named by a `key.deserializer` / `value.deserializer` class.
    pub fn of(class: &str) -> Payload {
        // Only Connect's class by its full name: Spring's and Confluent's JSON deserializers differ.
        if class.trim() == CONNECT_JSON_DESERIALIZER {
            return Payload::ConnectJson;
        }
        match class.rsplit('.').next().unwrap_or(class) {
            "StringDeserializer" => Payload::String,
            "ByteArrayDeserializer" => Payload::Bytes,
            "LongDeserializer" => Payload::Long,
            "IntegerDeserializer" => Payload::Integer,
            "DoubleDeserializer" => Payload::Double,
            "KafkaAvroDeserializer" => Payload::Avro,
            _ => Payload::Other(class.to_string()),
        }
    }

    /// The Java type a `KafkaConsumer` built with this deserializer hands out.
    pub fn java_type(&self) -> &'static str {
        match self {
            Payload::String => "String",
            Payload::Bytes => "byte[]",
            Payload::Long => "Long",
            Payload::Integer => "Integer",
            Payload::Double => "Double",
            Payload::ConnectJson => "JsonNode",
            // A GenericRecord for record schemas, a boxed primitive for primitive ones.
            Payload::Avro | Payload::Other(_) => "Object",
        }
    }

    /// The body of a Python function turning `data` (bytes or None) into the value, with a comment.
    pub fn python_body(&self) -> String {
        match self {
            Payload::String => {
                "return None if data is None else data.decode(\"utf-8\", \"replace\")  # StringDeserializer: malformed bytes become U+FFFD, as in Java".into()
            }
            Payload::Bytes => "return data  # ByteArrayDeserializer: the bytes as they are".into(),
            Payload::Long => "return None if data is None else struct.unpack(\">q\", data)[0]  # LongDeserializer: 8 bytes, big-endian".into(),
            Payload::Integer => "return None if data is None else struct.unpack(\">i\", data)[0]  # IntegerDeserializer: 4 bytes, big-endian".into(),
            Payload::Double => "return None if data is None else struct.unpack(\">d\", data)[0]  # DoubleDeserializer: 8 bytes, big-endian".into(),
            Payload::ConnectJson => "return None if data is None else json.loads(data)  # Connect's JsonDeserializer: one JSON value".into(),
            Payload::Avro => "return data  # KafkaAvroDeserializer: decode with confluent_kafka.schema_registry.avro.AvroDeserializer and a SchemaRegistryClient".into(),
            Payload::Other(class) => format!("return data  # {class}: decode the bytes as that class does"),
        }
    }

    /// Whether the Python body needs `import struct`.
    pub fn python_needs_struct(&self) -> bool {
        matches!(self, Payload::Long | Payload::Integer | Payload::Double)
    }

    /// Whether the Python body needs `import json`.
    pub fn python_needs_json(&self) -> bool {
        *self == Payload::ConnectJson
    }

    /// The Rust type `process` receives, inside an `Option` (a record may have no key or value).
    pub fn rust_type(&self) -> &'static str {
        match self {
            // Java's `new String(data, UTF_8)` never fails: malformed bytes become U+FFFD, which is
            // `String::from_utf8_lossy` (borrowed when the bytes are valid UTF-8).
            Payload::String => "std::borrow::Cow<'_, str>",
            Payload::Bytes | Payload::Avro | Payload::Other(_) => "&[u8]",
            Payload::Long => "i64",
            Payload::Integer => "i32",
            Payload::Double => "f64",
            Payload::ConnectJson => "serde_json::Value",
        }
    }

    /// A Rust expression of type `Option<rust_type>` from `msg`'s key or payload (`field` is `key` or
    /// `payload`), using `?` for bytes that do not decode.
    pub fn rust_expr(&self, field: &str) -> String {
        let number = |ty: &str, n: usize| {
            format!("msg.{field}().map(|b| <[u8; {n}]>::try_from(b).map({ty}::from_be_bytes)).transpose()?")
        };
        match self {
            Payload::String => format!("msg.{field}().map(String::from_utf8_lossy)"),
            Payload::Bytes | Payload::Avro | Payload::Other(_) => format!("msg.{field}()"),
            Payload::Long => number("i64", 8),
            Payload::Integer => number("i32", 4),
            Payload::Double => number("f64", 8),
            Payload::ConnectJson => {
                format!(
                    "msg.{field}().map(serde_json::from_slice::<serde_json::Value>).transpose()?"
                )
            }
        }
    }

    /// What the Rust expression stands for, as a comment.
    pub fn rust_comment(&self) -> String {
        match self {
            Payload::String => {
                "StringDeserializer: UTF-8, malformed bytes become U+FFFD as in Java".into()
            }
            Payload::Bytes => "ByteArrayDeserializer: the bytes as they are".into(),
            Payload::Long => "LongDeserializer: 8 bytes, big-endian".into(),
            Payload::Integer => "IntegerDeserializer: 4 bytes, big-endian".into(),
            Payload::Double => "DoubleDeserializer: 8 bytes, big-endian".into(),
            Payload::ConnectJson => "Connect's JsonDeserializer: one JSON value".into(),
            Payload::Avro => "KafkaAvroDeserializer: decode with a Schema Registry client".into(),
            Payload::Other(class) => format!("{class}: decode the bytes as that class does"),
        }
    }
}
