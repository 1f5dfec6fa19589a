//! The consumer side of the classic protocol: a `KafkaConsumer` with its application thread (the poll
//! loop), its background heartbeat thread and its `ConsumerCoordinator` (join, sync, rebalance listener).
//!
//! Threads are modelled as follows. The application thread is either inside `poll()`, processing the
//! records the last `poll()` returned, or stalled in user code. Everything `poll()` does (handling a
//! JoinGroup response, sending SyncGroup, running the rebalance callbacks, auto-commit) happens in a
//! *poll pass*; a thread blocked inside `poll()` makes a pass whenever something arrives for it. The
//! heartbeat thread reacts at once to SyncGroup and Heartbeat responses and owns the poll timer.

pub mod heartbeat;

pub use heartbeat::Heartbeat;

use super::actor::{Actor, Ctx, Out};
use super::assign::{
    self, AssignorName, ClusterMetadata, GroupSubscription, RebalanceProtocol, Subscription,
    TopicPartition,
};
use super::config::ConsumerConfig;
use super::protocol::*;
use super::time::Millis;
use super::timer::{ConsumerTimer, Timer, TimerKey};
use super::trace::TraceEvent;
use super::vocab::{CallbackKind, ConsumerState, Endpoint};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// `AbstractCoordinator.MemberState`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberState {
    Unjoined,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
}

impl MemberState {
    /// How Java prints the state (`MemberState.toString`).
    pub fn java_name(self) -> &'static str {
        match self {
            MemberState::Unjoined => "UNJOINED",
            MemberState::PreparingRebalance => "PREPARING_REBALANCE",
            MemberState::CompletingRebalance => "COMPLETING_REBALANCE",
            MemberState::Stable => "STABLE",
        }
    }
}

/// `Generation`: the generation, member id and protocol of the last successful join.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generation {
    pub generation_id: i32,
    pub member_id: String,
    pub protocol_name: Option<String>,
}

impl Generation {
    pub const NO_GENERATION_ID: i32 = -1;

    pub fn none() -> Self {
        Self {
            generation_id: Self::NO_GENERATION_ID,
            member_id: String::new(),
            protocol_name: None,
        }
    }

    /// `hasGenerationReset`-style check used by `onJoinPrepare`: no valid generation or no member id.
    pub fn is_reset(&self) -> bool {
        self.generation_id == Self::NO_GENERATION_ID || self.member_id.is_empty()
    }
}

/// Whether the consumer process is alive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lifecycle {
    Running,
    Closed,
    Dead,
    /// A fatal error escaped `poll()`; the application stopped.
    Failed {
        error: String,
        fenced: bool,
    },
}

/// What the application thread is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppThread {
    /// Inside `poll()`, waiting for records or for the rebalance to progress.
    InPoll,
    /// Working on the records of the last `poll()` until the given time.
    Processing { until: Millis },
    /// Stuck in user code until the given time.
    Stalled { until: Millis },
}

/// The join-and-sync chain in flight (`joinFuture` in `AbstractCoordinator`).
#[derive(Clone, Debug, PartialEq, Eq)]
enum JoinFuture {
    Idle,
    AwaitingJoin {
        correlation_id: u64,
    },
    /// The JoinGroup response arrived; the application thread handles it at its next poll pass.
    JoinResponseReady(JoinGroupResponse),
    AwaitingSync {
        correlation_id: u64,
    },
    /// The chain finished: the assignment, or the error to react to.
    Done(Result<Vec<TopicPartition>, Errors>),
}

/// Why an `apply` on a consumer is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConsumerRefusal {
    NotRunning,
}

pub type CoOut = Out;

#[derive(Clone, Debug)]
pub struct KafkaConsumer {
    pub handle: String,
    /// The consumer's creation number, used in the default `client.id`.
    pub number: usize,
    pub incarnation: u32,
    pub group_id: String,
    pub topics: Vec<String>,
    pub config: ConsumerConfig,
    pub client_id: String,
    pub lifecycle: Lifecycle,
    pub app: AppThread,
    pub last_poll_at: Millis,
    pub protocol: RebalanceProtocol,

    // AbstractCoordinator
    pub member_state: MemberState,
    pub generation: Generation,
    rejoin_needed: bool,
    rejoin_reason: JoinReason,
    needs_join_prepare: bool,
    join_future: JoinFuture,
    /// The auto-commit `onJoinPrepare` waits for, and whether it already ran for this rebalance.
    join_prepare_commit: Option<u64>,
    join_prepare_commit_done: bool,
    pub heartbeat: Heartbeat,
    /// A fatal error the heartbeat thread caught (FENCED_INSTANCE_ID); `poll()` throws it next time.
    heartbeat_failure: Option<Errors>,

    // ConsumerCoordinator / SubscriptionState
    pub is_leader: bool,
    pub owned: BTreeSet<TopicPartition>,
    /// Eager: partitions marked pending revocation while `onJoinPrepare` commits; not fetched.
    pending_revocation: bool,
    /// The assignment of the last SyncGroup response, even before the application thread applies it.
    pub assigned_by_coordinator: Option<Vec<TopicPartition>>,
    /// The eager sticky assignor's memory: the last assignment and its generation.
    last_assignment: Option<(Vec<TopicPartition>, i32)>,
    /// Every topic the broker reported in the last metadata response.
    pub metadata: BTreeMap<String, i32>,
    metadata_received: bool,
    /// When `metadata.max.age.ms` next makes the client ask the broker again.
    pub next_metadata_refresh: Option<Millis>,
    /// When the process was closed or killed: the card tells how long the coordinator has not noticed.
    pub stopped_at: Option<Millis>,
    /// The leader's view when it assigned: partition counts of the group's topics.
    pub assignment_snapshot: Option<BTreeMap<String, i32>>,
    group_subscription: BTreeSet<String>,
    next_auto_commit_at: Millis,
    /// OffsetCommits awaiting their response, with the generation each was sent under.
    commits_in_flight: BTreeMap<u64, Generation>,
    /// `close()` is waiting for this synchronous commit's reply.
    closing_commit: Option<u64>,

