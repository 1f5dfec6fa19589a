//! The World: the network, the clock and the timers — nothing else. Every actor (the broker, each
//! consumer) is reached the same way: a delivered message or a fired timer becomes one step of that
//! actor, and what the step produced is routed back in by `World::route`. Nothing else moves time.

mod actions;

use super::action::{Action, ActionError, RefusedAction};
use super::action_json;
use super::actor::{Actor, Ctx, Emitted, Out, TimerChange};
use super::broker::classic::GroupCoordinator;
use super::broker::Broker;
use super::client::KafkaConsumer;
use super::config::BrokerConfig;
use super::fast_hash::FastMap;
use super::lag_series::{LagSample, LagSeries};
use super::processed_records::{Delivery, DeliveryFeed};
use super::producer::KafkaProducer;
use super::protocol::Message;
use super::rng::SimRng;
use super::scenario::{Scenario, ScenarioError};
use super::time::{EventQueue, Millis, Slot};
use super::timer::{ProducerTimer, Timer, TimerKey};
use super::trace::{TraceEntry, TraceEvent};
use super::trace_chunks::Trace;
use super::vocab::Endpoint;
use std::cell::{Ref, RefCell};
use std::collections::hash_map::Entry;
use std::collections::BTreeMap;
use std::rc::Rc;

#[derive(Clone, Debug)]
enum Event {
    Deliver {
        from: Endpoint,
        to: Endpoint,
        message: Message,
        /// The trace's copy, recorded when it was sent (`None` when messages of its kind are not
        /// traced): its delivery or drop is recorded with the same copy.
        traced: Option<Rc<Message>>,
    },
    Timer {
        owner: Endpoint,
        timer: Timer,
    },
    Scheduled(Action),
}

#[derive(Clone, Debug)]
pub struct World {
    now: Millis,
    queue: EventQueue<Event>,
    /// The live timers, by actor and key, with where each sits in the queue (looked up only,
    /// never iterated: a hash map keeps the run deterministic).
    timers: FastMap<(Endpoint, TimerKey), Slot>,
    rng: SimRng,
    latency_ms: Millis,
    duration_ms: Millis,
    scenario: Scenario,
    broker: Broker,
    consumers: Vec<KafkaConsumer>,
    producers: Vec<KafkaProducer>,
    trace: Trace,
    /// Actions scheduled by the scenario that were refused when their time came.
    refused: Vec<RefusedAction>,
    /// Lag sampled at fixed instants as the clock passes them (only with producers).
    lag: LagSeries,
    /// What each group processed, read from the trace when asked ([`World::delivery`]) and only as
    /// far as it grew since: the event loop never pays for it.
    delivery: RefCell<DeliveryFeed>,
    /// The output buffer of the next actor step, emptied by `route` and kept with its capacity:
    /// millions of steps in a long run with records would otherwise each grow two fresh lists.
    spare_out: SpareOut,
    /// How many events the World has processed, by kind: what a run's cost follows.
    events: EventCounts,
    /// Where in the trace each group's latest turn is (see [`TraceEvent::group_turn`]): the page
    /// asks every frame, and scanning back for it crossed the record flow's thousands of entries
    /// per simulated second.
    group_turns: FastMap<String, usize>,
}

/// The events a World has processed, by kind. A run's cost follows these counts (each message
/// sent and timer fired is one event), not the number of records, which move as offset ranges.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EventCounts {
    /// Requests and responses delivered (or dropped at a stopped actor).
    pub messages: u64,
    /// Timers fired: heartbeats, the application thread's return from work, held fetches, linger.
    pub timers: u64,
    /// The scenario's scheduled actions.
    pub actions: u64,
}

impl EventCounts {
    pub fn total(&self) -> u64 {
        self.messages + self.timers + self.actions
    }
}

/// A running actor's place in the World, found from an endpoint by [`World::running`].
#[derive(Clone, Copy, Debug)]
enum RunningActor {
    Broker,
    Consumer(usize),
    Producer(usize),
}

