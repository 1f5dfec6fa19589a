//! The sizes the model supports. Kafka itself goes further (a topic may have tens of thousands of
//! partitions), but one deterministic World on one thread, redrawn by a browser page, does not:
//! beyond these a run takes minutes and the page freezes. Scenarios, saved sessions and the user's
//! actions are refused beyond them up front, with a message that says which limit and why.

use super::time::Millis;
use std::fmt;

/// Partitions of one topic.
pub const MAX_PARTITIONS_PER_TOPIC: i32 = 10_000;
/// Partitions of every topic together.
pub const MAX_PARTITIONS_TOTAL: i64 = 20_000;
/// Topics in the cluster at one time.
pub const MAX_TOPICS: usize = 100;
/// Consumers a scenario may start, counting `count` and every `add_consumer` (`lab run`, the
/// benchmarks; the page takes fewer, [`MAX_PAGE_CONSUMERS`]).
pub const MAX_CONSUMERS: usize = 1_000;
/// Consumers a run in the page may start, its scenario's and the learner's together. The page
/// redraws every consumer at every frame: at 1,000 consumers on 10,000 partitions eight seconds of
/// play took 53 s and the page stopped answering; at 500 it still answers.
pub const MAX_PAGE_CONSUMERS: usize = 500;
/// Timed actions in a scenario, or user actions in a session.
pub const MAX_ACTIONS: usize = 10_000;
/// Simulated time of one run: 24 hours.
pub const MAX_DURATION_MS: Millis = 86_400_000;
/// One-way network delay.
pub const MAX_NETWORK_LATENCY_MS: Millis = 10_000;
/// Consumers × simulated seconds of one run (`lab run`, a scenario loaded in the page): time and
/// the trace's memory grow with it (30 consumers for over 4 hours, 500 for 16 minutes, or 1,000
/// for 8).
pub const MAX_CONSUMER_SECONDS: u64 = 500_000;
/// What opening a share link replays at once, before the page draws again: consumers × simulated
/// seconds × strategies (30 consumers for over two hours under one strategy).
pub const MAX_REPLAY_CONSUMER_SECONDS: u64 = 250_000;

/// Which size a scenario or an action went beyond.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    PartitionsPerTopic,
    PartitionsTotal,
    Topics,
    Consumers,
    PageConsumers,
    Actions,
    Duration,
    NetworkLatency,
    ConsumerSeconds,
    ReplayWork,
}

impl Limit {
    /// The largest value the model accepts.
    pub fn max(self) -> u64 {
        match self {
            Limit::PartitionsPerTopic => MAX_PARTITIONS_PER_TOPIC as u64,
            Limit::PartitionsTotal => MAX_PARTITIONS_TOTAL as u64,
            Limit::Topics => MAX_TOPICS as u64,
            Limit::Consumers => MAX_CONSUMERS as u64,
            Limit::PageConsumers => MAX_PAGE_CONSUMERS as u64,
            Limit::Actions => MAX_ACTIONS as u64,
            Limit::Duration => MAX_DURATION_MS,
            Limit::NetworkLatency => MAX_NETWORK_LATENCY_MS,
            Limit::ConsumerSeconds => MAX_CONSUMER_SECONDS,
            Limit::ReplayWork => MAX_REPLAY_CONSUMER_SECONDS,
        }
    }

    /// What is counted, as a learner would say it.
    pub fn what(self) -> &'static str {
        match self {
            Limit::PartitionsPerTopic => "partitions per topic",
            Limit::PartitionsTotal => "partitions in the whole cluster",
            Limit::Topics => "topics",
            Limit::Consumers => "consumers in one scenario",
            Limit::PageConsumers => "consumers in one run of the page",
            Limit::Actions => "timed actions",
            Limit::Duration => "ms of simulated time (24 h)",
            Limit::NetworkLatency => "ms of network latency",
            Limit::ConsumerSeconds => "consumer-seconds in one run (consumers × simulated seconds)",
            Limit::ReplayWork => "consumer-seconds replayed when a link opens",
        }
    }

    /// Why the limit is there, as the refusal explains it.
    fn why(self) -> String {
        match self {
            Limit::PageConsumers => format!(
                "the page redraws every consumer at every frame; `lab run` takes up to {MAX_CONSUMERS}"
            ),
            _ => "Kafka may allow more, but a run this large would take minutes and freeze the page"
                .to_string(),
        }
    }

    /// Every limit, for the README's table and the tests.
    pub const ALL: [Limit; 10] = [
        Limit::PartitionsPerTopic,
        Limit::PartitionsTotal,
        Limit::Topics,
        Limit::Consumers,
        Limit::PageConsumers,
        Limit::Actions,
        Limit::Duration,
        Limit::NetworkLatency,
        Limit::ConsumerSeconds,
        Limit::ReplayWork,
    ];
}

/// A size beyond what the model supports: which limit, and the value asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LimitExceeded {
    pub limit: Limit,
    pub requested: u64,
}

impl LimitExceeded {
    /// `Ok` when `requested` is within `limit`.
    pub fn check(limit: Limit, requested: u64) -> Result<(), LimitExceeded> {
        if requested > limit.max() {
            Err(LimitExceeded { limit, requested })
        } else {
            Ok(())
        }
    }
}

impl fmt::Display for LimitExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is beyond what this simulator supports: at most {} {} ({})",
            self.requested,
            self.limit.max(),
            self.limit.what(),
            self.limit.why()
        )
    }
}

impl std::error::Error for LimitExceeded {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_size_within_the_limit_passes_and_beyond_it_is_explained() {
        assert!(LimitExceeded::check(Limit::PartitionsPerTopic, 10_000).is_ok());
        let e = LimitExceeded::check(Limit::PartitionsPerTopic, 1_000_000_000).unwrap_err();
        assert_eq!(e.limit, Limit::PartitionsPerTopic);
        assert!(e.to_string().starts_with(
            "1000000000 is beyond what this simulator supports: at most 10000 partitions per topic"
        ));
    }
}
