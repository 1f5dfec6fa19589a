//! The steps of each guided lesson: what the learner does, watches, predicts, and hears. Every
//! question carries a `truth` that reads the model at the moment it answers, and the tests hold the
//! question's answer to it (`tests.rs`), so no step can teach what Kafka does not do.

use super::guide::{Moment, Question, Step, Watch};
use crate::session::Lab;
use crate::sim::scenario::TimedAction;
use crate::sim::trace::TraceEvent;
use crate::sim::vocab::{CallbackKind, RemovalCause};
use crate::sim::{Action, InstanceIdChange, Millis};

pub(super) const GROUP: &str = "orders-app";

pub(super) fn settled() -> Moment {
    Moment::Settled {
        group: GROUP,
        not_before: 0,
    }
}

/// The first step of most lessons: the group forms.
pub(super) fn group_forms(
    text: &'static str,
    question: Option<Question>,
    then: &'static str,
) -> Step {
    Step {
        text,
        watch: Watch::Partitions,
        actions: Vec::new(),
        question,
        until: settled(),
        then,
    }
}

fn kill(consumer: &str) -> Action {
    Action::KillConsumer {
        consumer: consumer.into(),
    }
}

fn restart(consumer: &str) -> Action {
    Action::RestartConsumer {
        consumer: consumer.into(),
        group_instance_id: InstanceIdChange::Keep,
    }
}

pub(super) fn add_consumer() -> Action {
    Action::AddConsumer {
        group: GROUP.into(),
        topics: vec!["orders".into()],
        config: Default::default(),
    }
}

// What the truths read from the main lane (or lane `i`).

pub(super) fn owned(lab: &Lab, lane: usize, consumer: &str) -> Vec<i32> {
    lab.lanes[lane]
        .world
        .snapshot()
        .consumers
        .iter()
        .find(|c| c.handle == consumer)
        .map(|c| c.owned.iter().map(|tp| tp.partition).collect())
        .unwrap_or_default()
}

pub(super) fn generation(lab: &Lab, group: &str) -> i32 {
    lab.lanes[0]
        .world
        .snapshot()
        .groups
        .iter()
        .find(|g| g.group_id == group)
        .map_or(0, |g| g.generation)
}

/// When the user's (or a step's) last action on `consumer` of this kind happened.
pub(super) fn action_time(lab: &Lab, matches: impl Fn(&Action) -> bool) -> Option<Millis> {
    lab.session
        .actions
        .iter()
        .rev()
        .find(|t: &&TimedAction| matches(&t.action))
        .map(|t| t.at_ms)
}

pub(super) fn events(lab: &Lab, lane: usize) -> impl Iterator<Item = (Millis, &TraceEvent)> {
    lab.lanes[lane]
        .world
        .trace()
        .iter()
        .map(|e| (e.at, &e.event))
}

/// Partitions revoked (not lost) in lane `lane` after `since`, summed over consumers.
pub(super) fn revoked_since(lab: &Lab, lane: usize, since: Millis) -> usize {
    events(lab, lane)
        .filter(|(at, _)| *at >= since)
        .map(|(_, e)| match e {
            TraceEvent::Callback {
                kind: CallbackKind::Revoked,
                partitions,
                ..
            } => partitions.len(),
            _ => 0,
        })
        .sum()
}

pub(super) fn rebalances_completed(lab: &Lab, lane: usize, since: Millis) -> usize {
    events(lab, lane)
        .filter(|(at, e)| *at >= since && matches!(e, TraceEvent::RebalanceCompleted { .. }))
        .count()
}

fn removed_at(lab: &Lab, consumer: &str) -> Option<Millis> {
    events(lab, 0)
        .filter(
            |(_, e)| matches!(e, TraceEvent::MemberRemoved { consumer: c, .. } if c == consumer),
        )
        .map(|(at, _)| at)
        .last()
}

pub(super) fn choice(right: bool, yes: usize, no: usize) -> usize {
    if right {
        yes
    } else {
        no
    }
}

