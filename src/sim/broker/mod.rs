//! The broker: one Kafka broker that owns the topics, answers Metadata requests and hosts the group
//! coordinator. It is an actor like the consumers; the World only carries its messages and timers.
//! Topic changes arrive through the Admin API (`createTopics`, `createPartitions`, `deleteTopics`),
//! which the World calls for the user's actions.

pub mod admin;
pub mod classic;
pub mod consumer;

use super::actor::{Actor, Ctx, Out};
use super::config::BrokerConfig;
use super::protocol::{Message, MetadataRequest, MetadataResponse, Request, Response};
use super::timer::Timer;
use super::trace::TraceEvent;
use super::vocab::Endpoint;
use classic::{GroupCoordinator, ReplyTo};
use consumer::ConsumerGroupCoordinator;
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
pub struct Broker {
    /// Every topic and its partition count.
    topics: BTreeMap<String, i32>,
    coordinator: GroupCoordinator,
    /// The KIP-848 consumer groups (`group.protocol=consumer`).
    consumer_groups: ConsumerGroupCoordinator,
}

impl Broker {
    pub fn new(config: BrokerConfig) -> Self {
        Self {
            topics: BTreeMap::new(),
            coordinator: GroupCoordinator::new(config),
            consumer_groups: ConsumerGroupCoordinator::default(),
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

    pub fn config(&self) -> &BrokerConfig {
        &self.coordinator.config
    }

    /// `createTopics` (the World has checked the name and the count).
    pub fn create_topic(&mut self, topic: String, partitions: i32, out: &mut Out) {
        self.topics.insert(topic.clone(), partitions);
        self.consumer_groups.on_topic_changed(&topic, false);
        out.record(TraceEvent::TopicCreated { topic, partitions });
    }

    /// `deleteTopics`.
    pub fn delete_topic(&mut self, topic: String, out: &mut Out) {
        self.topics.remove(&topic);
        self.consumer_groups.on_topic_changed(&topic, true);
        out.record(TraceEvent::TopicDeleted { topic });
    }

    /// `createPartitions`: the topic grows to `total` partitions.
    pub fn create_partitions(&mut self, topic: String, total: i32, out: &mut Out) {
        let from = self.topics.insert(topic.clone(), total).unwrap_or(0);
        self.consumer_groups.on_topic_changed(&topic, false);
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

impl Actor for Broker {
    fn on_message(&mut self, from: Endpoint, message: Message, ctx: &mut Ctx) {
        let Message::Request {
            correlation_id,
            body,
        } = message
        else {
            return;
        };
        if let Request::Metadata(request) = &body {
            let body = Response::Metadata(self.describe(request));
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
        // ConsumerGroupHeartbeat, and offset commits of consumer groups, go to the KIP-848 side.
        let consumer_group = match &body {
            Request::ConsumerGroupHeartbeat(_) => true,
            Request::OffsetCommit(r) => self.consumer_groups.hosts(&r.group_id),
            _ => false,
        };
        if consumer_group {
            let config = &self.coordinator.config;
            self.consumer_groups
                .handle(config, &self.topics, reply_to, body, ctx);
            return;
        }
        self.coordinator.handle(reply_to, body, ctx);
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx) {
        match timer {
            Timer::Coordinator(timer) => self.coordinator.on_timer(timer, ctx),
            Timer::ConsumerGroup(timer) => {
                let config = &self.coordinator.config;
                self.consumer_groups
                    .on_timer(config, &self.topics, timer, ctx);
            }
            Timer::Consumer(_) => {}
        }
    }
}
