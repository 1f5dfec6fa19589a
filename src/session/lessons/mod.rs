//! Ready-made starting points for a class: each is a plain scenario the user can then change, told
//! as a guided lesson of a few steps ([`guide`], the steps themselves in [`steps`]).

pub mod guide;
mod kip848;
mod one_thread;
mod poll_zero;
mod records;
mod rolling_upgrade;
mod steps;

use crate::session::{Session, Strategy};
use crate::sim::scenario::{
    ConfigValue, ConsumerSpec, GroupSpec, Scenario, TimedAction, TopicSpec,
};
use crate::sim::sort::CollectBTree;
use crate::sim::{Action, InstanceIdChange};
use guide::Step;
use std::collections::BTreeMap;

pub struct Lesson {
    pub id: &'static str,
    pub title: &'static str,
    pub blurb: &'static str,
    build: fn() -> Scenario,
    /// The strategies the guided steps run under (their questions are true for these).
    pub strategies: &'static [Strategy],
    guide: fn() -> Vec<Step>,
}

impl Lesson {
    pub fn scenario(&self) -> Scenario {
        (self.build)()
    }

    /// The lesson at time zero under the protocols it is about: what the picker, the guide and a
    /// lesson's share link open.
    pub fn session(&self) -> Session {
        Session {
            scenario: self.scenario(),
            strategies: self.strategies.to_vec(),
            actions: Vec::new(),
            until_ms: 0,
        }
    }

    /// The guided steps; after the last one the lesson is a free sandbox on its scenario.
    pub fn steps(&self) -> Vec<Step> {
        (self.guide)()
    }
}

const DEFAULT: &[Strategy] = &[Strategy::KafkaDefault];
const KIP848: &[Strategy] = &[Strategy::Kip848];
const EAGER_VS_COOPERATIVE: &[Strategy] = &[Strategy::EagerRange, Strategy::CooperativeSticky];