pub fn basics() -> Vec<Step> {
    vec![
        group_forms(
            "Three consumers of orders-app start 0.7 s apart and subscribe to orders, which has six partitions. The coordinator waits a moment for members to arrive, then the group rebalances.",
            Some(Question {
                prompt: "Six partitions, three consumers: how many partitions will each consumer get?",
                choices: &["All six go to the first consumer", "Two each", "Each gets every partition"],
                answer: 1,
                why: "Within one group each partition goes to exactly one consumer: the range assignor splits the six into three pairs.",
                truth: |lab| choice(["c1", "c2", "c3"].iter().all(|c| owned(lab, 0, c).len() == 2), 1, 0),
            }),
            "Each cell of the partition strip carries its owner's name and colour.",
        ),
        Step {
            text: "Now a fourth consumer, c4, joins the group. Six partitions do not split evenly over four.",
            watch: Watch::Timeline,
            actions: vec![add_consumer()],
            question: Some(Question {
                prompt: "Under Kafka's default (eager) rebalancing, who stops consuming while c4 joins?",
                choices: &["Only the consumer that hands a partition to c4", "Every consumer: each gives up all its partitions first", "Nobody: partitions move without a pause"],
                answer: 1,
                why: "An eager rebalance revokes every partition of every member before the new assignment: the timeline shows the gap in every row.",
                truth: |lab| {
                    let since = action_time(lab, |a| matches!(a, Action::AddConsumer { .. })).unwrap_or(0);
                    choice(revoked_since(lab, 0, since) == 6, 1, 0)
                },
            }),
            until: settled(),
            then: "Two consumers now have two partitions and two have one. The hatched gap on the timeline is the time nobody consumed.",
        },
    ]
}

pub fn crash() -> Vec<Step> {
    vec![
        group_forms(
            "Three consumers split six partitions. Here session.timeout.ms is 10 s and heartbeat.interval.ms 3 s.",
            None,
            "The group is Stable at generation 1.",
        ),
        Step {
            text: "c2's process is killed (kill -9): it closes nothing and sends no LeaveGroup.",
            watch: Watch::Consumer("c2"),
            actions: vec![kill("c2")],
            question: Some(Question {
                prompt: "When does the coordinator remove c2 from the group?",
                choices: &["At once: the broker sees the process die", "When c2's session expires, 10 s after the last heartbeat the coordinator received from it", "Never: c2 keeps its partitions until it restarts"],
                answer: 1,
                why: "Only heartbeats keep a classic member in the group: without them its session expires after session.timeout.ms, counted from the last heartbeat received (which came before the kill).",
                truth: |lab| {
                    let kill = action_time(lab, |a| matches!(a, Action::KillConsumer { .. })).unwrap_or(0);
                    choice(removed_at(lab, "c2").is_some_and(|at| at > kill && at <= kill + 10_000), 1, 0)
                },
            }),
            until: Moment::MemberRemoved {
                consumer: "c2",
                cause: RemovalCause::SessionExpired,
            },
            then: "The session expired and the coordinator starts a rebalance: c2's two partitions have had no consumer since the kill.",
        },
        Step {
            text: "c1 and c3 learn of the rebalance from the answer to their next heartbeat (REBALANCE_IN_PROGRESS), then rejoin at their next poll().",
            watch: Watch::Timeline,
            actions: Vec::new(),
            question: None,
            until: settled(),
            then: "Range now splits the six partitions over two consumers: three each.",
        },
    ]
}

pub fn kafka_defaults() -> Vec<Step> {
    vec![
        group_forms(
            "The same three consumers with every setting at Kafka's default: session.timeout.ms 45 s, heartbeat.interval.ms 3 s.",
            None,
            "The group is Stable.",
        ),
        Step {
            text: "c2's process is killed. It sends nothing more.",
            watch: Watch::Partitions,
            actions: vec![kill("c2")],
            question: Some(Question {
                prompt: "How long after the kill does the coordinator remove c2?",
                choices: &["About 3 s: one missed heartbeat", "42 to 45 s: session.timeout.ms after its last heartbeat", "5 minutes: max.poll.interval.ms"],
                answer: 1,
                why: "The default session.timeout.ms is 45 s since Kafka 3.0; the last heartbeat came up to one heartbeat interval (3 s) before the kill.",
                truth: |lab| {
                    let kill = action_time(lab, |a| matches!(a, Action::KillConsumer { .. })).unwrap_or(0);
                    choice(removed_at(lab, "c2").is_some_and(|at| (kill + 42_000..=kill + 45_000).contains(&at)), 1, 0)
                },
            }),
            until: Moment::MemberRemoved {
                consumer: "c2",
                cause: RemovalCause::SessionExpired,
            },
            then: "All that time c2's partitions stood still: no one else may consume them while c2 is a member.",
        },
        Step {
            text: "The others rejoin after their next heartbeat.",
            watch: Watch::Timeline,
            actions: Vec::new(),
            question: None,
            until: settled(),
            then: "Consumed again. A shorter session.timeout.ms notices crashes sooner, at the price of removing members that only paused.",
        },
    ]
}

