//! The KIP-848 group coordinator (Kafka's `GroupMetadataManager`, consumer-group part): every
//! consumer group hosted by the broker, the `ConsumerGroupHeartbeat` requests that reach them and
//! the session and rebalance timeouts that fence their members.
//!
//! The files follow Kafka's classes: [`group`] and [`member`] are `ConsumerGroup` and
//! `ConsumerGroupMember`; [`heartbeat`] is `consumerGroupHeartbeat`, `consumerGroupLeave` and the
//! fencing; [`target_assignment`] is `TargetAssignmentBuilder` with the choice of server assignor;
//! [`current_assignment`] is `CurrentAssignmentBuilder`, the per-member reconciliation.

pub mod classic_member;
pub mod current_assignment;
pub mod group;
pub mod heartbeat;
pub mod member;
pub mod target_assignment;

pub use group::{ConsumerGroup, Downgrade};
pub use member::ConsumerGroupMember;

use super::classic::ReplyTo;
use crate::sim::actor::{Ctx, Out};
use crate::sim::assign::server::TopicId;
use crate::sim::config::BrokerConfig;
use crate::sim::protocol::{
    Errors, HeartbeatResponse, JoinGroupResponse, Message, OffsetCommitRequest,
    OffsetCommitResponse, Request, Response,
};
use crate::sim::rng::SimRng;
use crate::sim::time::Millis;
use crate::sim::timer::{ConsumerGroupTimer, Timer, TimerKey};
use crate::sim::trace::TraceEvent;
use crate::sim::vocab::ConsumerGroupState;
use std::collections::BTreeMap;

/// Everything a handler needs besides the group: the time, the broker's settings and topics, the
/// topic ids, the RNG that draws new ones and the step's output.
pub(crate) struct HandlerCtx<'a> {
    pub now: Millis,
    pub config: &'a BrokerConfig,
    pub topics: &'a BTreeMap<String, i32>,
    pub topic_ids: &'a mut BTreeMap<String, TopicId>,
    pub rng: &'a mut SimRng,
    pub out: &'a mut Out,
}

impl<'a> HandlerCtx<'a> {
    /// The context of one step of the broker actor.
    fn new(
        config: &'a BrokerConfig,
        topics: &'a BTreeMap<String, i32>,
        topic_ids: &'a mut BTreeMap<String, TopicId>,
        actor: &'a mut Ctx,
    ) -> Self {
        HandlerCtx {
            now: actor.now,
            config,
            topics,
            topic_ids,
            rng: actor.rng,
            out: &mut actor.out,
        }
    }

    fn reply(&mut self, to: &ReplyTo, body: Response) {
        self.out.send(
            to.endpoint.clone(),
            Message::Response {
                correlation_id: to.correlation_id,
                body,
            },
        );
    }

    fn set_timer(&mut self, delay: Millis, timer: ConsumerGroupTimer) {
        self.out
            .set_timer(self.now.saturating_add(delay), Timer::ConsumerGroup(timer));
    }

    fn cancel_timers(&mut self, group: &str, member_id: &str) {
        cancel_member_timers(group, member_id, self.out);
    }

    /// The topic's id in the metadata image. Kafka gives each topic an id when it is created; the
    /// model draws it from the seeded RNG the first time a consumer group needs it, so runs without
    /// consumer groups use the RNG exactly as before.
    fn topic_id(&mut self, topic: &str) -> TopicId {
        if let Some(id) = self.topic_ids.get(topic) {
            return *id;
        }
        let id = TopicId {
            most_significant_bits: self.rng.next_u64() as i64,
            least_significant_bits: self.rng.next_u64() as i64,
        };
        self.topic_ids.insert(topic.to_string(), id);
        id
    }

    /// The subscribed topics that exist, with their ids and partition counts.
    fn describe<'t>(
        &mut self,
        topics: impl IntoIterator<Item = &'t String>,
    ) -> BTreeMap<String, (TopicId, i32)> {
        let mut described = BTreeMap::new();
        for topic in topics {
            if let Some(&partitions) = self.topics.get(topic) {
                let id = self.topic_id(topic);
                described.insert(topic.clone(), (id, partitions));
            }
        }
        described
    }
}

/// `ConsumerGroup.validateOffsetCommit`: the member must exist and commit at its current epoch
/// (the classic commit's generation field carries it); a classic member with another generation is
/// told ILLEGAL_GENERATION, a consumer-protocol one STALE_MEMBER_EPOCH.
fn commit_offset(
    groups: &BTreeMap<String, ConsumerGroup>,
    req: &OffsetCommitRequest,
) -> OffsetCommitResponse {
    let member = groups
        .get(&req.group_id)
        .and_then(|g| g.member(&req.member_id));
    let error = match member {
        None => Errors::UnknownMemberId,
        Some(m) if m.member_epoch != req.generation_id && m.uses_classic_protocol() => {
            Errors::IllegalGeneration
        }
        Some(m) if m.member_epoch != req.generation_id => Errors::StaleMemberEpoch,
        Some(_) => Errors::None,
    };
    OffsetCommitResponse { error_code: error }
}

