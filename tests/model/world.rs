//! The World's contract with the page: refused actions change nothing, the same scenario gives the same
//! trace, handles are stable, and snapshots carry both truths (owned vs assigned).

use crate::common::*;
use rebalance_lab::sim::assign::AssignorName;
use rebalance_lab::sim::config::ConfigError;
use rebalance_lab::sim::invariants::InvariantChecker;
use rebalance_lab::sim::scenario::ConfigOverrides;
use rebalance_lab::sim::scenario::ConsumerEntry;
use rebalance_lab::sim::ConsumerState;
use rebalance_lab::sim::InstanceIdChange;
use rebalance_lab::sim::{Action, ActionError, ScenarioError, World};

fn example() -> rebalance_lab::sim::Scenario {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/eager-range-join.json"
    ))
    .unwrap();
    rebalance_lab::sim::Scenario::from_json(&text).unwrap()
}

/// Applies an action that must be refused, checks that the World did not move, and returns the reason.
fn refused(world: &mut World, action: Action) -> ActionError {
    let snapshot = world.snapshot();
    let trace_len = world.trace().len();
    let next = world.next_event_time();
    let error = world.apply(action).expect_err("action must be refused");
    assert_eq!(
        world.snapshot(),
        snapshot,
        "a refused action leaves the World unchanged ({error})"
    );
    assert_eq!(world.trace().len(), trace_len);
    assert_eq!(world.next_event_time(), next);
    error
}

#[test]
fn refused_actions_leave_the_world_unchanged() {
    let mut world = World::new(&example()).unwrap();
    world.run_until(10_000);
    let shrink = refused(
        &mut world,
        Action::AddPartitions {
            topic: "orders".into(),
            total: 4,
        },
    );
    assert_eq!(
        shrink,
        ActionError::InvalidPartitions {
            topic: "orders".into(),
            current: 6,
            requested: 4
        }
    );
    // The page and the README quote Kafka's own message.
    assert_eq!(
        shrink.to_string(),
        "InvalidPartitionsException: The topic orders currently has 6 partition(s); 4 would not be an increase."
    );
    assert_eq!(
        refused(
            &mut world,
            Action::AddPartitions {
                topic: "orders".into(),
                total: 6
            }
        )
        .to_string(),
        "InvalidPartitionsException: Topic already has 6 partition(s)."
    );
    assert_eq!(
        refused(
            &mut world,
            Action::AddPartitions {
                topic: "payments".into(),
                total: 6
            }
        ),
        ActionError::UnknownTopic {
            topic: "payments".into()
        }
    );
    apply(
        &mut world,
        Action::KillConsumer {
            consumer: "c3".into(),
        },
    );
    for action in [
        Action::KillConsumer {
            consumer: "c3".into(),
        },
        Action::CloseConsumer {
            consumer: "c3".into(),
        },
        Action::StallConsumer {
            consumer: "c3".into(),
            ms: 1000,
        },
    ] {
        let error = refused(&mut world, action);
        assert_eq!(
            error,
            ActionError::ConsumerNotRunning {
                handle: "c3".into(),
                state: ConsumerState::Dead
            }
        );
        assert_eq!(error.to_string(), "consumer c3 is dead: restart it first");
    }
    let unknown = refused(
        &mut world,
        Action::CloseConsumer {
            consumer: "c9".into(),
        },
    );
    assert!(matches!(&unknown, ActionError::UnknownConsumer { handle, .. } if handle == "c9"));
    assert_eq!(
        unknown.to_string(),
        "there is no consumer c9 (consumers: c1, c2, c3)"
    );
    assert_eq!(
        refused(
            &mut world,
            Action::RestartConsumer {
                consumer: "c1".into(),
                group_instance_id: InstanceIdChange::Keep
            }
        ),
        ActionError::ConsumerStillRunning {
            handle: "c1".into()
        }
    );
    assert_eq!(
        refused(
            &mut world,
            Action::StallConsumer {
                consumer: "c1".into(),
                ms: 0
            }
        ),
        ActionError::StallTooShort
    );
    let mut bad = ConfigOverrides::new();
    bad.insert("heartbeat.interval.ms".into(), "45000".into());
    let bad_config = refused(
        &mut world,
        Action::AddConsumer {
            group: "orders-app".into(),
            topics: vec!["orders".into()],
            config: bad,
        },
    );
    assert_eq!(
        bad_config,
        ActionError::Config(ConfigError::HeartbeatNotBelowSession {
            heartbeat_ms: 45_000,
            session_ms: 45_000
        })
    );
    assert!(bad_config.to_string().starts_with(
        "heartbeat.interval.ms (45000) must be lower than session.timeout.ms (45000): "
    ));
    assert_eq!(
        refused(
            &mut world,
            Action::AddConsumer {
                group: "orders-app".into(),
                topics: Vec::new(),
                config: ConfigOverrides::new()
            }
        ),
        ActionError::EmptySubscription
    );
    let read_once = refused(
        &mut world,
        Action::SetConsumerConfig {
            consumer: "c1".into(),
            name: "session.timeout.ms".into(),
            value: "10000".into(),
        },
    );
    assert!(
        matches!(&read_once, ActionError::SettingNeedsRestart { name, .. } if name == "session.timeout.ms")
    );
    assert!(read_once.to_string().contains("close or kill it"));
    assert_eq!(
        refused(
            &mut world,
            Action::SetConsumerConfig {
                consumer: "c3".into(),
                name: "group.id".into(),
                value: "other".into()
            }
        ),
        ActionError::GroupIdCannotChange
    );
    assert_eq!(
        refused(
            &mut world,
            Action::SetConsumerConfig {
                consumer: "c3".into(),
                name: "session.timeout.ms".into(),
                value: "soon".into()
            }
        ),
        ActionError::Config(ConfigError::NotANumber {
            name: "session.timeout.ms".into(),
            value: "soon".into()
        })
    );
    let duplicate = refused(
        &mut world,
        Action::AddTopic {
            name: "orders".into(),
            partitions: 3,
        },
    );
    assert_eq!(
        duplicate,
        ActionError::TopicAlreadyExists {
            topic: "orders".into()
        }
    );
    assert_eq!(
        duplicate.to_string(),
        "TopicExistsException: Topic 'orders' already exists."
    );
    assert!(matches!(
        refused(
            &mut world,
            Action::AddTopic {
                name: "bad topic".into(),
                partitions: 3
            }
        ),
        ActionError::InvalidTopic { .. }
    ));
    assert_eq!(
        refused(
            &mut world,
            Action::AddTopic {
                name: "payments".into(),
                partitions: 0
            }
        ),
        ActionError::NoPartitions {
            topic: "payments".into(),
            requested: 0
        }
    );
    // -1 asks createTopics for the broker's num.partitions (1 by default).
    world
        .apply(Action::AddTopic {
            name: "payments".into(),
            partitions: -1,
        })
        .expect("Kafka accepts -1 partitions");
    assert_eq!(world.topics().get("payments"), Some(&1));
}

