//! The client's cluster metadata: what the broker said the topics are, refreshed every
//! `metadata.max.age.ms`. The leader compares it with what it assigned to notice new partitions.

use super::{CoOut, KafkaConsumer};
use crate::sim::protocol::*;
use crate::sim::sort::CollectBTree;
use crate::sim::time::Millis;
use crate::sim::timer::{ConsumerTimer, Timer};
use std::collections::{BTreeMap, BTreeSet};

/// What the last Metadata response said, and when the client asks again.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Metadata {
    /// Every topic the broker reported, with its partition count.
    pub topics: BTreeMap<String, i32>,
    /// When `metadata.max.age.ms` next makes the client ask the broker again.
    pub next_refresh: Option<Millis>,
}

impl KafkaConsumer {
    pub(super) fn request_metadata(&mut self, out: &mut CoOut) {
        // An empty topic list asks for every topic, so the leader can see its followers' topics too.
        self.send(
            Request::Metadata(MetadataRequest { topics: Vec::new() }),
            out,
        );
    }

    pub(super) fn handle_metadata_response(
        &mut self,
        now: Millis,
        r: MetadataResponse,
        out: &mut CoOut,
    ) {
        self.metadata.topics = r.topics.into_iter().collect_map();
        // `Metadata.timeToNextUpdate`: the metadata expires after `metadata.max.age.ms`, but a refresh is
        // allowed only `retry.backoff.ms` after the last one; so `metadata.max.age.ms` 0 refreshes every
        // `retry.backoff.ms` (at least 1 ms here, where Kafka would spin).
        let wait = self
            .config
            .metadata_max_age_ms
            .max(self.config.retry_backoff_ms)
            .max(1);
        let refresh_at = now.saturating_add(wait);
        self.metadata.next_refresh = Some(refresh_at);
        out.set_timer(refresh_at, Timer::Consumer(ConsumerTimer::MetadataRefresh));
        self.wake_app_if_in_poll(now, out);
    }

    pub(super) fn metadata_snapshot(&self, topics: &BTreeSet<String>) -> BTreeMap<String, i32> {
        topics
            .iter()
            .filter_map(|t| self.metadata.topics.get(t).map(|p| (t.clone(), *p)))
            .collect_map()
    }
}
