//! One thread per consumer: a second thread's `poll()` on a consumer whose own thread is inside
//! `poll()` throws `ConcurrentModificationException` (`acquire()` in `ClassicKafkaConsumer` and
//! `AsyncKafkaConsumer`) and changes nothing else; outside a call it collides with the next
//! `poll()`; a dead consumer refuses and says why.

use crate::common::{apply, scenario};
use rebalance_lab::sim::{Action, ActionError, Millis, Scenario, TraceEvent, World};

/// Two consumers (named c1 < c2) of group `g` and a producer: with records to wait for, a
/// consumer's thread waits inside `poll()` between batches.
fn with_records(protocol: &str) -> Scenario {
    scenario(&format!(
        r#"{{ "seed": 7, "network_latency_ms": 2,
             "topics": [{{ "name": "t", "partitions": 4 }}],
             "groups": [{{ "group_id": "g", "config": {{ "group.protocol": "{protocol}" }} }}],
             "consumers": [{{ "group": "g", "topics": ["t"], "config": {{ "client.id": "c1" }} }},
                           {{ "group": "g", "topics": ["t"], "config": {{ "client.id": "c2" }}, "start_at_ms": 300 }}],
             "producers": [{{ "topic": "t", "records_per_sec": 20 }}] }}"#
    ))
}

fn second_thread(consumer: &str) -> Action {
    Action::PollFromSecondThread {
        consumer: consumer.into(),
    }
}

/// Runs until c1's own thread is inside `poll()` (no poll deadline while it is), from `from` on.
fn until_c1_in_poll(world: &mut World, from: Millis) -> Millis {
    let mut t = from;
    loop {
        world.run_until(t);
        let s = world.snapshot();
        let c1 = s.consumers.iter().find(|c| c.handle == "c1").unwrap();
        if c1.poll_deadline.is_none() && !c1.owned.is_empty() {
            return t;
        }
        t += 1;
        assert!(t < from + 5_000, "c1 never waited inside poll()");
    }
}

/// The trace without the second thread's exception, as text.
fn without_exception(world: &World) -> Vec<String> {
    world
        .trace()
        .iter()
        .filter(|e| !matches!(e.event, TraceEvent::ConcurrentModification { .. }))
        .map(|e| e.to_string())
        .collect()
}

#[test]
fn a_second_threads_poll_throws_concurrent_modification_and_changes_nothing_else() {
    for protocol in ["classic", "consumer"] {
        let mut world = World::new(&with_records(protocol)).unwrap();
        let t = until_c1_in_poll(&mut world, 15_000);
        let mut twin = world.clone();
        let before = world.trace().len();
        apply(&mut world, second_thread("c1"));
        let new: Vec<_> = world.trace().since(before).collect();
        assert_eq!(new.len(), 1, "{protocol}: only the exception: {new:?}");
        assert_eq!(new[0].at, t);
        assert_eq!(
            new[0].event,
            TraceEvent::ConcurrentModification {
                consumer: "c1".into(),
                in_call: "poll()".into()
            }
        );
        let text = new[0].to_string();
        assert!(
            text.contains("ConcurrentModificationException: KafkaConsumer is not safe for multi-threaded access."),
            "{text}"
        );
        // Everything after is what would have happened without the second thread.
        world.run_until(60_000);
        twin.run_until(60_000);
        assert_eq!(
            without_exception(&world),
            without_exception(&twin),
            "{protocol}"
        );
        let (mut a, b) = (world.snapshot(), twin.snapshot());
        let c1 = a.consumers.iter_mut().find(|c| c.handle == "c1").unwrap();
        assert_eq!(
            c1.concurrent_modification_at,
            Some(t),
            "the card's note reads it"
        );
        c1.concurrent_modification_at = None;
        assert_eq!(a, b, "{protocol}: the same state but for the card's note");
    }
}

#[test]
fn outside_a_call_the_second_thread_collides_with_the_next_poll() {
    // Without producers the model's consumers always have a batch in hand: processing, not in poll().
    let quiet = r#"{ "seed": 7, "topics": [{ "name": "t", "partitions": 2 }],
             "consumers": [{ "group": "g", "topics": ["t"] }] }"#;
    let mut world = World::new(&scenario(quiet)).unwrap();
    world.run_until(20_000);
    let mut twin = world.clone();
    // Its batch takes processing.time.ms (50 ms by default): then it calls poll() again.
    let back_in_poll = 20_000 + 50;
    let before = world.trace().len();
    apply(&mut world, second_thread("c1"));
    assert_eq!(
        world.trace().len(),
        before,
        "nothing yet: c1's thread is outside the consumer"
    );
    world.run_until(20_100);
    let thrown: Vec<_> = world
        .trace()
        .since(before)
        .filter(|e| matches!(e.event, TraceEvent::ConcurrentModification { .. }))
        .collect();
    assert_eq!(thrown.len(), 1, "once");
    assert!(
        thrown[0].at > 20_000 && thrown[0].at <= back_in_poll,
        "at c1's next poll(): {}",
        thrown[0]
    );
    world.run_until(40_000);
    twin.run_until(40_000);
    assert_eq!(without_exception(&world), without_exception(&twin));

    // A stalled thread collides when it returns to poll().
    let mut stalled = World::new(&scenario(quiet)).unwrap();
    stalled.run_until(20_000);
    apply(
        &mut stalled,
        Action::StallConsumer {
            consumer: "c1".into(),
            ms: 5_000,
        },
    );
    apply(&mut stalled, second_thread("c1"));
    stalled.run_until(30_000);
    let at: Vec<Millis> = stalled
        .trace()
        .iter()
        .filter(|e| matches!(e.event, TraceEvent::ConcurrentModification { .. }))
        .map(|e| e.at)
        .collect();
    assert_eq!(at, vec![25_000], "when the stall ends and c1 polls again");
}

#[test]
fn a_dead_or_unknown_consumer_refuses_and_nothing_changes() {
    let mut world = World::new(&with_records("classic")).unwrap();
    world.run_until(10_000);
    apply(
        &mut world,
        Action::KillConsumer {
            consumer: "c1".into(),
        },
    );
    let before = world.trace().len();
    let error = world.apply(second_thread("c1")).unwrap_err();
    assert!(matches!(error, ActionError::ConsumerNotRunning { .. }));
    assert_eq!(error.to_string(), "consumer c1 is dead: restart it first");
    let text = world.apply(second_thread("c9")).unwrap_err().to_string();
    assert_eq!(text, "there is no consumer c9 (consumers: c1, c2)");
    assert_eq!(world.trace().len(), before, "a refusal changes nothing");
}

#[test]
fn the_action_reads_as_json() {
    let action: Action =
        serde_json::from_str(r#"{ "type": "poll_from_second_thread", "consumer": "c1" }"#).unwrap();
    assert_eq!(action, second_thread("c1"));
}
