//! The World: the network, the clock and every actor. Nothing else moves time.

use super::actor::Emitted;
use super::actor::Out;
use super::client::{ConsumerState, ConsumerTimer, KafkaConsumer, Lifecycle};
use super::config::{BrokerConfig, ConfigError, SIMULATION_ONLY_NAMES};
use super::coordinator::{CoordinatorTimer, GroupCoordinator, ReplyTo};
use super::protocol::{Message, MetadataResponse, Request, Response};
use super::rng::SimRng;
use super::scenario::{ConfigOverrides, ConsumerEntry, Scenario, ScenarioError};
use super::time::{EventQueue, Millis};
use super::trace::{Endpoint, TraceEntry, TraceEvent};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// What a restarted consumer does with its `group.instance.id`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstanceIdChange {
    #[default]
    Keep,
    /// Become (or stay) a static member with this id.
    Set(String),
    /// Become a dynamic member.
    Unset,
}

/// Something the user (or a scenario) does to the World.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// Start a new consumer; it gets the next handle ("c4").
    AddConsumer {
        group: String,
        topics: Vec<String>,
        #[serde(default)]
        config: ConfigOverrides,
    },
    /// `consumer.close()`.
    CloseConsumer {
        consumer: String,
    },
    /// `kill -9` of the consumer's process.
    KillConsumer {
        consumer: String,
    },
    /// The application stops calling `poll()` for `ms` (the heartbeat thread keeps running).
    StallConsumer {
        consumer: String,
        ms: Millis,
    },
    /// Start a closed, killed or failed consumer again as a new process with the same handle.
    RestartConsumer {
        consumer: String,
        #[serde(default)]
        group_instance_id: InstanceIdChange,
    },
    AddTopic {
        name: String,
        partitions: i32,
    },
    DeleteTopic {
        name: String,
    },
    /// `createPartitions`: grow the topic to `total` partitions.
    AddPartitions {
        topic: String,
        total: i32,
    },
    /// Change a setting by Kafka name. Kafka reads client configs at construction, so a running
    /// consumer accepts only the simulation knobs; others apply at its next restart.
    SetConsumerConfig {
        consumer: String,
        name: String,
        value: String,
    },
}

/// Why an action was refused; the World is unchanged. Topic refusals carry the name of the exception
/// Kafka's Admin client throws, since that is what a learner would meet in a real application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionError {
    /// No consumer has this handle. `known` lists the handles there are, for the message.
    UnknownConsumer { handle: String, known: Vec<String> },
    /// The consumer's process is gone (dead, closed, fenced or failed): restart it first.
    ConsumerNotRunning {
        handle: String,
        state: ConsumerState,
    },
    /// A restart needs the old process to be gone first.
    ConsumerStillRunning { handle: String },
    /// `close()` is under way: it waits for the answer to its final offset commit before it revokes,
    /// leaves and returns. Only a kill can cut it short.
    ConsumerClosing { handle: String },
    /// Kafka reads client settings once, in the `KafkaConsumer` constructor: only the simulation knobs
    /// may change while the consumer runs.
    SettingNeedsRestart { handle: String, name: String },
    /// A consumer belongs to one group for life; changing `group.id` means another consumer.
    GroupIdCannotChange,
    /// `subscribe()` with no topics.
    EmptySubscription,
    /// A stall of 0 ms would not stall anything.
    StallTooShort,
    /// `INVALID_TOPIC_EXCEPTION`: empty, or characters outside Kafka's legal set.
    InvalidTopic { name: String },
    /// `TOPIC_ALREADY_EXISTS`.
    TopicAlreadyExists { topic: String },
    /// `UNKNOWN_TOPIC_OR_PARTITION`.
    UnknownTopic { topic: String },
    /// `INVALID_PARTITIONS` from `createTopics`: a topic needs at least one partition.
    NoPartitions { topic: String, requested: i32 },
    /// `INVALID_PARTITIONS` from `createPartitions`: Kafka only ever adds partitions.
    InvalidPartitions {
        topic: String,
        current: i32,
        requested: i32,
    },
    /// A consumer configuration the client would refuse.
    Config(ConfigError),
}

