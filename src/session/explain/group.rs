//! The group header's note while the coordinator is rebalancing, and what each strategy the page
//! offers means. The note names the members the coordinator still waits for and how long it may wait:
//! the initial delay for a new group, the rebalance timeout (the largest `max.poll.interval.ms`) for a
//! join phase, the leader's SyncGroup for the sync phase.

use super::duration;
use crate::session::Strategy;
use crate::sim::snapshot::GroupSnapshot;
use crate::sim::time::Millis;
use crate::sim::vocab::ClassicGroupState;
use crate::sim::{TraceEvent, World};

/// What the coordinator is waiting for, while the group rebalances.
pub fn group_note(g: &GroupSnapshot) -> Option<String> {
    let timeout = duration(g.rebalance_timeout_ms);
    match g.state {
        ClassicGroupState::PreparingRebalance => Some(match g.initial_delay_ms {
            Some(delay) => format!(
                "First rebalance of an empty group: the coordinator waits group.initial.rebalance.delay.ms \
                 ({d}) for more members, and another {d} whenever one joined during the wait, within the \
                 rebalance timeout ({timeout}), so consumers that start together share one rebalance.",
                d = duration(delay)
            ),
            None => {
                let waiting: Vec<&str> = g
                    .members
                    .iter()
                    .filter(|m| !m.awaiting_join)
                    .map(|m| m.consumer.as_str())
                    .collect();
                let still = if waiting.is_empty() {
                    String::new()
                } else {
                    format!(" (still waiting for {})", waiting.join(", "))
                };
                format!(
                    "Rebalancing: every member must rejoin{still}. Each learns of the rebalance at its next \
                     heartbeat and rejoins at its next poll(), so one slow poller holds up the whole group. \
                     The coordinator waits at most the rebalance timeout, the largest max.poll.interval.ms \
                     among the members ({timeout}); then it goes on without the dynamic members that have not \
                     rejoined (static ones keep their place)."
                )
            }
        }),
        ClassicGroupState::CompletingRebalance => {
            let leader = g.leader_consumer.as_deref().unwrap_or("the leader");
            // Not "everyone rejoined": a static member that did not rejoin is kept and still assigned.
            Some(format!(
                "Generation {}: the join phase is over. The leader {leader} computes the assignment and \
                 sends it in its SyncGroup; the other members' SyncGroups wait at the coordinator until then.",
                g.generation
            ))
        }
        _ => None,
    }
}

/// The order range and roundrobin took the members in, for the group header: the order itself
/// ("c3 < c1 < c2") and why it is that order. `None` for the sticky assignors, whose placement does not
/// follow it, and for fewer than two members.
pub fn member_order(g: &GroupSnapshot) -> Option<(String, String)> {
    let assignor = g.selected_assignor.as_deref()?;
    if !matches!(assignor, "range" | "roundrobin") {
        return None;
    }
    let order = g.assignment_order();
    if order.len() < 2 {
        return None;
    }
    let order = order.join(" < ");
    let why = format!(
        "{assignor} took the members in this order: {order}. It sorts static members by group.instance.id, \
         then the rest by member id, which is the client.id and a random UUID; every consumer process is \
         consumer-{}-1 unless client.id is set, so the UUIDs decide.",
        g.group_id
    );
    Some((order, why))
}

/// What choosing this strategy means for the group.
pub fn strategy_note(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::KafkaDefault => {
            "Kafka's default list [range, cooperative-sticky] runs eager rebalances with range: a consumer \
             uses the highest rebalance protocol every assignor in its list supports, and range supports only \
             eager. The list is there for the upgrade: one rolling bounce that removes range moves a running \
             group to cooperative-sticky. From the first restarted member on, the group selects \
             cooperative-sticky, the one assignor all members share; members still listing range keep \
             revoking everything until they restart."
        }
        Strategy::EagerRange => {
            "Eager: at every rebalance each member revokes all its partitions and waits for the new \
             assignment. Range gives each member a block of each topic, in member-id order."
        }
        Strategy::EagerRoundRobin => {
            "Eager: at every rebalance each member revokes all its partitions and waits for the new \
             assignment. Round robin deals the partitions out one by one, in member-id order."
        }
        Strategy::EagerSticky => {
            "Eager: the sticky assignor keeps partitions where they were, but each member still revokes all \
             of them at every rebalance and waits for the new assignment."
        }
        Strategy::CooperativeSticky => {
            "Cooperative: members keep what they own and give up only what moves. A partition that changes \
             owner is revoked in one rebalance and assigned in a second; every member still rejoins both."
        }
        Strategy::Kip848 => {
            "KIP-848 (group.protocol=consumer): the broker assigns, with its server assignor (uniform by \
             default, or the one group.remote.assignor asks for). Members only send ConsumerGroupHeartbeat, \
             every group.consumer.heartbeat.interval.ms (5 s by default; this lane gives the broker the \
             scenario's own session and heartbeat timings). A change bumps the group epoch; the next \
             heartbeat computes a new target assignment, and each member moves to it on its own: it revokes \
             what it must give up in its next poll(), acknowledges, and a partition reaches its new owner at \
             that owner's next heartbeat. There is no group-wide barrier: members not involved never stop. \
             session.timeout.ms, heartbeat.interval.ms and partition.assignment.strategy cannot be set with \
             this protocol (Kafka refuses them), so this lane leaves them out."
        }
    }
}

