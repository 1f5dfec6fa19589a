//! A lab session: one World per strategy being compared, and the user's timed actions that rebuild
//! them exactly. Everything here drives the model through its public API; the protocol itself lives
//! in `sim`, and nothing here knows about a browser (the page, the CLI and the tests share it).

use super::metrics_feed::MetricsFeed;
use super::strategy::Strategy;
use crate::sim::limits::{Limit, LimitExceeded};
use crate::sim::metrics::Metrics;
use crate::sim::scenario::TimedAction;
use crate::sim::sort;
use crate::sim::time::format_millis;
use crate::sim::{
    Action, ActionError, Millis, RefusedAction, Scenario, ScenarioError, Snapshot, World,
};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::rc::Rc;

/// One lane: a World running the scenario under one strategy (a column of compare mode).
#[derive(Clone)]
pub struct Lane {
    pub strategy: Strategy,
    pub world: World,
    /// The metrics read so far from this World's trace (see [`Lab::metrics`]).
    feed: RefCell<MetricsFeed>,
}

/// The scenario, the strategies, and what the user did: enough to rebuild every World exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub scenario: Scenario,
    pub strategies: Vec<Strategy>,
    /// User actions with the simulated time they were applied at, in order.
    pub actions: Vec<TimedAction>,
    /// Where the clock stood when the session was saved: a replay runs up to here.
    #[serde(default)]
    pub until_ms: Millis,
}

impl Session {
    /// A scenario file loaded into a page showing these strategies: a single view takes the
    /// strategy the scenario asks for ([`Strategy::pinned_by`]), so a file written for KIP-848 or
    /// cooperative-sticky runs as it says; Compare keeps its lanes, which exist to run one scenario
    /// under several.
    pub fn loaded(scenario: Scenario, showing: Vec<Strategy>) -> Session {
        let strategies = match (showing.as_slice(), Strategy::pinned_by(&scenario)) {
            ([_], Some(pinned)) => vec![pinned],
            _ => showing,
        };
        Session {
            scenario,
            strategies,
            actions: Vec::new(),
            until_ms: 0,
        }
    }

    /// The session as a plain scenario file: the user's actions become timed actions, so `lab run`
    /// (or the page's scenario box) replays exactly what happened here.
    pub fn as_scenario(&self) -> Scenario {
        let mut scenario = self.scenario.clone();
        scenario.actions.extend(self.actions.iter().cloned());
        // A stable sort keeps the order of actions given for the same instant.
        sort::sort_by_key(&mut scenario.actions, |t| t.at_ms);
        scenario.duration_ms = scenario.duration_ms.max(self.until_ms);
        scenario
    }
}

/// The most trace entries one run keeps in the page, all lanes together. Every lane keeps its whole
/// trace (the timeline, the protocol view, metrics and export read it), and an entry takes 144
/// bytes and more with the message it points to. A run with producers adds about 850 entries per
/// simulated second for three consumers (the protocol's fetches shown), so without a bound it
/// would outgrow a browser tab's memory; the page stops playing here and says so instead. `lab run`
/// has no such bound.
pub const MAX_PAGE_TRACE_ENTRIES: usize = 1_000_000;

/// What the page says when a run reaches [`MAX_PAGE_TRACE_ENTRIES`].
pub fn trace_full_notice() -> String {
    let digits = MAX_PAGE_TRACE_ENTRIES.to_string();
    let mut grouped = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(d);
    }
    format!(
        "This run has recorded {grouped} events, as many as the page keeps in memory, so it stops \
         playing here. Rewind, export the trace, or Reset; `lab run` plays longer runs."
    )
}

/// How many silent instants one Step may pass over before it stops anyway.
const STEP_MAX_INSTANTS: usize = 10_000;

/// The running session: its record (what rebuilds it) and one lane per strategy, the first being
/// the main one. Every change goes through [`Lab::apply`] or the clock methods, so the record and
/// the Worlds never disagree.
#[derive(Clone)]
pub struct Lab {
    pub session: Session,
    pub lanes: Vec<Lane>,
    /// Actions recorded after the current time, after a rewind: replayed as time reaches them,
    /// dropped when the user acts (the run forks). Empty unless rewound.
    pending: Vec<TimedAction>,
}

impl Lab {
    /// Trace entries every lane holds together.
    pub fn trace_entries(&self) -> usize {
        self.lanes.iter().map(|l| l.world.trace().len()).sum()
    }

