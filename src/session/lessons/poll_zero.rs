//! The lesson "poll(Duration.ZERO)": in Kafka 4.x `poll(Duration)` never blocks on the group join
//! (`ClassicKafkaConsumer.poll` calls `updateAssignmentMetadataIfNeeded(timer, false)`, and
//! `ConsumerCoordinator.poll` then runs `ensureActiveGroup` with a zero timer), so a zero timeout
//! returns at once, empty, and the join completes over many calls. `poll(long)`, which did wait for
//! the assignment whatever its timeout, was removed in Kafka 4.0.

use super::guide::{Moment, Question, Step, Watch};
use super::steps::{add_consumer, choice, events, settled};
use super::{scenario, settings, CLASSROOM};
use crate::session::Lab;
use crate::sim::trace::TraceEvent;
use crate::sim::Scenario;

/// One consumer whose loop calls `poll(Duration.ZERO)`.
pub(super) fn scenario_of() -> Scenario {
    let mut s = scenario(
        "poll(Duration.ZERO)",
        &[("orders", 6)],
        &[("orders-app", 1)],
        CLASSROOM,
    );
    s.consumers[0].config = settings(&[("poll.timeout.ms", "0")]);
    s
}

/// When c1 first owned partitions.
fn first_owned_at(lab: &Lab) -> Option<u64> {
    events(lab, 0)
        .find(|(_, e)| matches!(e, TraceEvent::OwnershipChanged { consumer, owned, .. } if consumer == "c1" && !owned.is_empty()))
        .map(|(at, _)| at)
}

pub(super) fn steps() -> Vec<Step> {
    vec![
        Step {
            text: "c1 subscribes, then loops on poll(Duration.ZERO) (the Code tab shows it). Old tutorials call poll(0) once to \"wait for the assignment\" before seeking: in Kafka 4.x, poll(long) no longer exists, and poll(Duration.ZERO) waits for nothing.",
            watch: Watch::Code,
            actions: Vec::new(),
            question: Some(Question {
                prompt: "When does c1 own partitions?",
                choices: &[
                    "When the first poll(Duration.ZERO) returns",
                    "About 3 s later, after many calls that returned at once and empty",
                    "Never: a zero timeout cannot finish a join",
                ],
                answer: 1,
                why: "Each poll() moves the join along without waiting for it (FindCoordinator, JoinGroup, SyncGroup); the coordinator holds the first JoinGroup for group.initial.rebalance.delay.ms (3 s), and the poll() that finds the SyncGroup answered runs onPartitionsAssigned and returns.",
                truth: |lab| {
                    let zero = lab.lanes[0].world.snapshot().consumers[0].config.poll_timeout_ms == 0;
                    choice(zero && first_owned_at(lab).is_some_and(|at| (3_000..4_000).contains(&at)), 1, 0)
                },
            }),
            until: Moment::Owns { consumer: "c1" },
            then: "c1 owns all six partitions. A seek() right after the first poll(Duration.ZERO) would have thrown IllegalStateException (\"No current assignment for partition\"): seek in onPartitionsAssigned instead.",
        },
        Step {
            text: "A second consumer joins the group. c1 keeps calling poll(Duration.ZERO); its heartbeats come from the heartbeat thread, whatever the timeout.",
            watch: Watch::Partitions,
            actions: vec![add_consumer()],
            question: None,
            until: settled(),
            then: "The rebalance completed through c1's zero-timeout calls too. poll(Duration.ZERO) returns records already fetched at once; it only never waits for more.",
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::super::guide::lab_at_step;
    use super::super::lesson;
    use crate::session::Session;

    /// "c1 owns all six partitions" when the first step's moment comes.
    #[test]
    fn c1_owns_all_six_after_the_first_step() {
        let l = lesson("poll-zero").unwrap();
        let session = Session {
            scenario: l.scenario(),
            strategies: l.strategies.to_vec(),
            actions: Vec::new(),
            until_ms: 0,
        };
        let lab = lab_at_step(session, &l.steps(), 1).unwrap();
        let s = lab.lanes[0].world.snapshot();
        assert_eq!(s.consumers[0].owned.len(), 6);
        assert_eq!(s.consumers[0].config.poll_timeout_ms, 0);
    }
}
