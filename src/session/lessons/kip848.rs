//! The lesson "KIP-848: the consumer protocol": the coordinator assigns, a join moves one
//! partition from one owner with no group-wide stop, and epochs replace generations.

use super::guide::{Moment, Question, Step, Watch};
use super::steps::{action_time, add_consumer, choice, events, owned, settled, GROUP};
use super::{basics, renamed};
use crate::session::Lab;
use crate::sim::trace::TraceEvent;
use crate::sim::vocab::CallbackKind;
use crate::sim::{Action, Millis, Scenario};

/// The basics lesson's three consumers; the lesson runs them under `group.protocol=consumer`.
pub(super) fn scenario_of() -> Scenario {
    renamed(basics(), "KIP-848: the consumer protocol")
}

/// After the third consumer's start (the consumers start 0.7 s apart).
const ALL_STARTED_MS: Millis = 1_400;

/// Partitions revoked since `since` by consumers other than `except`.
fn revoked_by_others(lab: &Lab, since: Millis, except: &str) -> usize {
    events(lab, 0)
        .filter(|(at, _)| *at >= since)
        .map(|(_, e)| match e {
            TraceEvent::Callback {
                consumer,
                kind: CallbackKind::Revoked,
                partitions,
                ..
            } if consumer != except => partitions.len(),
            _ => 0,
        })
        .sum()
}

/// Whether any of `consumers` was left with nothing to consume since `since`.
fn any_stopped(lab: &Lab, since: Millis, consumers: &[&str]) -> bool {
    events(lab, 0).any(|(at, e)| {
        at >= since
            && matches!(e, TraceEvent::OwnershipChanged { consumer, owned, .. }
                if owned.is_empty() && consumers.contains(&consumer.as_str()))
    })
}

/// The group epoch bumps since `since`.
fn epoch_bumps(lab: &Lab, since: Millis) -> usize {
    events(lab, 0)
        .filter(|(at, e)| *at >= since && matches!(e, TraceEvent::GroupEpochBumped { .. }))
        .count()
}

pub(super) fn steps() -> Vec<Step> {
    vec![
        Step {
            text: "Three consumers with group.protocol=consumer (KIP-848) start 0.7 s apart. There is no JoinGroup, SyncGroup or leader: each member sends ConsumerGroupHeartbeat, and the coordinator answers with its assignment.",
            watch: Watch::Partitions,
            actions: Vec::new(),
            question: Some(Question {
                prompt: "Who decides which consumer gets which partition?",
                choices: &[
                    "A leader consumer runs the assignor, as in the classic protocol",
                    "The group coordinator on the broker, with a server-side assignor",
                ],
                answer: 1,
                why: "Under KIP-848 the coordinator computes the target assignment with a server-side assignor (uniform, the first of group.consumer.assignors, unless the consumer asks for another with group.remote.assignor).",
                truth: |lab| {
                    let by_server = events(lab, 0).any(|(_, e)| matches!(e, TraceEvent::TargetAssignmentComputed { .. }));
                    let by_leader = events(lab, 0).any(|(_, e)| matches!(e, TraceEvent::AssignmentComputed { .. }));
                    choice(by_server && !by_leader, 1, 0)
                },
            }),
            // Without the classic protocol's initial delay the group is Stable with c1 alone at
            // once: wait for the third member's start.
            until: Moment::Settled {
                group: GROUP,
                not_before: ALL_STARTED_MS,
            },
            then: "Two partitions each. The group epoch rose with each member that joined; a member's epoch follows it at its next heartbeat.",
        },
        Step {
            text: "A fourth consumer, c4, joins. Six partitions over four members: two keep two, two have one.",
            watch: Watch::Timeline,
            actions: vec![add_consumer()],
            question: Some(Question {
                prompt: "Which of c1, c2 and c3 stop consuming while c4 joins?",
                choices: &[
                    "All three: each gives up its partitions first, as in an eager rebalance",
                    "None: one of them hands c4 one partition and keeps consuming its other",
                    "All three pause until c4 is ready, then resume with what they had",
                ],
                answer: 1,
                why: "c4's join bumps the group epoch once. The coordinator asks only the member that must give up a partition to revoke it, in the answer to its heartbeat, and gives it to c4 once released: no member waits for another, and there is no group-wide barrier.",
                truth: |lab| {
                    let since = action_time(lab, |a| matches!(a, Action::AddConsumer { .. })).unwrap_or(0);
                    let one_moved = revoked_by_others(lab, since, "") == 1 && owned(lab, 0, "c4").len() == 1;
                    choice(one_moved && !any_stopped(lab, since, &["c1", "c2", "c3"]) && epoch_bumps(lab, since) == 1, 1, 0)
                },
            }),
            until: settled(),
            then: "One partition moved, from one owner, and the group epoch rose by one. The Timeline shows no gap in any other row.",
        },
        Step {
            text: "c2 closes: its last heartbeat says it leaves (member epoch -1).",
            watch: Watch::Partitions,
            actions: vec![Action::CloseConsumer {
                consumer: "c2".into(),
            }],
            question: Some(Question {
                prompt: "Do c1, c3 or c4 give up any partition while c2's two partitions are handed out?",
                choices: &[
                    "Yes: everyone revokes and the assignment starts over",
                    "No: c2's partitions go to members that keep what they have",
                ],
                answer: 1,
                why: "The uniform assignor keeps every partition where it is when it can: only c2's two partitions move, each to a member that had one.",
                truth: |lab| {
                    let since = action_time(lab, |a| matches!(a, Action::CloseConsumer { .. })).unwrap_or(0);
                    choice(revoked_by_others(lab, since, "c2") == 0 && !any_stopped(lab, since, &["c1", "c3", "c4"]), 1, 0)
                },
            }),
            until: settled(),
            then: "Two partitions each again, and nobody else stopped.",
        },
    ]
}

