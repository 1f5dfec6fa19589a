//! What each action on a consumer does, as its button's title says it: Close, Kill, Stall and Restart
//! reach a static member differently from a dynamic one (KIP-345: a static member sends no
//! LeaveGroup, neither from `close()` nor when its poll timer expires).

use super::duration;
use crate::sim::config::ConsumerConfig;
use crate::sim::vocab::ConsumerState;

/// The actions the page offers on a consumer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsumerVerb {
    Close,
    Kill,
    Stall,
    Restart,
    /// A second application thread calls `poll()` on the same consumer.
    SecondThread,
}

impl ConsumerVerb {
    pub fn label(self) -> &'static str {
        match self {
            ConsumerVerb::Close => "Close",
            ConsumerVerb::Kill => "Kill",
            ConsumerVerb::Stall => "Stall",
            ConsumerVerb::Restart => "Restart",
            ConsumerVerb::SecondThread => "2nd thread",
        }
    }

    /// Whether the action can reach a consumer in `state`, as the model's check of it decides
    /// (`World::check`): Close, Kill, Stall and a second thread's `poll()` need a live process (a
    /// dead one has nothing to kill); Restart needs a stopped one.
    pub fn applies_to(self, state: &ConsumerState) -> bool {
        match self {
            ConsumerVerb::Restart => !state.is_running(),
            ConsumerVerb::Close
            | ConsumerVerb::Kill
            | ConsumerVerb::Stall
            | ConsumerVerb::SecondThread => state.is_running(),
        }
    }

    /// The button's accessible name for the consumer `handle`.
    pub fn accessible_name(self, handle: &str) -> String {
        match self {
            ConsumerVerb::SecondThread => format!("Call poll() on {handle} from a second thread"),
            verb => format!("{} {handle}", verb.label()),
        }
    }

    /// What the action does to a consumer with this configuration; `every_lane` for compare mode,
    /// where it reaches the same consumer under every strategy.
    pub fn title(self, config: &ConsumerConfig, every_lane: bool) -> String {
        let session = duration(config.session_timeout_ms);
        let poll = duration(config.max_poll_interval_ms);
        let is_static = config.group_instance_id.is_some();
        // close() commits only under auto-commit (`maybeAutoCommitOffsetsSync`); an application
        // that commits itself has done so before it calls close().
        let commit = if config.enable_auto_commit {
            "commit, "
        } else {
            ""
        };
        // Compare's lanes run the classic protocol and the consumer protocol side by side: a text
        // for one of them would be false in the others.
        let specific = if every_lane {
            self.every_lane_title(&poll)
        } else if config.is_consumer_protocol() {
            self.consumer_protocol_title(&poll, is_static, commit)
        } else {
            None
        };
        let text =
            specific.unwrap_or_else(|| self.classic_title(&session, &poll, is_static, commit));
        if every_lane {
            format!("{text} (in every lane)")
        } else {
            text
        }
    }

    /// Close, Kill and Stall under `group.protocol=consumer`: no LeaveGroup exists there; a member
    /// leaves through its last `ConsumerGroupHeartbeat` (member epoch -1, or -2 for a static member:
    /// a temporary leave that keeps its partitions), and its session timeout is the broker's
    /// `group.consumer.session.timeout.ms`, not a client setting.
    fn consumer_protocol_title(self, poll: &str, is_static: bool, commit: &str) -> Option<String> {
        let text = match (self, is_static) {
            (ConsumerVerb::Close, false) => format!(
                "consumer.close(): {commit}onPartitionsRevoked, then a last \
                 ConsumerGroupHeartbeat with member epoch -1: the coordinator removes it at once and the \
                 others get its partitions at their next heartbeats"
            ),
            (ConsumerVerb::Close, true) => format!(
                "consumer.close(): {commit}onPartitionsRevoked, then a last \
                 ConsumerGroupHeartbeat with member epoch -2, a temporary leave: its partitions stay \
                 assigned to it, unconsumed, until its session expires (the broker's \
                 group.consumer.session.timeout.ms) or it restarts with the same group.instance.id"
            ),
            (ConsumerVerb::Kill, _) => "kill -9: a dead process sends nothing. The coordinator notices \
                 only when the broker's group.consumer.session.timeout.ms has passed since the last \
                 ConsumerGroupHeartbeat it received; the others get its partitions at their next heartbeats"
                .to_string(),
            (ConsumerVerb::Stall, false) => format!(
                "Stop calling poll() for a while. The background thread keeps heartbeating only until \
                 max.poll.interval.ms ({poll}) after the last poll(): then the consumer leaves the group \
                 (a heartbeat with member epoch -1) and the others get its partitions"
            ),
            (ConsumerVerb::Stall, true) => format!(
                "Stop calling poll() for a while. The background thread keeps heartbeating only until \
                 max.poll.interval.ms ({poll}) after the last poll(): then this static member leaves for \
                 now (a heartbeat with member epoch -2): its partitions wait for it, unconsumed, until it \
                 polls again or its session expires"
            ),
            _ => return None,
        };
        Some(text)
    }

    /// Close, Kill and Stall in every lane at once, whatever protocol each lane runs.
    fn every_lane_title(self, poll: &str) -> Option<String> {
        let text = match self {
            ConsumerVerb::Close => "consumer.close(): onPartitionsRevoked, then the member leaves: \
                 LeaveGroup in a classic lane, a last ConsumerGroupHeartbeat with member epoch -1 in a \
                 KIP-848 lane (a static member sends no LeaveGroup, or epoch -2, and keeps its partitions \
                 until its session expires)"
                .to_string(),
            ConsumerVerb::Kill => "kill -9: a dead process sends nothing. Each lane's coordinator notices \
                 only when the member's session expires after the last heartbeat it received \
                 (session.timeout.ms in a classic lane, the broker's group.consumer.session.timeout.ms in a \
                 KIP-848 lane)"
                .to_string(),
            ConsumerVerb::Stall => format!(
                "Stop calling poll() for a while. Heartbeats go on only until max.poll.interval.ms ({poll}) \
                 after the last poll(): then the member leaves (LeaveGroup in a classic lane, member \
                 epoch -1 in a KIP-848 lane; a static member stays assigned until its session expires)"
            ),
            _ => return None,
        };
        Some(text)
    }

    /// The classic protocol's texts (JoinGroup, SyncGroup, Heartbeat, LeaveGroup).
    fn classic_title(self, session: &str, poll: &str, is_static: bool, commit: &str) -> String {
        match (self, is_static) {
            // AbstractCoordinator.close: onLeavePrepare, then maybeLeaveGroup, which sends LeaveGroup
            // only for a dynamic member (shouldSendLeaveGroupRequest).
            (ConsumerVerb::Close, false) => format!(
                "consumer.close(): {commit}onPartitionsRevoked, then LeaveGroup: \
                 the coordinator starts a rebalance at once"
            ),
            (ConsumerVerb::Close, true) => format!(
                "consumer.close(): {commit}onPartitionsRevoked, but a static member sends no LeaveGroup: \
                 its partitions stay assigned to it, unconsumed, until its session expires \
                 (session.timeout.ms {session} after its last heartbeat) or it restarts with the same group.instance.id"
            ),
            (ConsumerVerb::Kill, _) => format!(
                "kill -9: a dead process sends no LeaveGroup. The coordinator notices only when \
                 session.timeout.ms ({session}) has passed since the last heartbeat it received; \
                 the others hear of it at their next heartbeat"
            ),
            (ConsumerVerb::Stall, false) => format!(
                "Stop calling poll() for a while. The heartbeat thread keeps the session alive only until \
                 max.poll.interval.ms ({poll}) after the last poll(): then the consumer sends LeaveGroup \
                 and the group rebalances without it"
            ),
            (ConsumerVerb::Stall, true) => format!(
                "Stop calling poll() for a while. The heartbeat thread keeps the session alive only until \
                 max.poll.interval.ms ({poll}) after the last poll(): then this static member stops \
                 heartbeating, sends no LeaveGroup, and is evicted when its session expires, about \
                 {poll} + {session} after the last poll()"
            ),
            (ConsumerVerb::Restart, false) => {
                "Start the process again: a new KafkaConsumer, which joins as a new member".to_string()
            }
            // ClassicKafkaConsumer.acquire() (and AsyncKafkaConsumer's): a light lock that throws
            // instead of blocking, taken at the start of every public call.
            (ConsumerVerb::SecondThread, _) => "Call poll() on this consumer from a second application thread, \
                 timed to overlap its own thread's poll() (now, or its next one). KafkaConsumer is not \
                 thread-safe: acquire() throws ConcurrentModificationException in the second thread, and \
                 nothing else changes"
                .to_string(),
            (ConsumerVerb::Restart, true) => "Start the process again: a new KafkaConsumer with the same \
                 group.instance.id, which takes its old place if its session has not expired"
                .to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::protocol::{Message, Request};
    use crate::sim::scenario::Scenario;
    use crate::sim::{Action, TraceEvent, World};

    fn world(instance_ids: bool) -> World {
        let config = if instance_ids {
            r#""config": { "group.instance.id": "i2" },"#
        } else {
            ""
        };
        let json = format!(
            r#"{{ "seed": 3, "broker": {{ "group.initial.rebalance.delay.ms": 0 }},
                 "topics": [{{ "name": "t", "partitions": 4 }}],
                 "groups": [{{ "group_id": "g", "config": {{ "session.timeout.ms": 10000, "max.poll.interval.ms": 20000 }} }}],
                 "consumers": [{{ "group": "g", "topics": ["t"] }}, {{ "group": "g", "topics": ["t"], {config} "start_at_ms": 500 }}] }}"#
        );
        let mut w = World::new(&Scenario::from_json(&json).unwrap()).unwrap();
        w.run_until(15_000);
        w
    }

    fn leave_groups_from_c2(w: &World, since: u64) -> usize {
        w.trace()
            .iter()
            .filter(|e| e.at >= since)
            .filter(|e| match &e.event {
                TraceEvent::MessageSent { from, message, .. } => {
                    from.to_string().starts_with("c2")
                        && matches!(
                            &**message,
                            Message::Request {
                                body: Request::LeaveGroup(_),
                                ..
                            }
                        )
                }
                _ => false,
            })
            .count()
    }

    /// The member epochs of the `ConsumerGroupHeartbeat`s c2 sent from `since` on, and how many
    /// LeaveGroup requests it sent.
    fn c2_heartbeat_epochs(w: &World, since: u64) -> (Vec<i32>, usize) {
        let mut epochs = Vec::new();
        for e in w.trace().iter().filter(|e| e.at >= since) {
            if let TraceEvent::MessageSent { from, message, .. } = &e.event {
                if let Message::Request {
                    body: Request::ConsumerGroupHeartbeat(r),
                    ..
                } = &**message
                {
                    if from.to_string().starts_with("c2") {
                        epochs.push(r.member_epoch);
                    }
                }
            }
        }
        (epochs, leave_groups_from_c2(w, since))
    }

    /// The same two consumers on the consumer protocol (KIP-848), c2 static or not.
    fn kip848_world(instance_ids: bool) -> World {
        let config = if instance_ids {
            r#""config": { "group.instance.id": "i2" },"#
        } else {
            ""
        };
        let json = format!(
            r#"{{ "seed": 3, "topics": [{{ "name": "t", "partitions": 4 }}],
                 "groups": [{{ "group_id": "g", "config": {{ "group.protocol": "consumer", "max.poll.interval.ms": 20000 }} }}],
                 "consumers": [{{ "group": "g", "topics": ["t"] }}, {{ "group": "g", "topics": ["t"], {config} "start_at_ms": 500 }}] }}"#
        );
        let mut w = World::new(&Scenario::from_json(&json).unwrap()).unwrap();
        w.run_until(15_000);
        w
    }

    #[test]
    fn close_under_the_consumer_protocol_is_told_as_the_heartbeat_it_sends() {
        for (is_static, epoch) in [(false, -1), (true, -2)] {
            let mut w = kip848_world(is_static);
            w.apply(Action::CloseConsumer {
                consumer: "c2".into(),
            })
            .unwrap();
            w.run_until(16_000);
            let (epochs, leave_groups) = c2_heartbeat_epochs(&w, 15_000);
            assert_eq!((epochs.last(), leave_groups), (Some(&epoch), 0));
            let title = ConsumerVerb::Close.title(&c2_config(&w), false);
            assert!(
                title.contains(&format!("member epoch {epoch}")) && !title.contains("LeaveGroup"),
                "{title}"
            );
            let stall = ConsumerVerb::Stall.title(&c2_config(&w), false);
            assert!(
                stall.contains(&format!("member epoch {epoch}")) && !stall.contains("LeaveGroup"),
                "{stall}"
            );
            let kill = ConsumerVerb::Kill.title(&c2_config(&w), false);
            assert!(kill.contains("group.consumer.session.timeout.ms"), "{kill}");
        }
    }

    fn c2_config(w: &World) -> ConsumerConfig {
        w.snapshot().consumers[1].config.clone()
    }

    /// A member's session at the coordinator, by consumer handle.
    fn c2_has_session(w: &World) -> bool {
        w.snapshot().groups[0]
            .members
            .iter()
            .any(|m| m.consumer == "c2")
    }

    /// close() commits only under auto-commit (`maybeAutoCommitOffsetsSync`): the title says so, and
    /// the model's close sends no OffsetCommit when the application commits itself.
    #[test]
    fn close_commits_only_under_auto_commit() {
        use crate::sim::config::ManualCommit;
        let json = r#"{ "seed": 3, "topics": [{ "name": "t", "partitions": 4 }],
            "groups": [{ "group_id": "g", "config": { "enable.auto.commit": false } }],
            "consumers": [{ "group": "g", "topics": ["t"], "count": 2 }],
            "producers": [{ "topic": "t", "records_per_sec": 50, "keys": 4 }] }"#;
        let mut w = World::new(&Scenario::from_json(json).unwrap()).unwrap();
        w.run_until(15_000);
        let config = c2_config(&w);
        assert!(!config.enable_auto_commit);
        assert_eq!(config.manual_commit, ManualCommit::Sync);
        assert_eq!(
            ConsumerVerb::Close.title(&config, false),
            "consumer.close(): onPartitionsRevoked, then LeaveGroup: the coordinator starts a rebalance at once"
        );
        let mut kip848 = config.clone();
        kip848.set("group.protocol", "consumer").unwrap();
        assert!(ConsumerVerb::Close.title(&kip848, false).starts_with(
            "consumer.close(): onPartitionsRevoked, then a last ConsumerGroupHeartbeat"
        ));
        let closed_at = w.now();
        w.apply(Action::CloseConsumer {
            consumer: "c2".into(),
        })
        .unwrap();
        w.run_until(16_000);
        let commits_from_c2_in_close = w
            .trace()
            .iter()
            .filter(|e| e.at >= closed_at)
            .take_while(|e| !matches!(&e.event, TraceEvent::MessageSent { from, message, .. }
                if from.to_string().starts_with("c2")
                    && matches!(&**message, Message::Request { body: Request::LeaveGroup(_), .. })))
            .filter(|e| matches!(&e.event, TraceEvent::MessageSent { from, message, .. }
                if from.to_string().starts_with("c2")
                    && matches!(&**message, Message::Request { body: Request::OffsetCommit(_), .. })))
            .count();
        assert_eq!(
            commits_from_c2_in_close, 0,
            "close() itself commits nothing"
        );
        assert_eq!(leave_groups_from_c2(&w, closed_at), 1);
    }

    #[test]
    fn close_says_leavegroup_only_for_a_dynamic_member_as_the_model_does() {
        let mut dynamic = world(false);
        dynamic
            .apply(Action::CloseConsumer {
                consumer: "c2".into(),
            })
            .unwrap();
        dynamic.run_until(16_000);
        assert_eq!(leave_groups_from_c2(&dynamic, 15_000), 1);
        assert!(!c2_has_session(&dynamic));
        let title = ConsumerVerb::Close.title(&c2_config(&dynamic), false);
        assert_eq!(
            title,
            "consumer.close(): commit, onPartitionsRevoked, then LeaveGroup: the coordinator starts a rebalance at once"
        );

        let mut fixed = world(true);
        fixed
            .apply(Action::CloseConsumer {
                consumer: "c2".into(),
            })
            .unwrap();
        fixed.run_until(16_000);
        assert_eq!(leave_groups_from_c2(&fixed, 15_000), 0);
        assert!(c2_has_session(&fixed), "kept until its session expires");
        fixed.run_until(26_000);
        assert!(
            !c2_has_session(&fixed),
            "expired 10 s after its last heartbeat"
        );
        let title = ConsumerVerb::Close.title(&c2_config(&fixed), false);
        assert!(
            title.contains("a static member sends no LeaveGroup"),
            "{title}"
        );
        assert!(title.contains("session.timeout.ms 10 s after its last heartbeat"));
        // In Compare the same click reaches classic and KIP-848 lanes: the text names both.
        let every_lane = ConsumerVerb::Close.title(&c2_config(&fixed), true);
        assert!(
            every_lane.contains("LeaveGroup in a classic lane"),
            "{every_lane}"
        );
        assert!(
            every_lane.contains("member epoch -1 in a KIP-848 lane"),
            "{every_lane}"
        );
        assert!(every_lane.ends_with("(in every lane)"));
    }

    #[test]
    fn kill_counts_the_session_from_the_last_heartbeat() {
        let mut w = world(false);
        let last_heartbeat = w.snapshot().groups[0]
            .members
            .iter()
            .find(|m| m.consumer == "c2")
            .and_then(|m| m.session_deadline)
            .unwrap()
            - 10_000;
        w.apply(Action::KillConsumer {
            consumer: "c2".into(),
        })
        .unwrap();
        w.run_until(last_heartbeat + 9_999);
        assert!(c2_has_session(&w), "not yet");
        w.run_until(last_heartbeat + 10_000);
        assert!(
            !c2_has_session(&w),
            "session.timeout.ms after the last heartbeat, not after the kill"
        );
        assert!(last_heartbeat < 15_000);
        assert_eq!(
            ConsumerVerb::Kill.title(&c2_config(&w), false),
            "kill -9: a dead process sends no LeaveGroup. The coordinator notices only when session.timeout.ms (10 s) \
             has passed since the last heartbeat it received; the others hear of it at their next heartbeat"
        );
    }

    #[test]
    fn stall_says_what_the_poll_timer_does_to_each_kind_of_member() {
        for is_static in [false, true] {
            let mut w = world(is_static);
            w.apply(Action::StallConsumer {
                consumer: "c2".into(),
                ms: 60_000,
            })
            .unwrap();
            // The heartbeat thread keeps the session alive until the poll timer runs out at 35 s.
            w.run_until(34_000);
            assert!(c2_has_session(&w));
            w.run_until(36_000);
            assert_eq!(c2_has_session(&w), is_static, "static members do not leave");
            assert_eq!(leave_groups_from_c2(&w, 15_000), usize::from(!is_static));
            w.run_until(41_000);
            assert_eq!(
                c2_has_session(&w),
                is_static,
                "its last heartbeat was at 32-35 s"
            );
            w.run_until(46_000);
            assert!(
                !c2_has_session(&w),
                "evicted about 20 s + 10 s after the last poll"
            );
            let title = ConsumerVerb::Stall.title(&c2_config(&w), false);
            assert!(
                title.contains("only until max.poll.interval.ms (20 s)"),
                "{title}"
            );
            if is_static {
                assert!(title.contains("sends no LeaveGroup, and is evicted when its session expires, about 20 s + 10 s"));
            } else {
                assert!(title.contains("then the consumer sends LeaveGroup"));
            }
        }
    }

    /// The page offers an action on a consumer exactly when the model would take it: a killed
    /// consumer offers Restart and no Kill (on its card, and in Compare when dead in every lane).
    #[test]
    fn an_action_applies_exactly_when_the_model_accepts_it() {
        let mut w = world(false);
        w.apply(Action::KillConsumer {
            consumer: "c2".into(),
        })
        .unwrap();
        for handle in ["c1", "c2"] {
            let state = w
                .snapshot()
                .consumers
                .iter()
                .find(|c| c.handle == handle)
                .unwrap()
                .state
                .clone();
            let consumer = handle.to_string();
            for (verb, action) in [
                (
                    ConsumerVerb::Close,
                    Action::CloseConsumer {
                        consumer: consumer.clone(),
                    },
                ),
                (
                    ConsumerVerb::Kill,
                    Action::KillConsumer {
                        consumer: consumer.clone(),
                    },
                ),
                (
                    ConsumerVerb::Stall,
                    Action::StallConsumer {
                        consumer: consumer.clone(),
                        ms: 5_000,
                    },
                ),
                (
                    ConsumerVerb::Restart,
                    Action::RestartConsumer {
                        consumer: consumer.clone(),
                        group_instance_id: crate::sim::InstanceIdChange::Keep,
                    },
                ),
                (
                    ConsumerVerb::SecondThread,
                    Action::PollFromSecondThread {
                        consumer: consumer.clone(),
                    },
                ),
            ] {
                let accepted = w.clone().apply(action).is_ok();
                assert_eq!(
                    verb.applies_to(&state),
                    accepted,
                    "{verb:?} on {handle} ({state:?})"
                );
            }
        }
    }
}
