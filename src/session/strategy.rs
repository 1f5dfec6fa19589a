//! The protocol and assignor choices a session offers: a classic `partition.assignment.strategy`,
//! or the KIP-848 consumer protocol.

use crate::sim::assign::AssignorName;
use crate::sim::config::ConfigOverrides;
use crate::sim::scenario::{strip_classic_only, ConfigValue};
use crate::sim::{Action, Scenario};
use serde::{Deserialize, Serialize};

/// The protocol and assignor choices the page offers: each classic one a
/// `partition.assignment.strategy`, and `group.protocol=consumer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// Kafka 4.x's default `[range, cooperative-sticky]`: all members support only EAGER in common,
    /// so the group runs eager rebalances with the range assignor.
    KafkaDefault,
    EagerRange,
    EagerRoundRobin,
    EagerSticky,
    CooperativeSticky,
    /// KIP-848: `group.protocol=consumer`, the broker's default server assignor (`uniform`).
    Kip848,
}

impl Strategy {
    pub const ALL: [Strategy; 6] = [
        Strategy::KafkaDefault,
        Strategy::EagerRange,
        Strategy::EagerRoundRobin,
        Strategy::EagerSticky,
        Strategy::CooperativeSticky,
        Strategy::Kip848,
    ];

    /// What Compare shows first: eager, cooperative and KIP-848 side by side.
    pub const COMPARE_DEFAULT: [Strategy; 3] = [
        Strategy::EagerRange,
        Strategy::CooperativeSticky,
        Strategy::Kip848,
    ];

    /// The scenario as this strategy runs it: the classic ones put every group on the classic
    /// protocol with their `partition.assignment.strategy`; KIP-848 puts every group on the
    /// consumer protocol.
    pub fn scenario_for(self, scenario: &Scenario) -> Scenario {
        match self {
            Strategy::Kip848 => {
                // The lane asks for the broker's default server assignor by name, so the Code tab
                // writes it (a group that names another keeps it).
                let mut next = scenario.with_consumer_protocol();
                carry_session_to_broker(scenario, &mut next);
                for group in &mut next.groups {
                    group
                        .config
                        .entry("group.remote.assignor".to_string())
                        .or_insert_with(|| ConfigValue("uniform".into()));
                }
                next
            }
            // A classic lane runs every group on the classic protocol, whatever the scenario chose.
            _ => scenario
                .with_classic_protocol()
                .with_assignment_strategy(None, &self.assignors()),
        }
    }

    /// A user's action as this strategy's World takes it: under KIP-848 a new consumer is created
    /// without the settings Kafka refuses with `group.protocol=consumer` (the broker's
    /// `group.consumer.*` settings stand in for them), so one action can run in every lane.
    pub fn adapt(self, action: Action) -> Action {
        match (self, action) {
            (
                Strategy::Kip848,
                Action::AddConsumer {
                    group,
                    topics,
                    mut config,
                },
            ) => {
                strip_classic_only(&mut config);
                config.remove("group.protocol");
                Action::AddConsumer {
                    group,
                    topics,
                    config,
                }
            }
            (_, action) => action,
        }
    }

    pub fn assignors(self) -> Vec<AssignorName> {
        match self {
            Strategy::KafkaDefault => vec![AssignorName::Range, AssignorName::CooperativeSticky],
            Strategy::EagerRange => vec![AssignorName::Range],
            Strategy::EagerRoundRobin => vec![AssignorName::RoundRobin],
            Strategy::EagerSticky => vec![AssignorName::Sticky],
            Strategy::CooperativeSticky => vec![AssignorName::CooperativeSticky],
            // The server assigns; the client's list is not used (and may not be set).
            Strategy::Kip848 => Vec::new(),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Strategy::KafkaDefault => "Kafka default (eager · range)",
            Strategy::EagerRange => "eager · range",
            Strategy::EagerRoundRobin => "eager · roundrobin",
            Strategy::EagerSticky => "eager · sticky",
            Strategy::CooperativeSticky => "cooperative · cooperative-sticky",
            Strategy::Kip848 => "KIP-848 · consumer protocol (uniform)",
        }
    }