/// Every timer of a member (`cancelTimers`).
fn cancel_member_timers(group: &str, member_id: &str, out: &mut Out) {
    let (g, m) = (group.to_string(), member_id.to_string());
    out.cancel_timer(TimerKey::ConsumerGroupSession {
        group: g.clone(),
        member_id: m.clone(),
    });
    out.cancel_timer(TimerKey::ConsumerGroupRebalance {
        group: g.clone(),
        member_id: m.clone(),
    });
    out.cancel_timer(TimerKey::ConsumerGroupJoin {
        group: g.clone(),
        member_id: m.clone(),
    });
    out.cancel_timer(TimerKey::ConsumerGroupSync {
        group: g,
        member_id: m,
    });
}

/// Records the group's state when a step changed it (a new group starts from Empty).
fn record_state_change(
    groups: &BTreeMap<String, ConsumerGroup>,
    group_id: &str,
    before: Option<ConsumerGroupState>,
    out: &mut Out,
) {
    let Some(group) = groups.get(group_id) else {
        return;
    };
    let from = before.unwrap_or(ConsumerGroupState::Empty);
    let to = group.state();
    if from != to {
        out.record(TraceEvent::ConsumerGroupStateChanged {
            group: group_id.to_string(),
            from,
            to,
            epoch: group.group_epoch,
        });
    }
}

/// The consumer groups hosted by the broker.
#[derive(Clone, Debug, Default)]
pub struct ConsumerGroupCoordinator {
    groups: BTreeMap<String, ConsumerGroup>,
    topic_ids: BTreeMap<String, TopicId>,
}

impl ConsumerGroupCoordinator {
    pub fn groups(&self) -> impl Iterator<Item = &ConsumerGroup> {
        self.groups.values()
    }

    pub fn group(&self, group_id: &str) -> Option<&ConsumerGroup> {
        self.groups.get(group_id)
    }

    /// Whether an OffsetCommit for this group is this coordinator's to answer.
    pub fn hosts(&self, group_id: &str) -> bool {
        self.groups.contains_key(group_id)
    }

    /// Whether this group's coordinator would accept the commit (its offsets are then stored).
    pub fn accepts_offset_commit(&self, req: &OffsetCommitRequest) -> bool {
        commit_offset(&self.groups, req).error_code == Errors::None
    }

    /// A request for a consumer group: `ConsumerGroupHeartbeat`, or an OffsetCommit of one.
    pub fn handle(
        &mut self,
        config: &BrokerConfig,
        topics: &BTreeMap<String, i32>,
        from: ReplyTo,
        request: Request,
        actor: &mut Ctx,
    ) {
        let mut ctx = HandlerCtx::new(config, topics, &mut self.topic_ids, actor);
        let group_id = request.group_id().unwrap_or_default().to_string();
        let before = self.groups.get(&group_id).map(ConsumerGroup::state);
        match request {
            Request::ConsumerGroupHeartbeat(req) => {
                let response =
                    heartbeat::consumer_group_heartbeat(&mut self.groups, *req, &from, &mut ctx);
                ctx.reply(&from, Response::ConsumerGroupHeartbeat(Box::new(response)));
            }
            Request::OffsetCommit(req) => {
                let response = commit_offset(&self.groups, &req);
                ctx.reply(&from, Response::OffsetCommit(response));
            }
            _ => {}
        }
        record_state_change(&self.groups, &group_id, before, &mut actor.out);
    }

    /// A classic member's JoinGroup, SyncGroup, Heartbeat or LeaveGroup to a consumer group this
    /// coordinator hosts (the broker routes them here: `classicGroup*ToConsumerGroup`).
    pub fn handle_classic(
        &mut self,
        config: &BrokerConfig,
        topics: &BTreeMap<String, i32>,
        from: ReplyTo,
        request: Request,
        actor: &mut Ctx,
    ) {
        let group_id = request.group_id().unwrap_or_default().to_string();
        let Some(group) = self.groups.get_mut(&group_id) else {
            return;
        };
        let before = Some(group.state());
        let mut ctx = HandlerCtx::new(config, topics, &mut self.topic_ids, actor);
        let response = match request {
            Request::JoinGroup(req) => {
                let valid = (config.group_min_session_timeout_ms
                    ..=config.group_max_session_timeout_ms)
                    .contains(&req.session_timeout_ms);
                Response::JoinGroup(Box::new(if valid {
                    classic_member::classic_group_join_to_consumer_group(
                        group, &req, &from, &mut ctx,
                    )
                } else {
                    JoinGroupResponse::error(Errors::InvalidSessionTimeout, &req.member_id)
                }))
            }
            Request::SyncGroup(req) => Response::SyncGroup(Box::new(
                classic_member::classic_group_sync_to_consumer_group(group, &req, &mut ctx),
            )),
            Request::Heartbeat(req) => Response::Heartbeat(HeartbeatResponse {
                error_code: classic_member::classic_group_heartbeat_to_consumer_group(
                    group, &req, &mut ctx,
                ),
            }),
            Request::LeaveGroup(req) => Response::LeaveGroup(Box::new(
                classic_member::classic_group_leave_to_consumer_group(group, &req, &mut ctx),
            )),
            _ => return,
        };
        ctx.reply(&from, response);
        record_state_change(&self.groups, &group_id, before, &mut actor.out);
    }

