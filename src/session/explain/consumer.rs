//! The notes a consumer's card carries while something is happening to it, and the titles of its
//! generation and leader chip. A note appears when the learner looks at that card for an answer:
//! why a killed member's partitions still wait, why a closed static member keeps its partitions, what
//! a stall runs into and what the member meets when it returns.

use super::duration;
use crate::sim::snapshot::ConsumerSnapshot;
use crate::sim::time::{format_millis, Millis};
use crate::sim::vocab::ConsumerState;

/// A card's note: one short sentence the card always shows, and the rest of the explanation, which
/// it shows on request ("Why?"), so a projected card stays small.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardNote {
    pub text: String,
    pub more: String,
}

impl CardNote {
    fn new(text: String, more: String) -> Self {
        CardNote { text, more }
    }

    /// The whole explanation, as one text.
    pub fn full(&self) -> String {
        format!("{} {}", self.text, self.more)
    }
}

/// The explanation a card shows for the consumer's situation now, if it needs one.
pub fn card_note(c: &ConsumerSnapshot, now: Millis) -> Option<CardNote> {
    if let Some(note) = concurrent_modification_note(c, now) {
        return Some(note);
    }
    if c.kip848.is_some() {
        return super::consumer_group::kip848_card_note(c, now)
            .map(|(text, more)| CardNote::new(text, more));
    }
    let session = duration(c.config.session_timeout_ms);
    let is_static = c.static_id.is_some();
    match &c.state {
        ConsumerState::Dead => {
            let deadline = c.session_deadline?;
            Some(CardNote::new(
                format!(
                    "No LeaveGroup from a dead process: the coordinator notices at {}, {session} after the \
                     last heartbeat it received, not after the kill.",
                    format_millis(deadline)
                ),
                "Only a session expiry tells it of a crash. The others hear of it at their next heartbeat \
                 and rejoin; only then are its partitions handed out. A lower session.timeout.ms notices a \
                 crash sooner, but also expires a healthy member that pauses (a long GC, a network blip)."
                    .to_string(),
            ))
        }
        ConsumerState::Closed if is_static => {
            let deadline = c.session_deadline?;
            Some(CardNote::new(
                format!(
                    "Closed without leaving: its partitions wait, unconsumed, until its session expires at {}.",
                    format_millis(deadline)
                ),
                "A static member sends no LeaveGroup from close(), so the coordinator keeps its place and \
                 its assignment. Restarted with the same group.instance.id before then, it takes them back \
                 without a rebalance."
                    .to_string(),
            ))
        }
        ConsumerState::Failed(_) => Some(failed_note(c, &session, is_static)),
        ConsumerState::Stalled => Some(stall_note(c, now, &session, is_static)),
        ConsumerState::Hung(_) => Some(CardNote::new(
            "Alive, but nothing more comes from it: no SyncGroup, no heartbeat, no LeaveGroup. The \
             coordinator drops it when the sync phase times out (the rebalance timeout after the \
             join) or its session expires, and the others rebalance without it."
                .to_string(),
            "Kafka runs the leader's assignor inside JoinGroupResponseHandler, holding the \
             coordinator's lock (synchronized (AbstractCoordinator.this)), and the heartbeat thread \
             takes the same lock on every turn, so it waits too. Ending the process is the way out \
             (Restart): the new one joins afresh, and the leader of that rebalance runs the assignor \
             over the members then present."
                .to_string(),
        )),
        _ => None,
    }
}

/// An exception escaped `poll()`: the application left its try block, and `close()` ran on the way
/// out (see `KafkaConsumer::fail_and_close`).
fn failed_note(c: &ConsumerSnapshot, session: &str, is_static: bool) -> CardNote {
    let why = format!(
        "The Code tab's Java program holds the consumer in try-with-resources, so close() runs on the way \
         out, as it should: without it the process would exit without a word, and the group would \
         wait session.timeout.ms ({session}) to notice, as after a crash."
    );
    if is_static {
        let until = c
            .session_deadline
            .map(|t| format!(" at {}", format_millis(t)))
            .unwrap_or_default();
        return CardNote::new(
            format!(
                "poll() threw, and leaving the try block closed the consumer. A static member sends no \
                 LeaveGroup: its partitions wait until its session expires{until}."
            ),
            format!(
                "{why} Restarted with the same group.instance.id before then, it takes its partitions \
                 back without a rebalance, and may meet the same error."
            ),
        );
    }
    CardNote::new(
        "poll() threw, and leaving the try block closed the consumer: it gave its partitions up and, \
         if it was in the group, sent LeaveGroup, so the others rebalance without waiting for its \
         session to expire."
            .to_string(),
        format!("{why} Restart starts a new consumer, which may meet the same error."),
    )
}