/// The captions' claims that no question asks, held to the model.
#[cfg(test)]
mod tests {
    use super::super::guide::lab_at_step;
    use super::super::lesson;
    use crate::session::{Lab, Session};

    fn at_step(k: usize) -> Lab {
        let l = lesson("kip848").unwrap();
        let session = Session {
            scenario: l.scenario(),
            strategies: l.strategies.to_vec(),
            actions: Vec::new(),
            until_ms: 0,
        };
        lab_at_step(session, &l.steps(), k).unwrap()
    }

    /// Partitions owned per consumer, and the group epoch, and whether every member's epoch is it.
    fn state(lab: &Lab) -> (Vec<(String, usize)>, i32, bool) {
        let s = lab.lanes[0].world.snapshot();
        let owned = s
            .consumers
            .iter()
            .filter(|c| c.state.is_running())
            .map(|c| (c.handle.clone(), c.owned.len()))
            .collect();
        let g = &s.consumer_groups[0];
        let caught_up = g.members.iter().all(|m| m.member_epoch == g.group_epoch);
        (owned, g.group_epoch, caught_up)
    }

    #[test]
    fn the_captions_epochs_and_counts_are_the_models() {
        // "Two partitions each. The group epoch rose with each member that joined."
        let (owned, epoch, caught_up) = state(&at_step(1));
        assert!(owned.iter().all(|(_, n)| *n == 2), "{owned:?}");
        assert_eq!(epoch, 3);
        assert!(caught_up);
        // "two keep two, two have one", "the group epoch rose by one"
        let lab = at_step(2);
        let (owned, epoch, caught_up) = state(&lab);
        let mut counts: Vec<usize> = owned.iter().map(|(_, n)| *n).collect();
        counts.sort();
        assert_eq!(counts, [1, 1, 2, 2]);
        assert_eq!(epoch, 4);
        assert!(caught_up);
        // "only c2's two partitions move, each to a member that had one"
        assert_eq!(owned.iter().find(|(c, _)| c == "c2").unwrap().1, 2);
        let (after, _, _) = state(&at_step(3));
        assert!(after.iter().all(|(_, n)| *n == 2), "{after:?}");
    }
}
