//! The model: a deterministic simulation of Kafka 4.x consumer groups. Virtual time only, one seeded
//! RNG, ordered collections wherever order can show; no web crate may appear under `sim/`.

pub mod actor;
pub mod assign;
pub mod client;
pub mod config;
pub mod consumption;
pub mod coordinator;
pub mod invariants;
pub mod metrics;
pub mod protocol;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod snapshot;
pub mod time;
pub mod trace;
pub mod world;

pub use scenario::{Scenario, ScenarioError};
pub use snapshot::Snapshot;
pub use time::Millis;
pub use trace::{TraceEntry, TraceEvent};
pub use world::{Action, ActionError, InstanceIdChange, World};
