//! A message's fields as the protocol view prints them: JSON, with partition lists grouped per topic
//! the way Kafka's own schemas carry them (`{topic, partitions: [..]}`), and lists of plain values
//! kept on one line, so an assignment reads at a glance instead of one partition per six lines.

use serde::Serialize;
use serde_json::{Map, Value};

/// Pretty JSON of `message`, compacted for reading.
pub fn message_fields(message: &impl Serialize) -> String {
    match serde_json::to_value(message) {
        Ok(value) => {
            let mut out = String::new();
            write_value(&mut out, &group_partitions(value), 0);
            out
        }
        Err(e) => format!("(fields unavailable: {e})"),
    }
}

/// Replaces every list of `{topic, partition}` objects by one `{topic, partitions}` per topic, in
/// the order the topics first appear.
fn group_partitions(value: Value) -> Value {
    match value {
        Value::Array(items) if !items.is_empty() && items.iter().all(is_topic_partition) => {
            let mut grouped: Vec<(String, Vec<Value>)> = Vec::new();
            for item in items {
                let topic = item["topic"].as_str().unwrap_or_default().to_string();
                let partition = item["partition"].clone();
                match grouped.iter_mut().find(|(t, _)| *t == topic) {
                    Some((_, partitions)) => partitions.push(partition),
                    None => grouped.push((topic, vec![partition])),
                }
            }
            Value::Array(
                grouped
                    .into_iter()
                    .map(|(topic, partitions)| {
                        let mut m = Map::new();
                        m.insert("topic".into(), Value::String(topic));
                        m.insert("partitions".into(), Value::Array(partitions));
                        Value::Object(m)
                    })
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(group_partitions).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, group_partitions(v)))
                .collect(),
        ),
        other => other,
    }
}

fn is_topic_partition(v: &Value) -> bool {
    v.as_object().is_some_and(|m| {
        m.len() == 2 && m.get("topic").is_some_and(Value::is_string) && m.contains_key("partition")
    })
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

fn write_value(out: &mut String, v: &Value, depth: usize) {
    match v {
        Value::Array(items) if items.iter().all(is_scalar) => {
            let inline: Vec<String> = items.iter().map(Value::to_string).collect();
            out.push('[');
            out.push_str(&inline.join(", "));
            out.push(']');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                indent(out, depth + 1);
                write_value(out, item, depth + 1);
            }
            out.push('\n');
            indent(out, depth);
            out.push(']');
        }
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                indent(out, depth + 1);
                out.push_str(&Value::String(k.clone()).to_string());
                out.push_str(": ");
                write_value(out, item, depth + 1);
            }
            out.push('\n');
            indent(out, depth);
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

fn indent(out: &mut String, depth: usize) {
    out.push_str(&"  ".repeat(depth));
}

#[cfg(test)]
mod tests {
    use super::message_fields;
    use serde_json::json;

    #[test]
    fn partition_lists_are_grouped_per_topic_on_one_line() {
        let message = json!({
            "api": "SyncGroup",
            "assignments": [{
                "member_id": "m1",
                "assignment": [
                    { "topic": "orders", "partition": 0 },
                    { "topic": "orders", "partition": 1 },
                    { "topic": "audit", "partition": 3 }
                ]
            }],
            "empty": [],
            "none": {}
        });
        let expected = r#"{
  "api": "SyncGroup",
  "assignments": [
    {
      "member_id": "m1",
      "assignment": [
        {
          "topic": "orders",
          "partitions": [0, 1]
        },
        {
          "topic": "audit",
          "partitions": [3]
        }
      ]
    }
  ],
  "empty": [],
  "none": {}
}"#;
        assert_eq!(message_fields(&message), expected);
    }

    #[test]
    fn the_output_is_still_json() {
        let message = json!({ "topics": ["a", "b"], "n": 1, "s": "x\"y" });
        let back: serde_json::Value = serde_json::from_str(&message_fields(&message)).unwrap();
        assert_eq!(back, message);
    }
}
