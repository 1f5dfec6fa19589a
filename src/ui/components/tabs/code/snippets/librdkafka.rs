//! The consumer's configuration as librdkafka takes it (confluent-kafka-python and the rdkafka crate
//! both sit on it). Most names are Kafka's, but librdkafka refuses some values Java accepts, lacks the
//! eager sticky assignor, cannot mix cooperative and eager assignors, and has no deserializer settings:
//! each difference is translated or left out, with a comment saying which and why.

use super::ConsumerCode;
use crate::sim::assign::{AssignorName, RebalanceProtocol};
use crate::sim::config::AutoOffsetReset;

/// librdkafka's ranges (CONFIGURATION.md) where Java's are wider.
const SESSION_MAX: u64 = 3_600_000;
const MAX_POLL_MAX: u64 = 86_400_000;
const METADATA_MAX_AGE_MAX: u64 = 86_400_000;
const AUTO_COMMIT_MAX: u64 = 86_400_000;
const RETRY_BACKOFF_MAX: u64 = 300_000;

/// One line of a librdkafka configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    /// A setting, its value (`Number` is written bare), and a comment when it was translated.
    Set {
        name: String,
        value: Value,
        comment: Option<String>,
    },
    /// A comment only: a Java setting left out and why, or what librdkafka's own default does.
    Note(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Text(String),
    Number(u64),
    Bool(bool),
}

fn set(name: &str, value: Value, comment: Option<String>) -> Line {
    Line::Set {
        name: name.to_string(),
        value,
        comment,
    }
}

/// A number within librdkafka's `1..=max` (0 allowed when `zero_ok`), or the nearest it takes.
fn number(name: &str, value: u64, max: u64) -> Line {
    if value > max {
        set(
            name,
            Value::Number(max),
            Some(format!("Java's {value}: librdkafka's maximum is {max}")),
        )
    } else {
        set(name, Value::Number(value), None)
    }
}

/// Every setting the snippet writes, in the consumer's order, as librdkafka takes it.
pub fn lines(code: &ConsumerCode) -> Vec<Line> {
    let c = code.config;
    let mut out = Vec::new();
    for (name, value) in code.settings() {
        let line = match name {
            // The plain consumer hands out bytes: the snippet deserializes them itself.
            "key.deserializer" | "value.deserializer" => continue,
            "partition.assignment.strategy" => strategy(code),
            "session.timeout.ms" => number(name, c.session_timeout_ms, SESSION_MAX),
            "heartbeat.interval.ms" => number(name, c.heartbeat_interval_ms, SESSION_MAX),
            "max.poll.interval.ms" => continue, // below, once session.timeout.ms is known
            "metadata.max.age.ms" if c.metadata_max_age_ms == 0 => {
                let every = c.retry_backoff_ms.clamp(1, RETRY_BACKOFF_MAX);
                set(
                    name,
                    Value::Number(every),
                    Some(format!(
                        "Java's 0 refreshes every retry.backoff.ms ({every} ms); librdkafka's minimum is 1"
                    )),
                )
            }
            "metadata.max.age.ms" => number(name, c.metadata_max_age_ms, METADATA_MAX_AGE_MAX),
            "auto.commit.interval.ms" if c.auto_commit_interval_ms == 0 => set(
                name,
                Value::Number(1),
                Some("Java's 0 commits on every poll(); librdkafka's 0 would disable periodic commits".into()),
            ),
            "auto.commit.interval.ms" => number(name, c.auto_commit_interval_ms, AUTO_COMMIT_MAX),
            "retry.backoff.ms" if c.retry_backoff_ms == 0 => set(
                name,
                Value::Number(1),
                Some("Java's 0: librdkafka's minimum is 1".into()),
            ),
            "retry.backoff.ms" => number(name, c.retry_backoff_ms, RETRY_BACKOFF_MAX),
            "enable.auto.commit" => set(name, Value::Bool(c.enable_auto_commit), None),
            // Not a property of the librdkafka the rdkafka crate builds (2.12); confluent-kafka's
            // poll() returns one message whatever it is.
            "max.poll.records" => Line::Note(format!(
                "max.poll.records={}: Java's; poll() here returns one message at a time \
                 (confluent-kafka's consume(num_messages=...) takes a batch)",
                c.max_poll_records
            )),
            "auto.offset.reset" => match &c.auto_offset_reset {
                AutoOffsetReset::None => set(
                    name,
                    Value::Text("error".into()),
                    Some("Java's none: librdkafka calls it error (it refuses none)".into()),
                ),
                AutoOffsetReset::ByDuration(d) => Line::Note(format!(
                    "auto.offset.reset=by_duration:{d} is Java's (Kafka 4.0+); librdkafka has no such value"
                )),
                other => set(name, Value::Text(other.to_string()), None),
            },
            _ => set(name, Value::Text(value), None),
        };
        out.push(line);
    }
    if c.is_consumer_protocol() {
        // KIP-848: the broker assigns; librdkafka takes group.protocol and group.remote.assignor as
        // they are, and refuses the classic session, heartbeat and assignor settings, as Java does.
        if c.max_poll_interval_ms != 300_000 {
            out.push(number(
                "max.poll.interval.ms",
                c.max_poll_interval_ms,
                MAX_POLL_MAX,
            ));
        }
    } else if !code
        .settings()
        .iter()
        .any(|(n, _)| *n == "partition.assignment.strategy")
    {
        out.push(Line::Note(
            "partition.assignment.strategy: Java's default [range, cooperative-sticky] runs eager range; \
             librdkafka's default range,roundrobin selects range too"
                .into(),
        ));
    }
    if !c.is_consumer_protocol()
        && (c.max_poll_interval_ms != 300_000 || c.session_timeout_ms > 300_000)
    {
        out.push(max_poll_interval(code));
    }
    for (name, value) in &c.ignored {
        out.push(Line::Note(format!(
            "{name}={value}: not simulated by the lab; librdkafka refuses names it does not know, so check \
             its CONFIGURATION.md before adding it"
        )));
    }
    out
}

