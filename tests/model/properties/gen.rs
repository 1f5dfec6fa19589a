//! proptest strategies for scenarios and timed actions. A scenario has 1–30 consumers in 1–3 groups
//! on 1–4 topics of 1–200 partitions, every group protocol of [`PROTOCOLS`] with each of its
//! assignors (classic: eager and cooperative, and mixed groups that upgrade between them; KIP-848's
//! consumer protocol with either server assignor, and the broker's timings for it),
//! static and dynamic members, classroom or Kafka's default timings, and in cases of up to 12
//! consumers 0–1 producer sending a few records a second (some groups read values with a
//! deserializer a poison pill breaks); the actions
//! are every kind the model has, valid or not (unknown handles, dead consumers, bad names, shrinking
//! a topic, settings Kafka refuses, sizes beyond the model's limits, an unknown producer, a poison
//! pill to a partition the producer does not know, a seek by a consumer that is not stuck).
//! Everything shrinks: fewer actions, fewer consumers, no producer, smaller numbers.

use super::run::liveness_deadline;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use rebalance_lab::sim::producer::ProducerSpec;
use rebalance_lab::sim::scenario::{
    strip_classic_only, ConfigOverrides, ConfigValue, ConsumerSpec, GroupSpec, TimedAction,
    TopicSpec, MAX_PRODUCER_KEYS, MAX_PRODUCER_RATE,
};
use rebalance_lab::sim::{Action, InstanceIdChange, Millis, Scenario};

const TOPICS: [&str; 4] = ["t0", "t1", "t2", "t3"];
const GROUPS: [&str; 3] = ["g0", "g1", "g2"];
const INSTANCE_IDS: [&str; 5] = ["i1", "i2", "i3", "i4", "i5"];

/// Every `partition.assignment.strategy` shape: each assignor alone, Kafka's default (eager via
/// range), the cooperative upgrade order, a Kafka class name, and two eager assignors together.
const STRATEGIES: [&str; 8] = [
    "range",
    "roundrobin",
    "sticky",
    "cooperative-sticky",
    "range,cooperative-sticky",
    "cooperative-sticky,range",
    "org.apache.kafka.clients.consumer.RoundRobinAssignor",
    "sticky,roundrobin",
];

/// A group protocol the model simulates, and how its groups choose an assignor.
pub struct GroupProtocol {
    /// `group.protocol`.
    pub name: &'static str,
    /// The setting that names the assignor (`partition.assignment.strategy` for classic).
    pub assignor_setting: &'static str,
    /// Every value of that setting a group may take.
    pub assignors: &'static [&'static str],
}

/// Every protocol the model has: its groups appear in every case, mixed with the others, and every
/// check of `run` applies to them.
pub const PROTOCOLS: &[GroupProtocol] = &[
    GroupProtocol {
        name: "classic",
        assignor_setting: "partition.assignment.strategy",
        assignors: &STRATEGIES,
    },
    // KIP-848: the broker computes the target with the server assignor the member names.
    GroupProtocol {
        name: "consumer",
        assignor_setting: "group.remote.assignor",
        assignors: &["uniform", "range"],
    },
];

/// Drops the classic-only settings from a config meant for a consumer-protocol group.
fn for_protocol(config: &mut ConfigOverrides, protocol: &str) {
    if protocol == "consumer" {
        strip_classic_only(config);
    }
}

/// The broker's KIP-848 timings: classroom seconds (with the lower bounds lowered to allow them),
/// or Kafka's defaults (45 s session, 5 s heartbeat).
fn consumer_group_timings(allow_defaults: bool) -> BoxedStrategy<ConfigOverrides> {
    let classroom = (6_000u64..=12_000, 500u64..=3_000).prop_map(|(session, heartbeat)| {
        let mut c = ConfigOverrides::new();
        put(&mut c, "group.consumer.min.session.timeout.ms", 6_000);
        put(&mut c, "group.consumer.session.timeout.ms", session);
        put(&mut c, "group.consumer.min.heartbeat.interval.ms", 500);
        put(&mut c, "group.consumer.heartbeat.interval.ms", heartbeat);
        c
    });
    if allow_defaults {
        prop_oneof![12 => classroom, 1 => Just(ConfigOverrides::new())].boxed()
    } else {
        classroom.boxed()
    }
}