    next_correlation_id: u64,
    /// The state the trace last recorded for this consumer's card.
    shown_state: ConsumerState,
}

impl KafkaConsumer {
    pub fn new(
        handle: &str,
        number: usize,
        incarnation: u32,
        topics: Vec<String>,
        config: ConsumerConfig,
    ) -> Self {
        let client_id = config.effective_client_id(number);
        let protocol = config.rebalance_protocol();
        let heartbeat = Heartbeat::new(config.heartbeat_interval_ms, config.max_poll_interval_ms);
        Self {
            handle: handle.to_string(),
            number,
            incarnation,
            group_id: config.group_id.clone(),
            topics,
            client_id,
            lifecycle: Lifecycle::Running,
            app: AppThread::InPoll,
            last_poll_at: 0,
            protocol,
            member_state: MemberState::Unjoined,
            generation: Generation::none(),
            rejoin_needed: true,
            rejoin_reason: JoinReason::None,
            needs_join_prepare: true,
            join_future: JoinFuture::Idle,
            join_prepare_commit: None,
            join_prepare_commit_done: false,
            heartbeat,
            heartbeat_failure: None,
            is_leader: false,
            owned: BTreeSet::new(),
            pending_revocation: false,
            assigned_by_coordinator: None,
            last_assignment: None,
            metadata: BTreeMap::new(),
            metadata_received: false,
            next_metadata_refresh: None,
            stopped_at: None,
            assignment_snapshot: None,
            group_subscription: BTreeSet::new(),
            next_auto_commit_at: 0,
            commits_in_flight: BTreeMap::new(),
            closing_commit: None,
            next_correlation_id: 0,
            shown_state: ConsumerState::Unjoined,
            config,
        }
    }

    /// The same consumer started again as a new process (the next incarnation) with `config`. Its card
    /// still shows the old process until the new one's first step records a state.
    pub fn next_incarnation(&self, config: ConsumerConfig) -> KafkaConsumer {
        let mut fresh = KafkaConsumer::new(
            &self.handle,
            self.number,
            self.incarnation + 1,
            self.topics.clone(),
            config,
        );
        fresh.shown_state = self.shown_state.clone();
        fresh
    }

    pub fn endpoint(&self) -> Endpoint {
        Endpoint::Consumer {
            handle: self.handle.clone(),
            incarnation: self.incarnation,
        }
    }

    pub fn is_running(&self) -> bool {
        self.lifecycle == Lifecycle::Running
    }

    /// The generation of the last assignment this consumer applied (from its SyncGroup response).
    pub fn last_assignment_generation(&self) -> Option<i32> {
        self.last_assignment
            .as_ref()
            .map(|(_, generation)| *generation)
    }

    pub fn is_static(&self) -> bool {
        self.config.group_instance_id.is_some()
    }

    /// Has a join still to do or to finish: a rejoin requested (e.g. after a cooperative revocation), a
    /// Join/Sync in flight, or a SyncGroup answer not yet applied by `poll()` (`rejoinNeededOrPending`).
    pub fn has_pending_join(&self) -> bool {
        self.rejoin_needed_or_pending()
    }

    /// The state shown on the consumer's card.
    pub fn display_state(&self) -> ConsumerState {
        match &self.lifecycle {
            Lifecycle::Dead => return ConsumerState::Dead,
            Lifecycle::Closed => return ConsumerState::Closed,
            Lifecycle::Failed {
                error,
                fenced: true,
            } => return ConsumerState::Fenced(error.clone()),
            Lifecycle::Failed { error, .. } => return ConsumerState::Failed(error.clone()),
            Lifecycle::Running => {}
        }
        if self.is_closing() {
            return ConsumerState::Closing;
        }
        if matches!(self.app, AppThread::Stalled { .. }) {
            return ConsumerState::Stalled;
        }
        match self.member_state {
            MemberState::Unjoined => ConsumerState::Unjoined,
            MemberState::PreparingRebalance if self.owned.is_empty() => ConsumerState::Joining,
            MemberState::PreparingRebalance => ConsumerState::Rejoining,
            MemberState::CompletingRebalance => ConsumerState::Syncing,
            MemberState::Stable if matches!(self.join_future, JoinFuture::Done(_)) => {
                ConsumerState::Syncing
            }
            MemberState::Stable if self.rejoin_needed => ConsumerState::Rejoining,
            MemberState::Stable => ConsumerState::Stable,
        }
    }

    /// When the poll timer would expire (`max.poll.interval.ms` after the last poll); `None` while in `poll()`.
    pub fn poll_deadline(&self) -> Option<Millis> {
        match self.app {
            AppThread::InPoll => None,
            _ => Some(self.heartbeat.poll_deadline(self.last_poll_at)),
        }
    }

    /// The time of the last `poll()`: now, if the application is inside `poll()`.
    pub fn last_poll(&self, now: Millis) -> Millis {
        match self.app {
            AppThread::InPoll => now,
            _ => self.last_poll_at,
        }
    }

    // -----------------------------------------------------------------------------------------
    // Lifecycle: start, close, kill, stall
    // -----------------------------------------------------------------------------------------

    /// `new KafkaConsumer(...)`, `subscribe(topics)` and the first `poll()`.
    pub fn start(&mut self, now: Millis, out: &mut CoOut) {
        out.record(TraceEvent::ConsumerStarted {
            consumer: self.handle.clone(),
            group: self.group_id.clone(),
            topics: self.topics.clone(),
            incarnation: self.incarnation,
            client_id: self.client_id.clone(),
            group_instance_id: self.config.group_instance_id.clone(),
        });
        self.request_metadata(out);
        self.next_auto_commit_at = now.saturating_add(self.config.auto_commit_interval_ms);
        self.last_poll_at = now;
        self.poll_pass(now, out);
    }

    /// `close()`, step one: `maybeAutoCommitOffsetsSync` sends the commit and the application waits for
    /// its reply; the consumer stops polling but is not closed yet (its card shows it closing). With
    /// nothing to commit it finishes at once.
    pub fn close(&mut self, now: Millis, out: &mut CoOut) {
        if !self.is_running() || self.is_closing() {
            return;
        }
        // The application thread is inside close() now: no more poll() passes.
        out.cancel_timer(TimerKey::Consumer(ConsumerTimer::AppThread));
        self.app = AppThread::InPoll;
        self.last_poll_at = now;
        if self.config.enable_auto_commit
            && self.member_state == MemberState::Stable
            && !self.owned.is_empty()
        {
            let id = self.send_offset_commit(out);
            self.closing_commit = Some(id);
            return;
        }
        self.finish_close(now, out);
    }

