//! The shape every actor shares (after Stateright's `Actor`): react to a delivered message or a fired
//! timer, and answer with messages to send, timers to set and what to record in the trace.

use super::protocol::Message;
use super::time::Millis;
use super::trace::{Endpoint, TraceEvent};

/// One thing an actor produced, in the order it happened.
#[derive(Debug)]
pub enum Emitted {
    Send(Endpoint, Message),
    Record(TraceEvent),
}

/// What an actor produced in one step. `T` is the actor's own timer type; timers are absolute times.
/// Sent messages and trace events share one list, so the trace shows them in causal order.
#[derive(Debug)]
pub struct Out<T> {
    pub emitted: Vec<Emitted>,
    pub timers: Vec<(Millis, T)>,
}

impl<T> Default for Out<T> {
    fn default() -> Self {
        Self {
            emitted: Vec::new(),
            timers: Vec::new(),
        }
    }
}

impl<T> Out<T> {
    pub fn send(&mut self, to: Endpoint, message: Message) {
        self.emitted.push(Emitted::Send(to, message));
    }

    pub fn set_timer(&mut self, at: Millis, timer: T) {
        self.timers.push((at, timer));
    }

    pub fn record(&mut self, event: TraceEvent) {
        self.emitted.push(Emitted::Record(event));
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