    /// Whether this run holds as much trace as the page keeps ([`MAX_PAGE_TRACE_ENTRIES`]).
    pub fn trace_full(&self) -> bool {
        self.trace_entries() >= MAX_PAGE_TRACE_ENTRIES
    }

    /// Builds one World per strategy (the first is the main one) and replays the session's actions.
    pub fn new(session: Session) -> Result<Lab, ScenarioError> {
        if session.strategies.is_empty() || session.strategies.len() > 3 {
            return Err(ScenarioError::StrategyCount {
                count: session.strategies.len(),
            });
        }
        let scenarios: Vec<Scenario> = session
            .strategies
            .iter()
            .map(|strategy| strategy.scenario_for(&session.scenario))
            .collect();
        // What the model refuses is told first (it names the field); then what only the page does.
        for scenario in &scenarios {
            scenario.validate()?;
        }
        LimitExceeded::check(Limit::PageConsumers, session.scenario.consumer_count()).map_err(
            |error| ScenarioError::TooLarge {
                field: "consumers".to_string(),
                error,
            },
        )?;
        let mut lanes = Vec::new();
        for (&strategy, scenario) in session.strategies.iter().zip(&scenarios) {
            lanes.push(Lane {
                strategy,
                world: World::new(scenario)?,
                feed: RefCell::default(),
            });
        }
        let mut lab = Lab {
            session: Session {
                actions: Vec::new(),
                until_ms: 0,
                ..session.clone()
            },
            lanes,
            pending: Vec::new(),
        };
        for timed in session.actions {
            lab.run_until(timed.at_ms);
            lab.apply(timed.action)
                .map_err(|error| ScenarioError::ActionRefused {
                    at_ms: timed.at_ms,
                    error,
                })?;
        }
        lab.run_until(session.until_ms);
        Ok(lab)
    }

    pub fn now(&self) -> Millis {
        self.lanes[0].world.now()
    }

    /// The session as it stands now, ready to be shared.
    pub fn saved_session(&self) -> Session {
        Session {
            until_ms: self.now(),
            ..self.session.clone()
        }
    }

    /// Advances every World to `t`, replaying recorded actions on the way (see [`Lab::rewound`]).
    pub fn run_until(&mut self, t: Millis) {
        while self.pending.first().is_some_and(|a| a.at_ms <= t) {
            let timed = self.pending.remove(0);
            self.run_lanes_until(timed.at_ms);
            // It was accepted at this very moment before, and the model is deterministic.
            let _ = self.apply_recorded(timed.action);
        }
        self.run_lanes_until(t);
    }

    fn run_lanes_until(&mut self, t: Millis) {
        for lane in &mut self.lanes {
            lane.world.run_until(t);
        }
    }

    /// The actions recorded after now, which moving forward replays and acting drops.
    pub fn pending(&self) -> &[TimedAction] {
        &self.pending
    }

    /// Every action of the run: those done up to now and those recorded after it.
    pub fn all_actions(&self) -> Vec<TimedAction> {
        let mut all = self.session.actions.clone();
        all.extend(self.pending.iter().cloned());
        all
    }

    /// The same run at an earlier (or later) time `t`, rebuilt from `from` (an earlier copy of this
    /// run, or none for time zero) by replay: the model is deterministic, so the result is exactly
    /// what the run looked like at `t`. Actions after `t` stay recorded and replay as time moves on.
    pub fn rewound(&self, from: Option<&Lab>, t: Millis) -> Result<Lab, ScenarioError> {
        let all = self.all_actions();
        let mut lab = match from.filter(|c| c.now() <= t) {
            Some(checkpoint) => checkpoint.clone(),
            None => Lab::new(Session {
                actions: Vec::new(),
                until_ms: 0,
                ..self.session.clone()
            })?,
        };
        let done = lab.session.actions.len();
        lab.pending = all.into_iter().skip(done).collect();
        lab.run_until(t);
        Ok(lab)
    }

    /// Jumps to the main World's next instant that records something, taking the others along.
    pub fn step(&mut self) -> Option<Millis> {
        // A recorded action is itself a step: stop at it if nothing is recorded before it.
        if let Some(at) = self.pending.first().map(|a| a.at_ms) {
            let before = self.lanes[0].world.trace().len();
            for _ in 0..STEP_MAX_INSTANTS {
                let world = &mut self.lanes[0].world;
                match world.next_event_time() {
                    Some(t) if t < at => {
                        world.step();
                        if world.trace().len() > before {
                            self.run_until(t);
                            return Some(t);
                        }
                    }
                    _ => break,
                }
            }
            self.run_until(at);
            return Some(at);
        }
        let t = self.lanes[0].world.step_to_next_record(STEP_MAX_INSTANTS)?;
        for lane in self.lanes.iter_mut().skip(1) {
            lane.world.run_until(t);
        }
        Some(t)
    }