    /// Whether `close()` is waiting for its synchronous commit.
    pub fn is_closing(&self) -> bool {
        self.closing_commit.is_some()
    }

    /// `close()`, step two, once the commit is answered (whatever its error: Kafka logs a failed
    /// close-time auto-commit and carries on): `onLeavePrepare` gives up the partitions through the
    /// listener, then a dynamic member sends LeaveGroup.
    fn finish_close(&mut self, now: Millis, out: &mut CoOut) {
        self.closing_commit = None;
        self.heartbeat.disable();
        if !self.owned.is_empty() {
            let kind = if self.generation.is_reset()
                || matches!(
                    self.member_state,
                    MemberState::PreparingRebalance | MemberState::CompletingRebalance
                ) {
                CallbackKind::Lost
            } else {
                CallbackKind::Revoked
            };
            let dropped: Vec<_> = self.owned.iter().cloned().collect();
            self.callback(kind, dropped, out);
            self.set_owned(BTreeSet::new(), out);
        }
        self.maybe_leave_group(LeaveReason::ConsumerClosed, out);
        self.lifecycle = Lifecycle::Closed;
        self.stopped_at = Some(now);
    }

    /// `kill -9`: the process vanishes without a word; its partitions are no longer consumed.
    pub fn kill(&mut self, now: Millis, out: &mut CoOut) {
        if !self.is_running() {
            return;
        }
        self.lifecycle = Lifecycle::Dead;
        self.stopped_at = Some(now);
        self.heartbeat.disable();
        if !self.owned.is_empty() {
            self.owned.clear();
            out.record(TraceEvent::OwnershipChanged {
                consumer: self.handle.clone(),
                group: self.group_id.clone(),
                owned: Vec::new(),
            });
        }
    }

    /// The application gets stuck in user code for `ms` (a slow batch, a GC pause, a blocked call).
    pub fn stall(&mut self, now: Millis, ms: Millis, out: &mut CoOut) {
        if !self.is_running() || self.is_closing() {
            return;
        }
        if self.app == AppThread::InPoll {
            self.last_poll_at = now;
        }
        let until = now.saturating_add(ms);
        self.app = AppThread::Stalled { until };
        out.record(TraceEvent::StallStarted {
            consumer: self.handle.clone(),
            until,
        });
        self.schedule_app(until, out);
        self.schedule_poll_timer_check(until, out);
    }

