//! What the page says about KIP-848 consumer groups: the group header's note while the group is
//! assigning or reconciling (who revokes, who waits), a member's card note, and the titles of the
//! epochs. Every text is decided from the snapshot and checked against the model in the tests below.

use super::{duration, list};
use crate::sim::snapshot::{ConsumerGroupSnapshot, ConsumerSnapshot};
use crate::sim::time::{format_millis, Millis};
use crate::sim::vocab::{ConsumerGroupState, ConsumerState};

/// The header's note: what the group is waiting for, if anything.
pub fn consumer_group_note(g: &ConsumerGroupSnapshot) -> Option<String> {
    match g.state {
        ConsumerGroupState::Empty | ConsumerGroupState::Stable => None,
        ConsumerGroupState::Assigning => Some(format!(
            "Group epoch {} is ahead of the target assignment's ({}): the next heartbeat of any member \
             computes a new target.",
            g.group_epoch, g.assignment_epoch
        )),
        ConsumerGroupState::Reconciling => {
            let mut parts = Vec::new();
            for m in &g.members {
                if !m.pending_revocation.is_empty() && m.protocol == "classic" {
                    parts.push(format!(
                        "{} gives up {} through a classic rebalance: its Heartbeat is answered \
                         REBALANCE_IN_PROGRESS, it rejoins, revokes after SyncGroup and rejoins again",
                        m.consumer,
                        list(&m.pending_revocation)
                    ));
                } else if !m.pending_revocation.is_empty() {
                    parts.push(format!(
                        "{} revokes {} in its next poll() and acknowledges",
                        m.consumer,
                        list(&m.pending_revocation)
                    ));
                }
                // A target partition another member still holds (assigned or pending
                // revocation) is released by that member first; one nobody holds (its owner was
                // fenced, or released it already) comes with this member's next heartbeat.
                let (held, free): (Vec<_>, Vec<_>) = m.awaiting.iter().cloned().partition(|tp| {
                    g.members.iter().any(|other| {
                        other.member_id != m.member_id
                            && (other.assigned.contains(tp) || other.pending_revocation.contains(tp))
                    })
                });
                if !held.is_empty() {
                    let (them, owner) = if held.len() == 1 {
                        ("it", "its owner releases")
                    } else {
                        ("them", "their owners release")
                    };
                    parts.push(format!(
                        "{} waits for {} until {owner} {them}",
                        m.consumer,
                        list(&held)
                    ));
                }
                if !free.is_empty() && m.protocol == "classic" {
                    parts.push(format!(
                        "{} receives {}, which nobody holds any more: its next Heartbeat is \
                         answered REBALANCE_IN_PROGRESS and it rejoins",
                        m.consumer,
                        list(&free)
                    ));
                } else if !free.is_empty() {
                    parts.push(format!(
                        "{} receives {}, which nobody holds any more, with its next heartbeat",
                        m.consumer,
                        list(&free)
                    ));
                }
            }
            let who = if parts.is_empty() {
                "members pick up their target at their next heartbeat".to_string()
            } else {
                parts.join("; ")
            };
            Some(format!(
                "Reconciling towards target epoch {}: {who}. No barrier: the other members keep consuming.",
                g.assignment_epoch
            ))
        }
    }
}

/// The group's protocol as its header names it.
pub fn consumer_group_protocol(g: &ConsumerGroupSnapshot) -> &'static str {
    if g.is_mixed() {
        "mixed: consumer (KIP-848) group with classic members"
    } else {
        "consumer (KIP-848)"
    }
}

/// A mixed group's note: which members still use the classic protocol and how the consumer group
/// serves them (Kafka 4.1.2's `classicGroup*ToConsumerGroup`), and when it converts back.
pub fn mixed_group_note(g: &ConsumerGroupSnapshot) -> Option<String> {
    let classic: Vec<&str> = g
        .members
        .iter()
        .filter(|m| m.protocol == "classic")
        .map(|m| m.consumer.as_str())
        .collect();
    if classic.is_empty() {
        return None;
    }
    let consumers = g.members.len() - classic.len();
    let (who, verb) = if classic.len() == 1 {
        (classic[0].to_string(), "uses")
    } else {
        (classic.join(", "), "use")
    };
    let back = if consumers == 0 {
        "No member uses the consumer protocol: the group stayed a consumer group because \
         group.consumer.migration.policy does not allow the downgrade."
            .to_string()
    } else {
        "When its last consumer-protocol member leaves, it converts back to a classic group and \
         rebalances. When a classic static member takes that member's group.instance.id instead, it \
         converts back and rebalances only if the subscription changed. Both need \
         group.consumer.migration.policy to allow the downgrade (bidirectional, Kafka's default, or \
         downgrade)."
            .to_string()
    };
    Some(format!(
        "A mixed group: {who} still {verb} the classic protocol. The consumer group answers their \
         JoinGroup, SyncGroup and Heartbeat: they run no assignor, SyncGroup hands them their part of \
         the server assignor's target, and a Heartbeat answered REBALANCE_IN_PROGRESS makes them rejoin \
         to give partitions up or take new ones. {back}"
    ))
}