/// librdkafka refuses `max.poll.interval.ms` below `session.timeout.ms`, which Java allows.
fn max_poll_interval(code: &ConsumerCode) -> Line {
    let c = code.config;
    let session = c.session_timeout_ms.min(SESSION_MAX);
    let wanted = c.max_poll_interval_ms.min(MAX_POLL_MAX);
    if wanted < session {
        set(
            "max.poll.interval.ms",
            Value::Number(session),
            Some(format!(
                "Java's {}: librdkafka requires at least session.timeout.ms",
                c.max_poll_interval_ms
            )),
        )
    } else {
        number("max.poll.interval.ms", c.max_poll_interval_ms, MAX_POLL_MAX)
    }
}

/// librdkafka's `partition.assignment.strategy`: range, roundrobin or cooperative-sticky, never
/// cooperative and eager together, and no eager sticky.
fn strategy(code: &ConsumerCode) -> Line {
    let c = code.config;
    let name = "partition.assignment.strategy";
    if c.rebalance_protocol() == RebalanceProtocol::Cooperative {
        return set(name, Value::Text("cooperative-sticky".into()), None);
    }
    let eager: Vec<&str> = c
        .partition_assignment_strategy
        .iter()
        .filter(|a| matches!(a, AssignorName::Range | AssignorName::RoundRobin))
        .map(|a| a.protocol_name())
        .collect();
    let has = |a: AssignorName| c.partition_assignment_strategy.contains(&a);
    let mut notes = Vec::new();
    if has(AssignorName::Sticky) {
        notes.push(
            "librdkafka has no eager sticky assignor (its cooperative-sticky is sticky but cooperative)",
        );
    }
    if has(AssignorName::CooperativeSticky) {
        notes.push("cooperative-sticky is left out: librdkafka cannot mix it with eager assignors");
    }
    let (value, fallback) = if eager.is_empty() {
        ("range".to_string(), "so range, an eager one it has")
    } else {
        (eager.join(","), "")
    };
    let comment = (!notes.is_empty()).then(|| {
        let mut text = format!("Java's {}: {}", java_list(c), notes.join("; "));
        if !fallback.is_empty() {
            text.push_str(", ");
            text.push_str(fallback);
        }
        text
    });
    set(name, Value::Text(value), comment)
}

fn java_list(c: &crate::sim::config::ConsumerConfig) -> String {
    c.partition_assignment_strategy
        .iter()
        .map(|a| a.protocol_name())
        .collect::<Vec<_>>()
        .join(",")
}