    /// Simulation knobs may change while the consumer runs.
    pub fn set_simulation_knob(
        &mut self,
        name: &str,
        value: &str,
    ) -> Result<(), super::config::ConfigError> {
        let mut next = self.config.clone();
        next.set(name, value)?;
        self.config = next;
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Events
    // -----------------------------------------------------------------------------------------

    pub fn on_timer(&mut self, now: Millis, timer: ConsumerTimer, out: &mut CoOut) {
        if !self.is_running() {
            return;
        }
        match timer {
            ConsumerTimer::AppThread => {
                self.app = AppThread::InPoll;
                self.poll_pass(now, out);
            }
            ConsumerTimer::HeartbeatThread => self.heartbeat_thread_run(now, out),
            ConsumerTimer::MetadataRefresh => self.request_metadata(out),
        }
    }

    pub fn on_response(
        &mut self,
        now: Millis,
        correlation_id: u64,
        response: Response,
        out: &mut CoOut,
    ) {
        if !self.is_running() {
            return;
        }
        match response {
            Response::JoinGroup(r) => {
                if self.join_future == (JoinFuture::AwaitingJoin { correlation_id }) {
                    self.join_future = JoinFuture::JoinResponseReady(r);
                    self.wake_app_if_in_poll(now, out);
                }
            }
            Response::SyncGroup(r) => {
                if self.join_future == (JoinFuture::AwaitingSync { correlation_id }) {
                    self.handle_sync_response(r);
                    self.wake_app_if_in_poll(now, out);
                }
            }
            Response::Heartbeat(r) => self.handle_heartbeat_response(now, correlation_id, r, out),
            Response::OffsetCommit(r) => {
                self.handle_offset_commit_response(now, correlation_id, r, out)
            }
            Response::Metadata(r) => self.handle_metadata_response(now, r, out),
            Response::LeaveGroup(_) => {}
        }
    }

    fn wake_app_if_in_poll(&mut self, now: Millis, out: &mut CoOut) {
        if self.app == AppThread::InPoll {
            self.poll_pass(now, out);
        }
    }

    // -----------------------------------------------------------------------------------------
    // The application thread: one pass of poll()
    // -----------------------------------------------------------------------------------------

    fn poll_pass(&mut self, now: Millis, out: &mut CoOut) {
        if !self.is_running() || self.is_closing() {
            return;
        }
        self.last_poll_at = now;
        // `pollHeartbeat`: a failure the heartbeat thread caught escapes this poll().
        if let Some(error) = self.heartbeat_failure.take() {
            self.fail(error, out);
            return;
        }
        self.maybe_request_rejoin_on_metadata_change();
        if self.rejoin_needed_or_pending() {
            self.join_group_if_needed(now, out);
            if !self.is_running() {
                return;
            }
        }
        self.maybe_auto_commit(now, out);

        // Fetch: records come back for owned partitions (the log is not modelled yet: there always are some).
        let has_records = !self.owned.is_empty() && !self.pending_revocation;
        if has_records || self.config.poll_timeout_ms == 0 {
            let until = now.saturating_add(self.config.processing_time_ms.max(1));
            self.app = AppThread::Processing { until };
            self.schedule_app(until, out);
            self.schedule_poll_timer_check(until, out);
        } else {
            self.app = AppThread::InPoll;
        }
    }

    /// `rejoinNeededOrPending`.
    fn rejoin_needed_or_pending(&self) -> bool {
        self.rejoin_needed || self.join_future != JoinFuture::Idle
    }

    /// The leader rejoins when the partition counts of the group's topics changed since it assigned.
    fn maybe_request_rejoin_on_metadata_change(&mut self) {
        if let Some(snapshot) = &self.assignment_snapshot {
            if *snapshot != self.metadata_snapshot(&self.group_subscription) && !self.rejoin_needed
            {
                self.request_rejoin(JoinReason::MetadataChanged);
            }
        }
    }

    fn metadata_snapshot(&self, topics: &BTreeSet<String>) -> BTreeMap<String, i32> {
        topics
            .iter()
            .filter_map(|t| self.metadata.get(t).map(|p| (t.clone(), *p)))
            .collect()
    }

    fn request_rejoin(&mut self, reason: JoinReason) {
        self.rejoin_needed = true;
        self.rejoin_reason = reason;
    }

    /// `joinGroupIfNeeded`, without blocking: it progresses as far as the responses received allow.
    fn join_group_if_needed(&mut self, now: Millis, out: &mut CoOut) {
        // Each turn either finishes the loop or changes the join future, so this terminates; the bound
        // only guards against a model bug turning into an endless loop.
        for _ in 0..16 {
            match std::mem::replace(&mut self.join_future, JoinFuture::Idle) {
                JoinFuture::Done(Ok(assignment)) => {
                    if !self.generation.is_reset() && self.member_state == MemberState::Stable {
                        self.on_join_complete(assignment, out);
                        self.needs_join_prepare = true;
                    } else {
                        let g = &self.generation;
                        let reason = JoinReason::StateModifiedByHeartbeatThread(format!(
                            "Generation{{generationId={}, memberId='{}', protocol='{}'}}/{}",
                            g.generation_id,
                            g.member_id,
                            g.protocol_name.as_deref().unwrap_or("null"),
                            self.member_state.java_name()
                        ));
                        self.reset_state_and_rejoin(reason, true);
                    }
                }
                JoinFuture::Done(Err(error)) => {
                    if error != Errors::MemberIdRequired {
                        self.request_rejoin(JoinReason::RebalanceFailed(error));
                    }
                    match error {
                        Errors::UnknownMemberId
                        | Errors::IllegalGeneration
                        | Errors::RebalanceInProgress
                        | Errors::MemberIdRequired => {}
                        Errors::CoordinatorNotAvailable => {
                            let at = now.saturating_add(self.config.retry_backoff_ms.max(1));
                            self.app = AppThread::Processing { until: at };
                            self.schedule_app(at, out);
                            return;
                        }
                        fatal => {
                            self.fail(fatal, out);
                            return;
                        }
                    }
                }
                JoinFuture::JoinResponseReady(response) => {
                    self.handle_join_response(now, response, out);
                    if !self.is_running() {
                        return;
                    }
                    continue;
                }
                waiting @ (JoinFuture::AwaitingJoin { .. } | JoinFuture::AwaitingSync { .. }) => {
                    self.join_future = waiting;
                    return;
                }
                JoinFuture::Idle => {
                    if !self.rejoin_needed {
                        return;
                    }
                    if self.needs_join_prepare {
                        if !self.on_join_prepare(out) {
                            return; // waiting for the auto-commit
                        }
                        self.needs_join_prepare = false;
                    }
                    self.send_join_group(out);
                    return;
                }
            }
            if !self.rejoin_needed_or_pending() {
                return;
            }
        }
    }

    /// `onJoinPrepare`: commit, then give up partitions as the rebalance protocol requires.
    fn on_join_prepare(&mut self, out: &mut CoOut) -> bool {
        if self.join_prepare_commit.is_some() {
            return false;
        }
        if self.config.enable_auto_commit
            && !self.join_prepare_commit_done
            && self.member_state == MemberState::Stable
            && !self.owned.is_empty()
        {
            self.pending_revocation = self.protocol == RebalanceProtocol::Eager;
            let id = self.send_offset_commit(out);
            self.join_prepare_commit = Some(id);
            return false;
        }
        self.join_prepare_commit_done = false;
        self.pending_revocation = false;

        let owned: Vec<TopicPartition> = self.owned.iter().cloned().collect();
        if self.generation.is_reset() {
            if !owned.is_empty() {
                self.callback(CallbackKind::Lost, owned, out);
                self.set_owned(BTreeSet::new(), out);
            }
        } else {
            match self.protocol {
                RebalanceProtocol::Eager => {
                    self.callback(CallbackKind::Revoked, owned, out);
                    self.set_owned(BTreeSet::new(), out);
                }
                RebalanceProtocol::Cooperative => {
                    let unsubscribed: Vec<TopicPartition> = owned
                        .into_iter()
                        .filter(|tp| !self.topics.contains(&tp.topic))
                        .collect();
                    if !unsubscribed.is_empty() {
                        let keep: BTreeSet<_> = self
                            .owned
                            .iter()
                            .filter(|tp| !unsubscribed.contains(tp))
                            .cloned()
                            .collect();
                        self.callback(CallbackKind::Revoked, unsubscribed, out);
                        self.set_owned(keep, out);
                    }
                }
            }
        }
        self.is_leader = false;
        true
    }

    /// `initiateJoinGroup` → `sendJoinGroupRequest`.
    fn send_join_group(&mut self, out: &mut CoOut) {
        self.member_state = MemberState::PreparingRebalance;
        self.heartbeat.disable();
        let metadata = |name: AssignorName| ConsumerProtocolSubscription {
            topics: self.topics.clone(),
            owned_partitions: self.owned.iter().cloned().collect(),
            generation_id: self.generation.generation_id,
            rack_id: self.config.client_rack.clone(),
            sticky_user_data: if name == AssignorName::Sticky {
                self.last_assignment.clone()
            } else {
                None
            },
        };
        let protocols = self
            .config
            .partition_assignment_strategy
            .iter()
            .map(|&a| JoinGroupRequestProtocol {
                name: a.protocol_name().to_string(),
                metadata: metadata(a),
            })
            .collect();
        let request = JoinGroupRequest {
            group_id: self.group_id.clone(),
            session_timeout_ms: self.config.session_timeout_ms,
            rebalance_timeout_ms: self.config.max_poll_interval_ms,
            member_id: self.generation.member_id.clone(),
            group_instance_id: self.config.group_instance_id.clone(),
            protocol_type: "consumer".to_string(),
            protocols,
            reason: self.rejoin_reason.clone(),
            client_id: self.client_id.clone(),
        };
        let id = self.send(Request::JoinGroup(request), out);
        self.join_future = JoinFuture::AwaitingJoin { correlation_id: id };
    }

    /// `JoinGroupResponseHandler`, run by the application thread inside `poll()`.
    fn handle_join_response(&mut self, now: Millis, r: JoinGroupResponse, out: &mut CoOut) {
        match r.error_code {
            Errors::None => {
                if self.member_state != MemberState::PreparingRebalance {
                    self.join_future = JoinFuture::Done(Err(Errors::RebalanceInProgress));
                    return;
                }
                self.member_state = MemberState::CompletingRebalance;
                self.heartbeat.enable(now);
                self.schedule_heartbeat_thread(self.heartbeat.next_heartbeat_at, out);
                self.generation = Generation {
                    generation_id: r.generation_id,
                    member_id: r.member_id.clone(),
                    protocol_name: r.protocol_name.clone(),
                };
                let assignments = if r.leader == r.member_id {
                    match self.on_leader_elected(&r, out) {
                        Ok(a) => a,
                        Err(message) => {
                            self.fail_with(message, false, out);
                            return;
                        }
                    }
                } else {
                    Vec::new()
                };
                let request = SyncGroupRequest {
                    group_id: self.group_id.clone(),
                    generation_id: self.generation.generation_id,
                    member_id: self.generation.member_id.clone(),
                    group_instance_id: self.config.group_instance_id.clone(),
                    protocol_name: self.generation.protocol_name.clone(),
                    assignments,
                };
                let id = self.send(Request::SyncGroup(request), out);
                self.join_future = JoinFuture::AwaitingSync { correlation_id: id };
            }
            Errors::MemberIdRequired => {
                self.generation = Generation {
                    generation_id: Generation::NO_GENERATION_ID,
                    member_id: r.member_id.clone(),
                    protocol_name: None,
                };
                self.request_rejoin(JoinReason::MemberIdRequired(r.member_id.clone()));
                self.join_future = JoinFuture::Done(Err(Errors::MemberIdRequired));
            }
            Errors::UnknownMemberId => {
                self.reset_on_response_error(Errors::UnknownMemberId, ApiKey::JoinGroup, true);
                self.join_future = JoinFuture::Done(Err(Errors::UnknownMemberId));
            }
            error => self.join_future = JoinFuture::Done(Err(error)),
        }
    }

    /// `onLeaderElected` → `performAssignment`: run the selected assignor over every member's subscription.
    fn on_leader_elected(
        &mut self,
        r: &JoinGroupResponse,
        out: &mut CoOut,
    ) -> Result<Vec<SyncGroupRequestAssignment>, String> {
        let protocol = r.protocol_name.clone().unwrap_or_default();
        let assignor = AssignorName::from_protocol_name(&protocol).ok_or_else(|| {
            format!("Coordinator selected invalid assignment protocol: {protocol}")
        })?;
        self.group_subscription = r
            .members
            .iter()
            .flat_map(|m| m.metadata.topics.iter().cloned())
            .collect();
        self.is_leader = true;
        self.assignment_snapshot = Some(self.metadata_snapshot(&self.group_subscription));
        if r.skip_assignment {
            // KIP-814: a static leader that was replaced keeps the group's stored assignment.
            return Ok(Vec::new());
        }
        let members = r
            .members
            .iter()
            .map(|m| {
                let (sticky_previous, generation) = match (&m.metadata.sticky_user_data, assignor) {
                    (Some((previous, generation)), AssignorName::Sticky) => {
                        (Some(previous.clone()), *generation)
                    }
                    _ => (None, m.metadata.generation_id),
                };
                Subscription {
                    member_id: m.member_id.clone(),
                    group_instance_id: m.group_instance_id.clone(),
                    topics: m.metadata.topics.clone(),
                    owned_partitions: m.metadata.owned_partitions.clone(),
                    generation,
                    rack: m.metadata.rack_id.clone(),
                    sticky_previous_assignment: sticky_previous,
                }
            })
            .collect();
        let cluster = ClusterMetadata {
            topics: self.metadata.iter().map(|(t, p)| (t.clone(), *p)).collect(),
            broker_racks: Vec::new(),
            replication_factor: 1,
        };
        let result = assign::assign(assignor, &cluster, &GroupSubscription { members })
            .map_err(|e| format!("{assignor} assignor failed: {e}"))?;
        out.record(TraceEvent::AssignmentComputed {
            group: self.group_id.clone(),
            consumer: self.handle.clone(),
            generation: r.generation_id,
            assignor: assignor.protocol_name().to_string(),
            assignment: result.clone(),
        });
        Ok(result
            .into_iter()
            .map(|(member_id, assignment)| SyncGroupRequestAssignment {
                member_id,
                assignment,
            })
            .collect())
    }

    /// `SyncGroupResponseHandler`, run by whichever thread reads the response (here: at once).
    fn handle_sync_response(&mut self, r: SyncGroupResponse) {
        self.join_future = match r.error_code {
            Errors::None => {
                if !self.generation.is_reset()
                    && self.member_state == MemberState::CompletingRebalance
                {
                    if r.protocol_name.is_some() && r.protocol_name != self.generation.protocol_name
                    {
                        JoinFuture::Done(Err(Errors::InconsistentGroupProtocol))
                    } else {
                        self.member_state = MemberState::Stable;
                        self.rejoin_reason = JoinReason::None;
                        self.rejoin_needed = false;
                        self.assigned_by_coordinator = Some(r.assignment.clone());
                        JoinFuture::Done(Ok(r.assignment))
                    }
                } else {
                    JoinFuture::Done(Err(Errors::IllegalGeneration))
                }
            }
            Errors::UnknownMemberId | Errors::IllegalGeneration => {
                let reset_member_id = r.error_code == Errors::UnknownMemberId;
                self.reset_on_response_error(r.error_code, ApiKey::SyncGroup, reset_member_id);
                JoinFuture::Done(Err(r.error_code))
            }
            error => JoinFuture::Done(Err(error)),
        };
    }

    /// `onJoinComplete`: apply the assignment and run the listener.
    fn on_join_complete(&mut self, assignment: Vec<TopicPartition>, out: &mut CoOut) {
        if !self.is_leader {
            self.assignment_snapshot = None;
        }
        let assigned: BTreeSet<TopicPartition> = assignment.into_iter().collect();
        if assigned.iter().any(|tp| !self.topics.contains(&tp.topic)) {
            self.request_rejoin(JoinReason::AssignmentMismatch);
            return;
        }
        let added: Vec<TopicPartition> = assigned.difference(&self.owned).cloned().collect();
        if self.protocol == RebalanceProtocol::Cooperative {
            let revoked: Vec<TopicPartition> = self.owned.difference(&assigned).cloned().collect();
            if !revoked.is_empty() {
                self.callback(CallbackKind::Revoked, revoked, out);
                self.request_rejoin(JoinReason::RevokedPartitions);
            }
        }
        self.last_assignment = Some((
            assigned.iter().cloned().collect(),
            self.generation.generation_id,
        ));
        self.set_owned(assigned, out);
        self.callback(CallbackKind::Assigned, added, out);
        self.next_auto_commit_at = self
            .last_poll_at
            .saturating_add(self.config.auto_commit_interval_ms);
    }

    // -----------------------------------------------------------------------------------------
    // The heartbeat thread
    // -----------------------------------------------------------------------------------------

    fn heartbeat_thread_run(&mut self, now: Millis, out: &mut CoOut) {
        if !self.heartbeat.enabled {
            return;
        }
        if matches!(
            self.member_state,
            MemberState::Unjoined | MemberState::PreparingRebalance
        ) {
            self.heartbeat.disable();
            return;
        }
        if let Some(deadline) = self.poll_deadline() {
            if now >= deadline {
                self.handle_poll_timeout_expiry(now, out);
                return;
            }
        }
        if self.heartbeat.should_heartbeat(now) {
            let request = HeartbeatRequest {
                group_id: self.group_id.clone(),
                generation_id: self.generation.generation_id,
                member_id: self.generation.member_id.clone(),
                group_instance_id: self.config.group_instance_id.clone(),
            };
            let id = self.send(Request::Heartbeat(request), out);
            self.heartbeat
                .sent_heartbeat(now, id, self.generation.generation_id);
        }
        let mut next = self.heartbeat.next_heartbeat_at;
        if let Some(deadline) = self.poll_deadline() {
            next = next.min(deadline);
        }
        self.schedule_heartbeat_thread(next, out);
    }

    fn handle_heartbeat_response(
        &mut self,
        now: Millis,
        correlation_id: u64,
        r: HeartbeatResponse,
        out: &mut CoOut,
    ) {
        let Some((expected, sent_generation)) = self.heartbeat.in_flight else {
            return;
        };
        if expected != correlation_id {
            return;
        }
        self.heartbeat.receive_heartbeat(now);
        let generation_unchanged = sent_generation == self.generation.generation_id;
        match r.error_code {
            Errors::None => {}
            // Kafka calls requestRejoin unconditionally here, overwriting any earlier reason.
            Errors::RebalanceInProgress if self.member_state == MemberState::Stable => {
                self.request_rejoin(JoinReason::GroupIsRebalancing);
                self.wake_app_if_in_poll(now, out);
            }
            Errors::IllegalGeneration | Errors::UnknownMemberId | Errors::FencedInstanceId
                if generation_unchanged =>
            {
                let reset_member_id = r.error_code != Errors::IllegalGeneration;
                self.reset_on_response_error(r.error_code, ApiKey::Heartbeat, reset_member_id);
                if r.error_code == Errors::FencedInstanceId {
                    // The heartbeat thread records the failure; the next poll() throws it.
                    self.heartbeat_failure = Some(r.error_code);
                }
                self.wake_app_if_in_poll(now, out);
            }
            // Sent under an older generation: the error is stale and ignored.
            _ => {}
        }
    }

    /// The poll timer expired: a dynamic member sends LeaveGroup; either way the generation is reset and
    /// the heartbeat thread goes quiet (a static member is then noticed only at its session timeout).
    fn handle_poll_timeout_expiry(&mut self, now: Millis, out: &mut CoOut) {
        out.record(TraceEvent::PollTimeoutExpired {
            consumer: self.handle.clone(),
            last_poll: self.last_poll_at,
        });
        self.maybe_leave_group(LeaveReason::PollTimeoutExpired, out);
        let _ = now;
    }

    /// `maybeLeaveGroup` then `resetGenerationOnLeaveGroup`.
    fn maybe_leave_group(&mut self, reason: LeaveReason, out: &mut CoOut) {
        let should_send = self.member_state != MemberState::Unjoined
            && !self.generation.member_id.is_empty()
            && !self.is_static();
        if should_send {
            let request = LeaveGroupRequest {
                group_id: self.group_id.clone(),
                members: vec![MemberIdentity {
                    member_id: self.generation.member_id.clone(),
                    group_instance_id: self.config.group_instance_id.clone(),
                    reason,
                }],
            };
            self.send(Request::LeaveGroup(request), out);
        }
        self.reset_state_and_rejoin(JoinReason::GenerationReset, true);
    }

    /// `resetStateOnResponseError`: "encountered <ERROR> from <API> response".
    fn reset_on_response_error(&mut self, error: Errors, api: ApiKey, reset_member_id: bool) {
        self.reset_state_and_rejoin(JoinReason::ResponseError { error, api }, reset_member_id);
    }

    /// `resetStateAndRejoin`.
    fn reset_state_and_rejoin(&mut self, reason: JoinReason, reset_member_id: bool) {
        self.member_state = MemberState::Unjoined;
        self.generation = if reset_member_id {
            Generation::none()
        } else {
            Generation {
                generation_id: Generation::NO_GENERATION_ID,
                member_id: self.generation.member_id.clone(),
                protocol_name: None,
            }
        };
        self.heartbeat.disable();
        self.join_future = JoinFuture::Idle;
        self.join_prepare_commit = None;
        self.join_prepare_commit_done = false;
        self.pending_revocation = false;
        self.request_rejoin(reason);
        self.needs_join_prepare = true;
    }

    // -----------------------------------------------------------------------------------------
    // Commits and metadata
    // -----------------------------------------------------------------------------------------

    fn maybe_auto_commit(&mut self, now: Millis, out: &mut CoOut) {
        if !self.config.enable_auto_commit || now < self.next_auto_commit_at {
            return;
        }
        self.next_auto_commit_at = now.saturating_add(self.config.auto_commit_interval_ms);
        if self.member_state == MemberState::Stable
            && !self.owned.is_empty()
            && !self.rejoin_needed_or_pending()
        {
            self.send_offset_commit(out);
        }
    }

    fn send_offset_commit(&mut self, out: &mut CoOut) -> u64 {
        let sent_generation = self.generation.clone();
        let request = OffsetCommitRequest {
            group_id: self.group_id.clone(),
            generation_id: self.generation.generation_id,
            member_id: self.generation.member_id.clone(),
            group_instance_id: self.config.group_instance_id.clone(),
            partitions: self.owned.iter().cloned().collect(),
        };
        let id = self.send(Request::OffsetCommit(request), out);
        self.commits_in_flight.insert(id, sent_generation);
        id
    }

    fn handle_offset_commit_response(
        &mut self,
        now: Millis,
        correlation_id: u64,
        r: OffsetCommitResponse,
        out: &mut CoOut,
    ) {
        let sent_generation = self.commits_in_flight.remove(&correlation_id);
        // Read before the error handling: resetting the state clears `join_prepare_commit`, and the
        // application waiting for this commit must still be woken.
        let for_join_prepare = self.join_prepare_commit == Some(correlation_id);
        if r.error_code != Errors::None {
            out.record(TraceEvent::CommitFailed {
                consumer: self.handle.clone(),
                error: r.error_code.name().to_string(),
            });
            // ConsumerCoordinator.OffsetCommitResponseHandler.
            match r.error_code {
                Errors::RebalanceInProgress => {
                    self.request_rejoin(JoinReason::CommitRebalanceInProgress)
                }
                Errors::UnknownMemberId | Errors::IllegalGeneration => {
                    let generation_unchanged = sent_generation.as_ref() == Some(&self.generation);
                    // A stale generation while already rejoining: only RebalanceInProgressException.
                    if generation_unchanged || self.member_state != MemberState::PreparingRebalance
                    {
                        let reset_member_id = r.error_code != Errors::IllegalGeneration;
                        self.reset_on_response_error(
                            r.error_code,
                            ApiKey::OffsetCommit,
                            reset_member_id,
                        );
                    }
                }
                _ => {}
            }
        }
        if for_join_prepare {
            self.join_prepare_commit = None;
            self.join_prepare_commit_done = true;
            self.wake_app_if_in_poll(now, out);
        }
        if self.closing_commit == Some(correlation_id) {
            self.finish_close(now, out);
        }
    }

    fn request_metadata(&mut self, out: &mut CoOut) {
        // An empty topic list asks for every topic, so the leader can see its followers' topics too.
        self.send(
            Request::Metadata(MetadataRequest { topics: Vec::new() }),
            out,
        );
    }

    fn handle_metadata_response(&mut self, now: Millis, r: MetadataResponse, out: &mut CoOut) {
        self.metadata = r.topics.into_iter().collect();
        self.metadata_received = true;
        let refresh_at = now.saturating_add(self.config.metadata_max_age_ms);
        self.next_metadata_refresh = Some(refresh_at);
        out.set_timer(refresh_at, Timer::Consumer(ConsumerTimer::MetadataRefresh));
        self.wake_app_if_in_poll(now, out);
    }

    // -----------------------------------------------------------------------------------------
    // Helpers
    // -----------------------------------------------------------------------------------------

    fn send(&mut self, request: Request, out: &mut CoOut) -> u64 {
        self.next_correlation_id += 1;
        let id = self.next_correlation_id;
        out.send(
            Endpoint::Broker,
            Message::Request {
                correlation_id: id,
                body: request,
            },
        );
        id
    }

    fn schedule_app(&mut self, at: Millis, out: &mut CoOut) {
        out.set_timer(at, Timer::Consumer(ConsumerTimer::AppThread));
    }

    fn schedule_heartbeat_thread(&mut self, at: Millis, out: &mut CoOut) {
        out.set_timer(at, Timer::Consumer(ConsumerTimer::HeartbeatThread));
    }

    /// If the application will be away from `poll()` past the poll deadline, wake the heartbeat thread then.
    fn schedule_poll_timer_check(&mut self, busy_until: Millis, out: &mut CoOut) {
        let deadline = self.heartbeat.poll_deadline(self.last_poll_at);
        if self.heartbeat.enabled
            && busy_until > deadline
            && deadline < self.heartbeat.next_heartbeat_at
        {
            self.schedule_heartbeat_thread(deadline, out);
        }
    }

    fn callback(&mut self, kind: CallbackKind, partitions: Vec<TopicPartition>, out: &mut CoOut) {
        out.record(TraceEvent::Callback {
            consumer: self.handle.clone(),
            group: self.group_id.clone(),
            kind,
            partitions,
            generation: self.generation.generation_id,
        });
    }

    fn set_owned(&mut self, owned: BTreeSet<TopicPartition>, out: &mut CoOut) {
        if owned != self.owned {
            self.owned = owned;
            out.record(TraceEvent::OwnershipChanged {
                consumer: self.handle.clone(),
                group: self.group_id.clone(),
                owned: self.owned.iter().cloned().collect(),
            });
        }
    }

    fn fail(&mut self, error: Errors, out: &mut CoOut) {
        let fenced = error == Errors::FencedInstanceId;
        self.fail_with(
            format!("{}: {}", error.name(), error.message()),
            fenced,
            out,
        );
    }

    /// A fatal error escapes `poll()`: the application stops; its partitions are no longer consumed.
    fn fail_with(&mut self, error: String, fenced: bool, out: &mut CoOut) {
        self.lifecycle = Lifecycle::Failed { error, fenced };
        self.heartbeat.disable();
        self.join_future = JoinFuture::Idle;
        self.set_owned(BTreeSet::new(), out);
    }
}

impl Actor for KafkaConsumer {
    fn on_message(&mut self, _from: Endpoint, message: Message, ctx: &mut Ctx) {
        // A consumer only ever receives responses to its own requests.
        if let Message::Response {
            correlation_id,
            body,
        } = message
        {
            self.on_response(ctx.now, correlation_id, body, &mut ctx.out);
        }
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx) {
        if let Timer::Consumer(timer) = timer {
            KafkaConsumer::on_timer(self, ctx.now, timer, &mut ctx.out);
        }
    }

