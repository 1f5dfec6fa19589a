//! Why partitions wait after the topic changes: new partitions reach only the group's leader, at its
//! periodic metadata refresh (only the leader compares the metadata it assigned with against fresh
//! metadata); a deleted topic's partitions stay held until the leader sees the deletion too; and
//! partitions a static leader's skipped assignment left to nobody wait for the next rebalance
//! (KIP-814).

use crate::sim::snapshot::{DeletedTopicHeld, Snapshot, UnseenPartitions};
use crate::sim::time::{format_millis, Millis};

/// "at its next metadata refresh (metadata.max.age.ms) at 05:00.004, in 271.6 s"
fn next_refresh(at: Millis, now: Millis) -> String {
    format!(
        "at its next metadata refresh (metadata.max.age.ms) at {}, in {:.1} s",
        format_millis(at),
        at.saturating_sub(now) as f64 / 1000.0
    )
}

/// Why new partitions sit unconsumed.
pub fn unseen_note(group: &str, u: &UnseenPartitions, now: Millis) -> String {
    let (range, them) = if u.first == u.last {
        (format!("P{} is", u.first), "it")
    } else {
        (format!("P{}–P{} are", u.first, u.last), "them")
    };
    format!(
        "{group}: {range} new. Its leader {} learns of {them} {}; then it rejoins and a rebalance hands {them} out.",
        u.leader,
        next_refresh(u.refresh_at, now)
    )
}

/// Why a Stable group leaves subscribed partitions to nobody with no rebalance coming: its static
/// leader came back with `skipAssignment` (KIP-814), see
/// [`SkippedAssignmentGap`](crate::sim::snapshot::SkippedAssignmentGap). The model names the
/// partitions and the leader; this is its explanation, for the group it concerns.
pub fn skipped_assignment_note(s: &Snapshot, group: &str) -> Option<String> {
    let g = s.groups.iter().find(|g| g.group_id == group)?;
    let gap = g.skipped_assignment_gap.as_ref()?;
    Some(format!("{group}: {}", gap.explanation()))
}