/// An emptied output buffer: a cloned World starts with an empty one of its own.
#[derive(Debug, Default)]
struct SpareOut(Out);

impl Clone for SpareOut {
    fn clone(&self) -> Self {
        SpareOut::default()
    }
}

impl World {
    /// Builds the World at time 0: topics created, the scenario's consumers and actions scheduled.
    pub fn new(scenario: &Scenario) -> Result<World, ScenarioError> {
        let broker = scenario.validate()?;
        let mut world = World {
            now: 0,
            queue: EventQueue::default(),
            timers: FastMap::default(),
            rng: SimRng::new(scenario.seed),
            latency_ms: scenario.network_latency_ms,
            duration_ms: scenario.duration_ms,
            scenario: scenario.clone(),
            broker: Broker::new(broker),
            consumers: Vec::new(),
            producers: Vec::new(),
            trace: Trace::default(),
            refused: Vec::new(),
            lag: LagSeries::default(),
            delivery: RefCell::default(),
            spare_out: SpareOut::default(),
            events: EventCounts::default(),
            group_turns: FastMap::default(),
        };
        for (index, topic) in scenario.topics.iter().enumerate() {
            world
                .apply(Action::AddTopic {
                    name: topic.name.clone(),
                    partitions: topic.partitions,
                })
                .map_err(|error| ScenarioError::Topic { index, error })?;
        }
        for spec in &scenario.consumers {
            for _ in 0..spec.count {
                let start = Action::AddConsumer {
                    group: spec.group.clone(),
                    topics: spec.topics.clone(),
                    config: spec.config.clone(),
                };
                world.queue.push(spec.start_at_ms, Event::Scheduled(start));
            }
        }
        for (i, spec) in scenario.producers.iter().enumerate() {
            let producer = KafkaProducer::new(&format!("p{}", i + 1), spec.clone());
            let endpoint = producer.endpoint();
            world.producers.push(producer);
            let send = Timer::Producer(ProducerTimer::Send);
            world.set_timer(&endpoint, spec.start_at_ms, send);
        }
        for timed in &scenario.actions {
            let action = Event::Scheduled(timed.action.clone());
            world.queue.push(timed.at_ms, action);
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

    pub fn broker(&self) -> &Broker {
        &self.broker
    }

    pub fn coordinator(&self) -> &GroupCoordinator {
        self.broker.coordinator()
    }

    pub fn broker_config(&self) -> &BrokerConfig {
        self.broker.config()
    }

    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// What each group processed so far: the records, the duplicates, the records sought past.
    pub fn delivery(&self) -> Ref<'_, Delivery> {
        // Busy only while an earlier answer is still held: it was read after a catch-up, and the
        // trace cannot have grown since, as the World is borrowed for as long as it is held.
        if let Ok(mut feed) = self.delivery.try_borrow_mut() {
            feed.catch_up(&self.trace);
        }
        Ref::map(self.delivery.borrow(), DeliveryFeed::delivery)
    }

    /// How many events this World has processed so far, by kind.
    pub fn events_processed(&self) -> EventCounts {
        self.events
    }

    /// The group's latest turn in the trace: the last rebalance that started or the last classic
    /// static member that resumed its place, whichever came later.
    pub fn last_group_turn(&self, group: &str) -> Option<&TraceEntry> {
        self.trace.get(*self.group_turns.get(group)?)
    }

    /// Scenario actions that were refused when their time came (e.g. killing a consumer twice).
    pub fn refused_actions(&self) -> &[RefusedAction] {
        &self.refused
    }

    pub fn consumers(&self) -> &[KafkaConsumer] {
        &self.consumers
    }

    pub fn producers(&self) -> &[KafkaProducer] {
        &self.producers
    }

    pub fn topics(&self) -> &BTreeMap<String, i32> {
        self.broker.topics()
    }

    /// When this actor's timer under `key` will fire, if it is set.
    pub fn timer_due(&self, owner: &Endpoint, key: &TimerKey) -> Option<Millis> {
        let slot = self.timers.get(&(owner.clone(), key.clone()))?;
        Some(slot.at)
    }

    /// When the coordinator will expire this member's session unless it hears from it.
    pub fn session_deadline(&self, group: &str, member_id: &str) -> Option<Millis> {
        let key = TimerKey::MemberSession {
            group: group.to_string(),
            member_id: member_id.to_string(),
        };
        self.timer_due(&Endpoint::Broker, &key)
    }

    /// The time of the next pending event, if any.
    pub fn next_event_time(&self) -> Option<Millis> {
        self.queue.peek_time()
    }

    /// Processes every event with time ≤ `t`, then sets the clock to `t` (never backwards).
    pub fn run_until(&mut self, t: Millis) {
        while let Some((at, event)) = self.queue.pop_due(t) {
            self.sample_lag_before(at);
            self.now = at;
            self.process_and_note(event);
        }
        self.sample_lag_before(t);
        self.now = self.now.max(t);
    }

    /// Samples the lag at each sampling instant before `t` the clock is about to pass: nothing
    /// happens between the last event and `t`, so the World as it stands is the World at each.
    fn sample_lag_before(&mut self, t: Millis) {
        if !self.scenario.has_records() {
            return;
        }
        while let Some(at) = self.lag.due_before(t) {
            let sample = self.lag_now();
            self.lag.push(at, sample);
        }
    }

    /// Processes one event; with producers, a static member that came back in it (KIP-345: the
    /// coordinator gave its process the old member's place) has the lag it comes back to noted.
    fn process_and_note(&mut self, event: Event) {
        let before = self.trace.len();
        self.process(event);
        // Most events of a run with records (a fetch held, a poll loop moving on) add nothing.
        if !self.scenario.has_records() || self.trace.len() == before {
            return;
        }
        let returned: Vec<String> = self
            .trace
            .since(before)
            .filter_map(|e| e.event.static_member_returned().map(str::to_string))
            .collect();
        for consumer in returned {
            let sample = self.lag_now();
            self.lag.note_return(consumer, sample);
        }
    }

    /// Every group's lag as it stands now.
    pub fn lag_now(&self) -> LagSample {
        let broker = &self.broker;
        LagSample::of(
            self.now,
            &self.consumers,
            broker.logs().log_ends(),
            broker.committed_offsets(),
        )
    }

    /// The lag sampled so far, one sample per [`super::lag_series::LAG_SAMPLE_MS`] of virtual time
    /// already passed (empty without producers).
    pub fn lag_series(&self) -> &LagSeries {
        &self.lag
    }

    /// Processes every event due before `t`, then sets the clock to `t` (never backwards) without
    /// processing what is due at `t`: the World as it stands at the very start of that instant.
    pub fn run_before(&mut self, t: Millis) {
        self.run_until(t.saturating_sub(1));
        self.sample_lag_before(t);
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
        let (at, event) = self.queue.pop_due(t)?;
        self.sample_lag_before(at);
        self.now = at;
        self.process_and_note(event);
        Some(t)
    }

    /// Applies a user action now. On error nothing changes.
    pub fn apply(&mut self, action: Action) -> Result<(), ActionError> {
        self.check(&action)?;
        self.perform(action);
        Ok(())
    }

    /// Whether [`World::apply`] would accept `action` now, changing nothing: the same checks, so a
    /// caller that must apply one action to several Worlds, all or none, asks each first instead of
    /// trying it on copies.
    pub fn accepts(&self, action: &Action) -> Result<(), ActionError> {
        self.check(action)
    }

    // -----------------------------------------------------------------------------------------
    // The event loop: one path for every actor
    // -----------------------------------------------------------------------------------------

    fn process(&mut self, event: Event) {
        match event {
            Event::Scheduled(action) => {
                self.events.actions += 1;
                let kind = action_json::tag_of(&action);
                if let Err(error) = self.apply(action) {
                    self.refused.push(RefusedAction {
                        at: self.now,
                        kind,
                        error,
                    });
                }
            }
            Event::Timer { owner, timer } => {
                self.events.timers += 1;
                self.timers.remove(&(owner.clone(), timer.key()));
                if let Some(actor) = self.running(&owner) {
                    self.step_actor(&owner, actor, |actor, ctx| actor.on_timer(timer, ctx));
                }
            }
            Event::Deliver {
                from,
                to,
                message,
                traced,
            } => {
                self.events.messages += 1;
                let Some(actor) = self.running(&to) else {
                    if let Some(message) = traced {
                        self.record(TraceEvent::MessageDropped { from, to, message });
                    }
                    return;
                };
                if let Some(message) = traced {
                    self.record(TraceEvent::MessageDelivered {
                        from: from.clone(),
                        to: to.clone(),
                        message,
                    });
                }
                self.step_actor(&to, actor, |actor, ctx| {
                    actor.on_message(from, message, ctx)
                });
            }
        }
    }

    /// Where the actor a message or timer for this endpoint reaches sits, if it is running (the
    /// broker, or the running process of that very incarnation): found once per event, for both
    /// the check and the step.
    fn running(&self, at: &Endpoint) -> Option<RunningActor> {
        match at {
            Endpoint::Broker => self.broker.is_running().then_some(RunningActor::Broker),
            Endpoint::Consumer {
                handle,
                incarnation,
            } => self
                .consumer_slot(handle)
                .filter(|&i| {
                    let c = &self.consumers[i];
                    c.incarnation == *incarnation && c.is_running()
                })
                .map(RunningActor::Consumer),
            Endpoint::Producer { handle } => self
                .producers
                .iter()
                .position(|p| p.handle == *handle)
                .map(RunningActor::Producer),
        }
    }

    /// The consumer with this handle. Handles are `c1`, `c2`, … in the order consumers were added,
    /// and a restart keeps its place, so the handle names the place.
    fn consumer_slot(&self, handle: &str) -> Option<usize> {
        let place = handle
            .strip_prefix('c')
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| n.checked_sub(1))
            .filter(|&i| self.consumers.get(i).is_some_and(|c| c.handle == handle));
        place.or_else(|| self.consumers.iter().position(|c| c.handle == handle))
    }