pub fn slow_poll() -> Vec<Step> {
    vec![
        group_forms(
            "Three consumers; max.poll.interval.ms is 30 s here (the default is 5 minutes).",
            None,
            "The group is Stable.",
        ),
        Step {
            text: "c1's application gets stuck processing one batch for 45 s: it calls poll() again only after that. Its heartbeat thread keeps heartbeating, but only until its poll timer runs out.",
            watch: Watch::Consumer("c1"),
            actions: vec![Action::StallConsumer {
                consumer: "c1".into(),
                ms: 45_000,
            }],
            question: Some(Question {
                prompt: "30 s pass without a poll(). Who takes c1 out of the group?",
                choices: &["The coordinator, because c1's heartbeats stop", "c1 itself: its poll timer expires and its heartbeat thread sends LeaveGroup", "Nobody: heartbeats keep it a member"],
                answer: 1,
                why: "Since KIP-62 heartbeats come from a background thread, so the session stays alive; max.poll.interval.ms is checked by the client, which leaves the group itself.",
                truth: |lab| choice(events(lab, 0).any(|(_, e)| matches!(e, TraceEvent::PollTimeoutExpired { consumer, .. } if consumer == "c1")) && events(lab, 0).any(|(_, e)| matches!(e, TraceEvent::MemberRemoved { consumer, cause: RemovalCause::LeaveGroup, .. } if consumer == "c1")), 1, 0),
            }),
            until: Moment::MemberRemoved {
                consumer: "c1",
                cause: RemovalCause::LeaveGroup,
            },
            then: "c1 sent LeaveGroup \"consumer poll timeout has expired\" (see the Protocol tab), and the group rebalances without it.",
        },
        Step {
            text: "c2 and c3 split all six partitions. c1's thread is still busy with its old batch.",
            watch: Watch::Partitions,
            actions: Vec::new(),
            question: None,
            until: settled(),
            then: "When c1 finally calls poll(), it learns it lost its partitions (onPartitionsLost) and joins again as a new member.",
        },
    ]
}

pub fn slow_consumers() -> Vec<Step> {
    vec![
        group_forms(
            "Compare: the same three slow consumers (each batch takes 0.8 to 2.6 s), eager range on the left, cooperative-sticky on the right.",
            None,
            "Both groups are Stable.",
        ),
        Step {
            text: "A fourth consumer joins both groups.",
            watch: Watch::Compare,
            actions: vec![add_consumer()],
            question: Some(Question {
                prompt: "How many partitions do the three old consumers give up in the cooperative group?",
                choices: &["All six, as in eager", "Only what moves to c4", "None"],
                answer: 1,
                why: "Cooperative rebalancing revokes only the partitions that move, in a second rebalance after the first; eager revokes all six first.",
                truth: |lab| {
                    let since = action_time(lab, |a| matches!(a, Action::AddConsumer { .. })).unwrap_or(0);
                    let cooperative = revoked_since(lab, 1, since);
                    choice(revoked_since(lab, 0, since) == 6 && (1..6).contains(&cooperative), 1, 0)
                },
            }),
            until: settled(),
            then: "The metrics table counts the partitions revoked and the time partitions stood still under each strategy.",
        },
    ]
}

