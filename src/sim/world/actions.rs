//! The user's actions on the World: `check` refuses without touching anything, `perform` cannot fail.
//! `World::apply` runs one, then the other.

use super::World;
use crate::sim::action::{Action, ActionError};
use crate::sim::broker::admin;
use crate::sim::client::KafkaConsumer;
use crate::sim::client::Lifecycle;
use crate::sim::config::{ConfigError, SIMULATION_ONLY_NAMES};
use crate::sim::limits::{Limit, LimitExceeded};
use crate::sim::scenario::{MAX_PRODUCER_KEYS, MAX_PRODUCER_RATE};
use crate::sim::trace::TraceEvent;

impl World {
    fn consumer_index(&self, handle: &str) -> Result<usize, ActionError> {
        self.consumer_slot(handle)
            .ok_or_else(|| ActionError::UnknownConsumer {
                handle: handle.to_string(),
                known: self.consumers.iter().map(|c| c.handle.clone()).collect(),
            })
    }

    /// A running consumer that is not in the middle of `close()`.
    fn active_consumer(&self, handle: &str) -> Result<usize, ActionError> {
        let i = self.running_consumer(handle)?;
        if self.consumers[i].is_closing() {
            return Err(ActionError::ConsumerClosing {
                handle: handle.to_string(),
            });
        }
        Ok(i)
    }

    fn running_consumer(&self, handle: &str) -> Result<usize, ActionError> {
        let i = self.consumer_index(handle)?;
        match &self.consumers[i].lifecycle {
            Lifecycle::Running | Lifecycle::Closing { .. } => Ok(i),
            Lifecycle::Dead
            | Lifecycle::Closed
            | Lifecycle::Fenced { .. }
            | Lifecycle::Failed { .. }
            | Lifecycle::Hung { .. } => Err(ActionError::ConsumerNotRunning {
                handle: handle.to_string(),
                state: self.consumers[i].display_state(),
            }),
        }
    }

    pub(super) fn check(&self, action: &Action) -> Result<(), ActionError> {
        match action {
            Action::SetProducerRate {
                producer,
                records_per_sec,
                keys,
            } => {
                self.producer_index(producer)?;
                if *records_per_sec > MAX_PRODUCER_RATE {
                    return Err(ActionError::ProducerRateTooHigh {
                        what: "records_per_sec",
                        value: *records_per_sec,
                        max: MAX_PRODUCER_RATE,
                    });
                }
                if *keys > MAX_PRODUCER_KEYS {
                    return Err(ActionError::ProducerRateTooHigh {
                        what: "keys",
                        value: *keys,
                        max: MAX_PRODUCER_KEYS,
                    });
                }
                Ok(())
            }
            Action::ProducePoisonPill {
                producer,
                partition,
            } => {
                let p = &self.producers[self.producer_index(producer)?];
                p.check_poison_pill(*partition)
                    .map_err(|refusal| ActionError::PoisonPill {
                        producer: producer.clone(),
                        topic: p.spec.topic.clone(),
                        refusal,
                    })
            }
            Action::SeekPast { consumer } => {
                let i = self.active_consumer(consumer)?;
                self.consumers[i]
                    .check_seek_past()
                    .map_err(|_| ActionError::NothingToSkip {
                        handle: consumer.clone(),
                    })
            }
            Action::AddConsumer {
                group,
                topics,
                config,
            } => {
                if group.trim().is_empty() {
                    return Err(ConfigError::MissingRequired { name: "group.id" }.into());
                }
                if topics.is_empty() {
                    return Err(ActionError::EmptySubscription);
                }
                if topics.iter().any(|t| t.trim().is_empty()) {
                    return Err(ActionError::BlankTopic);
                }
                LimitExceeded::check(Limit::Consumers, self.consumers.len() as u64 + 1)?;
                let config = self.scenario.consumer_config(group, config)?;
                config.validate().map_err(Into::into)
            }
            Action::CloseConsumer { consumer } => self.active_consumer(consumer).map(|_| ()),
            // A kill cuts a close short: the process is gone whatever it was waiting for.
            // A hung process is still there to be killed (`kill -9` is what ends it).
            Action::KillConsumer { consumer } => match self.consumer_index(consumer) {
                Ok(i) if self.consumers[i].can_be_killed() => Ok(()),
                _ => self.running_consumer(consumer).map(|_| ()),
            },
            Action::StallConsumer { consumer, ms } => {
                self.active_consumer(consumer)?;
                if *ms == 0 {
                    return Err(ActionError::StallTooShort);
                }
                Ok(())
            }
            Action::PollFromSecondThread { consumer } => self.active_consumer(consumer).map(|_| ()),
            Action::RestartConsumer {
                consumer,
                group_instance_id,
            } => {
                let i = self.consumer_index(consumer)?;
                if self.consumers[i].is_closing() {
                    return Err(ActionError::ConsumerClosing {
                        handle: consumer.clone(),
                    });
                }
                if self.consumers[i].is_running() {
                    return Err(ActionError::ConsumerStillRunning {
                        handle: consumer.clone(),
                    });
                }
                let mut config = self.consumers[i].config.clone();
                group_instance_id.apply_to(&mut config.group_instance_id);
                config.validate().map_err(Into::into)
            }
            Action::AddTopic { name, partitions } => {
                let num_partitions = self.broker.config().num_partitions;
                admin::check_create_topic(self.broker.topics(), name, *partitions, num_partitions)
            }
            Action::DeleteTopic { name } => admin::check_delete_topic(self.broker.topics(), name),
            Action::AddPartitions { topic, total } => {
                admin::check_create_partitions(self.broker.topics(), topic, *total)
            }
            Action::SetConsumerConfig {
                consumer,
                name,
                value,
            } => {
                let i = self.consumer_index(consumer)?;
                let c = &self.consumers[i];
                if name == "group.id" {
                    return Err(ActionError::GroupIdCannotChange);
                }
                if c.is_closing() {
                    return Err(ActionError::ConsumerClosing {
                        handle: consumer.clone(),
                    });
                }
                if c.is_running() && !SIMULATION_ONLY_NAMES.contains(&name.as_str()) {
                    return Err(ActionError::SettingNeedsRestart {
                        handle: consumer.clone(),
                        name: name.clone(),
                    });
                }
                let mut next = c.config.clone();
                next.set(name, value)?;
                Ok(next.validate()?)
            }
        }
    }

