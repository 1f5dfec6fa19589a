//! The checks Kafka's Admin API makes before it changes a topic (`createTopics`, `deleteTopics`,
//! `createPartitions`), answered with the exception a real application would meet. The World runs them
//! for the user's actions and a scenario for its topic list, so both refuse alike.

use crate::sim::action::ActionError;
use crate::sim::limits::{Limit, LimitExceeded};
use std::collections::BTreeMap;

/// `createTopics`: a legal, new name and at least one partition.
pub fn check_create_topic(
    topics: &BTreeMap<String, i32>,
    name: &str,
    partitions: i32,
) -> Result<(), ActionError> {
    if !valid_topic_name(name) {
        return Err(ActionError::InvalidTopic {
            name: name.to_string(),
        });
    }
    if topics.contains_key(name) {
        return Err(ActionError::TopicAlreadyExists {
            topic: name.to_string(),
        });
    }
    if partitions < 1 {
        return Err(ActionError::NoPartitions {
            topic: name.to_string(),
            requested: partitions,
        });
    }
    LimitExceeded::check(Limit::PartitionsPerTopic, partitions as u64)?;
    LimitExceeded::check(Limit::Topics, topics.len() as u64 + 1)?;
    check_total(topics, partitions)
}

/// The cluster's partitions, with `extra` more, stay within the simulator's limit.
fn check_total(topics: &BTreeMap<String, i32>, extra: i32) -> Result<(), ActionError> {
    let total: i64 = topics.values().map(|&p| i64::from(p)).sum::<i64>() + i64::from(extra);
    Ok(LimitExceeded::check(
        Limit::PartitionsTotal,
        total.max(0) as u64,
    )?)
}

/// `deleteTopics`: the topic must exist.
pub fn check_delete_topic(topics: &BTreeMap<String, i32>, name: &str) -> Result<(), ActionError> {
    if topics.contains_key(name) {
        Ok(())
    } else {
        Err(ActionError::UnknownTopic {
            topic: name.to_string(),
        })
    }
}

/// `createPartitions`: Kafka only ever adds partitions.
pub fn check_create_partitions(
    topics: &BTreeMap<String, i32>,
    topic: &str,
    total: i32,
) -> Result<(), ActionError> {
    let Some(&current) = topics.get(topic) else {
        return Err(ActionError::UnknownTopic {
            topic: topic.to_string(),
        });
    };
    if total <= current {
        return Err(ActionError::InvalidPartitions {
            topic: topic.to_string(),
            current,
            requested: total,
        });
    }
    LimitExceeded::check(Limit::PartitionsPerTopic, total as u64)?;
    check_total(topics, total - current)
}

/// Kafka's legal topic names: 1–249 characters of `[a-zA-Z0-9._-]`, not "." or "..".
fn valid_topic_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 249
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}