pub fn idle() -> Vec<Step> {
    vec![
        group_forms(
            "Seven consumers, six partitions.",
            Some(Question {
                prompt: "How many consumers get no partition?",
                choices: &["None: partitions are shared", "One", "Seven: the group refuses to start"],
                answer: 1,
                why: "A partition has one consumer per group, so the seventh waits idle: range takes members in member-id order and the last gets nothing.",
                truth: |lab| {
                    let idle = ["c1", "c2", "c3", "c4", "c5", "c6", "c7"].iter().filter(|c| owned(lab, 0, c).is_empty()).count();
                    choice(idle == 1, 1, 0)
                },
            }),
            "c7 is idle: a spare that gets a partition when another leaves.",
        ),
        Step {
            text: "c1 owns P2. Its process is killed.",
            watch: Watch::Partitions,
            actions: vec![kill("c1")],
            question: Some(Question {
                prompt: "Does the idle c7 simply take over P2?",
                choices: &["Yes, and nothing else moves", "No: range moves every later partition up one member, and c7 gets the last"],
                answer: 1,
                why: "Range assigns anew from member-id order: each member after the gap takes the next partition. Cooperative-sticky would give c7 the orphan alone.",
                truth: |lab| choice(owned(lab, 0, "c7") == [5], 1, 0),
            }),
            until: settled(),
            then: "Every consumer after c1 changed partitions.",
        },
    ]
}

pub fn two_groups() -> Vec<Step> {
    vec![
        Step {
            text: "Two groups read the same topic: orders-app (three consumers) and analytics (two).",
            watch: Watch::Partitions,
            actions: Vec::new(),
            question: None,
            until: Moment::Settled {
                group: "analytics",
                not_before: 0,
            },
            then: "Each group reads all six partitions, independently.",
        },
        Step {
            text: "orders-app's c1 is killed.",
            watch: Watch::Timeline,
            actions: vec![kill("c1")],
            question: Some(Question {
                prompt: "Does analytics stop consuming while orders-app rebalances?",
                choices: &["Yes: a rebalance stops the topic", "No: each group rebalances on its own"],
                answer: 1,
                why: "A rebalance belongs to one group: analytics has its own members, generation and assignment.",
                truth: |lab| choice(generation(lab, "analytics") == 1, 1, 0),
            }),
            until: settled(),
            then: "analytics is still at generation 1.",
        },
    ]
}

pub fn static_members() -> Vec<Step> {
    vec![
        group_forms(
            "Three static members: each has a group.instance.id. session.timeout.ms is 10 s.",
            None,
            "Stable at generation 1.",
        ),
        Step {
            text: "c2 is killed and started again right away with the same group.instance.id, well within its session.",
            watch: Watch::Group,
            actions: vec![kill("c2"), restart("c2")],
            question: Some(Question {
                prompt: "Does the group rebalance?",
                choices: &["Yes: a new process is a new member", "No: the coordinator recognises the instance id and gives it the old assignment"],
                answer: 1,
                why: "A static member that returns while the group is Stable takes its old member's place and assignment at the same generation (KIP-345).",
                // Range gave c2 (second in member-id order) P2 and P3 at generation 1.
                truth: |lab| choice(generation(lab, GROUP) == 1 && owned(lab, 0, "c2") == [2, 3], 1, 0),
            }),
            // Not the coordinator's resume alone: c2 must have its partitions back, as the caption says.
            until: Moment::Owns { consumer: "c2" },
            then: "No rebalance: generation stays 1 and c2 owns what it owned.",
        },
        Step {
            text: "Now c2 is killed and stays down.",
            watch: Watch::Consumer("c2"),
            actions: vec![kill("c2")],
            question: None,
            until: settled(),
            then: "Its session expired: a static member is removed like any other, and the group rebalanced without c2 (generation 2).",
        },
        Step {
            text: "c2 is started again, after its session expired.",
            watch: Watch::Group,
            actions: vec![restart("c2")],
            question: Some(Question {
                prompt: "Does its return cause another rebalance?",
                choices: &["No, it is static", "Yes: its old membership is gone, so it joins as a new member"],
                answer: 1,
                why: "Static membership only spares rebalances while the session lasts.",
                truth: |lab| choice(generation(lab, GROUP) == 3, 1, 0),
            }),
            until: settled(),
            then: "Generation 3: one rebalance to remove c2, one to take it back.",
        },
    ]
}

