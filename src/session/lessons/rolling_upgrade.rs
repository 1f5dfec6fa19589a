//! The lesson "Rolling upgrade to KIP-848": a classic cooperative-sticky group whose consumers are
//! restarted one by one with `group.protocol=consumer`, as Kafka 4.1.2 runs it under the default
//! `group.consumer.migration.policy` (bidirectional): the group converts to a consumer group when
//! the first consumer-protocol member joins, the classic members keep working inside it, and no
//! partition ever has two owners.

use super::guide::{Moment, Question, Step, Watch};
use crate::session::Lab;
use crate::sim::scenario::{Scenario, TimedAction};
use crate::sim::sort::CollectBTree;
use crate::sim::trace::TraceEvent;
use crate::sim::{Action, InstanceIdChange};
use std::collections::BTreeMap;

const GROUP: &str = "orders-app";

/// When each consumer is closed; it starts again on the consumer protocol `DOWNTIME_MS` later.
pub const ROLL_AT_MS: [(&str, u64); 3] = [("c1", 20_000), ("c2", 60_000), ("c3", 100_000)];
const DOWNTIME_MS: u64 = 10_000;

/// Three consumers on Kafka's default timings (the consumer protocol refuses `session.timeout.ms`
/// and `heartbeat.interval.ms` on the client, so the lesson sets none), each rolled in turn: closed,
/// `partition.assignment.strategy` removed and `group.protocol=consumer` set, started again.
pub fn scenario() -> Scenario {
    let mut s = super::scenario(
        "Rolling upgrade to KIP-848",
        &[("orders", 6)],
        &[(GROUP, 3)],
        &[],
    );
    s.duration_ms = 150_000;
    for (consumer, at) in ROLL_AT_MS {
        let set = |name: &str, value: &str| TimedAction {
            at_ms: at + DOWNTIME_MS,
            action: Action::SetConsumerConfig {
                consumer: consumer.into(),
                name: name.into(),
                value: value.into(),
            },
        };
        s.actions.push(TimedAction {
            at_ms: at,
            action: Action::CloseConsumer {
                consumer: consumer.into(),
            },
        });
        s.actions.push(set("partition.assignment.strategy", ""));
        s.actions.push(set("group.protocol", "consumer"));
        s.actions.push(TimedAction {
            at_ms: at + DOWNTIME_MS,
            action: Action::RestartConsumer {
                consumer: consumer.into(),
                group_instance_id: InstanceIdChange::Keep,
            },
        });
    }
    s
}

/// Each member's `group.protocol` as the consumer group `orders-app` holds it (empty while the
/// group is a classic group).
fn protocols(lab: &Lab) -> BTreeMap<String, String> {
    let snapshot = lab.lanes[0].world.snapshot();
    snapshot
        .consumer_groups
        .iter()
        .filter(|g| g.group_id == GROUP)
        .flat_map(|g| g.members.iter())
        .map(|m| (m.consumer.clone(), m.protocol.clone()))
        .collect_map()
}

/// Whether some partition was ever owned by two consumers at once, replaying every ownership change.
fn ever_owned_twice(lab: &Lab) -> bool {
    let mut owned: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
    for entry in lab.lanes[0].world.trace() {
        if let TraceEvent::OwnershipChanged {
            consumer, owned: o, ..
        } = &entry.event
        {
            owned.insert(consumer, o.iter().map(|tp| tp.partition).collect());
            let mut all: Vec<i32> = owned.values().flatten().copied().collect();
            let n = all.len();
            all.sort_unstable();
            all.dedup();
            if all.len() != n {
                return true;
            }
        }
    }
    false
}

fn truth_at_conversion(lab: &Lab) -> usize {
    let snapshot = lab.lanes[0].world.snapshot();
    let classic_left = snapshot.groups.iter().any(|g| g.group_id == GROUP);
    let p = protocols(lab);
    let mixed = p.get("c1").map(String::as_str) == Some("consumer")
        && p.get("c2").map(String::as_str) == Some("classic")
        && p.get("c3").map(String::as_str) == Some("classic");
    let c1_running = snapshot
        .consumers
        .iter()
        .any(|c| c.handle == "c1" && c.state.is_running());
    match (
        mixed && !classic_left,
        c1_running,
        classic_left && !p.is_empty(),
    ) {
        (true, _, _) => 1,
        (_, false, _) => 0,
        (_, _, true) => 3,
        _ => 2,
    }
}

fn truth_all_consumer(lab: &Lab) -> usize {
    let snapshot = lab.lanes[0].world.snapshot();
    let p = protocols(lab);
    if snapshot.groups.iter().any(|g| g.group_id == GROUP) {
        0
    } else if p.len() == 3 && p.values().all(|v| v == "consumer") {
        1
    } else {
        2
    }
}

