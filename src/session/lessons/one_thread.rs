//! The lesson "One thread per consumer": a second thread's call on a `KafkaConsumer` whose own
//! thread is inside `poll()` throws `ConcurrentModificationException` (`acquire()` in
//! `ClassicKafkaConsumer` and `AsyncKafkaConsumer`), and nothing else changes.

use super::guide::{Moment, Question, Step, Watch};
use super::steps::{action_time, choice, events, generation, group_forms, owned, GROUP};
use super::{scenario, CLASSROOM};
use crate::session::Lab;
use crate::sim::producer::ProducerSpec;
use crate::sim::trace::TraceEvent;
use crate::sim::{Action, Scenario};

/// Two consumers and a producer: with records to wait for, a consumer's thread spends the time
/// between batches blocked inside `poll()`, holding the consumer's light lock.
pub(super) fn scenario_of() -> Scenario {
    let mut s = scenario(
        "One thread per consumer",
        &[("orders", 6)],
        &[("orders-app", 2)],
        CLASSROOM,
    );
    s.producers.push(
        serde_json::from_str::<ProducerSpec>(
            r#"{ "topic": "orders", "records_per_sec": 20, "keys": 60 }"#,
        )
        .expect("a valid producer"),
    );
    s
}

fn second_thread_polls(consumer: &str) -> Action {
    Action::PollFromSecondThread {
        consumer: consumer.into(),
    }
}

/// Whether a second thread's call on c1 threw since the step's action.
fn threw(lab: &Lab) -> bool {
    let since = action_time(lab, |a| matches!(a, Action::PollFromSecondThread { .. })).unwrap_or(0);
    events(lab, 0).any(|(at, e)| {
        at >= since
            && matches!(e, TraceEvent::ConcurrentModification { consumer, .. } if consumer == "c1")
    })
}

/// Whether c1's own thread processed records after the second thread's call.
fn went_on(lab: &Lab) -> bool {
    let since = action_time(lab, |a| matches!(a, Action::PollFromSecondThread { .. })).unwrap_or(0);
    events(lab, 0).any(|(at, e)| {
        at > since && matches!(e, TraceEvent::RecordsProcessed { consumer, .. } if consumer == "c1")
    })
}

/// Whether the group rebalanced (or c1 was removed) since the second thread's call.
fn rebalanced_since_the_call(lab: &Lab) -> bool {
    let since = action_time(lab, |a| matches!(a, Action::PollFromSecondThread { .. })).unwrap_or(0);
    events(lab, 0).any(|(at, e)| {
        at >= since
            && matches!(
                e,
                TraceEvent::RebalanceStarted { .. } | TraceEvent::MemberRemoved { .. }
            )
    })
}

pub(super) fn steps() -> Vec<Step> {
    vec![
        group_forms(
            "Two consumers of orders-app split six partitions, and a producer writes 20 keyed records a second. Between batches each consumer's thread waits inside poll() for the next records.",
            None,
            "Stable at generation 1: c1 owns P0 to P2.",
        ),
        Step {
            text: "While c1's own thread is inside poll(), another thread of the same application calls poll() on the same KafkaConsumer object.",
            watch: Watch::Consumer("c1"),
            actions: vec![second_thread_polls("c1")],
            question: Some(Question {
                prompt: "What happens to the second thread's poll()?",
                choices: &[
                    "It returns records too: the two threads share the consumer",
                    "It throws ConcurrentModificationException, and c1's own thread goes on",
                    "It waits until c1's poll() returns, then polls",
                ],
                answer: 1,
                why: "Every KafkaConsumer call begins with acquire(), a light lock that throws instead of waiting when another thread is inside a call: \"KafkaConsumer is not safe for multi-threaded access.\"",
                truth: |lab| choice(threw(lab) && went_on(lab) && owned(lab, 0, "c1") == [0, 1, 2], 1, 0),
            }),
            // The exception is all that happens, at the instant of the call: a second lets the
            // learner see that c1's own poll loop goes on.
            until: Moment::Quiet { ms: 1_000 },
            then: "c1's card shows the exception. It was thrown in the second thread before its call touched anything, and c1 went on consuming.",
        },
        Step {
            text: "The simulation runs on for 10 s.",
            watch: Watch::Group,
            actions: Vec::new(),
            question: Some(Question {
                prompt: "Does the exception make the group rebalance or take c1's partitions?",
                choices: &[
                    "Yes: c1 is removed and the group rebalances",
                    "No: the group and c1 carry on as before",
                ],
                answer: 1,
                why: "The exception stays in the thread that made the forbidden call; the coordinator never hears of it.",
                truth: |lab| {
                    let unchanged = generation(lab, GROUP) == 1 && owned(lab, 0, "c1") == [0, 1, 2];
                    choice(unchanged && !rebalanced_since_the_call(lab), 1, 0)
                },
            }),
            until: Moment::Quiet { ms: 10_000 },
            then: "Still generation 1. The check catches only calls that overlap, so it is no guard: give each thread its own consumer, or keep every consumer call on the polling thread and hand records to worker threads.",
        },
    ]
}