/// How long after a static member's quiet return the group says that nothing happened.
pub const QUIET_CALLOUT_MS: Millis = 30_000;

/// The callout when nothing happens, which a room otherwise cannot see: a static member came back
/// within its session, the coordinator handed it its old assignment at the same generation, and
/// no rebalance followed (KIP-345; `StaticMemberResumed`). Shown for [`QUIET_CALLOUT_MS`] after
/// the return, and only while no rebalance of the group has started since.
pub fn quiet_callout(world: &World, group: &str, now: Millis) -> Option<String> {
    let turn = world.last_group_turn(group)?;
    if turn.at < now.saturating_sub(QUIET_CALLOUT_MS) {
        return None;
    }
    match &turn.event {
        TraceEvent::StaticMemberResumed {
            group_instance_id,
            consumer,
            generation,
            ..
        } => Some(resumed_callout(group_instance_id, consumer, *generation)),
        _ => None,
    }
}

fn resumed_callout(group_instance_id: &str, consumer: &str, generation: i32) -> String {
    format!(
        "No rebalance: generation stays {generation}. {consumer} came back as static member \
         {group_instance_id} within its session, so the coordinator gave it its old partitions \
         and nobody else noticed."
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::assign::RebalanceProtocol;
    use crate::sim::scenario::Scenario;
    use crate::sim::World;

    fn world(consumers: &str, broker: &str) -> World {
        let json = format!(
            r#"{{ "seed": 2, "broker": {broker}, "topics": [{{ "name": "t", "partitions": 6 }}],
                 "groups": [{{ "group_id": "g", "config": {{ "max.poll.interval.ms": 30000 }} }}],
                 "consumers": {consumers} }}"#
        );
        World::new(&Scenario::from_json(&json).unwrap()).unwrap()
    }

    fn group(w: &World) -> GroupSnapshot {
        w.snapshot().groups[0].clone()
    }

    #[test]
    fn the_first_rebalance_waits_the_initial_delay() {
        let mut w = world(r#"[{ "group": "g", "topics": ["t"], "count": 2 }]"#, "{}");
        w.run_until(1_000);
        let note = group_note(&group(&w)).unwrap();
        assert!(
            note.contains("group.initial.rebalance.delay.ms (3 s)"),
            "{note}"
        );
        assert!(note.contains("rebalance timeout (30 s)"));
        assert!(note.contains("and another 3 s whenever one joined during the wait"));
        // c2 joined during the first 3 s, so the coordinator waited 3 s more.
        w.run_until(5_900);
        assert_eq!(
            group(&w).generation,
            0,
            "nothing completes before the delays"
        );
        w.run_until(6_100);
        assert_eq!(group(&w).generation, 1);
    }

    #[test]
    fn a_rebalance_waits_for_the_slowest_poller_up_to_the_rebalance_timeout() {
        let consumers = r#"[{ "group": "g", "topics": ["t"] },
            { "group": "g", "topics": ["t"], "config": { "processing.time.ms": 8000 } }]"#;
        let mut w = world(consumers, r#"{ "group.initial.rebalance.delay.ms": 0 }"#);
        w.run_until(20_000);
        w.apply(crate::sim::Action::AddConsumer {
            group: "g".into(),
            topics: vec!["t".into()],
            config: Default::default(),
        })
        .unwrap();
        // The rebalance starts; the slow c2 rejoins only after its batch.
        let mut saw_waiting = false;
        for t in (20_000..30_000).step_by(100) {
            w.run_until(t);
            if let Some(note) = group_note(&group(&w)) {
                if note.contains("(still waiting for c2)") {
                    saw_waiting = true;
                    assert!(
                        note.contains("the largest max.poll.interval.ms among the members (30 s)")
                    );
                }
            }
        }
        assert!(saw_waiting, "the note named the slow member");
        // Then the sync phase: the leader's SyncGroup is awaited (the note avoids claiming everyone
        // rejoined: a static member that did not is kept and assigned all the same).
        let mut w2 = w.clone();
        w2.apply(crate::sim::Action::AddConsumer {
            group: "g".into(),
            topics: vec!["t".into()],
            config: Default::default(),
        })
        .unwrap();
        let mut saw_sync = false;
        for t in (w2.now()..w2.now() + 20_000).step_by(1) {
            w2.run_until(t);
            let g = group(&w2);
            if g.state == ClassicGroupState::CompletingRebalance {
                let note = group_note(&g).unwrap();
                assert!(
                    note.contains("the join phase is over. The leader c1 computes the assignment"),
                    "{note}"
                );
                saw_sync = true;
                break;
            }
        }
        assert!(saw_sync);
    }

    #[test]
    fn range_order_follows_the_member_ids_and_client_id_makes_it_explicit() {
        let consumers = |ids: [&str; 3]| {
            let entries: Vec<String> = ids
                .iter()
                .enumerate()
                .map(|(i, id)| {
                    let client = if id.is_empty() { String::new() } else { format!(r#", "client.id": "{id}""#) };
                    format!(r#"{{ "group": "g", "topics": ["t"], "start_at_ms": {}, "config": {{ "partition.assignment.strategy": "range"{client} }} }}"#, i * 300)
                })
                .collect();
            format!("[{}]", entries.join(", "))
        };
        let run = |json: String| {
            let mut w = world(&json, r#"{ "group.initial.rebalance.delay.ms": 0 }"#);
            w.run_until(10_000);
            w
        };
        // Named: c3's client.id sorts first, so it gets the first block.
        let w = run(consumers(["b", "c", "a"]));
        let g = group(&w);
        assert_eq!(g.assignment_order(), ["c3", "c1", "c2"]);
        let first = w
            .snapshot()
            .consumers
            .iter()
            .find(|c| c.handle == "c3")
            .unwrap()
            .owned
            .clone();
        assert_eq!(
            first.iter().map(|tp| tp.partition).collect::<Vec<_>>(),
            [0, 1]
        );
        // Unnamed: all are consumer-g-1, and the UUIDs decide the order the note shows.
        let w = run(consumers(["", "", ""]));
        let g = group(&w);
        assert!(g
            .members
            .iter()
            .all(|m| m.member_id.starts_with("consumer-g-1-")));
        let order = g.assignment_order();
        let mut by_id = g.members.clone();
        by_id.sort_by(|a, b| a.member_id.cmp(&b.member_id));
        assert_eq!(
            order,
            by_id.iter().map(|m| m.consumer.clone()).collect::<Vec<_>>()
        );
        let (shown, note) = member_order(&g).unwrap();
        assert_eq!(shown, order.join(" < "));
        assert!(
            note.starts_with(&format!("range took the members in this order: {shown}.")),
            "{note}"
        );
        assert!(note.contains("every consumer process is consumer-g-1 unless client.id is set"));
    }

    #[test]
    fn the_default_list_runs_eager_range_and_one_bounce_moves_it_to_cooperative() {
        let default = r#"[{ "group": "g", "topics": ["t"], "count": 2 }]"#;
        let mut w = world(default, r#"{ "group.initial.rebalance.delay.ms": 0 }"#);
        w.run_until(5_000);
        assert_eq!(group(&w).rebalance_protocol, Some(RebalanceProtocol::Eager));
        assert_eq!(group(&w).selected_assignor.as_deref(), Some("range"));
        // Mid-bounce: one member restarted with range removed.
        let mixed = r#"[{ "group": "g", "topics": ["t"] },
            { "group": "g", "topics": ["t"], "config": { "partition.assignment.strategy": "cooperative-sticky" } }]"#;
        let mut w = world(mixed, r#"{ "group.initial.rebalance.delay.ms": 0 }"#);
        w.run_until(5_000);
        assert_eq!(
            group(&w).selected_assignor.as_deref(),
            Some("cooperative-sticky")
        );
        let note = strategy_note(Strategy::KafkaDefault);
        assert!(
            note.contains("one rolling bounce that removes range"),
            "{note}"
        );
        assert!(note.contains("the group selects cooperative-sticky"));
    }

    /// The static membership lesson's group under Kafka's defaults, run to `until_ms`.
    fn static_lesson(until_ms: Millis) -> crate::session::Lab {
        use crate::session::{lessons, Lab, Session};
        Lab::new(Session {
            scenario: lessons::lesson("static").unwrap().scenario(),
            strategies: vec![Strategy::KafkaDefault],
            actions: Vec::new(),
            until_ms,
        })
        .unwrap()
    }

    /// The callout as it was first written: a scan back through the trace's last 30 s.
    fn quiet_callout_by_scan(w: &World, group: &str, now: Millis) -> Option<String> {
        let since = now.saturating_sub(QUIET_CALLOUT_MS);
        for entry in w.trace().iter().rev().take_while(|e| e.at >= since) {
            match &entry.event {
                TraceEvent::RebalanceStarted { group: g, .. } if g == group => return None,
                TraceEvent::StaticMemberResumed {
                    group: g,
                    group_instance_id,
                    consumer,
                    generation,
                } if g == group => {
                    return Some(resumed_callout(group_instance_id, consumer, *generation))
                }
                _ => {}
            }
        }
        None
    }

    #[test]
    fn the_callout_read_from_the_group_s_latest_turn_is_the_one_a_scan_of_the_trace_finds() {
        use crate::sim::{Action, InstanceIdChange};
        let mut lab = static_lesson(0);
        // A quick return (no rebalance), a long absence (a rebalance), then the leader's quick return.
        let mut seen = (0, 0);
        for (at, action) in [
            (
                20_000,
                Action::KillConsumer {
                    consumer: "c2".into(),
                },
            ),
            (
                24_000,
                Action::RestartConsumer {
                    consumer: "c2".into(),
                    group_instance_id: InstanceIdChange::Keep,
                },
            ),
            (
                70_000,
                Action::KillConsumer {
                    consumer: "c2".into(),
                },
            ),
            (
                95_000,
                Action::RestartConsumer {
                    consumer: "c2".into(),
                    group_instance_id: InstanceIdChange::Keep,
                },
            ),
            (
                140_000,
                Action::KillConsumer {
                    consumer: "c1".into(),
                },
            ),
            (
                143_000,
                Action::RestartConsumer {
                    consumer: "c1".into(),
                    group_instance_id: InstanceIdChange::Keep,
                },
            ),
        ] {
            while lab.now() < at {
                lab.run_until(lab.now() + 500);
                let w = &lab.lanes[0].world;
                let callout = quiet_callout(w, "orders-app", lab.now());
                assert_eq!(
                    callout,
                    quiet_callout_by_scan(w, "orders-app", lab.now()),
                    "at {}",
                    lab.now()
                );
                if callout.is_some() {
                    seen.0 += 1
                } else {
                    seen.1 += 1
                }
            }
            lab.apply(action).unwrap();
        }
        assert!(
            seen.0 > 0 && seen.1 > 0,
            "both answers were checked: {seen:?}"
        );
    }

    #[test]
    fn a_static_return_within_the_session_says_nothing_happened_and_a_rebalance_does_not() {
        use crate::session::Lab;
        use crate::sim::{Action, InstanceIdChange};
        let mut lab = static_lesson(30_000);
        let callout = |lab: &Lab| quiet_callout(&lab.lanes[0].world, "orders-app", lab.now());
        assert_eq!(callout(&lab), None);
        lab.apply(Action::KillConsumer {
            consumer: "c2".into(),
        })
        .unwrap();
        lab.run_until(36_500);
        lab.apply(Action::RestartConsumer {
            consumer: "c2".into(),
            group_instance_id: InstanceIdChange::Keep,
        })
        .unwrap();
        lab.run_until(45_000);
        let g = lab.lanes[0].world.snapshot().groups[0].generation;
        let text = callout(&lab).expect("a quiet return is called out");
        assert!(
            text.starts_with(&format!("No rebalance: generation stays {g}.")),
            "{text}"
        );
        // Long after, it is gone.
        lab.run_until(45_000 + QUIET_CALLOUT_MS);
        assert_eq!(callout(&lab), None);
    }
}