    pub fn short(self) -> &'static str {
        match self {
            Strategy::KafkaDefault => "default",
            Strategy::EagerRange => "eager-range",
            Strategy::EagerRoundRobin => "eager-roundrobin",
            Strategy::EagerSticky => "eager-sticky",
            Strategy::CooperativeSticky => "cooperative-sticky",
            Strategy::Kip848 => "kip848",
        }
    }

    pub fn from_short(name: &str) -> Option<Strategy> {
        Self::ALL.into_iter().find(|s| s.short() == name)
    }

    /// The strategy a scenario file asks for, if it asks for one: it sets `group.protocol` or
    /// `partition.assignment.strategy` for its groups or consumers, and every consumer it starts (or,
    /// with none, every group it configures) then runs on the consumer protocol (KIP-848), or on the
    /// classic protocol with the assignor list one strategy stands for. None when it leaves the
    /// choice to Kafka's defaults, or its consumers differ.
    pub fn pinned_by(scenario: &Scenario) -> Option<Strategy> {
        const PINNING: [&str; 2] = ["group.protocol", "partition.assignment.strategy"];
        let sets = |config: &ConfigOverrides| PINNING.iter().any(|name| config.contains_key(*name));
        let asks = scenario.groups.iter().any(|g| sets(&g.config))
            || scenario.consumers.iter().any(|c| sets(&c.config));
        if !asks {
            return None;
        }
        let none = ConfigOverrides::new();
        let configs: Vec<(&str, &ConfigOverrides)> = if scenario.consumers.is_empty() {
            scenario
                .groups
                .iter()
                .map(|g| (g.group_id.as_str(), &none))
                .collect()
        } else {
            scenario
                .consumers
                .iter()
                .map(|c| (c.group.as_str(), &c.config))
                .collect()
        };
        let mut chosen = None;
        for (group, overrides) in configs {
            let config = scenario.consumer_config(group, overrides).ok()?;
            let strategy = if config.is_consumer_protocol() {
                Strategy::Kip848
            } else {
                let assignors = &config.partition_assignment_strategy;
                Self::ALL
                    .into_iter()
                    .find(|s| *s != Strategy::Kip848 && s.assignors() == *assignors)?
            };
            if chosen.is_some_and(|c| c != strategy) {
                return None;
            }
            chosen = Some(strategy);
        }
        chosen
    }
}

