//! The consumer: a `KafkaConsumer` of the classic protocol, split along Kafka's client classes, each
//! part with its own state:
//! * [`app_thread`] — the application thread and its poll loop;
//! * [`membership`] — join, sync, leave and rejoin (`AbstractCoordinator`);
//! * [`rebalance`] — join-prepare, the leader's assignment, listener callbacks, owned partitions
//!   (`ConsumerCoordinator`);
//! * [`heartbeat`] — the background heartbeat thread and the poll timer (KIP-62);
//! * [`commits`] — auto-commit and OffsetCommit answers;
//! * [`metadata`] — the cluster metadata and its refresh;
//! * [`lifecycle`] — start, `close()`, a kill, a fatal error;
//! * [`light_lock`] — one thread per consumer (`acquire()`).
//!
//! This file holds the consumer itself, its card's state and the way it meets the World: messages
//! and timers arrive through its [`Actor`] implementation.

pub mod app_thread;
pub mod commits;
pub mod consumer_protocol;
pub mod deserialization;
pub mod fetcher;
pub mod heartbeat;
pub mod lifecycle;
pub mod light_lock;
pub mod manual_commit;
pub mod membership;
pub mod metadata;
pub mod partition_states;
pub mod rebalance;

pub use app_thread::{Activity, ApplicationThread};
pub use commits::Commits;
pub use consumer_protocol::ConsumerMembershipManager;
pub use deserialization::{RecordDeserializationFailure, SeekPastRefusal};
pub use fetcher::{FetchState, Fetcher};
pub use heartbeat::Heartbeat;
pub use lifecycle::Lifecycle;
pub use membership::{Generation, JoinFuture, MemberState, Membership};
pub use metadata::Metadata;
pub use rebalance::{ConsumerCoordinator, JoinPrepareCommit};

use super::actor::{Actor, Ctx, Out};
use super::assign::{RebalanceProtocol, TopicPartition};
use super::config::{ConfigError, ConsumerConfig};
use super::protocol::*;
use super::time::Millis;
use super::timer::{ConsumerTimer, Timer};
use super::trace::TraceEvent;
use super::vocab::{ConsumerState, Endpoint, Handle};
use std::collections::{BTreeMap, BTreeSet};

pub type CoOut = Out;

#[derive(Clone, Debug)]
pub struct KafkaConsumer {
    pub handle: String,
    pub incarnation: u32,
    pub group_id: String,
    pub topics: Vec<String>,
    pub config: ConsumerConfig,
    pub client_id: String,
    pub protocol: RebalanceProtocol,
    pub lifecycle: Lifecycle,
    /// When the process was closed or killed: the card tells how long the coordinator has not noticed.
    pub stopped_at: Option<Millis>,
    pub app: ApplicationThread,
    pub membership: Membership,
    pub coordinator: ConsumerCoordinator,
    pub heartbeat: Heartbeat,
    pub commits: Commits,
    pub metadata: Metadata,
    /// `group.protocol=consumer`: the KIP-848 member (`ConsumerMembershipManager`); `None` for a
    /// classic consumer.
    pub kip848: Option<ConsumerMembershipManager>,
    pub fetcher: Fetcher,
    next_correlation_id: u64,
    /// The state the trace last recorded for this consumer's card.
    shown_state: ConsumerState,
    /// `handle` and `group_id`, shared, for the trace's `RecordsProcessed` entries: one per batch
    /// processed, and copying a shared name copies a pointer.
    batch_names: (Handle, Handle),
}

impl KafkaConsumer {
    pub fn new(
        handle: &str,
        incarnation: u32,
        topics: Vec<String>,
        config: ConsumerConfig,
    ) -> Self {
        Self {
            handle: handle.to_string(),
            incarnation,
            group_id: config.group_id.clone(),
            topics,
            client_id: config.effective_client_id(),
            protocol: config.rebalance_protocol(),
            lifecycle: Lifecycle::Running,
            stopped_at: None,
            app: ApplicationThread::default(),
            membership: Membership::default(),
            coordinator: ConsumerCoordinator::default(),
            heartbeat: Heartbeat::new(config.heartbeat_interval_ms, config.max_poll_interval_ms),
            commits: Commits::default(),
            metadata: Metadata::default(),
            kip848: config
                .is_consumer_protocol()
                .then(ConsumerMembershipManager::new),
            fetcher: Fetcher::default(),
            next_correlation_id: 0,
            shown_state: ConsumerState::Unjoined,
            batch_names: (Handle::from(handle), Handle::from(&config.group_id)),
            config,
        }
    }

    /// The same consumer started again as a new process (the next incarnation) with `config`. Its card
    /// still shows the old process until the new one's first step records a state.
    pub fn next_incarnation(&self, config: ConsumerConfig) -> KafkaConsumer {
        let mut fresh = KafkaConsumer::new(
            &self.handle,
            self.incarnation + 1,
            self.topics.clone(),
            config,
        );
        fresh.shown_state = self.shown_state.clone();
        fresh.fetcher.enabled = self.fetcher.enabled;
        fresh
    }

    pub fn endpoint(&self) -> Endpoint {
        Endpoint::Consumer {
            handle: self.handle.as_str().into(),
            incarnation: self.incarnation,
        }
    }