    /// One step of the running actor at `at`, then what it produced is routed.
    fn step_actor(
        &mut self,
        at: &Endpoint,
        running: RunningActor,
        f: impl FnOnce(&mut dyn Actor, &mut Ctx),
    ) {
        let actor: &mut dyn Actor = match running {
            RunningActor::Broker => &mut self.broker,
            RunningActor::Consumer(i) => &mut self.consumers[i],
            RunningActor::Producer(i) => &mut self.producers[i],
        };
        let spare = std::mem::take(&mut self.spare_out).0;
        let out = run_step(self.now, &mut self.rng, spare, actor, |actor, ctx| {
            f(actor, ctx)
        });
        self.route(at, out);
    }

    /// A call from the consumer's application (start, close, stall, kill): one step of that consumer.
    fn step_consumer(
        &mut self,
        index: usize,
        f: impl FnOnce(&mut KafkaConsumer, Millis, &mut Out),
    ) {
        let Some(consumer) = self.consumers.get_mut(index) else {
            return;
        };
        let endpoint = consumer.endpoint();
        let spare = std::mem::take(&mut self.spare_out).0;
        let out = run_step(self.now, &mut self.rng, spare, consumer, |c, ctx| {
            f(c, ctx.now, &mut ctx.out)
        });
        self.route(&endpoint, out);
    }