/// A classic scenario's own `session.timeout.ms` and `heartbeat.interval.ms` (a lesson's classroom
/// timings) become the broker's `group.consumer.*` settings in the KIP-848 lane, with the bounds
/// widened to admit them, so both protocols notice a crash after the same time. A scenario that
/// sets the broker's KIP-848 session already keeps it.
fn carry_session_to_broker(classic: &Scenario, next: &mut Scenario) {
    if next
        .broker
        .contains_key("group.consumer.session.timeout.ms")
    {
        return;
    }
    let setting = |name: &str| -> Option<u64> {
        let from_group = classic
            .groups
            .iter()
            .find_map(|g| g.config.get(name).map(|v| v.0.clone()));
        let from_consumer = classic
            .consumers
            .iter()
            .find_map(|c| c.config.get(name).map(|v| v.0.clone()));
        from_group.or(from_consumer)?.trim().parse().ok()
    };
    let Some(session) = setting("session.timeout.ms") else {
        return;
    };
    let heartbeat = setting("heartbeat.interval.ms")
        .unwrap_or(5_000)
        .min(session.saturating_sub(1))
        .max(1);
    let mut put = |name: &str, value: u64| {
        next.broker
            .insert(name.to_string(), ConfigValue(value.to_string()));
    };
    put("group.consumer.min.session.timeout.ms", session.min(45_000));
    put("group.consumer.max.session.timeout.ms", session.max(60_000));
    put("group.consumer.session.timeout.ms", session);
    put(
        "group.consumer.min.heartbeat.interval.ms",
        heartbeat.min(5_000),
    );
    put(
        "group.consumer.max.heartbeat.interval.ms",
        heartbeat.max(15_000),
    );
    put("group.consumer.heartbeat.interval.ms", heartbeat);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::World;

    fn example(name: &str) -> Scenario {
        let text = match name {
            "eager-range-join" => include_str!("../../examples/eager-range-join.json"),
            "cooperative-sticky-join" => {
                include_str!("../../examples/cooperative-sticky-join.json")
            }
            "kip848-join" => include_str!("../../examples/kip848-join.json"),
            "records-join-and-crash" => include_str!("../../examples/records-join-and-crash.json"),
            "rolling-upgrade-kip848" => include_str!("../../examples/rolling-upgrade-kip848.json"),
            "rolling-downgrade-static" => {
                include_str!("../../examples/rolling-downgrade-static.json")
            }
            "static-restart" => include_str!("../../examples/static-restart.json"),
            "stall-and-crash" => include_str!("../../examples/stall-and-crash.json"),
            _ => unreachable!("{name}"),
        };
        Scenario::from_json(text).expect("the example parses")
    }

    /// Each example opens in the page under the protocol and assignor its groups set, so what it
    /// describes is what the page shows; one that leaves them to Kafka's defaults keeps the page's.
    #[test]
    fn an_example_pins_the_strategy_its_groups_set() {
        for (name, pinned) in [
            ("eager-range-join", None),
            ("static-restart", None),
            ("stall-and-crash", None),
            ("cooperative-sticky-join", Some(Strategy::CooperativeSticky)),
            ("records-join-and-crash", Some(Strategy::CooperativeSticky)),
            ("rolling-upgrade-kip848", Some(Strategy::CooperativeSticky)),
            ("kip848-join", Some(Strategy::Kip848)),
            ("rolling-downgrade-static", Some(Strategy::Kip848)),
        ] {
            assert_eq!(Strategy::pinned_by(&example(name)), pinned, "{name}");
        }
    }

    #[test]
    fn consumers_that_differ_or_an_assignor_list_no_strategy_stands_for_pin_nothing() {
        let scenario = |consumers: &str| {
            Scenario::from_json(&format!(
                r#"{{ "topics": [{{ "name": "t", "partitions": 2 }}],
                     "groups": [{{ "group_id": "g", "config": {{ "partition.assignment.strategy": "range" }} }}],
                     "consumers": [{consumers}], "duration_ms": 1000 }}"#
            ))
            .expect("a valid scenario")
        };
        let plain = r#"{ "group": "g", "topics": ["t"] }"#;
        assert_eq!(
            Strategy::pinned_by(&scenario(plain)),
            Some(Strategy::EagerRange)
        );
        let kip848 = r#"{ "group": "g", "topics": ["t"], "config": { "group.protocol": "consumer",
                          "partition.assignment.strategy": "" } }"#;
        assert_eq!(
            Strategy::pinned_by(&scenario(&format!("{plain}, {kip848}"))),
            None
        );
        let unusual = r#"{ "group": "g", "topics": ["t"], "config": {
                          "partition.assignment.strategy": "roundrobin,range" } }"#;
        assert_eq!(Strategy::pinned_by(&scenario(unusual)), None);
    }

    #[test]
    fn an_added_consumer_with_classic_timings_joins_the_kip848_lane_without_them() {
        let action = Action::AddConsumer {
            group: "g".into(),
            topics: vec!["t".into()],
            config: [(
                "session.timeout.ms".to_string(),
                ConfigValue("10000".into()),
            )]
            .into_iter()
            .collect(),
        };
        let Action::AddConsumer { config, .. } = Strategy::Kip848.adapt(action.clone()) else {
            unreachable!()
        };
        assert!(config.is_empty());
        assert_eq!(Strategy::EagerRange.adapt(action.clone()), action);
    }

    /// A scenario written for KIP-848 (its group on `group.protocol=consumer`, a server assignor,
    /// the broker's classroom session) opens in every lane: the classic ones run it on the classic
    /// protocol with the same session and heartbeat, the KIP-848 lane as written.
    #[test]
    fn a_kip848_scenario_runs_in_every_lane_each_on_its_own_protocol() {
        let scenario = Scenario::from_json(
            r#"{ "seed": 1, "topics": [{ "name": "t", "partitions": 6 }],
                 "broker": { "group.consumer.min.session.timeout.ms": 6000,
                             "group.consumer.session.timeout.ms": 8000,
                             "group.consumer.min.heartbeat.interval.ms": 1000,
                             "group.consumer.heartbeat.interval.ms": 2000 },
                 "groups": [{ "group_id": "g", "config": {
                     "group.protocol": "consumer", "group.remote.assignor": "range" } }],
                 "consumers": [{ "group": "g", "topics": ["t"], "count": 3 }],
                 "actions": [{ "at_ms": 1000, "action": { "type": "add_consumer",
                     "group": "g", "topics": ["t"], "config": { "group.protocol": "consumer" } } }],
                 "duration_ms": 20000 }"#,
        )
        .expect("a valid scenario");
        for strategy in Strategy::ALL {
            let lane = strategy.scenario_for(&scenario);
            let mut world = World::new(&lane).unwrap_or_else(|e| panic!("{strategy:?}: {e}"));
            world.run_until(20_000);
            let snapshot = world.snapshot();
            let kip848 = strategy == Strategy::Kip848;
            assert_eq!(snapshot.consumer_groups.is_empty(), !kip848, "{strategy:?}");
            assert_eq!(snapshot.groups.is_empty(), kip848, "{strategy:?}");
            let owned: usize = snapshot.consumers.iter().map(|c| c.owned.len()).sum();
            assert_eq!(owned, 6, "{strategy:?}: every partition consumed");
            if !kip848 {
                let config = &snapshot.consumers[0].config;
                assert_eq!(
                    (config.session_timeout_ms, config.heartbeat_interval_ms),
                    (8_000, 2_000),
                    "{strategy:?}: the broker's KIP-848 timings carried to the group"
                );
            }
        }
    }
}
