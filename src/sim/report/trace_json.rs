//! The trace as one JSON document: what `lab run --json` prints and what the page's "Trace (JSON)"
//! export downloads. One serialiser for both, so the two can never disagree.

use crate::sim::scenario::Scenario;
use crate::sim::time::Millis;
use crate::sim::trace::{TraceEntry, TraceEvent};
use crate::sim::world::World;
use serde::{Deserialize, Serialize};

/// Names this document's shape, so a reader can tell it from a scenario file.
pub const TRACE_FORMAT: &str = "rebalance-lab-trace/1";

/// A run's events with the scenario that produces them: `lab run --json --until UNTIL_MS` on
/// `scenario` prints this very document again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceDocument {
    pub format: String,
    /// Exactly the scenario the World ran (a page's user actions are its timed actions).
    pub scenario: Scenario,
    /// The simulated time the run had reached.
    pub until_ms: Millis,
    /// Whether routine heartbeats, metadata refreshes and commits were left out (`--hide-routine`).
    pub hide_routine: bool,
    pub events: Vec<TraceLine>,
}

/// One event: its time, the line `lab run` prints for it, and its fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceLine {
    pub at: Millis,
    pub line: String,
    pub event: TraceEvent,
}

impl TraceLine {
    fn of(entry: &TraceEntry) -> TraceLine {
        TraceLine {
            at: entry.at,
            line: entry.to_string(),
            event: entry.event.clone(),
        }
    }
}

/// The document for `world`, which ran `scenario` up to its current time.
pub fn trace_document(scenario: &Scenario, world: &World, hide_routine: bool) -> TraceDocument {
    TraceDocument {
        format: TRACE_FORMAT.to_string(),
        scenario: scenario.clone(),
        until_ms: world.now(),
        hide_routine,
        events: world
            .trace()
            .iter()
            .filter(|e| !(hide_routine && e.event.is_routine()))
            .map(TraceLine::of)
            .collect(),
    }
}

/// The document as pretty-printed JSON with a final newline, as `lab run --json` prints it.
pub fn trace_json(scenario: &Scenario, world: &World, hide_routine: bool) -> String {
    let mut text = serde_json::to_string_pretty(&trace_document(scenario, world, hide_routine))
        .unwrap_or_default();
    text.push('\n');
    text
}
