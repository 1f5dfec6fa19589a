//! The broker: one Kafka broker that owns the topics, answers Metadata requests and hosts the group
//! coordinator. It is an actor like the consumers; the World only carries its messages and timers.
//! Topic changes arrive through the Admin API (`createTopics`, `createPartitions`, `deleteTopics`),
//! which the World calls for the user's actions. It also keeps the partition logs (`log`) and each
//! group's committed offsets (`offsets`).

pub mod admin;
pub mod classic;
pub mod consumer;
pub mod log;
mod migration;
pub mod offsets;
mod purgatory;

use super::actor::{Actor, Ctx, Out};
use super::config::BrokerConfig;
use super::protocol::{
    ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse, Errors, Message,
    MetadataRequest, MetadataResponse, OffsetCommitRequest, Request, Response,
};
use super::timer::Timer;
use super::trace::{StaticReplacement, TraceEvent};
use super::vocab::{Endpoint, RebalanceReason};
use classic::{GroupCoordinator, ReplyTo};
use consumer::{ConsumerGroupCoordinator, Downgrade};
use log::PartitionLogs;
use offsets::CommittedOffsets;
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
pub struct Broker {
    /// Every topic and its partition count.
    topics: BTreeMap<String, i32>,
    coordinator: GroupCoordinator,
    /// The KIP-848 consumer groups (`group.protocol=consumer`).
    consumer_groups: ConsumerGroupCoordinator,
    logs: PartitionLogs,
    offsets: CommittedOffsets,
}

impl Broker {
    pub fn new(config: BrokerConfig) -> Self {
        Self {
            topics: BTreeMap::new(),
            coordinator: GroupCoordinator::new(config),
            consumer_groups: ConsumerGroupCoordinator::default(),
            logs: PartitionLogs::default(),
            offsets: CommittedOffsets::default(),
        }
    }

    pub fn topics(&self) -> &BTreeMap<String, i32> {
        &self.topics
    }

    pub fn partitions(&self, topic: &str) -> Option<i32> {
        self.topics.get(topic).copied()
    }

    pub fn coordinator(&self) -> &GroupCoordinator {
        &self.coordinator
    }

    pub fn consumer_groups(&self) -> &ConsumerGroupCoordinator {
        &self.consumer_groups
    }

    pub fn logs(&self) -> &PartitionLogs {
        &self.logs
    }

    pub fn committed_offsets(&self) -> &CommittedOffsets {
        &self.offsets
    }

    pub fn config(&self) -> &BrokerConfig {
        &self.coordinator.config
    }

    /// `createTopics` (the World has checked the name and the count).
    pub fn create_topic(&mut self, topic: String, partitions: i32, out: &mut Out) {
        self.topics.insert(topic.clone(), partitions);
        self.consumer_groups.on_topic_changed(&topic, false);
        self.logs.resize(&topic, partitions);
        out.record(TraceEvent::TopicCreated { topic, partitions });
    }

    /// `deleteTopics`.
    pub fn delete_topic(&mut self, topic: String, out: &mut Out) {
        self.topics.remove(&topic);
        self.consumer_groups.on_topic_changed(&topic, true);
        self.logs.delete(&topic);
        self.offsets.delete_topic(&topic);
        out.record(TraceEvent::TopicDeleted { topic });
    }

    /// `createPartitions`: the topic grows to `total` partitions.
    pub fn create_partitions(&mut self, topic: String, total: i32, out: &mut Out) {
        let from = self.topics.insert(topic.clone(), total).unwrap_or(0);
        self.consumer_groups.on_topic_changed(&topic, false);
        self.logs.resize(&topic, total);
        out.record(TraceEvent::PartitionsAdded {
            topic,
            from,
            to: total,
        });
    }

    /// Every topic asked for that exists (an empty list asks for all of them).
    fn describe(&self, request: &MetadataRequest) -> MetadataResponse {
        let topics = self
            .topics
            .iter()
            .filter(|(name, _)| request.topics.is_empty() || request.topics.contains(name))
            .map(|(name, partitions)| (name.clone(), *partitions))
            .collect();
        MetadataResponse { topics }
    }
}

