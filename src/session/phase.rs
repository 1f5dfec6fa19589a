//! Moving time by what a teacher talks about rather than by instants: to the group's next phase
//! (its coordinator state changing, e.g. Stable → PreparingRebalance → CompletingRebalance →
//! Stable), or straight to the moment every group is Stable ("skip to Stable" at a lesson's start).
//! A step by event moves a few milliseconds (a request, then its response); a phase is what the
//! group header shows.

use super::lab::Lab;
use crate::sim::snapshot::Snapshot;
use crate::sim::time::Millis;
use crate::sim::vocab::{ClassicGroupState, ConsumerGroupState};
use crate::sim::TraceEvent;

/// How far a phase step looks ahead before it stops anyway: a group that stays Stable has no next
/// phase, and the button must not run the clock for ever.
pub const PHASE_LOOKAHEAD_MS: Millis = 120_000;

impl Lab {
    /// Steps event by event until a group's coordinator state changes (classic or KIP-848), or
    /// until `limit` of simulated time has passed. Returns the time it stopped at, `None` when
    /// nothing more will ever happen.
    pub fn step_to_next_phase(&mut self, limit: Millis) -> Option<Millis> {
        let until = self.now().saturating_add(limit);
        loop {
            let seen = self.lanes[0].world.trace().len();
            let t = self.step()?;
            let changed = self.lanes[0].world.trace().since(seen).any(|e| {
                matches!(
                    e.event,
                    TraceEvent::GroupStateChanged { .. }
                        | TraceEvent::ConsumerGroupStateChanged { .. }
                )
            });
            if changed {
                return Some(t);
            }
            if t >= until {
                self.run_until(until);
                return Some(until);
            }
        }
    }

    /// Runs event by event until every group with a running member is Stable and every running
    /// member is Stable too (see [`all_stable`]), or `limit` has passed. Returns whether it got there.
    pub fn run_until_stable(&mut self, limit: Millis) -> bool {
        let until = self.now().saturating_add(limit);
        if all_stable(&self.lanes[0].world.snapshot()) {
            return true;
        }
        loop {
            let seen = self.lanes[0].world.trace().len();
            let Some(t) = self.step() else {
                return false;
            };
            // Only a state change can make the picture Stable: the snapshot is read only then.
            let changed = self.lanes[0].world.trace().since(seen).any(|e| {
                matches!(
                    e.event,
                    TraceEvent::GroupStateChanged { .. }
                        | TraceEvent::ConsumerGroupStateChanged { .. }
                        | TraceEvent::ConsumerStateChanged { .. }
                )
            });
            if changed && all_stable(&self.lanes[0].world.snapshot()) {
                return true;
            }
            if t >= until {
                return false;
            }
        }
    }
}

/// Every running consumer is Stable, and so is its group at the coordinator.
pub fn all_stable(s: &Snapshot) -> bool {
    let running: Vec<_> = s
        .consumers
        .iter()
        .filter(|c| c.state.is_running())
        .collect();
    !running.is_empty()
        && running.iter().all(|c| {
            let group_stable = s
                .groups
                .iter()
                .any(|g| g.group_id == c.group && g.state == ClassicGroupState::Stable)
                || s.consumer_groups
                    .iter()
                    .any(|g| g.group_id == c.group && g.state == ConsumerGroupState::Stable);
            group_stable && c.state == crate::sim::vocab::ConsumerState::Stable
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::lessons;
    use crate::session::{Session, Strategy};
    use crate::sim::Action;

    fn basics() -> Lab {
        Lab::new(Session {
            scenario: lessons::lesson("basics").expect("basics").scenario(),
            strategies: vec![Strategy::KafkaDefault],
            actions: Vec::new(),
            until_ms: 0,
        })
        .expect("valid")
    }

    #[test]
    fn skip_to_stable_stops_at_the_first_stable_generation() {
        let mut lab = basics();
        assert!(lab.run_until_stable(PHASE_LOOKAHEAD_MS));
        // It stops when the last member is Stable, not at the end of its look-ahead.
        assert!(lab.now() < 10_000, "stopped at {}", lab.now());
        let s = lab.lanes[0].world.snapshot();
        assert_eq!(s.groups[0].generation, 1);
        assert!(all_stable(&s));
    }

    #[test]
    fn a_kill_reaches_stable_in_a_few_phase_steps_not_dozens() {
        let mut lab = basics();
        lab.run_until_stable(PHASE_LOOKAHEAD_MS);
        lab.apply(Action::KillConsumer {
            consumer: "c3".into(),
        })
        .expect("c3 runs");
        let mut steps = 0;
        while !all_stable(&lab.lanes[0].world.snapshot()) || steps == 0 {
            lab.step_to_next_phase(PHASE_LOOKAHEAD_MS)
                .expect("more happens");
            steps += 1;
            assert!(steps <= 4, "a kill to Stable took more than 4 phase steps");
        }
        assert_eq!(lab.lanes[0].world.snapshot().groups[0].generation, 2);
    }
}