impl fmt::Display for ActionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionError::UnknownConsumer { handle, known } if known.is_empty() => {
                write!(f, "there is no consumer {handle} (no consumers yet)")
            }
            ActionError::UnknownConsumer { handle, known } => write!(
                f,
                "there is no consumer {handle} (consumers: {})",
                known.join(", ")
            ),
            ActionError::ConsumerNotRunning { handle, state } => match state {
                ConsumerState::Dead => write!(f, "consumer {handle} is dead: restart it first"),
                ConsumerState::Closed => write!(f, "consumer {handle} is closed: restart it first"),
                other => write!(f, "consumer {handle} has failed ({other}): restart it first"),
            },
            ActionError::ConsumerClosing { handle } => write!(
                f,
                "consumer {handle} is still closing: close() waits for its final offset commit to be answered; let the clock run a moment"
            ),
            ActionError::ConsumerStillRunning { handle } => write!(
                f,
                "consumer {handle} is running: close or kill it before restarting it"
            ),
            ActionError::SettingNeedsRestart { handle, name } => write!(
                f,
                "consumer {handle} is running: Kafka reads {name} only when the consumer is created; close or kill it, change the setting, then restart it"
            ),
            ActionError::GroupIdCannotChange => {
                f.write_str("group.id cannot change: add a consumer to the other group instead")
            }
            ActionError::EmptySubscription => {
                f.write_str("a consumer must subscribe to at least one topic")
            }
            ActionError::StallTooShort => f.write_str("a stall must last at least 1 ms"),
            ActionError::InvalidTopic { name } if name.trim().is_empty() => {
                f.write_str("a topic needs a name")
            }
            ActionError::InvalidTopic { name } => write!(
                f,
                "topic name \"{name}\" is illegal: use ASCII letters, digits, '.', '_' and '-' (at most 249)"
            ),
            ActionError::TopicAlreadyExists { topic } => {
                write!(f, "TopicExistsException: Topic '{topic}' already exists.")
            }
            ActionError::UnknownTopic { topic } => write!(
                f,
                "UnknownTopicOrPartitionException: topic {topic} does not exist"
            ),
            ActionError::NoPartitions { requested, .. } => write!(
                f,
                "InvalidPartitionsException: Number of partitions must be larger than 0, not {requested}."
            ),
            ActionError::InvalidPartitions {
                current, requested, ..
            } if requested == current => write!(
                f,
                "InvalidPartitionsException: Topic already has {current} partitions."
            ),
            ActionError::InvalidPartitions {
                current, requested, ..
            } => write!(
                f,
                "InvalidPartitionsException: Topic currently has {current} partitions, which is higher than the requested {requested}."
            ),
            ActionError::Config(error) => write!(f, "{error}"),
        }
    }
}

// `Config` shows its ConfigError as the whole message, so it is not repeated as a `source()`.
impl std::error::Error for ActionError {}

impl From<ConfigError> for ActionError {
    fn from(error: ConfigError) -> Self {
        ActionError::Config(error)
    }
}

#[derive(Clone, Debug)]
enum Event {
    Deliver {
        from: Endpoint,
        to: Endpoint,
        message: Message,
    },
    Coordinator(CoordinatorTimer),
    Consumer {
        index: usize,
        incarnation: u32,
        timer: ConsumerTimer,
    },
    Scheduled(Action),
}

#[derive(Clone, Debug)]
pub struct World {
    now: Millis,
    queue: EventQueue<Event>,
    rng: SimRng,
    latency_ms: Millis,
    duration_ms: Millis,
    scenario: Scenario,
    pub(crate) topics: BTreeMap<String, i32>,
    pub(crate) coordinator: GroupCoordinator,
    pub(crate) consumers: Vec<KafkaConsumer>,
    shown_states: Vec<ConsumerState>,
    trace: Vec<TraceEntry>,
    /// Actions scheduled by the scenario that were refused when their time came.
    refused: Vec<(Millis, ActionError)>,
}

