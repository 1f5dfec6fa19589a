//! The checks Kafka's controller makes before it changes a topic (`createTopics`, `deleteTopics`,
//! `createPartitions`; KRaft's `ReplicationControlManager`), answered with the exception and message a
//! real Admin client would meet. The World runs them for the user's actions and a scenario for its
//! topic list, so both refuse alike.

use crate::sim::action::ActionError;
use crate::sim::limits::{Limit, LimitExceeded};
use std::collections::BTreeMap;

/// `createTopics` with this partition count means "the broker's `num.partitions`".
pub const DEFAULT_PARTITIONS: i32 = -1;

/// `createTopics`: a legal name that collides with no topic, a new name, and a partition count that is
/// positive or -1 (the broker's default).
pub fn check_create_topic(
    topics: &BTreeMap<String, i32>,
    name: &str,
    partitions: i32,
    num_partitions: u32,
) -> Result<(), ActionError> {
    if let Some(reason) = invalid_topic_name(name) {
        return Err(ActionError::InvalidTopic {
            name: name.to_string(),
            reason,
        });
    }
    if topics.contains_key(name) {
        return Err(ActionError::TopicAlreadyExists {
            topic: name.to_string(),
        });
    }
    // '.' and '_' collide in metric names, so Kafka refuses a topic that differs only there.
    if name.contains(['.', '_']) {
        let unified = name.replace('.', "_");
        if let Some(existing) = topics.keys().find(|t| t.replace('.', "_") == unified) {
            return Err(ActionError::TopicCollides {
                topic: name.to_string(),
                existing: existing.clone(),
            });
        }
    }
    if partitions == 0 || partitions < DEFAULT_PARTITIONS {
        return Err(ActionError::NoPartitions {
            topic: name.to_string(),
            requested: partitions,
        });
    }
    // The limits hold for what the topic gets: -1 becomes the broker's num.partitions.
    let created = partitions_to_create(partitions, num_partitions);
    LimitExceeded::check(Limit::PartitionsPerTopic, created as u64)?;
    LimitExceeded::check(Limit::Topics, topics.len() as u64 + 1)?;
    check_total(topics, created)
}

/// The cluster's partitions, with `extra` more, stay within the simulator's limit.
fn check_total(topics: &BTreeMap<String, i32>, extra: i32) -> Result<(), ActionError> {
    let total: i64 = topics.values().map(|&p| i64::from(p)).sum::<i64>() + i64::from(extra);
    Ok(LimitExceeded::check(
        Limit::PartitionsTotal,
        total.max(0) as u64,
    )?)
}

/// How many partitions `createTopics` gives a topic: the count asked for, or `num.partitions` for -1.
pub fn partitions_to_create(requested: i32, num_partitions: u32) -> i32 {
    if requested == DEFAULT_PARTITIONS {
        i32::try_from(num_partitions).unwrap_or(i32::MAX)
    } else {
        requested
    }
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

/// Why a topic name is illegal, in the words of Kafka's `Topic.validate`, or `None` for a legal one:
/// 1–249 characters of `[a-zA-Z0-9._-]`, not "." or "..".
fn invalid_topic_name(name: &str) -> Option<String> {
    if name.is_empty() {
        Some("the empty string is not allowed".into())
    } else if name == "." {
        Some("'.' is not allowed".into())
    } else if name == ".." {
        Some("'..' is not allowed".into())
    } else if name.chars().count() > 249 {
        Some(format!(
            "the length of '{name}' is longer than the max allowed length 249"
        ))
    } else if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        Some(format!(
            "'{name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topics() -> BTreeMap<String, i32> {
        [("orders".to_string(), 6), ("a.b".to_string(), 1)]
            .into_iter()
            .collect()
    }

    /// Each refusal in the words Kafka 4.1's controller (`ReplicationControlManager`, `Topic`) uses.
    #[test]
    fn refusals_quote_kafkas_kraft_controller() {
        let t = topics();
        let message = |r: Result<(), ActionError>| r.unwrap_err().to_string();
        assert_eq!(
            message(check_create_partitions(&t, "orders", 4)),
            "InvalidPartitionsException: The topic orders currently has 6 partition(s); 4 would not be an increase."
        );
        assert_eq!(
            message(check_create_partitions(&t, "orders", 6)),
            "InvalidPartitionsException: Topic already has 6 partition(s)."
        );
        assert_eq!(
            message(check_create_partitions(&t, "payments", 6)),
            "UnknownTopicOrPartitionException: This server does not host this topic-partition."
        );
        assert_eq!(
            message(check_create_topic(&t, "orders", 3, 1)),
            "TopicExistsException: Topic 'orders' already exists."
        );
        assert_eq!(
            message(check_create_topic(&t, "a_b", 3, 1)),
            "InvalidTopicException: Topic 'a_b' collides with existing topic: a.b"
        );
        assert_eq!(
            message(check_create_topic(&t, "bad name", 3, 1)),
            "InvalidTopicException: Topic name is invalid: 'bad name' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"
        );
        assert_eq!(
            message(check_create_topic(&t, "", 3, 1)),
            "InvalidTopicException: Topic name is invalid: the empty string is not allowed"
        );
        for bad in [0, -2] {
            assert_eq!(
                message(check_create_topic(&t, "payments", bad, 1)),
                "InvalidPartitionsException: Number of partitions was set to an invalid non-positive value."
            );
        }
        assert_eq!(
            message(check_delete_topic(&t, "payments")),
            "UnknownTopicOrPartitionException: This server does not host this topic-partition."
        );
    }

    #[test]
    fn minus_one_partitions_means_the_brokers_num_partitions() {
        assert_eq!(check_create_topic(&topics(), "payments", -1, 1), Ok(()));
        assert_eq!(partitions_to_create(-1, 3), 3);
        assert_eq!(partitions_to_create(5, 3), 5);
    }
}
