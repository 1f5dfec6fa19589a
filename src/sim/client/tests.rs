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
    let Lifecycle::Closing { commit: id } = c.lifecycle else {
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
    let Lifecycle::Closing { commit: id } = c.lifecycle else {
        panic!("close() waits for its commit");
    };
    c.kill(101, &mut CoOut::default());
    let out = commit_response(&mut c, id, Errors::None);
    assert_eq!(c.lifecycle, Lifecycle::Dead);
    assert!(out.emitted.is_empty());
}
