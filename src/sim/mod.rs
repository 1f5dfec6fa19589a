//! The model: a deterministic simulation of Kafka 4.x consumer groups. Virtual time only, one seeded
//! RNG, ordered collections wherever order can show (hash maps only for lookups); no web crate may appear under `sim/`.
//!
//! The layers, each using only those beneath it (no module cycles):
//! * `report`, `snapshot`, `invariants`, `metrics`, `consumption` — read the World and its trace;
//! * `world` — the network, the clock and the timers, one routing path for every actor;
//! * `scenario` — the JSON a World is built from, validated once;
//! * the actors: `broker` (topics, metadata, the group coordinator) and `client` (the consumer);
//! * `actor` (the trait and its context), `timer`, `action`, `trace`;
//! * `vocab`, `protocol`, `config`, `assign`, `time`, `rng`, `fast_hash`, `sort` — the shared
//!   vocabulary and tools.

pub mod action;
pub mod action_json;
pub mod actor;
pub mod assign;
pub mod broker;
pub mod client;
pub mod config;
pub mod consumption;
pub mod data_protocol;
pub mod delivery;
pub mod fast_hash;
pub mod invariants;
pub mod lag_series;
pub mod limits;
pub mod load;
pub mod metrics;
pub mod processed_records;
pub mod producer;
pub mod protocol;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod serialization;
pub mod snapshot;
pub mod sort;
pub mod time;
pub mod timer;
pub mod trace;
pub mod trace_chunks;
pub mod vocab;
pub mod world;

pub use action::{Action, ActionError, InstanceIdChange, RefusedAction};
pub use scenario::{Scenario, ScenarioError};
pub use snapshot::Snapshot;
pub use time::Millis;
pub use trace::{TraceEntry, TraceEvent};
pub use trace_chunks::Trace;
pub use vocab::{CallbackKind, ClassicGroupState, ConsumerState, Endpoint};
pub use world::{EventCounts, World};
