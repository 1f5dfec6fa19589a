//! The shape every actor shares (after Stateright's `Actor`): it reacts to a delivered message or a
//! fired timer, and answers — through its [`Ctx`] — with messages to send, timers to set or cancel and
//! what to record in the trace. The World moves the messages and owns the clock and the timers; an
//! actor never sees another actor.

use super::protocol::Message;
use super::rng::SimRng;
use super::time::Millis;
use super::timer::{Timer, TimerKey};
use super::trace::TraceEvent;
use super::vocab::Endpoint;

/// One thing an actor produced, in the order it happened.
#[derive(Debug)]
pub enum Emitted {
    Send(Endpoint, Message),
    Record(TraceEvent),
}

/// A change to the actor's timers, applied in order after its sends.
#[derive(Debug, PartialEq, Eq)]
pub enum TimerChange {
    /// Set the timer under `timer.key()` to fire at `at`, replacing any timer under that key.
    Set { at: Millis, timer: Timer },
    /// Remove the timer under this key, if any.
    Cancel(TimerKey),
}

/// What an actor produced in one step. Sent messages and trace events share one list, so the trace
/// shows them in causal order; timer changes follow, in the order they were asked for.
#[derive(Debug, Default)]
pub struct Out {
    pub emitted: Vec<Emitted>,
    pub timers: Vec<TimerChange>,
}

impl Out {
    pub fn send(&mut self, to: Endpoint, message: Message) {
        self.emitted.push(Emitted::Send(to, message));
    }

    pub fn record(&mut self, event: TraceEvent) {
        self.emitted.push(Emitted::Record(event));
    }

    pub fn set_timer(&mut self, at: Millis, timer: Timer) {
        self.timers.push(TimerChange::Set { at, timer });
    }

    pub fn cancel_timer(&mut self, key: TimerKey) {
        self.timers.push(TimerChange::Cancel(key));
    }

    /// The messages sent, in order.
    pub fn sends(&self) -> impl Iterator<Item = (&Endpoint, &Message)> {
        self.emitted.iter().filter_map(|e| match e {
            Emitted::Send(to, message) => Some((to, message)),
            Emitted::Record(_) => None,
        })
    }

    /// The trace events recorded, in order.
    pub fn trace(&self) -> impl Iterator<Item = &TraceEvent> {
        self.emitted.iter().filter_map(|e| match e {
            Emitted::Record(event) => Some(event),
            Emitted::Send(..) => None,
        })
    }
}

/// Everything an actor may use in one step: the time, the World's one seeded RNG, and its output.
pub struct Ctx<'a> {
    pub now: Millis,
    pub rng: &'a mut SimRng,
    pub out: Out,
}

impl<'a> Ctx<'a> {
    pub fn new(now: Millis, rng: &'a mut SimRng) -> Self {
        Self {
            now,
            rng,
            out: Out::default(),
        }
    }
}

/// A party on the simulated network: the broker, a consumer (a producer, later).
pub trait Actor {
    /// A message arrived for this actor.
    fn on_message(&mut self, from: Endpoint, message: Message, ctx: &mut Ctx);

    /// One of this actor's timers fired (only the live one under its key ever does).
    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx);

    /// Whether the process is alive. The World drops messages and timers meant for a process that is
    /// gone, as the network and the operating system would.
    fn is_running(&self) -> bool {
        true
    }

    /// Runs after every step of this actor, to record how it now looks (a consumer's card state).
    fn after_step(&mut self, _ctx: &mut Ctx) {}
}
