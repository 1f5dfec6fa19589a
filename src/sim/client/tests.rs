//! Unit tests of the consumer's response handling, driven step by step.

use super::*;
use crate::sim::timer::ConsumerTimer;
use crate::sim::vocab::CallbackKind;

fn tp(partition: i32) -> TopicPartition {
    TopicPartition {
        topic: "orders".into(),
        partition,
    }
}

/// A consumer in generation 5, Stable, owning orders-0, processing records until t=1000.
fn stable_consumer(instance_id: Option<&str>) -> KafkaConsumer {
    let config = ConsumerConfig {
        group_id: "g".into(),
        group_instance_id: instance_id.map(str::to_string),
        ..Default::default()
    };
    let mut c = KafkaConsumer::new("c1", 0, vec!["orders".into()], config);
    c.metadata.topics = BTreeMap::from([("orders".to_string(), 1)]);
    c.membership.state = MemberState::Stable;
    c.membership.generation = Generation {
        generation_id: 5,
        member_id: "m-1".into(),
        protocol_name: Some("range".into()),
    };
    c.membership.rejoin_needed = false;
    c.coordinator.owned = BTreeSet::from([tp(0)]);
    c.app.activity = Activity::Processing { until: 1_000 };
    c.heartbeat.enable(0);
    c
}

fn sent_requests(out: &CoOut) -> Vec<Request> {
    out.sends()
        .filter_map(|(_, m)| match m {
            Message::Request { body, .. } => Some(body.clone()),
            _ => None,
        })
        .collect()
}

fn heartbeat_response(c: &mut KafkaConsumer, sent_generation: i32, error: Errors) -> CoOut {
    let mut out = CoOut::default();
    c.heartbeat.sent_heartbeat(10, 99, sent_generation);
    c.on_response(
        20,
        99,
        Response::Heartbeat(HeartbeatResponse { error_code: error }),
        &mut out,
    );
    out
}

#[test]
fn heartbeat_rebalance_in_progress_overwrites_an_earlier_rejoin_reason() {
    let mut c = stable_consumer(None);
    c.request_rejoin(JoinReason::MetadataChanged);
    heartbeat_response(&mut c, 5, Errors::RebalanceInProgress);
    assert_eq!(c.membership.rejoin_reason, JoinReason::GroupIsRebalancing);
    assert_eq!(
        c.membership.rejoin_reason.to_string(),
        "group is already rebalancing"
    );
}

#[test]
fn heartbeat_fenced_instance_id_from_a_stale_generation_is_ignored() {
    let mut c = stable_consumer(Some("i-1"));
    heartbeat_response(&mut c, 4, Errors::FencedInstanceId);
    assert_eq!(c.lifecycle, Lifecycle::Running);
    assert_eq!(c.membership.state, MemberState::Stable);
    assert_eq!(c.membership.generation.generation_id, 5);
}

#[test]
fn heartbeat_fenced_instance_id_resets_state_and_fails_the_next_poll() {
    let mut c = stable_consumer(Some("i-1"));
    heartbeat_response(&mut c, 5, Errors::FencedInstanceId);
    // The heartbeat thread only resets the state; the application is still working on its records.
    assert_eq!(c.lifecycle, Lifecycle::Running);
    assert_eq!(c.membership.state, MemberState::Unjoined);
    assert_eq!(c.membership.generation, Generation::none());
    assert_eq!(
        c.membership.rejoin_reason.to_string(),
        "encountered FENCED_INSTANCE_ID from HEARTBEAT response"
    );
    // The next poll() throws FencedInstanceIdException.
    let mut out = CoOut::default();
    c.on_timer(1_000, ConsumerTimer::AppThread, &mut out);
    assert!(matches!(c.lifecycle, Lifecycle::Fenced { .. }));
    assert!(sent_requests(&out).is_empty());
}