/// A group's protocol and assignor, every pair equally likely per protocol.
fn protocol_and_assignor() -> impl Strategy<Value = (&'static str, &'static str, &'static str)> {
    (0..PROTOCOLS.len()).prop_flat_map(|i| {
        let p = &PROTOCOLS[i];
        select(p.assignors.to_vec()).prop_map(move |a| (p.name, p.assignor_setting, a))
    })
}

/// How big a case is. Big cases are rarer, and only small ones run with Kafka's default timings
/// (minutes of simulated time each).
#[derive(Clone, Copy, Debug)]
enum Size {
    Small,
    Medium,
    Large,
}

fn put(config: &mut ConfigOverrides, name: &str, value: impl ToString) {
    config.insert(name.to_string(), ConfigValue(value.to_string()));
}

/// Classroom timings (seconds), or none: Kafka's defaults (45 s session, 5 min poll interval).
fn timings(allow_defaults: bool) -> BoxedStrategy<ConfigOverrides> {
    let classroom = (
        6_000u64..=12_000,
        5u64..=33,
        4_000u64..=30_000,
        prop::option::of(1_000u64..=20_000),
    )
        .prop_map(|(session, heartbeat_percent, poll, metadata)| {
            let mut c = ConfigOverrides::new();
            put(&mut c, "session.timeout.ms", session);
            put(
                &mut c,
                "heartbeat.interval.ms",
                session * heartbeat_percent / 100,
            );
            put(&mut c, "max.poll.interval.ms", poll);
            if let Some(m) = metadata {
                put(&mut c, "metadata.max.age.ms", m);
            }
            c
        });
    if allow_defaults {
        prop_oneof![12 => classroom, 1 => Just(ConfigOverrides::new())].boxed()
    } else {
        classroom.boxed()
    }
}

/// The simulated application: how long it works per batch and what it passes to `poll()`.
fn app_knobs() -> impl Strategy<Value = ConfigOverrides> {
    (
        prop_oneof![1 => Just(None), 4 => (1u64..=3_000).prop_map(Some)],
        prop_oneof![Just(None), Just(Some(0u64)), (1u64..=2_000).prop_map(Some)],
    )
        .prop_map(|(processing, poll)| {
            let mut c = ConfigOverrides::new();
            if let Some(p) = processing {
                put(&mut c, "processing.time.ms", p);
            }
            if let Some(p) = poll {
                put(&mut c, "poll.timeout.ms", p);
            }
            c
        })
}

fn partitions(size: Size) -> BoxedStrategy<i32> {
    match size {
        Size::Small => (1..=24).boxed(),
        Size::Medium => prop_oneof![3 => 1..=24, 1 => 25..=60].boxed(),
        Size::Large => prop_oneof![1 => 1..=24, 2 => 25..=200].boxed(),
    }
}

fn consumer_count(size: Size) -> std::ops::RangeInclusive<usize> {
    match size {
        Size::Small => 1..=5,
        Size::Medium => 6..=12,
        Size::Large => 13..=30,
    }
}

/// Value deserializers a group may read with: Kafka's default (`StringDeserializer`, which reads a
/// poison pill like any record), or one that rejects it and leaves the consumer stuck until it seeks
/// past the record.
const PILL_BREAKS: [&str; 2] = [
    "org.apache.kafka.common.serialization.LongDeserializer",
    "org.apache.kafka.common.serialization.IntegerDeserializer",
];

/// The producer's handle in `SetProducerRate` and `ProducePoisonPill`: mostly the scenario's only
/// one (`p1`, unknown when it has none), sometimes one that never exists.
fn producer_handle() -> impl Strategy<Value = String> {
    prop_oneof![
        9 => Just("p1"),
        1 => select(vec!["p0", "p2", ""]),
    ]
    .prop_map(str::to_string)
}

/// At most one producer, on one of the scenario's topics, at a classroom rate: record flow (fetches,
/// positions, commits, lag) runs through every check without making a small or medium case slow.
fn producers(topics: usize) -> impl Strategy<Value = Vec<ProducerSpec>> {
    prop::option::weighted(
        0.35,
        (
            0..topics,
            1u32..=20,
            prop_oneof![2 => Just(0u32), 1 => 1u32..=8],
            prop_oneof![Just(0 as Millis), 0 as Millis..=5_000],
            prop::option::weighted(0.2, 5_000 as Millis..=60_000),
        ),
    )
    .prop_map(|producer| {
        producer
            .map(
                |(topic, records_per_sec, keys, start_at_ms, stop)| ProducerSpec {
                    topic: TOPICS[topic].to_string(),
                    records_per_sec,
                    keys,
                    start_at_ms,
                    stop_at_ms: stop.map(|s| start_at_ms + s),
                    // Kafka 4.x's producer defaults, and the model's record size.
                    linger_ms: 5,
                    batch_size: 16_384,
                    record_bytes: 100,
                },
            )
            .into_iter()
            .collect()
    })
}