/// How long a card tells of a second thread's ConcurrentModificationException.
const CONCURRENT_MODIFICATION_SHOWN_MS: Millis = 15_000;

/// A second thread's `poll()` collided with the consumer's own call, shortly before `now`.
fn concurrent_modification_note(c: &ConsumerSnapshot, now: Millis) -> Option<CardNote> {
    let at = c.concurrent_modification_at?;
    if !c.state.is_running() || now.saturating_sub(at) >= CONCURRENT_MODIFICATION_SHOWN_MS {
        return None;
    }
    Some(CardNote::new(
        format!(
            "At {} a second thread's poll() threw ConcurrentModificationException: \"{} …\" \
             {} goes on as before.",
            format_millis(at),
            crate::sim::trace::CONCURRENT_ACCESS,
            c.handle
        ),
        "Every call into KafkaConsumer starts with acquire(), a light lock that throws rather than waits \
         when another thread is inside a call. It catches only calls that overlap, so it is no guard: \
         give each thread its own consumer, or hand records to worker threads and keep every consumer \
         call on the polling thread (wakeup() is the one call another thread may make)."
            .to_string(),
    ))
}

/// A stalled member: the two detectors before its poll timer runs out, what happened and what awaits
/// it after.
fn stall_note(c: &ConsumerSnapshot, now: Millis, session: &str, is_static: bool) -> CardNote {
    let poll = duration(c.config.max_poll_interval_ms);
    let Some(deadline) = c.poll_deadline else {
        return CardNote::new(
            "Stalled in user code, away from poll().".to_string(),
            String::new(),
        );
    };
    let at = format_millis(deadline);
    if now < deadline {
        let then = if is_static {
            format!(
                "this static member stops heartbeating, sends no LeaveGroup, and is evicted when its \
                 session expires, about {session} later"
            )
        } else {
            "the consumer sends LeaveGroup and the others rebalance without it".to_string()
        };
        return CardNote::new(
            format!("Stalled, away from poll(): its poll timer runs out at {at}."),
            format!(
                "Two detectors watch a member: the heartbeat thread (is the process alive?) keeps beating, \
                 and the poll timer (is the application making progress?) allows max.poll.interval.ms \
                 ({poll}) between two poll() calls. When it runs out, {then}."
            ),
        );
    }
    if is_static {
        let eviction = c
            .session_deadline
            .map(|t| format!(" at {}", format_millis(t)))
            .unwrap_or_default();
        CardNote::new(
            format!(
                "max.poll.interval.ms ran out at {at}: it stopped heartbeating, and is evicted when its \
                 session expires{eviction}."
            ),
            "A static member sends no LeaveGroup. If it polls again first, its partitions go to \
             onPartitionsLost and it rejoins under the same group.instance.id, taking them back without a \
             rebalance; after the eviction it rejoins as a new member: another rebalance."
                .to_string(),
        )
    } else {
        CardNote::new(
            format!(
                "max.poll.interval.ms ran out at {at}: it left the group, and the others rebalanced \
                 without it."
            ),
            "When the application returns to poll(), a commit fails with CommitFailedException (it is no \
             longer part of an active group), its partitions go to onPartitionsLost, not \
             onPartitionsRevoked (another member may own them already), and it rejoins: a second rebalance."
                .to_string(),
        )
    }
}

/// The title of a member's generation.
pub fn generation_title(generation: i32) -> String {
    format!(
        "Generation {generation}: the group's count of completed join phases (each starts a new \
         generation, even one that leaves the group Empty). Heartbeats, SyncGroups and \
         OffsetCommits carry it, and the coordinator answers an older one with ILLEGAL_GENERATION: a member \
         that missed a rebalance cannot commit over its partitions' new owner."
    )
}

/// The title of the leader chip (and the group header's leader).
pub fn leader_title(assignor: Option<&str>) -> String {
    let runs = assignor.map_or("the assignor".to_string(), |a| format!("the {a} assignor"));
    format!(
        "Leader: the first member to join the group, not the one with the lowest id; it stays leader \
         until it leaves or fails to rejoin. It alone runs {runs} over every member's subscription, sends \
         the result in its SyncGroup, and watches the topics for new partitions."
    )
}