    /// The producer with this handle.
    pub(super) fn producer_index(&self, handle: &str) -> Result<usize, ActionError> {
        self.producers
            .iter()
            .position(|p| p.handle == handle)
            .ok_or_else(|| ActionError::UnknownProducer {
                handle: handle.to_string(),
                known: self.producers.iter().map(|p| p.handle.clone()).collect(),
            })
    }

    /// A call from the producer's application (a new rate): one step of that producer.
    fn step_producer(
        &mut self,
        index: usize,
        f: impl FnOnce(&mut KafkaProducer, Millis, &mut SimRng, &mut Out),
    ) {
        let Some(producer) = self.producers.get_mut(index) else {
            return;
        };
        let endpoint = producer.endpoint();
        let spare = std::mem::take(&mut self.spare_out).0;
        let out = run_step(self.now, &mut self.rng, spare, producer, |p, ctx| {
            f(p, ctx.now, ctx.rng, &mut ctx.out)
        });
        self.route(&endpoint, out);
    }

    /// An Admin API call on the broker (create or delete a topic, add partitions).
    fn step_broker(&mut self, f: impl FnOnce(&mut Broker, &mut Out)) {
        let spare = std::mem::take(&mut self.spare_out).0;
        let out = run_step(
            self.now,
            &mut self.rng,
            spare,
            &mut self.broker,
            |b, ctx| f(b, &mut ctx.out),
        );
        self.route(&Endpoint::Broker, out);
    }

