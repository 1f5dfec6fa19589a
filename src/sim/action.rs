//! What a user (or a scenario) does to the World, and why the World may refuse it. `World::apply`
//! checks an action first and performs it only if the check passes, so a refusal changes nothing.

use super::config::{ConfigError, ConfigOverrides};
use super::limits::LimitExceeded;
use super::time::Millis;
use super::vocab::ConsumerState;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a restarted consumer does with its `group.instance.id`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstanceIdChange {
    #[default]
    Keep,
    /// Become (or stay) a static member with this id.
    Set(String),
    /// Become a dynamic member.
    Unset,
}

/// Something the user (or a scenario) does to the World. Written with serde's derive; read by
/// `action_json` (the same JSON, in much less of the page's code).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// Start a new consumer; it gets the next handle ("c4").
    AddConsumer {
        group: String,
        topics: Vec<String>,
        #[serde(default)]
        config: ConfigOverrides,
    },
    /// `consumer.close()`.
    CloseConsumer {
        consumer: String,
    },
    /// `kill -9` of the consumer's process.
    KillConsumer {
        consumer: String,
    },
    /// The application stops calling `poll()` for `ms`. The heartbeat thread keeps the session alive
    /// only until `max.poll.interval.ms`: then a dynamic member leaves, a static one goes silent.
    StallConsumer {
        consumer: String,
        ms: Millis,
    },
    /// Start a closed, killed or failed consumer again as a new process with the same handle.
    RestartConsumer {
        consumer: String,
        #[serde(default)]
        group_instance_id: InstanceIdChange,
    },
    AddTopic {
        name: String,
        partitions: i32,
    },
    DeleteTopic {
        name: String,
    },
    /// `createPartitions`: grow the topic to `total` partitions.
    AddPartitions {
        topic: String,
        total: i32,
    },
    /// Change a setting by Kafka name. Kafka reads client configs at construction, so a running
    /// consumer accepts only the simulation knobs; others apply at its next restart.
    SetConsumerConfig {
        consumer: String,
        name: String,
        value: String,
    },
    /// The producer's application sends `records_per_sec` from now on (0 pauses it), keyed over
    /// `keys` keys or unkeyed (0).
    SetProducerRate {
        producer: String,
        records_per_sec: u32,
        #[serde(default)]
        keys: u32,
    },
    /// The producer's application sends one poison pill to `partition`: a record with no key whose
    /// value (`serialization::POISON_PILL_VALUE`) Integer, Long and JSON deserializers reject.
    ProducePoisonPill {
        producer: String,
        #[serde(default)]
        partition: i32,
    },
    /// The consumer's application, stuck on a RecordDeserializationException, calls
    /// `seek(partition, offset + 1)` to skip the record.
    SeekPast {
        consumer: String,
    },
    /// A second thread of the consumer's application calls `poll()` on the same `KafkaConsumer`,
    /// timed to overlap the consumer's own thread's call (now if it is inside `poll()`, else its
    /// next one): Kafka's `acquire()` throws `ConcurrentModificationException` in the second thread
    /// and changes nothing.
    PollFromSecondThread {
        consumer: String,
    },
}