/// A KIP-848 member's card note: the sentence the card always shows, and the rest ("Why?").
/// (`consumer::card_note` makes it a `CardNote`.)
pub fn kip848_card_note(c: &ConsumerSnapshot, now: Millis) -> Option<(String, String)> {
    let k = c.kip848.as_ref()?;
    let _ = now;
    match &c.state {
        ConsumerState::Dead => {
            let deadline = c.session_deadline?;
            Some((
                format!(
                    "No heartbeat from a dead process: the coordinator fences it at {}, \
                     group.consumer.session.timeout.ms after the last heartbeat it received.",
                    format_millis(deadline)
                ),
                "Fencing bumps the group epoch and frees its partitions at once; each other member \
                       takes its share at its next heartbeat. A static member restarted before then is \
                       refused with UNRELEASED_INSTANCE_ID: only a member that left with epoch -2 can be \
                       replaced."
                    .to_string(),
            ))
        }
        ConsumerState::Closed if c.static_id.is_some() => {
            let deadline = c.session_deadline?;
            Some((
                format!(
                    "Left with epoch -2: it keeps its assignment, unconsumed, until its session expires at {}.",
                    format_millis(deadline)
                ),
                "A static member's close() sends epoch -2: no epoch bump. Restarted with the same \
                       group.instance.id before then, it takes its partitions back, still without a bump."
                    .to_string(),
            ))
        }
        ConsumerState::Reconciling if k.member_state == "ACKNOWLEDGING" => Some((
            format!(
                "Reconciled at epoch {}: it acknowledges with its next heartbeat, sent as soon as no \
                 other is in flight.",
                k.member_epoch
            ),
            "The acknowledgement is a heartbeat reporting what it owns now; sending it ends the \
                   reconciliation (Kafka's onHeartbeatRequestGenerated), without waiting for the answer."
                .to_string(),
        )),
        ConsumerState::Reconciling => Some((
            format!(
                "New assignment at epoch {}: {}revokes {}, takes {}, then acknowledges at once.",
                k.member_epoch,
                if c.config.enable_auto_commit && !c.owned.is_empty() {
                    "its next poll() commits what it consumed and, once the commit is answered, "
                } else {
                    "its next poll() "
                },
                list(&k.to_revoke),
                list(&k.to_receive)
            ),
            "With auto-commit, the reconciliation first commits every consumed offset and waits for the \
                   answer, no longer fetching the partitions it gives up; then revocation, then \
                   onPartitionsAssigned, always; the acknowledgement is a heartbeat reporting what it owns \
                   now. Partitions it revokes reach their new owner at that owner's next heartbeat."
                .to_string(),
        )),
        ConsumerState::Stalled => Some((
            format!(
                "Its background thread keeps heartbeating; at max.poll.interval.ms ({}) it leaves the group.",
                duration(c.config.max_poll_interval_ms)
            ),
            "A dynamic member leaves with epoch -1 (the group epoch is bumped and its partitions \
                   move); a static one with -2, keeping its partitions idle. Back in poll(), it reports them \
                   lost and rejoins. Owing a revocation, it would be fenced at its rebalance timeout \
                   (max.poll.interval.ms) anyway. Nobody else waits for it."
                .to_string(),
        )),
        _ => None,
    }
}