    fn is_running(&self) -> bool {
        KafkaConsumer::is_running(self)
    }

    /// The card's state, recorded whenever a step changed it.
    fn after_step(&mut self, ctx: &mut Ctx) {
        let state = self.display_state();
        if state != self.shown_state {
            self.shown_state = state.clone();
            ctx.out.record(TraceEvent::ConsumerStateChanged {
                consumer: self.handle.clone(),
                state,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let mut c = KafkaConsumer::new("c1", 1, 0, vec!["orders".into()], config);
        c.metadata = BTreeMap::from([("orders".to_string(), 1)]);
        c.metadata_received = true;
        c.member_state = MemberState::Stable;
        c.generation = Generation {
            generation_id: 5,
            member_id: "m-1".into(),
            protocol_name: Some("range".into()),
        };
        c.rejoin_needed = false;
        c.owned = BTreeSet::from([tp(0)]);
        c.app = AppThread::Processing { until: 1_000 };
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
        assert_eq!(c.rejoin_reason, JoinReason::GroupIsRebalancing);
        assert_eq!(c.rejoin_reason.to_string(), "group is already rebalancing");
    }

    #[test]
    fn heartbeat_fenced_instance_id_from_a_stale_generation_is_ignored() {
        let mut c = stable_consumer(Some("i-1"));
        heartbeat_response(&mut c, 4, Errors::FencedInstanceId);
        assert_eq!(c.lifecycle, Lifecycle::Running);
        assert_eq!(c.member_state, MemberState::Stable);
        assert_eq!(c.generation.generation_id, 5);
    }

    #[test]
    fn heartbeat_fenced_instance_id_resets_state_and_fails_the_next_poll() {
        let mut c = stable_consumer(Some("i-1"));
        heartbeat_response(&mut c, 5, Errors::FencedInstanceId);
        // The heartbeat thread only resets the state; the application is still working on its records.
        assert_eq!(c.lifecycle, Lifecycle::Running);
        assert_eq!(c.member_state, MemberState::Unjoined);
        assert_eq!(c.generation, Generation::none());
        assert_eq!(
            c.rejoin_reason.to_string(),
            "encountered FENCED_INSTANCE_ID from HEARTBEAT response"
        );
        // The next poll() throws FencedInstanceIdException.
        let mut out = CoOut::default();
        c.on_timer(1_000, ConsumerTimer::AppThread, &mut out);
        assert!(matches!(
            c.lifecycle,
            Lifecycle::Failed { fenced: true, .. }
        ));
        assert!(sent_requests(&out).is_empty());
    }

    #[test]
    fn heartbeat_illegal_generation_names_the_api_in_the_reason() {
        let mut c = stable_consumer(None);
        heartbeat_response(&mut c, 5, Errors::IllegalGeneration);
        assert_eq!(
            c.rejoin_reason.to_string(),
            "encountered ILLEGAL_GENERATION from HEARTBEAT response"
        );
        assert_eq!(
            c.generation.member_id, "m-1",
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
        assert!(c.rejoin_needed);
        assert_eq!(
            c.rejoin_reason.to_string(),
            "offset commit failed since group is already rebalancing"
        );
        assert_eq!(c.member_state, MemberState::Stable);
        assert_eq!(c.generation.generation_id, 5);
    }

    #[test]
    fn offset_commit_error_for_a_stale_generation_while_rejoining_does_not_reset() {
        let mut c = stable_consumer(None);
        let id = c.send_offset_commit(&mut CoOut::default());
        c.generation.generation_id = 6;
        c.member_state = MemberState::PreparingRebalance;
        commit_response(&mut c, id, Errors::IllegalGeneration);
        assert_eq!(c.member_state, MemberState::PreparingRebalance);
        assert_eq!(c.generation.generation_id, 6);
    }

    #[test]
    fn offset_commit_unknown_member_id_resets_with_kafkas_reason() {
        let mut c = stable_consumer(None);
        let id = c.send_offset_commit(&mut CoOut::default());
        commit_response(&mut c, id, Errors::UnknownMemberId);
        assert_eq!(c.member_state, MemberState::Unjoined);
        assert_eq!(c.generation, Generation::none());
        assert_eq!(
            c.rejoin_reason.to_string(),
            "encountered UNKNOWN_MEMBER_ID from OFFSET_COMMIT response"
        );
    }

    #[test]
    fn a_failed_join_prepare_commit_still_wakes_the_application() {
        let mut c = stable_consumer(None);
        c.app = AppThread::InPoll;
        c.request_rejoin(JoinReason::GroupIsRebalancing);
        let mut out = CoOut::default();
        c.poll_pass(100, &mut out);
        let Some(id) = c.join_prepare_commit else {
            panic!("onJoinPrepare commits first: {:?}", sent_requests(&out));
        };
        let out = commit_response(&mut c, id, Errors::IllegalGeneration);
        // Woken: the reset generation makes onJoinPrepare report the partitions lost, then it rejoins.
        assert!(c.owned.is_empty());
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
        let id = c.closing_commit.unwrap();
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
        let id = c.closing_commit.unwrap();
        c.kill(101, &mut CoOut::default());
        let out = commit_response(&mut c, id, Errors::None);
        assert_eq!(c.lifecycle, Lifecycle::Dead);
        assert!(out.emitted.is_empty());
    }
}
