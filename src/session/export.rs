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

/// The main column's scenario ([`lane_scenario`] of lane 0, which every lab has): the page's
/// "Show this session". Loaded back, it pins the same strategy (`Strategy::pinned_by`).
pub fn main_scenario(lab: &Lab) -> Scenario {
    lane_scenario(lab, 0).expect("a lab has a main lane")
}

/// Lane `lane`'s whole trace so far as `lab run --json --until NOW` prints it for
/// [`lane_scenario`]; `None` for a lane that does not exist.
pub fn lane_trace_json(lab: &Lab, lane: usize) -> Option<String> {
    let scenario = lane_scenario(lab, lane)?;
    Some(trace_json(&scenario, &lab.lanes[lane].world, false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Session, Strategy};

    /// "Show this session" then "Load scenario" in a single view gives back the same strategy and
    /// the same run, whichever strategy the page showed.
    #[test]
    fn the_shown_session_loads_back_under_the_same_strategy() {
        let basics = crate::session::lessons::lesson("basics")
            .expect("the basics lesson")
            .scenario();
        for strategy in Strategy::ALL {
            let mut lab =
                Lab::new(Session::loaded(basics.clone(), vec![strategy])).expect("the lab builds");
            lab.run_until(30_000);
            let shown = main_scenario(&lab);
            let reloaded = Session::loaded(shown, vec![Strategy::KafkaDefault]);
            assert_eq!(reloaded.strategies, [strategy]);
            let mut again = Lab::new(reloaded).expect("the shown session loads");
            again.run_until(30_000);
            assert_eq!(
                again.lanes[0].world.snapshot(),
                lab.lanes[0].world.snapshot(),
                "{strategy:?}"
            );
        }
    }
}