    /// Everything an actor produced, in order: messages onto the network, events into the trace,
    /// then its timer changes. The emptied buffer is kept for the next step.
    fn route(&mut self, from: &Endpoint, mut out: Out) {
        for emitted in out.emitted.drain(..) {
            match emitted {
                Emitted::Send(to, message) => self.send(from.clone(), to, message),
                Emitted::Record(event) => self.record(event),
            }
        }
        for change in out.timers.drain(..) {
            match change {
                TimerChange::Set { at, timer } => self.set_timer(from, at, timer),
                TimerChange::Cancel(key) => self.cancel_timer(from, key),
            }
        }
        self.spare_out = SpareOut(out);
    }

    fn send(&mut self, from: Endpoint, to: Endpoint, message: Message) {
        let deliver_at = self.now.saturating_add(self.latency_ms);
        let traced = self.traces(&message).then(|| {
            let copy = Rc::new(message.clone());
            self.record(TraceEvent::MessageSent {
                from: from.clone(),
                to: to.clone(),
                deliver_at,
                message: Rc::clone(&copy),
            });
            copy
        });
        self.queue.push(
            deliver_at,
            Event::Deliver {
                from,
                to,
                message,
                traced,
            },
        );
    }

    /// Setting a key replaces the timer under it.
    fn set_timer(&mut self, owner: &Endpoint, at: Millis, timer: Timer) {
        // One look-up of the key, not a removal then an insertion: most timers a step sets (the
        // application thread's return, a held fetch's wait) are set millions of times in a run.
        let key = (owner.clone(), timer.key());
        let event = Event::Timer {
            owner: owner.clone(),
            timer,
        };
        match self.timers.entry(key) {
            Entry::Occupied(mut set) => {
                self.queue.remove(*set.get());
                *set.get_mut() = self.queue.push(at, event);
            }
            Entry::Vacant(unset) => {
                unset.insert(self.queue.push(at, event));
            }
        }
    }

    fn cancel_timer(&mut self, owner: &Endpoint, key: TimerKey) {
        if let Some(slot) = self.timers.remove(&(owner.clone(), key)) {
            self.queue.remove(slot);
        }
    }

    /// Whether this message goes into the trace (all do, unless the scenario leaves the record flow out).
    fn traces(&self, message: &Message) -> bool {
        self.scenario.trace_record_flow || !message.is_record_flow()
    }

    fn record(&mut self, event: TraceEvent) {
        if let Some(group) = event.group_turn() {
            self.group_turns.insert(group.to_string(), self.trace.len());
        }
        self.trace.push(TraceEntry {
            at: self.now,
            event,
        });
    }
}

/// Runs one step of an actor with a fresh context writing into `out` (empty) and returns what it
/// produced.
fn run_step<A: Actor + ?Sized>(
    now: Millis,
    rng: &mut SimRng,
    out: Out,
    actor: &mut A,
    f: impl FnOnce(&mut A, &mut Ctx),
) -> Out {
    debug_assert!(out.emitted.is_empty() && out.timers.is_empty());
    let mut ctx = Ctx { now, rng, out };
    f(actor, &mut ctx);
    actor.after_step(&mut ctx);
    ctx.out
}
