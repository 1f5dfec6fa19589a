//! Helpers shared by the scenario tests: build scenarios, run them with the invariant checker after
//! every event, and read ownership and rebalances back.
#![allow(dead_code)]

use rebalance_lab::session::{Lab, Session, Strategy};
use rebalance_lab::sim::assign::TopicPartition;
use rebalance_lab::sim::invariants::InvariantChecker;
use rebalance_lab::sim::metrics::{self, Metrics};
use rebalance_lab::sim::{Action, Millis, Scenario, World};
use rebalance_lab::sim::{CallbackKind, TraceEvent};
use std::collections::BTreeMap;

/// A page session over `scenario`, one lane per strategy, at time zero with no actions yet: what the
/// page holds right after a scenario is loaded.
pub fn lab(scenario: Scenario, strategies: Vec<Strategy>) -> Lab {
    Lab::new(Session {
        scenario,
        strategies,
        actions: Vec::new(),
        until_ms: 0,
    })
    .expect("the page accepts the session")
}

/// SplitMix64: small, seeded, the same everywhere; the random-action tests draw from it.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent` %.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

pub fn scenario(json: &str) -> Scenario {
    Scenario::from_json(json).expect("test scenario parses")
}

/// A config overrides object (JSON) with `client.id` set: Kafka's member ids start with the client id,
/// so naming consumers c1, c2, … makes them sort in that order, as the spec's canonical scenarios
/// (and the reference traces' harness) have them. Unset, every process is `consumer-<group>-1` and the
/// member ids sort by their random UUIDs.
pub fn with_client_id(config: &str, client_id: &str) -> String {
    let mut map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(config).expect("config overrides parse");
    map.insert("client.id".into(), client_id.into());
    serde_json::Value::Object(map).to_string()
}

/// Three consumers of group `g` on topic `t` (6 partitions), with the given config overrides (JSON
/// object), named c1 < c2 < c3 by `client.id`.
pub fn three_on_six(config: &str, broker: &str) -> Scenario {
    let consumers: Vec<String> = (1..=3)
        .map(|i| {
            format!(
                r#"{{ "group": "g", "topics": ["t"], "config": {} }}"#,
                with_client_id(config, &format!("c{i}"))
            )
        })
        .collect();
    scenario(&format!(
        r#"{{
            "seed": 7,
            "network_latency_ms": 2,
            "broker": {broker},
            "topics": [{{ "name": "t", "partitions": 6 }}],
            "consumers": [{}],
            "duration_ms": 600000
        }}"#,
        consumers.join(", ")
    ))
}

/// Runs to `t`, checking every invariant after every single event.
pub fn run_checked(world: &mut World, checker: &mut InvariantChecker, t: Millis) {
    checker
        .check(world)
        .unwrap_or_else(|e| panic!("invariant violated: {e}"));
    while world.next_event_time().is_some_and(|next| next <= t) {
        world.process_next_event();
        checker
            .check(world)
            .unwrap_or_else(|e| panic!("invariant violated: {e}"));
    }
    world.run_until(t);
}

pub fn apply(world: &mut World, action: Action) {
    world
        .apply(action)
        .unwrap_or_else(|e| panic!("action refused: {e}"));
}

/// Partition numbers a consumer owns now.
pub fn owned(world: &World, handle: &str) -> Vec<i32> {
    let snapshot = world.snapshot();
    let c = snapshot
        .consumers
        .iter()
        .find(|c| c.handle == handle)
        .unwrap_or_else(|| panic!("no consumer {handle}"));
    c.owned.iter().map(|tp| tp.partition).collect()
}

pub fn ownership(world: &World) -> BTreeMap<String, Vec<i32>> {
    world
        .snapshot()
        .consumers
        .iter()
        .filter(|c| c.state.is_running())
        .map(|c| {
            (
                c.handle.clone(),
                c.owned.iter().map(|tp| tp.partition).collect(),
            )
        })
        .collect()
}

pub fn generation(world: &World, group: &str) -> i32 {
    world
        .snapshot()
        .groups
        .iter()
        .find(|g| g.group_id == group)
        .map_or(0, |g| g.generation)
}

/// Callbacks of one kind after `since`, as (consumer, partitions, generation), in trace order.
pub fn callbacks(world: &World, kind: CallbackKind, since: Millis) -> Vec<(String, Vec<i32>, i32)> {
    world
        .trace()
        .iter()
        .filter(|e| e.at >= since)
        .filter_map(|e| match &e.event {
            TraceEvent::Callback {
                consumer,
                kind: k,
                partitions,
                generation,
                ..
            } if *k == kind => Some((
                consumer.clone(),
                partitions
                    .iter()
                    .map(|tp: &TopicPartition| tp.partition)
                    .collect(),
                *generation,
            )),
            _ => None,
        })
        .collect()
}

