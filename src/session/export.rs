//! What the page exports of a session's run: the trace of one lane as the JSON document `lab run
//! --json` prints (the serialiser is the model's, `sim::report::trace_json`), with the exact
//! scenario that lane ran, so the file reproduces itself on the command line.

use super::lab::Lab;
use crate::sim::report::trace_json::trace_json;
use crate::sim::Scenario;

/// The scenario lane `lane` of `lab` has run, as one plain scenario file: its strategy applied and
/// the user's actions, as that lane took them, as timed actions. `lab run` on it up to
/// `lab.now()` rebuilds that lane's World event for event.
pub fn lane_scenario(lab: &Lab, lane: usize) -> Option<Scenario> {
    let strategy = lab.lanes.get(lane)?.strategy;
    let mut scenario = strategy.scenario_for(&lab.saved_session().as_scenario());
    for timed in &mut scenario.actions {
        timed.action = strategy.adapt(timed.action.clone());
    }
    Some(scenario)
}

/// Lane `lane`'s whole trace so far as `lab run --json --until NOW` prints it for
/// [`lane_scenario`]; `None` for a lane that does not exist.
pub fn lane_trace_json(lab: &Lab, lane: usize) -> Option<String> {
    let scenario = lane_scenario(lab, lane)?;
    Some(trace_json(&scenario, &lab.lanes[lane].world, false))
}