pub const LESSONS: &[Lesson] = &[
    Lesson {
        id: "basics",
        title: "3 consumers, 6 partitions",
        blurb: "One group splits a topic. Press Play, then Kill, Close or Stall a consumer and watch who notices when. Classroom timings: session.timeout.ms 10 s, max.poll.interval.ms 30 s.",
        build: basics,
        strategies: DEFAULT,
        guide: steps::basics,
    },
    Lesson {
        id: "kafka-defaults",
        title: "Kafka 4.x defaults",
        blurb: "Every setting at Kafka's default: session.timeout.ms 45 s, heartbeat.interval.ms 3 s, max.poll.interval.ms 5 min. Kill a consumer: its partitions wait until the coordinator expires its session, 45 s after the last heartbeat it received (42–45 s after the kill), then for the others to hear of it at their next heartbeat and rebalance.",
        build: kafka_defaults,
        strategies: DEFAULT,
        guide: steps::kafka_defaults,
    },
    Lesson {
        id: "slow-consumers",
        title: "Slow consumers: eager vs cooperative",
        blurb: "Each poll's batch takes 0.8–2.6 s: a rebalance waits for every member's next poll. Eager and cooperative side by side: add a consumer and see who stops, and for how long.",
        build: slow_consumers,
        strategies: EAGER_VS_COOPERATIVE,
        guide: steps::slow_consumers,
    },
    Lesson {
        id: "idle",
        title: "More consumers than partitions",
        blurb: "7 consumers, 6 partitions: the last in member-id order gets none. Kill a busy one: range moves everyone after it up one; only cooperative-sticky gives the idle one the orphan.",
        build: idle,
        strategies: DEFAULT,
        guide: steps::idle,
    },
    Lesson {
        id: "two-groups",
        title: "Two groups, one topic",
        blurb: "Each group reads every partition on its own: a rebalance in one group never pauses the other.",
        build: two_groups,
        strategies: DEFAULT,
        guide: steps::two_groups,
    },
    Lesson {
        id: "static",
        title: "Static members",
        blurb: "group.instance.id set, session.timeout.ms 10 s. Kill c2 and Restart it while its card's session countdown still runs (10 s from its last heartbeat, which may be up to 3 s before the kill): same generation, same partitions, no rebalance. Leave it down longer: its session expires, and the group rebalances without it and again when it returns.",
        build: static_members,
        strategies: DEFAULT,
        guide: steps::static_members,
    },
    Lesson {
        id: "crash",
        title: "A crash and the session timeout",
        blurb: "A killed consumer sends nothing: the coordinator notices only when its session expires, session.timeout.ms (10 s here) after the last heartbeat it received.",
        build: crash,
        strategies: DEFAULT,
        guide: steps::crash,
    },
    Lesson {
        id: "slow-poll",
        title: "A slow consumer and max.poll.interval.ms",
        blurb: "A consumer whose processing takes longer than max.poll.interval.ms (30 s here) leaves the group on its own, although its heartbeats kept going.",
        build: slow_poll,
        strategies: DEFAULT,
        guide: steps::slow_poll,
    },
    Lesson {
        id: "leader",
        title: "The leader, JoinGroup and SyncGroup",
        blurb: "In the classic protocol the coordinator picks a leader among the members, and the leader, not the broker, computes the assignment.",
        build: leader,
        strategies: DEFAULT,
        guide: steps::leader,
    },
    Lesson {
        id: "first-consumer",
        title: "Creating a consumer and its poll loop",
        blurb: "One consumer: bootstrap.servers, group.id and two deserializers, then a loop that calls poll(). Everything in the group protocol happens inside those calls and the heartbeat thread.",
        build: first_consumer,
        strategies: DEFAULT,
        guide: steps::first_consumer,
    },
    Lesson {
        id: "misconceptions",
        title: "What old tutorials get wrong",
        blurb: "Heartbeats no longer come from poll(), and the default is not cooperative: watch the model disagree with the tutorials.",
        build: misconceptions,
        strategies: DEFAULT,
        guide: steps::misconceptions,
    },
    Lesson {
        id: "rolling-deploy",
        title: "A rolling deploy of six consumers",
        blurb: "Six consumers are closed and started again one after another, as a deploy does: count the rebalances and the time partitions stand still under eager, cooperative and KIP-848 side by side.",
        build: rolling_deploy,
        strategies: &Strategy::COMPARE_DEFAULT,
        guide: steps::rolling_deploy,
    },
    Lesson {
        id: "rolling-deploy-static",
        title: "A rolling deploy with static members",
        blurb: "The same deploy with group.instance.id on every consumer, each back 3 s after its close, well inside session.timeout.ms (10 s): no LeaveGroup, no rebalance, under eager, cooperative and KIP-848 alike. What it costs instead: each member's partitions stand still while it is away.",
        build: rolling_deploy_static,
        strategies: &Strategy::COMPARE_DEFAULT,
        guide: steps::rolling_deploy_static,
    },
    Lesson {
        id: "one-thread",
        title: "One thread per consumer",
        blurb: "KafkaConsumer is not thread-safe: a second thread calling poll() while the consumer's own thread is inside poll() gets ConcurrentModificationException. Try a card's ⋯ menu: 2nd thread.",
        build: one_thread::scenario_of,
        strategies: DEFAULT,
        guide: one_thread::steps,
    },
    Lesson {
        id: "poll-zero",
        title: "poll(Duration.ZERO)",
        blurb: "c1's loop calls poll(Duration.ZERO): each call returns at once, and the join completes over many of them. In Kafka 4.x nothing waits for the assignment: poll(long) is gone.",
        build: poll_zero::scenario_of,
        strategies: DEFAULT,
        guide: poll_zero::steps,
    },
    Lesson {
        id: "kip848",
        title: "KIP-848: the consumer protocol",
        blurb: "group.protocol=consumer: the coordinator assigns, a joining member gets only the partitions that move, each released by its owner, and nobody else stops. Group and member epochs replace the generation.",
        build: kip848::scenario_of,
        strategies: KIP848,
        guide: kip848::steps,
    },
    Lesson {
        id: "rolling-upgrade-kip848",
        title: "Rolling upgrade to KIP-848",
        blurb: "A classic cooperative-sticky group restarted one consumer at a time with group.protocol=consumer: the group becomes a consumer group when the first one returns, the classic members keep working inside it, and no partition has two owners.",
        build: rolling_upgrade::scenario,
        strategies: &[Strategy::CooperativeSticky],
        guide: rolling_upgrade::steps,
    },
    Lesson {
        id: "duplicates",
        title: "Records processed twice",
        blurb: "A producer, three consumers with auto-commit, eager against cooperative: when a partition moves before its owner committed what it processed, the new owner processes those records again.",
        build: records::scenario_of,
        strategies: EAGER_VS_COOPERATIVE,
        guide: records::steps,
    },
];