/// The title of a member's epoch.
pub fn member_epoch_title(epoch: i32) -> String {
    format!(
        "Member epoch {epoch}: the group epoch of the target this member last reached. Heartbeats and \
         OffsetCommits carry it; the coordinator refuses an older one (FENCED_MEMBER_EPOCH, or \
         STALE_MEMBER_EPOCH for a commit)."
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::Scenario;
    use crate::sim::{Action, World};

    fn world() -> World {
        let s = Scenario::from_json(
            r#"{ "seed": 3, "topics": [{ "name": "t", "partitions": 6 }],
                 "groups": [{ "group_id": "g", "config": { "group.protocol": "consumer" } }],
                 "consumers": [{ "group": "g", "topics": ["t"], "count": 3 }] }"#,
        )
        .unwrap();
        let mut w = World::new(&s).unwrap();
        w.run_until(30_000);
        w
    }

    #[test]
    fn the_reconciling_note_names_who_revokes_and_who_waits() {
        let mut w = world();
        w.apply(Action::AddConsumer {
            group: "g".into(),
            topics: vec!["t".into()],
            config: Default::default(),
        })
        .unwrap();
        let mut notes = Vec::new();
        while w.now() < 45_000 {
            w.process_next_event();
            if let Some(note) = consumer_group_note(&w.snapshot().consumer_groups[0]) {
                notes.push(note);
            }
        }
        assert!(notes
            .iter()
            .any(|n| n.contains("revokes [t-") && n.contains("in its next poll()")));
        assert!(notes.iter().any(|n| n.contains("c4 waits for [t-")));
        assert_eq!(
            consumer_group_note(&w.snapshot().consumer_groups[0]),
            None,
            "Stable"
        );
    }

    /// The lesson's rolling upgrade: after c1 returns on the consumer protocol, the header says
    /// which members are classic and how they give partitions up; once all are rolled, nothing.
    #[test]
    fn a_mixed_groups_notes_name_its_classic_members_and_how_they_revoke() {
        let lesson = crate::session::lessons::lesson("rolling-upgrade-kip848").unwrap();
        let scenario = crate::session::Strategy::CooperativeSticky.scenario_for(&lesson.scenario());
        let mut w = World::new(&scenario).unwrap();
        w.run_until(30_000);
        let (mut mixed, mut reconciling) = (Vec::new(), Vec::new());
        while w.now() < 36_000 {
            w.process_next_event();
            let s = w.snapshot();
            if let Some(g) = s.consumer_groups.first() {
                mixed.extend(mixed_group_note(g));
                reconciling.extend(consumer_group_note(g));
            }
        }
        assert!(mixed.iter().any(|n| n
            .starts_with("A mixed group: c3, c2 still use the classic protocol")
            || n.starts_with("A mixed group: c2, c3 still use the classic protocol")));
        assert!(mixed
            .iter()
            .all(|n| n.contains("converts back to a classic group")));
        assert!(reconciling
            .iter()
            .any(|n| n.contains("through a classic rebalance")));
        w.run_until(150_000);
        let s = w.snapshot();
        assert_eq!(mixed_group_note(&s.consumer_groups[0]), None, "all rolled");
    }

    /// A member that owns partitions, with auto-commit, commits before it reconciles; one that owns
    /// nothing (the newcomer) has nothing to commit.
    #[test]
    fn a_reconciling_members_card_says_it_commits_first_when_it_has_consumed() {
        let mut w = world();
        w.apply(Action::AddConsumer {
            group: "g".into(),
            topics: vec!["t".into()],
            config: Default::default(),
        })
        .unwrap();
        let (mut owners, mut newcomer) = (Vec::new(), Vec::new());
        while w.now() < 45_000 {
            w.process_next_event();
            let s = w.snapshot();
            for c in &s.consumers {
                if let Some((note, _)) = kip848_card_note(c, s.now) {
                    if c.handle == "c4" {
                        newcomer.push(note);
                    } else {
                        owners.push(note);
                    }
                }
            }
        }
        assert!(
            owners.iter().any(|n| n.contains(
                "its next poll() commits what it consumed and, once the commit is answered, revokes [t-"
            )),
            "{owners:?}"
        );
        assert!(
            newcomer
                .iter()
                .filter(|n| n.starts_with("New assignment"))
                .all(|n| !n.contains("commits")),
            "{newcomer:?}"
        );
        assert!(newcomer
            .iter()
            .any(|n| n.starts_with("Reconciled at epoch 4: it acknowledges")));
    }

    /// After a fence nobody holds the dead member's partitions: the survivors that wait for them
    /// are not said to wait for an owner.
    #[test]
    fn orphans_of_a_fenced_member_are_said_to_be_held_by_nobody() {
        let mut w = world();
        w.apply(Action::KillConsumer {
            consumer: "c1".into(),
        })
        .unwrap();
        let mut notes = Vec::new();
        while w.now() < 90_000 {
            w.process_next_event();
            if let Some(note) = consumer_group_note(&w.snapshot().consumer_groups[0]) {
                notes.push(note);
            }
        }
        assert!(
            notes
                .iter()
                .any(|n| n.contains("which nobody holds any more, with its next heartbeat")),
            "{notes:?}"
        );
        assert!(
            notes.iter().all(|n| !n.contains("until its owner")),
            "{notes:?}"
        );
    }

    #[test]
    fn a_dead_members_note_gives_the_fence_time() {
        let mut w = world();
        w.apply(Action::KillConsumer {
            consumer: "c1".into(),
        })
        .unwrap();
        let s = w.snapshot();
        let c1 = &s.consumers[0];
        let note = kip848_card_note(c1, s.now).unwrap();
        let deadline = s.consumer_groups[0].members[0].session_deadline.unwrap();
        assert!(note.0.contains(&format_millis(deadline)), "{}", note.0);
        w.run_until(deadline);
        assert_eq!(
            w.snapshot().consumer_groups[0].members.len(),
            2,
            "fenced then"
        );
    }
}