/// One consumer entry: its group, topics (a non-empty subset), maybe a static id, its application.
fn consumer(topics: usize, groups: usize) -> impl Strategy<Value = ConsumerSpec> {
    (
        0..groups,
        1u32..(1 << topics),
        prop::option::weighted(0.3, select(INSTANCE_IDS.to_vec())),
        app_knobs(),
        prop_oneof![Just(0u64), 0u64..=5_000],
    )
        .prop_map(move |(group, mask, static_id, mut config, start_at_ms)| {
            if let Some(id) = static_id {
                put(&mut config, "group.instance.id", id);
            }
            ConsumerSpec {
                group: GROUPS[group].to_string(),
                topics: (0..topics)
                    .filter(|t| mask & (1 << t) != 0)
                    .map(|t| TOPICS[t].to_string())
                    .collect(),
                config,
                start_at_ms,
                count: 1,
            }
        })
}

fn scenario_of(size: Size) -> impl Strategy<Value = Scenario> {
    let allow_defaults = matches!(size, Size::Small);
    (
        vec(partitions(size), 1..=4),
        vec(
            (
                protocol_and_assignor(),
                timings(allow_defaults),
                prop::option::weighted(0.25, select(PILL_BREAKS.to_vec())),
            ),
            1..=3,
        ),
        any::<u64>(),
        0u64..=5,
        prop_oneof![Just(None), Just(Some(0u64)), (0u64..=3_000).prop_map(Some)],
        prop::option::weighted(0.1, 1u32..=4),
        consumer_group_timings(allow_defaults),
    )
        .prop_flat_map(
            move |(topics, groups, seed, latency, delay, max_size, kip848)| {
                let consumers = vec(consumer(topics.len(), groups.len()), consumer_count(size));
                // Records in a large case would make it take minutes: every member fetches, and
                // every fetch is an event the checks run after.
                let producers = match size {
                    Size::Large => Just(Vec::new()).boxed(),
                    _ => producers(topics.len()).boxed(),
                };
                (
                    Just((topics, groups, seed, latency, delay, max_size, kip848)),
                    consumers,
                    producers,
                )
            },
        )
        .prop_map(
            |((topics, groups, seed, latency, delay, max_size, kip848), consumers, producers)| {
                let mut broker = kip848;
                if let Some(d) = delay {
                    put(&mut broker, "group.initial.rebalance.delay.ms", d);
                }
                if let Some(m) = max_size {
                    put(&mut broker, "group.max.size", m);
                    put(&mut broker, "group.consumer.max.size", m);
                }
                Scenario {
                    producers,
                    trace_record_flow: true,
                    name: format!("property-{seed:016x}"),
                    description: String::new(),
                    seed,
                    network_latency_ms: latency,
                    broker,
                    topics: topics
                        .iter()
                        .enumerate()
                        .map(|(i, &partitions)| TopicSpec {
                            name: TOPICS[i].to_string(),
                            partitions,
                        })
                        .collect(),
                    groups: groups
                        .into_iter()
                        .enumerate()
                        .map(|(i, ((protocol, setting, assignor), mut config, values))| {
                            for_protocol(&mut config, protocol);
                            if let Some(deserializer) = values {
                                put(&mut config, "value.deserializer", deserializer);
                            }
                            put(&mut config, "group.protocol", protocol);
                            put(&mut config, setting, assignor);
                            GroupSpec {
                                group_id: GROUPS[i].to_string(),
                                config,
                            }
                        })
                        .collect(),
                    consumers,
                    actions: Vec::new(),
                    duration_ms: 0,
                }
            },
        )
}

/// A consumer handle: mostly one that exists (or will), sometimes one that never will.
fn handle(consumers: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        9 => (1..=consumers + 4).prop_map(|i| format!("c{i}")),
        1 => select(vec!["c0", "c99", ""]).prop_map(str::to_string),
    ]
}