    pub(super) fn perform(&mut self, action: Action) {
        match action {
            Action::SetProducerRate {
                producer,
                records_per_sec,
                keys,
            } => {
                if let Ok(i) = self.producer_index(&producer) {
                    self.step_producer(i, |p, now, rng, out| {
                        p.set_rate(now, records_per_sec, keys, rng, out)
                    });
                }
            }
            Action::ProducePoisonPill {
                producer,
                partition,
            } => {
                if let Ok(i) = self.producer_index(&producer) {
                    let topic = self.producers[i].spec.topic.clone();
                    self.step_producer(i, |p, now, rng, out| {
                        p.send_poison_pill(now, partition, rng, out);
                        out.record(TraceEvent::PoisonPillSent {
                            producer: p.handle.clone(),
                            partition: crate::sim::assign::TopicPartition::new(
                                topic.as_str(),
                                partition,
                            ),
                        });
                    });
                }
            }
            Action::SeekPast { consumer } => {
                if let Ok(i) = self.consumer_index(&consumer) {
                    self.step_consumer(i, |c, now, out| c.seek_past(now, out));
                }
            }
            Action::AddConsumer {
                group,
                topics,
                config,
            } => {
                let Ok(config) = self.scenario.consumer_config(&group, &config) else {
                    return;
                };
                let number = self.consumers.len() + 1;
                let mut consumer = KafkaConsumer::new(&format!("c{number}"), 1, topics, config);
                consumer.fetcher.enabled = self.scenario.has_records();
                self.consumers.push(consumer);
                self.step_consumer(number - 1, |c, now, out| c.start(now, out));
            }
            Action::CloseConsumer { consumer } => {
                if let Ok(i) = self.consumer_index(&consumer) {
                    self.step_consumer(i, |c, now, out| c.close(now, out));
                }
            }
            Action::KillConsumer { consumer } => {
                if let Ok(i) = self.consumer_index(&consumer) {
                    self.step_consumer(i, |c, now, out| c.kill(now, out));
                }
            }
            Action::StallConsumer { consumer, ms } => {
                if let Ok(i) = self.consumer_index(&consumer) {
                    self.step_consumer(i, |c, now, out| c.stall(now, ms, out));
                }
            }
            Action::PollFromSecondThread { consumer } => {
                if let Ok(i) = self.consumer_index(&consumer) {
                    self.step_consumer(i, |c, now, out| c.poll_from_second_thread(now, out));
                }
            }
            Action::RestartConsumer {
                consumer,
                group_instance_id,
            } => {
                if let Ok(i) = self.consumer_index(&consumer) {
                    let old = &self.consumers[i];
                    let mut config = old.config.clone();
                    group_instance_id.apply_to(&mut config.group_instance_id);
                    self.consumers[i] = old.next_incarnation(config);
                    self.step_consumer(i, |c, now, out| c.start(now, out));
                }
            }
            Action::AddTopic { name, partitions } => {
                let partitions =
                    admin::partitions_to_create(partitions, self.broker.config().num_partitions);
                self.step_broker(|broker, out| broker.create_topic(name, partitions, out));
            }
            Action::DeleteTopic { name } => {
                self.step_broker(|broker, out| broker.delete_topic(name, out));
            }
            Action::AddPartitions { topic, total } => {
                self.step_broker(|broker, out| broker.create_partitions(topic, total, out));
            }
            Action::SetConsumerConfig {
                consumer,
                name,
                value,
            } => {
                if let Ok(i) = self.consumer_index(&consumer) {
                    if self.consumers[i].set_simulation_knob(&name, &value).is_ok() {
                        self.record(TraceEvent::ConfigChanged {
                            consumer,
                            name,
                            value,
                        });
                    }
                }
            }
        }
    }
}