#[test]
fn heartbeat_illegal_generation_names_the_api_in_the_reason() {
    let mut c = stable_consumer(None);
    heartbeat_response(&mut c, 5, Errors::IllegalGeneration);
    assert_eq!(
        c.membership.rejoin_reason.to_string(),
        "encountered ILLEGAL_GENERATION from HEARTBEAT response"
    );
    assert_eq!(
        c.membership.generation.member_id, "m-1",
        "ILLEGAL_GENERATION keeps the member id"
    );
}

fn commit_response(c: &mut KafkaConsumer, id: u64, error: Errors) -> CoOut {
    let mut out = CoOut::default();
    c.on_response(
        30,
        id,
        Response::OffsetCommit(OffsetCommitResponse { error_code: error }),
        &mut out,
    );
    out
}

#[test]
fn offset_commit_rebalance_in_progress_requests_a_rejoin_without_reset() {
    let mut c = stable_consumer(None);
    let id = c.send_offset_commit(&mut CoOut::default());
    commit_response(&mut c, id, Errors::RebalanceInProgress);
    assert!(c.membership.rejoin_needed);
    assert_eq!(
        c.membership.rejoin_reason.to_string(),
        "offset commit failed since group is already rebalancing"
    );
    assert_eq!(c.membership.state, MemberState::Stable);
    assert_eq!(c.membership.generation.generation_id, 5);
}

#[test]
fn offset_commit_error_for_a_stale_generation_while_rejoining_does_not_reset() {
    let mut c = stable_consumer(None);
    let id = c.send_offset_commit(&mut CoOut::default());
    c.membership.generation.generation_id = 6;
    c.membership.state = MemberState::PreparingRebalance;
    commit_response(&mut c, id, Errors::IllegalGeneration);
    assert_eq!(c.membership.state, MemberState::PreparingRebalance);
    assert_eq!(c.membership.generation.generation_id, 6);
}

#[test]
fn offset_commit_unknown_member_id_resets_with_kafkas_reason() {
    let mut c = stable_consumer(None);
    let id = c.send_offset_commit(&mut CoOut::default());
    commit_response(&mut c, id, Errors::UnknownMemberId);
    assert_eq!(c.membership.state, MemberState::Unjoined);
    assert_eq!(c.membership.generation, Generation::none());
    assert_eq!(
        c.membership.rejoin_reason.to_string(),
        "encountered UNKNOWN_MEMBER_ID from OFFSET_COMMIT response"
    );
}

#[test]
fn a_failed_join_prepare_commit_still_wakes_the_application() {
    let mut c = stable_consumer(None);
    c.app.activity = Activity::InPoll;
    c.request_rejoin(JoinReason::GroupIsRebalancing);
    let mut out = CoOut::default();
    c.poll_pass(100, &mut out);
    let JoinPrepareCommit::InFlight { correlation_id: id } = c.coordinator.join_prepare_commit
    else {
        panic!("onJoinPrepare commits first: {:?}", sent_requests(&out));
    };
    let out = commit_response(&mut c, id, Errors::IllegalGeneration);
    // Woken: the reset generation makes onJoinPrepare report the partitions lost, then it rejoins.
    assert!(c.coordinator.owned.is_empty());
    let joins: Vec<_> = sent_requests(&out)
        .into_iter()
        .filter_map(|r| match r {
            Request::JoinGroup(j) => Some(j),
            _ => None,
        })
        .collect();
    assert_eq!(joins.len(), 1, "the application rejoins at once");
    assert_eq!(
        joins[0].reason.to_string(),
        "encountered ILLEGAL_GENERATION from OFFSET_COMMIT response"
    );
}

#[test]
fn close_with_a_failed_commit_still_closes_and_reports_the_partitions_lost() {
    let mut c = stable_consumer(None);
    let mut out = CoOut::default();
    c.close(100, &mut out);
    assert!(c.is_closing() && c.is_running());
    assert!(
        out.trace().next().is_none(),
        "no callback before the commit reply"
    );
    let Some(Request::OffsetCommit(_)) = sent_requests(&out).pop() else {
        panic!("close() commits first");
    };
    let Lifecycle::Closing { commit: id, .. } = c.lifecycle else {
        panic!("close() waits for its commit");
    };
    let out = commit_response(&mut c, id, Errors::UnknownMemberId);
    assert_eq!(c.lifecycle, Lifecycle::Closed);
    assert!(out.trace().any(|e| matches!(
        e,
        TraceEvent::Callback {
            kind: CallbackKind::Lost,
            ..
        }
    )));
    // The reset left the member Unjoined: no LeaveGroup.
    assert!(!sent_requests(&out)
        .iter()
        .any(|r| matches!(r, Request::LeaveGroup(_))));
}