fn topic_name() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => select(TOPICS.to_vec()).prop_map(str::to_string),
        1 => select(vec!["bad name", "", "t4", "ünïcode"]).prop_map(str::to_string),
    ]
}

/// A setting and a value, valid or not, in Kafka's names.
fn setting() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        4 => (Just("poll.timeout.ms"), select(vec!["0", "1", "100", "1500"])),
        4 => (Just("processing.time.ms"), select(vec!["50", "900", "2900"])),
        1 => (Just("processing.time.ms"), select(vec!["x", "-5", "1.5"])),
        1 => (Just("session.timeout.ms"), select(vec!["3000", "6000", "10000", "-1", "abc"])),
        1 => (Just("heartbeat.interval.ms"), select(vec!["0", "1000", "50000"])),
        1 => (Just("group.instance.id"), select(vec!["i1", "i5", "", "null", " "])),
        1 => (Just("partition.assignment.strategy"), select(vec!["range", "cooperative-sticky", "fair", ""])),
        1 => (Just("max.poll.interval.ms"), select(vec!["0", "5000", "9999999999"])),
        1 => (Just("group.id"), Just("other")),
        1 => (Just("group.protocol"), select(vec!["consumer", "classic"])),
        1 => (Just("no.such.setting"), Just("1")),
    ]
    .prop_map(|(n, v)| (n.to_string(), v.to_string()))
}

/// Settings a new consumer may carry that the client accepts (a scenario file refuses the others
/// up front; the page's `Lab` meets them live, see `any_add_consumer`).
fn accepted_setting() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        (
            Just("partition.assignment.strategy"),
            select(vec!["range", "cooperative-sticky", "roundrobin"])
        ),
        (Just("session.timeout.ms"), select(vec!["6000", "10000"])),
        (Just("max.poll.interval.ms"), select(vec!["5000", "20000"])),
        (Just("metadata.max.age.ms"), select(vec!["2000", "15000"])),
    ]
    .prop_map(|(n, v)| (n.to_string(), v.to_string()))
}

fn new_consumer(
    groups: BoxedStrategy<&'static str>,
    topics: BoxedStrategy<Vec<&'static str>>,
    extra: BoxedStrategy<(String, String)>,
) -> impl Strategy<Value = Action> {
    (
        groups,
        topics,
        app_knobs(),
        prop::option::weighted(0.25, select(INSTANCE_IDS.to_vec())),
        prop::option::weighted(0.1, extra),
    )
        .prop_map(|(group, topics, mut config, static_id, extra)| {
            if let Some(id) = static_id {
                put(&mut config, "group.instance.id", id);
            }
            if let Some((name, value)) = extra {
                put(&mut config, &name, value);
            }
            Action::AddConsumer {
                group: group.to_string(),
                topics: topics.into_iter().map(str::to_string).collect(),
                config,
            }
        })
}

/// A new consumer a scenario file may hold (`Scenario::validate` accepts it), in one of the
/// scenario's groups.
fn add_consumer(groups: usize) -> impl Strategy<Value = Action> {
    new_consumer(
        select(GROUPS[..groups].to_vec()).boxed(),
        vec(select(TOPICS.to_vec()), 1..=2).boxed(),
        accepted_setting().boxed(),
    )
}

/// Any new consumer, including what the client refuses: no group, no topics, a blank topic, a
/// setting Kafka rejects.
pub fn any_add_consumer() -> impl Strategy<Value = Action> {
    new_consumer(
        prop_oneof![9 => select(GROUPS.to_vec()), 1 => select(vec!["", "new-group"])].boxed(),
        prop_oneof![
            12 => vec(select(TOPICS.to_vec()), 1..=2),
            1 => Just(vec![]),
            1 => Just(vec![""]),
        ]
        .boxed(),
        prop_oneof![accepted_setting(), setting()].boxed(),
    )
}