/// Why an action was refused; the World is unchanged. Topic refusals carry the name of the exception
/// Kafka's Admin client throws, since that is what a learner would meet in a real application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionError {
    /// No consumer has this handle. `known` lists the handles there are, for the message.
    UnknownConsumer { handle: String, known: Vec<String> },
    /// The consumer's process is gone (dead, closed, fenced or failed): restart it first.
    ConsumerNotRunning {
        handle: String,
        state: ConsumerState,
    },
    /// A restart needs the old process to be gone first.
    ConsumerStillRunning { handle: String },
    /// `close()` is under way: it waits for the answer to its final offset commit before it revokes,
    /// leaves and returns. Only a kill can cut it short.
    ConsumerClosing { handle: String },
    /// Kafka reads client settings once, in the `KafkaConsumer` constructor: only the simulation knobs
    /// may change while the consumer runs.
    SettingNeedsRestart { handle: String, name: String },
    /// A consumer belongs to one group for life; changing `group.id` means another consumer.
    GroupIdCannotChange,
    /// `subscribe()` with no topics.
    EmptySubscription,
    /// `subscribe()` with an empty topic name among them.
    BlankTopic,
    /// A stall of 0 ms would not stall anything.
    StallTooShort,
    /// `INVALID_TOPIC_EXCEPTION`: empty, too long, or characters outside Kafka's legal set; `reason`
    /// is `Topic.validate`'s.
    InvalidTopic { name: String, reason: String },
    /// `INVALID_TOPIC_EXCEPTION`: the name differs from an existing topic's only by '.' against '_'.
    TopicCollides { topic: String, existing: String },
    /// `TOPIC_ALREADY_EXISTS`.
    TopicAlreadyExists { topic: String },
    /// `UNKNOWN_TOPIC_OR_PARTITION`.
    UnknownTopic { topic: String },
    /// `INVALID_PARTITIONS` from `createTopics`: a topic needs at least one partition (-1 asks for the
    /// broker's `num.partitions`).
    NoPartitions { topic: String, requested: i32 },
    /// `INVALID_PARTITIONS` from `createPartitions`: Kafka only ever adds partitions.
    InvalidPartitions {
        topic: String,
        current: i32,
        requested: i32,
    },
    /// No producer has this handle.
    UnknownProducer { handle: String, known: Vec<String> },
    /// A producer rate or key count beyond what the model carries.
    ProducerRateTooHigh {
        what: &'static str,
        value: u32,
        max: u32,
    },
    /// A poison pill the producer cannot send now.
    PoisonPill {
        producer: String,
        topic: String,
        refusal: crate::sim::producer::PoisonPillRefusal,
    },
    /// A seek past a record from a consumer that is not stuck on one.
    NothingToSkip { handle: String },
    /// A consumer configuration the client would refuse.
    Config(ConfigError),
    /// Kafka would go on, but the simulator stops here (see `sim::limits`).
    BeyondLimit(LimitExceeded),
}

/// A scenario's timed action that the World refused when its time came (killing a consumer twice,
/// naming one that never started): the run goes on without it, as `lab run`'s summary and the page
/// say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefusedAction {
    pub at: Millis,
    /// The action's `type`, as a scenario file spells it (`kill_consumer`).
    pub kind: &'static str,
    pub error: ActionError,
}