pub fn leader() -> Vec<Step> {
    vec![
        Step {
            text: "Three consumers send JoinGroup to the coordinator. Watch the Protocol tab.",
            watch: Watch::Protocol,
            actions: Vec::new(),
            question: Some(Question {
                prompt: "Which member will the coordinator make the group's leader?",
                choices: &["c1, the first member that joined", "The broker leads; consumers only follow", "The last member to join"],
                answer: 0,
                why: "The coordinator makes the first member to join the leader; every JoinGroup response names it, and only the leader's carries the member list.",
                truth: |lab| choice(lab.lanes[0].world.snapshot().groups[0].leader_consumer.as_deref() == Some("c1"), 0, 1),
            }),
            until: Moment::JoinPhaseCompleted { group: GROUP },
            then: "The join phase is complete: generation 1, leader c1.",
        },
        Step {
            text: "Everyone now sends SyncGroup.",
            watch: Watch::Protocol,
            actions: Vec::new(),
            question: Some(Question {
                prompt: "Who computes who gets which partition?",
                choices: &["The coordinator on the broker", "The leader, c1, running its assignor"],
                answer: 1,
                why: "In the classic protocol the leader runs the assignor on the members' subscriptions and sends the result in its SyncGroup; only KIP-848 moves the assignment to the broker.",
                truth: |lab| choice(events(lab, 0).any(|(_, e)| matches!(e, TraceEvent::AssignmentComputed { consumer, .. } if consumer == "c1")), 1, 0),
            }),
            until: Moment::AssignmentComputed { group: GROUP },
            then: "c1 ran range. Its SyncGroup carries every member's assignment; the others' SyncGroups carry none.",
        },
        Step {
            text: "The coordinator answers each SyncGroup with that member's own partitions.",
            watch: Watch::Protocol,
            actions: Vec::new(),
            question: None,
            until: settled(),
            then: "Stable: each member consumes what the leader gave it.",
        },
    ]
}

pub fn first_consumer() -> Vec<Step> {
    vec![
        Step {
            text: "A consumer needs bootstrap.servers, a group.id and a key and a value deserializer; it subscribes, then calls poll() in a loop. The Code tab shows c1 as a program.",
            watch: Watch::Code,
            actions: Vec::new(),
            question: Some(Question {
                prompt: "c1 is the group's only member. How soon does it own partitions?",
                choices: &["At once, when it subscribes", "After about 3 s: group.initial.rebalance.delay.ms", "After session.timeout.ms"],
                answer: 1,
                why: "The first rebalance of an empty group waits group.initial.rebalance.delay.ms (3 s by default) for more members; meanwhile poll() returns nothing.",
                truth: |lab| {
                    let first = events(lab, 0).find(|(_, e)| matches!(e, TraceEvent::OwnershipChanged { owned, .. } if !owned.is_empty())).map(|(at, _)| at);
                    choice(first.is_some_and(|at| (3_000..4_000).contains(&at)), 1, 0)
                },
            }),
            until: Moment::Owns { consumer: "c1" },
            then: "c1 owns all six partitions. Every poll() now fetches, and a background thread sends heartbeats.",
        },
        Step {
            text: "A second program with the same group.id starts.",
            watch: Watch::Partitions,
            actions: vec![add_consumer()],
            question: None,
            until: settled(),
            then: "Same group.id, same group: the two split the partitions. A different group.id would read every partition again.",
        },
    ]
}

pub fn misconceptions() -> Vec<Step> {
    vec![
        group_forms(
            "Old tutorial: \"cooperative-sticky is the default.\" Three consumers with Kafka's default partition.assignment.strategy, [range, cooperative-sticky].",
            Some(Question {
                prompt: "Which assignor does this group use?",
                choices: &["cooperative-sticky", "range", "sticky"],
                answer: 1,
                why: "The group takes the first assignor in the list that every member supports: range, which rebalances eagerly.",
                truth: |lab| choice(lab.lanes[0].world.snapshot().groups[0].selected_assignor.as_deref() == Some("range"), 1, 0),
            }),
            "The group header names the assignor: range.",
        ),
        Step {
            text: "Old tutorial: \"heartbeats are sent from poll().\" c1 stops calling poll() for 20 s, twice its session.timeout.ms of 10 s.",
            watch: Watch::Consumer("c1"),
            actions: vec![Action::StallConsumer {
                consumer: "c1".into(),
                ms: 20_000,
            }],
            question: Some(Question {
                prompt: "Does c1's session expire?",
                choices: &["Yes, after 10 s without poll()", "No: a background thread keeps heartbeating"],
                answer: 1,
                why: "Since KIP-62 the heartbeat thread keeps the session alive; only max.poll.interval.ms (30 s here) bounds the time between polls.",
                truth: |lab| choice(generation(lab, GROUP) == 1, 1, 0),
            }),
            until: Moment::Quiet { ms: 20_500 },
            then: "No rebalance: generation stays 1, and c1 polls again.",
        },
    ]
}