    /// Applies a user action to every World, or to none: every World checks it first, so a refusal
    /// anywhere leaves every World as it was. After a rewind, an accepted action forks the run: the
    /// actions recorded after now are dropped.
    pub fn apply(&mut self, action: Action) -> Result<(), ActionError> {
        self.apply_recorded(action)?;
        self.pending.clear();
        Ok(())
    }

    fn apply_recorded(&mut self, action: Action) -> Result<(), ActionError> {
        if matches!(action, Action::AddConsumer { .. }) {
            LimitExceeded::check(Limit::PageConsumers, self.consumers_started() + 1)?;
        }
        // Checking changes nothing and `World::apply` performs exactly what its own check accepted,
        // so all or none needs no copies: the action used to be tried on a copy of every World with
        // its whole trace, tens of ms per lane at 50 consumers, in the frame of the click.
        let adapted: Vec<Action> = self
            .lanes
            .iter()
            .map(|lane| lane.strategy.adapt(action.clone()))
            .collect();
        for (lane, action) in self.lanes.iter().zip(&adapted) {
            lane.world.accepts(action)?;
        }
        // Whatever the action makes due at this very instant (a zero network latency) runs now, so a
        // replay, which also advances to each action's time before applying it, sees the same order.
        let now = self.now();
        for (lane, action) in self.lanes.iter_mut().zip(adapted) {
            lane.world
                .apply(action)
                .expect("the action was accepted by this World's own check just now");
            lane.world.run_until(now);
        }
        self.session.actions.push(TimedAction {
            at_ms: self.now(),
            action,
        });
        Ok(())
    }

    /// Every consumer this run starts: its scenario's (timed ones included, as the model counts
    /// them) and those the learner added.
    fn consumers_started(&self) -> u64 {
        let added = self
            .session
            .actions
            .iter()
            .filter(|t| matches!(t.action, Action::AddConsumer { .. }))
            .count();
        self.session.scenario.consumer_count() + added as u64
    }

    /// The scenario's timed actions the model refused when their time came, as sentences for the
    /// page: the run went on without them, which a learner would otherwise never know. An action
    /// refused in some lanes of a comparison only names the lanes that refused it.
    pub fn refused_action_notes(&self) -> Vec<String> {
        let mut notes: Vec<(&RefusedAction, Vec<Strategy>)> = Vec::new();
        for lane in &self.lanes {
            for refused in lane.world.refused_actions() {
                match notes.iter_mut().find(|(r, _)| *r == refused) {
                    Some((_, lanes)) => lanes.push(lane.strategy),
                    None => notes.push((refused, vec![lane.strategy])),
                }
            }
        }
        notes
            .into_iter()
            .map(|(refused, lanes)| {
                let where_ = if lanes.len() == self.lanes.len() {
                    String::new()
                } else {
                    let names: Vec<&str> = lanes.iter().map(|s| s.label()).collect();
                    format!(" (under {})", names.join(", "))
                };
                format!(
                    "At {} the scenario's {} action was refused{where_}: {}. The run went on without it.",
                    format_millis(refused.at),
                    refused.kind,
                    refused.error.to_string().trim_end_matches('.')
                )
            })
            .collect()
    }

    pub fn snapshots(&self) -> Vec<Rc<Snapshot>> {
        self.lanes
            .iter()
            .map(|lane| Rc::new(lane.world.snapshot()))
            .collect()
    }