#[test]
fn a_kill_while_closing_wins() {
    let mut c = stable_consumer(None);
    c.close(100, &mut CoOut::default());
    let Lifecycle::Closing { commit: id, .. } = c.lifecycle else {
        panic!("close() waits for its commit");
    };
    c.kill(101, &mut CoOut::default());
    let out = commit_response(&mut c, id, Errors::None);
    assert_eq!(c.lifecycle, Lifecycle::Dead);
    assert!(out.emitted.is_empty());
}

/// A consumer of `stable_consumer` that has sent a JoinGroup at generation 5 (a rebalance started).
fn joining_consumer(instance_id: Option<&str>) -> (KafkaConsumer, u64) {
    let mut c = stable_consumer(instance_id);
    c.config.enable_auto_commit = false;
    c.app.activity = Activity::InPoll;
    c.request_rejoin(JoinReason::GroupIsRebalancing);
    let mut out = CoOut::default();
    c.poll_pass(100, &mut out);
    let JoinFuture::AwaitingJoin { correlation_id, .. } = c.membership.join_future else {
        panic!("a JoinGroup is in flight: {:?}", c.membership.join_future);
    };
    (c, correlation_id)
}

/// A successful JoinGroup answer at generation 6 that makes this consumer member `m-1`, with the
/// coordinator's chosen protocol and leader (and no members' metadata).
fn joined_as_m1(protocol: &str, leader: &str) -> JoinGroupResponse {
    JoinGroupResponse {
        error_code: Errors::None,
        generation_id: 6,
        protocol_name: Some(protocol.into()),
        leader: leader.into(),
        skip_assignment: false,
        member_id: "m-1".into(),
        members: Vec::new(),
    }
}

fn join_response(c: &mut KafkaConsumer, id: u64, r: JoinGroupResponse) -> CoOut {
    let mut out = CoOut::default();
    c.on_response(200, id, Response::JoinGroup(Box::new(r)), &mut out);
    out
}

#[test]
fn a_join_in_flight_survives_a_reset_and_its_answer_finds_the_member_unjoined() {
    let (mut c, id) = joining_consumer(None);
    // An OffsetCommit answer resets the member while its JoinGroup is in flight.
    c.reset_on_response_error(Errors::UnknownMemberId, ApiKey::OffsetCommit, true);
    assert!(
        matches!(c.membership.join_future, JoinFuture::AwaitingJoin { .. }),
        "Kafka keeps the join future across resetStateAndRejoin"
    );
    // The next poll runs onJoinPrepare but sends no second JoinGroup while the first is unanswered.
    let mut out = CoOut::default();
    c.poll_pass(300, &mut out);
    assert!(sent_requests(&out).is_empty());
    // Its successful answer meets an Unjoined member: UnjoinedGroupException, retried after the backoff.
    let out = join_response(&mut c, id, joined_as_m1("range", "other"));
    assert!(
        sent_requests(&out).is_empty(),
        "no SyncGroup for a reset member"
    );
    assert_eq!(
        c.membership.rejoin_reason.to_string(),
        "rebalance failed due to UnjoinedGroupException"
    );
    let mut out = CoOut::default();
    c.on_timer(
        300 + c.config.retry_backoff_ms,
        ConsumerTimer::AppThread,
        &mut out,
    );
    assert!(matches!(
        sent_requests(&out).as_slice(),
        [Request::JoinGroup(_)]
    ));
}