impl World {
    /// Builds the World at time 0: topics created, the scenario's consumers and actions scheduled.
    pub fn new(scenario: &Scenario) -> Result<World, ScenarioError> {
        let broker = scenario.broker_config()?;
        let mut world = World {
            now: 0,
            queue: EventQueue::default(),
            rng: SimRng::new(scenario.seed),
            latency_ms: scenario.network_latency_ms,
            duration_ms: scenario.duration_ms,
            scenario: scenario.clone(),
            topics: BTreeMap::new(),
            coordinator: GroupCoordinator::new(broker),
            consumers: Vec::new(),
            shown_states: Vec::new(),
            trace: Vec::new(),
            refused: Vec::new(),
        };
        for topic in &scenario.topics {
            world
                .apply(Action::AddTopic {
                    name: topic.name.clone(),
                    partitions: topic.partitions,
                })
                .map_err(ScenarioError::Topic)?;
        }
        for (i, spec) in scenario.consumers.iter().enumerate() {
            scenario
                .consumer_config(&spec.group, &spec.config)
                .and_then(|c| c.validate())
                .map_err(|error| ScenarioError::Consumer {
                    entry: ConsumerEntry::Consumers(i),
                    group: spec.group.clone(),
                    error,
                })?;
            if spec.topics.is_empty() {
                return Err(ScenarioError::NoTopics {
                    entry: ConsumerEntry::Consumers(i),
                });
            }
            for _ in 0..spec.count {
                world.queue.push(
                    spec.start_at_ms,
                    Event::Scheduled(Action::AddConsumer {
                        group: spec.group.clone(),
                        topics: spec.topics.clone(),
                        config: spec.config.clone(),
                    }),
                );
            }
        }
        for (i, timed) in scenario.actions.iter().enumerate() {
            if let Action::AddConsumer {
                group,
                config,
                topics,
            } = &timed.action
            {
                scenario
                    .consumer_config(group, config)
                    .and_then(|c| c.validate())
                    .map_err(|error| ScenarioError::Consumer {
                        entry: ConsumerEntry::Actions(i),
                        group: group.clone(),
                        error,
                    })?;
                if topics.is_empty() {
                    return Err(ScenarioError::NoTopics {
                        entry: ConsumerEntry::Actions(i),
                    });
                }
            }
            world
                .queue
                .push(timed.at_ms, Event::Scheduled(timed.action.clone()));
        }
        // Consumers starting at time 0 start now, so the first snapshot already shows them.
        world.run_until(0);
        Ok(world)
    }

    pub fn now(&self) -> Millis {
        self.now
    }