/// When the rolling deploy's last consumer has been started again.
const DEPLOY_END_MS: Millis = super::DEPLOY_START_MS + 5 * 15_000 + 3_000;

pub fn rolling_deploy() -> Vec<Step> {
    vec![
        group_forms(
            "Six consumers share twelve partitions: eager range on the left, cooperative-sticky in the middle, KIP-848 on the right. From 20 s on, a deploy closes each consumer in turn and starts it again 3 s later.",
            None,
            "Both groups are Stable.",
        ),
        Step {
            text: "The deploy runs: every close sends LeaveGroup, every start joins as a new member.",
            watch: Watch::Compare,
            actions: Vec::new(),
            question: Some(Question {
                prompt: "How many rebalances will the eager group go through?",
                choices: &["None", "6", "12", "18"],
                answer: 2,
                why: "Two per consumer: one when it leaves, one when it returns, and each stops every consumer of the group. Cooperative goes through more (follow-up rebalances that hand over the revoked partitions) but stops only the partitions that move. KIP-848 bumps the group epoch twice per consumer too, with no round for the group at all: each member gives up or takes partitions on its own heartbeats.",
                truth: |lab| {
                    let eager = rebalances_completed(lab, 0, super::DEPLOY_START_MS);
                    let cooperative = rebalances_completed(lab, 1, super::DEPLOY_START_MS);
                    match eager {
                        12 if cooperative > eager => 2,
                        12 => 1,
                        6 => 1,
                        0 => 0,
                        _ => 3,
                    }
                },
            }),
            until: Moment::Settled {
                group: GROUP,
                not_before: DEPLOY_END_MS,
            },
            then: "Compare the rows of the metrics table: rebalances, partitions revoked and the time partitions stood still.",
        },
    ]
}

pub fn rolling_deploy_static() -> Vec<Step> {
    vec![
        group_forms(
            "The deploy of the last lesson, but every consumer is static: c1 is group.instance.id orders-app-1, and so on. Eager range on the left, cooperative-sticky in the middle, KIP-848 on the right. From 20 s on, each consumer is closed and started again 3 s later.",
            None,
            "The groups are Stable.",
        ),
        Step {
            text: "The deploy runs. A static member's close() sends no LeaveGroup (under KIP-848 its last heartbeat says epoch −2: gone for now), and its restart comes back with the same group.instance.id.",
            watch: Watch::Compare,
            actions: Vec::new(),
            question: Some(Question {
                prompt: "How many rebalances will the eager group go through during the deploy?",
                choices: &["None", "6", "12"],
                answer: 0,
                why: "Each member is back within session.timeout.ms, so the coordinator never removes it: the restart takes its old membership and its partitions back. No rebalance in either classic lane, and no group epoch bump under KIP-848. The price is on the timeline: a closed member's partitions stand still until it returns, since no one else may take them.",
                truth: |lab| {
                    let eager = rebalances_completed(lab, 0, super::DEPLOY_START_MS);
                    let cooperative = rebalances_completed(lab, 1, super::DEPLOY_START_MS);
                    match eager {
                        0 if cooperative == 0 => 0,
                        0..=6 => 1,
                        _ => 2,
                    }
                },
            }),
            // The last member of the deploy takes its membership back.
            until: Moment::StaticMemberResumed { consumer: "c6" },
            then: "Generation and group epoch are where the deploy found them. The cost moved: each closed member's two partitions stood still for its 3 s away, 36 partition-seconds in every lane. The dynamic deploy of the last lesson gave them to the others instead, at the price of two rebalances per member: cheaper or dearer depending on how long a rebalance stops the group (Slow consumers shows it long).",
        },
    ]
}