pub fn lesson(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.id == id)
}

/// The lesson whose scenario this is, exactly: an edited one is the user's own.
pub fn lesson_of(scenario: &Scenario) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.scenario() == *scenario)
}

pub(super) fn settings(pairs: &[(&str, &str)]) -> BTreeMap<String, ConfigValue> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), ConfigValue(v.to_string())))
        .collect_map()
}

/// Real processes never start in the same millisecond: staggering the starts puts their heartbeats
/// out of phase, as in a real deployment, so members learn of a rebalance at different moments.
fn stagger(i: usize) -> u64 {
    i as u64 * 700
}

/// Short timeouts so that a crash or a stall plays out within a minute of simulated time.
pub(super) const CLASSROOM: &[(&str, &str)] = &[
    ("session.timeout.ms", "10000"),
    ("heartbeat.interval.ms", "3000"),
    ("max.poll.interval.ms", "30000"),
];

pub(super) fn scenario(
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
        producers: Vec::new(),
        trace_record_flow: true,
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
            .flat_map(|(group, count)| {
                (0..*count).map(move |i| ConsumerSpec {
                    group: group.to_string(),
                    topics: vec![topics[0].0.to_string()],
                    config: BTreeMap::new(),
                    start_at_ms: stagger(i),
                    count: 1,
                })
            })
            .collect(),
        actions: Vec::new(),
        duration_ms: 120_000,
    }
}

pub(super) fn basics() -> Scenario {
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

fn slow_consumers() -> Scenario {
    let mut s = basics();
    s.name = "Slow consumers".into();
    for (consumer, ms) in s.consumers.iter_mut().zip(["800", "2600", "1700"]) {
        consumer.config = settings(&[("processing.time.ms", ms)]);
    }
    s
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
            start_at_ms: stagger(n - 1),
            count: 1,
        });
    }
    s
}

pub(super) fn renamed(mut s: Scenario, name: &str) -> Scenario {
    s.name = name.to_string();
    s
}

fn crash() -> Scenario {
    renamed(basics(), "A crash and the session timeout")
}

fn slow_poll() -> Scenario {
    renamed(basics(), "A slow consumer")
}

fn leader() -> Scenario {
    renamed(basics(), "The leader")
}

fn first_consumer() -> Scenario {
    scenario(
        "Creating a consumer",
        &[("orders", 6)],
        &[("orders-app", 1)],
        CLASSROOM,
    )
}

fn misconceptions() -> Scenario {
    renamed(basics(), "What old tutorials get wrong")
}

/// When the deploy begins, and how long each consumer is down between its close and its restart.
pub const DEPLOY_START_MS: u64 = 20_000;
const DEPLOY_EVERY_MS: u64 = 15_000;
const DEPLOY_DOWNTIME_MS: u64 = 3_000;

/// Six consumers, then each closed and started again in turn, as a rolling deploy does.
fn rolling_deploy() -> Scenario {
    let mut s = scenario(
        "A rolling deploy of six consumers",
        &[("orders", 12)],
        &[("orders-app", 6)],
        CLASSROOM,
    );
    for i in 0..6u64 {
        let consumer = format!("c{}", i + 1);
        let at = DEPLOY_START_MS + i * DEPLOY_EVERY_MS;
        s.actions.push(TimedAction {
            at_ms: at,
            action: Action::CloseConsumer {
                consumer: consumer.clone(),
            },
        });
        s.actions.push(TimedAction {
            at_ms: at + DEPLOY_DOWNTIME_MS,
            action: Action::RestartConsumer {
                consumer,
                group_instance_id: InstanceIdChange::Keep,
            },
        });
    }
    s
}

/// The same deploy with static members: each consumer has its own `group.instance.id`.
fn rolling_deploy_static() -> Scenario {
    let mut s = renamed(rolling_deploy(), "A rolling deploy with static members");
    for (n, consumer) in s.consumers.iter_mut().enumerate() {
        consumer.config.insert(
            "group.instance.id".to_string(),
            ConfigValue(format!("orders-app-{}", n + 1)),
        );
    }
    s
}

#[cfg(test)]
mod tests;