/// A member id is `{client.id or group.instance.id}-{UUID}`, too long for a card (the generation
/// goes first, so it is what stays visible). The UUID's first
/// 8 characters are enough to see it change on a restart; the client id is the same for every
/// dynamic member of the page, so only a static member's instance id is kept. The full id is the title.
pub fn short_member_id(id: &str, client_id: &str) -> String {
    const UUID_LEN: usize = 36;
    let Some(cut) = id.len().checked_sub(UUID_LEN + 1) else {
        return id.to_string();
    };
    let (Some(prefix), Some(uuid)) = (id.get(..cut), id.get(cut + 1..)) else {
        return id.to_string();
    };
    let start = uuid.get(..8).unwrap_or(uuid);
    if prefix == client_id {
        format!("{start}…")
    } else {
        format!("{prefix}-{start}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::Scenario;
    use crate::sim::{Action, CallbackKind, TraceEvent, World};

    fn world(config: &str) -> World {
        let json = format!(
            r#"{{ "seed": 5, "broker": {{ "group.initial.rebalance.delay.ms": 0 }},
                 "topics": [{{ "name": "t", "partitions": 4 }}],
                 "groups": [{{ "group_id": "g", "config": {{ "session.timeout.ms": 10000, "max.poll.interval.ms": 20000 }} }}],
                 "consumers": [{{ "group": "g", "topics": ["t"] }},
                               {{ "group": "g", "topics": ["t"], "start_at_ms": 500, "config": {config} }}] }}"#
        );
        let mut w = World::new(&Scenario::from_json(&json).unwrap()).unwrap();
        w.run_until(15_000);
        w
    }

    fn c2(w: &World) -> ConsumerSnapshot {
        w.snapshot().consumers[1].clone()
    }

    fn generations(w: &World) -> i32 {
        w.snapshot().groups[0].generation
    }

    #[test]
    fn a_killed_members_note_counts_from_its_last_heartbeat() {
        let mut w = world("{}");
        w.apply(Action::KillConsumer {
            consumer: "c2".into(),
        })
        .unwrap();
        w.run_until(16_000);
        let c = c2(&w);
        let deadline = c.session_deadline.unwrap();
        let note = card_note(&c, w.now()).unwrap().full();
        assert!(deadline < 25_000, "its last heartbeat came before the kill");
        assert!(
            note.contains(&format!(
                "notices at {}, 10 s after the last heartbeat it received, not after the kill",
                format_millis(deadline)
            )),
            "{note}"
        );
        assert!(note.contains("A lower session.timeout.ms notices a crash sooner"));
        w.run_until(deadline);
        assert!(
            card_note(&c2(&w), w.now()).is_none(),
            "the session is gone: nothing left to wait for"
        );
    }

    #[test]
    fn a_closed_static_member_keeps_its_partitions_until_its_session_expires() {
        let mut w = world(r#"{ "group.instance.id": "i2" }"#);
        let assigned = c2(&w).assigned_by_coordinator;
        assert!(!assigned.is_empty());
        w.apply(Action::CloseConsumer {
            consumer: "c2".into(),
        })
        .unwrap();
        w.run_until(16_000);
        let c = c2(&w);
        assert!(c.owned.is_empty(), "closed: it consumes nothing");
        assert_eq!(
            c.assigned_by_coordinator, assigned,
            "but the coordinator still assigns them to it"
        );
        let note = card_note(&c, w.now()).unwrap().full();
        assert!(
            note.starts_with("Closed without leaving: its partitions wait")
                && note.contains("A static member sends no LeaveGroup from close()"),
            "{note}"
        );
        assert!(note.contains(&format_millis(c.session_deadline.unwrap())));
    }

    #[test]
    fn a_stalled_dynamic_member_meets_lost_partitions_and_a_second_rebalance() {
        let mut w = world("{}");
        let before = generations(&w);
        w.apply(Action::StallConsumer {
            consumer: "c2".into(),
            ms: 30_000,
        })
        .unwrap();
        w.run_until(20_000);
        let note = card_note(&c2(&w), w.now()).unwrap().full();
        assert!(note.contains("Two detectors watch a member"), "{note}");
        assert!(note.contains(
            "max.poll.interval.ms (20 s) between two poll() calls. When it runs out, the consumer sends LeaveGroup"
        ));
        w.run_until(40_000);
        let c = c2(&w);
        let expired = format!("ran out at {}", format_millis(c.poll_deadline.unwrap()));
        let note = card_note(&c, w.now()).unwrap().full();
        assert!(
            note.contains(&expired) && note.contains("onPartitionsLost"),
            "{note}"
        );
        assert_eq!(generations(&w), before + 1, "one rebalance without it");
        w.run_until(60_000);
        assert_eq!(generations(&w), before + 2, "a second one when it returns");
        let lost = w.trace().iter().any(|e| matches!(&e.event,
            TraceEvent::Callback { consumer, kind: CallbackKind::Lost, partitions, .. } if consumer == "c2" && !partitions.is_empty()));
        assert!(lost, "its partitions went to onPartitionsLost");
    }

    #[test]
    fn a_stalled_static_member_back_before_eviction_causes_no_rebalance() {
        let mut w = world(r#"{ "group.instance.id": "i2" }"#);
        let before = generations(&w);
        // Poll timer out at ~35 s, eviction at ~42-45 s; back at 37 s.
        w.apply(Action::StallConsumer {
            consumer: "c2".into(),
            ms: 22_000,
        })
        .unwrap();
        w.run_until(36_000);
        let note = card_note(&c2(&w), w.now()).unwrap().full();
        assert!(
            note.contains("stopped heartbeating") && note.contains("without a rebalance"),
            "{note}"
        );
        w.run_until(60_000);
        assert_eq!(
            generations(&w),
            before,
            "it took its partitions back without a rebalance"
        );
        assert!(!c2(&w).owned.is_empty());
    }

    #[test]
    fn the_leader_is_the_first_joiner_not_the_lowest_id() {
        // c2's member id ("aa-…") sorts before c1's ("zz-…"): c1 leads all the same, having joined first.
        let json = r#"{ "seed": 1, "topics": [{ "name": "t", "partitions": 4 }],
             "consumers": [{ "group": "g", "topics": ["t"], "config": { "client.id": "zz" } },
                           { "group": "g", "topics": ["t"], "start_at_ms": 300, "config": { "client.id": "aa" } }] }"#;
        let mut w = World::new(&Scenario::from_json(json).unwrap()).unwrap();
        w.run_until(10_000);
        let g = &w.snapshot().groups[0];
        assert_eq!(g.leader_consumer.as_deref(), Some("c1"));
        let lowest = g.members.iter().map(|m| &m.member_id).min().unwrap();
        assert!(lowest.starts_with("aa-"));
        assert!(leader_title(Some("range")).starts_with(
            "Leader: the first member to join the group, not the one with the lowest id"
        ));
        assert!(generation_title(3).contains("ILLEGAL_GENERATION"));
    }

    #[test]
    fn a_member_id_is_shortened_to_what_tells_members_apart() {
        let uuid = "63cbe1e4-5935-4c5e-9a1b-0123456789ab";
        let client = "consumer-orders-app-1";
        assert_eq!(
            short_member_id(&format!("{client}-{uuid}"), client),
            "63cbe1e4…"
        );
        assert_eq!(
            short_member_id(&format!("c1-instance-{uuid}"), client),
            "c1-instance-63cbe1e4…"
        );
        assert_eq!(short_member_id("short", client), "short");
    }

    /// A generation counts join phases, not rebalances that handed out partitions: the join phase
    /// that ends with every member gone moves the group to a new generation too.
    #[test]
    fn a_generation_counts_join_phases_even_one_that_leaves_the_group_empty() {
        use crate::sim::vocab::ClassicGroupState;
        let title = generation_title(3);
        assert!(title.starts_with(
            "Generation 3: the group's count of completed join phases (each starts a new generation, even \
             one that leaves the group Empty)."
        ), "{title}");
        assert!(!title.contains("completed rebalances"));
        let illegal =
            crate::session::explain::errors::error_note("OffsetCommit", "ILLEGAL_GENERATION")
                .unwrap();
        assert!(illegal.contains("the group has completed a join phase since (each starts a new generation, even one that leaves the group Empty)"), "{illegal}");
        let json = r#"{ "seed": 2, "topics": [{ "name": "t", "partitions": 2 }],
            "groups": [{ "group_id": "g", "config": { "session.timeout.ms": 10000 } }],
            "consumers": [{ "group": "g", "topics": ["t"] }] }"#;
        let mut w = World::new(&Scenario::from_json(json).unwrap()).unwrap();
        w.run_until(10_000);
        assert_eq!(w.snapshot().groups[0].generation, 1);
        w.apply(Action::KillConsumer {
            consumer: "c1".into(),
        })
        .unwrap();
        w.run_until(30_000);
        let g = &w.snapshot().groups[0];
        assert_eq!(g.state, ClassicGroupState::Empty);
        assert_eq!(
            g.generation, 2,
            "the join phase without members is generation 2"
        );
    }
}