impl fmt::Display for ActionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionError::UnknownConsumer { handle, known } if known.is_empty() => {
                write!(f, "there is no consumer {handle} (no consumers yet)")
            }
            ActionError::UnknownConsumer { handle, known } => write!(
                f,
                "there is no consumer {handle} (consumers: {})",
                known.join(", ")
            ),
            ActionError::ConsumerNotRunning { handle, state } => match state {
                ConsumerState::Dead => write!(f, "consumer {handle} is dead: restart it first"),
                ConsumerState::Closed => write!(f, "consumer {handle} is closed: restart it first"),
                other => write!(f, "consumer {handle} has failed ({other}): restart it first"),
            },
            ActionError::ConsumerClosing { handle } => write!(
                f,
                "consumer {handle} is still closing: close() waits for its final offset commit to be answered; let the clock run a moment"
            ),
            ActionError::ConsumerStillRunning { handle } => write!(
                f,
                "consumer {handle} is running: close or kill it before restarting it"
            ),
            ActionError::SettingNeedsRestart { handle, name } => write!(
                f,
                "consumer {handle} is running: Kafka reads {name} only when the consumer is created; close or kill it, change the setting, then restart it"
            ),
            ActionError::GroupIdCannotChange => {
                f.write_str("group.id cannot change: add a consumer to the other group instead")
            }
            ActionError::EmptySubscription => {
                f.write_str("a consumer must subscribe to at least one topic")
            }
            ActionError::BlankTopic => f.write_str(
                "IllegalArgumentException: Topic collection to subscribe to cannot contain null or empty topic",
            ),
            ActionError::StallTooShort => f.write_str("a stall must last at least 1 ms"),
            ActionError::InvalidTopic { reason, .. } => {
                write!(f, "InvalidTopicException: Topic name is invalid: {reason}")
            }
            ActionError::TopicCollides { topic, existing } => write!(
                f,
                "InvalidTopicException: Topic '{topic}' collides with existing topic: {existing}"
            ),
            ActionError::TopicAlreadyExists { topic } => {
                write!(f, "TopicExistsException: Topic '{topic}' already exists.")
            }
            // Kafka's controller throws it without a message: the error code's own text is shown.
            ActionError::UnknownTopic { .. } => f.write_str(
                "UnknownTopicOrPartitionException: This server does not host this topic-partition.",
            ),
            ActionError::NoPartitions { .. } => f.write_str(
                "InvalidPartitionsException: Number of partitions was set to an invalid non-positive value.",
            ),
            ActionError::InvalidPartitions {
                current, requested, ..
            } if requested == current => write!(
                f,
                "InvalidPartitionsException: Topic already has {current} partition(s)."
            ),
            ActionError::InvalidPartitions {
                topic,
                current,
                requested,
            } => write!(
                f,
                "InvalidPartitionsException: The topic {topic} currently has {current} partition(s); {requested} would not be an increase."
            ),
            ActionError::UnknownProducer { handle, known } if known.is_empty() => {
                write!(f, "there is no producer {handle} (the scenario has none)")
            }
            ActionError::UnknownProducer { handle, known } => write!(
                f,
                "there is no producer {handle} (producers: {})",
                known.join(", ")
            ),
            ActionError::ProducerRateTooHigh { what, value, max } => {
                write!(f, "{what} must be at most {max}, not {value}")
            }
            ActionError::PoisonPill {
                producer,
                refusal: crate::sim::producer::PoisonPillRefusal::NoMetadata,
                topic,
            } => write!(
                f,
                "producer {producer} has no metadata for {topic} yet: send() would block until it has; let the clock run a moment"
            ),
            ActionError::PoisonPill {
                producer,
                refusal:
                    crate::sim::producer::PoisonPillRefusal::NoSuchPartition {
                        partition,
                        partitions,
                    },
                topic,
            } => write!(
                f,
                "producer {producer} knows {partitions} partition(s) of {topic}, so partition {partition} is not one of them: \
                 send() would wait max.block.ms for it to appear in the metadata, then throw a TimeoutException"
            ),
            ActionError::NothingToSkip { handle } => write!(
                f,
                "consumer {handle} is not stuck on a record it cannot deserialize: its poll() threw no RecordDeserializationException, so there is nothing to seek past"
            ),
            ActionError::Config(error) => write!(f, "{error}"),
            ActionError::BeyondLimit(error) => write!(f, "{error}"),
        }
    }
}

// `Config` shows its ConfigError as the whole message, so it is not repeated as a `source()`.
impl std::error::Error for ActionError {}

impl From<LimitExceeded> for ActionError {
    fn from(error: LimitExceeded) -> Self {
        ActionError::BeyondLimit(error)
    }
}

impl From<ConfigError> for ActionError {
    fn from(error: ConfigError) -> Self {
        ActionError::Config(error)
    }
}

impl InstanceIdChange {
    /// The `group.instance.id` a restarted consumer gets.
    pub fn apply_to(&self, id: &mut Option<String>) {
        match self {
            InstanceIdChange::Keep => {}
            InstanceIdChange::Set(new) => *id = Some(new.clone()),
            InstanceIdChange::Unset => *id = None,
        }
    }
}