/// Why consumers still show partitions of a topic that is gone, and what the lab assumes there.
pub fn deleted_note(group: &str, d: &DeletedTopicHeld, now: Millis) -> String {
    let when = match &d.leader {
        Some((leader, at)) => format!(
            "until its leader {leader} sees the deletion, here {}; then it rejoins and a rebalance drops them",
            next_refresh(*at, now)
        ),
        None => "until the group's next rebalance".to_string(),
    };
    let holders = d.holders.join(", ");
    let verb = if d.holders.len() == 1 {
        "holds"
    } else {
        "hold"
    };
    format!(
        "{group}: topic {topic} was deleted. {holders} still {verb} its partitions {when}. In Kafka a leader \
         that fetches from the topic sees it sooner: its fetch fails (UNKNOWN_TOPIC_OR_PARTITION or \
         UNKNOWN_TOPIC_ID), and the poll() that collects the failure asks for fresh metadata at once. The \
         lab's fetches do not fail on a deleted topic (with producers they return no records; without \
         producers the lab does not fetch), so they do not hasten that. The lab also \
         assumes topic auto-creation is off \
         (allow.auto.create.topics=false on the consumers, or auto.create.topics.enable=false on the broker): \
         with Kafka 4.x's defaults, the consumers' metadata requests would re-create {topic} with \
         num.partitions partitions.",
        topic = d.topic
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::Scenario;
    use crate::sim::{Action, World};

    fn world() -> World {
        let json = r#"{ "seed": 4, "topics": [{ "name": "orders", "partitions": 3 }],
            "groups": [{ "group_id": "g", "config": { "metadata.max.age.ms": 60000 } }],
            "consumers": [{ "group": "g", "topics": ["orders"], "count": 2 }] }"#;
        let mut w = World::new(&Scenario::from_json(json).unwrap()).unwrap();
        w.run_until(10_000);
        w
    }

    #[test]
    fn new_partitions_wait_for_the_leaders_refresh() {
        let mut w = world();
        w.apply(Action::AddPartitions {
            topic: "orders".into(),
            total: 4,
        })
        .unwrap();
        let s = w.snapshot();
        let u = s.partitions_unseen_by_leader("g", "orders").unwrap();
        assert_eq!(
            u.refresh_at, 60_004,
            "metadata.max.age.ms after the first metadata response"
        );
        assert_eq!(
            unseen_note("g", &u, s.now),
            "g: P3 is new. Its leader c1 learns of it at its next metadata refresh (metadata.max.age.ms) at 01:00.004, in 50.0 s; then it rejoins and a rebalance hands it out."
        );
        w.run_until(59_000);
        assert!(w
            .snapshot()
            .consumers
            .iter()
            .all(|c| c.owned.iter().all(|tp| tp.partition < 3)));
        w.run_until(70_000);
        assert!(w
            .snapshot()
            .consumers
            .iter()
            .any(|c| c.owned.iter().any(|tp| tp.partition == 3)));
    }

    #[test]
    fn a_deleted_topic_note_says_what_the_lab_assumes() {
        let mut w = world();
        w.apply(Action::DeleteTopic {
            name: "orders".into(),
        })
        .unwrap();
        let s = w.snapshot();
        let held = s.deleted_topics_held("g");
        let note = deleted_note("g", &held[0], s.now);
        assert!(note.starts_with("g: topic orders was deleted. c1, c2 still hold its partitions until its leader c1 sees the deletion, here at its next metadata refresh"), "{note}");
        assert!(note.contains("allow.auto.create.topics=false"));
        // What the lab does: the topic stays deleted, and the leader's refresh drops the partitions.
        w.run_until(70_000);
        let s = w.snapshot();
        assert!(
            s.topics.is_empty(),
            "not re-created: auto-creation is not simulated"
        );
        assert!(s.consumers.iter().all(|c| c.owned.is_empty()));
    }

    /// With producers the lab fetches, and the note says what its fetches do with a deleted topic:
    /// they return no records and no error, so the leader learns of the deletion only at its
    /// periodic refresh (where Kafka's failed fetch would ask for metadata at once).
    #[test]
    fn with_producers_the_labs_fetches_of_a_deleted_topic_do_not_fail() {
        use crate::sim::protocol::{Message, Request, Response};
        use crate::sim::vocab::Endpoint;
        use crate::sim::TraceEvent;
        let json = r#"{ "seed": 4, "topics": [{ "name": "orders", "partitions": 3 }],
            "groups": [{ "group_id": "g", "config": { "metadata.max.age.ms": 60000 } }],
            "consumers": [{ "group": "g", "topics": ["orders"], "count": 2 }],
            "producers": [{ "topic": "orders", "records_per_sec": 100, "keys": 10 }] }"#;
        let mut w = World::new(&Scenario::from_json(json).unwrap()).unwrap();
        w.run_until(10_000);
        let deleted_at = w.now();
        w.apply(Action::DeleteTopic {
            name: "orders".into(),
        })
        .unwrap();
        let s = w.snapshot();
        let held = s.deleted_topics_held("g");
        let note = deleted_note("g", &held[0], s.now);
        assert!(note.contains("In Kafka a leader that fetches from the topic sees it sooner: its fetch fails (UNKNOWN_TOPIC_OR_PARTITION or UNKNOWN_TOPIC_ID), and the poll() that collects the failure asks for fresh metadata at once."), "{note}");
        assert!(note.contains("The lab's fetches do not fail on a deleted topic (with producers they return no records; without producers the lab does not fetch), so they do not hasten that."), "{note}");
        assert!(!note.contains("does not simulate fetches"));
        let (leader, refresh_at) = held[0].leader.clone().unwrap();
        w.run_until(refresh_at - 1);
        assert!(
            w.snapshot().consumers.iter().any(|c| !c.owned.is_empty()),
            "still held just before the leader's refresh"
        );
        // The fetches after the deletion: answered, for orders, with no records.
        let mut fetched_after = 0;
        let mut leader_metadata_requests = 0;
        for e in w.trace().iter().filter(|e| e.at > deleted_at) {
            match &e.event {
                TraceEvent::MessageDelivered { message, .. } => {
                    if let Message::Response {
                        body: Response::Fetch(r),
                        ..
                    } = &**message
                    {
                        for p in r
                            .partitions
                            .iter()
                            .filter(|p| p.partition.topic == "orders")
                        {
                            assert_eq!(
                                p.end_offset, p.fetch_offset,
                                "no records from a deleted topic"
                            );
                            fetched_after += 1;
                        }
                    }
                }
                TraceEvent::MessageSent {
                    from: Endpoint::Consumer { handle, .. },
                    message,
                    ..
                } if handle.as_str() == leader
                    && matches!(
                        &**message,
                        Message::Request {
                            body: Request::Metadata(_),
                            ..
                        }
                    ) =>
                {
                    leader_metadata_requests += 1;
                }
                _ => {}
            }
        }
        assert!(
            fetched_after > 0,
            "the consumers went on fetching the deleted topic"
        );
        assert_eq!(
            leader_metadata_requests, 0,
            "no metadata request before the refresh"
        );
        w.run_until(refresh_at + 10_000);
        assert!(w.snapshot().consumers.iter().all(|c| c.owned.is_empty()));
    }
}
