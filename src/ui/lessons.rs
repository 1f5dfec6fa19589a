//! Ready-made starting points for a class: each is a plain scenario the user can then change.

use crate::sim::scenario::{ConfigValue, ConsumerSpec, GroupSpec, Scenario, TopicSpec};
use std::collections::BTreeMap;

pub struct Lesson {
    pub id: &'static str,
    pub title: &'static str,
    pub blurb: &'static str,
    build: fn() -> Scenario,
}

impl Lesson {
    pub fn scenario(&self) -> Scenario {
        (self.build)()
    }
}

pub const LESSONS: &[Lesson] = &[
    Lesson {
        id: "basics",
        title: "3 consumers, 6 partitions",
        blurb: "One group splits a topic. Classroom timings: session.timeout.ms 10 s, max.poll.interval.ms 30 s.",
        build: basics,
    },
    Lesson {
        id: "kafka-defaults",
        title: "Kafka 4.x defaults",
        blurb: "The same group with every setting at Kafka's default: session.timeout.ms 45 s, max.poll.interval.ms 5 min.",
        build: kafka_defaults,
    },
    Lesson {
        id: "idle",
        title: "More consumers than partitions",
        blurb: "7 consumers on 6 partitions: one stays idle but still heartbeats.",
        build: idle,
    },
    Lesson {
        id: "two-groups",
        title: "Two groups, one topic",
        blurb: "Each group reads every partition, independently of the other.",
        build: two_groups,
    },
    Lesson {
        id: "static",
        title: "Static members",
        blurb: "group.instance.id set: a restart within session.timeout.ms keeps the partitions without a rebalance.",
        build: static_members,
    },
];

pub fn lesson(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.id == id)
}

fn settings(pairs: &[(&str, &str)]) -> BTreeMap<String, ConfigValue> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), ConfigValue(v.to_string())))
        .collect()
}

/// Short timeouts so that a crash or a stall plays out within a minute of simulated time.
const CLASSROOM: &[(&str, &str)] = &[
    ("session.timeout.ms", "10000"),
    ("heartbeat.interval.ms", "3000"),
    ("max.poll.interval.ms", "30000"),
];

fn scenario(
    name: &str,
    topics: &[(&str, i32)],
    groups: &[(&str, usize)],
    config: &[(&str, &str)],
) -> Scenario {
    Scenario {
        name: name.to_string(),
        description: String::new(),
        seed: 7,
        network_latency_ms: 2,
        broker: BTreeMap::new(),
        topics: topics
            .iter()
            .map(|(name, partitions)| TopicSpec {
                name: name.to_string(),
                partitions: *partitions,
            })
            .collect(),
        groups: groups
            .iter()
            .map(|(group, _)| GroupSpec {
                group_id: group.to_string(),
                config: settings(config),
            })
            .collect(),
        consumers: groups
            .iter()
            .map(|(group, count)| ConsumerSpec {
                group: group.to_string(),
                topics: vec![topics[0].0.to_string()],
                config: BTreeMap::new(),
                start_at_ms: 0,
                count: *count,
            })
            .collect(),
        actions: Vec::new(),
        duration_ms: 120_000,
    }
}

fn basics() -> Scenario {
    scenario(
        "3 consumers, 6 partitions",
        &[("orders", 6)],
        &[("orders-app", 3)],
        CLASSROOM,
    )
}

fn kafka_defaults() -> Scenario {
    scenario(
        "Kafka 4.x defaults",
        &[("orders", 6)],
        &[("orders-app", 3)],
        &[],
    )
}

fn idle() -> Scenario {
    scenario(
        "More consumers than partitions",
        &[("orders", 6)],
        &[("orders-app", 7)],
        CLASSROOM,
    )
}

fn two_groups() -> Scenario {
    scenario(
        "Two groups, one topic",
        &[("orders", 6)],
        &[("orders-app", 3), ("analytics", 2)],
        CLASSROOM,
    )
}

fn static_members() -> Scenario {
    let mut s = scenario("Static members", &[("orders", 6)], &[], CLASSROOM);
    s.groups.push(GroupSpec {
        group_id: "orders-app".into(),
        config: settings(CLASSROOM),
    });
    for n in 1..=3 {
        s.consumers.push(ConsumerSpec {
            group: "orders-app".into(),
            topics: vec!["orders".into()],
            config: settings(&[("group.instance.id", &format!("orders-app-{n}"))]),
            start_at_ms: 0,
            count: 1,
        });
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::world::World;

    #[test]
    fn every_lesson_builds_a_world() {
        for lesson in LESSONS {
            let world = World::new(&lesson.scenario());
            assert!(world.is_ok(), "{}: {:?}", lesson.id, world.err());
        }
    }
}