/// The record-flow actions, valid or not: a new rate (0 pauses the producer; a rate or key count
/// beyond the model's limits is refused), a poison pill (to a partition the producer may not know),
/// the application's seek past a record it cannot deserialize (refused unless the consumer is stuck
/// on one), and a second thread's `poll()` on the same consumer.
fn record_action(consumers: usize) -> impl Strategy<Value = Action> {
    prop_oneof![
        3 => (
            producer_handle(),
            prop_oneof![10 => 0u32..=20, 1 => Just(MAX_PRODUCER_RATE + 1)],
            prop_oneof![5 => Just(0u32), 5 => 1u32..=8, 1 => Just(MAX_PRODUCER_KEYS + 1)],
        )
            .prop_map(|(producer, records_per_sec, keys)| Action::SetProducerRate {
                producer,
                records_per_sec,
                keys,
            }),
        3 => (producer_handle(), prop_oneof![10 => 0i32..=30, 1 => Just(-1), 1 => Just(i32::MAX)])
            .prop_map(|(producer, partition)| Action::ProducePoisonPill { producer, partition }),
        3 => handle(consumers).prop_map(|consumer| Action::SeekPast { consumer }),
        2 => handle(consumers).prop_map(|consumer| Action::PollFromSecondThread { consumer }),
    ]
}

/// Every action the model has, valid or not. A new action is one more weighted arm (or one more
/// arm of a group of them, like [`record_action`]): the World decides whether it is valid, and
/// `run::check` verifies that a refused one changes nothing and that the invariants and liveness
/// hold after an accepted one.
pub fn action(consumers: usize, add: BoxedStrategy<Action>) -> impl Strategy<Value = Action> {
    let restart_id = prop_oneof![
        3 => Just(InstanceIdChange::Keep),
        1 => Just(InstanceIdChange::Unset),
        2 => select(INSTANCE_IDS.to_vec()).prop_map(|i| InstanceIdChange::Set(i.to_string())),
        1 => Just(InstanceIdChange::Set(String::new())),
    ];
    prop_oneof![
        4 => add,
        2 => handle(consumers).prop_map(|consumer| Action::CloseConsumer { consumer }),
        3 => handle(consumers).prop_map(|consumer| Action::KillConsumer { consumer }),
        3 => (handle(consumers), prop_oneof![1 => Just(0u64), 10 => 1u64..=3_000, 10 => 3_000u64..=60_000])
            .prop_map(|(consumer, ms)| Action::StallConsumer { consumer, ms }),
        4 => (handle(consumers), restart_id)
            .prop_map(|(consumer, group_instance_id)| Action::RestartConsumer { consumer, group_instance_id }),
        1 => (topic_name(), prop_oneof![10 => -1i32..=200, 1 => Just(20_001), 1 => Just(i32::MAX)])
            .prop_map(|(name, partitions)| Action::AddTopic { name, partitions }),
        1 => topic_name().prop_map(|name| Action::DeleteTopic { name }),
        2 => (topic_name(), prop_oneof![10 => 0i32..=210, 1 => Just(-1), 1 => Just(i32::MAX)])
            .prop_map(|(topic, total)| Action::AddPartitions { topic, total }),
        2 => (handle(consumers), setting())
            .prop_map(|(consumer, (name, value))| Action::SetConsumerConfig { consumer, name, value }),
        4 => record_action(consumers),
    ]
}

/// Up to 10 actions, 1 ms to 15 s apart.
fn timed_actions(consumers: usize, groups: usize) -> impl Strategy<Value = Vec<TimedAction>> {
    let add = add_consumer(groups).boxed();
    vec((1 as Millis..=15_000, action(consumers, add)), 0..=10).prop_map(|steps| {
        let mut at_ms = 0;
        steps
            .into_iter()
            .map(|(gap, action)| {
                at_ms += gap;
                TimedAction { at_ms, action }
            })
            .collect()
    })
}

/// A whole case: a scenario with its timed actions, running until the liveness deadline.
pub fn case() -> impl Strategy<Value = Scenario> {
    prop_oneof![
        6 => scenario_of(Size::Small),
        3 => scenario_of(Size::Medium),
        1 => scenario_of(Size::Large),
    ]
    .prop_flat_map(|scenario| {
        let consumers = scenario.consumers.len();
        let groups = scenario.groups.len();
        (Just(scenario), timed_actions(consumers, groups))
    })
    .prop_map(|(mut scenario, mut actions)| {
        for t in &mut actions {
            if let Action::AddConsumer { group, config, .. } = &mut t.action {
                if let Some(g) = scenario.groups.iter().find(|g| &g.group_id == group) {
                    for_protocol(config, g.config["group.protocol"].0.as_str());
                }
            }
        }
        scenario.actions = actions;
        scenario.duration_ms = liveness_deadline(&scenario);
        scenario
    })
}