/// Non-empty revocations after `since`, by consumer (sorted), like the reference traces' summaries.
pub fn revoked_by(world: &World, since: Millis) -> BTreeMap<String, Vec<Vec<i32>>> {
    let mut map: BTreeMap<String, Vec<Vec<i32>>> = BTreeMap::new();
    for (c, p, _) in callbacks(world, CallbackKind::Revoked, since) {
        if !p.is_empty() {
            map.entry(c).or_default().push(p);
        }
    }
    map
}

pub fn metrics(world: &World) -> Metrics {
    metrics::compute(world.trace(), world.now())
}

/// Rebalances (generation bumps) of a group that started at or after `since`: (generation, reason label, start).
pub fn rebalances_since(world: &World, group: &str, since: Millis) -> Vec<(i32, String, Millis)> {
    metrics(world)
        .groups
        .get(group)
        .map(|g| {
            g.rebalances
                .iter()
                .filter(|r| r.join_completed_at >= since)
                .map(|r| (r.generation, r.reason_label.clone(), r.started_at))
                .collect()
        })
        .unwrap_or_default()
}

pub fn count_requests(world: &World, from: &str, api: &str, since: Millis) -> usize {
    world
        .trace()
        .iter()
        .filter(|e| e.at >= since)
        .filter(|e| match &e.event {
            TraceEvent::MessageSent {
                from: f, message, ..
            } => {
                f.to_string() == from
                    && message.api() == api
                    && matches!(
                        &**message,
                        rebalance_lab::sim::protocol::Message::Request { .. }
                    )
            }
            _ => false,
        })
        .count()
}

/// The consumer's last heartbeat request time before `t`.
pub fn last_heartbeat_before(world: &World, from: &str, t: Millis) -> Option<Millis> {
    world
        .trace()
        .iter()
        .filter(|e| e.at <= t)
        .filter(|e| match &e.event {
            TraceEvent::MessageDelivered {
                from: f, message, ..
            } => f.to_string() == from && message.api() == "Heartbeat",
            _ => false,
        })
        .map(|e| e.at)
        .next_back()
}

/// When the consumer's poll timer (max.poll.interval.ms) expired after `since`, and its last poll then.
pub fn poll_timeout_expired(
    world: &World,
    consumer: &str,
    since: Millis,
) -> Option<(Millis, Millis)> {
    world
        .trace()
        .iter()
        .filter(|e| e.at >= since)
        .find_map(|e| match &e.event {
            TraceEvent::PollTimeoutExpired {
                consumer: c,
                last_poll,
            } if c == consumer => Some((e.at, *last_poll)),
            _ => None,
        })
}

/// When the group became Stable at `generation`, if it did.
pub fn stable_at(world: &World, group: &str, generation: i32) -> Option<Millis> {
    metrics(world)
        .groups
        .get(group)?
        .rebalances
        .iter()
        .find(|r| r.generation == generation)?
        .stable_at
}

/// The group as the snapshot shows it.
pub fn group(world: &World, group: &str) -> rebalance_lab::sim::snapshot::GroupSnapshot {
    world
        .snapshot()
        .groups
        .into_iter()
        .find(|g| g.group_id == group)
        .unwrap_or_else(|| panic!("no group {group}"))
}

/// Every topic's log-end offsets, partition by partition, as the snapshot shows them.
pub fn all_log_ends(world: &World) -> Vec<(String, Vec<i64>)> {
    world
        .snapshot()
        .topics
        .into_iter()
        .map(|t| (t.name, t.log_end_offsets))
        .collect()
}

/// One topic's log-end offsets, partition by partition.
pub fn log_ends(world: &World, topic: &str) -> Vec<i64> {
    all_log_ends(world)
        .into_iter()
        .find(|(name, _)| name == topic)
        .map(|(_, ends)| ends)
        .unwrap_or_default()
}

/// A partition's log-end offset (0 for a partition that does not exist).
pub fn log_end(world: &World, tp: &TopicPartition) -> i64 {
    log_ends(world, tp.topic.as_str())
        .get(tp.partition as usize)
        .copied()
        .unwrap_or(0)
}

/// The offsets of the poison pills in a partition's log.
pub fn poison_pills(world: &World, tp: &TopicPartition) -> Vec<i64> {
    world
        .snapshot()
        .topics
        .into_iter()
        .find(|t| t.name == tp.topic.as_str())
        .and_then(|t| t.poison_pills.get(&tp.partition).cloned())
        .unwrap_or_default()
}

/// Every consumer's handle, as the snapshot lists them (the random actions pick one).
pub fn consumer_handles(world: &World) -> Vec<String> {
    world
        .snapshot()
        .consumers
        .into_iter()
        .map(|c| c.handle)
        .collect()
}