    /// The generation of the last assignment this consumer applied (from its SyncGroup response).
    pub fn last_assignment_generation(&self) -> Option<i32> {
        self.coordinator
            .last_assignment
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
            Lifecycle::Fenced { error } => return ConsumerState::Fenced(error.clone()),
            Lifecycle::Failed { error } => return ConsumerState::Failed(error.clone()),
            Lifecycle::Hung { error } => return ConsumerState::Hung(error.clone()),
            Lifecycle::Closing { .. } => return ConsumerState::Closing,
            Lifecycle::Running => {}
        }
        if matches!(self.app.activity, Activity::Stalled { .. }) {
            return ConsumerState::Stalled;
        }
        if let Some(manager) = &self.kip848 {
            return manager.display_state(&self.coordinator.owned);
        }
        match self.membership.state {
            MemberState::Unjoined => ConsumerState::Unjoined,
            MemberState::PreparingRebalance if self.coordinator.owned.is_empty() => {
                ConsumerState::Joining
            }
            MemberState::PreparingRebalance => ConsumerState::Rejoining,
            MemberState::CompletingRebalance => ConsumerState::Syncing,
            MemberState::Stable if matches!(self.membership.join_future, JoinFuture::Done(_)) => {
                ConsumerState::Syncing
            }
            MemberState::Stable if self.membership.rejoin_needed => ConsumerState::Rejoining,
            MemberState::Stable => ConsumerState::Stable,
        }
    }

    /// Simulation knobs may change while the consumer runs.
    pub fn set_simulation_knob(&mut self, name: &str, value: &str) -> Result<(), ConfigError> {
        let mut next = self.config.clone();
        next.set(name, value)?;
        self.config = next;
        Ok(())
    }

    /// One of the client's threads wakes up on its own.
    pub fn on_timer(&mut self, now: Millis, timer: ConsumerTimer, out: &mut CoOut) {
        match timer {
            ConsumerTimer::AppThread => {
                if self.finish_batch(out) && self.commit_after_batch(out) {
                    return;
                }
                self.app.activity = Activity::InPoll;
                self.poll_pass(now, out);
            }
            ConsumerTimer::HeartbeatThread => self.heartbeat_thread_run(now, out),
            ConsumerTimer::MetadataRefresh => self.request_metadata(out),
            ConsumerTimer::CommitRetry => self.kip848_retry_commit_before_reconciliation(out),
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
                if let JoinFuture::AwaitingJoin {
                    correlation_id: expected,
                    sent,
                } = &self.membership.join_future
                {
                    if *expected == correlation_id {
                        let sent = sent.clone();
                        self.membership.join_future =
                            JoinFuture::JoinResponseReady { response: *r, sent };
                        self.wake_app_if_in_poll(now, out);
                    }
                }
            }
            Response::SyncGroup(r) => {
                if let JoinFuture::AwaitingSync {
                    correlation_id: expected,
                    sent,
                } = &self.membership.join_future
                {
                    if *expected == correlation_id {
                        let sent = sent.clone();
                        self.handle_sync_response(*r, &sent);
                        self.wake_app_if_in_poll(now, out);
                    }
                }
            }
            Response::Heartbeat(r) => self.handle_heartbeat_response(now, correlation_id, r, out),
            Response::OffsetCommit(r) if self.kip848.is_some() => {
                self.kip848_offset_commit_answered(now, correlation_id, r.error_code, out)
            }
            Response::OffsetCommit(r) => {
                self.handle_offset_commit_response(now, correlation_id, r, out)
            }
            Response::ConsumerGroupHeartbeat(r) => {
                self.kip848_on_heartbeat_response(now, correlation_id, *r, out)
            }
            Response::Metadata(r) => self.handle_metadata_response(now, r, out),
            Response::Fetch(r) => self.handle_fetch_response(now, correlation_id, r, out),
            Response::OffsetFetch(r) => {
                self.handle_offset_fetch_response(now, correlation_id, r, out)
            }
            Response::ListOffsets(r) => {
                self.handle_list_offsets_response(now, correlation_id, r, out)
            }
            Response::LeaveGroup(_) | Response::Produce(_) => {}
        }
    }

    pub(super) fn send(&mut self, request: Request, out: &mut CoOut) -> u64 {
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

    // -----------------------------------------------------------------------------------------
    // What the snapshot and the invariant checker read
    // -----------------------------------------------------------------------------------------

    pub fn generation(&self) -> &Generation {
        &self.membership.generation
    }

    pub fn member_state(&self) -> MemberState {
        self.membership.state
    }

    pub fn is_leader(&self) -> bool {
        self.coordinator.is_leader
    }

    /// The partitions the consumer owns (consumes) now.
    pub fn owned(&self) -> &BTreeSet<TopicPartition> {
        &self.coordinator.owned
    }

    /// The assignment of its last SyncGroup answer, even before `poll()` applied it.
    pub fn assigned_by_coordinator(&self) -> Option<&[TopicPartition]> {
        self.coordinator.assigned_by_coordinator.as_deref()
    }

    /// The partition counts its metadata knows.
    pub fn known_partitions(&self) -> &BTreeMap<String, i32> {
        &self.metadata.topics
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
        match timer {
            // The KIP-848 background thread draws its member id from the World's RNG.
            Timer::Consumer(ConsumerTimer::HeartbeatThread) if self.kip848.is_some() => {
                self.kip848_heartbeat_thread_run(ctx.now, ctx.rng, &mut ctx.out)
            }
            Timer::Consumer(timer) => KafkaConsumer::on_timer(self, ctx.now, timer, &mut ctx.out),
            _ => {}
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
mod tests;