/// The leader's assignor throws inside `poll()` (here: the coordinator selected a protocol no
/// assignor of this consumer has). The exception leaves the application's try block, whose
/// `close()` sends LeaveGroup for a dynamic member: it is in CompletingRebalance with a member id
/// (`shouldSendLeaveGroupRequest`). A static member sends none, and both end Failed.
#[test]
fn a_leader_whose_assignor_throws_closes_and_a_dynamic_one_leaves_the_group() {
    for (instance_id, leaves) in [(None, true), (Some("i-1"), false)] {
        let (mut c, id) = joining_consumer(instance_id);
        let out = join_response(&mut c, id, joined_as_m1("no-such-assignor", "m-1"));
        let Lifecycle::Failed { error } = &c.lifecycle else {
            panic!("the leader failed: {:?}", c.lifecycle);
        };
        assert_eq!(
            error,
            "Coordinator selected invalid assignment protocol: no-such-assignor"
        );
        let sent = sent_requests(&out);
        assert!(
            !sent.iter().any(|r| matches!(r, Request::SyncGroup(_))),
            "no SyncGroup: {sent:?}"
        );
        let left = sent
            .iter()
            .any(|r| matches!(r, Request::LeaveGroup(l) if l.members[0].member_id == "m-1"));
        assert_eq!(left, leaves, "{instance_id:?}: {sent:?}");
        assert_eq!(c.stopped_at, Some(200));
    }
}

#[test]
fn join_unknown_member_id_resets_only_if_the_generation_is_unchanged() {
    let unknown = |member: &str| JoinGroupResponse::error(Errors::UnknownMemberId, member);
    // Unchanged since the JoinGroup was sent: the member id is forgotten.
    let (mut c, id) = joining_consumer(None);
    join_response(&mut c, id, unknown("m-1"));
    c.join_group_if_needed(200, &mut CoOut::default());
    assert_eq!(c.membership.generation.member_id, "");
    // Changed meanwhile (an ILLEGAL_GENERATION reset kept the id but dropped the generation): left alone.
    let (mut c, id) = joining_consumer(None);
    c.reset_on_response_error(Errors::IllegalGeneration, ApiKey::Heartbeat, false);
    let after_reset = c.membership.generation.clone();
    join_response(&mut c, id, unknown("m-1"));
    c.join_group_if_needed(200, &mut CoOut::default());
    assert_eq!(c.membership.generation, after_reset, "no second reset");
    assert_eq!(c.membership.generation.member_id, "m-1");
}

fn sync_failure(error: Errors) -> SyncGroupResponse {
    SyncGroupResponse {
        error_code: error,
        protocol_name: None,
        assignment: Vec::new(),
    }
}

#[test]
fn sync_errors_reset_only_if_the_generation_is_unchanged() {
    let sync_error = |c: &mut KafkaConsumer, error: Errors| {
        let sent = c.membership.generation.clone();
        c.membership.state = MemberState::CompletingRebalance;
        c.membership.join_future = JoinFuture::AwaitingSync {
            correlation_id: 7,
            sent,
        };
        (c.membership.generation.clone(), error)
    };
    let mut c = stable_consumer(None);
    sync_error(&mut c, Errors::IllegalGeneration);
    c.handle_sync_response(
        sync_failure(Errors::IllegalGeneration),
        &c.membership.generation.clone(),
    );
    assert_eq!(c.membership.state, MemberState::Unjoined);
    assert_eq!(
        c.membership.generation.member_id, "m-1",
        "ILLEGAL_GENERATION keeps the id"
    );
    // Sent at generation 5, answered after a reset to generation -1: the stale error changes nothing.
    let mut c = stable_consumer(None);
    let (sent, _) = sync_error(&mut c, Errors::UnknownMemberId);
    c.reset_on_response_error(Errors::IllegalGeneration, ApiKey::Heartbeat, false);
    c.handle_sync_response(sync_failure(Errors::UnknownMemberId), &sent);
    assert_eq!(
        c.membership.generation.member_id, "m-1",
        "not reset a second time"
    );
}