pub fn steps() -> Vec<Step> {
    vec![
        Step {
            text: "Three consumers share six partitions with the classic protocol and cooperative-sticky. From 20 s a rolling upgrade restarts them one by one with group.protocol=consumer (and without partition.assignment.strategy, which that protocol refuses): c1 first, c2 at 60 s, c3 at 100 s.",
            watch: Watch::Partitions,
            actions: Vec::new(),
            question: None,
            until: Moment::Settled {
                group: GROUP,
                not_before: 0,
            },
            then: "The classic group is Stable. At 20 s c1 closes (LeaveGroup) and the classic group rebalances without it; at 30 s it comes back speaking ConsumerGroupHeartbeat.",
        },
        Step {
            text: "c1 leaves, then rejoins with group.protocol=consumer while c2 and c3 still speak JoinGroup, SyncGroup and Heartbeat.",
            watch: Watch::Group,
            actions: Vec::new(),
            question: Some(Question {
                prompt: "What does the group coordinator do when c1's first ConsumerGroupHeartbeat reaches a classic group with members?",
                choices: &[
                    "Refuses c1: a group speaks one protocol",
                    "Converts the group into a consumer group; c2 and c3 stay in it as classic members",
                    "Tells c2 and c3 to restart with the consumer protocol",
                    "Keeps two groups with the same group.id",
                ],
                answer: 1,
                why: "Under group.consumer.migration.policy=bidirectional (Kafka's default) the coordinator converts the classic group into a consumer group at once: the group epoch starts at the classic generation, c2 and c3 become members that keep their partitions, and c1's join bumps the epoch so the server assignor (uniform) computes a new target. With the policy disabled, c1 would fail with GROUP_ID_NOT_FOUND.",
                truth: truth_at_conversion,
            }),
            until: Moment::GroupConverted {
                group: GROUP,
                to: "consumer",
            },
            then: "The group is a consumer group now. c2 and c3 learn of the new epoch from their next Heartbeat (REBALANCE_IN_PROGRESS) and rejoin: their JoinGroup is answered by the consumer group, with no leader and no assignor on the client.",
        },
        Step {
            text: "c2 and c3 must hand c1 its share of the target: each revokes through a classic rebalance (JoinGroup, SyncGroup with its reduced assignment, onPartitionsRevoked, JoinGroup again).",
            watch: Watch::Partitions,
            actions: Vec::new(),
            question: Some(Question {
                prompt: "Is any partition owned by two consumers at once while c1 takes over its share?",
                choices: &[
                    "Yes, for a moment, until c2 and c3 rejoin",
                    "No: c1 gets a partition only once the coordinator knows its old owner gave it up",
                ],
                answer: 1,
                why: "The coordinator holds a partition for its old owner until that member rejoins without it (its owned partitions travel in the JoinGroup metadata); until then c1 waits for it (UNRELEASED_PARTITIONS) and receives it at its next heartbeat after the release.",
                truth: |lab| usize::from(!ever_owned_twice(lab)),
            }),
            until: Moment::Owns { consumer: "c1" },
            then: "c1 consumes its two partitions. c2 and c3 never stopped consuming the partitions they keep: only the ones that moved paused, as in any cooperative rebalance.",
        },
        Step {
            text: "c2 (at 60 s) and c3 (at 100 s) are rolled the same way. Each classic member leaves with LeaveGroup, each returns through ConsumerGroupHeartbeat.",
            watch: Watch::Group,
            actions: Vec::new(),
            question: Some(Question {
                prompt: "Once c3, the last classic member, has rejoined with the consumer protocol, what is orders-app?",
                choices: &[
                    "A classic group again",
                    "A consumer group whose members all use the consumer protocol",
                    "A consumer group that still counts c3 as a classic member",
                ],
                answer: 1,
                why: "The group stays a consumer group: only the departure of its last consumer-protocol member with classic members left, or a classic static member taking that member's group.instance.id, would convert it back (the online downgrade). c3's classic member left with its LeaveGroup; its new process is a new consumer-protocol member.",
                truth: truth_all_consumer,
            }),
            until: Moment::ConsumerGroupMemberJoined { consumer: "c3" },
            then: "The upgrade is done without stopping the group. Rolling one member back (group.protocol=classic) would make it a mixed group again; closing the last consumer-protocol member of a mixed group converts it back to a classic group, which then rebalances.",
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Session, Strategy};

    /// The blurb's promise, to the end of the scenario: every consumer on the consumer protocol,
    /// every partition consumed, none ever by two consumers at once.
    #[test]
    fn the_roll_ends_in_a_consumer_group_with_every_partition_owned_once() {
        let mut lab = Lab::new(Session {
            scenario: scenario(),
            strategies: vec![Strategy::CooperativeSticky],
            actions: Vec::new(),
            until_ms: 0,
        })
        .unwrap();
        lab.run_until(150_000);
        assert!(!ever_owned_twice(&lab));
        assert_eq!(truth_all_consumer(&lab), 1);
        let snapshot = lab.lanes[0].world.snapshot();
        let mut owned: Vec<i32> = snapshot
            .consumers
            .iter()
            .flat_map(|c| c.owned.iter().map(|tp| tp.partition))
            .collect();
        owned.sort_unstable();
        assert_eq!(owned, (0..6).collect::<Vec<_>>());
    }
}