impl Broker {
    /// `OffsetCommit`: answered by the group's own side of the coordinator (a KIP-848 consumer group
    /// checks the member epoch, a classic group the generation); an accepted commit's offsets are
    /// stored (`OffsetMetadataManager.commitOffset`).
    fn commit_offsets(&mut self, reply_to: ReplyTo, request: OffsetCommitRequest, ctx: &mut Ctx) {
        if self.consumer_groups.hosts(&request.group_id) {
            if self.consumer_groups.accepts_offset_commit(&request) {
                self.offsets.store(&request);
            }
            let config = &self.coordinator.config;
            let body = Request::OffsetCommit(Box::new(request));
            self.consumer_groups
                .handle(config, &self.topics, reply_to, body, ctx);
        } else {
            if self.coordinator.accepts_offset_commit(&request) {
                self.offsets.store(&request);
            }
            self.coordinator
                .handle(reply_to, Request::OffsetCommit(Box::new(request)), ctx);
        }
    }
}

impl Broker {
    /// `ConsumerGroupHeartbeat`. A member joining (epoch 0) a group id held by a classic group
    /// takes it over: an empty classic group is deleted; one with members converts to a consumer
    /// group if `validateOnlineUpgrade` allows it, else the member is refused GROUP_ID_NOT_FOUND.
    /// A heartbeat at another epoch to a classic group is refused the same way.
    fn consumer_group_heartbeat(
        &mut self,
        reply_to: ReplyTo,
        request: ConsumerGroupHeartbeatRequest,
        ctx: &mut Ctx,
    ) {
        let group_id = request.group_id.clone();
        let classic = self.coordinator.group(&group_id).is_some();
        if classic && request.member_epoch == 0 {
            if !self.coordinator.remove_if_empty(&group_id, ctx) {
                if let Err((error, message)) = self.try_upgrade(&request, &reply_to, ctx) {
                    let body = ConsumerGroupHeartbeatResponse::error(error, message);
                    return reply(
                        ctx,
                        &reply_to,
                        Response::ConsumerGroupHeartbeat(Box::new(body)),
                    );
                }
            }
        } else if classic && request.member_epoch > 0 {
            let message = format!("Group {group_id} is not a consumer group.");
            let body = ConsumerGroupHeartbeatResponse::error(Errors::GroupIdNotFound, message);
            return reply(
                ctx,
                &reply_to,
                Response::ConsumerGroupHeartbeat(Box::new(body)),
            );
        }
        let config = &self.coordinator.config;
        let body = Request::ConsumerGroupHeartbeat(Box::new(request));
        self.consumer_groups
            .handle(config, &self.topics, reply_to, body, ctx);
        self.complete_downgrades(ctx);
    }

    /// `getOrMaybeCreateConsumerGroup` on a classic group with members: `validateOnlineUpgrade`
    /// (GROUP_ID_NOT_FOUND), then `convertToConsumerGroup`. A heartbeat refused anyway leaves the
    /// classic group as it is, as Kafka writes nothing then: an invalid request (refused before the
    /// group is looked at), or a group already at `group.consumer.max.size`
    /// (`throwIfConsumerGroupIsFull`).
    fn try_upgrade(
        &mut self,
        request: &ConsumerGroupHeartbeatRequest,
        reply_to: &ReplyTo,
        ctx: &mut Ctx,
    ) -> Result<(), (Errors, String)> {
        let config = &self.coordinator.config;
        let classic = self.coordinator.group(&request.group_id).expect("checked");
        if let Some(refusal) = consumer::heartbeat::refusal_before_joining(request, config) {
            return Err(refusal);
        }
        migration::validate_online_upgrade(classic, config)
            .map_err(|message| (Errors::GroupIdNotFound, message))?;
        let max_size = config.consumer.max_size;
        if classic.num_members() as u64 >= u64::from(max_size) {
            return Err((
                Errors::GroupMaxSizeReached,
                format!(
                    "The consumer group has reached its maximum capacity of {max_size} members."
                ),
            ));
        }
        let classic = self
            .coordinator
            .take_for_upgrade(&request.group_id, ctx)
            .expect("checked");
        let group = migration::consumer_group_from_classic(&classic);
        let consumer = reply_to.consumer_handle();
        ctx.out.record(TraceEvent::GroupConverted {
            group: group.group_id.clone(),
            to: "consumer".to_string(),
            epoch: group.group_epoch,
            consumer,
            members: migration::members_of_consumer_group(&group),
            static_replacement: None,
        });
        let config = &self.coordinator.config;
        self.consumer_groups
            .adopt_converted(config, &self.topics, group, ctx);
        Ok(())
    }