#[test]
fn the_same_scenario_gives_a_byte_identical_trace() {
    let run = || {
        let mut world = World::new(&example()).unwrap();
        world.run_until(world.duration_ms());
        serde_json::to_string(world.trace()).unwrap()
    };
    let first = run();
    assert_eq!(first, run());
    let mut other = example();
    other.seed += 1;
    let mut world = World::new(&other).unwrap();
    world.run_until(world.duration_ms());
    assert_ne!(
        first,
        serde_json::to_string(world.trace()).unwrap(),
        "the seed picks the member ids"
    );
}

#[test]
fn stepping_and_running_reach_the_same_state() {
    let mut stepped = World::new(&example()).unwrap();
    while stepped.next_event_time().is_some_and(|t| t <= 30_000) {
        stepped.step();
    }
    stepped.run_until(30_000);
    let mut ran = World::new(&example()).unwrap();
    ran.run_until(30_000);
    assert_eq!(stepped.snapshot(), ran.snapshot());
    assert_eq!(stepped.trace(), ran.trace());
}

#[test]
fn handles_are_stable_across_worlds_and_strategies() {
    let base = example();
    let coop = base.with_assignment_strategy(None, &[AssignorName::CooperativeSticky]);
    let a = World::new(&base).unwrap();
    let b = World::new(&coop).unwrap();
    let handles = |w: &World| {
        w.snapshot()
            .consumers
            .iter()
            .map(|c| c.handle.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(handles(&a), vec!["c1", "c2", "c3"]);
    assert_eq!(handles(&a), handles(&b));
    assert_eq!(
        b.snapshot().consumers[0]
            .config
            .partition_assignment_strategy,
        vec![AssignorName::CooperativeSticky]
    );
}

#[test]
fn snapshots_show_owned_and_assigned_separately_during_a_rebalance() {
    let mut world = World::new(&example()).unwrap();
    let mut checker = InvariantChecker::new();
    run_checked(&mut world, &mut checker, 19_000);
    let s = world.snapshot();
    assert_eq!(s.groups[0].generation, 1);
    assert_eq!(s.groups[0].selected_assignor.as_deref(), Some("range"));
    assert_eq!(s.groups[0].leader_consumer.as_deref(), Some("c1"));
    let c1 = &s.consumers[0];
    assert!(c1.is_leader);
    assert_eq!(c1.owned, c1.assigned_by_coordinator);
    assert!(c1
        .session_deadline
        .is_some_and(|d| d > 19_000 && d <= 19_000 + 45_000));
    assert_eq!(c1.poll_deadline.map(|d| d > 19_000), Some(true));

    // During the rebalance started by c4, c1 has revoked everything but the coordinator still holds
    // its generation-1 assignment.
    run_checked(&mut world, &mut checker, 21_070);
    let s = world.snapshot();
    let c1 = &s.consumers[0];
    assert!(c1.owned.is_empty());
    assert_eq!(c1.assigned_by_coordinator.len(), 2);
    assert_ne!(c1.state, rebalance_lab::sim::ConsumerState::Stable);
}

#[test]
fn a_restarted_consumer_keeps_its_handle() {
    let mut world = World::new(&example()).unwrap();
    world.run_until(10_000);
    apply(
        &mut world,
        Action::KillConsumer {
            consumer: "c2".into(),
        },
    );
    world.run_until(11_000);
    apply(
        &mut world,
        Action::RestartConsumer {
            consumer: "c2".into(),
            group_instance_id: InstanceIdChange::Keep,
        },
    );
    world.run_until(70_000);
    let s = world.snapshot();
    assert_eq!(s.consumers.len(), 4);
    assert_eq!(s.consumers[1].handle, "c2");
    assert_eq!(s.consumers[1].incarnation, 2);
}

#[test]
fn scenario_errors_are_explained() {
    let bad = |json: &str| {
        World::new(&rebalance_lab::sim::Scenario::from_json(json).unwrap())
            .err()
            .unwrap()
    };
    let no_partitions = bad(r#"{ "topics": [{ "name": "t", "partitions": 0 }] }"#);
    assert!(matches!(
        no_partitions,
        ScenarioError::Topic {
            index: 0,
            error: ActionError::NoPartitions { requested: 0, .. }
        }
    ));
    assert!(no_partitions
        .to_string()
        .contains("invalid non-positive value"));
    let not_a_number = bad(
        r#"{ "consumers": [{ "group": "g", "topics": ["t"], "config": { "session.timeout.ms": "soon" } }] }"#,
    );
    assert!(matches!(
        &not_a_number,
        ScenarioError::Consumer {
            entry: ConsumerEntry::Consumers(0),
            error: ConfigError::NotANumber { .. },
            ..
        }
    ));
    assert_eq!(
        not_a_number.to_string(),
        "consumers[0] (group g): session.timeout.ms must be a whole number of milliseconds, not \"soon\""
    );
    assert!(matches!(
        bad(r#"{ "broker": { "group.max.size": 0 } }"#),
        ScenarioError::Broker(ConfigError::OutOfRange {
            name: "group.max.size",
            value: 0,
            ..
        })
    ));
    assert_eq!(
        bad(r#"{ "consumers": [{ "group": "g", "topics": [] }] }"#),
        ScenarioError::NoTopics {
            entry: ConsumerEntry::Consumers(0)
        }
    );
    assert!(matches!(
        rebalance_lab::sim::Scenario::from_json("{ nope"),
        Err(ScenarioError::Load(_))
    ));
}

#[test]
fn broker_limits_are_enforced() {
    let scenario = scenario(
        r#"{ "broker": { "group.max.size": 2, "group.initial.rebalance.delay.ms": 0 },
             "topics": [{ "name": "t", "partitions": 4 }],
             "consumers": [{ "group": "g", "topics": ["t"], "count": 3 },
                           { "group": "h", "topics": ["t"], "config": { "session.timeout.ms": 5000, "heartbeat.interval.ms": 1000 } }] }"#,
    );
    let mut world = World::new(&scenario).unwrap();
    world.run_until(10_000);
    let states: Vec<String> = world
        .snapshot()
        .consumers
        .iter()
        .map(|c| c.state.to_string())
        .collect();
    assert_eq!(
        states
            .iter()
            .filter(|s| s.contains("GroupMaxSizeReachedException: Consumer group g already has the configured maximum number of members."))
            .count(),
        1,
        "{states:?}"
    );
    assert!(
        states[3].contains("InvalidSessionTimeoutException: "),
        "{states:?}"
    );
}

#[test]
fn the_model_uses_no_web_crate_wall_clock_or_ambient_randomness() {
    fn visit(dir: &std::path::Path, files: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                visit(&path, files);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut files = Vec::new();
    visit(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sim"),
        &mut files,
    );
    assert!(files.len() > 10);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for banned in [
            "yew::",
            "web_sys",
            "wasm_bindgen",
            "gloo",
            "thread_rng",
            "SystemTime",
            "Instant::now",
        ] {
            assert!(!text.contains(banned), "{} uses {banned}", file.display());
        }
    }
}

#[test]
fn every_example_runs_cleanly_with_invariants_checked() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let scenario = rebalance_lab::sim::Scenario::from_json(&text).unwrap();
        let mut world = World::new(&scenario).unwrap();
        let mut checker = InvariantChecker::new();
        let until = world.duration_ms();
        run_checked(&mut world, &mut checker, until);
        assert!(
            world.refused_actions().is_empty(),
            "{}: {:?}",
            path.display(),
            world.refused_actions()
        );
        count += 1;
    }
    assert!(count >= 4);
}

#[test]
fn extreme_inputs_do_not_panic() {
    let s = scenario(
        r#"{ "topics": [{ "name": "t", "partitions": 3 }],
             "consumers": [{ "group": "g", "topics": ["t"], "config": { "client.id": "ünïcødé-клиент", "metadata.max.age.ms": 18446744073709551615 } }] }"#,
    );
    let mut world = World::new(&s).unwrap();
    world.run_until(10_000);
    apply(
        &mut world,
        Action::StallConsumer {
            consumer: "c1".into(),
            ms: u64::MAX,
        },
    );
    world.run_until(20_000);
    let _ = rebalance_lab::sim::report::format_trace(&world, false);
    let _ = rebalance_lab::sim::report::summary(&world);
    world.run_until(60_000);
    assert_eq!(
        world.snapshot().consumers[0].state,
        rebalance_lab::sim::ConsumerState::Stalled
    );
}

#[test]
fn a_step_lands_on_the_next_instant_that_records_something() {
    let mut world = World::new(&example()).unwrap();
    world.run_until(30_000);
    for _ in 0..20 {
        let before = world.trace().len();
        let t = world.step_to_next_record(10_000).unwrap();
        assert_eq!(world.now(), t);
        assert!(
            world.trace().len() > before,
            "a step at {t} showed nothing new"
        );
        assert!(world.trace().since(before).all(|e| e.at == t));
    }
}

#[test]
fn join_group_reasons_are_kafkas_strings() {
    use rebalance_lab::sim::protocol::{Message, Request};
    use rebalance_lab::sim::{Endpoint, TraceEvent};
    let mut world = World::new(&example()).unwrap();
    world.run_until(10_000);
    let joins: Vec<(String, String)> = world
        .trace()
        .iter()
        .filter_map(|e| match &e.event {
            TraceEvent::MessageSent {
                from: Endpoint::Consumer { handle, .. },
                message,
                ..
            } if handle == "c1" => match &**message {
                Message::Request {
                    body: Request::JoinGroup(r),
                    ..
                } => Some((r.member_id.clone(), r.reason.to_string())),
                _ => None,
            },
            _ => None,
        })
        .collect();
    assert!(joins.len() >= 2, "{joins:?}");
    // rejoinReason starts empty; MEMBER_ID_REQUIRED names the id to come back with.
    assert_eq!(joins[0], (String::new(), String::new()));
    let member_id = joins[1].0.clone();
    assert!(!member_id.is_empty());
    assert_eq!(
        joins[1].1,
        format!("need to re-join with the given member-id: {member_id}")
    );
}

#[test]
fn a_closing_consumer_refuses_everything_but_a_kill_until_its_commit_is_answered() {
    let mut world = World::new(&example()).unwrap();
    world.run_until(10_000);
    world
        .apply(Action::CloseConsumer {
            consumer: "c2".into(),
        })
        .unwrap();
    let closing = ActionError::ConsumerClosing {
        handle: "c2".into(),
    };
    let restart = Action::RestartConsumer {
        consumer: "c2".into(),
        group_instance_id: Default::default(),
    };
    assert_eq!(refused(&mut world, restart.clone()), closing);
    assert!(closing
        .to_string()
        .contains("waits for its final offset commit"));
    let close = Action::CloseConsumer {
        consumer: "c2".into(),
    };
    assert_eq!(refused(&mut world, close), closing);
    let stall = Action::StallConsumer {
        consumer: "c2".into(),
        ms: 1_000,
    };
    assert_eq!(refused(&mut world, stall), closing);
    // One round trip later the commit is answered, close() returns and a restart is welcome.
    world.run_until(world.now() + 100);
    world.apply(restart).unwrap();
}

#[test]
fn sizes_beyond_the_model_are_refused_up_front_and_name_their_field() {
    use rebalance_lab::sim::limits::Limit;
    let refused = |json: &str| {
        rebalance_lab::sim::Scenario::from_json(json).and_then(|s| World::new(&s).map(|_| ()))
    };
    let huge_topic =
        refused(r#"{ "topics": [{ "name": "t", "partitions": 1000000000 }] }"#).unwrap_err();
    assert!(matches!(
        &huge_topic,
        ScenarioError::Topic {
            index: 0,
            error: ActionError::BeyondLimit(e)
        } if e.limit == Limit::PartitionsPerTopic
    ));
    assert!(huge_topic
        .to_string()
        .starts_with("topics[0]: 1000000000 is beyond what this simulator supports: at most 10000 partitions per topic"));
    let crowd = refused(
        r#"{ "topics": [{ "name": "t", "partitions": 1 }],
        "consumers": [{ "group": "g", "topics": ["t"], "count": 100000 }] }"#,
    )
    .unwrap_err();
    assert!(
        matches!(&crowd, ScenarioError::TooLarge { field, error } if field == "consumers[0].count" && error.limit == Limit::Consumers),
        "{crowd}"
    );
    let long = refused(r#"{ "duration_ms": 86400001 }"#).unwrap_err();
    assert!(
        long.to_string()
            .starts_with("duration_ms: 86400001 is beyond"),
        "{long}"
    );
    // At run time the same limits refuse actions, and the World is unchanged.
    let mut world = World::new(&scenario(
        r#"{ "topics": [{ "name": "t", "partitions": 1 }] }"#,
    ))
    .unwrap();
    let before = world.snapshot();
    let grow = world.apply(Action::AddPartitions {
        topic: "t".into(),
        total: 1_000_000_000,
    });
    assert!(
        matches!(grow, Err(ActionError::BeyondLimit(e)) if e.limit == Limit::PartitionsPerTopic)
    );
    assert_eq!(world.snapshot(), before);
}

#[test]
fn duplicate_blank_and_unknown_entries_are_explained() {
    let refused = |json: &str| {
        rebalance_lab::sim::Scenario::from_json(json)
            .and_then(|s| World::new(&s).map(|_| ()))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        refused(r#"{ "groups": [{ "group_id": "g" }, { "group_id": "g" }] }"#),
        "groups[1]: group \"g\" is listed twice; give each group one entry"
    );
    assert_eq!(
        refused(
            r#"{ "topics": [{ "name": "t", "partitions": 1 }, { "name": "t", "partitions": 2 }] }"#
        ),
        "topics[1]: TopicExistsException: Topic 't' already exists."
    );
    assert_eq!(
        refused(r#"{ "consumers": [{ "group": "g", "topics": ["t", ""] }] }"#),
        "consumers[0]: IllegalArgumentException: Topic collection to subscribe to cannot contain null or empty topic"
    );
    assert!(
        refused(r#"{ "consumers": [{ "group": "", "topics": ["t"] }] }"#)
            .starts_with("consumers[0] (group ): group.id is required")
    );
    assert_eq!(
        refused(r#"{ "consumers": [{ "group": "g", "topics": ["t"], "count": 0 }] }"#),
        "consumers[0]: count is 0, so this entry starts no consumer"
    );
    let typo = refused(r#"{ "duration": 5000 }"#);
    assert!(
        typo.starts_with(
            "invalid scenario JSON: duration (line 1, column 12): unknown field `duration`"
        ),
        "{typo}"
    );
    let negative = refused(
        r#"{ "actions": [{ "at_ms": -1, "action": { "type": "kill_consumer", "consumer": "c1" } }] }"#,
    );
    assert!(negative.starts_with("invalid scenario JSON: actions[0].at_ms (line 1, column 27): a negative number is not allowed here"), "{negative}");
    let unknown_action =
        refused(r#"{ "actions": [{ "at_ms": 1, "action": { "type": "explode" } }] }"#);
    assert!(
        unknown_action.contains("actions[0].action")
            && unknown_action.contains("unknown variant `explode`"),
        "{unknown_action}"
    );
}
