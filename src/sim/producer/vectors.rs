//! The keyed-partition vector format (`kafka-keyed-partition-vectors/1`): keys with a partition count,
//! and Kafka's `murmur2` and `partition` for each. [`answer_vectors`] fills in the model's own values,
//! so anyone can diff the model against Kafka (`lab partition VECTORS.json`).

use super::partitioner::{murmur2, partition_for_key};
use serde_json::{Map, Value};

/// The same JSON with the model's `murmur2` and `partition` for each vector's `key` and `partitions`;
/// every other field is kept as it was. One vector per line, as the shipped files are.
pub fn answer_vectors(text: &str) -> Result<String, String> {
    let mut file: Map<String, Value> =
        serde_json::from_str(text).map_err(|e| format!("not a vector file: {e}"))?;
    let vectors = file
        .remove("vectors")
        .ok_or("no \"vectors\" array in the file")?;
    let Value::Array(vectors) = vectors else {
        return Err("\"vectors\" is not an array".into());
    };
    let mut lines = Vec::with_capacity(vectors.len());
    for (i, vector) in vectors.into_iter().enumerate() {
        let Value::Object(mut v) = vector else {
            return Err(format!("vectors[{i}] is not an object"));
        };
        let key = v
            .get("key")
            .and_then(Value::as_str)
            .ok_or(format!("vectors[{i}]: \"key\" must be a string"))?
            .to_string();
        let partitions = v
            .get("partitions")
            .and_then(Value::as_i64)
            .filter(|n| (1..=i64::from(i32::MAX)).contains(n))
            .ok_or(format!(
                "vectors[{i}]: \"partitions\" must be a count of at least 1"
            ))?;
        let partitions = i32::try_from(partitions).unwrap_or(1);
        v.insert("murmur2".into(), murmur2(key.as_bytes()).into());
        v.insert(
            "partition".into(),
            partition_for_key(&key, partitions).into(),
        );
        lines.push(serde_json::to_string(&Value::Object(v)).unwrap_or_default());
    }
    let mut head = serde_json::to_string(&Value::Object(file)).unwrap_or_default();
    head.pop(); // the closing brace: the vectors follow
    let comma = if head.len() > 1 { "," } else { "" };
    Ok(format!(
        "{head}{comma}\"vectors\":[\n{}\n]}}\n",
        lines.join(",\n")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_in_the_models_partition_and_keeps_the_rest() {
        let text =
            r#"{"format":"f","vectors":[{"key":"abc","partitions":3,"partition":-1,"note":"x"}]}"#;
        let out = answer_vectors(text).unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["format"], "f");
        assert_eq!(v["vectors"][0]["murmur2"], 479470107);
        assert_eq!(v["vectors"][0]["partition"], 479470107 % 3);
        assert_eq!(v["vectors"][0]["note"], "x");
    }

    #[test]
    fn bad_files_are_explained() {
        assert!(answer_vectors("[]")
            .unwrap_err()
            .contains("not a vector file"));
        assert!(answer_vectors("{}").unwrap_err().contains("no \"vectors\""));
        let zero = r#"{"vectors":[{"key":"a","partitions":0}]}"#;
        assert!(answer_vectors(zero).unwrap_err().contains("vectors[0]"));
    }
}