#[test]
fn an_offset_commit_fenced_at_the_same_generation_fails_the_next_poll() {
    let mut c = stable_consumer(Some("i-1"));
    let id = c.send_offset_commit(&mut CoOut::default());
    commit_response(&mut c, id, Errors::FencedInstanceId);
    assert_eq!(
        c.lifecycle,
        Lifecycle::Running,
        "noticed at the next poll()"
    );
    let mut out = CoOut::default();
    c.on_timer(1_000, ConsumerTimer::AppThread, &mut out);
    assert_eq!(
        c.lifecycle,
        Lifecycle::Fenced {
            error: "FencedInstanceIdException: Get fenced exception for group.instance.id i-1, current member.id is m-1".into()
        }
    );
    // After a generation change it is only the caller's CommitFailedException.
    let mut c = stable_consumer(Some("i-1"));
    let id = c.send_offset_commit(&mut CoOut::default());
    c.membership.generation.generation_id = 6;
    commit_response(&mut c, id, Errors::FencedInstanceId);
    c.on_timer(1_000, ConsumerTimer::AppThread, &mut CoOut::default());
    assert_eq!(c.lifecycle, Lifecycle::Running);
}

#[test]
fn on_partitions_lost_reports_the_generation_and_member_id_group_metadata_still_has() {
    let mut c = stable_consumer(None);
    c.coordinator.group_metadata = (5, "m-1".into());
    // The poll timer expired: LeaveGroup, generation and member id reset.
    c.maybe_leave_group(LeaveReason::PollTimeoutExpired, &mut CoOut::default());
    assert_eq!(c.membership.generation, Generation::none());
    c.app.activity = Activity::InPoll;
    let mut out = CoOut::default();
    c.poll_pass(2_000, &mut out);
    let lost: Vec<_> = out
        .trace()
        .filter_map(|e| match e {
            TraceEvent::Callback {
                kind: CallbackKind::Lost,
                generation,
                member_id,
                ..
            } => Some((*generation, member_id.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(lost, [(5, "m-1".to_string())]);
}

/// A KIP-848 member at epoch 7 that owns orders-0 and orders-1 and has just been told to keep only
/// orders-0; the application is inside `poll()`, auto-commit on.
fn kip848_member_told_to_revoke() -> KafkaConsumer {
    use crate::sim::client::consumer_protocol::MemberState as Kip848State;
    let config = ConsumerConfig {
        group_id: "g".into(),
        group_protocol: "consumer".into(),
        ..Default::default()
    };
    let mut c = KafkaConsumer::new("c1", 0, vec!["orders".into()], config);
    c.coordinator.owned = BTreeSet::from([tp(0), tp(1)]);
    let manager = c.kip848.as_mut().unwrap();
    manager.member_id = "m-1".into();
    manager.member_epoch = 7;
    manager.assignment_applied = true;
    manager.target = Some((7, BTreeSet::from([tp(0)])));
    manager.state = Kip848State::Reconciling;
    c.app.activity = Activity::InPoll;
    c.commits.next_auto_commit_at = 1_000_000;
    c
}

fn revocations(out: &CoOut) -> usize {
    out.trace()
        .filter(|e| {
            matches!(
                e,
                TraceEvent::Callback {
                    kind: CallbackKind::Revoked,
                    ..
                }
            )
        })
        .count()
}

fn offset_commits(out: &CoOut) -> Vec<OffsetCommitRequest> {
    sent_requests(out)
        .into_iter()
        .filter_map(|r| match r {
            Request::OffsetCommit(r) => Some(*r),
            _ => None,
        })
        .collect()
}

#[test]
fn a_kip848_reconciliation_commits_everything_and_revokes_only_after_the_answer() {
    let mut c = kip848_member_told_to_revoke();
    let mut out = CoOut::default();
    c.poll_pass(100, &mut out);
    let commits = offset_commits(&out);
    assert_eq!(commits.len(), 1, "the commit before revocation");
    assert_eq!(commits[0].generation_id, 7);
    assert_eq!(
        commits[0].partitions,
        vec![tp(0), tp(1)],
        "everything consumed, the kept partition too"
    );
    assert_eq!(revocations(&out), 0, "nothing revoked before the answer");
    assert_eq!(c.coordinator.owned.len(), 2);
    assert_eq!(c.fetcher.pending_revocation, BTreeSet::from([tp(1)]));
    // Another poll() while the commit travels changes nothing.
    let mut again = CoOut::default();
    c.poll_pass(101, &mut again);
    assert!(offset_commits(&again).is_empty() && revocations(&again) == 0);
    let id = c.commits.in_flight.keys().copied().max().unwrap();
    assert!(
        matches!(c.app.activity, Activity::Processing { .. }),
        "orders-0 keeps it busy"
    );
    let out = commit_response(&mut c, id, Errors::None);
    assert_eq!(revocations(&out), 0, "the application is not in poll()");
    let out = next_poll(&mut c);
    assert_eq!(revocations(&out), 1, "its next poll() revokes");
    assert_eq!(c.coordinator.owned, BTreeSet::from([tp(0)]));
    assert!(c.fetcher.pending_revocation.is_empty());
    assert_eq!(
        c.kip848.as_ref().unwrap().state.to_string(),
        "ACKNOWLEDGING"
    );
}

#[test]
fn a_kip848_reconciliation_commit_failing_for_good_still_revokes() {
    let mut c = kip848_member_told_to_revoke();
    c.poll_pass(100, &mut CoOut::default());
    let id = c.commits.in_flight.keys().copied().max().unwrap();
    commit_response(&mut c, id, Errors::UnknownMemberId);
    assert_eq!(
        revocations(&next_poll(&mut c)),
        1,
        "Kafka logs the failure and reconciles"
    );
}

#[test]
fn a_kip848_reconciliation_commit_retries_a_stale_epoch_with_the_new_one_and_backs_off() {
    let mut c = kip848_member_told_to_revoke();
    c.poll_pass(100, &mut CoOut::default());
    let mut backoffs = Vec::new();
    for epoch in [8, 9] {
        let id = c.commits.in_flight.keys().copied().max().unwrap();
        let out = commit_response(&mut c, id, Errors::StaleMemberEpoch);
        assert_eq!(
            revocations(&out),
            0,
            "a stale epoch is retried, not given up"
        );
        let retry_at = out.timers.iter().find_map(|t| match t {
            crate::sim::actor::TimerChange::Set {
                at,
                timer: Timer::Consumer(ConsumerTimer::CommitRetry),
            } => Some(*at),
            _ => None,
        });
        backoffs.push(retry_at.expect("a retry after the backoff") - 30);
        // The heartbeat brought a newer epoch meanwhile: the retry carries it.
        c.kip848.as_mut().unwrap().member_epoch = epoch;
        let mut out = CoOut::default();
        c.on_timer(retry_at.unwrap(), ConsumerTimer::CommitRetry, &mut out);
        assert_eq!(offset_commits(&out)[0].generation_id, epoch);
    }
    assert_eq!(backoffs, [100, 200], "retry.backoff.ms, doubling");
    let id = c.commits.in_flight.keys().copied().max().unwrap();
    assert_eq!(revocations(&next_poll(&mut c)), 0, "still waiting");
    commit_response(&mut c, id, Errors::None);
    assert_eq!(revocations(&next_poll(&mut c)), 1);
}

#[test]
fn a_kip848_reconciliation_stops_retrying_at_the_rebalance_timeout() {
    let mut c = kip848_member_told_to_revoke();
    c.config.max_poll_interval_ms = 20;
    c.poll_pass(0, &mut CoOut::default());
    let id = c.commits.in_flight.keys().copied().max().unwrap();
    // Answered at t=30, past the deadline (t=20): not retried, the reconciliation goes on.
    commit_response(&mut c, id, Errors::StaleMemberEpoch);
    assert_eq!(revocations(&next_poll(&mut c)), 1);
}

/// The application finishes its records and calls `poll()` again.
fn next_poll(c: &mut KafkaConsumer) -> CoOut {
    let mut out = CoOut::default();
    c.on_timer(2_000, ConsumerTimer::AppThread, &mut out);
    out
}