    /// Groups that convert back to classic groups (their last consumer-protocol member left, or a
    /// classic static member replaced it): taken out of this coordinator with why, their members'
    /// timers cancelled (the classic coordinator schedules its own).
    pub fn take_downgrades(&mut self, out: &mut Out) -> Vec<(ConsumerGroup, Downgrade)> {
        let ids: Vec<String> = self
            .groups
            .values()
            .filter(|g| g.downgrade.is_some())
            .map(|g| g.group_id.clone())
            .collect();
        ids.into_iter()
            .filter_map(|id| self.groups.remove(&id))
            .map(|mut group| {
                for m in &group.members {
                    cancel_member_timers(&group.group_id, &m.member_id, out);
                }
                let downgrade = group.downgrade.take().expect("filtered");
                (group, downgrade)
            })
            .collect()
    }

    /// `maybeDeleteEmptyConsumerGroup`: a classic JoinGroup takes over an empty consumer group's id.
    pub fn remove_if_empty(&mut self, group_id: &str) -> bool {
        if self
            .groups
            .get(group_id)
            .is_some_and(|g| g.members.is_empty())
        {
            self.groups.remove(group_id);
            return true;
        }
        false
    }

    /// Whether a classic request for this group is the consumer group's to answer: any request of
    /// a member already in it, a JoinGroup only while it has members.
    pub fn answers_classic(&self, request: &Request) -> bool {
        let Some(group) = request.group_id().and_then(|id| self.groups.get(id)) else {
            return false;
        };
        match request {
            Request::JoinGroup(_) => !group.members.is_empty(),
            Request::SyncGroup(_) | Request::Heartbeat(_) | Request::LeaveGroup(_) => true,
            _ => false,
        }
    }

    /// The end of the online upgrade (`convertToConsumerGroup`): the group converted from a classic
    /// one gets its subscription metadata and each member its session timeout, its classic one.
    pub fn adopt_converted(
        &mut self,
        config: &BrokerConfig,
        topics: &BTreeMap<String, i32>,
        mut group: ConsumerGroup,
        actor: &mut Ctx,
    ) {
        let mut ctx = HandlerCtx::new(config, topics, &mut self.topic_ids, actor);
        group.metadata = ctx.describe(&group.subscribed_topics());
        for m in &group.members {
            let session = m.classic.as_ref().map_or(0, |c| c.session_timeout_ms);
            ctx.set_timer(
                session,
                ConsumerGroupTimer::SessionTimeout {
                    group: group.group_id.clone(),
                    member_id: m.member_id.clone(),
                },
            );
        }
        self.groups.insert(group.group_id.clone(), group);
    }

    /// A topic was created, deleted or grew: groups subscribed to it recompute their metadata at
    /// their next heartbeat (`onNewMetadataImage` → `requestMetadataRefresh`). A deleted topic's id
    /// is forgotten: a topic created again under its name is another topic.
    pub fn on_topic_changed(&mut self, topic: &str, deleted: bool) {
        if deleted {
            self.topic_ids.remove(topic);
        }
        for group in self.groups.values_mut() {
            if group.subscribed_topics().contains(topic) {
                group.metadata_refresh_requested = true;
            }
        }
    }

    /// A session or rebalance timeout fired.
    pub fn on_timer(
        &mut self,
        config: &BrokerConfig,
        topics: &BTreeMap<String, i32>,
        timer: ConsumerGroupTimer,
        actor: &mut Ctx,
    ) {
        let mut ctx = HandlerCtx::new(config, topics, &mut self.topic_ids, actor);
        let group_id = match &timer {
            ConsumerGroupTimer::SessionTimeout { group, .. }
            | ConsumerGroupTimer::RebalanceTimeout { group, .. }
            | ConsumerGroupTimer::ClassicJoinTimeout { group, .. }
            | ConsumerGroupTimer::ClassicSyncTimeout { group, .. } => group.clone(),
        };
        let before = self.groups.get(&group_id).map(ConsumerGroup::state);
        heartbeat::on_timeout(&mut self.groups, timer, &mut ctx);
        record_state_change(&self.groups, &group_id, before, &mut actor.out);
    }
}
