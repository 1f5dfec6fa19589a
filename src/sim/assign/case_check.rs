//! What `lab assign` refuses before an assignor sees a case: inputs Kafka's assignors are never
//! handed (Kafka's metadata has no topic without partitions; the group coordinator gives every
//! member its own non-empty id; a member owns only partitions that exist), and sizes beyond what
//! this tool computes in a moment. A refused case gets its error in the results file; the others
//! run as usual.

use super::conformance::Case;
use std::collections::BTreeSet;
use std::fmt;

/// Partitions of all topics of one case together.
pub const MAX_CASE_PARTITIONS: i64 = 100_000;
/// Members of one case.
pub const MAX_CASE_MEMBERS: usize = 10_000;

/// Why a case is refused, naming the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaseError {
    /// `id` is empty: results are matched by it.
    EmptyCaseId,
    /// A topic name is empty.
    EmptyTopic,
    /// `topics` names the same topic twice.
    DuplicateTopic { topic: String },
    /// A partition count below 1.
    InvalidPartitions { topic: String, count: i32 },
    /// `members[index].id` is empty.
    EmptyMemberId { index: usize },
    /// `members[index].id` repeats `members[first].id`.
    DuplicateMemberId {
        index: usize,
        first: usize,
        id: String,
    },
    /// A member owns a partition its topic does not have.
    OwnedPartitionMissing {
        index: usize,
        topic: String,
        partition: i32,
    },
    /// More partitions or members than this tool computes in a moment.
    TooLarge {
        field: &'static str,
        value: u64,
        max: u64,
    },
}

impl fmt::Display for CaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InvalidCase: ")?;
        match self {
            CaseError::EmptyCaseId => f.write_str("id is empty; every case needs an id to match its result"),
            CaseError::EmptyTopic => f.write_str("topics: a topic needs a name"),
            CaseError::DuplicateTopic { topic } => {
                write!(f, "topics: \"{topic}\" is listed twice")
            }
            CaseError::InvalidPartitions { topic, count } => write!(
                f,
                "topics.{topic}: InvalidPartitionsException: Number of partitions must be larger than 0, not {count}."
            ),
            CaseError::EmptyMemberId { index } => write!(
                f,
                "members[{index}].id is empty; the group coordinator gives every member a non-empty id"
            ),
            CaseError::DuplicateMemberId { index, first, id } => write!(
                f,
                "members[{index}].id \"{id}\" is also members[{first}].id; member ids are unique within a group"
            ),
            CaseError::OwnedPartitionMissing {
                index,
                topic,
                partition,
            } => write!(
                f,
                "members[{index}].owned: {topic}-{partition} does not exist (topic {topic} has no partition {partition})"
            ),
            CaseError::TooLarge { field, value, max } => write!(
                f,
                "{field}: {value} is beyond what lab assign computes (at most {max})"
            ),
        }
    }
}

impl std::error::Error for CaseError {}

impl Case {
    /// The first reason to refuse this case, in the order a reader meets its fields.
    pub fn validate(&self) -> Result<(), CaseError> {
        if self.id.trim().is_empty() {
            return Err(CaseError::EmptyCaseId);
        }
        let mut names = BTreeSet::new();
        let mut total: i64 = 0;
        for (topic, count) in &self.topics {
            if topic.is_empty() {
                return Err(CaseError::EmptyTopic);
            }
            if !names.insert(topic.as_str()) {
                return Err(CaseError::DuplicateTopic {
                    topic: topic.clone(),
                });
            }
            if *count < 1 {
                return Err(CaseError::InvalidPartitions {
                    topic: topic.clone(),
                    count: *count,
                });
            }
            total += i64::from(*count);
        }
        if total > MAX_CASE_PARTITIONS {
            return Err(CaseError::TooLarge {
                field: "topics (partitions in all)",
                value: total as u64,
                max: MAX_CASE_PARTITIONS as u64,
            });
        }
        if self.members.len() > MAX_CASE_MEMBERS {
            return Err(CaseError::TooLarge {
                field: "members",
                value: self.members.len() as u64,
                max: MAX_CASE_MEMBERS as u64,
            });
        }
        let mut ids: std::collections::BTreeMap<&str, usize> = Default::default();
        for (index, m) in self.members.iter().enumerate() {
            if m.id.is_empty() {
                return Err(CaseError::EmptyMemberId { index });
            }
            if let Some(&first) = ids.get(m.id.as_str()) {
                return Err(CaseError::DuplicateMemberId {
                    index,
                    first,
                    id: m.id.clone(),
                });
            }
            ids.insert(&m.id, index);
            let missing = m.owned.iter().find(|(topic, p)| {
                *p < 0
                    || self
                        .topics
                        .iter()
                        .any(|(t, count)| t == topic && p >= count)
            });
            if let Some((topic, partition)) = missing {
                return Err(CaseError::OwnedPartitionMissing {
                    index,
                    topic: topic.clone(),
                    partition: *partition,
                });
            }
        }
        Ok(())
    }
}
