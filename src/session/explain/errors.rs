//! What an error answer in the Protocol tab means for the member that gets it: the moment a learner
//! clicks a REBALANCE_IN_PROGRESS or an ILLEGAL_GENERATION is when generations, stale commits and lost
//! partitions need explaining.

/// The explanation of `error` (Kafka's name) in a response to `api`, if it needs one.
pub fn error_note(api: &str, error: &str) -> Option<&'static str> {
    Some(match (api, error) {
        ("Heartbeat", "REBALANCE_IN_PROGRESS") => {
            "This is how a member learns that the group is rebalancing: at its next poll() it rejoins. An \
             eager member first gives up all its partitions; a cooperative one keeps them while it rejoins \
             (all but those of topics it no longer subscribes to) and revokes, after SyncGroup, only those \
             its new assignment no longer holds. The heartbeat \
             still counts, so the session stays alive meanwhile."
        }
        ("OffsetCommit", "REBALANCE_IN_PROGRESS") => {
            "Commits are refused between the join and the sync phase (CompletingRebalance): the member \
             rejoins at its next poll(). During PreparingRebalance the coordinator accepts commits of the \
             current generation, which is how eager members commit in onPartitionsRevoked."
        }
        ("ConsumerGroupHeartbeat", "UNKNOWN_MEMBER_ID" | "FENCED_MEMBER_EPOCH") => {
            "KIP-848: the coordinator fenced this member (it no longer knows it, or its epoch is not the \
             one it holds). The member reports its partitions lost (onPartitionsLost) in its next poll() \
             and rejoins at once with epoch 0 and the same member id."
        }
        (_, "UNRELEASED_INSTANCE_ID") => {
            "KIP-848: another member still holds this group.instance.id (a crashed process, which sent no \
             epoch -2). The Java client treats this as fatal: poll() throws. The id is released only when \
             the old member's session expires."
        }
        ("OffsetCommit", "STALE_MEMBER_EPOCH") => {
            "KIP-848: the commit carried an older member epoch than the coordinator holds (the epoch moved \
             on since). The commit is refused. The commit a reconciliation waits for is sent again after a \
             backoff, with the member's latest epoch, until the rebalance timeout; an auto-commit on the \
             interval is not retried: the next one carries the new epoch."
        }
        (_, "ILLEGAL_GENERATION") => {
            "The request carried an older generation: the group has completed a join phase since (each \
             starts a new generation, even one that leaves the group Empty). The \
             coordinator refuses it, so a member that missed a rebalance cannot commit over its partitions' \
             new owner; the member resets its generation and rejoins (its partitions are lost)."
        }
        (_, "UNKNOWN_MEMBER_ID") => {
            "The coordinator no longer knows this member id: its session expired, it left, or it did not \
             rejoin in time. The member drops its id and generation, treats its partitions as lost \
             (onPartitionsLost), and rejoins as a new member."
        }
        ("JoinGroup", "MEMBER_ID_REQUIRED") => {
            "A new member's first JoinGroup: the coordinator gives it a member id (its client.id and a UUID) \
             and asks it to join again with that id (KIP-394)."
        }
        (_, "FENCED_INSTANCE_ID") => {
            "Another process joined with the same group.instance.id and took this static member's place: \
             this one is fenced, and its next poll() throws."
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::error_note;
    use crate::sim::protocol::{Message, Response};
    use crate::sim::scenario::Scenario;
    use crate::sim::{Action, TraceEvent, World};

    /// Every (API, error) answer the model sends in a busy run, with a note for the ones that matter.
    #[test]
    fn the_errors_a_learner_meets_are_explained() {
        let json = r#"{ "seed": 9, "topics": [{ "name": "t", "partitions": 4 }],
            "groups": [{ "group_id": "g", "config": { "session.timeout.ms": 10000, "max.poll.interval.ms": 20000 } }],
            "consumers": [{ "group": "g", "topics": ["t"], "count": 3 }] }"#;
        let mut w = World::new(&Scenario::from_json(json).unwrap()).unwrap();
        w.run_until(15_000);
        w.apply(Action::StallConsumer {
            consumer: "c2".into(),
            ms: 30_000,
        })
        .unwrap();
        w.run_until(20_000);
        w.apply(Action::KillConsumer {
            consumer: "c3".into(),
        })
        .unwrap();
        w.run_until(80_000);
        let mut seen = std::collections::BTreeSet::new();
        for e in w.trace() {
            let TraceEvent::MessageDelivered { message, .. } = &e.event else {
                continue;
            };
            if let Message::Response { body, .. } = &**message {
                let error = match body {
                    Response::Heartbeat(r) => ("Heartbeat", r.error_code),
                    Response::JoinGroup(r) => ("JoinGroup", r.error_code),
                    Response::SyncGroup(r) => ("SyncGroup", r.error_code),
                    Response::OffsetCommit(r) => ("OffsetCommit", r.error_code),
                    _ => continue,
                };
                seen.insert((error.0, error.1.name()));
            }
        }
        for must in [
            ("Heartbeat", "REBALANCE_IN_PROGRESS"),
            ("JoinGroup", "MEMBER_ID_REQUIRED"),
        ] {
            assert!(seen.contains(&must), "{must:?} in {seen:?}");
        }
        for (api, error) in seen {
            if error != "NONE" {
                assert!(
                    error_note(api, error).is_some(),
                    "{api} {error} is not explained"
                );
            }
        }
    }

    /// The note on a Heartbeat's REBALANCE_IN_PROGRESS, against the model: between that answer and
    /// the member's JoinGroup an eager member revokes every partition, a cooperative one none.
    #[test]
    fn a_rebalance_in_progress_heartbeat_revokes_all_before_the_rejoin_only_if_eager() {
        use crate::sim::protocol::Errors;
        use crate::sim::protocol::Request;
        use crate::sim::vocab::{CallbackKind, Endpoint};
        let note = error_note("Heartbeat", "REBALANCE_IN_PROGRESS").unwrap();
        assert!(note.contains("An eager member first gives up all its partitions; a cooperative one keeps them while it rejoins"), "{note}");
        assert!(note
            .contains("revokes, after SyncGroup, only those its new assignment no longer holds"));
        for (strategy, eager) in [("range", true), ("cooperative-sticky", false)] {
            let json = format!(
                r#"{{ "seed": 3, "topics": [{{ "name": "t", "partitions": 4 }}],
                "groups": [{{ "group_id": "g", "config": {{ "partition.assignment.strategy": "{strategy}" }} }}],
                "consumers": [{{ "group": "g", "topics": ["t"], "count": 2 }}] }}"#
            );
            let mut w = World::new(&Scenario::from_json(&json).unwrap()).unwrap();
            w.run_until(15_000);
            w.apply(Action::AddConsumer {
                group: "g".into(),
                topics: vec!["t".into()],
                config: Default::default(),
            })
            .unwrap();
            w.run_until(40_000);
            let trace = w.trace();
            let is_c1 = |e: &Endpoint| matches!(e, Endpoint::Consumer { handle, .. } if handle.as_str() == "c1");
            let told = trace
                .iter()
                .position(|e| e.at >= 15_000 && matches!(&e.event, TraceEvent::MessageDelivered { to, message, .. }
                    if is_c1(to) && matches!(&**message, Message::Response { body: Response::Heartbeat(r), .. }
                        if r.error_code == Errors::RebalanceInProgress)))
                .expect("c1 hears of the rebalance from a heartbeat");
            let rejoined = told
                + trace
                    .since(told)
                    .position(|e| matches!(&e.event, TraceEvent::MessageSent { from, message, .. }
                        if is_c1(from) && matches!(&**message, Message::Request { body: Request::JoinGroup(_), .. })))
                    .expect("c1 rejoins");
            let revoked: usize = trace
                .since(told)
                .take(rejoined - told)
                .map(|e| match &e.event {
                    TraceEvent::Callback {
                        consumer,
                        kind: CallbackKind::Revoked,
                        partitions,
                        ..
                    } if consumer == "c1" => partitions.len(),
                    _ => 0,
                })
                .sum();
            assert_eq!(revoked, if eager { 2 } else { 0 }, "{strategy}");
        }
    }
}