    /// Each lane's metrics now. Each lane reads only the trace entries added since the last call
    /// (a lane's World only ever extends its trace; a copy of the Lab copies what was read).
    pub fn metrics(&self) -> Vec<Rc<Metrics>> {
        self.lanes
            .iter()
            .map(|lane| {
                let metrics = lane
                    .feed
                    .borrow_mut()
                    .metrics(lane.world.trace(), lane.world.now());
                Rc::new(metrics)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::limits::{MAX_CONSUMERS, MAX_PAGE_CONSUMERS};

    fn session_of(consumers: usize, timed_additions: usize) -> Session {
        let additions: Vec<String> = (0..timed_additions)
            .map(|i| {
                format!(
                    r#"{{ "at_ms": {}, "action": {{ "type": "add_consumer", "group": "g", "topics": ["t"] }} }}"#,
                    1_000 + i
                )
            })
            .collect();
        let json = format!(
            r#"{{ "topics": [{{ "name": "t", "partitions": 2 }}],
                 "consumers": [{{ "group": "g", "topics": ["t"], "count": {consumers} }}],
                 "actions": [{}] }}"#,
            additions.join(",")
        );
        Session {
            scenario: Scenario::from_json(&json).unwrap(),
            strategies: vec![Strategy::KafkaDefault],
            actions: Vec::new(),
            until_ms: 0,
        }
    }

    fn add_one() -> Action {
        Action::AddConsumer {
            group: "g".into(),
            topics: vec!["t".into()],
            config: Default::default(),
        }
    }

    #[test]
    fn the_page_runs_fewer_consumers_than_the_model_and_says_where_more_run() {
        // The model (`lab run`) builds what the page refuses.
        let crowd = session_of(MAX_PAGE_CONSUMERS + 1, 0);
        assert!(World::new(&crowd.scenario).is_ok());
        let refused = Lab::new(crowd).err().expect("the page refuses it");
        assert!(
            matches!(&refused, ScenarioError::TooLarge { field, error }
                if field == "consumers" && error.limit == Limit::PageConsumers),
            "{refused}"
        );
        assert_eq!(
            refused.to_string(),
            "consumers: 501 is beyond what this simulator supports: at most 500 consumers in one run \
             of the page (the page redraws every consumer at every frame; `lab run` takes up to 1000)"
        );
        // Beyond the model's own limit, the model's message names the field.
        let beyond_both = Lab::new(session_of(MAX_CONSUMERS + 1, 0)).err().unwrap();
        assert!(
            matches!(&beyond_both, ScenarioError::TooLarge { field, error }
                if field == "consumers[0].count" && error.limit == Limit::Consumers),
            "{beyond_both}"
        );
        // The scenario's timed additions count from the start, as the model counts them.
        assert!(Lab::new(session_of(MAX_PAGE_CONSUMERS - 1, 2)).is_err());
    }

    #[test]
    fn the_scenarios_refused_actions_are_told_once_for_all_lanes() {
        let json = r#"{ "topics": [{ "name": "t", "partitions": 2 }],
            "consumers": [{ "group": "g", "topics": ["t"], "count": 2 }],
            "actions": [
                { "at_ms": 5000, "action": { "type": "kill_consumer", "consumer": "c1" } },
                { "at_ms": 6000, "action": { "type": "kill_consumer", "consumer": "c1" } },
                { "at_ms": 7000, "action": { "type": "stall_consumer", "consumer": "c9", "ms": 1000 } }
            ] }"#;
        let mut lab = Lab::new(Session {
            scenario: Scenario::from_json(json).unwrap(),
            strategies: vec![Strategy::EagerRange, Strategy::CooperativeSticky],
            actions: Vec::new(),
            until_ms: 0,
        })
        .unwrap();
        lab.run_until(5_500);
        assert!(
            lab.refused_action_notes().is_empty(),
            "the first kill is accepted"
        );
        lab.run_until(10_000);
        let notes = lab.refused_action_notes();
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(
            notes[0].starts_with("At 00:06.000 the scenario's kill_consumer action was refused: ")
                && notes[0].ends_with(". The run went on without it."),
            "{}",
            notes[0]
        );
        assert!(
            notes[1].starts_with("At 00:07.000 the scenario's stall_consumer action was refused: ")
                && notes[1].contains("c9"),
            "{}",
            notes[1]
        );
    }

    #[test]
    fn a_consumer_added_beyond_the_page_limit_is_refused_and_changes_nothing() {
        let mut lab = Lab::new(session_of(MAX_PAGE_CONSUMERS - 2, 1)).unwrap();
        lab.run_until(2_000);
        lab.apply(add_one()).expect("the 500th consumer joins");
        let before = lab.saved_session();
        let consumers = lab.lanes[0].world.consumers().len();
        let refused = lab.apply(add_one()).unwrap_err();
        assert!(
            matches!(refused, ActionError::BeyondLimit(e)
                if e.limit == Limit::PageConsumers && e.requested == 501),
            "{refused}"
        );
        assert_eq!(lab.saved_session(), before);
        assert_eq!(lab.lanes[0].world.consumers().len(), consumers);
    }

    #[test]
    fn the_memory_notice_names_the_bound_as_people_write_numbers() {
        assert!(trace_full_notice().contains(" 1,000,000 events"));
    }
}