    /// How long the scenario asks to run.
    pub fn duration_ms(&self) -> Millis {
        self.duration_ms
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    pub fn broker_config(&self) -> &BrokerConfig {
        &self.coordinator.config
    }

    pub fn trace(&self) -> &[TraceEntry] {
        &self.trace
    }

    /// Scenario actions that were refused when their time came (e.g. killing a consumer twice).
    pub fn refused_actions(&self) -> &[(Millis, ActionError)] {
        &self.refused
    }

    pub fn consumers(&self) -> &[KafkaConsumer] {
        &self.consumers
    }

    pub fn coordinator(&self) -> &GroupCoordinator {
        &self.coordinator
    }

    pub fn topics(&self) -> &BTreeMap<String, i32> {
        &self.topics
    }

    /// The time of the next pending event, if any.
    pub fn next_event_time(&self) -> Option<Millis> {
        self.queue.peek_time()
    }

    /// Processes every event with time ≤ `t`, then sets the clock to `t` (never backwards).
    pub fn run_until(&mut self, t: Millis) {
        while let Some(item) = self.queue.pop_due(t) {
            self.now = item.at;
            self.process(item.event);
        }
        self.now = self.now.max(t);
    }

    /// Jumps to the next event time and processes every event due then.
    pub fn step(&mut self) -> Option<Millis> {
        let t = self.queue.peek_time()?;
        self.run_until(t);
        Some(t)
    }

    /// Runs instant by instant until one records something in the trace (a message, a state or
    /// ownership change, a callback), and returns that instant: the Step a learner wants. Instants
    /// that only move a poll loop along change nothing visible. Gives up after `max_instants`.
    pub fn step_to_next_record(&mut self, max_instants: usize) -> Option<Millis> {
        let before = self.trace.len();
        let mut last = None;
        for _ in 0..max_instants {
            // Stopping at an empty queue still reports the instants already passed.
            let Some(t) = self.step() else { break };
            last = Some(t);
            if self.trace.len() > before {
                break;
            }
        }
        last
    }

    /// Processes exactly one event (the earliest) and returns its time; `None` when nothing is pending.
    /// Tests use it to check invariants after every single event.
    pub fn process_next_event(&mut self) -> Option<Millis> {
        let t = self.queue.peek_time()?;
        let item = self.queue.pop_due(t)?;
        self.now = item.at;
        self.process(item.event);
        Some(t)
    }

    /// Applies a user action now. On error nothing changes.
    pub fn apply(&mut self, action: Action) -> Result<(), ActionError> {
        self.check(&action)?;
        self.perform(action);
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Actions: `check` refuses without touching anything, `perform` cannot fail.
    // -----------------------------------------------------------------------------------------

    fn consumer_index(&self, handle: &str) -> Result<usize, ActionError> {
        self.consumers
            .iter()
            .position(|c| c.handle == handle)
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
            Lifecycle::Running => Ok(i),
            Lifecycle::Dead | Lifecycle::Closed | Lifecycle::Failed { .. } => {
                Err(ActionError::ConsumerNotRunning {
                    handle: handle.to_string(),
                    state: self.consumers[i].display_state(),
                })
            }
        }
    }

    fn check(&self, action: &Action) -> Result<(), ActionError> {
        match action {
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
                let config = self.scenario.consumer_config(group, config)?;
                Ok(config.validate()?)
            }
            Action::CloseConsumer { consumer } => self.active_consumer(consumer).map(|_| ()),
            // A kill cuts a close short: the process is gone whatever it was waiting for.
            Action::KillConsumer { consumer } => self.running_consumer(consumer).map(|_| ()),
            Action::StallConsumer { consumer, ms } => {
                self.active_consumer(consumer)?;
                if *ms == 0 {
                    return Err(ActionError::StallTooShort);
                }
                Ok(())
            }
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
                apply_instance_change(&mut config.group_instance_id, group_instance_id);
                Ok(config.validate()?)
            }
            Action::AddTopic { name, partitions } => {
                if name.trim().is_empty() || !valid_topic_name(name) {
                    return Err(ActionError::InvalidTopic { name: name.clone() });
                }
                if self.topics.contains_key(name) {
                    return Err(ActionError::TopicAlreadyExists {
                        topic: name.clone(),
                    });
                }
                if *partitions < 1 {
                    return Err(ActionError::NoPartitions {
                        topic: name.clone(),
                        requested: *partitions,
                    });
                }
                Ok(())
            }
            Action::DeleteTopic { name } => {
                if self.topics.contains_key(name) {
                    Ok(())
                } else {
                    Err(ActionError::UnknownTopic {
                        topic: name.clone(),
                    })
                }
            }
            Action::AddPartitions { topic, total } => {
                let Some(&current) = self.topics.get(topic) else {
                    return Err(ActionError::UnknownTopic {
                        topic: topic.clone(),
                    });
                };
                if *total <= current {
                    return Err(ActionError::InvalidPartitions {
                        topic: topic.clone(),
                        current,
                        requested: *total,
                    });
                }
                Ok(())
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

    fn perform(&mut self, action: Action) {
        match action {
            Action::AddConsumer {
                group,
                topics,
                config,
            } => {
                let Ok(config) = self.scenario.consumer_config(&group, &config) else {
                    return;
                };
                let number = self.consumers.len() + 1;
                let consumer = KafkaConsumer::new(&format!("c{number}"), number, 1, topics, config);
                self.consumers.push(consumer);
                self.shown_states.push(ConsumerState::Unjoined);
                self.with_consumer(number - 1, |c, now, out| c.start(now, out));
            }
            Action::CloseConsumer { consumer } => {
                if let Ok(i) = self.consumer_index(&consumer) {
                    self.with_consumer(i, |c, now, out| c.close(now, out));
                }
            }
            Action::KillConsumer { consumer } => {
                if let Ok(i) = self.consumer_index(&consumer) {
                    self.with_consumer(i, |c, now, out| c.kill(now, out));
                }
            }
            Action::StallConsumer { consumer, ms } => {
                if let Ok(i) = self.consumer_index(&consumer) {
                    self.with_consumer(i, |c, now, out| c.stall(now, ms, out));
                }
            }
            Action::RestartConsumer {
                consumer,
                group_instance_id,
            } => {
                if let Ok(i) = self.consumer_index(&consumer) {
                    let old = &self.consumers[i];
                    let mut config = old.config.clone();
                    apply_instance_change(&mut config.group_instance_id, &group_instance_id);
                    let fresh = KafkaConsumer::new(
                        &old.handle,
                        old.number,
                        old.incarnation + 1,
                        old.topics.clone(),
                        config,
                    );
                    self.consumers[i] = fresh;
                    self.with_consumer(i, |c, now, out| c.start(now, out));
                }
            }
            Action::AddTopic { name, partitions } => {
                self.topics.insert(name.clone(), partitions);
                self.record(TraceEvent::TopicCreated {
                    topic: name,
                    partitions,
                });
            }
            Action::DeleteTopic { name } => {
                self.topics.remove(&name);
                self.record(TraceEvent::TopicDeleted { topic: name });
            }
            Action::AddPartitions { topic, total } => {
                let from = self.topics.insert(topic.clone(), total).unwrap_or(0);
                self.record(TraceEvent::PartitionsAdded {
                    topic,
                    from,
                    to: total,
                });
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

    // -----------------------------------------------------------------------------------------
    // The event loop
    // -----------------------------------------------------------------------------------------

    fn process(&mut self, event: Event) {
        match event {
            Event::Scheduled(action) => {
                if let Err(e) = self.apply(action) {
                    self.refused.push((self.now, e));
                }
            }
            Event::Coordinator(timer) => {
                let mut out = Out::default();
                self.coordinator
                    .on_timer(self.now, timer, &mut self.rng, &mut out);
                self.dispatch_coordinator(out);
            }
            Event::Consumer {
                index,
                incarnation,
                timer,
            } => {
                if self
                    .consumers
                    .get(index)
                    .is_some_and(|c| c.incarnation == incarnation)
                {
                    self.with_consumer(index, |c, now, out| c.on_timer(now, timer, out));
                }
            }
            Event::Deliver { from, to, message } => self.deliver(from, to, message),
        }
    }

    fn deliver(&mut self, from: Endpoint, to: Endpoint, message: Message) {
        match &to {
            Endpoint::Broker => {
                self.record(TraceEvent::MessageDelivered {
                    from: from.clone(),
                    to: to.clone(),
                    message: message.clone(),
                });
                let Message::Request {
                    correlation_id,
                    body,
                } = message
                else {
                    return;
                };
                if let Request::Metadata(req) = &body {
                    let topics = self
                        .topics
                        .iter()
                        .filter(|(name, _)| req.topics.is_empty() || req.topics.contains(name))
                        .map(|(n, p)| (n.clone(), *p))
                        .collect();
                    let reply = Message::Response {
                        correlation_id,
                        body: Response::Metadata(MetadataResponse { topics }),
                    };
                    self.send(Endpoint::Broker, from, reply);
                    return;
                }
                let mut out = Out::default();
                let reply_to = ReplyTo {
                    endpoint: from,
                    correlation_id,
                };
                self.coordinator
                    .handle(self.now, reply_to, body, &mut self.rng, &mut out);
                self.dispatch_coordinator(out);
            }
            Endpoint::Consumer {
                handle,
                incarnation,
            } => {
                let index = self.consumers.iter().position(|c| {
                    &c.handle == handle && c.incarnation == *incarnation && c.is_running()
                });
                let Some(index) = index else {
                    self.record(TraceEvent::MessageDropped { from, to, message });
                    return;
                };
                self.record(TraceEvent::MessageDelivered {
                    from,
                    to,
                    message: message.clone(),
                });
                if let Message::Response {
                    correlation_id,
                    body,
                } = message
                {
                    self.with_consumer(index, |c, now, out| {
                        c.on_response(now, correlation_id, body, out)
                    });
                }
            }
        }
    }

    fn send(&mut self, from: Endpoint, to: Endpoint, message: Message) {
        let deliver_at = self.now.saturating_add(self.latency_ms);
        self.record(TraceEvent::MessageSent {
            from: from.clone(),
            to: to.clone(),
            deliver_at,
            message: message.clone(),
        });
        self.queue
            .push(deliver_at, Event::Deliver { from, to, message });
    }

    fn record(&mut self, event: TraceEvent) {
        self.trace.push(TraceEntry {
            at: self.now,
            event,
        });
    }

    fn dispatch_coordinator(&mut self, out: Out<CoordinatorTimer>) {
        for emitted in out.emitted {
            match emitted {
                Emitted::Send(to, message) => self.send(Endpoint::Broker, to, message),
                Emitted::Record(event) => self.record(event),
            }
        }
        for (at, timer) in out.timers {
            self.queue.push(at, Event::Coordinator(timer));
        }
        // Coordinator decisions do not change how consumers look; their responses will.
    }

    /// Runs one step of a consumer and routes what it produced.
    fn with_consumer(
        &mut self,
        index: usize,
        f: impl FnOnce(&mut KafkaConsumer, Millis, &mut Out<ConsumerTimer>),
    ) {
        let mut out = Out::default();
        let now = self.now;
        let Some(consumer) = self.consumers.get_mut(index) else {
            return;
        };
        f(consumer, now, &mut out);
        let from = consumer.endpoint();
        let incarnation = consumer.incarnation;
        // One ordered list: the trace shows sends and events in the order the actor produced them.
        // (Message delivery order is unchanged: sends keep their relative order and precede the timers.)
        for emitted in out.emitted {
            match emitted {
                Emitted::Send(to, message) => self.send(from.clone(), to, message),
                Emitted::Record(event) => self.record(event),
            }
        }
        for (at, timer) in out.timers {
            self.queue.push(
                at,
                Event::Consumer {
                    index,
                    incarnation,
                    timer,
                },
            );
        }
        let state = self.consumers[index].display_state();
        if self.shown_states.get(index) != Some(&state) {
            if let Some(slot) = self.shown_states.get_mut(index) {
                *slot = state.clone();
            }
            self.record(TraceEvent::ConsumerStateChanged {
                consumer: self.consumers[index].handle.clone(),
                state,
            });
        }
    }
}

fn apply_instance_change(id: &mut Option<String>, change: &InstanceIdChange) {
    match change {
        InstanceIdChange::Keep => {}
        InstanceIdChange::Set(new) => *id = Some(new.clone()),
        InstanceIdChange::Unset => *id = None,
    }
}

/// Kafka's legal topic names: 1–249 characters of `[a-zA-Z0-9._-]`, not "." or "..".
fn valid_topic_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 249
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}
