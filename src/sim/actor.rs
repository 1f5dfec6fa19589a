//! The shape every actor shares (after Stateright's `Actor`): react to a delivered message or a fired
//! timer, and answer with messages to send, timers to set and what to record in the trace.

use super::protocol::Message;
use super::time::Millis;
use super::trace::{Endpoint, TraceEvent};

/// What an actor produced in one step. `T` is the actor's own timer type; timers are absolute times.
#[derive(Debug)]
pub struct Out<T> {
    pub sends: Vec<(Endpoint, Message)>,
    pub timers: Vec<(Millis, T)>,
    pub trace: Vec<TraceEvent>,
}

impl<T> Default for Out<T> {
    fn default() -> Self {
        Self {
            sends: Vec::new(),
            timers: Vec::new(),
            trace: Vec::new(),
        }
    }
}

impl<T> Out<T> {
    pub fn send(&mut self, to: Endpoint, message: Message) {
        self.sends.push((to, message));
    }

    pub fn set_timer(&mut self, at: Millis, timer: T) {
        self.timers.push((at, timer));
    }

    pub fn record(&mut self, event: TraceEvent) {
        self.trace.push(event);
    }

    /// The messages sent, in order.
    pub fn sends(&self) -> impl Iterator<Item = &(Endpoint, Message)> {
        self.sends.iter()
    }
}
