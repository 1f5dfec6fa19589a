//! The broker: one Kafka broker that owns the topics, answers Metadata requests and hosts the group
//! coordinator. It is an actor like the consumers; the World only carries its messages and timers.
//! Topic changes arrive through the Admin API (`createTopics`, `createPartitions`, `deleteTopics`),
//! which the World calls for the user's actions. It also keeps the partition logs (`log`) and each
//! group's committed offsets (`offsets`).

pub mod admin;
pub mod classic;
pub mod consumer;
pub mod log;
pub mod offsets;

use super::actor::{Actor, Ctx, Out};
use super::config::BrokerConfig;
use super::protocol::{
    Message, MetadataRequest, MetadataResponse, OffsetCommitRequest, Request, Response,
};
use super::timer::Timer;
use super::trace::TraceEvent;
use super::vocab::Endpoint;
use classic::{GroupCoordinator, ReplyTo};
use consumer::ConsumerGroupCoordinator;
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
            let body = Request::OffsetCommit(request);
            self.consumer_groups
                .handle(config, &self.topics, reply_to, body, ctx);
        } else {
            if self.coordinator.accepts_offset_commit(&request) {
                self.offsets.store(&request);
            }
            self.coordinator
                .handle(reply_to, Request::OffsetCommit(request), ctx);
        }
    }
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
            Request::ConsumerGroupHeartbeat(_) => {
                let config = &self.coordinator.config;
                self.consumer_groups
                    .handle(config, &self.topics, reply_to, body, ctx);
            }
            Request::OffsetCommit(request) => self.commit_offsets(reply_to, request, ctx),
            body => self.coordinator.handle(reply_to, body, ctx),
        }
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx) {
        match timer {
            Timer::Coordinator(timer) => self.coordinator.on_timer(timer, ctx),
            Timer::ConsumerGroup(timer) => {
                let config = &self.coordinator.config;
                self.consumer_groups
                    .on_timer(config, &self.topics, timer, ctx);
            }
            Timer::DelayedFetch { consumer } => {
                self.logs.expire_delayed_fetch(&consumer, &mut ctx.out)
            }
            Timer::Consumer(_) | Timer::Producer(_) => {}
        }
    }
}