    /// `convertToClassicGroup` for groups whose last consumer-protocol member just left or was
    /// replaced by a classic static member. A rebalance begins unless the replacing member kept the
    /// replaced member's subscription.
    fn complete_downgrades(&mut self, ctx: &mut Ctx) {
        for (group, why) in self.consumer_groups.take_downgrades(&mut ctx.out) {
            let classic = migration::classic_group_from_consumer(&group, &why);
            let gid = classic.group_id.clone();
            let (consumer, rebalance, static_replacement) = match why {
                Downgrade::MemberLeft { consumer, .. } => (
                    consumer,
                    Some(RebalanceReason::DowngradedForMemberLeaving { group: gid }),
                    None,
                ),
                Downgrade::StaticMemberReplaced {
                    joining,
                    subscription_changed: false,
                } => (
                    joining.consumer,
                    None,
                    Some(StaticReplacement::SameSubscription),
                ),
                Downgrade::StaticMemberReplaced {
                    joining,
                    subscription_changed: true,
                } => (
                    joining.consumer,
                    Some(RebalanceReason::DowngradedForStaticMemberReplacement { group: gid }),
                    Some(StaticReplacement::OtherSubscription),
                ),
            };
            ctx.out.record(TraceEvent::GroupConverted {
                group: classic.group_id.clone(),
                to: "classic".to_string(),
                epoch: classic.generation_id,
                consumer,
                members: migration::members_of_classic_group(&classic),
                static_replacement,
            });
            self.coordinator.adopt_downgraded(classic, rebalance, ctx);
        }
    }
}

fn reply(ctx: &mut Ctx, to: &ReplyTo, body: Response) {
    let message = Message::Response {
        correlation_id: to.correlation_id,
        body,
    };
    ctx.out.send(to.endpoint.clone(), message);
}

impl Actor for Broker {
    fn on_message(&mut self, from: Endpoint, message: Message, ctx: &mut Ctx) {
        let Message::Request {
            correlation_id,
            body,
        } = message
        else {
            return;
        };
        let answer = match &body {
            Request::Metadata(request) => Some(Response::Metadata(self.describe(request))),
            Request::Produce(request) => Some(Response::Produce(self.logs.append(
                request,
                ctx.now,
                &mut ctx.out,
            ))),
            Request::ListOffsets(request) => {
                Some(Response::ListOffsets(self.logs.list_offsets(request)))
            }
            Request::OffsetFetch(request) => {
                Some(Response::OffsetFetch(self.offsets.fetch(request)))
            }
            _ => None,
        };
        if let Some(body) = answer {
            let reply = Message::Response {
                correlation_id,
                body,
            };
            ctx.out.send(from, reply);
            return;
        }
        let reply_to = ReplyTo {
            endpoint: from,
            correlation_id,
        };
        match body {
            Request::Fetch(request) => self.logs.fetch(reply_to, request, &mut ctx.out, ctx.now),
            Request::ConsumerGroupHeartbeat(request) => {
                self.consumer_group_heartbeat(reply_to, *request, ctx)
            }
            Request::OffsetCommit(request) => self.commit_offsets(reply_to, *request, ctx),
            body if self.consumer_groups.answers_classic(&body) => {
                let config = &self.coordinator.config;
                self.consumer_groups
                    .handle_classic(config, &self.topics, reply_to, body, ctx);
                self.complete_downgrades(ctx);
            }
            body => {
                // A classic JoinGroup takes over an empty consumer group's id.
                if let Request::JoinGroup(join) = &body {
                    self.consumer_groups.remove_if_empty(&join.group_id);
                }
                self.coordinator.handle(reply_to, body, ctx)
            }
        }
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx) {
        match timer {
            Timer::Coordinator(timer) => self.coordinator.on_timer(timer, ctx),
            Timer::ConsumerGroup(timer) => {
                let config = &self.coordinator.config;
                self.consumer_groups
                    .on_timer(config, &self.topics, timer, ctx);
                self.complete_downgrades(ctx);
            }
            Timer::DelayedFetch { consumer } => {
                self.logs.expire_delayed_fetch(&consumer, &mut ctx.out)
            }
            Timer::Consumer(_) | Timer::Producer(_) => {}
        }
    }
}
